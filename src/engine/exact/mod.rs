//! CoMD's exact path: link cells, its loop order and arithmetic, bit for bit (`--exact`).
//!
//! Everything CoMD's serial build does lives here, named after its C files: the atom
//! storage padded per cell ([`atoms`], `linkCells.h`), the link cells ([`cells`],
//! `linkCells.c`), a rank's state ([`system`], `SimFlat`), the halo payloads ([`payload`],
//! `haloExchange.c`), and the force loops ([`lj`], `ljForce.c`; [`eam`], `eam.c`). Time
//! stepping is the shared [`verlet`](super::verlet) with this engine's stages.

pub mod atoms;
pub mod cells;
pub mod eam;
pub mod lj;
pub mod payload;
pub mod system;

use super::verlet::{self, Stages};
use super::{Engine, EngineKind, Layout, Restore};
use crate::comm::halo;
use crate::comm::Comm;
use crate::domain::Domain;
use crate::error::RunError;
use crate::lattice::LatticeAtom;
use crate::potential::Potential;
use crate::records::AtomRecord;
use crate::timers::{Timer, Timers};
use crate::types::{Real, Real3, Voigt};
use system::System;

/// The force loops of the potential, with their scratch.
#[derive(Clone)]
enum Forces {
    Lj(crate::potential::lj::LennardJones),
    Eam(Box<eam::Eam>),
}

/// CoMD's serial loop order on link cells, bit for bit.
pub struct ExactEngine {
    /// The atoms and cells.
    pub sys: System,
    forces: Forces,
    virial: Voigt,
}

impl ExactEngine {
    fn new(domain: Domain, pot: &Potential) -> Result<ExactEngine, RunError> {
        let sys = System::new(domain, pot.cutoff(), pot.mass()).ok_or(RunError::NonFinite { gid: -1, what: "the domain width" })?;
        let forces = match pot {
            Potential::Lj(l) => Forces::Lj(l.clone()),
            Potential::Eam(t) => Forces::Eam(Box::new(eam::Eam::new((**t).clone()))),
        };
        Ok(ExactEngine { sys, forces, virial: [0.0; 6] })
    }

    /// CoMD's `initSimulation` from this rank's initial atoms: each goes to the cell of its
    /// site in the order given, momenta are thermalised to `temp` (if given) in cell order,
    /// displacements added; then the first redistribution, force call and energies.
    pub fn start(domain: Domain, pot: &Potential, atoms: &[LatticeAtom], temp: Option<Real>, comm: &mut dyn Comm, timers: &mut Timers) -> Result<ExactEngine, RunError> {
        let mut e = ExactEngine::new(domain, pot)?;
        let sys = &mut e.sys;
        let placed = atoms.iter().try_for_each(|a| sys.cells.put_atom_with_image(&mut sys.atoms, a.gid, 0, a.r, a.p, a.image).map(|_| ()));
        crate::comm::agree(comm, placed)?;
        sys.n_global = sys.sum_atoms(comm, timers);
        let slots: Vec<usize> = sys.local_slots().collect();
        if let Some(t) = temp {
            let mut p: Vec<_> = slots.iter().map(|&i| sys.atoms.p[i]).collect();
            let mut reduce = |it: &mut dyn Iterator<Item = [Real; 4]>| {
                let mut v = [0.0; 4];
                for x in it {
                    for k in 0..4 {
                        v[k] += x[k];
                    }
                }
                timers.time(Timer::CommReduce, |_| comm.sum_f64(&mut v));
                v
            };
            crate::lattice::thermalize(&mut p, sys.mass, t, sys.n_global, &mut reduce);
            for (&i, p) in slots.iter().zip(p) {
                sys.atoms.p[i] = p;
            }
        }
        let dr: std::collections::HashMap<i32, [Real; 3]> = atoms.iter().map(|a| (a.gid, a.dr)).collect();
        for &i in &slots {
            let d = dr[&sys.atoms.gid[i]];
            for k in 0..3 {
                sys.atoms.r[i][k] += d[k];
            }
        }
        verlet::redistribute(&mut e, comm, timers)?;
        verlet::force(&mut e, true, comm, timers)?;
        e.sys.kinetic_energy(comm, timers);
        Ok(e)
    }

    /// Rebuilds the state a run had at a checkpoint, bit for bit (see [`crate::checkpoint`]).
    ///
    /// `r.atoms` may hold every atom of the run: this rank keeps those inside its domain.
    /// Each atom goes to the cell of its coordinates, the cells are sorted by gid (the order
    /// the run had after its last redistribution), forces and energies are set by gid —
    /// `sort_by_gid` does not permute them — and one halo exchange without `cells.update`
    /// rebuilds the periodic images. Forces are not recomputed: the stored ones are those the
    /// run would kick with next.
    pub fn restore(domain: Domain, pot: &Potential, r: &Restore, comm: &mut dyn Comm, timers: &mut Timers) -> Result<ExactEngine, RunError> {
        let mut e = ExactEngine::new(domain, pot)?;
        let sys = &mut e.sys;
        let (lo, hi) = (sys.domain.local_min, sys.domain.local_max);
        let mut fu = std::collections::HashMap::new();
        let placed = r.atoms.iter().filter(|a| (0..3).all(|k| a.r[k] >= lo[k] && a.r[k] < hi[k])).try_for_each(|a| {
            let b = sys.cells.put_atom_with_image(&mut sys.atoms, a.gid, 0, a.r, a.p, a.image)?;
            fu.insert(a.gid, (a.f, a.u));
            if b >= sys.cells.n_local_boxes {
                return Err(RunError::AtomJumped { gid: a.gid, pos: a.r });
            }
            Ok(())
        });
        crate::comm::agree(comm, placed)?;
        sys.cells.sort_by_gid(&mut sys.atoms);
        let mut payload = payload::AtomPayload {
            cells: &mut sys.cells,
            atoms: &mut sys.atoms,
            lists: &sys.atom_lists,
            shift: sys.shifts,
            image_step: sys.image_steps,
        };
        halo::exchange(comm, &sys.nbrs, &mut payload, timers)?;
        sys.cells.sort_by_gid(&mut sys.atoms);
        let slots: Vec<usize> = sys.local_slots().collect();
        for i in slots {
            let gid = sys.atoms.gid[i];
            let (f, u) = fu.get(&gid).copied().ok_or(RunError::NonFinite { gid, what: "the restored force" })?;
            sys.atoms.f[i] = f;
            sys.atoms.u[i] = u;
        }
        sys.n_global = sys.sum_atoms(comm, timers);
        // one force call on a copy gives the virial of the stored forces (and fills EAM's
        // scratch); the checkpoint's forces stay as they are
        let mut copy = ExactEngine { sys: e.sys.clone(), forces: e.forces.clone(), virial: [0.0; 6] };
        copy.force(true, comm, timers)?;
        (e.forces, e.virial) = (copy.forces, copy.virial);
        (e.sys.e_potential, e.sys.e_kinetic) = r.energies;
        Ok(e)
    }
}

impl Stages for ExactEngine {
    fn kick(&mut self, h: Real) {
        let (sys, a) = (&self.sys.cells, &mut self.sys.atoms);
        for b in 0..sys.n_local_boxes {
            for i in sys.slots(b) {
                for k in 0..3 {
                    a.p[i][k] += h * a.f[i][k];
                }
            }
        }
    }

    fn drift(&mut self, dt: Real) {
        let inv_mass = 1.0 / self.sys.mass;
        let (cells, a) = (&self.sys.cells, &mut self.sys.atoms);
        for b in 0..cells.n_local_boxes {
            for i in cells.slots(b) {
                for k in 0..3 {
                    a.r[i][k] += dt * a.p[i][k] * inv_mass;
                }
            }
        }
    }

    fn redistribute(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        self.sys.redistribute(comm, timers)
    }

    /// CoMD's loops compute the energies on every call; the virial, which CoMD has not, only
    /// where `energies` asks (it would cost `--exact` EAM a fifth of its time otherwise).
    fn force(&mut self, energies: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        let (e, w) = match &mut self.forces {
            Forces::Lj(l) => lj::force(l, &mut self.sys, energies),
            Forces::Eam(eam) => eam.force(&mut self.sys, energies, comm, timers)?,
        };
        self.sys.e_potential = e;
        if let Some(w) = w {
            self.virial = w;
        }
        Ok(())
    }

    fn sum_energies(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        self.sys.kinetic_energy(comm, timers);
        Ok(())
    }
}

impl Engine for ExactEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Exact
    }
    fn timestep(&mut self, n: u64, dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        verlet::timestep(self, n, dt, comm, timers)
    }
    fn timestep_until(
        &mut self,
        coupling: Option<&mut dyn super::Coupling>,
        n: u64,
        dt: Real,
        comm: &mut dyn Comm,
        timers: &mut Timers,
        stop: &dyn Fn() -> bool,
    ) -> Result<u64, (u64, RunError)> {
        verlet::timestep_until(self, coupling, n, dt, comm, timers, stop)
    }
    fn box_lengths(&self) -> Real3 {
        self.sys.domain.global_extent
    }
    fn e_potential(&self) -> Real {
        self.sys.e_potential
    }
    fn e_kinetic(&self) -> Real {
        self.sys.e_kinetic
    }
    fn n_local(&self) -> usize {
        self.sys.n_local()
    }
    fn records(&self) -> Vec<AtomRecord> {
        let s = &self.sys;
        (0..s.cells.n_local_boxes)
            .flat_map(|b| s.cells.slots(b).map(move |i| (b, i)))
            .map(|(b, i)| {
                let a = &s.atoms;
                AtomRecord { gid: a.gid[i], cell: b as i32, r: a.r[i], p: a.p[i], f: a.f[i], u: a.u[i], image: a.image[i], r_ref: a.r[i] }
            })
            .collect()
    }
    fn layout(&self) -> Layout {
        let c = &self.sys.cells;
        Layout {
            grid_size: c.grid_size,
            box_size: c.box_size,
            n_boxes: (c.n_local_boxes, c.n_total_boxes),
            max_occupancy: c.max_occupancy(),
            capacity: c.capacity,
        }
    }
    fn mass(&self) -> Real {
        self.sys.mass
    }
    fn virial(&self) -> Voigt {
        self.virial
    }
}
