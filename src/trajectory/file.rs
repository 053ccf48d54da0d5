//! The trajectory file itself: opened at the first frame, appended to frame by frame, and
//! never left with part of a frame.
//!
//! A frame is formatted in memory and written with one `write_all`; the length of the file
//! after the last complete frame is remembered, so when a write fails (disk full, file-size
//! limit) the file is cut back to it, and a file this run created that never got a whole
//! frame is removed. The final frame is followed by an `fsync`, whose error is checked too
//! (some file systems report a full disk only then). A device or FIFO is written in place
//! and cannot be cut back (see [`crate::files::target`]).
//!
//! On a restart an existing regular file is scanned, cut back to its frames before the
//! checkpoint's step, and appended to; frames missing before that step (a trajectory
//! copied from an earlier run, frames lost to a crash) are stated on stderr.

use super::{lammps, xyz, Format, FrameScan};
use crate::files::{kind_of, target};
use anyhow::Context;
use std::fs::File;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

/// An open trajectory file.
pub(crate) struct TrajectoryFile {
    path: PathBuf,
    file: File,
    regular: bool,
    created: bool,
    good_len: u64,
    frames: usize,
    /// What the report should say of the file (a gap before the restart's step).
    pub(crate) note: Option<String>,
}

impl TrajectoryFile {
    /// Opens `path`: truncated, or with `resume_at` cut back to its frames before that
    /// step (frames every `every` steps), or a device or FIFO in place.
    pub(crate) fn open(path: &Path, format: Format, resume_at: Option<u64>, every: u64) -> anyhow::Result<TrajectoryFile> {
        let ctx = || format!("opening the trajectory {}", path.display());
        let target = target::resolve(path);
        let kind = kind_of(&target).with_context(ctx)?;
        if !kind.is_replaced() {
            let file = target::open_in_place(&target).with_context(ctx)?;
            return Ok(TrajectoryFile { path: path.to_path_buf(), file, regular: false, created: false, good_len: 0, frames: 0, note: None });
        }
        let mut note = None;
        let (file, created, good_len, frames) = match resume_at {
            Some(step) if kind == crate::files::Kind::Regular => {
                let bytes = std::fs::read(&target).with_context(ctx)?;
                let scan = scan(format, &String::from_utf8_lossy(&bytes));
                let keep = scan.keep_before(step);
                if let Some(gap) = gap(&scan, keep, step, every) {
                    let text = format!("trajectory {}: {gap}", path.display());
                    eprintln!("comd: warning: {text}");
                    note = Some(text);
                }
                let mut f = std::fs::OpenOptions::new().write(true).open(&target).with_context(ctx)?;
                f.set_len(keep as u64).with_context(ctx)?;
                f.seek(std::io::SeekFrom::End(0)).with_context(ctx)?;
                (f, false, keep as u64, scan.frames.iter().filter(|(o, _)| *o < keep).count())
            }
            _ => (File::create(&target).with_context(ctx)?, true, 0, 0),
        };
        Ok(TrajectoryFile { path: target, file, regular: true, created, good_len, frames, note })
    }

    /// Appends one whole frame (`sync`: and makes it durable, for the last frame). On failure
    /// the file keeps only its complete frames.
    pub(crate) fn append(&mut self, frame: &[u8], sync: bool) -> anyhow::Result<()> {
        let res = self.file.write_all(frame).and_then(|()| if sync && self.regular { self.file.sync_data() } else { Ok(()) });
        match res {
            Ok(()) => {
                self.good_len += frame.len() as u64;
                self.frames += usize::from(!frame.is_empty());
                Ok(())
            }
            Err(e) => {
                let left = self.cut_back();
                Err(anyhow::anyhow!("writing the trajectory {}: {e}{left}", self.path.display()))
            }
        }
    }

    /// Cuts the file back to its complete frames; says what is left.
    fn cut_back(&mut self) -> String {
        if !self.regular {
            return String::new();
        }
        if self.good_len == 0 && self.created {
            return match std::fs::remove_file(&self.path) {
                Ok(()) => "; removed it (no complete frame)".into(),
                Err(e) => format!("; could not remove it: {e}"),
            };
        }
        match self.file.set_len(self.good_len) {
            Ok(()) => format!("; it keeps its {} complete frame(s) only", self.frames),
            Err(e) => format!("; could not cut off the partial frame: {e}"),
        }
    }
}

fn scan(format: Format, text: &str) -> FrameScan {
    match format {
        Format::Xyz => xyz::scan(text),
        Format::Lammps => lammps::scan(text),
    }
}

/// The frames missing between the last one kept (before byte `keep`) and the restart
/// `step`, for frames every `every` steps, as a sentence; `None` when none are.
fn gap(scan: &FrameScan, keep: usize, step: u64, every: u64) -> Option<String> {
    if step == 0 {
        return None;
    }
    let every = every.max(1);
    let expected_last = (step - 1) / every * every;
    let last = scan.frames.iter().filter(|(o, _)| *o < keep).map(|f| f.1).last();
    match last {
        Some(l) if l >= expected_last => None,
        Some(l) => Some(format!(
            "its last frame is step {l} but the run continues from step {step}: the frames of steps {} to {expected_last} are missing",
            (l / every + 1) * every
        )),
        None => Some(format!("it has no frame before step {step}, where the run continues: the frames of steps 0 to {expected_last} are missing")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_the_missing_multiples_of_the_interval() {
        let scan = FrameScan { frames: vec![(0, 0), (10, 10), (20, 20), (30, 30)], complete_len: 40 };
        assert_eq!(gap(&scan, 30, 30, 10), None, "frames 0, 10, 20 kept: complete");
        assert_eq!(gap(&scan, 10, 30, 10).unwrap(), "its last frame is step 0 but the run continues from step 30: the frames of steps 10 to 20 are missing");
        assert!(gap(&scan, 0, 30, 10).unwrap().contains("no frame before step 30"));
        assert_eq!(gap(&scan, 0, 0, 10), None);
        assert_eq!(gap(&scan, 30, 25, 10), None, "a checkpoint between frames");
    }

    #[test]
    fn a_failed_write_cuts_the_file_back_to_its_frames() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xyz");
        let mut t = TrajectoryFile::open(&path, Format::Xyz, None, 10).unwrap();
        t.append(b"frame 0\n", false).unwrap();
        (&t.file).write_all(b"half a fr").unwrap();
        assert!(t.cut_back().contains("its 1 complete frame(s)"));
        assert_eq!(std::fs::read(&path).unwrap(), b"frame 0\n");
        let mut fresh = TrajectoryFile::open(&dir.path().join("u.xyz"), Format::Xyz, None, 10).unwrap();
        assert!(fresh.cut_back().contains("removed"));
        assert!(!dir.path().join("u.xyz").exists());
    }
}
