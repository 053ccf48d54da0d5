//! Shader modules and render pipelines of the [`Renderer`](super::render::Renderer).
//!
//! Five pipelines share one bind group (the camera uniform): sphere impostors, flat quads
//! and one-pixel points for atoms, a line list for the box, and alpha-blended rectangles for
//! the overlay. All use the same depth format so they can share one render pass; the
//! overlay simply ignores depth. Pipelines depend on the target's colour format, so the
//! renderer builds one set per format it meets.

use super::font::Rect;

/// Depth buffer format of every pass.
pub(super) const DEPTH_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Depth32Float;

/// One atom on the GPU: 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
pub(super) struct AtomInstance {
    /// Position, Å.
    pub pos: [f32; 3],
    /// sRGB colour.
    pub rgba: [u8; 4],
}

/// Compiled shaders and the layouts the pipelines share.
pub(super) struct Shaders {
    pub bind_group_layout: wgpu::BindGroupLayout,
    pub layout: wgpu::PipelineLayout,
    pub atoms: wgpu::ShaderModule,
    pub box_lines: wgpu::ShaderModule,
    pub overlay: wgpu::ShaderModule,
}

impl Shaders {
    pub fn new(device: &wgpu::Device) -> Self {
        let shader = |label: &str, src: &'static str| {
            device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(src.into()),
            })
        };
        let atoms = shader(
            "atoms.wgsl",
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/atoms.wgsl")),
        );
        let box_lines = shader(
            "box.wgsl",
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/box.wgsl")),
        );
        let overlay = shader(
            "overlay.wgsl",
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/overlay.wgsl")),
        );
        let bind_group_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("camera"),
            entries: &[wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::VERTEX | wgpu::ShaderStages::FRAGMENT,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: false,
                    min_binding_size: None,
                },
                count: None,
            }],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("viewer"),
            bind_group_layouts: &[Some(&bind_group_layout)],
            immediate_size: 0,
        });
        Shaders {
            bind_group_layout,
            layout,
            atoms,
            box_lines,
            overlay,
        }
    }
}

/// The pipelines for one colour format.
pub(super) struct Pipelines {
    pub format: wgpu::TextureFormat,
    pub sphere: wgpu::RenderPipeline,
    pub point: wgpu::RenderPipeline,
    pub dot: wgpu::RenderPipeline,
    pub box_lines: wgpu::RenderPipeline,
    pub overlay: wgpu::RenderPipeline,
}

impl Pipelines {
    pub fn build(device: &wgpu::Device, shaders: &Shaders, format: wgpu::TextureFormat) -> Self {
        let atom_attrs = wgpu::vertex_attr_array![0 => Float32x3, 1 => Unorm8x4];
        let atom_vb = wgpu::VertexBufferLayout {
            array_stride: std::mem::size_of::<AtomInstance>() as u64,
            step_mode: wgpu::VertexStepMode::Instance,
            attributes: &atom_attrs,
        };
        let box_attrs = wgpu::vertex_attr_array![0 => Float32x3];
        let box_vb = wgpu::VertexBufferLayout {
            array_stride: 12,
            step_mode: wgpu::VertexStepMode::Vertex,
            attributes: &box_attrs,
        };
        let rect_attrs = wgpu::vertex_attr_array![0 => Float32x4, 1 => Unorm8x4];
        let rect_vb = wgpu::VertexBufferLayout {
            array_stride: std::mem::size_of::<Rect>() as u64,
            step_mode: wgpu::VertexStepMode::Instance,
            attributes: &rect_attrs,
        };
        let make = |spec: PipeSpec<'_>| make_pipeline(device, &shaders.layout, format, spec);
        use wgpu::{CompareFunction as Cmp, PrimitiveTopology as Topo};
        let atoms = |vs, fs| PipeSpec {
            module: &shaders.atoms,
            vs,
            fs,
            buffer: atom_vb.clone(),
            topology: Topo::TriangleStrip,
            depth_write: true,
            depth_compare: Cmp::Less,
            blend: None,
        };
        Pipelines {
            format,
            sphere: make(atoms("vs_sphere", "fs_sphere")),
            point: make(atoms("vs_point", "fs_point")),
            dot: make(PipeSpec {
                topology: Topo::PointList,
                ..atoms("vs_dot", "fs_point")
            }),
            box_lines: make(PipeSpec {
                module: &shaders.box_lines,
                vs: "vs_box",
                fs: "fs_box",
                buffer: box_vb,
                topology: Topo::LineList,
                depth_write: true,
                depth_compare: Cmp::LessEqual,
                blend: None,
            }),
            overlay: make(PipeSpec {
                module: &shaders.overlay,
                vs: "vs_rect",
                fs: "fs_rect",
                buffer: rect_vb,
                topology: Topo::TriangleStrip,
                depth_write: false,
                depth_compare: Cmp::Always,
                blend: Some(wgpu::BlendState::ALPHA_BLENDING),
            }),
        }
    }
}

/// One render pipeline of the renderer's shared shape (depth test, one vertex buffer, one
/// colour target), as `spec` varies it.
fn make_pipeline(device: &wgpu::Device, layout: &wgpu::PipelineLayout, format: wgpu::TextureFormat, spec: PipeSpec<'_>) -> wgpu::RenderPipeline {
    device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: Some(spec.vs),
        layout: Some(layout),
        vertex: wgpu::VertexState {
            module: spec.module,
            entry_point: Some(spec.vs),
            compilation_options: Default::default(),
            buffers: &[Some(spec.buffer)],
        },
        primitive: wgpu::PrimitiveState {
            topology: spec.topology,
            ..Default::default()
        },
        depth_stencil: Some(wgpu::DepthStencilState {
            format: DEPTH_FORMAT,
            depth_write_enabled: Some(spec.depth_write),
            depth_compare: Some(spec.depth_compare),
            stencil: Default::default(),
            bias: Default::default(),
        }),
        multisample: Default::default(),
        fragment: Some(wgpu::FragmentState {
            module: spec.module,
            entry_point: Some(spec.fs),
            compilation_options: Default::default(),
            targets: &[Some(wgpu::ColorTargetState {
                format,
                blend: spec.blend,
                write_mask: wgpu::ColorWrites::ALL,
            })],
        }),
        multiview_mask: None,
        cache: None,
    })
}

struct PipeSpec<'a> {
    module: &'a wgpu::ShaderModule,
    vs: &'a str,
    fs: &'a str,
    buffer: wgpu::VertexBufferLayout<'a>,
    topology: wgpu::PrimitiveTopology,
    depth_write: bool,
    depth_compare: wgpu::CompareFunction,
    blend: Option<wgpu::BlendState>,
}
