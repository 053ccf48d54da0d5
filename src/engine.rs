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
                AtomRecord { gid: a.gid[i], cell: b as i32, r: a.r[i], p: a.p[i], f: a.f[i], u: a.u[i], image: a.image[i] }
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
}
