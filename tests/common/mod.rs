//! Helpers shared by every area of the integration suite: run the `comd` binary, find
//! `../shared` and the potential files, parse thermo tables, launch `mpirun`, and the O(N²)
//! force oracle.
#![allow(dead_code)]

pub mod eam;
pub mod mpirun;
pub mod oracle;
pub mod structure;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What every process that may start MPI gets in its environment: hwloc (under Open MPI's
/// start-up) without its `gl` component, which probes the X servers `:0`, `:1`, … for GPUs
/// and dies with the process when one of them (the viewer tests' Xvfb) shuts down meanwhile
/// ("X connection to :0 broken", then "orte_init failed"). Users' runs are unaffected
/// unless an X server dies under them.
pub const MPI_ENV: [(&str, &str); 1] = [("HWLOC_COMPONENTS", "-gl")];

/// The `comd` binary built for these tests.
pub fn comd() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_comd"));
    c.envs(MPI_ENV);
    c
}

/// `../shared` beside the crate, or `None` outside CI when it is missing (a test then prints
/// a reason and returns). In CI (`CI` set) a missing folder is a failure.
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if p.join("reference/comd").is_dir() {
        return Some(p);
    }
    if std::env::var_os("CI").is_some() {
        panic!("../shared is missing, but CI must have it");
    }
    eprintln!("skipping: ../shared not found beside the crate");
    None
}

/// Runs `comd` with `args` in a fresh temporary directory; returns the output and the dir.
pub fn run_in_tmp(args: &[&str]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = comd().args(args).current_dir(dir.path()).output().expect("run comd");
    (out, dir)
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Thermo rows of a CoMD-style screen output (and an ensemble run's extra columns), without
/// the timing column (column 7).
pub fn thermo(screen: &str) -> Vec<Vec<String>> {
    screen
        .lines()
        .filter(|l| l.starts_with(' ') && [8, 10, 12].contains(&l.split_whitespace().count()))
        .filter(|l| l.split_whitespace().next().is_some_and(|t| t.parse::<u64>().is_ok()))
        .map(|l| {
            let mut f: Vec<String> = l.split_whitespace().map(String::from).collect();
            f.remove(6);
            f
        })
        .collect()
}

/// Asserts the run succeeded, showing stderr if not.
pub fn assert_ok(o: &Output) {
    assert!(o.status.success(), "comd failed ({:?}):\n{}", o.status, stderr(o));
}

/// Asserts a clean failure: the given exit code, one line on stderr containing `needle`,
/// no panic.
pub fn assert_fails(o: &Output, code: i32, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "exit status; stderr:\n{err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty() && !l.contains("warning")).collect();
    assert_eq!(lines.len(), 1, "expected one error line, got:\n{err}");
    assert!(err.contains(needle), "expected {needle:?} in:\n{err}");
}

/// The run configuration `comd` would build from the command line `args` (no `comd`).
pub fn config(args: &[&str]) -> comd::config::RunConfig {
    use clap::Parser;
    let cli = comd::cli::Cli::try_parse_from(std::iter::once("comd").chain(args.iter().copied())).expect("test command line");
    comd::config::RunConfig::from_cli(&cli).expect("test configuration")
}

/// An engine for the command line `args` and the potential `pot`, from CoMD's lattice, built
/// by the engine factory on one rank (after its start-up force call).
pub fn engine(args: &[&str], pot: &comd::potential::Potential) -> Box<dyn comd::engine::Engine> {
    let (mut comm, mut timers) = (comd::comm::serial::Serial::new(), comd::timers::Timers::default());
    comd::engine::start(&config(args), pot, comd::engine::Start::Lattice, &mut comm, &mut timers).expect("engine start")
}

/// Advances `e` by `n` steps of 1 fs on one rank.
pub fn advance(e: &mut dyn comd::engine::Engine, n: u64) {
    e.timestep(n, 1.0, &mut comd::comm::serial::Serial::new(), &mut comd::timers::Timers::default()).expect("steps");
}

/// The crate root (where `Cargo.toml`, `inputs/` and `tests/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/potentials` as a `--potDir` argument.
pub fn pots() -> String {
    root().join("../shared/potentials").display().to_string()
}

/// Runs `comd args` in `dir`.
pub fn comd_in(dir: &Path, args: &[&str]) -> Output {
    comd().current_dir(dir).args(args).output().expect("run comd")
}

/// Runs `comd args` in `dir`, asserts success and returns stdout.
pub fn ok_in(dir: &Path, args: &[&str]) -> String {
    let o = comd_in(dir, args);
    assert!(o.status.success(), "comd {args:?} failed: {}", stderr(&o));
    stdout(&o)
}

/// Runs `comd args` in `dir` and asserts exit `status` with exactly one stderr line
/// containing `msg`.
pub fn fails_in(dir: &Path, args: &[&str], status: i32, msg: &str) {
    let o = comd_in(dir, args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(status), "comd {args:?}: {err}");
    assert!(err.contains(msg), "comd {args:?}: expected '{msg}' in: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one-line error expected: {err}");
}

/// Thermo rows from step `from` on, as one string each (step, energies, temperature, atoms),
/// without the timing column.
pub fn rows_from(out: &str, from: u64) -> Vec<String> {
    out.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let step: u64 = f.first()?.parse().ok()?;
            (f.len() == 8 && f[2].starts_with('-') && step >= from).then(|| [&f[..6], &f[7..]].concat().join(" "))
        })
        .collect()
}
