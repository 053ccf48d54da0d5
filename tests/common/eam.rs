//! Helpers shared by the EAM table tests: locating the third-party potential files.
//!
//! The files are never copied into the repository. They are read from `../shared/potentials`
//! (beside the crate) and from Debian's `lammps-data` package. Outside CI a missing file
//! skips the test with a message; in CI (`CI` set) it fails the test.

use std::path::{Path, PathBuf};

/// Whether the tests run in CI, where every data file must be present.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

fn require(path: PathBuf, how_to_get_it: &str) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path);
    }
    let msg = format!("{} is missing ({how_to_get_it})", path.display());
    if in_ci() {
        panic!("{msg}; CI must provide it");
    }
    eprintln!("skipping: {msg}");
    None
}

/// `../shared/potentials/<name>` relative to the crate root.
pub fn shared_potential(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/potentials");
    require(
        dir.join(name),
        "the project's shared/ folder is not beside the crate",
    )
}

/// `/usr/share/lammps/potentials/<name>` from Debian's `lammps-data`.
pub fn debian_potential(name: &str) -> Option<PathBuf> {
    let dir = Path::new("/usr/share/lammps/potentials");
    require(
        dir.join(name),
        "install it with `apt-get install lammps-data`",
    )
}
