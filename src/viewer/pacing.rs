//! Frame pacing and rate meters for the window: plain logic, unit-tested without a display.
//!
//! Without a GPU every frame is rendered by lavapipe on the cores the simulation needs, so
//! the window draws only when asked to and leaves idle time between frames proportional to
//! what the last frame cost: `max(100 ms, 6 × cost)` after a new snapshot (≤ 10 fps,
//! ≤ ~15 % of the wall time; 32 000 spheres on lavapipe cost ~80 ms, so ~2 frames/s),
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
/// Idle time after a snapshot frame, in multiples of its cost.
const IDLE_FACTOR: u32 = 6;

/// Decides when the next frame may be drawn.
#[derive(Debug, Clone)]
pub struct Pacer {
    next_frame: Instant,
    cost: Duration,
}

impl Pacer {
    /// A pacer that allows a frame right away.
    pub fn new(now: Instant) -> Self {
        Pacer {
            next_frame: now,
            cost: Duration::ZERO,
        }
    }

    /// Records a frame that ran from `start` to `end`; `interactive` while dragging.
    pub fn frame_done(&mut self, start: Instant, end: Instant, interactive: bool) {
        self.cost = end.saturating_duration_since(start);
        let wait = if interactive {
            MIN_INPUT_INTERVAL.max(self.cost)
        } else {
            MIN_SNAPSHOT_INTERVAL.max(IDLE_FACTOR * self.cost)
        };
        self.next_frame = end + wait;
    }

    /// Whether a frame may be drawn at `now`.
    pub fn due(&self, now: Instant) -> bool {
        now >= self.next_frame
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
        p.frame_done(t0, t0 + Duration::from_millis(10), false);
        assert!(!p.due(t0 + Duration::from_millis(100)));
        assert!(p.due(t0 + Duration::from_millis(110)));
        // An expensive frame: six times its cost of idle time.
        p.frame_done(t0, t0 + Duration::from_millis(200), false);
        assert!(!p.due(t0 + Duration::from_millis(1300)));
        assert!(p.due(t0 + Duration::from_millis(1400)));
        assert_eq!(p.last_cost(), Duration::from_millis(200));
        // Dragging: only the frame's own cost.
        p.frame_done(t0, t0 + Duration::from_millis(200), true);
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
