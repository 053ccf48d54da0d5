//! Every written position lies in [0, L) with image flags that make `r + image·L` the
//! continuous path, on both paths; `--dump-state`'s columns (U included) mean the same on
//! both paths.



use crate::common::*;
use crate::common::structure::*;

/// Frames of a LAMMPS dump: box lengths and rows `id x y z ix iy iz`.
fn lammps_frames(text: &str) -> Vec<([f64; 3], Vec<[f64; 7]>)> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with("ITEM: NUMBER OF ATOMS") {
            let n: usize = lines[i + 1].trim().parse().unwrap();
            let l: [f64; 3] = std::array::from_fn(|k| {
                let b: Vec<f64> = lines[i + 3 + k].split_whitespace().map(|v| v.parse().unwrap()).collect();
                b[1] - b[0]
            });
            let head: Vec<&str> = lines[i + 6].split_whitespace().skip(2).collect();
            let col = |name: &str| head.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}: {head:?}"));
            let cols = ["id", "x", "y", "z", "ix", "iy", "iz"].map(col);
            let rows = lines[i + 7..i + 7 + n]
                .iter()
                .map(|l| {
                    let t: Vec<f64> = l.split_whitespace().map(|v| v.parse().unwrap_or(f64::NAN)).collect();
                    cols.map(|c| t[c])
                })
                .collect();
            out.push((l, rows));
            i += 7 + n;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn a_hot_run_writes_every_coordinate_inside_the_box_on_both_paths() {
    let mut paths = Vec::new();
    for path in [&[][..], &["--exact"][..]] {
        let mut args = vec!["-x", "5", "-y", "5", "-z", "5", "-T", "20000", "-N", "300", "--lammps-dump", "h.lammpstrj", "--dump-every", "1", "--no-yaml", "--quiet"];
        args.extend_from_slice(path);
        let (out, dir) = run_in_tmp(&args);
        assert_ok(&out);
        let frames = lammps_frames(&std::fs::read_to_string(dir.path().join("h.lammpstrj")).unwrap());
        assert_eq!(frames.len(), 301);
        let mut outside = 0;
        let mut jumps = 0;
        for (f, (l, rows)) in frames.iter().enumerate() {
            for (a, row) in rows.iter().enumerate() {
                outside += (0..3).filter(|&k| !(row[1 + k] >= 0.0 && row[1 + k] < l[k])).count();
                if f > 0 {
                    // the unwrapped path moves less than an Å per step
                    let prev = &frames[f - 1].1[a];
                    jumps += (0..3).filter(|&k| ((row[1 + k] + row[4 + k] * l[k]) - (prev[1 + k] + prev[4 + k] * l[k])).abs() > 1.0).count();
                }
            }
        }
        assert_eq!((outside, jumps), (0, 0), "{path:?}: coordinates outside [0, L), jumps of the unwrapped path");
        paths.push(frames);
    }
    // the two paths write the same wrapped frames (to the dump's 8 digits, early on; images equal)
    for f in [0, 10, 30] {
        for (a, b) in paths[0][f].1.iter().zip(&paths[1][f].1) {
            assert_eq!(a[4..], b[4..], "frame {f}: image flags");
            assert!((0..3).all(|k| (a[1 + k] - b[1 + k]).abs() < 1e-5), "frame {f}: {a:?} vs {b:?}");
        }
    }
}

#[test]
fn state_dumps_mean_the_same_on_both_paths() {
    for pot in [&[][..], &["-e"][..]] {
        let mut dumps = Vec::new();
        for path in [&[][..], &["--exact"][..]] {
            let mut args = vec!["-x", "5", "-y", "5", "-z", "5", "-T", "20000", "-N", "60", "-n", "30", "--dump-state", "d", "--no-yaml", "--quiet"];
            args.extend_from_slice(pot);
            args.extend_from_slice(path);
            let (out, dir) = run_in_tmp(&args);
            assert_ok(&out);
            let rows = dump_rows(&dir.path().join("d"));
            let (e_pot, _) = dump_energies(&dir.path().join("d"));
            // U is CoMD's: eV for EAM, units of 4ε for Lennard-Jones (ε = 0.167 eV)
            let unit = if pot.is_empty() { 4.0 * 0.167 } else { 1.0 };
            let sum: f64 = rows.iter().map(|r| r.1[9]).sum::<f64>() * unit;
            assert!(((sum - e_pot) / e_pot).abs() < 1e-12, "{pot:?} {path:?}: ΣU·unit {sum} vs ePotential {e_pot}");
            let l = 5.0 * 3.615;
            assert!(rows.iter().all(|r| (0..3).all(|k| r.1[k] >= 0.0 && r.1[k] < l)), "{pot:?} {path:?}: a dumped position outside [0, L)");
            dumps.push(rows);
        }
        for ((ga, a), (gb, b)) in dumps[0].iter().zip(&dumps[1]) {
            assert_eq!(ga, gb);
            for k in 0..10 {
                let scale = if k < 3 { 1.0 } else { a[k].abs().max(1.0) };
                assert!((a[k] - b[k]).abs() <= 1e-7 * scale, "{pot:?} gid {ga} column {k}: default {} vs exact {}", a[k], b[k]);
            }
        }
    }
}
