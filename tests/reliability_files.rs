//! Issue 15, the file items: no output clobbers an input or another output, special files
//! are never renamed over, every write is checked, outputs are probed before the run, and
//! the leftovers of killed writes are tidied. Every run is under `timeout -s KILL`.

mod common;

use common::{assert_fails, assert_ok, comd, stderr};
use std::path::Path;
use std::process::{Command, Output};

const SMALL: [&str; 7] = ["-x", "4", "-y", "4", "-z", "4", "--quiet"];

/// `comd SMALL args` in `dir`, killed after 60 s.
fn run(dir: &Path, args: &[&str]) -> Output {
    run_with(dir, &[], args)
}

/// `timeout -s KILL 60 [wrapper…] comd SMALL [-N 10] [--no-yaml] args` in `dir` (`-N 10`
/// unless `args` has `-N`, `--no-yaml` unless it has `--yaml`).
fn run_with(dir: &Path, wrapper: &[&str], args: &[&str]) -> Output {
    let comd = comd();
    let mut c = Command::new("timeout");
    c.args(["-s", "KILL", "60"]).args(wrapper).arg(comd.get_program()).args(SMALL).args(if args.contains(&"-N") { &[][..] } else { &["-N", "10"][..] });
    c.args(if args.contains(&"--yaml") { &[][..] } else { &["--no-yaml"][..] }).args(args).current_dir(dir);
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

/// Makes a FIFO at `p`.
fn mkfifo(p: &Path) {
    let st = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(st.success(), "mkfifo {}", p.display());
}

fn file_type(p: &Path) -> std::fs::FileType {
    std::fs::symlink_metadata(p).unwrap().file_type()
}

#[test]
fn fifos_are_written_in_place_and_one_without_reader_is_refused_at_once() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    mkfifo(&d.join("lonely"));
    let t = std::time::Instant::now();
    assert_fails(&run(d, &["--xyz", "lonely"]), 2, "--xyz lonely: is a FIFO that nobody reads");
    assert!(t.elapsed().as_secs() < 30, "refused at once, not after a blocked open");
    // a reader behind the FIFO: the trajectory goes through gzip and reads back with ASE
    mkfifo(&d.join("traj"));
    mkfifo(&d.join("ckpt"));
    let mut gz = Command::new("sh").args(["-c", "gzip < traj > t.xyz.gz"]).current_dir(d).spawn().unwrap();
    let mut cat = Command::new("sh").args(["-c", "cat < ckpt > c.bin"]).current_dir(d).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_ok(&run(d, &["-N", "20", "--xyz", "traj", "--checkpoint", "ckpt"]));
    assert!(gz.wait().unwrap().success() && cat.wait().unwrap().success());
    assert!(file_type(&d.join("traj")).is_fifo() && file_type(&d.join("ckpt")).is_fifo(), "the FIFOs are still FIFOs");
    assert!(std::fs::read(d.join("c.bin")).unwrap().starts_with(b"COMDRSCK"), "the checkpoint went through the FIFO");
    let py = "import ase.io,sys; f=ase.io.read(sys.argv[1], index=':'); print(len(f), len(f[-1]))";
    let o = Command::new("python3").args(["-c", py, "t.xyz.gz"]).current_dir(d).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "3 256", "ASE: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_socket_or_directory_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _sock = std::os::unix::net::UnixListener::bind(d.join("sock")).unwrap();
    assert_fails(&run(d, &["--checkpoint", "sock"]), 2, "--checkpoint sock: is a socket");
    std::fs::create_dir(d.join("dir")).unwrap();
    assert_fails(&run(d, &["--lammps-dump", "dir"]), 2, "is a directory");
}

/// True when this process may make device nodes; outside CI a test without it skips.
fn can_mknod(d: &Path) -> bool {
    let ok = Command::new("mknod").arg(d.join("probe-dev")).args(["c", "1", "3"]).stderr(std::process::Stdio::null()).status().is_ok_and(|s| s.success());
    let _ = std::fs::remove_file(d.join("probe-dev"));
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "CI must run as root (mknod of a device node in a temp dir)");
        eprintln!("skipping: mknod needs root");
    }
    ok
}

#[test]
fn devices_are_written_in_place_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    if !can_mknod(d) {
        return;
    }
    // copies of /dev/null (1,3) and /dev/full (1,7), made in the temp dir
    sh(d, "mknod null c 1 3 && mknod full c 1 7");
    assert_ok(&run(d, &["--yaml", "null", "--dump-state", "null", "--plot", "p.svg"]));
    assert!(file_type(&d.join("null")).is_char_device(), "the device is still a device");
    let o = run(d, &["--dump-state", "full"]);
    assert_fails(&o, 1, "No space left on device");
    assert!(file_type(&d.join("full")).is_char_device(), "the device is still a device");
    let left: Vec<_> = std::fs::read_dir(d).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 3, "nothing but null, full and p.svg: {left:?}");
}
