//! The [`Renderer`]: atoms, periodic box and overlay, drawn into any `TextureView`.
//!
//! `render` takes a [`RenderTarget`] (a view plus its format and size), not a surface, so
//! the window's swapchain image and an offscreen texture go through identical code: a
//! screenshot is the same picture as the window, and the offscreen test exercises the real
//! renderer. Pipelines are created per target format on first use (the X11 swapchain is
//! `Bgra8UnormSrgb` on Vulkan, offscreen capture uses `Rgba8UnormSrgb`).
//!
//! Data flow per snapshot: [`Renderer::set_snapshot`] computes colours on the CPU and
//! uploads one 16-byte instance per atom (`queue.write_buffer` into a buffer that only
//! grows), sorted by [`Exposure`] so that per frame the atoms buried in the crystal are left
//! out of the draw calls (see [`cull`](super::cull)). Per frame: one uniform write (camera),
//! the overlay rectangles, one render pass.
//!
//! Atoms are drawn either as ray-traced sphere impostors with exact depth or, above
//! [`AUTO_POINTS_ABOVE`] atoms in `auto` mode, as flat quads without `frag_depth` (without
//! culling they shrink to one-pixel points when an atom is less than ~3 pixels in radius; see
//! `shaders/atoms.wgsl`, and the module docs of `render` for timings).

use crate::cli::viewer::{ColorBy, RenderMode, Slice};
use super::chart::History;
use super::buffers::{make_vertex_buffer, DepthTexture, GrowBuffer};
use super::camera::OrbitCamera;
use super::cull::Exposure;
use super::colormap::ColorScale;
use super::font::Rect;
use super::overlay;
use super::pipelines::{AtomInstance, Pipelines, Shaders};
use crate::snapshot::Snapshot;

/// In `auto` mode, systems with more atoms than this are drawn as points.
pub const AUTO_POINTS_ABOVE: usize = 100_000;

/// Background colour (sRGB); the offscreen test expects it in the image corners.
pub const BACKGROUND: [u8; 3] = [18, 21, 30];

/// Where to draw: a texture view with its format and size in pixels.
#[derive(Debug, Clone, Copy)]
pub struct RenderTarget<'a> {
    /// The view to draw into (swapchain image or offscreen texture).
    pub view: &'a wgpu::TextureView,
    /// Its format (pipelines are built per format).
    pub format: wgpu::TextureFormat,
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
}

/// What to draw besides the atoms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawOptions {
    /// Spheres, points or automatic choice by atom count.
    pub mode: RenderMode,
    /// Draw the periodic box edges.
    pub show_box: bool,
    /// Leave out atoms buried in the crystal (see [`cull`](super::cull)); off draws all.
    pub cull: bool,
}

impl Default for DrawOptions {
    fn default() -> Self {
        DrawOptions {
            mode: RenderMode::Auto,
            show_box: true,
            cull: true,
        }
    }
}

/// What of a snapshot is drawn, and how it is coloured (given with the snapshot).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scene {
    /// The colouring.
    pub color: ColorBy,
    /// Only the atoms of this slab, when set.
    pub slice: Option<Slice>,
    /// The gid of a picked atom, drawn in [`HIGHLIGHT`].
    pub picked: Option<u32>,
}

/// Colour of a picked atom (a magenta no colour map uses).
pub const HIGHLIGHT: [u8; 4] = [255, 40, 255, 255];

/// The 2-D layer over the atoms: text lines (top left) and the strip chart (top right).
#[derive(Debug, Clone, Copy, Default)]
pub struct Overlay<'a> {
    /// Text lines of the panel.
    pub lines: &'a [String],
    /// The strip chart, when shown.
    pub chart: Option<&'a History>,
}

/// The concrete mode (`Spheres` or `Points`) used for `n` atoms.
pub fn resolve_mode(mode: RenderMode, n: usize) -> RenderMode {
    match mode {
        RenderMode::Auto if n > AUTO_POINTS_ABOVE => RenderMode::Points,
        RenderMode::Auto => RenderMode::Spheres,
        m => m,
    }
}

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct CameraUniform {
    view: [[f32; 4]; 4],
    proj: [[f32; 4]; 4],
    viewport: [f32; 4],
    params: [f32; 4],
    light: [f32; 4],
}

/// Draws snapshots; one per device, reusable across targets of any size and format.
pub struct Renderer {
    shaders: Shaders,
    pipelines: Vec<Pipelines>,
    uniform: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    atoms: GrowBuffer,
    n_atoms: u32,
    exposure: Exposure,
    box_vb: wgpu::Buffer,
    rects: GrowBuffer,
    depth: DepthTexture,
    radius: f32,
    scale: ColorScale,
    rect_scratch: Vec<Rect>,
}

impl Renderer {
    /// Compiles the shaders and allocates the fixed buffers.
    pub fn new(device: &wgpu::Device) -> Self {
        let shaders = Shaders::new(device);
        let uniform = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("camera"),
            size: std::mem::size_of::<CameraUniform>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("camera"),
            layout: &shaders.bind_group_layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: uniform.as_entire_binding(),
            }],
        });
        Renderer {
            shaders,
            pipelines: Vec::new(),
            uniform,
            bind_group,
            atoms: GrowBuffer::new(device, "atoms", 1 << 16),
            n_atoms: 0,
            exposure: Exposure::default(),
            box_vb: make_vertex_buffer(device, "box", 24 * 12),
            rects: GrowBuffer::new(device, "overlay", 1 << 14),
            depth: DepthTexture::default(),
            radius: 1.0,
            scale: ColorScale {
                by: ColorBy::Ke,
                lo: 0.0,
                hi: 1.0,
                n_ranks: 1,
                fractions: [0.0; 5],
            },
            rect_scratch: Vec::new(),
        }
    }

    /// Uploads the atoms of `snap` that `scene` shows, in its colours, and the box.
    pub fn set_snapshot(&mut self, device: &wgpu::Device, queue: &wgpu::Queue, snap: &Snapshot, scene: &Scene) {
        self.scale = ColorScale::for_snapshot(snap, scene.color);
        let scale = self.scale;
        let shown = |a: &&crate::snapshot::SnapshotAtom| scene.slice.is_none_or(|s| s.contains(a.pos, snap.box_min, snap.box_max));
        let atoms: Vec<&crate::snapshot::SnapshotAtom> = snap.atoms.iter().filter(shown).collect();
        let pos: Vec<[f32; 3]> = atoms.iter().map(|a| a.pos).collect();
        let (exposure, order) = Exposure::new(&pos, snap.box_min, snap.box_max);
        let inst: Vec<AtomInstance> = order
            .iter()
            .map(|&i| atoms[i as usize])
            .map(|a| AtomInstance {
                pos: a.pos,
                rgba: if scene.picked == Some(a.gid) { HIGHLIGHT } else { scale.color(a) },
            })
            .collect();
        self.atoms.write(device, queue, bytemuck::cast_slice(&inst));
        self.exposure = exposure;
        self.n_atoms = inst.len() as u32;
        queue.write_buffer(
            &self.box_vb,
            0,
            bytemuck::cast_slice(&box_edges(snap.box_min, snap.box_max)),
        );
        self.radius = atom_radius(snap);
    }

    /// The colour scale of the current snapshot (for legends elsewhere).
    pub fn color_scale(&self) -> ColorScale {
        self.scale
    }

    /// Drawing radius of the atoms, Å (for picking).
    pub fn radius(&self) -> f32 {
        self.radius
    }

    /// Number of atoms uploaded (those the scene's slice shows).
    pub fn atom_count(&self) -> usize {
        self.n_atoms as usize
    }

    /// The instances drawn for `camera`: those not buried in the crystal, or all.
    pub fn drawn_ranges(&self, camera: &OrbitCamera, cull: bool) -> Vec<std::ops::Range<u32>> {
        if !cull {
            return vec![0..self.n_atoms];
        }
        let (e, d) = (camera.eye(), camera.eye_dir());
        self.exposure.ranges([e.x, e.y, e.z], camera.ortho.then_some([d.x, d.y, d.z]))
    }

    /// Draws the current snapshot seen by `camera` into `target`, with `overlay` on top.
    pub fn render(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        target: RenderTarget<'_>,
        camera: &OrbitCamera,
        opts: &DrawOptions,
        overlay: &Overlay<'_>,
    ) {
        let (w, h) = (target.width.max(1), target.height.max(1));
        let mode = resolve_mode(opts.mode, self.n_atoms as usize);
        let aspect = w as f32 / h as f32;
        let u = CameraUniform {
            view: camera.view().into(),
            proj: camera.projection(aspect).into(),
            viewport: [w as f32, h as f32, 1.0 / w as f32, 1.0 / h as f32],
            params: [self.radius, if camera.ortho { 1.0 } else { 0.0 }, 1.0, 0.0],
            light: [-0.40, 0.55, 0.73, 0.0],
        };
        queue.write_buffer(&self.uniform, 0, bytemuck::bytes_of(&u));

        let mut rects = std::mem::take(&mut self.rect_scratch);
        rects.clear();
        overlay::layout(&mut rects, overlay.lines, &self.scale, w, h);
        if let Some(chart) = overlay.chart {
            chart.layout(&mut rects, w, h);
        }
        self.rects
            .write(device, queue, bytemuck::cast_slice(&rects));
        let n_rects = rects.len() as u32;
        self.rect_scratch = rects;

        let depth = self.depth.view(device, w, h);
        let pipes = self.pipelines_for(device, target.format);
        let pipes = &self.pipelines[pipes];
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("frame"),
        });
        {
            let mut pass = scene_pass(&mut encoder, target.view, &depth);
            pass.set_bind_group(0, &self.bind_group, &[]);
            if self.n_atoms > 0 {
                // Unculled, points smaller than ~3 px in radius become single-pixel dots (deeper atoms fill the
                // gaps): a quarter of the vertex work of quads. Culled, the deeper atoms are not drawn, so points
                // stay quads; the dots are then only the unculled reference (`DrawOptions::cull` off).
                let px_radius = self.radius * 0.5 * h as f32 / camera.half_height_at_target();
                let (pipe, verts) = match mode {
                    RenderMode::Points if px_radius < 3.0 && !opts.cull => (&pipes.dot, 1),
                    RenderMode::Points => (&pipes.point, 4),
                    _ => (&pipes.sphere, 4),
                };
                pass.set_pipeline(pipe);
                pass.set_vertex_buffer(0, self.atoms.buf.slice(..));
                for r in self.drawn_ranges(camera, opts.cull) {
                    pass.draw(0..verts, r);
                }
            }
            if opts.show_box {
                pass.set_pipeline(&pipes.box_lines);
                pass.set_vertex_buffer(0, self.box_vb.slice(..));
                pass.draw(0..24, 0..1);
            }
            if n_rects > 0 {
                pass.set_pipeline(&pipes.overlay);
                pass.set_vertex_buffer(0, self.rects.buf.slice(..));
                pass.draw(0..4, 0..n_rects);
            }
        }
        queue.submit([encoder.finish()]);
    }

    /// Index of the pipelines for `format`, building them on first use.
    fn pipelines_for(&mut self, device: &wgpu::Device, format: wgpu::TextureFormat) -> usize {
        if let Some(i) = self.pipelines.iter().position(|p| p.format == format) {
            return i;
        }
        self.pipelines
            .push(Pipelines::build(device, &self.shaders, format));
        self.pipelines.len() - 1
    }
}

/// The 12 edges of the box as 24 line-list vertices.
fn box_edges(lo: [f32; 3], hi: [f32; 3]) -> [[f32; 3]; 24] {
    let corner = |i: usize| {
        [
            if i & 1 == 0 { lo[0] } else { hi[0] },
            if i & 2 == 0 { lo[1] } else { hi[1] },
            if i & 4 == 0 { lo[2] } else { hi[2] },
        ]
    };
    let mut out = [[0.0; 3]; 24];
    let mut k = 0;
    for i in 0..8 {
        for bit in [1, 2, 4] {
            if i & bit == 0 {
                out[k] = corner(i);
                out[k + 1] = corner(i | bit);
                k += 2;
            }
        }
    }
    out
}

/// Drawing radius: 0.4 × the FCC nearest-neighbour distance implied by the number density
/// (the exact contact radius would be 0.5), so neighbouring atoms show a small gap.
pub fn atom_radius(snap: &Snapshot) -> f32 {
    let v: f32 = (0..3)
        .map(|k| (snap.box_max[k] - snap.box_min[k]).abs())
        .product();
    if snap.atoms.is_empty() || v.is_nan() || v <= 0.0 {
        return 1.0;
    }
    let lattice = (4.0 * v / snap.atoms.len() as f32).cbrt();
    0.4 * lattice / std::f32::consts::SQRT_2
}

fn srgb_to_linear(c: f64) -> f64 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}


/// The frame's one render pass: colour cleared to the background, depth cleared to 1 and
/// discarded afterwards.
fn scene_pass<'e>(encoder: &'e mut wgpu::CommandEncoder, view: &wgpu::TextureView, depth: &wgpu::TextureView) -> wgpu::RenderPass<'e> {
    let [r, g, b] = BACKGROUND.map(|c| srgb_to_linear(c as f64 / 255.0));
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: Some("scene"),
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view,
            depth_slice: None,
            resolve_target: None,
            ops: wgpu::Operations {
                load: wgpu::LoadOp::Clear(wgpu::Color { r, g, b, a: 1.0 }),
                store: wgpu::StoreOp::Store,
            },
        })],
        depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
            view: depth,
            depth_ops: Some(wgpu::Operations {
                load: wgpu::LoadOp::Clear(1.0),
                store: wgpu::StoreOp::Discard,
            }),
            stencil_ops: None,
        }),
        timestamp_writes: None,
        occlusion_query_set: None,
        multiview_mask: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_has_twelve_distinct_axis_aligned_edges() {
        let e = box_edges([0.0; 3], [1.0, 2.0, 3.0]);
        let mut seen = std::collections::HashSet::new();
        for pair in e.chunks(2) {
            let diff: Vec<usize> = (0..3).filter(|&k| pair[0][k] != pair[1][k]).collect();
            assert_eq!(diff.len(), 1);
            assert!(seen.insert(format!("{pair:?}")));
        }
        assert_eq!(seen.len(), 12);
    }

    #[test]
    fn radius_from_density() {
        let snap = Snapshot::fcc_demo(3, 3.615);
        let r = atom_radius(&snap);
        assert!((r - 0.4 * 3.615 / 2f32.sqrt()).abs() < 1e-4, "{r}");
        assert_eq!(atom_radius(&Snapshot::default()), 1.0);
    }

    #[test]
    fn auto_mode_threshold() {
        assert_eq!(resolve_mode(RenderMode::Auto, 10), RenderMode::Spheres);
        assert_eq!(
            resolve_mode(RenderMode::Auto, AUTO_POINTS_ABOVE + 1),
            RenderMode::Points
        );
        assert_eq!(
            resolve_mode(RenderMode::Spheres, usize::MAX),
            RenderMode::Spheres
        );
    }
}
