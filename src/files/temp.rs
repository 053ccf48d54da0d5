//! Temporary files beside a target: their names, the removal of those left by killed
//! runs, and the probe that proves before the run that the write will work.
//!
//! A temporary file is `.<target name>.<host name>.<PID>.tmp`, in the target's directory
//! (the rename that publishes it must not cross file systems). Host and PID say who wrote
//! it: on a shared file system another host's files are never touched, and on this host a
//! file whose PID no longer runs is the leftover of a killed write, removed by the next
//! write of the same target ([`remove_stale`]). The target's name is shortened when the
//! whole would exceed the file system's name limit, the same way every time.

use std::path::{Path, PathBuf};

/// Longest PID in decimal digits (Linux's `pid_max` is at most 2^22).
const PID_DIGITS: usize = 10;

/// This machine's host name (`uname -n`), with any `/` replaced.
pub fn host_name() -> String {
    rustix::system::uname().nodename().to_string_lossy().replace('/', "_")
}

/// The directory a file `path` lives in (`.` for a bare name).
pub fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Longest file name allowed in `dir` (255 where it cannot be asked).
pub fn name_max(dir: &Path) -> usize {
    rustix::fs::statvfs(dir).map_or(255, |s| s.f_namemax as usize).clamp(16, 4096)
}

/// `.<name>.<host>.` for `path`: what every temporary file of this target on this host
/// starts with.
fn prefix(path: &Path, host: &str) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let budget = name_max(dir_of(path)).saturating_sub(host.len() + PID_DIGITS + ".tmp".len() + 3);
    let mut cut = name.len().min(budget);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(".{}.{host}.", &name[..cut])
}

/// The temporary file of this process for the target `path`.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = format!("{}{}.tmp", prefix(path, &host_name()), std::process::id());
    path.with_file_name(name)
}

/// Removes the temporary files of `path` left on this host by processes that no longer run;
/// returns how many. Errors are ignored: this is tidying, not the write itself.
pub fn remove_stale(path: &Path) -> usize {
    let start = prefix(path, &host_name());
    let Ok(entries) = std::fs::read_dir(dir_of(path)) else { return 0 };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(&start).and_then(|r| r.strip_suffix(".tmp")).and_then(|p| p.parse::<i32>().ok()) else { continue };
        if pid as u32 != std::process::id() && !is_running(pid) && std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// True unless the kernel says no process `pid` exists here (`kill(pid, 0)` fails with ESRCH).
fn is_running(pid: i32) -> bool {
    match rustix::process::Pid::from_raw(pid) {
        Some(p) => rustix::process::test_kill_process(p) != Err(rustix::io::Errno::SRCH),
        None => true,
    }
}

/// Checks, before the run, that a regular file can be written at `path` by doing what the
/// write will do: the name fits the file system, and the temporary file can be created
/// beside it (and is removed again). With `in_place` (trajectories, appended to) an
/// existing file must also open for writing. Messages do not repeat the path.
pub fn probe_regular(path: &Path, in_place: bool) -> Result<(), String> {
    let dir = dir_of(path);
    if !dir.is_dir() {
        return Err(format!("directory {} does not exist", dir.display()));
    }
    let name = path.file_name().map_or(0, |n| n.len());
    let max = name_max(dir);
    if name > max {
        return Err(format!("the file name is {name} bytes long; at most {max} are allowed in {}", dir.display()));
    }
    if in_place && path.exists() {
        return std::fs::OpenOptions::new().append(true).open(path).map(drop).map_err(|e| format!("cannot write it: {e}"));
    }
    let tmp = temp_path(path);
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
        Ok(_) => {
            let _ = std::fs::remove_file(&tmp);
            Ok(())
        }
        Err(e) => Err(format!("cannot write in {}: {e}", dir.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_fit_and_name_their_target_host_and_pid() {
        let dir = tempfile::tempdir().unwrap();
        let t = temp_path(&dir.path().join("run.ckpt"));
        let name = t.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(name, format!(".run.ckpt.{}.{}.tmp", host_name(), std::process::id()));
        let long = "x".repeat(255);
        let t = temp_path(&dir.path().join(&long));
        assert!(t.file_name().unwrap().len() <= 255, "{}", t.display());
        std::fs::write(&t, "").unwrap();
    }

    #[test]
    fn stale_files_of_dead_processes_go_live_and_foreign_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("c.ckpt");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let host = host_name();
        let names = [format!(".c.ckpt.{host}.{dead}.tmp"), format!(".c.ckpt.{host}.{}.tmp", std::process::id()), format!(".c.ckpt.other-host.{dead}.tmp"), format!(".d.ckpt.{host}.{dead}.tmp")];
        for n in &names {
            std::fs::write(dir.path().join(n), "").unwrap();
        }
        assert_eq!(remove_stale(&target), 1);
        assert!(!dir.path().join(&names[0]).exists());
        assert!(names[1..].iter().all(|n| dir.path().join(n).exists()));
    }

    #[test]
    fn probes_refuse_long_names_missing_and_read_only_dirs() {
        let dir = tempfile::tempdir().unwrap();
        assert!(probe_regular(&dir.path().join("ok.xyz"), false).is_ok());
        assert!(probe_regular(&dir.path().join("x".repeat(300)), false).unwrap_err().contains("at most 255"));
        assert!(probe_regular(&dir.path().join("no/such/f"), true).unwrap_err().contains("does not exist"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the probe leaves nothing behind");
    }
}
