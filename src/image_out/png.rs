//! PNG files, written atomically (temporary file, then rename) through an explicit encoder,
//! so every write error — including the last flush — is seen.

use super::CaptureError;
use crate::files::AtomicFile;
use crate::render::Image;
use image::ImageEncoder;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes `frame` to `path` as an 8-bit RGBA PNG. The file appears complete or not at all.
///
/// # Errors
/// [`CaptureError::Io`]/[`CaptureError::Encode`] naming the file.
pub fn write_png(path: &Path, frame: &Image) -> Result<(), CaptureError> {
    let out = AtomicFile::create(path).map_err(|e| CaptureError::io(path, e))?;
    let mut buf = BufWriter::new(out.file());
    image::codecs::png::PngEncoder::new(&mut buf)
        .write_image(&frame.rgba, frame.width, frame.height, image::ExtendedColorType::Rgba8)
        .map_err(|error| CaptureError::Encode { path: path.to_path_buf(), error })?;
    buf.flush().map_err(|e| CaptureError::io(path, e))?;
    drop(buf);
    out.commit().map_err(|e| CaptureError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bad_dir() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.png");
        let mut f = Image::filled(7, 5, [10, 20, 30, 255]);
        f.rgba[0] = 200;
        write_png(&path, &f).unwrap();
        let back = image::open(&path).unwrap().to_rgba8();
        assert_eq!((back.width(), back.height()), (7, 5));
        assert_eq!(back.into_raw(), f.rgba);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temp file left behind"
        );
        let err = write_png(&dir.path().join("no/such/dir/b.png"), &f).unwrap_err();
        assert!(err.to_string().contains("b.png"), "{err}");
    }
}
