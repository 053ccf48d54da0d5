//! Drawing a [`Snapshot`](crate::snapshot::Snapshot): GPU set-up, the renderer, its
//! pipelines, the camera, colours, the overlay and reading images back.
//!
//! **Why a module of its own.** Two front ends draw the same picture: the live window
//! ([`crate::viewer`]) and offscreen capture ([`crate::capture`]: `--screenshot`, `--gif`,
//! `--frames`). Both used to reach into each other for these pieces; now both depend on
//! this module and neither on the other, so the window can change its event handling and
//! capture its cadence without touching the renderer, and a screenshot is, by construction,
//! drawn by the same code as the window. Writing images to files is one layer up, in
//! [`crate::image_out`] (CPU only, no wgpu types), which both front ends also share.
//!
//! | module | role |
//! | --- | --- |
//! | [`camera`] | orbit camera, perspective/orthographic, wgpu depth convention (pure math) |
//! | [`gpu`] | instance/adapter/device, `WGPU_BACKEND` etc., clear error when no adapter |
//! | [`renderer`] | [`Renderer`]: atoms (sphere impostors or points), box, overlay, into any `TextureView` |
//! | `pipelines` | WGSL shader modules (`shaders/*.wgsl`) and render pipelines per target format |
//! | [`colormap`], [`overlay`], [`font`] | colours, HUD/legend layout, built-in 5×7 bitmap font |
//! | [`chart`] | the strip chart of T, energies and pressure (`g`, `--strip-chart`) |
//! | [`pick`] | which atom is under a pixel (ray against the drawn spheres) |
//! | [`readback`] | offscreen texture and copy back into an [`Image`] (un-padding wgpu's rows) |
//!
//! The renderer only ever sees a [`Snapshot`](crate::snapshot::Snapshot): the simulation
//! is free to change its data layout, and a window can never block it.
//!
//! # Frame times (lavapipe, no GPU)
//!
//! Offscreen, 1280×720, render + readback of one frame, median of 5 (after a warm-up
//! frame), `examples/render_bench.rs`, Mesa 22.3.6 lavapipe on the 2-core development
//! machine. First number: machine otherwise quiet; in brackets: while another `cargo build`
//! shared the cores.
//!
//! | atoms (`fcc_demo` n) | spheres | points |
//! | --- | --- | --- |
//! | 4 000 (10)   | 34 ms (50–77)    | 16 ms (29–32), quads, r ≈ 11 px |
//! | 32 000 (20)  | 102 ms (150–290) | 54 ms (72–140), quads, r ≈ 5.5 px |
//! | 256 000 (40) | 305 ms (420–820) | 107 ms (140–255), 1-px point list (r ≈ 2.7 px) |
//!
//! Sphere cost grows with covered pixels × `frag_depth` shading; point cost with vertex
//! count, hence the switch to a point list when atoms are under ~3 px in radius. The GL
//! backend (`WGPU_BACKEND=gl`, llvmpipe) is ~1.3–1.5× slower for spheres. Colouring and
//! uploading 256 000 atoms takes 10–20 ms. In the window, rendering stays below ~25 % of
//! the wall time (see `viewer`'s window module): a 4 000-atom view used 0.2 core-seconds
//! per second, a 32 000-atom view 0.3.
//!
//! `--render-mode auto` switches to points above [`AUTO_POINTS_ABOVE`] atoms.

pub mod camera;
pub mod chart;
pub mod colormap;
pub mod font;
pub mod gpu;
mod image;
pub mod overlay;
pub mod pick;
mod pipelines;
pub mod readback;
pub mod renderer;

pub use image::Image;
pub use readback::{OffscreenTarget, ReadbackError};
pub use renderer::{DrawOptions, Overlay, RenderTarget, Renderer, Scene, AUTO_POINTS_ABOVE, BACKGROUND, HIGHLIGHT};
