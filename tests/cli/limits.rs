//! Reliability of a run (issue 15): prompt stops on SIGINT/SIGTERM (in the loop and in
//! start-up), the thread bound, the memory bound, physics that makes no sense, errors that
//! name the step. Every run here is under `timeout -s KILL`, so a hang fails instead of
//! blocking the suite.

use crate::common::{assert_fails, comd, stderr, stdout, thermo};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `comd args` in `dir` under `timeout -s KILL secs`, not waited for.
fn spawn(dir: &Path, secs: u32, args: &[&str]) -> Child {
    Command::new("timeout")
        .args(["-s", "KILL", &secs.to_string()])
        .arg(comd().get_program())
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start comd under timeout")
}

/// `comd args` in `dir` under `timeout -s KILL 120`, waited for.
fn run(dir: &Path, args: &[&str]) -> Output {
    spawn(dir, 120, args).wait_with_output().expect("wait for comd")
}

/// Sends `sig` (e.g. "-INT") to the comd child of `timeout` (`timeout` itself would
/// forward it, but it is sent to comd as a user's Ctrl-C or `kill` would).
fn signal(child: &Child, sig: &str) {
    let pid = child.id().to_string();
    let st = Command::new("pkill").args([sig, "-P", &pid]).status().expect("pkill -P");
    assert!(st.success(), "no comd process under timeout {pid}");
}

/// Waits for `child`, returning its output and the wall time from now.
fn finish(child: Child) -> (Output, Duration) {
    let t0 = Instant::now();
    let out = child.wait_with_output().expect("wait for comd");
    (out, t0.elapsed())
}

#[test]
fn sigint_and_sigterm_stop_within_the_step_and_save_everything() {
    for (sig, name, status) in [("-INT", "SIGINT", 130), ("-TERM", "SIGTERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        // one chunk of 40000 steps: before, the flag was read only at its end (~minutes)
        let args = ["-x", "10", "-y", "10", "-z", "10", "-N", "40000", "-n", "40000", "--checkpoint", "c.ckpt", "--xyz", "t.xyz", "--yaml", "r.yaml"];
        let child = spawn(dir.path(), 120, &args);
        std::thread::sleep(Duration::from_secs(3));
        signal(&child, sig);
        let (out, waited) = finish(child);
        assert_eq!(out.status.code(), Some(status), "{name}: {}", stderr(&out));
        assert!(waited <= Duration::from_secs(5), "{name}: took {waited:?} to stop");
        let rows = thermo(&stdout(&out));
        let last: u64 = rows.last().expect("a final row")[0].parse().unwrap();
        assert!(last > 0 && last < 40000, "{name}: stopped at step {last}");
        let yaml = std::fs::read_to_string(dir.path().join("r.yaml")).expect("YAML written");
        assert!(yaml.contains(&format!("Interrupted:\n  By: {name}\n  Step: {last}\n")), "{name}: YAML tail:\n{}", &yaml[yaml.len().saturating_sub(300)..]);
        let xyz = std::fs::read_to_string(dir.path().join("t.xyz")).expect("trajectory written");
        assert_eq!(xyz.lines().filter(|l| l.trim() == "4000").count(), 2, "{name}: the frames of steps 0 and {last}");
        // the checkpoint is of the step stopped at: a restart continues from it
        let more = (last + 10).to_string();
        let r = run(dir.path(), &["-x", "10", "-y", "10", "-z", "10", "-N", &more, "-n", "10", "--restart", "c.ckpt", "--no-yaml"]);
        assert_eq!(r.status.code(), Some(0), "restart: {}", stderr(&r));
        assert!(stdout(&r).contains(&format!("at step {last}")), "restart from step {last}: {}", stdout(&r));
    }
}

#[test]
fn a_signal_during_start_up_ends_the_process_at_once() {
    let dir = tempfile::tempdir().unwrap();
    // 864 000 atoms: start-up takes seconds (and minutes for larger systems)
    let child = spawn(dir.path(), 120, &["-x", "60", "-y", "60", "-z", "60", "-N", "10", "--no-yaml"]);
    std::thread::sleep(Duration::from_millis(500));
    signal(&child, "-TERM");
    let (out, waited) = finish(child);
    assert_eq!(out.status.code(), Some(143), "{}", stderr(&out));
    assert!(waited <= Duration::from_secs(5), "took {waited:?} to stop");
    assert!(stderr(&out).contains("during start-up"), "{}", stderr(&out));
}

#[test]
fn threads_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = Instant::now();
    let out = run(dir.path(), &["-x", "4", "-y", "4", "-z", "4", "-N", "1", "--no-yaml", "--threads", "100000"]);
    assert_fails(&out, 2, "--threads: 100000 is too many; allowed 1 to 1024");
    assert!(t0.elapsed() < Duration::from_secs(5));
    let ok = run(dir.path(), &["-x", "4", "-y", "4", "-z", "4", "-N", "1", "--no-yaml", "--threads", "1024"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}

#[test]
fn an_instability_names_the_step_that_found_it() {
    let dir = tempfile::tempdir().unwrap();
    // a 40 fs step blows up within a few steps, inside a print interval of 10
    for path in [&[][..], &["--exact"][..]] {
        let mut args = vec!["-x", "4", "-y", "4", "-z", "4", "-N", "100", "-n", "10", "-D", "40", "--no-yaml"];
        args.extend_from_slice(path);
        let out = run(dir.path(), &args);
        assert_fails(&out, 1, "the simulation is unstable");
        let err = stderr(&out);
        let step: u64 = err.split("at step ").nth(1).and_then(|s| s.split(':').next()).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no step in {err}"));
        assert!(step > 0 && step < 10, "{path:?}: step {step} is not the one of the blow-up: {err}");
        assert!(!err.contains("between steps"), "{err}");
    }
}

/// `comd args` under `prlimit --as=bytes` and `timeout -s KILL 120`, waited for.
fn run_limited(dir: &Path, bytes: u64, args: &[&str]) -> Output {
    Command::new("timeout")
        .args(["-s", "KILL", "120", "prlimit", &format!("--as={bytes}")])
        .arg(comd().get_program())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run comd under prlimit")
}

#[test]
fn a_run_too_big_for_its_memory_is_refused_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    // 512 M unit cells (2 G atoms): ~280 GiB even with streamed lists, on any machine this
    // suite runs on
    let t0 = Instant::now();
    let out = run(dir.path(), &["-x", "800", "-y", "800", "-z", "800", "--no-yaml"]);
    assert_fails(&out, 2, "GiB available: use fewer unit cells or more ranks");
    assert!(t0.elapsed() < Duration::from_secs(10), "refused before allocating");
    // under an address-space limit of 1 GB: 108 000 atoms fit, 6.9 M atoms do not, even
    // with streamed lists (~1.5 GiB)
    let pots = crate::common::pots();
    for path in [&[][..], &["--exact"][..], &["-e", "-d", &pots][..], &["-e", "-d", &pots, "--exact"][..]] {
        let mut args = vec!["-x", "120", "-y", "120", "-z", "120", "-N", "1", "--no-yaml"];
        args.extend_from_slice(path);
        let out = run_limited(dir.path(), 1_000_000_000, &args);
        assert_fails(&out, 2, "memory: the run needs ~");
    }
    let ok = run_limited(dir.path(), 1_000_000_000, &["-x", "30", "-y", "30", "-z", "30", "-N", "1", "--no-yaml"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}

#[test]
fn stored_lists_that_do_not_fit_are_streamed_unless_stored_ones_are_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    // 2 048 000 atoms under 1 GB of address space: stored lists need ~1.1 GB, streamed
    // ones ~0.5 GB
    let args = ["-x", "80", "-y", "80", "-z", "80", "-N", "2", "-n", "1"];
    let out = run_limited(dir.path(), 1_000_000_000, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("stored neighbour lists would not fit in memory, so they are streamed"), "{}", stderr(&out));
    assert!(stdout(&out).contains("Neighbor lists: streamed"), "{}", stdout(&out));
    let yaml = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "yaml")).expect("a YAML report");
    assert!(std::fs::read_to_string(yaml).unwrap().contains("  Streamed: true\n"));
    let mut stored = args.to_vec();
    stored.extend_from_slice(&["--lists", "stored", "--no-yaml"]);
    assert_fails(&run_limited(dir.path(), 1_000_000_000, &stored), 2, "memory: the run needs ~");
    // with room for stored lists, auto stores them
    let small = run(dir.path(), &["-x", "6", "-y", "6", "-z", "6", "-N", "2", "--no-yaml"]);
    assert_eq!(small.status.code(), Some(0), "{}", stderr(&small));
    assert!(!stdout(&small).contains("streamed") && !stderr(&small).contains("streamed"), "{}", stdout(&small));
}

#[test]
fn no_memory_check_lets_a_refused_run_try() {
    let dir = tempfile::tempdir().unwrap();
    // refused under 400 MB of address space; with the override it gets past the check
    // (and then fails in the allocator, which is what the check is there to prevent)
    let args = ["-x", "60", "-y", "60", "-z", "60", "-N", "1", "--no-yaml", "--lists", "stored"];
    assert_fails(&run_limited(dir.path(), 400_000_000, &args), 2, "use fewer unit cells or more ranks");
    let mut forced = args.to_vec();
    forced.push("--no-memory-check");
    let out = run_limited(dir.path(), 400_000_000, &forced);
    assert!(!stderr(&out).contains("use fewer unit cells"), "{}", stderr(&out));
    let small = run(dir.path(), &["-x", "4", "-y", "4", "-z", "4", "-N", "1", "--no-yaml", "--no-memory-check"]);
    assert_eq!(small.status.code(), Some(0), "{}", stderr(&small));
}

#[test]
fn nonsense_displacement_and_temperature_are_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let s = ["-x", "4", "-y", "4", "-z", "4", "-N", "10", "--no-yaml"];
    let with = |extra: &[&str]| {
        let mut a = s.to_vec();
        a.extend_from_slice(extra);
        run(dir.path(), &a)
    };
    assert_fails(&with(&["-r", "1000"]), 2, "-r: a displacement of 1000 Å is not below the lattice constant 3.615 Å");
    for t in ["1e15", "1e300"] {
        let out = with(&["-T", t]);
        assert_fails(&out, 2, "-T: at ");
        assert!(!stderr(&out).contains("reduce -D"), "{}", stderr(&out));
        assert!(stdout(&out).is_empty() || !stdout(&out).contains("Starting simulation"), "refused before the run");
    }
    // a hot but sane run still runs
    assert_eq!(with(&["-T", "3000", "-r", "0.05"]).status.code(), Some(0));
}
