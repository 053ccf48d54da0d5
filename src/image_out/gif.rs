//! Animated GIF recording with `image`'s `GifEncoder` (infinite loop).
//!
//! Frames are appended to a temporary file next to the target; [`GifRecorder::finish`]
//! flushes and renames it, so the GIF on disk is always a complete, valid file. A recording
//! with no frames still yields a valid one-frame GIF (a blank frame of the recording size),
//! which is friendlier than an empty or missing file when a run ends early. A recorder that
//! is dropped without `finish` deletes its temporary file.

use super::{temp_path, CaptureError};
use crate::render::Image;
use image::codecs::gif::{GifEncoder, Repeat};
use image::Delay;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Quantiser speed, 1 (best, slow) to 30 (fast); 20 is ~2× faster than the default 10 with
/// little visible difference on smooth colour ramps.
const SPEED: i32 = 20;

/// An animated GIF being written.
pub struct GifRecorder {
    path: PathBuf,
    tmp: PathBuf,
    encoder: Option<GifEncoder<BufWriter<File>>>,
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
        let tmp = temp_path(path);
        let file = File::create(&tmp).map_err(|e| CaptureError::io(path, e))?;
        let mut encoder = GifEncoder::new_with_speed(BufWriter::new(file), SPEED);
        encoder
            .set_repeat(Repeat::Infinite)
            .map_err(|source| CaptureError::Encode {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(GifRecorder {
            path: path.to_path_buf(),
            tmp,
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
            .map_err(|source| CaptureError::Encode {
                path: self.path.clone(),
                source,
            })?;
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
        // Dropping the encoder writes the GIF trailer (0x3B) and flushes the BufWriter, but
        // both swallow I/O errors, so check the result on disk before publishing it.
        drop(self.encoder.take());
        let complete = gif_is_complete(&self.tmp).map_err(|e| CaptureError::io(&self.path, e))?;
        if !complete {
            let _ = std::fs::remove_file(&self.tmp);
            let err = std::io::Error::other("incomplete GIF (disk full?)");
            return Err(CaptureError::io(&self.path, err));
        }
        std::fs::rename(&self.tmp, &self.path).map_err(|e| {
            let _ = std::fs::remove_file(&self.tmp);
            CaptureError::io(&self.path, e)
        })?;
        Ok((self.path.clone(), self.frames))
    }
}

/// Header says GIF and the last byte is the trailer.
fn gif_is_complete(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = File::open(path)?;
    let mut head = [0u8; 4];
    let mut tail = [0u8; 1];
    if f.metadata()?.len() < 14 {
        return Ok(false);
    }
    f.read_exact(&mut head)?;
    f.seek(SeekFrom::End(-1))?;
    f.read_exact(&mut tail)?;
    Ok(&head == b"GIF8" && tail[0] == 0x3B)
}

impl Drop for GifRecorder {
    fn drop(&mut self) {
        if self.encoder.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::AnimationDecoder;

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
