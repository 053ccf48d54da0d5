//! Issue 15, the file items: no output clobbers an input or another output, special files
//! are never renamed over, every write is checked, outputs are probed before the run, and
//! the leftovers of killed writes are tidied. Every run is under `timeout -s KILL`.

use crate::common::{assert_fails, assert_ok, comd, stderr};
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
    let Some(shared) = crate::common::shared() else { return };
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

/// Runs `comd SMALL args` on a `size_kb` tmpfs mounted in a private mount namespace
/// (`unshare -rm`, no root needed) at `dir/full`, after filling `fill_kb` of it; copies what
/// is left on it to `dir/out` (`fill` excluded). `None` (outside CI) when mounting is not
/// allowed here.
fn on_full_disk(dir: &Path, size_kb: u32, fill_kb: u32, args: &[&str]) -> Option<(Output, Vec<String>)> {
    let (full, out) = (dir.join("full"), dir.join("out"));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&full).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let script = format!(
        "mount -t tmpfs -o size={size_kb}k tmpfs full || exit 99; cd full; \
         [ {fill_kb} -gt 0 ] && dd if=/dev/zero of=fill bs=1k count={fill_kb} 2>/dev/null; rm -f ../out/*; \
         \"$@\"; rc=$?; rm -f fill; cp -a . ../out/; exit $rc"
    );
    let o = run_with(dir, &["unshare", "-rm", "sh", "-c", &script, "sh"], args);
    if o.status.code() == Some(99) {
        assert!(std::env::var_os("CI").is_none(), "CI must allow mounting a tmpfs (unshare -rm): {}", stderr(&o));
        eprintln!("skipping: cannot mount a tmpfs here ({})", stderr(&o).trim());
        return None;
    }
    let mut left: Vec<String> = std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    Some((o, left))
}

#[test]
fn a_full_disk_is_exit_1_with_one_line_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [&["--checkpoint", "c.ckpt"][..], &["--dump-state", "s"], &["--yaml", "y.yaml"], &["--plot", "p.svg"]] {
        let Some((o, left)) = on_full_disk(d, 16, 12, args) else { return };
        assert_fails(&o, 1, "No space left on device");
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
}

#[test]
fn a_full_disk_under_a_screenshot_or_gif_is_exit_1_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [&["--screenshot", "p.png"][..], &["--gif", "g.gif", "--size", "320x200", "--gif-every", "2"]] {
        let Some((o, left)) = on_full_disk(d, 16, 8, args) else { return };
        if std::env::var_os("CI").is_none() && stderr(&o).contains("adapter") {
            eprintln!("skipping: no graphics adapter ({})", stderr(&o).trim());
            return;
        }
        assert_fails(&o, 1, "No space left on device");
        assert!(!stderr(&o).contains("wrote"), "{}", stderr(&o));
        assert_eq!(stderr(&o).matches("No space left").count(), 1, "the error is said once: {}", stderr(&o));
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
}

/// The frames of a trajectory as ASE reads them: (frames, atoms in the last one).
fn ase_frames(path: &Path, format: &str) -> (usize, usize) {
    let py = "import ase.io,sys; f=ase.io.read(sys.argv[1], index=':', format=sys.argv[2]); print(len(f), len(f[-1]))";
    let o = Command::new("python3").args(["-c", py]).arg(path).arg(format).output().unwrap();
    assert!(o.status.success(), "ASE cannot read {}: {}", path.display(), String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    let v: Vec<usize> = s.split_whitespace().map(|t| t.parse().unwrap()).collect();
    (v[0], v[1])
}

#[test]
fn trajectories_on_a_full_disk_keep_whole_frames_or_vanish() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (flag, name, format) in [("--xyz", "t.xyz", "extxyz"), ("--lammps-dump", "t.dump", "lammps-dump-text")] {
        let reference = tempfile::tempdir().unwrap();
        assert_ok(&run(reference.path(), &["-N", "40", flag, name]));
        let whole = std::fs::read(reference.path().join(name)).unwrap();
        let Some((o, left)) = on_full_disk(d, 64, 0, &["-N", "40", flag, name]) else { return };
        assert_fails(&o, 1, "complete frame(s) only");
        assert_eq!(left, [name]);
        let part = std::fs::read(d.join("out").join(name)).unwrap();
        assert!(part.len() < whole.len() && whole.starts_with(&part), "{name}: not a prefix of the whole run's file");
        let (frames, atoms) = ase_frames(&d.join("out").join(name), format);
        let (all, _) = ase_frames(&reference.path().join(name), format);
        assert!(frames >= 1 && frames < all && atoms == 256, "{name}: {frames} frames of {all}, {atoms} atoms");
        let expected_len: usize = whole.len() * frames / all; // frames are nearly the same size
        assert!(part.len().abs_diff(expected_len) < whole.len() / all / 4, "{name} ends at a frame boundary");
        // no room for even one frame: no file at all
        let Some((o, left)) = on_full_disk(d, 16, 0, &["-N", "40", flag, name]) else { return };
        assert_fails(&o, 1, "no complete frame");
        assert!(left.is_empty(), "{left:?}");
    }
}

#[test]
fn a_restart_appending_to_a_trajectory_with_missing_frames_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_ok(&run(d, &["-N", "30", "--xyz", "t.xyz", "--checkpoint", "c.ckpt"]));
    // keep only the first frame (256 atoms + 2 lines): frames 10 and 20 are lost
    let text = std::fs::read_to_string(d.join("t.xyz")).unwrap();
    let first: String = text.lines().take(258).map(|l| format!("{l}\n")).collect();
    std::fs::write(d.join("t.xyz"), first).unwrap();
    let o = run(d, &["-N", "40", "--restart", "c.ckpt", "--xyz", "t.xyz", "--yaml", "r.yaml"]);
    assert_ok(&o);
    let said = "trajectory t.xyz: its last frame is step 0 but the run continues from step 30: the frames of steps 10 to 20 are missing";
    assert!(stderr(&o).contains(said), "{}", stderr(&o));
    // and in the report, as a YAML list a reader parses
    let yaml = std::fs::read_to_string(d.join("r.yaml")).unwrap();
    assert!(yaml.contains(&format!("Warnings:\n  - '{said}'\n")), "{yaml}");
    assert_eq!(ase_frames(&d.join("t.xyz"), "extxyz").0, 3, "frames 0, 30, 40");
    // a complete trajectory restarts silently
    assert_ok(&run(d, &["-N", "30", "--xyz", "u.xyz", "--checkpoint", "c.ckpt"]));
    let o = run(d, &["-N", "40", "--restart", "c.ckpt", "--xyz", "u.xyz"]);
    assert_ok(&o);
    assert!(!stderr(&o).contains("missing"), "{}", stderr(&o));
}

#[test]
fn bad_output_paths_are_exit_2_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let long = "x".repeat(300);
    std::fs::create_dir(d.join("ro")).unwrap();
    let Some((o, _)) = on_full_disk(d, 64, 0, &["--version"]) else { return };
    assert_ok(&o);
    // a read-only directory: a read-only bind mount, so that root is refused too
    let script = "mount --bind ro ro && mount -o remount,bind,ro ro || exit 99; \"$@\"";
    for (flag, name) in [("--xyz", long.as_str()), ("--checkpoint", long.as_str()), ("--dump-state", "nodir/s"), ("--plot", "nodir/p.svg")] {
        let t = std::time::Instant::now();
        let o = run(d, &["-N", "100000", flag, name]);
        assert_fails(&o, 2, flag);
        assert!(stderr(&o).contains("at most 255") || stderr(&o).contains("does not exist"), "{}", stderr(&o));
        assert!(t.elapsed().as_secs() < 20, "found before a 100000-step run");
    }
    for flag in ["--xyz", "--yaml", "--checkpoint"] {
        let o = run_with(d, &["unshare", "-rm", "sh", "-c", script, "sh"], &["-N", "100000", flag, "ro/f"]);
        assert_fails(&o, 2, &format!("{flag} ro/f: cannot write in ro"));
    }
    assert_eq!(std::fs::read_dir(d.join("ro")).unwrap().count(), 0);
}

#[test]
fn leftovers_of_killed_writes_are_removed_by_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let host = Command::new("uname").arg("-n").output().unwrap();
    let host = String::from_utf8_lossy(&host.stdout).trim().to_string();
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = format!(".c.ckpt.{host}.{dead}.tmp");
    let foreign = format!(".c.ckpt.elsewhere.{dead}.tmp");
    let alive = format!(".c.ckpt.{host}.{}.tmp", std::process::id());
    for n in [&stale, &foreign, &alive] {
        std::fs::write(d.join(n), "half a checkpoint").unwrap();
    }
    assert_ok(&run(d, &["--checkpoint", "c.ckpt"]));
    assert!(!d.join(&stale).exists(), "the dead process's temp file is gone");
    assert!(d.join(&foreign).exists() && d.join(&alive).exists(), "another host's and a live process's stay");
    // a kill -9 in the middle of a write leaves such a file, named after its target
    let mut names: Vec<String> = std::fs::read_dir(d).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, [foreign, alive, "c.ckpt".to_string()].map(|s| s.to_string()).into_iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>());
}
