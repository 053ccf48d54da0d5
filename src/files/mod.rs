//! Writing output files so that they are complete or absent, and never by replacing what
//! is not a regular file.
//!
//! A regular target (or a new one) is written to a temporary file beside it ([`temp`]),
//! every write and the final `fsync` checked, then renamed into place, so a reader — or a
//! restart after `kill -9` — sees the old file or the new one, never half of one. The
//! directory is synced after the rename so the new name survives a crash too. A device or a
//! FIFO is written in place ([`target`]): renaming over `/dev/null` would replace it.
//!
//! [`AtomicFile`] is the streaming form (PNG, GIF encoders write into it); [`CheckedWriter`]
//! lets an encoder that swallows I/O errors in its `Drop` (the GIF trailer) be checked
//! afterwards; [`probe`] proves before the run that each output can be written.

pub mod target;
pub mod temp;

pub use target::{kind_of, Kind};
pub use temp::{remove_stale, temp_path};

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// An output being written: a temporary file renamed over the target by
/// [`AtomicFile::commit`] (removed if dropped before), or a device or FIFO written in place.
pub struct AtomicFile {
    target: PathBuf,
    tmp: Option<PathBuf>,
    file: File,
}

impl AtomicFile {
    /// Starts writing `path` (a symlink is followed: the link stays, its target is
    /// replaced). Removes this target's stale temporary files first.
    ///
    /// # Errors
    /// The target is a socket or directory, a FIFO has no reader, or the temporary file
    /// cannot be created.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let target = target::resolve(path);
        if !kind_of(&target)?.is_replaced() {
            let file = target::open_in_place(&target)?;
            return Ok(AtomicFile { target, tmp: None, file });
        }
        remove_stale(&target);
        let tmp = temp_path(&target);
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        Ok(AtomicFile { target, tmp: Some(tmp), file })
    }

    /// The open file (write the contents into it, e.g. through a `BufWriter<&File>`).
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Syncs the data to disk and publishes the file under its name.
    ///
    /// # Errors
    /// `fsync` or the rename failed (the temporary file is then removed).
    pub fn commit(mut self) -> io::Result<()> {
        let Some(tmp) = self.tmp.take() else { return Ok(()) };
        let res = self.file.sync_all().and_then(|()| std::fs::rename(&tmp, &self.target));
        if res.is_err() {
            let _ = std::fs::remove_file(&tmp);
        } else if let Ok(dir) = File::open(temp::dir_of(&self.target)) {
            // makes the rename durable; some file systems cannot sync a directory
            let _ = dir.sync_all();
        }
        res
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes `bytes` to `path` as a whole: through a temporary file and a rename for a regular
/// file, in place for a device or FIFO (see [`AtomicFile`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let out = AtomicFile::create(path)?;
    (&out.file).write_all(bytes)?;
    out.commit()
}

/// A writer that remembers its first I/O error and then accepts (and drops) everything, so
/// an encoder that would panic or stay silent on an error in `Drop` can be checked after it
/// is gone with [`CheckedWriter::error`].
pub struct CheckedWriter {
    file: File,
    error: Arc<Mutex<Option<io::Error>>>,
}

/// The shared slot where a [`CheckedWriter`] keeps its first error.
#[derive(Clone, Default)]
pub struct ErrorSlot(Arc<Mutex<Option<io::Error>>>);

impl ErrorSlot {
    /// Takes the error recorded, if any.
    pub fn take(&self) -> Option<io::Error> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
    /// True once an error was recorded.
    pub fn is_set(&self) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }
}

impl CheckedWriter {
    /// Writes to `file`, recording errors in `slot`.
    pub fn new(file: File, slot: &ErrorSlot) -> CheckedWriter {
        CheckedWriter { file, error: slot.0.clone() }
    }

    fn record(&self, res: io::Result<usize>, len: usize) -> usize {
        match res {
            Ok(n) => n,
            Err(e) => {
                self.error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                len
            }
        }
    }
}

impl Write for CheckedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.error.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
            return Ok(buf.len());
        }
        let res = self.file.write(buf);
        Ok(self.record(res, buf.len()))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Checks before the run that `path` can be written: a regular or new file by creating and
/// removing its temporary file (see [`temp::probe_regular`]; `in_place` for files appended
/// to), a device or FIFO by opening it (kept open for the run). The message does not
/// repeat the path.
pub fn probe(path: &Path, in_place: bool) -> Result<(), String> {
    let target = target::resolve(path);
    let kind = match kind_of(&target) {
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::NAMETOOLONG.raw_os_error()) => Kind::Absent,
        k => k.map_err(|e| format!("cannot inspect it: {e}"))?,
    };
    match kind {
        Kind::Absent | Kind::Regular => temp::probe_regular(&target, in_place),
        Kind::Directory => Err("is a directory, expected a file path".into()),
        _ => target::open_in_place(&target).map(drop).map_err(|e| e.to_string()),
    }
}

/// Makes a write past the file-size limit (`ulimit -f`) fail with `EFBIG` instead of
/// killing the process with SIGXFSZ, so it is reported like a full disk and the files stay
/// complete or absent. Call once at start-up.
pub fn survive_file_size_limit() -> io::Result<()> {
    static SEEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    signal_hook::flag::register(signal_hook::consts::SIGXFSZ, &SEEN).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlinked_target_is_replaced_behind_its_link() {
        let dir = tempfile::tempdir().unwrap();
        let (real, link) = (dir.path().join("real.yaml"), dir.path().join("link.yaml"));
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left");
    }

    #[test]
    fn a_dropped_file_leaves_nothing_and_errors_are_latched() {
        let dir = tempfile::tempdir().unwrap();
        let out = AtomicFile::create(&dir.path().join("a.png")).unwrap();
        (&*out.file()).write_all(b"half").unwrap();
        drop(out);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let slot = ErrorSlot::default();
        let ro = File::open(dir.path()).unwrap();
        let mut w = CheckedWriter::new(ro, &slot);
        assert_eq!(w.write(b"abc").unwrap(), 3);
        assert!(slot.is_set() && slot.take().is_some());
    }
}
