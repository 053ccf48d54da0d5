//! Frame pacing and rate meters for the window: plain logic, unit-tested without a display.
//!
//! Without a GPU every frame is rendered by lavapipe on the cores the simulation needs, so
//! the window draws only when asked to and leaves idle time between frames proportional to
//! what the last frame cost: `max(100 ms, k × cost)` after a new snapshot (≤ 10 fps). On a
//! software renderer (lavapipe) k = 14: it draws each frame on all the cores the simulation
//! runs on, and its framebuffers push the simulation's data out of the caches, so the run
//! loses more than the frames' share of the wall time (k = 4, 6, 9 kept 86–88 % of the
//! headless speed at 32 000 atoms, k = 14 91 %: `benches/viewer.sh`; 32 000 spheres cost
//! ~55 ms in the default 1024×640 window, so ~1.3 frames/s, and about half that when colouring
//! by structure, since the analysis counts in the frame's cost). On a GPU, whose work takes no
//! core from the run, k = 4 (for the CPU side of a frame),
//! `max(40 ms, cost)` while the user drags the view (responsive at the price of more CPU,
//! only while a mouse button is down). A window takes a snapshot from the channel only when
//! a frame is due, and the simulation gathers none while the last one waits.

use std::time::{Duration, Instant};

/// Shortest interval between two frames driven by new snapshots.
pub const MIN_SNAPSHOT_INTERVAL: Duration = Duration::from_millis(100);
/// Shortest interval between two frames driven by mouse drags.
pub const MIN_INPUT_INTERVAL: Duration = Duration::from_millis(40);
/// How often an idle window wakes up to look at the snapshot channel.
pub const POLL: Duration = Duration::from_millis(50);
/// Idle time after a snapshot frame, in multiples of its cost, with a GPU.
const IDLE_FACTOR_GPU: u32 = 4;
/// The same with a software renderer, whose frames are drawn on the simulation's cores.
const IDLE_FACTOR_SOFTWARE: u32 = 14;

/// What a frame was drawn for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// A new snapshot from the simulation.
    Snapshot,
    /// A key, a click, a resize: the same snapshot.
    Input,
    /// A mouse drag (orbit, pan) in progress.
    Drag,
}

/// Decides when the next frame may be drawn.
#[derive(Debug, Clone)]
pub struct Pacer {
    next_frame: Instant,
    last_end: Instant,
    cost: Duration,
    idle_factor: u32,
}

impl Pacer {
    /// A pacer that allows a frame right away (GPU pacing until told otherwise).
    pub fn new(now: Instant) -> Self {
        Pacer {
            next_frame: now,
            last_end: now,
            cost: Duration::ZERO,
            idle_factor: IDLE_FACTOR_GPU,
        }
    }

    /// Paces for a software renderer (`true`) or a GPU.
    pub fn set_software(&mut self, software: bool) {
        self.idle_factor = if software { IDLE_FACTOR_SOFTWARE } else { IDLE_FACTOR_GPU };
    }

    /// Records a frame of `kind` that ran from `start` to `end`.
    pub fn frame_done(&mut self, start: Instant, end: Instant, kind: FrameKind) {
        self.cost = end.saturating_duration_since(start);
        self.next_frame = match kind {
            FrameKind::Snapshot => end + MIN_SNAPSHOT_INTERVAL.max(self.idle_factor * self.cost),
            FrameKind::Drag => end + MIN_INPUT_INTERVAL.max(self.cost),
            // a key or a click: the next snapshot frame keeps its time (keys pressed often must
            // not hold the simulation's pictures back)
            FrameKind::Input => self.next_frame.max(end),
        };
        self.last_end = end;
    }

    /// Whether a frame may be drawn at `now`.
    pub fn due(&self, now: Instant) -> bool {
        now >= self.next_frame
    }

    /// Whether a frame asked for by the user (a key, a click, a resize) may be drawn at `now`:
    /// such frames are rare, so they wait only `max(40 ms, cost)` after the last one, not the
    /// idle time of snapshot frames.
    pub fn input_due(&self, now: Instant) -> bool {
        now >= self.last_end + MIN_INPUT_INTERVAL.max(self.cost)
    }

    /// When to wake up next, given whether a frame is wanted.
    pub fn wake_at(&self, now: Instant, wants_frame: bool) -> Instant {
        if wants_frame && !self.due(now) {
            self.next_frame.min(now + POLL)
        } else {
            now + POLL
        }
    }

    /// Cost of the last frame.
    pub fn last_cost(&self) -> Duration {
        self.cost
    }
}

/// Smoothed rate of a growing counter (steps, frames) per wall-clock second.
#[derive(Debug, Clone, Default)]
pub struct RateMeter {
    last: Option<(u64, Instant)>,
    rate: Option<f64>,
}

impl RateMeter {
    /// Notes that the counter was `count` at `at`. A counter that did not grow is ignored
    /// (a paused simulation keeps its last rate on screen rather than showing zero).
    pub fn observe(&mut self, count: u64, at: Instant) {
        if let Some((c, t)) = self.last {
            let dt = at.saturating_duration_since(t).as_secs_f64();
            if count <= c || dt <= 0.0 {
                if count < c {
                    self.last = Some((count, at)); // counter restarted
                }
                return;
            }
            let r = (count - c) as f64 / dt;
            self.rate = Some(self.rate.map_or(r, |old| 0.7 * old + 0.3 * r));
        }
        self.last = Some((count, at));
    }

    /// The smoothed rate, once two observations were made.
    pub fn rate(&self) -> Option<f64> {
        self.rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacing_leaves_idle_time() {
        let t0 = Instant::now();
        let mut p = Pacer::new(t0);
        assert!(p.due(t0));
        // A cheap frame: capped at 10 fps.
        p.frame_done(t0, t0 + Duration::from_millis(10), FrameKind::Snapshot);
        assert!(!p.due(t0 + Duration::from_millis(100)));
        assert!(p.due(t0 + Duration::from_millis(110)));
        // An expensive frame: four times its cost of idle time with a GPU, 14 in software.
        p.frame_done(t0, t0 + Duration::from_millis(200), FrameKind::Snapshot);
        assert!(!p.due(t0 + Duration::from_millis(900)));
        assert!(p.due(t0 + Duration::from_millis(1000)));
        let mut soft = p.clone();
        soft.set_software(true);
        soft.frame_done(t0, t0 + Duration::from_millis(200), FrameKind::Snapshot);
        assert!(!soft.due(t0 + Duration::from_millis(2900)));
        assert!(soft.due(t0 + Duration::from_millis(3000)));
        // a key pressed meanwhile is answered after the frame's own cost
        assert!(!soft.input_due(t0 + Duration::from_millis(390)));
        assert!(soft.input_due(t0 + Duration::from_millis(400)));
        // and does not push the next snapshot frame back
        soft.frame_done(t0 + Duration::from_millis(400), t0 + Duration::from_millis(450), FrameKind::Input);
        assert!(soft.due(t0 + Duration::from_millis(3000)));
        assert!(!soft.input_due(t0 + Duration::from_millis(480)));
        assert_eq!(p.last_cost(), Duration::from_millis(200));
        // Dragging: only the frame's own cost.
        p.frame_done(t0, t0 + Duration::from_millis(200), FrameKind::Drag);
        assert!(p.due(t0 + Duration::from_millis(400)));
        // Waking: never later than POLL, at the frame time when one is wanted.
        let now = t0 + Duration::from_millis(210);
        assert_eq!(p.wake_at(now, false), now + POLL);
        assert_eq!(p.wake_at(now, true), now + POLL);
        assert_eq!(
            p.wake_at(t0 + Duration::from_millis(390), true),
            t0 + Duration::from_millis(400)
        );
    }

    #[test]
    fn rate_meter_smooths_and_ignores_pauses() {
        let t0 = Instant::now();
        let mut m = RateMeter::default();
        m.observe(0, t0);
        assert_eq!(m.rate(), None);
        m.observe(100, t0 + Duration::from_secs(1));
        assert_eq!(m.rate(), Some(100.0));
        m.observe(100, t0 + Duration::from_secs(2)); // paused
        assert_eq!(m.rate(), Some(100.0));
        m.observe(300, t0 + Duration::from_secs(3)); // 200 steps in 2 s since the last growth
        assert!((m.rate().unwrap() - 100.0).abs() < 1e-9);
        m.observe(5, t0 + Duration::from_secs(4)); // restart
        m.observe(15, t0 + Duration::from_secs(5));
        assert!((m.rate().unwrap() - (0.7 * 100.0 + 0.3 * 10.0)).abs() < 1e-9);
    }
}
