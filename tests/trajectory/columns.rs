//! Trajectories carry everything, read back by the tools users use (tests/trajectory_check.py):
//! ASE reads species, masses, velocities, temperature, per-atom energies, forces and stress
//! from the extended XYZ, and the LAMMPS dump with no `specorder`; MDAnalysis reads the dump.
//! Both paths, a hot run so atoms cross the box faces.

use crate::common::*;

fn python_with(modules: &str) -> Option<String> {
    let py = std::env::var("COMD_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = std::process::Command::new(&py).args(["-c", &format!("import {modules}")]).status().is_ok_and(|s| s.success());
    if ok {
        return Some(py);
    }
    assert!(std::env::var_os("CI").is_none(), "CI must provide {py} with {modules}");
    eprintln!("skipping: {py} cannot import {modules}");
    None
}

fn check(extra: &[&str]) {
    let Some(py) = python_with("ase, MDAnalysis") else { return };
    let mut args = vec!["-x", "5", "-y", "5", "-z", "5", "-T", "2500", "-N", "30", "-n", "10", "--no-yaml", "--xyz", "t.xyz",
        "--lammps-dump", "t.lammpstrj", "--full-precision", "--dump-state", "state"];
    args.extend_from_slice(extra);
    let (o, dir) = run_in_tmp(&args);
    assert_ok(&o);
    std::fs::write(dir.path().join("screen.txt"), &o.stdout).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/trajectory_check.py");
    let c = std::process::Command::new(py).current_dir(dir.path()).args([script, "t.xyz", "t.lammpstrj", "state", "screen.txt"]).output().unwrap();
    let text = format!("{}{}", stdout(&c), stderr(&c));
    assert!(c.status.success() && text.contains("trajectory_check: OK"), "{extra:?}: {text}");
}

#[test]
fn trajectories_carry_every_column_ase_and_mdanalysis_read_default_path() {
    check(&[]);
}

#[test]
fn trajectories_carry_every_column_ase_and_mdanalysis_read_exact_path() {
    check(&["--exact"]);
}

#[test]
fn lammps_dump_time_is_in_ps_behind_its_flag() {
    let (o, dir) = run_in_tmp(&["-x", "4", "-y", "4", "-z", "4", "-N", "20", "-n", "10", "-D", "2", "--no-yaml", "--lammps-dump", "t.lammpstrj", "--dump-time"]);
    assert_ok(&o);
    let text = std::fs::read_to_string(dir.path().join("t.lammpstrj")).unwrap();
    let times: Vec<&str> = text.lines().zip(text.lines().skip(1)).filter(|(a, _)| *a == "ITEM: TIME").map(|(_, t)| t).collect();
    assert_eq!(times.len(), 3, "{text:.300}");
    assert_eq!(times[2].parse::<f64>().unwrap(), 0.04, "step 20 at 2 fs is 0.04 ps");
    let (o, dir) = run_in_tmp(&["-x", "4", "-y", "4", "-z", "4", "-N", "0", "--no-yaml", "--lammps-dump", "t.lammpstrj"]);
    assert_ok(&o);
    assert!(!std::fs::read_to_string(dir.path().join("t.lammpstrj")).unwrap().contains("ITEM: TIME\n"), "off by default");
}
