//! Where potential files are looked for.
//!
//! CoMD opens `potDir/potName` with `potDir = pots` by default. comd-rs keeps `--potDir`
//! (`-d`) but, when it is not given, also looks where users actually have the files:
//!
//! 1. `$LAMMPS_POTENTIALS` (the variable LAMMPS itself uses), when set and not empty;
//! 2. `./pots` (CoMD's default, relative to the working directory);
//! 3. `/usr/share/lammps/potentials` (Debian's `lammps-data` package, which ships
//!    `Cu_u6.eam` with the same numbers as CoMD's copy).
//!
//! With `--potDir`, only that directory is searched. An absolute `--potName` is used as is.
//! When nothing is found, the error lists every path tried and says where to get the file.

use std::path::{Path, PathBuf};

use super::error::EamFileError;
use super::file::{EamTables, PotentialFormat};

/// Environment variable naming a potentials directory (searched first).
pub const POTENTIALS_ENV_VAR: &str = "LAMMPS_POTENTIALS";
/// CoMD's default potential directory, relative to the working directory.
pub const LOCAL_POTS_DIR: &str = "./pots";
/// Where Debian's `lammps-data` package installs its potentials.
pub const DEBIAN_POTENTIALS_DIR: &str = "/usr/share/lammps/potentials";

/// What to tell a user whose file was not found.
pub const WHERE_TO_GET_FILES: &str = "Cu_u6.eam ships with Debian's `lammps-data` package \
(`apt-get install lammps-data` installs it in /usr/share/lammps/potentials); Cu01.eam.alloy is \
in the pots/ folder of CoMD's sources. Point comd-rs at the folder with --potDir (-d) or \
$LAMMPS_POTENTIALS, or give an absolute path with --potName (-p).";

/// The directories to search, in order: `[pot_dir]` if given, otherwise
/// `$LAMMPS_POTENTIALS` (if set and not empty), `./pots`, `/usr/share/lammps/potentials`.
pub fn search_dirs(pot_dir: Option<&Path>) -> Vec<PathBuf> {
    if let Some(dir) = pot_dir {
        return vec![dir.to_path_buf()];
    }
    let mut dirs = Vec::with_capacity(3);
    if let Some(env) = std::env::var_os(POTENTIALS_ENV_VAR).filter(|v| !v.is_empty()) {
        dirs.push(PathBuf::from(env));
    }
    dirs.push(PathBuf::from(LOCAL_POTS_DIR));
    dirs.push(PathBuf::from(DEBIAN_POTENTIALS_DIR));
    dirs
}

/// The first `dir/name` that is a file, for `dir` in `dirs`; an absolute `name` is checked
/// as is. Otherwise [`EamFileError::NotFound`] listing every path tried.
pub fn locate_in(name: &str, dirs: &[PathBuf]) -> Result<PathBuf, EamFileError> {
    let as_given = Path::new(name);
    let candidates: Vec<PathBuf> = if as_given.is_absolute() {
        vec![as_given.to_path_buf()]
    } else {
        dirs.iter().map(|d| d.join(name)).collect()
    };
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    if let Some((path, kind)) = candidates.iter().find_map(|p| Some((p, not_a_file(p)?))) {
        return Err(EamFileError::NotAFile { path: path.clone(), kind });
    }
    Err(EamFileError::NotFound {
        name: name.to_string(),
        searched: candidates,
        hint: WHERE_TO_GET_FILES.to_string(),
    })
}

/// What `path` is when it exists but is not a regular file (after following symlinks).
fn not_a_file(path: &Path) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = std::fs::metadata(path).ok()?.file_type();
    Some(match () {
        _ if t.is_file() => return None,
        _ if t.is_dir() => "a directory",
        _ if t.is_fifo() => "a FIFO",
        _ if t.is_char_device() => "a character device",
        _ if t.is_block_device() => "a block device",
        _ if t.is_socket() => "a socket",
        _ => "not a regular file",
    })
}

/// Resolves the potential file for the command line's `--potName`, `--potType` and
/// `--potDir`: an empty or missing name means the format's default file
/// ([`PotentialFormat::default_file_name`]).
pub fn locate(
    name: Option<&str>,
    format: PotentialFormat,
    pot_dir: Option<&Path>,
) -> Result<PathBuf, EamFileError> {
    let name = name
        .filter(|n| !n.is_empty())
        .unwrap_or(format.default_file_name());
    locate_in(name, &search_dirs(pot_dir))
}

/// [`locate`] then [`EamTables::read`]: what rank 0 does before broadcasting the tables.
pub fn load(
    name: Option<&str>,
    format: PotentialFormat,
    pot_dir: Option<&Path>,
) -> Result<EamTables, EamFileError> {
    EamTables::read(&locate(name, format, pot_dir)?, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pot_dir_is_the_only_place_searched() {
        assert_eq!(
            search_dirs(Some(Path::new("/x/y"))),
            vec![PathBuf::from("/x/y")]
        );
        let default = search_dirs(None);
        assert_eq!(default[default.len() - 2], PathBuf::from(LOCAL_POTS_DIR));
        assert_eq!(
            default[default.len() - 1],
            PathBuf::from(DEBIAN_POTENTIALS_DIR)
        );
    }

    #[test]
    fn missing_file_lists_every_place_and_where_to_get_it() {
        let dirs = [
            PathBuf::from("/nonexistent-a"),
            PathBuf::from("/nonexistent-b"),
        ];
        let err = locate_in("Cu_u6.eam", &dirs).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("/nonexistent-a/Cu_u6.eam"), "{msg}");
        assert!(msg.contains("/nonexistent-b/Cu_u6.eam"), "{msg}");
        assert!(msg.contains("lammps-data") && msg.contains("CoMD"), "{msg}");
        assert_eq!(err.comd_exit_code(), 255);
    }

    #[test]
    fn absolute_name_is_used_as_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pot.eam");
        std::fs::write(&file, "x").unwrap();
        let elsewhere = [PathBuf::from("/nonexistent")];
        assert_eq!(locate_in(file.to_str().unwrap(), &elsewhere).unwrap(), file);
        let missing = dir.path().join("missing.eam");
        let err = locate_in(missing.to_str().unwrap(), &elsewhere).unwrap_err();
        match err {
            EamFileError::NotFound { searched, .. } => assert_eq!(searched, vec![missing]),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn first_directory_holding_the_file_wins_and_defaults_apply() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        std::fs::write(b.path().join("Cu01.eam.alloy"), "x").unwrap();
        std::fs::create_dir(a.path().join("Cu01.eam.alloy")).unwrap(); // a directory: skipped
        let dirs = [a.path().to_path_buf(), b.path().to_path_buf()];
        assert_eq!(
            locate_in("Cu01.eam.alloy", &dirs).unwrap(),
            b.path().join("Cu01.eam.alloy")
        );
        let found = locate(Some(""), PotentialFormat::Setfl, Some(b.path())).unwrap();
        assert_eq!(found, b.path().join("Cu01.eam.alloy"));
        assert!(locate(None, PotentialFormat::Funcfl, Some(b.path())).is_err());
    }
}
