//! GPU buffers the [`Renderer`](super::Renderer) keeps between frames: instance and overlay
//! buffers that grow but never shrink, and a depth texture that follows the target's size.

use super::pipelines::DEPTH_FORMAT;

/// A vertex/instance buffer that grows (to the next power of two) but never shrinks.
pub(super) struct GrowBuffer {
    pub buf: wgpu::Buffer,
    label: &'static str,
}

impl GrowBuffer {
    pub fn new(device: &wgpu::Device, label: &'static str, size: u64) -> Self {
        GrowBuffer {
            buf: make_vertex_buffer(device, label, size),
            label,
        }
    }
    pub fn write(&mut self, device: &wgpu::Device, queue: &wgpu::Queue, bytes: &[u8]) {
        let need = bytes.len() as u64;
        if need > self.buf.size() {
            self.buf = make_vertex_buffer(device, self.label, need.next_power_of_two());
        }
        if need > 0 {
            queue.write_buffer(&self.buf, 0, bytes);
        }
    }
}

pub(super) fn make_vertex_buffer(device: &wgpu::Device, label: &str, size: u64) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: size.max(16),
        usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

/// The depth texture of the last target size.
#[derive(Default)]
pub(super) struct DepthTexture(Option<(u32, u32, wgpu::TextureView)>);

impl DepthTexture {
    /// The depth view for a `w`×`h` target, made anew when the size changes.
    pub fn view(&mut self, device: &wgpu::Device, w: u32, h: u32) -> wgpu::TextureView {
        if let Some((dw, dh, view)) = &self.0 {
            if (*dw, *dh) == (w, h) {
                return view.clone();
            }
        }
        let tex = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("depth"),
            size: wgpu::Extent3d {
                width: w,
                height: h,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: DEPTH_FORMAT,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
            view_formats: &[],
        });
        let view = tex.create_view(&wgpu::TextureViewDescriptor::default());
        self.0 = Some((w, h, view.clone()));
        view
    }
}
