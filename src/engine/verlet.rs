//! Velocity Verlet, written once for both engines (port of `timestep.c`, spec §9).
//!
//! One step is: half kick (`p += dt/2 · f`), drift (`r += dt · p / m`), redistribute atoms
//! (cells or lists, ranks, periodic wrap, halo images), compute forces, half kick. Momenta,
//! not velocities, are stored, as in CoMD. Energies are summed only after the last step of a
//! call, where the run prints them. Each engine supplies the stages ([`Stages`]); the order
//! of the stages and the timers around them are here and nowhere else.
//!
//! The ensembles hook in at three points ([`Coupling`]): a Nosé–Hoover chain's half-steps
//! before the first and after the second half kick; BAOAB's stochastic step between two
//! half drifts (the drift split in two); at the end, CSVR's rescaling and the barostat's
//! pressure and scaling of the box (with the forces at the scaled positions). A constant-energy run
//! passes no coupling and calls none of them, so its step — and its bits — stay CoMD's.

use super::coupling::{Coupled, Coupling};
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
    /// [`Stages::redistribute`], agreeing on `flag` as well (true on every rank if it is on
    /// any): a path whose redistribution makes a global reduction anyway carries the flag in
    /// it, so asking every step whether to stop costs no message of its own.
    fn redistribute_agreeing(&mut self, flag: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<bool, RunError> {
        self.redistribute(comm, timers)?;
        Ok(agree_flag(flag, comm, timers))
    }
    /// Forces, and per-atom energies where `energies` (a path may always compute them).
    fn force(&mut self, energies: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
    /// Checks and global sums of the energies after the last step (CoMD `kineticEnergy`).
    fn sum_energies(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
    /// The ensemble operations, on a path that has them (the default path); `None` on
    /// CoMD's exact path.
    fn coupled(&mut self) -> Option<&mut dyn Coupled> {
        None
    }
}

/// The engine's [`Coupled`] operations, or the error of a path without them.
fn coupled(s: &mut dyn Stages) -> Result<&mut dyn Coupled, RunError> {
    s.coupled().ok_or(RunError::Unsupported { what: "a thermostat or barostat", path: "exact" })
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

/// [`Stages::redistribute_agreeing`], timed.
fn redistribute_agreeing(s: &mut dyn Stages, flag: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<bool, RunError> {
    timers.start(Timer::Redistribute);
    let r = s.redistribute_agreeing(flag, comm, timers);
    timers.stop(Timer::Redistribute);
    r
}

/// `flag` of any rank, on every rank: a reduction of its own (none on one rank).
pub fn agree_flag(flag: bool, comm: &mut dyn Comm, timers: &mut Timers) -> bool {
    let mut f = [i64::from(flag)];
    if comm.size() > 1 {
        timers.time(Timer::CommReduce, |_| comm.max_i64(&mut f));
    }
    f[0] != 0
}

/// Advances `n` steps of size `dt`, then sums the energies (CoMD `timestep` +
/// `kineticEnergy`).
pub fn timestep(s: &mut dyn Stages, n: u64, dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
    steps(s, None, n, dt, true, comm, timers)
}

/// Advances `n` steps of size `dt`; with `energies`, the last force call computes per-atom
/// energies and the sums follow ([`timestep`]). Without, neither: the energies are stale
/// until [`energies`] is called (an embedding that steps one at a time pays for them only
/// when it reads them). The positions, momenta and forces are the same bits either way.
/// With a `coupling`, the steps are the ensemble's.
pub fn steps(s: &mut dyn Stages, coupling: Option<&mut dyn Coupling>, n: u64, dt: Real, energies: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
    advance(s, coupling, n, dt, energies, comm, timers, &|| false).map(|_| ()).map_err(|(_, e)| e)
}

/// Like [`timestep`], but asks `stop` once in every step, before its force stage; the ranks
/// agree on the answer (one integer maximum, made by every rank in the same step), and the
/// step where any rank saw `true` is the last: it finishes (with energies) and the call
/// returns the steps done. A stop is therefore seen within the step it was requested in.
/// On failure, the error comes with the 1-based index of the step that found it.
/// With a `coupling`, the step is the ensemble's ([`Coupling`]).
pub fn timestep_until(
    s: &mut dyn Stages,
    coupling: Option<&mut dyn Coupling>,
    n: u64,
    dt: Real,
    comm: &mut dyn Comm,
    timers: &mut Timers,
    stop: &dyn Fn() -> bool,
) -> Result<u64, (u64, RunError)> {
    advance(s, coupling, n, dt, true, comm, timers, stop)
}

/// The loop of [`steps`] and [`timestep_until`].
#[allow(clippy::too_many_arguments)]
fn advance(
    s: &mut dyn Stages,
    mut coupling: Option<&mut dyn Coupling>,
    n: u64,
    dt: Real,
    energies: bool,
    comm: &mut dyn Comm,
    timers: &mut Timers,
    stop: &dyn Fn() -> bool,
) -> Result<u64, (u64, RunError)> {
    let mut done = n;
    for step in 0..n {
        let at = |e| (step + 1, e);
        if let Some(c) = coupling.as_deref_mut() {
            c.begin(coupled(s).map_err(at)?, dt, comm, timers).map_err(at)?;
        }
        timers.time(Timer::Velocity, |_| s.kick(0.5 * dt));
        match coupling.as_deref_mut() {
            None => timers.time(Timer::Position, |_| s.drift(dt)),
            Some(c) => {
                if c.splits_drift() {
                    timers.time(Timer::Position, |_| s.drift(0.5 * dt));
                    c.between_drifts(coupled(s).map_err(at)?, dt, comm, timers).map_err(at)?;
                    timers.time(Timer::Position, |_| s.drift(0.5 * dt));
                } else {
                    timers.time(Timer::Position, |_| s.drift(dt));
                }
            }
        }
        let stopping = redistribute_agreeing(s, step + 1 < n && stop(), comm, timers).map_err(at)?;
        let last = step + 1 == n || stopping;
        let virial = coupling.as_deref().is_some_and(|c| c.wants_virial());
        force(s, (energies && last) || virial, comm, timers).map_err(at)?;
        timers.time(Timer::Velocity, |_| s.kick(0.5 * dt));
        if let Some(c) = coupling.as_deref_mut() {
            c.end(coupled(s).map_err(at)?, dt, comm, timers).map_err(at)?;
        }
        if last {
            done = step + 1;
            break;
        }
    }
    if energies {
        s.sum_energies(comm, timers).map_err(|e| (done, e))?;
    }
    Ok(done)
}

/// The energies of the current positions after [`steps`] without them: the force call again,
/// with per-atom energies (the same forces: same positions, same lists), then the sums.
pub fn energies(s: &mut dyn Stages, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
    force(s, true, comm, timers)?;
    s.sum_energies(comm, timers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comm::serial::Serial;
    use std::cell::Cell;

    /// Counts the stages it is asked for.
    #[derive(Default)]
    struct Count {
        drifts: u64,
        forces_with_energies: u64,
        sums: u64,
    }

    impl Stages for Count {
        fn kick(&mut self, _: Real) {}
        fn drift(&mut self, _: Real) {
            self.drifts += 1;
        }
        fn redistribute(&mut self, _: &mut dyn Comm, _: &mut Timers) -> Result<(), RunError> {
            Ok(())
        }
        fn force(&mut self, energies: bool, _: &mut dyn Comm, _: &mut Timers) -> Result<(), RunError> {
            self.forces_with_energies += u64::from(energies);
            if self.drifts == 7 {
                return Err(RunError::NonFinite { gid: 3, what: "force" });
            }
            Ok(())
        }
        fn sum_energies(&mut self, _: &mut dyn Comm, _: &mut Timers) -> Result<(), RunError> {
            self.sums += 1;
            Ok(())
        }
    }

    #[test]
    fn a_stop_ends_the_step_in_which_it_is_seen() {
        let (mut s, mut comm, mut timers) = (Count::default(), Serial::new(), Timers::default());
        let asked = Cell::new(0);
        // the flag turns true during step 3 of 5
        let stop = || {
            asked.set(asked.get() + 1);
            asked.get() >= 3
        };
        let done = timestep_until(&mut s, None, 5, 1.0, &mut comm, &mut timers, &stop).expect("steps");
        assert_eq!(done, 3);
        assert_eq!(s.drifts, 3, "no step after the one that saw the flag");
        assert_eq!((s.forces_with_energies, s.sums), (1, 1), "the last step done has its energies");
    }

    #[test]
    fn without_a_stop_every_step_runs_and_a_failure_names_its_step() {
        let (mut s, mut comm, mut timers) = (Count::default(), Serial::new(), Timers::default());
        assert_eq!(timestep_until(&mut s, None, 5, 1.0, &mut comm, &mut timers, &|| false), Ok(5));
        assert_eq!((s.drifts, s.forces_with_energies), (5, 1));
        let err = timestep_until(&mut s, None, 10, 1.0, &mut comm, &mut timers, &|| false).unwrap_err();
        assert_eq!(err.0, 2, "the 7th drift overall is step 2 of this call");
    }
}
