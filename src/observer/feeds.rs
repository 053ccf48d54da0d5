//! The simulation's side of the viewer and of offscreen capture: two [`Observer`]s.
//!
//! [`WindowFeed`] hands a [`Snapshot`] to the window over a `bounded(1)` crossbeam channel
//! with `try_send`: when the window has not taken the previous one yet, the new one is
//! dropped, so the simulation never waits for rendering. [`CaptureFeed`] renders GIF frames
//! and numbered PNGs offscreen at their cadence and the final `--screenshot`.

use crate::capture::OffscreenCapture;
use crate::observer::{Frame, Observer};
use crate::snapshot::Snapshot;
use crossbeam_channel::{Receiver, Sender};

/// Sends snapshots to the live window.
pub struct WindowFeed {
    tx: Option<Sender<Snapshot>>,
    stale: Receiver<Snapshot>,
    every: u64,
    lazy: bool,
}

impl WindowFeed {
    /// A feed sending every `every` steps. `lazy` (a run on one rank only): skip gathering a
    /// frame while the window has not taken the last one (it takes one when it is about to
    /// draw). Under MPI every rank keeps the cadence, since gathering is collective. `stale`
    /// is a receiver of the same channel: at the end a snapshot still waiting is dropped, so
    /// the final state always gets through (the window may not look for seconds).
    pub fn new(tx: Sender<Snapshot>, stale: Receiver<Snapshot>, every: u64, lazy: bool) -> WindowFeed {
        WindowFeed { tx: Some(tx), stale, every, lazy }
    }
}

impl Observer for WindowFeed {
    fn every(&self) -> Option<u64> {
        Some(self.every)
    }
    fn wants_frame(&self) -> bool {
        !self.lazy || self.tx.as_ref().is_some_and(|tx| !tx.is_full())
    }
    fn observe(&mut self, frame: &Frame) -> anyhow::Result<()> {
        // a full channel drops the new snapshot: the simulation never waits (once the window
        // is gone the channel stays full, and a lazy feed gathers nothing more)
        if let Some(tx) = &self.tx {
            let _ = tx.try_send(frame.snapshot());
        }
        Ok(())
    }
    fn finish(&mut self, frame: &Frame) -> anyhow::Result<()> {
        if let Some(tx) = self.tx.take() {
            // the last state matters: it replaces one the window has not taken yet
            while self.stale.try_recv().is_ok() {}
            let _ = tx.send_timeout(frame.snapshot(), std::time::Duration::from_millis(500));
        }
        Ok(())
    }
}

/// Offscreen GIF / PNG frames / final screenshot.
pub struct CaptureFeed {
    cap: Option<OffscreenCapture>,
    every: u64,
}

impl CaptureFeed {
    /// Capture driven every `every` steps (the capture itself decides which are due).
    pub fn new(cap: OffscreenCapture, every: u64) -> CaptureFeed {
        CaptureFeed { cap: Some(cap), every }
    }
}

impl Observer for CaptureFeed {
    fn every(&self) -> Option<u64> {
        Some(self.every)
    }
    fn observe(&mut self, frame: &Frame) -> anyhow::Result<()> {
        if let Some(c) = self.cap.as_mut() {
            c.on_snapshot(&frame.snapshot())?;
        }
        Ok(())
    }
    fn finish(&mut self, frame: &Frame) -> anyhow::Result<()> {
        if let Some(c) = self.cap.take() {
            // the capture prints the name of every file it writes
            c.finish(&frame.snapshot())?;
        }
        Ok(())
    }
}
