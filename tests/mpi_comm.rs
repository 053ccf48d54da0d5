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

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// Longest a single run may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The runs share two cores: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const COMM_CHECK: &str = env!("CARGO_BIN_EXE_comm_check");

/// Result of one launch.
struct Run {
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        format!("status {:?}\n--- stdout\n{}--- stderr\n{}", self.status, self.stdout, self.stderr)
    }
}

/// The launcher to use, or `None` (after printing why, or panicking under CI).
fn launcher() -> Option<PathBuf> {
    let name = std::env::var("MPIRUN").unwrap_or_else(|_| "mpirun".to_string());
    let found = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).map(|dir| dir.join(&name)).find(|p| p.is_file()))
        .unwrap_or(None);
    if found.is_none() {
        let why = format!("`{name}` is not on PATH (install openmpi-bin, or set MPIRUN)");
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("skipping MPI test: {why}");
    }
    found
}

/// Arguments that an Open MPI `mpirun` needs here: ranks may outnumber cores, and rayon threads
/// must not be pinned to one core per rank. Other launchers (MPICH's hydra) need none.
fn launcher_flags(mpirun: &PathBuf) -> Vec<&'static str> {
    let version = Command::new(mpirun).arg("--version").output().map(|o| o.stdout).unwrap_or_default();
    if String::from_utf8_lossy(&version).contains("Open MPI") {
        vec!["--oversubscribe", "--bind-to", "none"]
    } else {
        Vec::new()
    }
}

/// Runs `command` to completion or until [`TIMEOUT`], capturing its output.
fn run_with_timeout(mut command: Command) -> Run {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_or_kill(&mut child);
    Run {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// Reads a pipe to the end on its own thread (so a full pipe never blocks the child).
fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// Waits for `child`; after [`TIMEOUT`] asks it to stop (SIGTERM lets `mpirun` take its ranks
/// down), then kills it. Returns `None` on timeout.
fn wait_or_kill(child: &mut Child) -> Option<ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < TIMEOUT {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        thread::sleep(Duration::from_millis(20));
    }
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    thread::sleep(Duration::from_secs(3));
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Launches `comm_check args` on `np` ranks; `None` if there is no launcher.
fn mpirun(np: usize, args: &[&str]) -> Option<Run> {
    let mpirun = launcher()?;
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut command = Command::new(&mpirun);
    command
        .arg("-np")
        .arg(np.to_string())
        .args(launcher_flags(&mpirun))
        .arg(COMM_CHECK)
        .args(args)
        // Open MPI refuses to run as root without these; harmless otherwise.
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    Some(run_with_timeout(command))
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
