//! Launching `mpirun` from tests: find the launcher (fail under CI when it is missing),
//! Open MPI's flags for these machines, and runs that are killed after a timeout so a
//! communication bug is a failure, not a hung test.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// Launches `bin args` on `np` ranks in `dir`, one launch at a time; `None` without a launcher.
pub fn mpirun(bin: &str, np: usize, args: &[&str], dir: Option<&std::path::Path>) -> Option<Run> {
    let mpirun = launcher()?;
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut command = Command::new(&mpirun);
    command
        .envs(super::MPI_ENV)
        .arg("-np")
        .arg(np.to_string())
        .args(launcher_flags(&mpirun))
        .arg(bin)
        .args(args)
        // Open MPI refuses to run as root without these; harmless otherwise.
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    if let Some(d) = dir {
        command.current_dir(d);
    }
    Some(run_with_timeout(command))
}

/// Longest a single run may take.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The runs share two cores: one at a time.
pub static SERIAL: Mutex<()> = Mutex::new(());

/// Result of one launch.
pub struct Run {
    /// Exit status, `None` on timeout.
    pub status: Option<ExitStatus>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    pub fn describe(&self) -> String {
        format!("status {:?}\n--- stdout\n{}--- stderr\n{}", self.status, self.stdout, self.stderr)
    }
}

/// The launcher to use, or `None` (after printing why, or panicking under CI).
pub fn launcher() -> Option<PathBuf> {
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
pub fn launcher_flags(mpirun: &PathBuf) -> Vec<&'static str> {
    let version = Command::new(mpirun).arg("--version").output().map(|o| o.stdout).unwrap_or_default();
    if String::from_utf8_lossy(&version).contains("Open MPI") {
        vec!["--oversubscribe", "--bind-to", "none"]
    } else {
        Vec::new()
    }
}

/// Runs `command` to completion or until [`TIMEOUT`], capturing its output.
pub fn run_with_timeout(mut command: Command) -> Run {
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

