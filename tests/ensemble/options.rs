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
