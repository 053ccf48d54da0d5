//! Spec §14: every input CoMD mishandles gets a one-line error and exit status 2 (or 1 for
//! a failure during the run), or — where CoMD crashes on a valid input — a correct run.

use crate::common::*;

#[test]
fn rank_grid_must_match_the_number_of_ranks() {
    let (o, _d) = run_in_tmp(&["-i", "2", "--no-yaml"]);
    assert_fails(&o, 2, "rank grid 2x1x1 = 2 ranks does not match the 1 rank");
}

#[test]
fn too_small_a_box_is_refused_with_the_size_needed() {
    let (o, _d) = run_in_tmp(&["-x", "2", "--no-yaml"]);
    assert_fails(&o, 2, "-x: the simulation is too small");
    // the size suggested is the smallest that runs: it runs, one cell fewer does not
    for (args, axis) in [(vec!["-x", "1"], "-x"), (vec!["-e", "-d", &pots(), "-z", "1"], "-z")] {
        let (o, _d) = run_in_tmp(&[&args[..], &["--no-yaml", "-N", "1"]].concat());
        let err = stderr(&o);
        let need: usize = err.split(&format!("use {axis} ")).nth(1).and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no size in {err}"));
        for (n, runs) in [(need, true), (need - 1, false)] {
            let mut a = args.clone();
            let n = n.to_string();
            *a.last_mut().unwrap() = &n;
            let (o, _d) = run_in_tmp(&[&a[..], &["--no-yaml", "-N", "1"]].concat());
            assert_eq!(o.status.success(), runs, "{a:?}: {}", stderr(&o));
        }
    }
}

#[test]
fn a_potential_name_that_is_not_a_file_says_what_it_is() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("tables")).unwrap();
    let fifo = d.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let dir = d.path().to_str().unwrap();
    for (name, kind) in [("tables", "is a directory"), ("pipe", "is a FIFO")] {
        let o = comd().current_dir(d.path()).args(["-e", "-d", dir, "-p", name, "-N", "1", "--no-yaml"]).output().unwrap();
        assert_fails(&o, 2, kind);
    }
    // an absolute path to a device: said, not opened (a device could block or never end)
    let o = comd().current_dir(d.path()).args(["-e", "-p", "/dev/null", "-N", "1", "--no-yaml"]).output().unwrap();
    assert_fails(&o, 2, "is a character device");
}

#[test]
fn negative_and_zero_sizes_are_refused() {
    for args in [["-x", "-5"], ["-y", "0"], ["-n", "0"], ["-D", "0"], ["-i", "0"]] {
        let (o, _d) = run_in_tmp(&args);
        assert_fails(&o, 2, "must be a positive");
    }
}

#[test]
fn unknown_options_and_bad_numbers_are_errors_not_silent_defaults() {
    let (o, _d) = run_in_tmp(&["-Q", "-x", "5"]);
    assert_fails(&o, 2, "unexpected argument '-Q'");
    let (o, _d) = run_in_tmp(&["-x", "abc"]);
    assert_fails(&o, 2, "'abc' is not an integer");
    let (o, _d) = run_in_tmp(&["-x", "5abc"]);
    assert_fails(&o, 2, "is not an integer");
    let (o, _d) = run_in_tmp(&["-T", "-5"]);
    assert_fails(&o, 2, "must be 0 or positive");
    let (o, _d) = run_in_tmp(&["-T", "nan"]);
    assert_fails(&o, 2, "not a finite number");
    let (o, _d) = run_in_tmp(&["-N"]);
    assert_fails(&o, 2, "value is required");
    let (o, _d) = run_in_tmp(&["extra"]);
    assert_fails(&o, 2, "unexpected argument 'extra'");
    let (o, _d) = run_in_tmp(&["-l", "0"]);
    assert_fails(&o, 2, "--lat");
}

#[test]
fn errors_keep_the_allowed_values_and_the_candidates_on_one_line() {
    let (o, _d) = run_in_tmp(&["-t", "alloy"]);
    assert_fails(&o, 2, "invalid value 'alloy' for '--potType <POT_TYPE>' [possible values: funcfl, setfl]");
    let (o, _d) = run_in_tmp(&["--color", "xx"]);
    assert_fails(&o, 2, "[possible values: ke, pe, rank, structure]");
    let (o, _d) = run_in_tmp(&["--exact=maybe"]);
    assert_fails(&o, 2, "[possible values: true, false]");
    let (o, _d) = run_in_tmp(&["--d", "5"]);
    assert_fails(&o, 2, "ambiguous option '--d': could be ");
    let err = stderr(&o);
    for c in ["--dt", "--deck", "--delta", "--doeam", "--dump-state", "--dump-every"] {
        assert!(err.contains(c), "{c} missing: {err}");
    }
    let (o, _d) = run_in_tmp(&["--dump", "3"]);
    assert_fails(&o, 2, "ambiguous option '--dump': could be --dump-state, --dump-state-every, --dump-every");
    for o in [&o, &run_in_tmp(&["-t", "alloy"]).0] {
        let err = stderr(o);
        assert!(!err.contains("Usage:") && !err.contains("For more information"), "{err}");
    }
}

#[test]
fn long_options_accept_both_spellings_and_abbreviations() {
    for args in [&["--nx", "5", "--ny=5", "--nz", "5", "--nSt", "0"][..], &["-x5", "-y", "5", "-z5", "-N0"][..]] {
        let mut a = args.to_vec();
        a.push("--no-yaml");
        let (o, _d) = run_in_tmp(&a);
        assert_ok(&o);
        assert!(stdout(&o).contains("Total atoms        : 500"));
    }
}

#[test]
fn help_and_version() {
    let (o, _d) = run_in_tmp(&["-h"]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.contains("--potDir") && s.contains("Exit status:") && s.contains("143"));
    let (o, _d) = run_in_tmp(&["--version"]);
    assert_ok(&o);
    assert!(stdout(&o).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn steps_not_a_multiple_of_the_print_rate_stop_exactly_at_n() {
    let (o, _d) = run_in_tmp(&["-x", "5", "-y", "5", "-z", "5", "-N", "15", "-n", "10", "--no-yaml"]);
    assert_ok(&o);
    let steps: Vec<String> = thermo(&stdout(&o)).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(steps, ["0", "10", "15"]);
}

#[test]
fn zero_steps_prints_the_cohesive_energy_and_no_nan() {
    let (o, _d) = run_in_tmp(&["--exact", "-N", "0", "--no-yaml"]);
    assert_ok(&o);
    let s = stdout(&o);
    let rows = thermo(&s);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][3], "-1.243619295058");
    assert!(!s.contains("-nan"));
}

#[test]
fn eam_options_without_eam_warn_and_run() {
    let (o, _d) = run_in_tmp(&["-t", "setfl", "-p", "nonexistent.alloy", "-x", "5", "-y", "5", "-z", "5", "-N", "1", "-n", "1", "--no-yaml"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("warning: -p/--potName, -t/--potType ignored"));
}

#[test]
fn thin_slabs_that_overflow_comds_halo_buffers_run_to_the_end() {
    for args in [["-x", "4", "-y", "60", "-z", "60"], ["-x", "60", "-y", "4", "-z", "60"]] {
        let mut a = args.to_vec();
        a.extend_from_slice(&["-N", "2", "-n", "1", "--no-yaml", "--exact"]);
        let (o, _d) = run_in_tmp(&a);
        assert_ok(&o);
        assert!(stdout(&o).contains("no atoms lost"));
    }
}

#[test]
fn eam_thin_slab_runs() {
    let Some(shared) = shared() else { return };
    let pots = shared.join("potentials");
    let (o, _d) = run_in_tmp(&["-e", "-x", "3", "-y", "40", "-z", "40", "-N", "1", "-n", "1", "--no-yaml", "--potDir", pots.to_str().unwrap()]);
    assert_ok(&o);
    assert!(stdout(&o).contains("no atoms lost"));
}

#[test]
fn dense_lattice_grows_cells_instead_of_corrupting_memory() {
    // CoMD overflows its 64-slot cells here and aborts; the run is physically absurd (atoms
    // far inside each other's cores), so it must either run or stop cleanly as unstable.
    let (o, _d) = run_in_tmp(&["-l", "2.5", "-x", "10", "-y", "10", "-z", "10", "-N", "20", "-n", "10", "--no-yaml"]);
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.status.success() || (o.status.code() == Some(1) && err.contains("unstable")), "{:?} {err}", o.status);
    assert!(stdout(&o).contains("Max Link Cell Occupancy"));
}

#[test]
fn large_displacements_stop_the_run_as_unstable_naming_the_atom() {
    let (o, _d) = run_in_tmp(&["-r", "1.5", "-T", "0", "-x", "5", "-y", "5", "-z", "5", "-N", "100", "-n", "10", "--no-yaml"]);
    assert_fails(&o, 1, "unstable");
    assert!(stderr(&o).contains("atom") && stderr(&o).contains("reduce -D"));
}

#[test]
fn missing_eam_file_lists_where_it_looked() {
    let (o, _d) = run_in_tmp(&["-e", "-p", "nonexistent.eam", "-d", "nodir", "--no-yaml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("nonexistent.eam") && err.contains("nodir"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn unsupported_potential_type_is_rejected() {
    let (o, _d) = run_in_tmp(&["-e", "-t", "foo"]);
    assert_fails(&o, 2, "invalid value 'foo'");
}

#[test]
fn setfl_file_read_as_funcfl_is_a_clear_error() {
    let Some(shared) = shared() else { return };
    let pots = shared.join("potentials");
    let (o, _d) = run_in_tmp(&["-e", "-p", "Cu01.eam.alloy", "-d", pots.to_str().unwrap(), "-N", "1", "-n", "1", "--no-yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("setfl"), "{}", stderr(&o));
}

#[test]
fn unwritable_output_paths_are_refused_before_the_run() {
    let (o, _d) = run_in_tmp(&["--dump-state", "/nonexistent-dir/x.txt", "-N", "1"]);
    assert_fails(&o, 2, "does not exist");
    let (o, _d) = run_in_tmp(&["--yaml", "/proc/forbidden.yaml", "-N", "1"]);
    assert_fails(&o, 2, "cannot write");
}
