//! The live 3-D viewer and the renderer shared with offscreen capture.
//!
//! Only [`args`] is compiled without the `viewer` feature (the CLI flags must always
//! parse). Everything else needs wgpu/winit:
//!
//! | module | role |
//! | --- | --- |
//! | [`camera`] | orbit camera, perspective/orthographic, wgpu depth convention (pure math) |
//! | [`gpu`] | instance/adapter/device, `WGPU_BACKEND` etc., clear error when no adapter |
//! | [`render`] | [`render::Renderer`]: atoms (sphere impostors or points), box, overlay, into any `TextureView` |
//! | [`colormap`], [`overlay`], [`font`] | colours, HUD/legend layout, built-in 5×7 bitmap font |
//! | [`keys`], [`pacing`], `surface`, `window` | winit 0.30 window and its surface, key bindings, frame pacing |
//!
//! The renderer only ever sees a [`Snapshot`](crate::snapshot::Snapshot): the simulation
//! is free to change its data layout, and the window can never block it.
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
//! the wall time (see `window`): a 4 000-atom view used 0.2 core-seconds per second,
//! a 32 000-atom view 0.3.
//!
//! `--render-mode auto` switches to points above
//! [`AUTO_POINTS_ABOVE`](render::AUTO_POINTS_ABOVE) atoms.

pub use crate::cli::viewer as args;

#[cfg(feature = "viewer")]
pub mod camera;
#[cfg(feature = "viewer")]
pub mod feeds;
#[cfg(feature = "viewer")]
pub mod colormap;
#[cfg(feature = "viewer")]
pub mod font;
#[cfg(feature = "viewer")]
pub mod gpu;
#[cfg(feature = "viewer")]
pub mod keys;
#[cfg(feature = "viewer")]
pub mod overlay;
#[cfg(feature = "viewer")]
pub mod pacing;
#[cfg(feature = "viewer")]
mod pipelines;
#[cfg(feature = "viewer")]
pub mod render;
#[cfg(feature = "viewer")]
mod surface;
#[cfg(feature = "viewer")]
mod window;

pub use args::ViewerArgs;

/// Opens the viewer window and runs its event loop on the calling thread (must be the main
/// thread) until the user closes it (`q`, Esc or the close button).
///
/// Snapshots are taken from `rx` (newest wins, the sender should use `try_send` on a
/// `bounded(1)` channel); pause/step/throttle go to `control`. Closing the window does not
/// stop the run: it un-pauses and un-throttles the simulation, which then runs to its end.
/// When the sender is dropped the window stays open showing the final state.
///
/// # Errors
/// No display, no adapter, or a surface that cannot be created: a one-line message.
#[cfg(feature = "viewer")]
pub fn run_window(
    args: &ViewerArgs,
    rx: crossbeam_channel::Receiver<crate::snapshot::Snapshot>,
    control: std::sync::Arc<crate::snapshot::RunControl>,
) -> anyhow::Result<()> {
    check_window_available().map_err(anyhow::Error::msg)?;
    window::run(args, rx, control)
}

/// Checks, before a run starts, that a window could be opened: an X11 `DISPLAY` is set
/// (and for a local display its socket exists) and a graphics adapter is available.
///
/// # Errors
/// A one-line message saying what is missing and what to do.
pub fn check_window_available() -> Result<(), String> {
    if !cfg!(feature = "viewer") {
        return Err("--viewer needs comd built with the `viewer` feature".into());
    }
    let display = std::env::var("DISPLAY").unwrap_or_default();
    if display.is_empty() {
        return Err("--viewer needs an X11 display but DISPLAY is not set \
                    (try `xvfb-run -a comd --viewer ...`, or --screenshot/--gif for offscreen pictures)"
            .into());
    }
    // ":N" or ":N.S" is a local server listening on /tmp/.X11-unix/XN.
    if let Some(num) = display.strip_prefix(':') {
        let num = num.split('.').next().unwrap_or("");
        let socket = std::path::Path::new("/tmp/.X11-unix").join(format!("X{num}"));
        if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) && !socket.exists() {
            return Err(format!(
                "--viewer: no X server on DISPLAY={display} ({} is missing)",
                socket.display()
            ));
        }
    }
    #[cfg(feature = "viewer")]
    gpu::Gpu::headless().map_err(|e| format!("--viewer: {e}"))?;
    Ok(())
}
