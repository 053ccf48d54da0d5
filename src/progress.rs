//! A progress bar on stderr (steps, steps/s, ETA) for runs long enough to want one.
//!
//! Only when stderr is a terminal and `--quiet` is not given; the bar appears once the run
//! has been going for [`DELAY`] and is still far from done, so short runs and pipes never see
//! it. It is fed by the simulation's progress hook on rank 0.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How long a run must have been going before the bar shows.
pub const DELAY: Duration = Duration::from_secs(2);

/// Progress of a run from `start` to `end` steps.
pub struct Progress {
    start_step: u64,
    end: u64,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A progress display if it makes sense here (stderr is a terminal, not `quiet`).
    pub fn new(start_step: u64, end: u64, quiet: bool) -> Option<Progress> {
        (!quiet && std::io::stderr().is_terminal() && end > start_step)
            .then(|| Progress { start_step, end, started: Instant::now(), bar: None })
    }

    /// The run reached `step`.
    pub fn update(&mut self, step: u64) {
        if self.bar.is_none() {
            let elapsed = self.started.elapsed();
            let done = (step - self.start_step.min(step)) as f64 / (self.end - self.start_step) as f64;
            // show only if the rest will take a while too
            if elapsed < DELAY || done > 0.8 {
                return;
            }
            let bar = ProgressBar::new(self.end);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} steps  {per_sec}  ETA {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_position(step);
            bar.reset_eta();
            self.bar = Some(bar);
        }
        if let Some(b) = &self.bar {
            b.set_position(step);
            if step >= self.end {
                b.finish_and_clear();
            }
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
