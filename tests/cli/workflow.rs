//! The workflow features through the `comd` binary: decks, restarts (bit for bit), damaged
//! checkpoints, signals, trajectories (checked with ASE), replicas and plots.

use crate::common::{fails_in as fails, ok_in as ok, pots, root, rows_from as rows};
use std::path::Path;
use std::process::Command;

#[test]
fn every_deck_in_inputs_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("inputs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let deck = path.display().to_string();
        let p = pots();
        let mut args = vec!["--deck", &deck, "-N", "2", "-n", "1", "--no-yaml"];
        if text.contains("doeam = true") {
            args.extend(["--potDir", &p]);
        }
        let out = ok(dir.path(), &args);
        assert_eq!(rows(&out, 0).len(), 3, "{deck}: {out}");
        n += 1;
    }
    assert!(n >= 4);
}

#[test]
fn bad_decks_name_file_line_and_key() {
    let dir = root().join("tests/data/decks/bad");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let expected = text.lines().next().and_then(|l| l.strip_prefix("#^ ")).expect("#^ comment on line 1");
        let err = format!("{:#}", comd::cli::deck::read(&path).expect_err(&path.display().to_string()));
        let name = path.display().to_string();
        assert!(err.starts_with(&name) && err.contains(expected), "{name}: expected '{expected}', got '{err}'");
        n += 1;
    }
    assert!(n >= 10);
    let deck = dir.join("unknown-key.toml").display().to_string();
    fails(&root(), &["--deck", &deck], 2, "unknown key 'nstep' (did you mean 'nSteps'?)");
}

#[test]
fn command_line_overrides_the_deck() {
    let dir = tempfile::tempdir().unwrap();
    let deck = root().join("inputs/smoke.toml").display().to_string();
    let out = ok(dir.path(), &["--deck", &deck, "-N", "3", "-n", "3"]);
    let r = rows(&out, 0);
    assert_eq!(r.len(), 2, "{out}");
    assert!(r[1].starts_with("3 ") && r[1].ends_with(" 500"), "{r:?}");
}

/// Writes `text` as `name` in `dir` and returns its path as text.
fn write_deck(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn flags_a_deck_turns_on_can_be_turned_off_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let deck = write_deck(dir.path(), "on.toml", "nx = 4
ny = 4
nz = 4
nSteps = 0
no-yaml = true
exact = true
doeam = true
");
    let p = pots();
    let on = ok(dir.path(), &["--deck", &deck, "--potDir", &p]);
    assert!(on.contains("Loop order: exact (CoMD serial order)") && on.contains("doeam: 1"), "{on}");
    let off = ok(dir.path(), &["--deck", &deck, "--exact=false", "--doeam=false"]);
    assert!(off.contains("Loop order: default") && off.contains("doeam: 0"), "{off}");
    // the short flag still works bare, before another flag
    let short = ok(dir.path(), &["--deck", &deck, "--exact=false", "-e", "-d", &p]);
    assert!(short.contains("Loop order: default") && short.contains("doeam: 1"), "{short}");
    // and so does turning the YAML report back on
    ok(dir.path(), &["--deck", &deck, "--exact=false", "--doeam=false", "--no-yaml=false", "--yaml", "r.yaml"]);
    assert!(dir.path().join("r.yaml").is_file());
}

#[test]
fn a_deck_cannot_name_a_deck_and_conflicting_entries_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let deck = write_deck(dir.path(), "d.toml", "nx = 4
deck = \"other.toml\"
");
    fails(dir.path(), &["--deck", &deck], 2, "d.toml:2: unknown key 'deck'");
    let deck = write_deck(dir.path(), "y.toml", "yaml = \"a.yaml\"
no-yaml = true
");
    fails(dir.path(), &["--deck", &deck], 2, "y.toml: the argument '--yaml' cannot be used with '--no-yaml'");
    let deck = write_deck(dir.path(), "e.toml", "dump-state = \"\"
");
    fails(dir.path(), &["--deck", &deck], 2, "e.toml:1: dump-state: must not be empty");
}

fn restart_is_bit_for_bit(pot: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = [&["-x", "5", "-y", "5", "-z", "5", "-n", "10", "-r", "0.05", "--no-yaml"][..], pot].concat();
    let full = ok(d, &[&base[..], &["-N", "100", "--dump-state", "full.dump", "--xyz", "full.xyz", "--dump-every", "20"]].concat());
    ok(d, &[&base[..], &["-N", "50", "--checkpoint", "c.bin", "--xyz", "part.xyz", "--dump-every", "20"]].concat());
    let rest = ok(d, &[&base[..], &["-N", "100", "--restart", "c.bin", "--dump-state", "rest.dump", "--xyz", "part.xyz", "--dump-every", "20"]].concat());
    assert_eq!(rows(&full, 50), rows(&rest, 0));
    assert_eq!(rows(&rest, 0).first().map(|r| r.split(' ').next().unwrap().to_string()), Some("50".into()));
    assert_eq!(std::fs::read(d.join("full.dump")).unwrap(), std::fs::read(d.join("rest.dump")).unwrap());
    // the trajectory was cut back to step 40 and continued: same file as without a restart
    assert_eq!(std::fs::read(d.join("full.xyz")).unwrap(), std::fs::read(d.join("part.xyz")).unwrap());
    let validation = |s: &str| s.lines().skip_while(|l| !l.contains("Simulation Validation")).take(4).collect::<Vec<_>>().join("\n");
    assert_eq!(validation(&full), validation(&rest));
}

#[test]
fn lj_restart_is_bit_for_bit() {
    restart_is_bit_for_bit(&["--exact"]);
}

#[test]
fn eam_restart_is_bit_for_bit() {
    let p = pots();
    restart_is_bit_for_bit(&["-e", "--potDir", &p]);
}

#[test]
fn lj_default_path_hot_restart_is_bit_for_bit() {
    // hot: the lists are rebuilt at steps the checkpoint does not fall on
    restart_is_bit_for_bit(&["-T", "3000"]);
}

#[test]
fn eam_exact_restart_is_bit_for_bit() {
    let p = pots();
    restart_is_bit_for_bit(&["-e", "--exact", "-T", "2000", "--potDir", &p]);
}

#[test]
fn damaged_checkpoints_are_clean_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = ["-x", "5", "-y", "5", "-z", "5", "-n", "5", "--no-yaml"];
    ok(d, &[&base[..], &["-N", "5", "--checkpoint", "c.bin"]].concat());
    let good = std::fs::read(d.join("c.bin")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("trunc.bin", good[..good.len() / 2].to_vec(), "truncated"),
        ("flip.bin", { let mut b = good.clone(); b[good.len() / 2] ^= 0x10; b }, "checksum"),
        ("vers.bin", { let mut b = good.clone(); b[8] = 9; b }, "version 9"),
        ("junk.bin", b"hello world, not a checkpoint".to_vec(), "not a comd-rs checkpoint"),
    ];
    for (name, bytes, msg) in cases {
        std::fs::write(d.join(name), bytes).unwrap();
        fails(d, &[&base[..], &["-N", "10", "--restart", name]].concat(), 2, msg);
    }
    fails(d, &[&base[..], &["-N", "10", "-T", "300", "--restart", "c.bin"]].concat(), 2, "-T/temp 600, this run has 300");
    let p = pots();
    fails(d, &[&base[..], &["-N", "10", "-e", "--potDir", &p, "--restart", "c.bin"]].concat(), 2, "the potential (-e) Lennard-Jones");
    fails(d, &[&base[..], &["-N", "3", "--restart", "c.bin"]].concat(), 2, "at step 5, after -N/nSteps 3");
    fails(d, &[&base[..], &["-N", "10", "--restart", "missing.bin"]].concat(), 2, "cannot read");
}

#[test]
fn sigint_checkpoints_and_the_restart_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = ["-x", "6", "-y", "6", "-z", "6", "-n", "1000", "-N", "10000000"];
    let child = crate::common::comd().current_dir(d).args(base).args(["--checkpoint", "c.bin", "--yaml", "run.yaml"])
        .stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(d.join("run.yaml").exists());
    let ck = comd::checkpoint::decode(&std::fs::read(d.join("c.bin")).unwrap()).expect("readable checkpoint");
    assert!(ck.step > 0 && ck.step < 10_000_000);
    let target = (ck.step + 3).to_string();
    let mut args = base.to_vec();
    args[9] = &target;
    let rest = ok(d, &[&args[..], &["--restart", "c.bin", "--no-yaml"]].concat());
    assert_eq!(rows(&rest, 0).last().unwrap().split(' ').next().unwrap(), target);
}

#[test]
fn seed_changes_the_replica_and_none_keeps_comd() {
    let dir = tempfile::tempdir().unwrap();
    let base = ["-x", "5", "-y", "5", "-z", "5", "-N", "10", "-n", "10", "--no-yaml", "-r", "0.01"];
    let comd_rows = rows(&ok(dir.path(), &base), 0);
    let a = rows(&ok(dir.path(), &[&base[..], &["--seed", "7"]].concat()), 0);
    let b = rows(&ok(dir.path(), &[&base[..], &["--seed", "7"]].concat()), 0);
    let c = rows(&ok(dir.path(), &[&base[..], &["--seed", "8"]].concat()), 0);
    assert_eq!(a, b);
    assert_ne!(a[1], c[1]);
    assert_ne!(a[1], comd_rows[1]);
    let exact = ok(dir.path(), &["--exact", "-x", "4", "-y", "4", "-z", "4", "-N", "100", "-n", "100", "--no-yaml"]);
    assert!(rows(&exact, 100)[0].starts_with("100 100.00 -1.166050669209 "), "{exact}");
}

#[test]
fn plot_is_an_svg() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["-x", "5", "-y", "5", "-z", "5", "-N", "20", "-n", "5", "--no-yaml", "--plot", "run.svg"]);
    let svg = std::fs::read_to_string(dir.path().join("run.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("<polyline") || svg.contains("<path"));
    fails(dir.path(), &["--plot", "run.png"], 2, "only .svg");
}

#[test]
fn trajectories_read_back_with_ase() {
    let have_ase = Command::new("python3").args(["-c", "import ase"]).status().is_ok_and(|s| s.success());
    if !have_ase {
        assert!(std::env::var_os("CI").is_none(), "CI must have ASE: pip install ase");
        eprintln!("skipping trajectories_read_back_with_ase: python3 with ASE not available (pip install ase)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["-x", "5", "-y", "5", "-z", "5", "-N", "25", "-n", "5", "-T", "3000", "--no-yaml", "--dump-every", "10",
        "--xyz", "t.xyz", "--lammps-dump", "t.lammpstrj", "--full-precision", "--dump-state", "final.dump"]);
    let mass = comd::potential::lj::LennardJones::default().mass.to_string();
    let script = root().join("tests/ase_check.py");
    let o = Command::new("python3").current_dir(d).arg(script).args(["t.xyz", "t.lammpstrj", "final.dump", &mass, "0,10,20,25"])
        .output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{text}");
    assert!(text.contains("ase_check: OK"), "{text}");
}
