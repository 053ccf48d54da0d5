//! PNG files, written atomically (temporary file, then rename).

use super::{temp_path, CaptureError};
use crate::render::Image;
use std::path::Path;

/// Writes `frame` to `path` as an 8-bit RGBA PNG. The file appears complete or not at all.
///
/// # Errors
/// [`CaptureError::Io`]/[`CaptureError::Encode`] naming the file.
pub fn write_png(path: &Path, frame: &Image) -> Result<(), CaptureError> {
    let tmp = temp_path(path);
    let result = image::save_buffer_with_format(
        &tmp,
        &frame.rgba,
        frame.width,
        frame.height,
        image::ExtendedColorType::Rgba8,
        image::ImageFormat::Png,
    )
    .map_err(|source| CaptureError::Encode {
        path: path.to_path_buf(),
        source,
    })
    .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| CaptureError::io(path, e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
