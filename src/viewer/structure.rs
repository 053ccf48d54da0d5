//! Structure colouring in the window, throttled: a-CNA runs on the viewer's thread for frames
//! drawn for a new snapshot, at most twice a second and at most once per five times what it
//! took (256 000 atoms take ~0.3 s on two cores: at most every 1.5 s). Its time counts in the
//! frame's cost, which sets the window's idle time (`pacing.rs`), so on lavapipe frames and
//! analyses come less often than that. The simulation never waits for it; snapshots in
//! between reuse the last classes, matched by atom index (snapshots are sorted by gid).

use crate::analysis::cna::label_snapshot;
use crate::snapshot::Snapshot;
use std::time::{Duration, Instant};

/// Shortest time between two analyses.
const EVERY: Duration = Duration::from_millis(500);

/// Idle time after an analysis, in multiples of what it took.
const IDLE_FACTOR: u32 = 4;

/// The last classes computed, when, and what that cost.
#[derive(Debug, Default)]
pub(crate) struct StructureCache {
    classes: Vec<u32>,
    at: Option<Instant>,
    cost: Duration,
    logged: bool,
}

impl StructureCache {
    /// Fills `snap`'s structure codes: a fresh analysis when the last one is old enough (or
    /// does not fit the atom count), the cached classes otherwise.
    pub(crate) fn label(&mut self, snap: &mut Snapshot) {
        let due = self.at.is_none_or(|t| t.elapsed() >= EVERY.max(IDLE_FACTOR * self.cost));
        if due || self.classes.len() != snap.atoms.len() {
            let t0 = Instant::now();
            label_snapshot(snap);
            self.classes = snap.atoms.iter().map(|a| a.structure).collect();
            self.at = Some(Instant::now());
            self.cost = t0.elapsed();
            if !self.logged {
                self.logged = true;
                eprintln!(
                    "comd: a-CNA of {} atoms took {:.1} ms (runs at most every {} ms)",
                    snap.atoms.len(),
                    self.cost.as_secs_f64() * 1e3,
                    EVERY.max(IDLE_FACTOR * self.cost).as_millis()
                );
            }
        } else {
            for (a, &c) in snap.atoms.iter_mut().zip(&self.classes) {
                a.structure = c;
            }
        }
    }
}
