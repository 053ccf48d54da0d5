//! Animated GIF recording with `image`'s `GifEncoder` (infinite loop).
//!
//! Frames are appended to a temporary file next to the target ([`AtomicFile`]);
//! [`GifRecorder::finish`] writes the trailer, syncs and renames it, so the GIF on disk is
//! always a complete, valid file. The encoder writes through a [`CheckedWriter`]: `image`'s
//! encoder writes the trailer in its `Drop`, where an I/O error would be lost (or panic), so
//! the first error is kept aside and checked after every frame and at the end. A recording
//! with no frames still yields a valid one-frame GIF (a blank frame of the recording size),
//! which is friendlier than an empty or missing file when a run ends early. A recorder that
//! is dropped without `finish` deletes its temporary file.

use super::CaptureError;
use crate::files::{AtomicFile, CheckedWriter, ErrorSlot};
use crate::render::Image;
use image::codecs::gif::{GifEncoder, Repeat};
use image::Delay;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Quantiser speed, 1 (best, slow) to 30 (fast); 20 is ~2× faster than the default 10 with
/// little visible difference on smooth colour ramps.
const SPEED: i32 = 20;

/// An animated GIF being written.
pub struct GifRecorder {
    path: PathBuf,
    out: Option<AtomicFile>,
    errors: ErrorSlot,
    encoder: Option<GifEncoder<BufWriter<CheckedWriter>>>,
    width: u32,
    height: u32,
    delay_ms: u32,
    frames: usize,
}

impl GifRecorder {
    /// Starts a `width`×`height` animation at `path`, showing each frame `delay_ms`.
    ///
    /// # Errors
    /// [`CaptureError`] if the temporary file cannot be created.
    pub fn create(
        path: &Path,
        width: u32,
        height: u32,
        delay_ms: u32,
    ) -> Result<Self, CaptureError> {
        let out = AtomicFile::create(path).map_err(|e| CaptureError::io(path, e))?;
        let errors = ErrorSlot::default();
        let file = out.file().try_clone().map_err(|e| CaptureError::io(path, e))?;
        let mut encoder = GifEncoder::new_with_speed(BufWriter::new(CheckedWriter::new(file, &errors)), SPEED);
        encoder
            .set_repeat(Repeat::Infinite)
            .map_err(|error| CaptureError::Encode {
                path: path.to_path_buf(),
                error,
            })?;
        Ok(GifRecorder {
            path: path.to_path_buf(),
            out: Some(out),
            errors,
            encoder: Some(encoder),
            width,
            height,
            delay_ms,
            frames: 0,
        })
    }

    /// The final file name.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Frames added so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// (width, height) of the animation.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Appends one frame (must have the recording's size).
    ///
    /// # Errors
    /// [`CaptureError::FrameSize`] or an encoder error.
    pub fn add(&mut self, frame: Image) -> Result<(), CaptureError> {
        if (frame.width, frame.height) != (self.width, self.height) {
            return Err(CaptureError::FrameSize {
                want_w: self.width,
                want_h: self.height,
                got_w: frame.width,
                got_h: frame.height,
            });
        }
        let Some(encoder) = self.encoder.as_mut() else {
            return Err(CaptureError::WriterGone);
        };
        let buf = image::RgbaImage::from_raw(frame.width, frame.height, frame.rgba)
            .ok_or_else(|| CaptureError::Readback("frame buffer has the wrong length".into()))?;
        let delay = Delay::from_numer_denom_ms(self.delay_ms, 1);
        encoder
            .encode_frame(image::Frame::from_parts(buf, 0, 0, delay))
            .map_err(|error| CaptureError::Encode {
                path: self.path.clone(),
                error,
            })?;
        if let Some(e) = self.errors.take() {
            self.encoder = None; // the file is abandoned: nothing more is written
            return Err(CaptureError::io(&self.path, e));
        }
        self.frames += 1;
        Ok(())
    }

    /// Writes the trailer and moves the file into place; returns its path and frame count.
    ///
    /// # Errors
    /// [`CaptureError`] if the file cannot be completed or renamed.
    pub fn finish(mut self) -> Result<(PathBuf, usize), CaptureError> {
        if self.frames == 0 {
            let blank = Image::filled(self.width, self.height, [0, 0, 0, 255]);
            self.add(blank)?;
            self.frames = 0;
        }
        // Dropping the encoder writes the GIF trailer (0x3B) and flushes the BufWriter; the
        // checked writer kept any error of those writes
        drop(self.encoder.take());
        if let Some(e) = self.errors.take() {
            return Err(CaptureError::io(&self.path, e));
        }
        let out = self.out.take().ok_or(CaptureError::WriterGone)?;
        out.commit().map_err(|e| CaptureError::io(&self.path, e))?;
        Ok((self.path.clone(), self.frames))
    }
}

impl Drop for GifRecorder {
    /// An unfinished recording leaves nothing: the encoder goes first (its trailer lands in
    /// the temporary file), then the [`AtomicFile`] removes that file.
    fn drop(&mut self) {
        drop(self.encoder.take());
        drop(self.out.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::AnimationDecoder;
    use std::fs::File;

    fn decode(path: &Path) -> Vec<image::Frame> {
        let file = std::io::BufReader::new(File::open(path).unwrap());
        image::codecs::gif::GifDecoder::new(file)
            .unwrap()
            .into_frames()
            .collect_frames()
            .unwrap()
    }

    #[test]
    fn frames_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.gif");
        let mut rec = GifRecorder::create(&path, 33, 17, 80).unwrap();
        for i in 0..3u8 {
            rec.add(Image::filled(33, 17, [i * 80, 100, 200, 255]))
                .unwrap();
        }
        assert!(rec.add(Image::filled(10, 10, [0; 4])).is_err());
        assert!(!path.exists(), "file must not appear before finish");
        assert_eq!(rec.finish().unwrap().1, 3);
        let frames = decode(&path);
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].buffer().dimensions(), (33, 17));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn empty_recording_is_still_valid_and_drop_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.gif");
        let rec = GifRecorder::create(&path, 8, 8, 80).unwrap();
        assert_eq!(rec.finish().unwrap().1, 0);
        assert_eq!(decode(&path).len(), 1);
        let dropped = GifRecorder::create(&dir.path().join("gone.gif"), 8, 8, 80).unwrap();
        drop(dropped);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
