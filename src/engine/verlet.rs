//! Velocity Verlet, written once for both engines (port of `timestep.c`, spec §9).
//!
//! One step is: half kick (`p += dt/2 · f`), drift (`r += dt · p / m`), redistribute atoms
//! (cells or lists, ranks, periodic wrap, halo images), compute forces, half kick. Momenta,
//! not velocities, are stored, as in CoMD. Energies are summed only after the last step of a
//! call, where the run prints them. Each engine supplies the stages ([`Stages`]); the order
//! of the stages and the timers around them are here and nowhere else.
//!
//! Room for the ensembles: a Nosé–Hoover chain acts as thermostat half-steps before the
//! first and after the second half kick; BAOAB's stochastic step sits between two half
//! drifts (the drift stage split in two); a barostat rescales the box after the second half
//! kick. Each would be one more stage of [`Stages`], called from [`timestep`] only when the
//! run has that ensemble, so the constant-energy step — and its bits — stay as they are.

use crate::comm::Comm;
use crate::error::RunError;
use crate::timers::{Timer, Timers};
use crate::types::Real;

/// The stages an engine supplies to velocity Verlet.
pub trait Stages {
    /// `p += h · f` for every owned atom (CoMD `advanceVelocity`).
    fn kick(&mut self, h: Real);
    /// `r += dt · p / m` for every owned atom (CoMD `advancePosition`).
    fn drift(&mut self, dt: Real);
    /// Atoms to their cells or ranks, periodic images and ghosts refreshed
    /// (CoMD `redistributeAtoms`).
    fn redistribute(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
    /// Forces, and per-atom energies where `energies` (a path may always compute them).
    fn force(&mut self, energies: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
    /// Checks and global sums of the energies after the last step (CoMD `kineticEnergy`).
    fn sum_energies(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
}

/// The force stage, timed.
pub fn force(s: &mut dyn Stages, energies: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
    timers.start(Timer::Force);
    let r = s.force(energies, comm, timers);
    timers.stop(Timer::Force);
    r
}

/// The redistribution stage, timed.
pub fn redistribute(s: &mut dyn Stages, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
    timers.start(Timer::Redistribute);
    let r = s.redistribute(comm, timers);
    timers.stop(Timer::Redistribute);
    r
}

/// Advances `n` steps of size `dt`, then sums the energies (CoMD `timestep` +
/// `kineticEnergy`).
pub fn timestep(s: &mut dyn Stages, n: u64, dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
    steps(s, n, dt, true, comm, timers)
}

/// Advances `n` steps of size `dt`; with `energies`, the last force call computes per-atom
/// energies and the sums follow ([`timestep`]). Without, neither: the energies are stale
/// until [`energies`] is called (an embedding that steps one at a time pays for them only
/// when it reads them). The positions, momenta and forces are the same bits either way.
pub fn steps(s: &mut dyn Stages, n: u64, dt: Real, energies: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
    for step in 0..n {
        timers.time(Timer::Velocity, |_| s.kick(0.5 * dt));
        timers.time(Timer::Position, |_| s.drift(dt));
        redistribute(s, comm, timers)?;
        force(s, energies && step + 1 == n, comm, timers)?;
        timers.time(Timer::Velocity, |_| s.kick(0.5 * dt));
    }
    if energies {
        s.sum_energies(comm, timers)
    } else {
        Ok(())
    }
}

/// The energies of the current positions after [`steps`] without them: the force call again,
/// with per-atom energies (the same forces: same positions, same lists), then the sums.
pub fn energies(s: &mut dyn Stages, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
    force(s, true, comm, timers)?;
    s.sum_energies(comm, timers)
}
