//! Velocity Verlet time stepping (port of `timestep.c`, spec §9).
//!
//! One step is: half kick (`p += dt/2 · f`), drift (`r += dt · p / m`), redistribute atoms
//! (cells, ranks, periodic wrap, halo images), compute forces, half kick. Momenta, not
//! velocities, are stored, as in CoMD. The kinetic energy is summed only at print steps.

use crate::comm::Comm;
use crate::error::RunError;
use crate::forces::Potential;
use crate::system::System;
use crate::timers::{Timer, Timers};
use crate::types::Real;

/// `p += dt * f` for every local atom (CoMD `advanceVelocity`; called with `dt/2`).
pub fn advance_velocity(sys: &mut System, dt: Real) {
    let a = &mut sys.atoms;
    for b in 0..sys.cells.n_local_boxes {
        for i in sys.cells.slots(b) {
            for k in 0..3 {
                a.p[i][k] += dt * a.f[i][k];
            }
        }
    }
}

/// `r += dt * p / m` for every local atom (CoMD `advancePosition`).
pub fn advance_position(sys: &mut System, dt: Real) {
    let inv_mass = 1.0 / sys.mass;
    let a = &mut sys.atoms;
    for b in 0..sys.cells.n_local_boxes {
        for i in sys.cells.slots(b) {
            for k in 0..3 {
                a.r[i][k] += dt * a.p[i][k] * inv_mass;
            }
        }
    }
}

/// Computes forces (timed) and stores this rank's potential energy.
pub fn compute_force(sys: &mut System, pot: &mut dyn Potential, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
    timers.start(Timer::Force);
    let e = pot.force_exact(sys, comm, timers);
    timers.stop(Timer::Force);
    sys.e_potential = e?;
    Ok(())
}

/// Advances `n_steps` steps of size `dt` in CoMD's exact order, then sums the energies
/// (CoMD `timestep` + `kineticEnergy`).
pub fn timestep(
    sys: &mut System,
    pot: &mut dyn Potential,
    comm: &mut dyn Comm,
    timers: &mut Timers,
    n_steps: u64,
    dt: Real,
) -> Result<(), RunError> {
    for _ in 0..n_steps {
        timers.time(Timer::Velocity, |_| advance_velocity(sys, 0.5 * dt));
        timers.time(Timer::Position, |_| advance_position(sys, dt));
        timers.start(Timer::Redistribute);
        let r = sys.redistribute(comm, timers);
        timers.stop(Timer::Redistribute);
        r?;
        compute_force(sys, pot, comm, timers)?;
        timers.time(Timer::Velocity, |_| advance_velocity(sys, 0.5 * dt));
    }
    sys.kinetic_energy(comm, timers);
    Ok(())
}
