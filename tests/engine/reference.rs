//! `--exact` against CoMD 1.1's own outputs in `../shared/reference/comd`.

use crate::common::*;
use std::path::Path;

fn compare_screen(case: &str, args: &[&str]) {
    let Some(shared) = shared() else { return };
    let reference = std::fs::read_to_string(shared.join(format!("reference/comd/{case}/screen.txt"))).unwrap();
    let pots = shared.join("potentials");
    let mut full: Vec<&str> = vec!["--exact", "--no-yaml", "--potDir", pots.to_str().unwrap()];
    full.extend_from_slice(args);
    let (out, _dir) = run_in_tmp(&full);
    assert_ok(&out);
    let ours = thermo(&stdout(&out));
    let theirs = thermo(&reference);
    assert!(!theirs.is_empty());
    assert_eq!(ours, theirs, "thermo table of {case} differs from CoMD");
    // the validation block too
    let pick = |s: &str| s.lines().filter(|l| l.contains("energy  :") || l.contains("eFinal/eInitial")).map(String::from).collect::<Vec<_>>();
    assert_eq!(pick(&stdout(&out)), pick(&reference));
}

fn compare_dumps(case: &str, args: &[&str], steps: &[u64]) {
    let Some(shared) = shared() else { return };
    let pots = shared.join("potentials");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state");
    let every = steps[1].to_string();
    let mut full: Vec<&str> = vec!["--exact", "--no-yaml", "--potDir", pots.to_str().unwrap()];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--dump-state", path.to_str().unwrap(), "--dump-state-every", &every]);
    let out = comd().args(&full).current_dir(dir.path()).output().unwrap();
    assert_ok(&out);
    for s in steps {
        let ours = std::fs::read(format!("{}.step{s}", path.display())).unwrap();
        let theirs = std::fs::read(shared.join(format!("reference/comd/state-dumps/{case}.step{s}.txt"))).unwrap();
        assert!(ours == theirs, "{case} step {s}: per-atom state differs from CoMD's dump");
    }
    // the final dump equals the last intermediate one
    let last = steps.last().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(format!("{}.step{last}", path.display())).unwrap());
    let _ = Path::new("");
}

#[test]
fn lj_default_thermo_table_matches_comd() {
    compare_screen("lj-default", &["-N", "100", "-n", "10"]);
}

#[test]
fn lj_small_long_thermo_table_matches_comd() {
    compare_screen("lj-small-long", &["-x", "4", "-y", "4", "-z", "4", "-N", "2000", "-n", "100"]);
}

#[test]
fn eam_funcfl_thermo_table_matches_comd() {
    compare_screen("eam-funcfl", &["-e", "-N", "100", "-n", "10"]);
}

#[test]
fn lj_small_long_state_dumps_are_bit_identical() {
    compare_dumps("lj-small-long", &["-x", "4", "-y", "4", "-z", "4", "-N", "100", "-n", "100"], &[0, 100]);
}

#[test]
fn lj_wrap_state_dumps_are_bit_identical() {
    compare_dumps("lj-wrap", &["-x", "5", "-y", "5", "-z", "5", "-T", "20000", "-N", "60", "-n", "30"], &[0, 30, 60]);
}

#[test]
fn eam_funcfl_small_state_dumps_are_bit_identical() {
    compare_dumps("eam-funcfl-small", &["-e", "-x", "6", "-y", "6", "-z", "6", "-N", "10", "-n", "10"], &[0, 10]);
}

#[test]
fn setfl_cohesive_energy_is_comds() {
    let Some(shared) = shared() else { return };
    let pots = shared.join("potentials");
    let (out, _d) = run_in_tmp(&["--exact", "--no-yaml", "-e", "-t", "setfl", "-N", "0", "--potDir", pots.to_str().unwrap()]);
    assert_ok(&out);
    let rows = thermo(&stdout(&out));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][3], "-3.539999969176");
}

#[test]
fn setfl_conserves_energy_over_100_steps() {
    let Some(shared) = shared() else { return };
    let pots = shared.join("potentials");
    let (out, _d) = run_in_tmp(&["--exact", "--no-yaml", "-e", "-t", "setfl", "-x", "8", "-y", "8", "-z", "8", "--potDir", pots.to_str().unwrap()]);
    assert_ok(&out);
    let rows = thermo(&stdout(&out));
    let e0: f64 = rows[0][2].parse().unwrap();
    let e1: f64 = rows.last().unwrap()[2].parse().unwrap();
    assert!(((e1 / e0) - 1.0).abs() < 1e-5, "eFinal/eInitial = {}", e1 / e0);
}

#[test]
fn debian_cu_u6_gives_the_same_run_as_comds_copy() {
    let Some(shared) = shared() else { return };
    let debian = Path::new("/usr/share/lammps/potentials/Cu_u6.eam");
    if !debian.is_file() {
        assert!(std::env::var_os("CI").is_none(), "CI must install lammps-data");
        eprintln!("skipping: {} not installed (apt-get install lammps-data)", debian.display());
        return;
    }
    let args = ["--exact", "--no-yaml", "-e", "-x", "6", "-y", "6", "-z", "6", "-N", "20", "-n", "10"];
    let pots = shared.join("potentials");
    let dir = tempfile::tempdir().unwrap();
    let run = |pot_dir: &str, dump: &str| {
        let d = dir.path().join(dump);
        let out = comd().args(args).args(["--potDir", pot_dir, "--dump-state", d.to_str().unwrap()]).output().unwrap();
        assert_ok(&out);
        (thermo(&stdout(&out)), std::fs::read(d).unwrap())
    };
    let a = run(pots.to_str().unwrap(), "a");
    let b = run("/usr/share/lammps/potentials", "b");
    assert_eq!(a.0, b.0);
    assert!(a.1 == b.1, "final states differ");
}
