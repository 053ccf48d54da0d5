//! Runs the `comm_check` self-test under `mpirun` for 1 to 4 ranks (feature `mpi` only).
//!
//! MPI can be initialized once per process, so the checks run in separate processes launched
//! by `mpirun`. Each run is killed after [`TIMEOUT`], so a communication bug shows up as a
//! failure, not as a hung test. The printed world size is asserted: a binary started by the
//! launcher of another MPI library runs as P independent singletons and would otherwise pass.
//!
//! Without `mpirun` on `PATH` the tests print why and pass, except under CI (`CI` set), where
//! they fail. `MPIRUN` selects another launcher.
#![cfg(feature = "mpi")]

use std::process::Command;

const COMM_CHECK: &str = env!("CARGO_BIN_EXE_comm_check");

use crate::common::mpirun as launch;
use launch::{run_with_timeout, Run, SERIAL, TIMEOUT};

/// Launches `comm_check args` on `np` ranks; `None` if there is no launcher.
fn mpirun(np: usize, args: &[&str]) -> Option<Run> {
    launch::mpirun(COMM_CHECK, np, args, None)
}

/// Asserts a clean run on exactly `np` ranks.
fn assert_passes(np: usize, run: &Run) {
    assert!(run.status.is_some(), "np={np}: timed out after {TIMEOUT:?}\n{}", run.describe());
    assert!(run.status.is_some_and(|s| s.success()), "np={np}: failed\n{}", run.describe());
    let sizes: Vec<&str> = run.stdout.lines().filter_map(|l| l.strip_prefix("ranks=")).collect();
    assert_eq!(sizes, [np.to_string()], "np={np}: wrong world size (wrong launcher?)\n{}", run.describe());
    assert!(run.stdout.contains("all checks passed"), "np={np}\n{}", run.describe());
}

fn check_on(np: usize) {
    if let Some(run) = mpirun(np, &[]) {
        assert_passes(np, &run);
    }
}

#[test]
fn comm_check_on_1_rank() {
    check_on(1);
}

#[test]
fn comm_check_on_2_ranks() {
    check_on(2);
}

#[test]
fn comm_check_on_3_ranks() {
    check_on(3);
}

#[test]
fn comm_check_on_4_ranks() {
    check_on(4);
}

/// Started without a launcher, the binary is an MPI singleton and must work as one rank.
#[test]
fn comm_check_as_singleton() {
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let run = run_with_timeout(Command::new(COMM_CHECK));
    assert_passes(1, &run);
}

/// A failure on one rank while the others wait must end the job, with a non-zero status.
fn assert_job_ends(mode: &str) {
    if let Some(run) = mpirun(2, &["--fail", mode]) {
        assert!(run.status.is_some(), "--fail {mode}: job hung\n{}", run.describe());
        assert!(!run.status.is_some_and(|s| s.success()), "--fail {mode}: exit 0\n{}", run.describe());
    }
}

#[test]
fn collective_error_exits_nonzero() {
    assert_job_ends("error");
}

#[test]
fn abort_ends_all_ranks() {
    assert_job_ends("abort");
}

#[test]
fn panic_on_one_rank_ends_all_ranks() {
    assert_job_ends("panic");
}
