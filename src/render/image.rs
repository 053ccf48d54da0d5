//! [`Image`]: what a render read back from the device is, and what the file writers take.
//!
//! Plain bytes with no wgpu type in it, so image files can be written (and tested) on any
//! thread without a device.

/// An RGBA8 (sRGB) image, rows top to bottom, no padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// `width * height * 4` bytes.
    pub rgba: Vec<u8>,
}

impl Image {
    /// An image filled with one colour.
    pub fn filled(width: u32, height: u32, rgba: [u8; 4]) -> Image {
        Image {
            width,
            height,
            rgba: rgba.repeat((width * height) as usize),
        }
    }
    /// Pixels where some colour channel differs from `other`'s by more than `tol` (same size).
    pub fn count_differing(&self, other: &Image, tol: u8) -> usize {
        self.rgba.chunks(4).zip(other.rgba.chunks(4)).filter(|(p, q)| (0..3).any(|k| p[k].abs_diff(q[k]) > tol)).count()
    }

    /// Pixels where some colour channel differs from `color` by more than `tol`.
    pub fn count_unlike(&self, color: [u8; 3], tol: u8) -> usize {
        self.rgba.chunks(4).filter(|p| (0..3).any(|k| p[k].abs_diff(color[k]) > tol)).count()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_pixels() {
        let f = Image::filled(3, 2, [1, 2, 3, 4]);
        assert_eq!(f.rgba.len(), 24);
        assert_eq!(f.pixel(2, 1), [1, 2, 3, 4]);
    }
}
