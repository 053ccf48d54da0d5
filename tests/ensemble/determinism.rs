//! An ensemble run is the same bits on any thread count and rank grid, and after a restart:
//! thermo rows (timing column aside) and `--dump-state` files byte for byte, for every
//! thermostat and the barostat. EAM copper, 6×6×6 cells, 100
//! steps from 600 K towards 300 K, so every coupling does real work (the barostat scales
//! the box ten times).

use crate::common::mpirun as launch;
use crate::common::*;

const COMD: &str = env!("CARGO_BIN_EXE_comd");

/// The ensembles checked.
const CASES: &[&[&str]] = &[
    &["--thermostat", "langevin"],
    &["--thermostat", "csvr"],
    &["--thermostat", "nhc", "--nhc-chain", "4"],
    &["--thermostat", "csvr", "--barostat", "crescale", "--tau-p", "200"],
    &["--thermostat", "langevin", "--barostat", "crescale", "--barostat-axes", "xyz", "--target-press", "1.5"],
    &["--thermostat", "csvr", "--barostat", "crescale", "--barostat-axes", "xy", "--target-press", "-0.5", "--tau-p", "200"],
];

/// The run's options with `case` and `extra`.
fn args<'a>(pots: &'a str, case: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["-e", "-d", pots, "-x", "6", "-y", "6", "-z", "6", "-T", "600", "--target-temp", "300", "-n", "10", "--no-yaml", "--seed", "5"];
    a.extend_from_slice(case);
    a.extend_from_slice(extra);
    a
}

/// Thermo rows and dump of a serial run with `threads` and `extra` options.
fn serial(dir: &std::path::Path, case: &[&str], extra: &[&str], threads: &str, name: &str) -> (Vec<Vec<String>>, Vec<u8>) {
    let pots = pots();
    let dump = dir.join(name);
    let mut a = args(&pots, case, extra);
    a.extend(["--threads", threads, "--dump-state", dump.to_str().unwrap()]);
    let out = ok_in(dir, &a);
    (thermo(&out), std::fs::read(&dump).expect("dump"))
}

#[test]
fn every_ensemble_is_the_same_on_one_and_two_threads_and_after_a_restart() {
    for case in CASES {
        let d = tempfile::tempdir().unwrap();
        let (rows, dump) = serial(d.path(), case, &["-N", "100"], "1", "t1");
        assert_eq!(rows.len(), 11, "{case:?}");
        let (rows2, dump2) = serial(d.path(), case, &["-N", "100"], "2", "t2");
        assert_eq!(rows, rows2, "{case:?}: 1 and 2 threads differ");
        assert!(dump == dump2, "{case:?}: the dumps of 1 and 2 threads differ");
        let ck = d.path().join("half.ckpt");
        serial(d.path(), case, &["-N", "50", "--checkpoint", ck.to_str().unwrap()], "2", "h");
        let (rows3, dump3) = serial(d.path(), case, &["-N", "100", "--restart", ck.to_str().unwrap()], "1", "r");
        assert_eq!(rows[5..], rows3[..], "{case:?}: 50 steps + restart differ from 100 steps");
        assert!(dump == dump3, "{case:?}: the dump after the restart differs");
    }
}

#[cfg(feature = "mpi")]
#[test]
fn every_ensemble_is_the_same_on_2_and_4_ranks() {
    for case in CASES {
        let d = tempfile::tempdir().unwrap();
        let (rows, dump) = serial(d.path(), case, &["-N", "100"], "2", "serial");
        for (np, grid) in [(2, ["-i", "2", "-j", "1"]), (4, ["-i", "2", "-j", "2"])] {
            let pots = pots();
            let out = d.path().join(format!("np{np}"));
            let mut a = args(&pots, case, &["-N", "100"]);
            a.extend(grid);
            a.extend(["--dump-state", out.to_str().unwrap()]);
            let Some(run) = launch::mpirun(COMD, np, &a, Some(d.path())) else { return };
            assert!(run.status.is_some_and(|s| s.success()), "{case:?} np={np}\n{}", run.describe());
            assert!(run.stdout.contains(&format!("Across {np} Ranks")), "{case:?}: not {np} ranks\n{}", run.describe());
            assert_eq!(rows, thermo(&run.stdout), "{case:?}: {np} ranks differ from one");
            assert!(dump == std::fs::read(&out).unwrap(), "{case:?}: the dump of {np} ranks differs");
        }
    }
}

/// The barostat really moves the box (else the tests above would prove little for it),
/// isotropically, and the trajectory carries each frame's box.
#[test]
fn the_barostat_changes_the_volume_and_the_trajectory_has_each_box() {
    let d = tempfile::tempdir().unwrap();
    let traj = d.path().join("t.xyz");
    let (rows, _) = serial(d.path(), CASES[4], &["-N", "100", "--xyz", traj.to_str().unwrap(), "--dump-every", "50"], "2", "xy");
    let v: Vec<f64> = rows.iter().map(|r| r[9].parse().unwrap()).collect();
    assert!((v[10] / v[0] - 1.0).abs() > 1e-4, "the volume stayed {}", v[0]);
    let text = std::fs::read_to_string(&traj).unwrap();
    let boxes: Vec<Vec<f64>> = text
        .lines()
        .filter_map(|l| l.split("Lattice=\"").nth(1))
        .map(|l| l.split('"').next().unwrap().split_whitespace().map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(boxes.len(), 3, "frames at 0, 50, 100");
    assert!(boxes[2][0] != boxes[0][0] && boxes[2][0] == boxes[2][4] && boxes[2][4] == boxes[2][8], "the axes scale together: {boxes:?}");
}
