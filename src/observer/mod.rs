//! Watching a run: whatever wants the per-atom state at some steps (trajectory writers,
//! checkpoints, the viewer, offscreen capture) implements [`Observer`]. The simulation
//! gathers the atoms of all ranks into one [`Frame`] on rank 0, only at steps some observer
//! asked for, so observers cost nothing in between.
//!
//! The observers that feed the window and offscreen capture are in [`feeds`] (feature
//! `viewer`): they are the simulation's side of those front ends, so they live with the
//! other observers rather than in the window's module.

#[cfg(feature = "viewer")]
pub mod feeds;

use crate::records::AtomRecord;
use crate::snapshot::{Snapshot, SnapshotAtom};

/// The whole system at one step, on rank 0, atoms sorted by gid.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Step number.
    pub step: u64,
    /// Time step, fs.
    pub dt: f64,
    /// Box lower corner, Å.
    pub box_min: [f64; 3],
    /// Box upper corner, Å.
    pub box_max: [f64; 3],
    /// Number of ranks.
    pub n_ranks: usize,
    /// Global potential energy, eV.
    pub e_potential: f64,
    /// Global kinetic energy, eV.
    pub e_kinetic: f64,
    /// Atom mass, internal units.
    pub mass: f64,
    /// Species name of every atom (the potential's, `Cu`).
    pub species: String,
    /// The unit of the records' per-atom energy `u`, eV (`Potential::u_unit`): eV = `u · u_unit`.
    pub u_unit: f64,
    /// Pressure (virial and kinetic parts), GPa.
    pub pressure: f64,
    /// The global virial tensor `W_ab = Σ_pairs d_a f_b`, eV, Voigt order `xx yy zz yz xz xy`.
    pub virial: [f64; 6],
    /// Total energy per atom at step 0, eV (the validation block; carried across restarts).
    pub e_initial: f64,
    /// Atoms at step 0.
    pub n_initial: i64,
    /// The atoms, sorted by gid.
    pub atoms: Vec<AtomRecord>,
    /// Owning rank of each atom (same order).
    pub ranks: Vec<u32>,
    /// The thermostat's target temperature now, K (`None`: constant energy).
    pub target_temp: Option<f64>,
    /// The ensemble's state for checkpoints (empty for constant energy).
    pub ensemble: Vec<f64>,
}

impl Frame {
    /// Simulated time, fs.
    pub fn time(&self) -> f64 {
        self.step as f64 * self.dt
    }

    /// The frame with every position wrapped into the box ([`AtomRecord::wrapped`]), as
    /// files show it (not for checkpoints: they keep the engine's bits).
    pub fn wrapped(&self) -> Frame {
        let lengths: [f64; 3] = std::array::from_fn(|k| self.box_max[k] - self.box_min[k]);
        Frame { atoms: self.atoms.iter().map(|a| a.wrapped(lengths)).collect(), ..self.clone() }
    }

    /// The stress tensor `σ_ab = −(Σ p_a p_b / m + W_ab) / V` in eV/Å³, Voigt order (ASE's
    /// sign and order: `−σ_aa` averages to the pressure), its kinetic part summed in gid order.
    pub fn stress(&self) -> [f64; 6] {
        let volume: f64 = (0..3).map(|k| self.box_max[k] - self.box_min[k]).product();
        let inv_m = 1.0 / self.mass;
        std::array::from_fn(|c| {
            let (a, b) = crate::types::VOIGT[c];
            let kinetic: f64 = self.atoms.iter().map(|r| r.p[a] * r.p[b] * inv_m).sum();
            -(kinetic + self.virial[c]) / volume
        })
    }

    /// Temperature, K.
    pub fn temperature(&self) -> f64 {
        (self.e_kinetic / self.atoms.len().max(1) as f64) / (crate::constants::KB_EV * 1.5)
    }

    /// The renderer's view of this frame.
    pub fn snapshot(&self) -> Snapshot {
        let inv_mass = 1.0 / self.mass;
        let n = self.atoms.len().max(1) as f64;
        let atoms = self
            .atoms
            .iter()
            .zip(&self.ranks)
            .map(|(a, &rank)| {
                let p = a.p;
                SnapshotAtom {
                    pos: a.r.map(|v| v as f32),
                    vel: p.map(|v| (v * inv_mass) as f32),
                    kinetic: (0.5 * (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) * inv_mass) as f32,
                    potential: (a.u * self.u_unit) as f32,
                    rank,
                    gid: a.gid as u32,
                    structure: 0,
                }
            })
            .collect();
        Snapshot {
            step: self.step,
            time_fs: self.time(),
            box_min: self.box_min.map(|v| v as f32),
            box_max: self.box_max.map(|v| v as f32),
            n_ranks: self.n_ranks as u32,
            temperature: self.temperature(),
            e_total: (self.e_potential + self.e_kinetic) / n,
            e_potential: self.e_potential / n,
            e_kinetic: self.e_kinetic / n,
            pressure: self.pressure,
            target_temp: self.target_temp,
            atoms,
        }
    }
}

/// Something that looks at the system every few steps.
pub trait Observer {
    /// Steps between calls to [`Observer::observe`] (`None`: only [`Observer::finish`]).
    /// Must give the same answer on every rank: the gather is collective.
    fn every(&self) -> Option<u64>;
    /// The state at a step that is a multiple of [`Observer::every`] (rank 0 only).
    fn observe(&mut self, frame: &Frame) -> anyhow::Result<()>;
    /// The final state (rank 0 only), also after a run stopped early.
    fn finish(&mut self, frame: &Frame) -> anyhow::Result<()>;
    /// Whether a frame at this due step would be used (the window's feed says no while the
    /// window has not taken the last one: gathering 32 000 atoms costs ~10 ms). Observers on
    /// several ranks must keep answering yes: the answer must be the same on every rank.
    fn wants_frame(&self) -> bool {
        true
    }
    /// Whether [`Observer::finish`] needs a frame at all (gathering costs a little).
    fn wants_final_frame(&self) -> bool {
        true
    }
    /// Warnings for the run's report (e.g. frames missing before a restart's step).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Stands in, on ranks other than 0, for an observer that only rank 0 has (viewer, capture):
/// it keeps the cadence, which every rank must share because gathering a frame is collective.
pub struct Cadence(pub Option<u64>);

impl Observer for Cadence {
    fn every(&self) -> Option<u64> {
        self.0
    }
    fn observe(&mut self, _frame: &Frame) -> anyhow::Result<()> {
        Ok(())
    }
    fn finish(&mut self, _frame: &Frame) -> anyhow::Result<()> {
        Ok(())
    }
}
