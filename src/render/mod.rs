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
//! | [`cull`] | which atoms are buried in the crystal, and the instance order that leaves them out |
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
//! Offscreen, 1280×720, render + readback of one frame, median of 5 per setting after warm-up
//! frames, culled and full frames alternated, `examples/render_bench.rs` (a shaken lattice,
//! one colour per atom), Mesa 22.3.6 lavapipe on the 2-core development machine. Ranges are
//! over three runs on 2026-12-03, when this machine was about twice as slow as on the day the
//! first table was taken (256 000 spheres, full: 305 ms then).
//!
//! | atoms (`fcc_demo` n) | spheres, all | spheres, culled | points, all | points, culled | drawn |
//! | --- | --- | --- | --- | --- | --- |
//! | 4 000 (10)     | 52–95 ms     | 39–66 ms   | 26–35 ms   | 19–31 ms   | 66 % |
//! | 32 000 (20)    | 172–184 ms   | 74–88 ms   | 79–96 ms   | 42–47 ms   | 39 % |
//! | 256 000 (40)   | 515–786 ms   | 141–238 ms | 207–231 ms | 97–104 ms  | 21 % |
//! | 1 000 188 (63) | 1522–1690 ms | 257–289 ms | 582–771 ms | 166–185 ms | 14 % |
//!
//! On a software rasteriser the cost is per atom drawn (triangle set-up and fragment
//! generation; a trivial fragment shader saves only ~20 %), so [`cull`] leaves out the atoms
//! buried in the crystal: the default view changes 0.01 % of the atoms' pixels. Unculled
//! points under ~3 px in radius are one-pixel dots (deeper atoms fill the gaps); culled ones
//! stay quads. The GL backend (`WGPU_BACKEND=gl`, llvmpipe) is ~1.3–1.5× slower for spheres.
//! Colouring, culling and uploading 256 000 atoms takes 40–55 ms, 1 000 000 atoms 190–245 ms,
//! on the viewer's thread. In the window, rendering stays below ~25 % of the wall time (see
//! `viewer`'s window module): a 4 000-atom view used 0.2 core-seconds per second, a 32 000-atom
//! view 0.3.
//!
//! `--render-mode auto` switches to points above [`AUTO_POINTS_ABOVE`] atoms.

mod buffers;
pub mod camera;
pub mod chart;
pub mod colormap;
pub mod cull;
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
