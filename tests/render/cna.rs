//! a-CNA against OVITO 3.17.2's `CommonNeighborAnalysisModifier` (adaptive mode): the same
//! frames (perfect FCC, BCC, HCP, stacking faults, thermal noise, and a melt from a hot
//! `comd` run) must get the same class for ≥ 99 % of atoms. OVITO's classes were measured
//! once by `tests/data/cna/ovito_cna.py` and are stored beside it; and `--color structure`
//! in capture paints a perfect crystal in OVITO's FCC green.

use comd::analysis::cna::{classify, Structure};
use comd::analysis::lattices::{reference_frames, Frame};
use crate::common::*;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cna").join(name)
}

fn ovito_classes(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(data(&format!("{name}.ovito.txt"))).unwrap();
    text.lines().map(|l| l.trim().parse().unwrap()).collect()
}

/// Fraction of atoms on which ours and OVITO's agree; panics on a count mismatch.
fn agreement(name: &str, f: &Frame) -> f64 {
    let ours = classify(&f.pos, f.lo, f.hi);
    let theirs = ovito_classes(name);
    assert_eq!(ours.len(), theirs.len(), "{name}: atom count");
    let same = ours.iter().zip(&theirs).filter(|(a, b)| **a as u8 == **b).count();
    eprintln!("{name}: {same}/{} identical", ours.len());
    same as f64 / ours.len() as f64
}

#[test]
fn lattices_and_noise_match_ovito() {
    for (name, f) in reference_frames() {
        assert!(agreement(name, &f) >= 0.99, "{name}");
    }
}

/// The last frame of an extended-XYZ file written by `comd --xyz` (positions only).
fn last_xyz_frame(path: &Path) -> Frame {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let n: usize = lines[0].trim().parse().unwrap();
    let frame = &lines[lines.len() - n - 2..];
    let lattice = frame[1].split("Lattice=\"").nth(1).unwrap().split('"').next().unwrap();
    let l: Vec<f32> = lattice.split_whitespace().map(|v| v.parse().unwrap()).collect();
    let pos = frame[2..]
        .iter()
        .map(|line| {
            let v: Vec<f32> = line.split_whitespace().skip(1).take(3).map(|x| x.parse().unwrap()).collect();
            [v[0], v[1], v[2]]
        })
        .collect();
    Frame { pos, lo: [0.0; 3], hi: [l[0], l[4], l[8]] }
}

#[test]
fn melt_from_a_hot_run_matches_ovito() {
    // The run that made tests/data/cna/melt.xyz (its last frame) for ovito_cna.py.
    let (out, dir) = run_in_tmp(&["-x", "6", "-y", "6", "-z", "6", "-T", "6000", "-N", "1000", "--xyz", "melt.xyz", "--dump-every", "1000", "--no-yaml", "--quiet"]);
    assert_ok(&out);
    let f = last_xyz_frame(&dir.path().join("melt.xyz"));
    let ours = classify(&f.pos, f.lo, f.hi);
    let other = ours.iter().filter(|&&c| c == Structure::Other).count();
    assert!(other > ours.len() / 2, "not a melt: {other} of {} other", ours.len());
    assert!(agreement("melt", &f) >= 0.99);
}

#[test]
fn capture_colours_a_perfect_crystal_fcc_green() {
    let (out, dir) = run_in_tmp(&["-x", "4", "-y", "4", "-z", "4", "-N", "0", "--no-yaml", "--quiet", "--screenshot", "s.png", "--size", "200x150", "--color", "structure"]);
    if !out.status.success() && std::env::var_os("CI").is_none() && stderr(&out).contains("adapter") {
        eprintln!("skipping: no graphics adapter ({})", stderr(&out).trim());
        return;
    }
    assert_ok(&out);
    let img = image::open(dir.path().join("s.png")).unwrap().to_rgb8();
    // Shaded spheres: green dominant, red and blue about equal and lower.
    let green = img.pixels().filter(|p| p[1] > 100 && p[1] as i32 > p[0] as i32 + 40 && (p[0] as i32 - p[2] as i32).abs() < 20).count();
    // Above the legend (bottom left, which shows every class colour once).
    let red = img.enumerate_pixels().filter(|(_, y, p)| *y < 100 && p[0] as i32 > p[1] as i32 + 60).count();
    assert!(green > 200 * 150 / 10, "only {green} FCC-green pixels");
    assert!(red < green / 50, "{red} red (HCP) pixels in a perfect crystal");
}
