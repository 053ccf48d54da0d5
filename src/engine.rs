//! The two ways of advancing the system behind one trait: CoMD's exact loop order
//! ([`ExactEngine`]) and the fast, decomposition-independent path ([`crate::fast`]).

use crate::comm::Comm;
use crate::error::RunError;
use crate::forces::Potential;
use crate::integrator;
use crate::output::dump::AtomRecord;
use crate::system::System;
use crate::timers::Timers;
use crate::types::Real;

/// Link-cell facts for the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layout {
    /// Local link cells per axis.
    pub grid_size: [usize; 3],
    /// Edge lengths of a cell.
    pub box_size: [Real; 3],
    /// Local and total (local + halo) cells.
    pub n_boxes: (usize, usize),
    /// Largest local cell occupancy.
    pub max_occupancy: usize,
    /// Slots per cell.
    pub capacity: usize,
}

/// A time-stepping engine for one rank.
pub trait Engine {
    /// Advances `n` velocity-Verlet steps of `dt`, then sums the global energies.
    fn timestep(&mut self, n: u64, dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
    /// Global potential energy, eV (valid after init and after [`Engine::timestep`]).
    fn e_potential(&self) -> Real;
    /// Global kinetic energy, eV.
    fn e_kinetic(&self) -> Real;
    /// Atoms owned by this rank.
    fn n_local(&self) -> usize;
    /// The owned atoms (any order).
    fn records(&self) -> Vec<AtomRecord>;
    /// Link-cell facts.
    fn layout(&self) -> Layout;
    /// The atom mass, internal units.
    fn mass(&self) -> Real;
    /// This rank's virial `W = Σ_pairs d·f` (eV), for the pressure; at print steps only.
    fn virial(&self) -> Real;
    /// Neighbour-list builds so far (start-up and rebuilds) on a path that keeps lists: the
    /// same on every rank (the decision to rebuild is global).
    fn list_builds(&self) -> Option<u64> {
        None
    }
}

/// CoMD's serial loop order on link cells, bit for bit.
pub struct ExactEngine {
    /// The atoms and cells.
    pub sys: System,
    /// The potential.
    pub pot: Box<dyn Potential>,
}

impl ExactEngine {
    /// First redistribution, force and energy of an initialised system.
    pub fn start(mut sys: System, mut pot: Box<dyn Potential>, comm: &mut dyn Comm, timers: &mut Timers) -> Result<ExactEngine, RunError> {
        timers.start(crate::timers::Timer::Redistribute);
        let r = sys.redistribute(comm, timers);
        timers.stop(crate::timers::Timer::Redistribute);
        r?;
        integrator::compute_force(&mut sys, pot.as_mut(), comm, timers)?;
        sys.kinetic_energy(comm, timers);
        Ok(ExactEngine { sys, pot })
    }

    /// Rebuilds the state a run had at a checkpoint, bit for bit (see [`crate::checkpoint`]).
    ///
    /// `sys` is empty, built as for [`ExactEngine::start`]; `atoms` may hold every atom of
    /// the run: this rank keeps those inside its domain. Each atom goes to the cell of its
    /// coordinates, the cells are sorted by gid (the order the run had after its last
    /// redistribution), forces and energies are set by gid — `sort_by_gid` does not permute
    /// them — and one halo exchange without `cells.update` rebuilds the periodic images.
    /// Forces are not recomputed: the stored ones are those the run would kick with next.
    pub fn restore(
        mut sys: System,
        pot: Box<dyn Potential>,
        atoms: &[AtomRecord],
        energies: (Real, Real),
        comm: &mut dyn Comm,
        timers: &mut Timers,
    ) -> Result<ExactEngine, RunError> {
        let (lo, hi) = (sys.domain.local_min, sys.domain.local_max);
        let mut fu = std::collections::HashMap::new();
        for a in atoms.iter().filter(|a| (0..3).all(|k| a.r[k] >= lo[k] && a.r[k] < hi[k])) {
            let b = sys.cells.put_atom_with_image(&mut sys.atoms, a.gid, 0, a.r, a.p, a.image)?;
            if b >= sys.cells.n_local_boxes {
                return Err(RunError::AtomJumped { gid: a.gid, pos: a.r });
            }
            fu.insert(a.gid, (a.f, a.u));
        }
        sys.cells.sort_by_gid(&mut sys.atoms);
        let mut payload = crate::halo::AtomPayload {
            cells: &mut sys.cells,
            atoms: &mut sys.atoms,
            lists: &sys.atom_lists,
            shift: sys.shifts,
            image_step: sys.image_steps,
        };
        crate::halo::exchange(comm, &sys.nbrs, &mut payload, timers)?;
        sys.cells.sort_by_gid(&mut sys.atoms);
        let slots: Vec<usize> = sys.local_slots().collect();
        for i in slots {
            let gid = sys.atoms.gid[i];
            let (f, u) = fu.get(&gid).copied().ok_or(RunError::NonFinite { gid, what: "the restored force" })?;
            sys.atoms.f[i] = f;
            sys.atoms.u[i] = u;
        }
        sys.n_global = sys.sum_atoms(comm, timers);
        // one force call on a copy fills the potential's per-atom scratch (EAM's F′, used by
        // the virial); the checkpoint's forces stay as they are
        let mut pot = pot;
        pot.force_exact(&mut sys.clone(), comm, timers)?;
        (sys.e_potential, sys.e_kinetic) = energies;
        Ok(ExactEngine { sys, pot })
    }
}

impl Engine for ExactEngine {
    fn timestep(&mut self, n: u64, dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        integrator::timestep(&mut self.sys, self.pot.as_mut(), comm, timers, n, dt)
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
    fn virial(&self) -> Real {
        self.pot.virial()
    }
}
