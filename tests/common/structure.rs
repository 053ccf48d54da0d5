//! Helpers of the structure tests: build structures with ASE (python3), read energies back
//! with LAMMPS (`lmp`, Debian's `lammps` package), parse state-dump headers. Outside CI a
//! missing tool skips the test with a printed reason; in CI (`CI` set) it is a failure
//! (`.ci/run` installs both).


use std::path::Path;
use std::process::Command;

/// Whether a tool is there; in CI its absence panics, elsewhere it prints why the test skips.
fn available(what: &str, ok: bool) -> bool {
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "{what} is missing, but CI must have it (.ci/run installs it)");
        eprintln!("skipping: {what} not available");
    }
    ok
}

/// Whether LAMMPS (`lmp`) runs here (in CI it must).
pub fn lammps_available() -> bool {
    let has = Command::new("lmp").arg("-h").output().is_ok_and(|o| o.status.success());
    available("LAMMPS (lmp)", has)
}

/// Whether `path` exists (in CI it must: `what` says which package brings it).
pub fn file_available(what: &str, path: &Path) -> bool {
    available(what, path.exists())
}

/// Runs a python script (with `import ase` available) in `dir`; its stdout, or `None` when
/// ASE is missing outside CI.
pub fn python(dir: &Path, script: &str) -> Option<String> {
    let has_ase = Command::new("python3").args(["-c", "import ase"]).output().is_ok_and(|o| o.status.success());
    if !available("python3 with ASE", has_ase) {
        return None;
    }
    let out = Command::new("python3").arg("-c").arg(script).current_dir(dir).output().expect("python3");
    assert!(out.status.success(), "python failed:\n{script}\n{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The potential of comd's options, as LAMMPS commands.
pub fn lammps_pair(eam: Option<(&str, &Path)>) -> String {
    match eam {
        None => "pair_style lj/cut 5.7875\npair_coeff 1 1 0.167 2.315\npair_modify shift yes\n".into(),
        Some(("setfl", file)) => format!("pair_style eam/alloy\npair_coeff * * {} Cu\n", file.display()),
        Some((_, file)) => format!("pair_style eam\npair_coeff 1 1 {}\n", file.display()),
    }
}

/// The potential energy (eV) LAMMPS computes for the data file `data` with `pair` commands;
/// `None` when `lmp` is missing outside CI.
pub fn lammps_energy(dir: &Path, data: &str, pair: &str) -> Option<f64> {
    if !lammps_available() {
        return None;
    }
    let input = format!(
        "units metal\natom_style atomic\nboundary p p p\nread_data {data}\n{pair}thermo_style custom step pe\nthermo_modify format float %.17g\nrun 0\n"
    );
    std::fs::write(dir.join("in.lmp"), input).unwrap();
    let out = Command::new("lmp").args(["-in", "in.lmp", "-log", "none"]).current_dir(dir).output().expect("lmp");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "lmp failed:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let mut lines = text.lines().skip_while(|l| !l.trim_start().starts_with("Step"));
    lines.next();
    let row = lines.next().unwrap_or_else(|| panic!("no thermo row in:\n{text}"));
    Some(row.split_whitespace().nth(1).unwrap().parse().unwrap())
}

/// `ePotential` and `eKinetic` of a state dump's header.
pub fn dump_energies(path: &Path) -> (f64, f64) {
    let text = std::fs::read_to_string(path).unwrap();
    let head: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    let at = |k: &str| head[head.iter().position(|w| *w == k).unwrap() + 1].parse::<f64>().unwrap();
    (at("ePotential"), at("eKinetic"))
}

/// The rows of a state dump: gid and the 10 numbers (r, p, f, U) as read, box column dropped.
pub fn dump_rows(path: &Path) -> Vec<(i64, Vec<f64>)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            (t[0].parse().unwrap(), t[2..].iter().map(|v| v.parse().unwrap()).collect())
        })
        .collect()
}
