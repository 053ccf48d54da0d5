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
//! | [`keys`], `window` | winit 0.30 window, key bindings, frame pacing |
//!
//! The renderer only ever sees a [`Snapshot`](crate::snapshot::Snapshot): the simulation
//! is free to change its data layout, and the window can never block it.
//!
//! # Frame times (lavapipe, no GPU)
//!
//! Offscreen, 1280×720, render + readback per frame, median of 5 frames, on the 2-core
//! development machine (Mesa 22.3.6 lavapipe, `examples/render_bench.rs`):
//!
//! | atoms (fcc_demo n) | spheres | points |
//! | --- | --- | --- |
//! | 4 000 (10)   | FRAME_4K_S  | FRAME_4K_P  |
//! | 32 000 (20)  | FRAME_32K_S | FRAME_32K_P |
//! | 256 000 (40) | FRAME_256K_S | FRAME_256K_P |
//!
//! `--render-mode auto` switches to points above
//! [`AUTO_POINTS_ABOVE`](render::AUTO_POINTS_ABOVE) atoms.

pub mod args;

#[cfg(feature = "viewer")]
pub mod camera;
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
pub mod render;
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
