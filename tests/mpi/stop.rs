//! A signal to one rank stops every rank at the same step (issue 15): the ranks agree on it
//! in the reduction of the step's list check, so the stop costs no message of its own. Rank 0
//! writes the final row, the checkpoint of that step and a YAML report naming the signal,
//! though the signal went to another rank; all within a few seconds.
#![cfg(feature = "mpi")]

use crate::common::mpirun as launch;
use crate::common::{stdout, thermo};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const COMD: &str = env!("CARGO_BIN_EXE_comd");

/// The ranks `mpirun` (pid `launcher`) started: its children running comd.
fn ranks(launcher: u32) -> Vec<u32> {
    let out = Command::new("pgrep").args(["-P", &launcher.to_string(), "-f", COMD]).output().expect("pgrep");
    String::from_utf8_lossy(&out.stdout).split_whitespace().filter_map(|p| p.parse().ok()).collect()
}

#[test]
fn sigint_to_one_rank_stops_all_at_one_step_and_saves_everything() {
    let Some(mpirun) = launch::launcher() else { return };
    let _one_at_a_time = launch::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let d = tempfile::tempdir().unwrap();
    // one chunk of 40000 steps: only the per-step agreement can stop it early
    let args = ["-x", "10", "-y", "10", "-z", "10", "-i", "2", "-N", "40000", "-n", "40000", "--checkpoint", "c.ckpt", "--yaml", "r.yaml"];
    let child = Command::new("timeout")
        .args(["-s", "KILL", "120"])
        .arg(&mpirun)
        .args(["-np", "2"])
        .args(launch::launcher_flags(&mpirun))
        .arg(COMD)
        .args(args)
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .current_dir(d.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mpirun under timeout");
    // timeout's child is mpirun; mpirun's children are the ranks
    let started = Instant::now();
    let mut pids = Vec::new();
    while pids.len() < 2 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(200));
        let launcher = launcher_of(child.id());
        pids = launcher.map(ranks).unwrap_or_default();
    }
    assert_eq!(pids.len(), 2, "two ranks running");
    std::thread::sleep(Duration::from_secs(3));
    // the later one: rank 1 as a rule, so rank 0 learns of the signal from the agreement
    let target = *pids.iter().max().unwrap();
    assert!(Command::new("kill").args(["-INT", &target.to_string()]).status().unwrap().success());
    let t0 = Instant::now();
    let out = child.wait_with_output().expect("wait for mpirun");
    let waited = t0.elapsed();
    let (text, err) = (stdout(&out), String::from_utf8_lossy(&out.stderr).into_owned());
    assert_ne!(out.status.code(), None, "killed by timeout: {err}");
    assert!(waited <= Duration::from_secs(5), "took {waited:?} to stop: {err}");
    let rows = thermo(&text);
    let last: u64 = rows.last().expect("a final row")[0].parse().unwrap();
    assert!(last > 0 && last < 40000, "stopped at step {last}");
    let yaml = std::fs::read_to_string(d.path().join("r.yaml")).expect("YAML written");
    assert!(yaml.contains(&format!("Interrupted:\n  By: SIGINT\n  Step: {last}\n")), "YAML tail:\n{}", &yaml[yaml.len().saturating_sub(300)..]);
    // the checkpoint is of the step stopped at, whole: a restart continues from it
    drop(_one_at_a_time);
    let more = (last + 10).to_string();
    let again = ["-x", "10", "-y", "10", "-z", "10", "-i", "2", "-N", &more, "-n", "10", "--restart", "c.ckpt", "--no-yaml"];
    let r = launch::mpirun(COMD, 2, &again, Some(d.path())).expect("a launcher");
    assert!(r.status.is_some_and(|s| s.success()), "restart: {}", r.describe());
    assert!(r.stdout.contains(&format!("at step {last}")), "restart from step {last}: {}", r.describe());
}

/// The pid of `mpirun`, the child of the `timeout` process `pid`.
fn launcher_of(pid: u32) -> Option<u32> {
    let out = Command::new("pgrep").args(["-P", &pid.to_string()]).output().ok()?;
    String::from_utf8_lossy(&out.stdout).split_whitespace().next()?.parse().ok()
}
