//! Pictures of the simulation without a window: PNG screenshots, numbered PNG frames and
//! animated GIFs.
//!
//! The pieces are layered so each can be tested alone: [`Frame`] is plain RGBA bytes;
//! [`readback`] turns a rendered texture into a `Frame` (and un-pads wgpu's 256-byte rows);
//! [`png`] and [`gif`] write frames to files, always through a temporary file and a rename so
//! a file on disk is either complete or absent; [`writer`] does that encoding on a background
//! thread so neither the window nor the simulation waits for the GIF quantiser;
//! [`offscreen::OffscreenCapture`] glues it together for `--screenshot`, `--gif` and `--frames`
//! with no display at all (same [`Renderer`](crate::viewer::render::Renderer) as the window).

pub mod gif;
pub mod offscreen;
pub mod png;
pub mod readback;
pub mod writer;

pub use offscreen::OffscreenCapture;

use std::path::PathBuf;

/// An RGBA8 (sRGB) image, rows top to bottom, no padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// `width * height * 4` bytes.
    pub rgba: Vec<u8>,
}

impl Frame {
    /// A frame filled with one colour.
    pub fn filled(width: u32, height: u32, rgba: [u8; 4]) -> Frame {
        Frame {
            width,
            height,
            rgba: rgba.repeat((width * height) as usize),
        }
    }
    /// The pixel at (`x`, `y`).
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = 4 * (y as usize * self.width as usize + x as usize);
        [
            self.rgba[i],
            self.rgba[i + 1],
            self.rgba[i + 2],
            self.rgba[i + 3],
        ]
    }
}

/// Everything that can go wrong while capturing.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// No adapter/device (no GPU driver, no Mesa).
    #[error(transparent)]
    Gpu(#[from] crate::viewer::gpu::GpuError),
    /// A file could not be created, written or renamed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The image encoder failed.
    #[error("{}: {source}", path.display())]
    Encode {
        /// The file concerned.
        path: PathBuf,
        /// The encoder's error.
        source: image::ImageError,
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

impl CaptureError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        CaptureError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// `dir/.name.tmp`: the temporary file that is renamed to `path` once complete.
pub(crate) fn temp_path(path: &std::path::Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// The first `dir/prefix-NNN.ext` with `NNN >= *next` that does not exist, advancing `next`
/// past it. Existing files are never overwritten, and a name handed out once is not handed
/// out again in the same session even if its file is still being written.
pub fn next_free_name(dir: &std::path::Path, prefix: &str, ext: &str, next: &mut u32) -> PathBuf {
    loop {
        let path = dir.join(format!("{prefix}-{:03}.{ext}", *next));
        *next += 1;
        if !path.exists() && !temp_path(&path).exists() {
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

    #[test]
    fn frame_pixels() {
        let f = Frame::filled(3, 2, [1, 2, 3, 4]);
        assert_eq!(f.rgba.len(), 24);
        assert_eq!(f.pixel(2, 1), [1, 2, 3, 4]);
    }
}
