//! Ensemble options (issue 17 item 1): what is accepted, and one-line exit-2 errors for
//! what cannot run.

use crate::common::{assert_fails, assert_ok, run_in_tmp, stdout, thermo};

/// A bad input is exit 2 with one line naming the problem (and no panic).
fn assert_usage(extra: &[&str], names: &str) {
    let mut args = vec!["-x", "4", "-y", "4", "-z", "4", "-N", "10", "--no-yaml", "--quiet"];
    args.extend_from_slice(extra);
    let (o, _d) = run_in_tmp(&args);
    assert_fails(&o, 2, names);
}

#[test]
fn bad_ensemble_inputs_are_one_line_exit_2() {
    assert_usage(&["--thermostat", "berendsen"], "--thermostat");
    assert_usage(&["--thermostat", "csvr", "--tau", "0"], "--tau");
    assert_usage(&["--thermostat", "csvr", "--tau", "-5"], "--tau");
    assert_usage(&["--thermostat", "csvr", "--target-temp", "300:abc"], "abc");
    assert_usage(&["--thermostat", "csvr", "--exact"], "--exact");
    assert_usage(&["--tau", "50"], "--tau");
    assert_usage(&["--target-temp", "300"], "--target-temp");
    assert_usage(&["--thermostat", "csvr", "--nhc-chain", "4"], "--nhc-chain");
    assert_usage(&["--thermostat", "nhc", "--nhc-chain", "0"], "--nhc-chain");
    assert_usage(&["--thermostat", "nhc", "--target-temp", "0:300"], "--target-temp");
    assert_usage(&["--barostat", "crescale"], "needs a thermostat");
    assert_usage(&["--thermostat", "csvr", "--tau-p", "100"], "--tau-p");
    assert_usage(&["--thermostat", "csvr", "--barostat", "crescale", "--tau-p", "0"], "--tau-p");
    assert_usage(&["--thermostat", "csvr", "--barostat", "crescale", "--barostat-axes", "xw"], "allowed");
    assert_usage(&["--thermostat", "csvr", "--barostat", "crescale", "--barostat-axes", ""], "at least one axis");
    assert_usage(&["--thermostat", "csvr", "--barostat", "crescale", "--compressibility", "-1"], "--compressibility");
    assert_usage(&["--thermostat", "csvr", "--barostat", "isotropic"], "--barostat");
}

/// 3 unit cells of 3.9 Å make an LJ box of 11.7 Å, just over two cutoffs (11.57 Å): the
/// fixed box runs, but the barostat needs two interaction ranges and 5 % room (12.2 Å), so
/// the run is refused before it starts.
#[test]
fn a_barostat_on_a_box_too_small_to_shrink_is_refused() {
    let (o, _d) = run_in_tmp(&["-x", "3", "-y", "3", "-z", "3", "-l", "3.9", "-N", "10", "--no-yaml", "--quiet", "--thermostat", "csvr", "--barostat", "crescale"]);
    assert_fails(&o, 2, "too small to shrink safely");
}

/// `--thermostat none` is CoMD's run: the same rows (timing aside) as no option at all.
#[test]
fn thermostat_none_is_comd_nve_unchanged() {
    let (o, _d) = run_in_tmp(&["-x", "4", "-y", "4", "-z", "4", "-N", "20", "--no-yaml", "--quiet"]);
    assert_ok(&o);
    let (o2, _d2) = run_in_tmp(&["-x", "4", "-y", "4", "-z", "4", "-N", "20", "--no-yaml", "--quiet", "--thermostat", "none"]);
    assert_ok(&o2);
    let rows = thermo(&stdout(&o));
    assert!(rows.len() >= 3, "{}", stdout(&o));
    assert_eq!(rows, thermo(&stdout(&o2)));
}

/// A ramp is linear in the absolute step from step 0 to step `-N`, and a restart follows it:
/// a run stopped by SIGINT (its checkpoint at the step it stopped) and restarted with the
/// same options prints the rows of the uninterrupted run after that step.
#[test]
fn a_ramp_follows_the_absolute_step_across_a_restart() {
    let d = tempfile::tempdir().unwrap();
    let ck = d.path().join("r.ckpt");
    let base = ["-x", "4", "-y", "4", "-z", "4", "-n", "200", "-N", "8000", "--no-yaml", "--thermostat", "csvr", "--target-temp", "300:1300"];
    let full = thermo(&crate::common::ok_in(d.path(), &base));
    let targets: Vec<f64> = full.iter().map(|r| r[7].parse().unwrap()).collect();
    let expected: Vec<f64> = (0..=40).map(|k| 300.0 + 25.0 * k as f64).collect();
    assert_eq!(targets, expected);
    let child = crate::common::comd().current_dir(d.path()).args(base).args(["--checkpoint", ck.to_str().unwrap()])
        .stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let _ = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let out = child.wait_with_output().unwrap();
    let stopped = comd::checkpoint::decode(&std::fs::read(&ck).unwrap()).expect("checkpoint").step;
    eprintln!("stopped at step {stopped} (exit {:?})", out.status.code());
    let resumed = thermo(&crate::common::ok_in(d.path(), &[&base[..], &["--restart", ck.to_str().unwrap()]].concat()));
    let after = |rows: &[Vec<String>]| rows.iter().filter(|r| r[0].parse::<u64>().unwrap() > stopped).cloned().collect::<Vec<_>>();
    assert!(!after(&full).is_empty(), "the run ended before the signal; stopped at {stopped}");
    assert_eq!(after(&full), after(&resumed));
}

/// A checkpoint of another ensemble is refused, naming both.
#[test]
fn a_restart_with_another_ensemble_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let ck = d.path().join("r.ckpt");
    let base = ["-x", "4", "-y", "4", "-z", "4", "--no-yaml"];
    crate::common::ok_in(d.path(), &[&base[..], &["-N", "20", "--thermostat", "csvr", "--checkpoint", ck.to_str().unwrap()]].concat());
    crate::common::fails_in(d.path(), &[&base[..], &["-N", "40", "--restart", ck.to_str().unwrap()]].concat(), 2, "the ensemble");
    crate::common::fails_in(d.path(), &[&base[..], &["-N", "40", "--thermostat", "nhc", "--restart", ck.to_str().unwrap()]].concat(), 2, "thermostat=csvr");
}
