//! What an output path names, and how a target that is not a regular file is opened.
//!
//! Renaming a temporary file over a target is right for a regular file and wrong for
//! everything else: it would replace `/dev/null` or a FIFO with a regular file. So a device
//! is written in place, and a FIFO is opened with `O_NONBLOCK`, which fails at once
//! (`ENXIO`) when nobody reads it instead of blocking in `open` forever; once open, the flag
//! is cleared so writes wait for a slow reader like any pipe. Sockets and directories are
//! refused.
//!
//! A FIFO must stay open from the check before the run to the last write: closing it would
//! give the reader end-of-file (a `gzip` behind `>(…)` would exit). [`open_in_place`] keeps
//! the first handle of each such target for the life of the process and hands out clones.

use rustix::fs::OFlags;
use std::fs::File;
use std::io;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a path names (symlinks followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Nothing there yet.
    Absent,
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A character or block device.
    Device,
    /// A named pipe.
    Fifo,
    /// A Unix socket.
    Socket,
}

impl Kind {
    /// True for targets written through a temporary file and a rename.
    pub fn is_replaced(self) -> bool {
        matches!(self, Kind::Absent | Kind::Regular)
    }
}

/// The kind of `path`, following symlinks (a dangling symlink is [`Kind::Absent`]).
pub fn kind_of(path: &Path) -> io::Result<Kind> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Kind::Absent),
        Err(e) => return Err(e),
    };
    let t = meta.file_type();
    Ok(if t.is_file() {
        Kind::Regular
    } else if t.is_dir() {
        Kind::Directory
    } else if t.is_fifo() {
        Kind::Fifo
    } else if t.is_socket() {
        Kind::Socket
    } else {
        Kind::Device
    })
}

/// The file a write to `path` should reach: the target of a symlink (so replacing a file
/// keeps the link), `path` itself otherwise.
pub fn resolve(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

/// Handles of devices and FIFOs opened so far, by path as given.
static OPEN: Mutex<Vec<(PathBuf, File)>> = Mutex::new(Vec::new());

/// Opens a device or FIFO for writing without ever blocking in `open` (a clone of the
/// handle kept since the first call for this path). A FIFO without a reader fails with a
/// message saying so; a socket or directory fails too.
pub fn open_in_place(path: &Path) -> io::Result<File> {
    let mut open = OPEN.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, f)) = open.iter().find(|(p, _)| p == path) {
        return f.try_clone();
    }
    let file = match kind_of(path)? {
        Kind::Fifo => open_fifo(path)?,
        Kind::Device => std::fs::OpenOptions::new().write(true).custom_flags(OFlags::NONBLOCK.bits() as i32).open(path).and_then(blocking)?,
        Kind::Socket => return Err(io::Error::other("is a socket: comd writes regular files, devices and FIFOs only")),
        Kind::Directory => return Err(io::Error::other("is a directory, expected a file path")),
        Kind::Absent | Kind::Regular => return Err(io::Error::other("is a regular file (written through a temporary file)")),
    };
    open.push((path.to_path_buf(), file.try_clone()?));
    Ok(file)
}

fn open_fifo(path: &Path) -> io::Result<File> {
    match std::fs::OpenOptions::new().write(true).custom_flags(OFlags::NONBLOCK.bits() as i32).open(path) {
        Ok(f) => blocking(f),
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) => {
            Err(io::Error::other("is a FIFO that nobody reads: start its reader first (e.g. `gzip < FIFO > out.gz &`)"))
        }
        Err(e) => Err(e),
    }
}

/// Clears `O_NONBLOCK`: once open, writes wait for the reader like any pipe's.
fn blocking(f: File) -> io::Result<File> {
    let flags = rustix::fs::fcntl_getfl(&f)?;
    rustix::fs::fcntl_setfl(&f, flags - OFlags::NONBLOCK)?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mkfifo(p: &Path) {
        rustix::fs::mknodat(rustix::fs::CWD, p, rustix::fs::FileType::Fifo, rustix::fs::Mode::from_raw_mode(0o600), 0).unwrap();
    }

    #[test]
    fn kinds_are_told_apart_and_a_fifo_without_reader_fails_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let (file, fifo) = (dir.path().join("f"), dir.path().join("p"));
        assert_eq!(kind_of(&file).unwrap(), Kind::Absent);
        std::fs::write(&file, "x").unwrap();
        mkfifo(&fifo);
        assert_eq!([kind_of(&file).unwrap(), kind_of(dir.path()).unwrap(), kind_of(&fifo).unwrap()], [Kind::Regular, Kind::Directory, Kind::Fifo]);
        let err = open_in_place(&fifo).unwrap_err();
        assert!(err.to_string().contains("nobody reads"), "{err}");
        assert!(open_in_place(&file).is_err());
    }

    #[test]
    fn a_fifo_with_a_reader_is_written_in_place() {
        use std::io::{Read, Write};
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("p");
        mkfifo(&fifo);
        let mut reader = std::fs::OpenOptions::new().read(true).custom_flags(OFlags::NONBLOCK.bits() as i32).open(&fifo).unwrap();
        open_in_place(&fifo).unwrap().write_all(b"hello").unwrap();
        let mut got = [0u8; 5];
        reader.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"hello");
        assert_eq!(kind_of(&fifo).unwrap(), Kind::Fifo, "the FIFO is still a FIFO");
    }
}
