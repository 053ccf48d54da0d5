//! Demo of the viewer and capture without the engine: a thread streams a jittering FCC
//! crystal (`Snapshot::fcc_demo`) like the simulation would, honouring pause, single step,
//! throttle and stop from [`RunControl`].
//!
//! ```text
//! cargo run --release --example viewer_demo -- --viewer                 # window (needs DISPLAY)
//! cargo run --release --example viewer_demo -- --gif a.gif --screenshot a.png   # headless
//! cargo run --release --example viewer_demo -- --viewer --cells 20 --steps 2000
//! ```

use clap::Parser;
use comd::snapshot::{RunControl, Snapshot};
use comd::viewer::ViewerArgs;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Streams a jittering FCC crystal to the comd-rs viewer and capture (no physics).
#[derive(Parser, Debug)]
struct Cli {
    /// FCC unit cells per side (4 n^3 atoms).
    #[arg(long, default_value_t = 8)]
    cells: usize,
    /// Number of time steps to "simulate".
    #[arg(long, default_value_t = 400)]
    steps: u64,
    /// Steps between two snapshots.
    #[arg(long, default_value_t = 5)]
    snapshot_every: u64,
    /// Wall-clock cost of one fake step, ms.
    #[arg(long, default_value_t = 5)]
    step_ms: u64,
    #[command(flatten)]
    viewer: ViewerArgs,
}

/// A cheap deterministic "thermal" jitter so successive snapshots differ.
fn jittered(base: &Snapshot, step: u64) -> Snapshot {
    let mut s = base.clone();
    s.step = step;
    s.time_fs = step as f64 * 1.0;
    let t = step as f32 * 0.05;
    for a in &mut s.atoms {
        let g = a.gid as f32;
        for (x, freq) in a.pos.iter_mut().zip([0.618, 1.3, 2.9]) {
            *x += 0.12 * (t + g * freq).sin();
        }
        let v = (t * 1.3 + g * 0.37).sin();
        a.kinetic = 0.04 + 0.03 * v * v + 0.02 * (a.pos[0] / s.box_max[0]);
    }
    s.temperature = 600.0 + 20.0 * (t * 0.2).sin() as f64;
    s
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = cli.viewer.validate() {
        eprintln!("viewer_demo: {e}");
        return ExitCode::from(2);
    }
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("viewer_demo: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    if cli.viewer.wants_window() {
        comd::viewer::check_window_available().map_err(anyhow::Error::msg)?;
    }
    let capture = if cli.viewer.wants_capture() {
        Some(comd::capture::OffscreenCapture::new(&cli.viewer)?)
    } else {
        None
    };
    let control = Arc::new(RunControl::new());
    let (tx, rx) = crossbeam_channel::bounded::<Snapshot>(1);
    let base = Snapshot::fcc_demo(cli.cells, 3.615);
    let (steps, every, step_ms) = (cli.steps, cli.snapshot_every.max(1), cli.step_ms);
    let sim_control = control.clone();
    // Capture runs on the simulation thread at its cadence (as `comd` would do it): every
    // due frame is rendered, at the cost of pausing the physics while it renders.
    let sim = std::thread::spawn(move || -> anyhow::Result<()> {
        let mut capture = capture;
        let mut window_open = true;
        let mut last = jittered(&base, 0);
        let mut step = 0;
        while step <= steps && !sim_control.stop_requested() {
            if sim_control.is_paused() && !sim_control.take_step_request() {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            std::thread::sleep(
                Duration::from_millis(step_ms) + Duration::from_micros(sim_control.delay_us()),
            );
            if step % every == 0 || step == steps {
                last = jittered(&base, step);
                if window_open {
                    // Never wait for the viewer: drop the frame if it is busy.
                    if let Err(crossbeam_channel::TrySendError::Disconnected(_)) =
                        tx.try_send(last.clone())
                    {
                        window_open = false;
                    }
                }
                if let Some(cap) = capture.as_mut() {
                    cap.on_snapshot(&last)?;
                }
            }
            step += 1;
        }
        eprintln!("viewer_demo: simulation finished at step {}", last.step);
        if let Some(cap) = capture {
            for f in cap.finish(&last)? {
                eprintln!("viewer_demo: output {}", f.display());
            }
        }
        Ok(())
    });

    let window_result = if cli.viewer.wants_window() {
        comd::viewer::run_window(&cli.viewer, rx, control.clone())
    } else {
        drop(rx);
        Ok(())
    };
    let sim_result = sim
        .join()
        .map_err(|_| anyhow::anyhow!("simulation thread panicked"))?;
    window_result.and(sim_result)
}
