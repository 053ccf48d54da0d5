//! Wall-clock timers with CoMD's names (port of `performanceTimers.c`).

use std::time::Instant;

/// CoMD's timers, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Timer {
    Total,
    Loop,
    Timestep,
    Position,
    Velocity,
    Redistribute,
    AtomHalo,
    Force,
    EamHalo,
    CommHalo,
    CommReduce,
}

/// Number of timers.
pub const N_TIMERS: usize = 11;

/// Names as CoMD prints them (indentation shows nesting).
pub const TIMER_NAMES: [&str; N_TIMERS] = [
    "total",
    "loop",
    "timestep",
    "  position",
    "  velocity",
    "  redistribute",
    "    atomHalo",
    "  force",
    "    eamHalo",
    "commHalo",
    "commReduce",
];

/// The set of timers of one rank.
#[derive(Debug, Clone)]
pub struct Timers {
    start: [Option<Instant>; N_TIMERS],
    /// Accumulated seconds per timer.
    pub total: [f64; N_TIMERS],
    /// Seconds since the last [`Timers::take_elapsed`] per timer.
    elapsed: [f64; N_TIMERS],
    /// Number of start/stop pairs per timer.
    pub count: [u64; N_TIMERS],
}

impl Default for Timers {
    fn default() -> Self {
        Timers { start: [None; N_TIMERS], total: [0.0; N_TIMERS], elapsed: [0.0; N_TIMERS], count: [0; N_TIMERS] }
    }
}

impl Timers {
    /// Starts timer `t`.
    pub fn start(&mut self, t: Timer) {
        self.start[t as usize] = Some(Instant::now());
    }

    /// Stops timer `t`, adding the time since its start.
    pub fn stop(&mut self, t: Timer) {
        if let Some(s) = self.start[t as usize].take() {
            let dt = s.elapsed().as_secs_f64();
            self.total[t as usize] += dt;
            self.elapsed[t as usize] += dt;
            self.count[t as usize] += 1;
        }
    }

    /// Runs `f` inside timer `t`.
    pub fn time<R>(&mut self, t: Timer, f: impl FnOnce(&mut Self) -> R) -> R {
        self.start(t);
        let r = f(self);
        self.stop(t);
        r
    }

    /// Seconds accumulated by `t` since the previous call (CoMD `getElapsedTime`).
    pub fn take_elapsed(&mut self, t: Timer) -> f64 {
        std::mem::take(&mut self.elapsed[t as usize])
    }
}

/// Statistics of one timer across ranks.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimerStats {
    /// Rank with the smallest total.
    pub min_rank: usize,
    /// Smallest total, s.
    pub min: f64,
    /// Rank with the largest total.
    pub max_rank: usize,
    /// Largest total, s.
    pub max: f64,
    /// Mean over ranks, s.
    pub avg: f64,
    /// Standard deviation over ranks, s.
    pub stdev: f64,
}

impl TimerStats {
    /// Statistics of per-rank totals (index = rank).
    pub fn from_values(values: &[f64]) -> TimerStats {
        let mut s = TimerStats { min: f64::INFINITY, max: f64::NEG_INFINITY, ..Default::default() };
        for (r, &v) in values.iter().enumerate() {
            if v < s.min {
                s.min = v;
                s.min_rank = r;
            }
            if v > s.max {
                s.max = v;
                s.max_rank = r;
            }
        }
        let n = values.len() as f64;
        s.avg = values.iter().sum::<f64>() / n;
        let sq = values.iter().map(|v| v * v).sum::<f64>() / n;
        s.stdev = (sq - s.avg * s.avg).abs().sqrt();
        s
    }
}
