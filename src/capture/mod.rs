//! Pictures of the simulation without a window: PNG screenshots, numbered PNG frames and
//! animated GIFs, for `--screenshot`, `--gif` and `--frames` with no display at all.
//!
//! Only the *driver* lives here: [`offscreen::OffscreenCapture`] decides which snapshots are
//! due (cadence in steps, whatever the snapshot rate), renders them with the same
//! [`Renderer`](crate::render::Renderer) as the window into an
//! [`OffscreenTarget`](crate::render::OffscreenTarget), and hands the
//! [`Image`](crate::render::Image)s to the background writer of [`crate::image_out`]. The
//! window does the same for its `s`/`a` keys through the same two modules, so the window and
//! capture never import each other.

pub mod offscreen;

pub use crate::image_out::CaptureError;
pub use offscreen::OffscreenCapture;
