//! Interatomic potentials behind one role trait (CoMD `BasePotential`).

pub mod eam;
pub mod lj;

use crate::comm::Comm;
use crate::error::RunError;
use crate::system::System;
use crate::timers::Timers;
use crate::types::Real;

/// What the engine needs from a potential: its constants and its force kernel.
pub trait Potential: Send {
    /// Interaction range, Å.
    fn cutoff(&self) -> Real;
    /// Mass of the species, internal units (eV·fs²/Å²).
    fn mass(&self) -> Real;
    /// Lattice constant recommended by the potential, Å.
    fn lattice_constant(&self) -> Real;
    /// Lattice type named by the potential (`FCC`).
    fn lattice_type(&self) -> &str;
    /// The `Potential data:` lines of the screen report, `(label, value)`.
    fn describe(&self) -> Vec<(&'static str, String)>;
    /// Whether this is the EAM potential (CoMD prints its labels with other padding).
    fn is_eam(&self) -> bool {
        false
    }
    /// Forces and per-atom energies of all local atoms in CoMD's serial loop order; returns
    /// this rank's potential energy (CoMD `computeForce`). Halo images must be current.
    fn force_exact(&mut self, sys: &mut System, comm: &mut dyn Comm, timers: &mut Timers) -> Result<Real, RunError>;
}

/// Formats like C's `%g` (6 significant digits, trailing zeros removed).
pub fn fmt_g(x: Real) -> String {
    crate::output::format::g(x)
}
