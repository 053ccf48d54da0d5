//! The only type the simulation hands to the viewer and to capture.
//!
//! A [`Snapshot`] is a small, self-contained copy of what is worth drawing at one step:
//! positions as `f32` (GPU-ready), per-atom kinetic and potential energy, the owning MPI
//! rank, and the thermodynamic numbers shown in the overlay. It holds no reference into the
//! engine, so it can cross a thread (crossbeam channel) and the engine never waits for the
//! renderer (the "extract" idea from Bevy's render world).

/// The reasons a stop may give, in the order the ranks rank them.
pub const STOP_REASONS: [&str; 2] = ["SIGINT", "SIGTERM"];

/// One atom as the renderer sees it (the renderer uploads its own 16-byte instances).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SnapshotAtom {
    /// Position in Å (wrapped into the periodic box).
    pub pos: [f32; 3],
    /// Velocity, Å/fs (shown for a picked atom).
    pub vel: [f32; 3],
    /// Kinetic energy of the atom, eV.
    pub kinetic: f32,
    /// Potential energy of the atom, eV.
    pub potential: f32,
    /// MPI rank that owns the atom (0 in a serial run).
    pub rank: u32,
    /// Global atom id.
    pub gid: u32,
    /// a-CNA structure class code ([`crate::analysis::cna::Structure`]), filled by the
    /// viewer or capture when colouring by structure; 0 (other) otherwise.
    pub structure: u32,
}

/// State of the simulation at one step, as sent to the viewer / capture.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Time step number.
    pub step: u64,
    /// Simulated time, fs.
    pub time_fs: f64,
    /// Lower corner of the periodic box, Å.
    pub box_min: [f32; 3],
    /// Upper corner of the periodic box, Å.
    pub box_max: [f32; 3],
    /// Number of MPI ranks in the run (for colour-by-rank).
    pub n_ranks: u32,
    /// Temperature, K.
    pub temperature: f64,
    /// Total energy per atom, eV.
    pub e_total: f64,
    /// Potential energy per atom, eV.
    pub e_potential: f64,
    /// Kinetic energy per atom, eV.
    pub e_kinetic: f64,
    /// Pressure, GPa (virial and kinetic parts).
    pub pressure: f64,
    /// The thermostat's target temperature, K (`None`: constant energy).
    pub target_temp: Option<f64>,
    /// The atoms, sorted by gid.
    pub atoms: Vec<SnapshotAtom>,
}

impl Snapshot {
    /// [`fcc_demo`](Self::fcc_demo) with every coordinate shaken by up to ±`shake`/2 Å and
    /// each atom's kinetic energy (so its colour) drawn at random from `seed` (CoMD's
    /// `lcg61`): neighbours differ in colour, so a picture that loses an atom changes pixels.
    pub fn fcc_demo_shaken(n: usize, lat: f32, shake: f32, seed: u64) -> Snapshot {
        let mut snap = Snapshot::fcc_demo(n, lat);
        let mut seed = seed;
        let mut next = || crate::rng::lcg61(&mut seed) as f32;
        for a in &mut snap.atoms {
            for k in 0..3 {
                a.pos[k] += shake * (next() - 0.5);
            }
            a.kinetic = next();
        }
        snap
    }

    /// A perfect FCC crystal of `n`×`n`×`n` unit cells with lattice constant `lat` (Å), with
    /// a smooth fake energy field. For tests, benches and demos of the renderer.
    pub fn fcc_demo(n: usize, lat: f32) -> Snapshot {
        const BASIS: [[f32; 3]; 4] =
            [[0.25, 0.25, 0.25], [0.25, 0.75, 0.75], [0.75, 0.25, 0.75], [0.75, 0.75, 0.25]];
        let mut atoms = Vec::with_capacity(4 * n * n * n);
        for ix in 0..n {
            for iy in 0..n {
                for iz in 0..n {
                    for b in BASIS {
                        let pos = [
                            (ix as f32 + b[0]) * lat,
                            (iy as f32 + b[1]) * lat,
                            (iz as f32 + b[2]) * lat,
                        ];
                        let gid = atoms.len() as u32;
                        atoms.push(SnapshotAtom {
                            pos,
                            vel: [0.0; 3],
                            kinetic: 0.05 + 0.05 * (pos[0] / (n as f32 * lat)),
                            potential: -3.5 + 0.2 * (pos[1] / (n as f32 * lat)),
                            rank: u32::from(pos[0] >= 0.5 * n as f32 * lat),
                            gid,
                            structure: 0,
                        });
                    }
                }
            }
        }
        let l = n as f32 * lat;
        Snapshot {
            step: 0,
            time_fs: 0.0,
            box_min: [0.0; 3],
            box_max: [l; 3],
            n_ranks: 2,
            temperature: 600.0,
            e_total: -1.166,
            e_potential: -1.2436,
            e_kinetic: 0.0776,
            pressure: 0.0,
            target_temp: None,
            atoms,
        }
    }
}

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Controls that flow the other way, from the viewer to the simulation thread. The
/// simulation polls these between time steps; the viewer only sets them, so neither side
/// ever blocks on the other.
#[derive(Debug, Default)]
pub struct RunControl {
    paused: AtomicBool,
    step_requests: AtomicU64,
    delay_us: AtomicU64,
    stop: AtomicBool,
    starting: AtomicBool,
    running: AtomicBool,
    /// Changes of the thermostat's target asked for and not yet taken, whole K.
    target_nudge: std::sync::atomic::AtomicI64,
    reason: std::sync::OnceLock<&'static str>,
}

impl RunControl {
    /// A control block for a running simulation (not paused, no throttle).
    pub fn new() -> Self {
        Self::default()
    }
    /// Pause or resume the simulation.
    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }
    /// Whether the simulation is paused.
    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }
    /// Ask a paused simulation to advance by one time step.
    pub fn request_step(&self) {
        self.step_requests.fetch_add(1, Ordering::Relaxed);
    }
    /// Consumes one pending single-step request, if any.
    pub fn take_step_request(&self) -> bool {
        self.step_requests
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    }
    /// Extra wall-clock delay inserted after each time step (throttle), microseconds.
    pub fn set_delay_us(&self, us: u64) {
        self.delay_us.store(us, Ordering::Relaxed);
    }
    /// Current throttle delay, microseconds.
    pub fn delay_us(&self) -> u64 {
        self.delay_us.load(Ordering::Relaxed)
    }
    /// Ask the simulation to stop early (it finishes the current step and writes its report).
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
    /// Ask the simulation to stop early for `reason` (a signal's name), kept for the report.
    pub fn request_stop_for(&self, reason: &'static str) {
        let _ = self.reason.set(reason);
        self.request_stop();
    }
    /// Why the stop was requested, if [`RunControl::request_stop_for`] said so.
    pub fn stop_reason(&self) -> Option<&'static str> {
        self.reason.get().copied()
    }
    /// The stop request as a number the ranks can agree on with a maximum: 0 none, then
    /// a request without a reason, then each reason of [`STOP_REASONS`] (a signal outranks
    /// the viewer's `q`).
    pub fn stop_code(&self) -> i64 {
        match (self.stop_requested(), self.stop_reason()) {
            (false, _) => 0,
            (true, None) => 1,
            (true, Some(r)) => STOP_REASONS.iter().position(|&k| k == r).map_or(1, |k| k as i64 + 2),
        }
    }
    /// Takes on the agreed [`RunControl::stop_code`] of all ranks: a rank whose own request
    /// had no reason (or that had none) reports the signal another rank received.
    pub fn adopt_stop_code(&self, code: i64) {
        if let Some(&r) = usize::try_from(code - 2).ok().and_then(|k| STOP_REASONS.get(k)) {
            self.request_stop_for(r);
        } else if code > 0 {
            self.request_stop();
        }
    }
    /// Whether a stop was requested.
    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
    /// Marks the start of start-up proper (the checks passed; lattice, thermalization, first
    /// force follow): from here until [`RunControl::set_running`] a signal ends the process.
    /// Before it, while options and files are checked, a signal is only a stop request, so an
    /// error being reported (an MPI launcher terminating the other ranks of a failed check)
    /// is still printed.
    pub fn set_starting(&self) {
        self.starting.store(true, Ordering::SeqCst);
    }
    /// Whether start-up proper is under way (and the loop not yet).
    pub fn is_starting(&self) -> bool {
        self.starting.load(Ordering::SeqCst) && !self.is_running()
    }
    /// Marks the start of the time-step loop: from here on a stop is taken at the next step
    /// (before it, in start-up, there is nothing to save and a signal ends the process).
    pub fn set_running(&self) {
        self.running.store(true, Ordering::SeqCst);
    }
    /// Asks the simulation to change its thermostat's target by `delta_k` K (the viewer's
    /// `[` and `]`); requests add up until taken.
    pub fn nudge_target(&self, delta_k: f64) {
        self.target_nudge.fetch_add(delta_k.round() as i64, Ordering::Relaxed);
    }
    /// The sum of the target changes asked for since the last call, K.
    pub fn take_target_nudge(&self) -> f64 {
        self.target_nudge.swap(0, Ordering::Relaxed) as f64
    }
    /// Whether the time-step loop has started.
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }
}
