//! NPT against LAMMPS: copper's mean lattice constant at 300 K and 0 GPa under the C-rescale
//! barostat agrees with LAMMPS's `fix npt` (Nosé–Hoover, MTK) on the same EAM tables within
//! 0.1 %, for a funcfl and a setfl table. The LAMMPS figures were measured once with the
//! inputs in `tests/data/npt/` (see its README: commands, run lengths, error bars), so CI
//! runs no LAMMPS here.
//!
//! Reasoning: 864 atoms at 300 K; the relative spread of the lattice constant of one sample
//! is (1/3)·√(k_B T κ_T / V) ≈ 5.6e-4, the volume decorrelates in ~τ_p = 0.5 ps, so the
//! 20 ps averaged here hold ~40 independent samples and the mean's standard error is
//! ~1e-4 relative — the 0.1 % tolerance is several standard errors of both measurements,
//! while the thermal expansion from 0 K to 300 K (0.5 %) and a wrong pressure of 0.5 GPa
//! (0.1 % / (κ/3 · 0.5 GPa) ≈ 1) are not within it.

use crate::common::{ok_in, pots, thermo};

/// The mean lattice constant (Å) of comd-rs's NPT run with `extra` options: 6×6×6 cells,
/// 30 ps at 300 K and 0 GPa, the last 20 ps averaged.
fn comd_lattice_constant(extra: &[&str]) -> f64 {
    let d = tempfile::tempdir().unwrap();
    let p = pots();
    let mut args = vec!["-e", "-d", &p, "-x", "6", "-y", "6", "-z", "6", "-T", "300", "-N", "30000", "-n", "100", "--no-yaml", "--seed", "2"];
    args.extend(["--thermostat", "csvr", "--target-temp", "300", "--barostat", "crescale", "--tau-p", "500"]);
    args.extend_from_slice(extra);
    let rows = thermo(&ok_in(d.path(), &args));
    let v: Vec<f64> = rows.iter().filter(|r| r[0].parse::<u64>().unwrap() >= 10000).map(|r| r[9].parse().unwrap()).collect();
    assert_eq!(v.len(), 201);
    (v.iter().sum::<f64>() / v.len() as f64 / 216.0).cbrt()
}

fn check(name: &str, ours: f64, lammps: f64) {
    let rel = ours / lammps - 1.0;
    eprintln!("{name}: comd-rs a = {ours:.5} Å, LAMMPS {lammps:.5} Å, difference {:.3} %", rel * 100.0);
    assert!(rel.abs() < 1e-3, "{name}: a = {ours:.5} Å differs from LAMMPS's {lammps:.5} Å by {:.3} %", rel * 100.0);
}

#[test]
fn funcfl_lattice_constant_at_300_k_matches_lammps() {
    check("Cu_u6.eam", comd_lattice_constant(&[]), LAMMPS_FUNCFL);
}

#[test]
fn setfl_lattice_constant_at_300_k_matches_lammps() {
    check("Cu01.eam.alloy", comd_lattice_constant(&["-t", "setfl", "-p", "Cu01.eam.alloy"]), LAMMPS_SETFL);
}

/// LAMMPS 29 Sep 2021 (Debian), `tests/data/npt/in.npt.lmp`, Cu_u6.eam (`pair_style eam`):
/// 20 ps + 100 ps of `fix npt temp 300 300 0.1 iso 0 0 1.0`, the mean of two seeds
/// (3.63253 ± 0.00003 and 3.63252 ± 0.00002 Å).
const LAMMPS_FUNCFL: f64 = 3.63252;
/// The same with Cu01.eam.alloy (`pair_style eam/alloy`): 3.63193 ± 0.00002 and
/// 3.63188 ± 0.00002 Å.
const LAMMPS_SETFL: f64 = 3.63191;
