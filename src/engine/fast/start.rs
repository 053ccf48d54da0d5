//! Building a [`FastEngine`]: from the atoms of a lattice or a structure, or from a
//! checkpoint, reconstructing the lists the original run had.

use super::ghosts::{self, ForwardBuffers, GhostPlan, Particles};
use super::lists::Lists;
use super::{force, FastEngine, ListSetup};
use crate::engine::verlet;
use crate::comm::halo::Neighbors;
use crate::comm::Comm;
use crate::domain::Domain;
use crate::error::RunError;
use crate::fixed::FixedSum;
use crate::lattice::LatticeAtom;
use crate::potential::Potential;
use crate::records::AtomRecord;
use crate::timers::{Timer, Timers};
use crate::types::{Real, Real3};

impl FastEngine {
    /// Starts from this rank's initial atoms: displacements added, momenta thermalised to
    /// `temp` (if given) with exact sums, then ghosts and lists built, forces and energies
    /// computed. `atoms` are given back to the allocator as their fields move into the
    /// engine's arrays, before anything else is allocated (at 100 M atoms they are 8.8 GB).
    pub fn start(domain: Domain, pot: &Potential, lists: ListSetup, atoms: Vec<LatticeAtom>, temp: Option<Real>, comm: &mut dyn Comm, timers: &mut Timers) -> Result<FastEngine, RunError> {
        let mut parts = ghosts::Particles::from_atoms(atoms);
        if let Some(t) = temp {
            let mut n = [parts.n_own as i64];
            timers.time(Timer::CommReduce, |_| comm.sum_i64(&mut n));
            let mut reduce = |it: &mut dyn Iterator<Item = [Real; 4]>| {
                let mut acc = [FixedSum::default(); 4];
                for x in it {
                    for k in 0..4 {
                        acc[k].add(x[k]);
                    }
                }
                timers.time(Timer::CommReduce, |_| FixedSum::all_reduce(&mut acc, comm));
                acc.map(|a| a.value())
            };
            crate::lattice::thermalize(&mut parts.p, pot.mass(), t, n[0], &mut reduce);
        }
        let mut e = FastEngine::new(domain, pot.clone(), pot.mass(), lists, parts, Vec::new());
        e.rebuild(comm, timers)?;
        verlet::force(&mut e, true, comm, timers)?;
        e.energies(comm, timers);
        Ok(e)
    }

    /// Continues from checkpointed atoms (all of them, on every rank), reconstructing the
    /// state the original run had: each rank keeps the atoms it owned at the last rebuild
    /// (owner of `r_ref`, the wrapped positions of that rebuild), ghosts and neighbour lists
    /// are built from those same positions — so they are the original ones, entry for entry
    /// (the lane sums of the kernels depend on every entry) — and then the current positions
    /// are put in and sent to the ghosts along the recorded plan. Forces are recomputed: they
    /// are a function of positions and lists only, so they come out with the checkpoint's bits.
    pub fn restore(domain: Domain, pot: &Potential, lists: ListSetup, atoms: &[AtomRecord], comm: &mut dyn Comm, timers: &mut Timers) -> Result<FastEngine, RunError> {
        let mut parts = Particles::default();
        let mut now = Vec::new();
        for a in atoms.iter().filter(|a| (0..3).all(|k| ghosts::owner_of(&domain, k, a.r_ref[k]) == domain.proc_coord[k])) {
            parts.gid.push(a.gid);
            parts.r.push(a.r_ref);
            parts.p.push(a.p);
            parts.image.push(a.image);
            now.push(a.r);
        }
        parts.n_own = parts.gid.len();
        let r_ref = parts.r.clone();
        let mut e = FastEngine::new(domain, pot.clone(), pot.mass(), lists, parts, r_ref);
        e.build_ghosts_and_lists(comm, timers)?;
        e.parts.r[..e.parts.n_own].copy_from_slice(&now);
        Self::forward(&e.plan, &e.nbrs, e.parts.r.as_flattened_mut(), &mut e.fwd_buffers, comm, timers)?;
        verlet::force(&mut e, true, comm, timers)?;
        e.energies(comm, timers);
        Ok(e)
    }

    pub(super) fn new(domain: Domain, kernel: Potential, mass: Real, lists: ListSetup, parts: Particles, r_ref: Vec<Real3>) -> FastEngine {
        let ListSetup { skin, streamed } = lists;
        // streamed lists keep the build positions themselves
        let r_ref = if streamed { Vec::new() } else { r_ref };
        FastEngine {
            nbrs: Neighbors::new(&domain),
            domain,
            ff: force::ForceField::new(kernel),
            mass,
            skin,
            parts,
            f: Vec::new(),
            u: Vec::new(),
            r_ref,
            plan: GhostPlan::default(),
            nl: Lists::new(streamed),
            e_potential: 0.0,
            e_kinetic: 0.0,
            rebuilds: 0,
            stale: false,
            noise: Vec::new(),
            fwd_buffers: ForwardBuffers::default(),
        }
    }
}
