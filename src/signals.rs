//! Ctrl-C and SIGTERM: finish the current step, write what was asked for, exit 130 / 143.
//!
//! [`install`] starts a thread that waits for SIGINT or SIGTERM (with `signal-hook`, so
//! nothing unusual runs inside the signal handler itself). The first signal is remembered
//! and turned into [`RunControl::request_stop`]: the loop finishes its step, the ranks agree
//! to stop, the final row is printed, observers get the final frame (checkpoint,
//! trajectories), the YAML report is written, and `main` exits with [`Interrupt::exit_status`].
//! A second signal ends the process at once, with the same status. A signal during start-up
//! (after the checks, before the first step: lattice creation, thermalization, first force)
//! ends the process at once too: there is nothing to save yet, and start-up of a large system
//! takes minutes. While the options and files are still being checked, a signal is a stop
//! request like any other, so an error being reported is printed whole.

use crate::snapshot::RunControl;
use signal_hook::consts::{SIGINT, SIGTERM};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

/// Which signal stopped the run, if any.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    signal: Arc<AtomicI32>,
}

impl Interrupt {
    /// The signal received (`SIGINT` or `SIGTERM`), or `None`.
    pub fn signal(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            s => Some(s),
        }
    }

    /// The conventional exit status for the signal received: 130 (SIGINT), 143 (SIGTERM).
    pub fn exit_status(&self) -> Option<u8> {
        self.signal().map(status_for)
    }
}

fn status_for(sig: i32) -> u8 {
    if sig == SIGTERM {
        143
    } else {
        130
    }
}

/// Routes SIGINT and SIGTERM to `control` for the rest of the process.
pub fn install(control: Arc<RunControl>) -> anyhow::Result<Interrupt> {
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    let interrupt = Interrupt::default();
    let seen = interrupt.signal.clone();
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        for sig in signals.forever() {
            if seen.compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
                let [int, term] = crate::snapshot::STOP_REASONS;
                let name = if sig == SIGTERM { term } else { int };
                if control.is_starting() {
                    // start-up (lattice, thermalization, first force, thread pool): no step
                    // done, nothing to save; waiting for it to end could take minutes
                    eprintln!("\ncomd: {name} received during start-up: quitting (no step done, nothing to save)");
                    std::process::exit(i32::from(status_for(sig)));
                }
                eprintln!("\ncomd: {name} received: stopping after this step (send it again to quit at once)");
                control.request_stop_for(name);
            } else {
                eprintln!("\ncomd: second signal: quitting now");
                std::process::exit(i32::from(status_for(seen.load(Ordering::SeqCst))));
            }
        }
    })?;
    Ok(interrupt)
}
