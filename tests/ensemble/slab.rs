//! A slab under `--barostat-axes xy`: a copper film with 20 Å of vacuum along z, held at
//! 0 GPa in plane at 300 K. The run's trajectory is read back frame by frame (its box and
//! ASE's `stress` tensor, which the per-axis virial makes), and three things must hold:
//! - the box scales in plane only: z keeps its bits, x and y scale by the same factor, and
//!   the film contracts in plane under its surface stress;
//! - the barostat reaches its target: the mean in-plane stress `(σ_xx + σ_yy)/2` over the
//!   second half is within three standard errors of 0;
//! - the vacuum carries no load: `σ_zz` of a free film averages 0 as well (mechanical
//!   equilibrium across free surfaces; nothing controls it).
//!
//! Reasoning for the statistics: 6×6×5 cells (720 atoms) with free (001) surfaces; the stress
//! of one frame scatters by ~0.3 GPa, frames every 100 fs; the in-plane stress decorrelates
//! on the barostat's τ_p = 500 fs and σ_zz on the film's breathing period (~1 ps), so the
//! 15 ps averaged hold ≥ 15 independent samples: 10 blocks of 1.5 ps give the standard error,
//! which must also be below 0.1 GPa (so a test that cannot resolve anything fails too). The
//! components themselves are compared with ASE's calculators in `python/tests/test_ase.py`;
//! here σ_zz, which nothing controls, checks the z diagonal of a running engine.

use crate::common::{ok_in, pots};

/// The film: `nx × ny × nz` FCC cells of `a` Å, centred in a box `vacuum` Å taller along z.
fn slab_xyz(n: [usize; 3], a: f64, vacuum: f64) -> String {
    let basis = [[0.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.5, 0.0, 0.5], [0.0, 0.5, 0.5]];
    let mut lines = Vec::new();
    for i in 0..n[0] {
        for j in 0..n[1] {
            for k in 0..n[2] {
                for b in &basis {
                    let r = [(i as f64 + b[0] + 0.25) * a, (j as f64 + b[1] + 0.25) * a, (k as f64 + b[2] + 0.25) * a + 0.5 * vacuum];
                    lines.push(format!("Cu {} {} {}", r[0], r[1], r[2]));
                }
            }
        }
    }
    let l = [n[0] as f64 * a, n[1] as f64 * a, n[2] as f64 * a + vacuum];
    format!("{}\nLattice=\"{} 0 0 0 {} 0 0 0 {}\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n{}\n", lines.len(), l[0], l[1], l[2], lines.join("\n"))
}

/// `key="…"` of an XYZ comment line, as numbers.
fn numbers(line: &str, key: &str) -> Vec<f64> {
    let v = line.split(&format!("{key}=\"")).nth(1).unwrap_or_else(|| panic!("no {key} in {line}"));
    v.split('"').next().unwrap().split_whitespace().map(|x| x.parse().unwrap()).collect()
}

/// Mean and standard error of `xs` from `n` blocks.
fn block_mean(xs: &[f64], n: usize) -> (f64, f64) {
    let size = xs.len() / n;
    let means: Vec<f64> = xs.chunks_exact(size).map(|c| c.iter().sum::<f64>() / size as f64).collect();
    let m = means.iter().sum::<f64>() / n as f64;
    let var = means.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
    (m, (var / n as f64).sqrt())
}

#[test]
fn a_film_under_an_in_plane_barostat_relaxes_in_plane_and_carries_no_load_across_the_vacuum() {
    let d = tempfile::tempdir().unwrap();
    let a = 3.615;
    std::fs::write(d.path().join("film.xyz"), slab_xyz([6, 6, 5], a, 20.0)).unwrap();
    let p = pots();
    let args = [
        "-e", "-d", &p, "--structure", "film.xyz", "-T", "300", "-N", "30000", "-n", "1000", "--no-yaml", "--seed", "3",
        "--thermostat", "csvr", "--barostat", "crescale", "--barostat-axes", "xy", "--tau-p", "500",
        "--xyz", "t.xyz", "--dump-every", "100",
    ];
    ok_in(d.path(), &args);
    let text = std::fs::read_to_string(d.path().join("t.xyz")).unwrap();
    let comments: Vec<&str> = text.lines().filter(|l| l.starts_with("Lattice=")).collect();
    assert_eq!(comments.len(), 301, "frames every 100 steps");
    let boxes: Vec<Vec<f64>> = comments.iter().map(|l| numbers(l, "Lattice")).collect();
    let (lz, lx0) = (boxes[0][8], boxes[0][0]);
    assert_eq!(lz, 5.0 * a + 20.0);
    for b in &boxes {
        assert_eq!(b[8].to_bits(), lz.to_bits(), "z must keep its length: {b:?}");
        assert_eq!(b[0].to_bits(), b[4].to_bits(), "x and y scale together: {b:?}");
    }
    let lx_end = boxes.last().unwrap()[0];
    // a film 10 layers thick contracts in plane: its surfaces' tensile stress (~1.3 J/m² per
    // surface for EAM Cu(001)) strains it by about −2f/(h·Y) ≈ −1 %, more than the bulk's
    // thermal expansion from 0 to 300 K (+0.5 %); measured −0.8 %
    assert!(lx_end / lx0 - 1.0 < -2e-3, "the film relaxes in plane: {lx0} -> {lx_end}");
    // GPa; ASE's stress is eV/Å³ with the sign of a tension
    let gpa = 160.21766208;
    let half = &comments[151..];
    let in_plane: Vec<f64> = half.iter().map(|l| numbers(l, "stress")).map(|s| -(s[0] + s[4]) / 2.0 * gpa).collect();
    let normal: Vec<f64> = half.iter().map(|l| numbers(l, "stress")).map(|s| -s[8] * gpa).collect();
    for (name, xs) in [("in-plane pressure", &in_plane), ("normal pressure", &normal)] {
        let (m, se) = block_mean(xs, 10);
        eprintln!("{name}: {m:.4} ± {se:.4} GPa");
        assert!(se < 0.1, "{name}: standard error {se} GPa resolves nothing");
        assert!(m.abs() < 3.0 * se, "{name}: {m} ± {se} GPa, not 0");
    }
}
