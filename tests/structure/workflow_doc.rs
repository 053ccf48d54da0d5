//! The round trip of `docs/workflow.md` (ASE → comd-rs → ASE → LAMMPS), run block by block
//! as the page writes it, so the page stays true: the film ASE builds runs, ASE reads the
//! trajectory with per-atom energies that show the surfaces, and LAMMPS continues the data
//! file at comd-rs's final energies.

use crate::common::structure::{file_available, lammps_available, python};
use crate::common::{assert_ok, root};
use std::path::Path;
use std::process::Command;

/// The code blocks of the round trip, in order: (language, text without the list indent).
fn blocks() -> Vec<(String, String)> {
    let page = std::fs::read_to_string(root().join("docs/workflow.md")).unwrap();
    let mut out = Vec::new();
    let mut lines = page.lines();
    while let Some(l) = lines.next() {
        let t = l.trim_start();
        if let Some(lang) = t.strip_prefix("```").and_then(|i| i.strip_suffix(" round-trip")) {
            let indent = l.len() - t.len();
            let body: Vec<&str> = lines.by_ref().take_while(|b| b.trim_start() != "```").map(|b| b.get(indent..).unwrap_or("")).collect();
            out.push((lang.to_string(), body.join("\n") + "\n"));
        }
    }
    out
}

/// The last thermo row of a YAML report: e_potential and e_kinetic per atom, atoms.
fn final_energies(yaml: &Path) -> (f64, f64, f64) {
    let text = std::fs::read_to_string(yaml).unwrap();
    let row = text.lines().filter(|l| l.trim_start().starts_with("- [")).last().expect("a thermo row");
    let v: Vec<f64> = row.trim_start()[3..].trim_end_matches(']').split(", ").map(|x| x.parse().unwrap_or(f64::NAN)).collect();
    (v[3], v[4], v[7])
}

#[test]
fn the_round_trip_of_the_workflow_page_runs_as_written() {
    let b = blocks();
    let langs: Vec<&str> = b.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(langs, ["python", "sh", "python", "lammps"], "the page's round-trip blocks");
    if !lammps_available() || !file_available("Cu_u6.eam of Debian's lammps-data", Path::new("/usr/share/lammps/potentials/Cu_u6.eam")) {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let Some(built) = python(dir, &b[0].1) else { return };
    assert!(built.starts_with("287 atoms"), "{built}");
    // the shell block with this build's comd first on PATH
    let bin = Path::new(env!("CARGO_BIN_EXE_comd")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()))).unwrap();
    let run = Command::new("bash").args(["-euc", &b[1].1]).env("PATH", path).current_dir(dir).output().unwrap();
    assert_ok(&run);
    let seen = python(dir, &b[2].1).unwrap();
    eprintln!("{seen}");
    let nums: Vec<f64> = seen.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).filter_map(|w| w.parse().ok()).collect();
    let (frames, max, inner, temp) = (nums[0], nums[2], nums[3], nums[4]);
    assert_eq!(frames, 21.0, "frames 0, 100, …, 2000: {seen}");
    assert!(max > inner + 0.3, "the surface atoms are less bound than the middle: {seen}");
    assert!((temp - 300.0).abs() < 100.0, "{seen}");
    std::fs::write(dir.join("in.continue"), &b[3].1).unwrap();
    let lmp = Command::new("lmp").args(["-in", "in.continue", "-log", "none"]).current_dir(dir).output().unwrap();
    let text = String::from_utf8_lossy(&lmp.stdout).into_owned();
    assert!(lmp.status.success(), "{text}{}", String::from_utf8_lossy(&lmp.stderr));
    let row: Vec<f64> = text.lines().skip_while(|l| !l.trim_start().starts_with("Step")).nth(1).unwrap().split_whitespace().map(|x| x.parse().unwrap()).collect();
    let (pe, ke, n) = final_energies(&dir.join("slab.yaml"));
    let (pe_rel, ke_rel) = ((row[1] / n - pe) / pe, (row[2] / n - ke) / ke);
    eprintln!("LAMMPS step 0 against comd-rs's last row: pe {pe_rel:e}, ke {ke_rel:e} relative");
    assert!(pe_rel.abs() < 1e-3, "pe: LAMMPS {} eV/atom, comd-rs {pe}", row[1] / n);
    assert!(ke_rel.abs() < 1e-7, "ke: LAMMPS {} eV/atom, comd-rs {ke}", row[2] / n);
}
