//! Image files: PNG screenshots and frames, animated GIFs, and the background thread that
//! encodes them.
//!
//! **Why here.** The window (`s`, `a`) and offscreen capture (`--screenshot`, `--gif`,
//! `--frames`) both write files. This module sits between [`crate::render`] (which
//! produces an [`Image`](crate::render::Image)) and those two front ends, so each imports it and neither imports
//! the other. It has no wgpu type in it: files are written from plain RGBA bytes, on any
//! thread, and tested without a device.
//!
//! [`png`] and [`gif`] always write through [`crate::files::AtomicFile`] (a temporary file
//! and a rename, every write checked), so a file on disk is either complete or absent; [`writer`] does the encoding on a background thread so
//! neither the window nor the simulation waits for the GIF quantiser; [`next_free_name`]
//! hands out `screenshot-NNN.png`-style names that never overwrite a file.
//!
//! [`CaptureError`] is the one error type of the whole picture-taking path (device,
//! read-back, files), kept here because this is the lowest layer that returns it; the
//! renderer's own errors ([`GpuError`], [`ReadbackError`]) convert into it.

pub mod gif;
pub mod png;
pub mod writer;

use crate::render::gpu::GpuError;
use crate::render::ReadbackError;
use std::path::PathBuf;

/// Everything that can go wrong while capturing.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// No adapter/device (no GPU driver, no Mesa).
    #[error(transparent)]
    Gpu(#[from] GpuError),
    /// A file could not be created, written or renamed.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// The image encoder failed.
    #[error("{}: {error}", path.display())]
    Encode {
        /// The file concerned.
        path: PathBuf,
        /// The encoder's error.
        error: image::ImageError,
    },
    /// Copying the rendered image back from the device failed.
    #[error("reading the rendered image back failed: {0}")]
    Readback(String),
    /// A GIF frame does not match the size of the first frame.
    #[error("GIF frame is {got_w}x{got_h}, the animation is {want_w}x{want_h}")]
    FrameSize {
        /// Animation width.
        want_w: u32,
        /// Animation height.
        want_h: u32,
        /// Frame width.
        got_w: u32,
        /// Frame height.
        got_h: u32,
    },
    /// The background writer thread is gone (it panicked or was shut down).
    #[error("the image writer thread stopped")]
    WriterGone,
}

impl From<ReadbackError> for CaptureError {
    fn from(e: ReadbackError) -> Self {
        CaptureError::Readback(e.0)
    }
}

impl CaptureError {
    pub(crate) fn io(path: &std::path::Path, error: std::io::Error) -> Self {
        CaptureError::Io {
            path: path.to_path_buf(),
            error,
        }
    }
}

/// The first `dir/prefix-NNN.ext` with `NNN >= *next` that does not exist, advancing `next`
/// past it. Existing files are never overwritten, and a name handed out once is not handed
/// out again in the same session even if its file is still being written.
pub fn next_free_name(dir: &std::path::Path, prefix: &str, ext: &str, next: &mut u32) -> PathBuf {
    loop {
        let path = dir.join(format!("{prefix}-{:03}.{ext}", *next));
        *next += 1;
        if !path.exists() && !crate::files::temp_path(&path).exists() {
            return path;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_names_never_repeat() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("screenshot-001.png"), b"x").unwrap();
        let mut next = 0;
        let a = next_free_name(dir.path(), "screenshot", "png", &mut next);
        let b = next_free_name(dir.path(), "screenshot", "png", &mut next);
        assert_eq!(a.file_name().unwrap(), "screenshot-000.png");
        assert_eq!(b.file_name().unwrap(), "screenshot-002.png");
        assert_eq!(next, 3);
    }
}
