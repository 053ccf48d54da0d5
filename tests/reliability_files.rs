//! Issue 15, the file items: no output clobbers an input or another output, special files
//! are never renamed over, every write is checked, outputs are probed before the run, and
//! the leftovers of killed writes are tidied. Every run is under `timeout -s KILL`.

mod common;

use common::{assert_fails, assert_ok, comd, stderr};
use std::path::Path;
use std::process::{Command, Output};

const SMALL: [&str; 8] = ["-x", "4", "-y", "4", "-z", "4", "--quiet", "--no-yaml"];

/// `comd SMALL args` in `dir`, killed after 60 s.
fn run(dir: &Path, args: &[&str]) -> Output {
    run_with(dir, &[], args)
}

/// `[timeout -s KILL 60] [wrapper…] comd SMALL [-N 10] args` in `dir` (`-N 10` unless `args` has `-N`).
fn run_with(dir: &Path, wrapper: &[&str], args: &[&str]) -> Output {
    let comd = comd();
    let mut c = Command::new("timeout");
    c.args(["-s", "KILL", "60"]).args(wrapper).arg(comd.get_program()).args(SMALL).args(if args.contains(&"-N") { &[][..] } else { &["-N", "10"][..] }).args(args).current_dir(dir);
    c.output().expect("run timeout comd")
}

fn sh(dir: &Path, script: &str) {
    let st = Command::new("sh").args(["-c", script]).current_dir(dir).status().unwrap();
    assert!(st.success(), "{script}");
}

#[test]
fn one_path_for_two_outputs_or_an_output_onto_an_input_is_refused() {
    let Some(shared) = common::shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_ok(&run(d, &["--checkpoint", "r1.ckpt"]));
    let ckpt = std::fs::read(d.join("r1.ckpt")).unwrap();
    std::fs::create_dir(d.join("pp")).unwrap();
    std::fs::copy(shared.join("potentials/Cu_u6.eam"), d.join("pp/Cu_u6.eam")).unwrap();
    std::fs::write(d.join("dk.toml"), "printRate = 5\n").unwrap();
    std::os::unix::fs::symlink("r1.ckpt", d.join("link")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    let cases: [(&[&str], &str); 8] = [
        (&["--xyz", "s1", "--lammps-dump", "s1"], "--xyz s1 and --lammps-dump s1 are the same file"),
        (&["--restart", "r1.ckpt", "-N", "20", "--xyz", "r1.ckpt"], "--xyz r1.ckpt is an input of this run (--restart r1.ckpt)"),
        (&["--restart", "r1.ckpt", "-N", "20", "--dump-state", "sub/../link"], "is an input of this run (--restart"),
        (&["-e", "-d", "pp", "--dump-state", "pp/Cu_u6.eam"], "(-p/--potName, the EAM table"),
        (&["--deck", "dk.toml", "--xyz", "./dk.toml"], "is an input of this run (--deck dk.toml)"),
        (&["--dump-state", "s", "--checkpoint", "s"], "--checkpoint s and --dump-state s are the same file"),
        (&["--plot", "s.svg", "--xyz", "s.svg"], "--xyz s.svg and --plot s.svg"),
        (&["--dump-state", "s", "--dump-state-every", "5", "--xyz", "s.step5"], "--xyz s.step5 and --dump-state-every s"),
    ];
    for (args, needle) in cases {
        assert_fails(&run(d, args), 2, needle);
    }
    assert_eq!(std::fs::read(d.join("r1.ckpt")).unwrap(), ckpt, "the checkpoint is intact");
    let eam = std::fs::read(shared.join("potentials/Cu_u6.eam")).unwrap();
    assert_eq!(std::fs::read(d.join("pp/Cu_u6.eam")).unwrap(), eam, "the EAM table is intact");
    assert_eq!(std::fs::read_to_string(d.join("dk.toml")).unwrap(), "printRate = 5\n");
    for f in ["s1", "s", "s.svg", "s.step5"] {
        assert!(!d.join(f).exists(), "{f} was written");
    }
    // the documented exceptions: --checkpoint = --restart, and a trajectory appended to
    assert_ok(&run(d, &["--restart", "r1.ckpt", "-N", "20", "--checkpoint", "link", "--xyz", "t.xyz"]));
    assert_ok(&run(d, &["--restart", "r1.ckpt", "-N", "30", "--xyz", "t.xyz"]));
    assert!(std::fs::symlink_metadata(d.join("link")).unwrap().file_type().is_symlink(), "the link stays a link");
}
