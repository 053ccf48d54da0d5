//! Copying a rendered texture back to memory.
//!
//! wgpu copies textures into buffers whose rows are padded to
//! `COPY_BYTES_PER_ROW_ALIGNMENT` (256 bytes, i.e. 64 RGBA pixels). The wgpu examples avoid
//! the problem by only using widths that are multiples of 64; a window can be any width, so
//! here [`unpad_rows`] strips the padding (a pure function, tested with awkward widths) and
//! [`OffscreenTarget`] does the GPU side: texture, staging buffer, copy, map, wait.
//!
//! The swapchain image is never read back: on the GL backend it is not `COPY_SRC`. Screenshots
//! re-render into an `OffscreenTarget` instead, which works identically on every backend.

use super::{Image, RenderTarget};

/// Copying a rendered texture back to memory failed (wgpu's message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReadbackError(pub String);

/// Format of offscreen images: sRGB RGBA, the byte order PNG and GIF want.
pub const OFFSCREEN_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8UnormSrgb;

/// Bytes per row of an RGBA8 image `width` pixels wide, rounded up to wgpu's copy alignment.
pub fn padded_bytes_per_row(width: u32) -> u32 {
    let align = wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
    (width * 4).div_ceil(align) * align
}

/// Drops the padding at the end of each row: `padded` holds `height` rows of
/// `padded_bpr` bytes, of which the first `width * 4` are pixels.
///
/// # Panics
/// If `padded` is shorter than `height * padded_bpr` or `padded_bpr < width * 4`.
pub fn unpad_rows(padded: &[u8], width: u32, height: u32, padded_bpr: u32) -> Vec<u8> {
    let row = width as usize * 4;
    let stride = padded_bpr as usize;
    assert!(stride >= row, "row stride {stride} < {row} bytes of pixels");
    assert!(
        padded.len() >= stride * height as usize,
        "readback buffer too short"
    );
    let mut out = Vec::with_capacity(row * height as usize);
    for chunk in padded.chunks(stride).take(height as usize) {
        out.extend_from_slice(&chunk[..row]);
    }
    out
}

/// An offscreen colour texture plus the staging buffer to read it back.
pub struct OffscreenTarget {
    texture: wgpu::Texture,
    view: wgpu::TextureView,
    buffer: wgpu::Buffer,
    width: u32,
    height: u32,
}

impl OffscreenTarget {
    /// A `width`×`height` target in [`OFFSCREEN_FORMAT`].
    pub fn new(device: &wgpu::Device, width: u32, height: u32) -> Self {
        let texture = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("offscreen"),
            size: wgpu::Extent3d {
                width,
                height,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: OFFSCREEN_FORMAT,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
            view_formats: &[],
        });
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let buffer = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: padded_bytes_per_row(width) as u64 * height as u64,
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        OffscreenTarget {
            texture,
            view,
            buffer,
            width,
            height,
        }
    }

    /// (width, height) in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The target to pass to [`Renderer::render`](super::Renderer::render).
    pub fn target(&self) -> RenderTarget<'_> {
        RenderTarget {
            view: &self.view,
            format: OFFSCREEN_FORMAT,
            width: self.width,
            height: self.height,
        }
    }

    /// Copies the texture to memory, waiting for the device to finish.
    ///
    /// # Errors
    /// [`ReadbackError`] if mapping or waiting fails.
    pub fn read(&self, device: &wgpu::Device, queue: &wgpu::Queue) -> Result<Image, ReadbackError> {
        let bpr = padded_bytes_per_row(self.width);
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("readback"),
        });
        encoder.copy_texture_to_buffer(
            wgpu::TexelCopyTextureInfo {
                texture: &self.texture,
                mip_level: 0,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::TexelCopyBufferInfo {
                buffer: &self.buffer,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(bpr),
                    rows_per_image: Some(self.height),
                },
            },
            wgpu::Extent3d {
                width: self.width,
                height: self.height,
                depth_or_array_layers: 1,
            },
        );
        queue.submit([encoder.finish()]);
        let slice = self.buffer.slice(..);
        let (tx, rx) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| ReadbackError(e.to_string()))?;
        rx.recv()
            .map_err(|e| ReadbackError(e.to_string()))?
            .map_err(|e| ReadbackError(e.to_string()))?;
        let rgba = {
            let data = slice
                .get_mapped_range()
                .map_err(|e| ReadbackError(e.to_string()))?;
            unpad_rows(&data, self.width, self.height, bpr)
        };
        self.buffer.unmap();
        Ok(Image {
            width: self.width,
            height: self.height,
            rgba,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_rounds_up_to_256() {
        assert_eq!(padded_bytes_per_row(64), 256);
        assert_eq!(padded_bytes_per_row(65), 512);
        assert_eq!(padded_bytes_per_row(1), 256);
        assert_eq!(padded_bytes_per_row(200), 1024);
        assert_eq!(padded_bytes_per_row(1280), 5120);
    }

    #[test]
    fn unpad_keeps_pixels_in_order() {
        for width in [1u32, 3, 63, 65, 100, 200, 333] {
            let height = 5;
            let bpr = padded_bytes_per_row(width);
            // Pixel bytes encode (x, y); padding bytes are 0xEE and must all disappear.
            let mut padded = vec![0xEE; (bpr * height) as usize];
            for y in 0..height {
                for x in 0..width {
                    let i = (y * bpr + 4 * x) as usize;
                    padded[i..i + 4].copy_from_slice(&[x as u8, (x >> 8) as u8, y as u8, 7]);
                }
            }
            let out = unpad_rows(&padded, width, height, bpr);
            assert_eq!(out.len(), (width * height * 4) as usize);
            let frame = Image {
                width,
                height,
                rgba: out,
            };
            for y in 0..height {
                for x in 0..width {
                    assert_eq!(
                        frame.pixel(x, y),
                        [x as u8, (x >> 8) as u8, y as u8, 7],
                        "w={width} ({x},{y})"
                    );
                }
            }
        }
    }

    #[test]
    #[should_panic(expected = "too short")]
    fn unpad_rejects_short_buffers() {
        unpad_rows(&[0; 100], 10, 2, 256);
    }
}
