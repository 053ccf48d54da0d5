//! The live 3-D viewer window (`--viewer`).
//!
//! Only [`args`] is compiled without the `viewer` feature (the CLI flags must always
//! parse). Everything else needs wgpu/winit. This module is only the window: drawing is
//! [`crate::render`]'s job (shared with offscreen capture, which is why it is not here),
//! and the `s`/`a` keys write their files through [`crate::image_out`]. The simulation side
//! of the window (the observer that sends snapshots) is [`crate::observer::feeds`].
//!
//! | module | role |
//! | --- | --- |
//! | [`keys`] | key bindings and the help text |
//! | [`pacing`] | frame pacing: how long to stay idle after a frame, frame/step rates |
//! | `surface` | the window's surface, its device and renderer, offscreen re-render for captures |
//! | `window` | winit 0.30 event loop: input, camera, snapshots from the channel, closing |
//!
//! The window only ever sees a [`Snapshot`](crate::snapshot::Snapshot) and never blocks
//! the simulation; the run never waits for the window either (see `window`).



#[cfg(feature = "viewer")]
pub mod keys;
#[cfg(feature = "viewer")]
pub mod pacing;
#[cfg(feature = "viewer")]
mod structure;
mod surface;
#[cfg(feature = "viewer")]
mod window;

pub use crate::cli::viewer::ViewerArgs;

/// Opens the viewer window and runs its event loop on the calling thread (must be the main
/// thread) until the user closes it (`q`, Esc or the close button).
///
/// Snapshots are taken from `rx` (newest wins, the sender should use `try_send` on a
/// `bounded(1)` channel); pause/step/throttle go to `control`. On closing, the window
/// un-pauses and un-throttles the simulation; the caller then decides what closing means
/// (`comd` asks the run to stop: it finishes the current step and writes its reports).
/// When the sender is dropped the window stays open showing the final state. A stop
/// requested through `control` by someone else (Ctrl-C) closes the window.
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
    yield_to_the_simulation();
    window::run(args, rx, control)
}

/// Nice value of the window's thread, and so of the renderer's threads (lavapipe's
/// rasterisers, created with the GPU device) and of the structure analysis's (rayon's global
/// pool, started from this thread): each inherits it when it is created.
const VIEWER_NICE: i32 = 10;

/// Lowers this thread's scheduling priority (on Linux the nice value belongs to a thread,
/// not the process), so the window takes the cores only when the simulation leaves them.
///
/// **Why.** Without a GPU every frame and every structure analysis is computed on the cores
/// the simulation's threads run on, and its parallel loops advance at the pace of their
/// slowest thread. At nice 10 the scheduler gives the simulation's threads about ten times
/// the weight of the window's when both want a core; the window's frames come a little later
/// instead. Lowering one's own priority needs no privilege; when it fails, nothing changes.
fn yield_to_the_simulation() {
    let _ = rustix::process::nice(VIEWER_NICE);
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
    crate::render::gpu::Gpu::headless().map_err(|e| format!("--viewer: {e}"))?;
    Ok(())
}
