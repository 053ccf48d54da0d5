//! What a thermostat or barostat adds to velocity Verlet, as two role traits.
//!
//! * [`Coupled`]: the operations an engine offers the ensembles — exact global kinetic
//!   energies, scaling of momenta, Langevin's stochastic step, scaling of the box. Only the
//!   default path has them ([`super::Stages::coupled`]); `--exact` stays CoMD's NVE.
//! * [`Coupling`]: an ensemble's hooks, called by [`super::verlet`] at fixed points of the
//!   step (before the first half kick, between two half drifts, after the second half
//!   kick). The ensembles themselves live in [`crate::ensemble`]; the engine
//!   knows nothing of them, and the constant-energy step calls no hook at all, so its bits
//!   stay CoMD's.
//!
//! Everything global here is an exact fixed-point sum ([`crate::fixed::FixedSum`]) and every
//! random number a pure function of (seed, gid, step) ([`crate::stream`]), so an
//! ensemble run gives the same bits for any thread count and rank grid.

use crate::comm::Comm;
use crate::error::RunError;
use crate::timers::Timers;
use crate::types::{Real, Real3};

/// The ensemble operations of an engine (one rank's part; the global ones are collective:
/// every rank calls them in the same order).
pub trait Coupled {
    /// Global kinetic energy per axis, `Σ p_a² / 2m` (eV), summed exactly.
    fn kinetic_diag(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Real3;
    /// Global kinetic energy (eV), `Σ p² / 2m` summed exactly.
    fn kinetic(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Real;
    /// `p_a *= s_a` for every owned atom.
    fn scale_momenta(&mut self, s: Real3);
    /// Langevin's O step: `p ← c1·p + √((1 − c1²) m kT) (ξ − ξ̄)` with `ξ` standard normals
    /// keyed by (seed, gid, step) and `ξ̄` their global mean (so the noise has zero net
    /// force); returns the global change of the kinetic energy (eV).
    fn langevin(&mut self, c1: Real, kt: Real, key: (u64, u64), n_global: i64, comm: &mut dyn Comm, timers: &mut Timers) -> Real;
    /// Global potential energy (eV) of the last force evaluation with energies, summed
    /// exactly.
    fn potential(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Real;
    /// Scales every position and the box by `mu` per axis (momenta untouched); ghosts and
    /// lists are rebuilt by the next redistribution. Fails, on every rank alike, if a rank's
    /// domain would be too small.
    fn scale_box(&mut self, mu: Real3) -> Result<(), RunError>;
    /// Redistributes and evaluates forces with energies at the current positions (after
    /// [`Coupled::scale_box`]).
    fn refresh(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
    /// Edge lengths of the global box, Å.
    fn box_lengths(&self) -> Real3;
    /// Global virial per axis `W_aa = Σ_pairs d_a f_a` (eV) of the last force evaluation with
    /// energies.
    fn virial_diag(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Real3;
}

/// An ensemble's additions to one velocity-Verlet step (see [`super::verlet`] for where
/// each is called). The hooks get the engine's [`Coupled`] operations.
pub trait Coupling {
    /// Before the first half kick (a Nosé–Hoover chain's half-step).
    fn begin(&mut self, e: &mut dyn Coupled, dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
    /// Whether the drift is split in two halves around [`Coupling::between_drifts`] (BAOAB).
    fn splits_drift(&self) -> bool;
    /// Between the two half drifts (Langevin's O step).
    fn between_drifts(&mut self, e: &mut dyn Coupled, dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
    /// Whether this step's force evaluation must give energies and the virial (the
    /// barostat's pressure).
    fn wants_virial(&self) -> bool;
    /// After the second half kick: the end of the step (a chain's half-step, CSVR's
    /// rescaling, the barostat's pressure and scaling, with the forces recomputed at the
    /// scaled positions). Advances the ensemble's step.
    fn end(&mut self, e: &mut dyn Coupled, dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
}
