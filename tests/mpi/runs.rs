//! The real engine under `mpirun` (feature `mpi`): `--exact` reproduces CoMD-MPI; the default
//! path gives byte-identical thermo tables and state dumps for 1, 2, 4 and 8 ranks; errors
//! end every rank with the same message.
#![cfg(feature = "mpi")]

use crate::common::mpirun as launch;

use crate::common::*;
use launch::{mpirun, Run, TIMEOUT};

const COMD: &str = env!("CARGO_BIN_EXE_comd");

fn ok(np: usize, run: &Run) -> String {
    assert!(run.status.is_some(), "np={np}: timed out after {TIMEOUT:?}\n{}", run.describe());
    assert!(run.status.is_some_and(|s| s.success()), "np={np}: failed\n{}", run.describe());
    // the launched rank count really is np (a wrong launcher runs np singletons)
    assert!(run.stdout.contains(&format!("Timing Statistics Across {np} Ranks")), "np={np}: wrong world size\n{}", run.describe());
    run.stdout.clone()
}

#[test]
fn exact_mpi_2_ranks_reproduces_comd_mpi() {
    let Some(shared) = shared() else { return };
    let Some(run) = mpirun(COMD, 2, &["--exact", "--no-yaml", "-i", "2", "-j", "1", "-k", "1", "-N", "100", "-n", "10"], None) else { return };
    let ours = thermo(&ok(2, &run));
    let theirs = thermo(&std::fs::read_to_string(shared.join("reference/comd/mpi-2/screen.txt")).unwrap());
    assert_eq!(ours, theirs);
}

/// Serial run, then every grid under mpirun: thermo tables and dumps byte-identical.
fn same_for_all_grids(args: &[&str], grids: &[[usize; 3]]) {
    let dir = tempfile::tempdir().unwrap();
    let serial_dump = dir.path().join("serial");
    let out = comd().args(args).args(["--no-yaml", "--dump-state", serial_dump.to_str().unwrap()]).output().unwrap();
    assert_ok(&out);
    let serial = thermo(&stdout(&out));
    for g in grids {
        let np = g.iter().product::<usize>();
        let dump = dir.path().join(format!("np{np}"));
        let (i, j, k) = (g[0].to_string(), g[1].to_string(), g[2].to_string());
        let mut a = args.to_vec();
        a.extend_from_slice(&["--no-yaml", "-i", &i, "-j", &j, "-k", &k, "--dump-state", dump.to_str().unwrap()]);
        let Some(run) = mpirun(COMD, np, &a, None) else { return };
        let rows = thermo(&ok(np, &run));
        assert_eq!(rows, serial, "grid {g:?}: thermo table differs from the serial run");
        assert!(std::fs::read(&dump).unwrap() == std::fs::read(&serial_dump).unwrap(), "grid {g:?}: state dump differs from serial");
    }
}

#[test]
fn lj_default_path_is_identical_on_1_2_4_8_ranks() {
    // hot: atoms cross rank and periodic boundaries
    same_for_all_grids(&["-x", "8", "-y", "8", "-z", "9", "-T", "3000", "-N", "60", "-n", "20"], &[[2, 1, 1], [1, 2, 2], [2, 2, 2]]);
}

#[test]
fn streamed_lists_are_identical_across_ranks() {
    // the serial run streams as well: its bits equal the stored lists' (tests/engine)
    same_for_all_grids(&["-x", "8", "-y", "8", "-z", "9", "-T", "3000", "-N", "60", "-n", "20", "--lists", "streamed"], &[[2, 1, 1], [1, 2, 2]]);
    let Some(shared) = shared() else { return };
    let p = shared.join("potentials");
    same_for_all_grids(&["-e", "--potDir", p.to_str().unwrap(), "-x", "8", "-y", "8", "-z", "8", "-T", "3000", "-N", "40", "-n", "20", "--lists", "streamed"], &[[2, 2, 1]]);
}

#[test]
fn lj_cell_grid_that_changes_with_the_rank_grid() {
    same_for_all_grids(&["-x", "21", "-y", "8", "-z", "8", "-T", "2000", "-N", "40", "-n", "20"], &[[2, 1, 1], [2, 2, 2]]);
}

#[test]
fn eam_funcfl_and_setfl_are_identical_across_ranks() {
    let Some(shared) = shared() else { return };
    let pots = shared.join("potentials");
    let p = pots.to_str().unwrap();
    same_for_all_grids(&["-e", "--potDir", p, "-x", "8", "-y", "8", "-z", "8", "-T", "3000", "-N", "40", "-n", "20"], &[[2, 1, 1], [1, 2, 2], [2, 2, 2]]);
    same_for_all_grids(&["-e", "-t", "setfl", "--potDir", p, "-x", "8", "-y", "9", "-z", "8", "-T", "2000", "-N", "40", "-n", "20"], &[[2, 1, 1], [2, 2, 2]]);
}

fn every_rank_fails(np: usize, args: &[&str], needle: &str) {
    let Some(run) = mpirun(COMD, np, args, None) else { return };
    assert!(run.status.is_some(), "timed out: a rank was left hanging\n{}", run.describe());
    assert!(!run.status.unwrap().success(), "{}", run.describe());
    assert_eq!(run.stderr.matches(needle).count(), np, "every rank prints the message\n{}", run.describe());
    assert!(!run.stderr.contains("panicked"), "{}", run.describe());
}

#[test]
fn collective_errors_end_every_rank() {
    every_rank_fails(2, &["-i", "3", "--no-yaml"], "does not match the 2 rank(s)");
    every_rank_fails(2, &["-i", "2", "-x", "5", "--no-yaml"], "too small");
    every_rank_fails(2, &["-i", "2", "-e", "-p", "missing.eam", "-d", "nodir", "--no-yaml"], "cannot find the EAM potential file");
    every_rank_fails(2, &["-i", "2", "-x", "8", "-r", "2.0", "-T", "0", "-N", "50", "--no-yaml"], "unstable");
}

/// 100 steps equal 50 steps plus a restart for 50 more, under mpirun, both paths.
#[test]
fn restart_is_bit_for_bit_under_mpi() {
    for extra in [&[][..], &["--exact"][..]] {
        let dir = tempfile::tempdir().unwrap();
        let d = |name: &str| dir.path().join(name).display().to_string();
        let mut base = vec!["-x", "8", "-y", "8", "-z", "8", "-T", "2000", "-n", "10", "--no-yaml", "-i", "2", "-j", "1", "-k", "1"];
        base.extend_from_slice(extra);
        let (full, part, ck, rest) = (d("full"), d("part"), d("c.bin"), d("rest"));
        let run = |more: &[&str]| {
            let mut a = base.clone();
            a.extend_from_slice(more);
            let r = mpirun(COMD, 2, &a, Some(dir.path()))?;
            Some(ok(2, &r))
        };
        let Some(a) = run(&["-N", "100", "--dump-state", &full]) else { return };
        let _ = run(&["-N", "50", "--checkpoint", &ck, "--dump-state", &part]);
        let b = run(&["-N", "100", "--restart", &ck, "--dump-state", &rest]).unwrap();
        let from50 = |s: &str| thermo(s).into_iter().filter(|r| r[0].parse::<u64>().unwrap() >= 50).collect::<Vec<_>>();
        assert_eq!(from50(&a), from50(&b), "thermo after the restart differs ({extra:?})");
        assert!(std::fs::read(&full).unwrap() == std::fs::read(&rest).unwrap(), "final state differs ({extra:?})");
    }
}

/// Capture under mpirun: rank 0 gathers the atoms at the capture cadence.
#[cfg(feature = "viewer")]
#[test]
fn screenshot_under_mpi_coloured_by_rank() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("ranks.png").display().to_string();
    let args = ["-x", "8", "-y", "8", "-z", "8", "-N", "20", "-n", "10", "--no-yaml", "-i", "2", "-j", "1", "-k", "1", "--screenshot", &png, "--color", "rank", "--size", "200x150"];
    let Some(run) = mpirun(COMD, 2, &args, Some(dir.path())) else { return };
    ok(2, &run);
    let img = image::open(&png).unwrap().to_rgba8();
    assert_eq!(img.dimensions(), (200, 150));
    // two ranks, two colours of atoms: at least two distinct non-background colours are common
    let bg = *img.get_pixel(0, 0);
    let mut counts = std::collections::HashMap::new();
    for p in img.pixels().filter(|p| **p != bg) {
        *counts.entry(p.0).or_insert(0usize) += 1;
    }
    assert!(counts.len() > 2, "the picture is empty or one colour");
}
