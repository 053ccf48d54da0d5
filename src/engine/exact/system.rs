//! The simulation state of one rank (CoMD `SimFlat`, minus the potential and the timers).

use crate::engine::exact::atoms::Atoms;
use crate::engine::exact::cells::LinkCells;
use crate::comm::Comm;
use crate::domain::Domain;
use crate::error::RunError;
use super::payload::{self, AtomPayload};
use crate::comm::halo::{self, Neighbors};
use crate::timers::{Timer, Timers};
use crate::types::Real;

/// Atoms, link cells and the decomposition of one rank.
#[derive(Debug, Clone)]
pub struct System {
    /// This rank's domain.
    pub domain: Domain,
    /// Link cells of the domain.
    pub cells: LinkCells,
    /// Atom storage, padded per cell.
    pub atoms: Atoms,
    /// Neighbour ranks per face.
    pub nbrs: Neighbors,
    /// Cells sent per face in the atom exchange.
    pub atom_lists: [Vec<usize>; 6],
    /// Periodic shift per face.
    pub shifts: [[Real; 3]; 6],
    /// Image-counter change per face.
    pub image_steps: [[i32; 3]; 6],
    /// Mass of the (single) species, internal units.
    pub mass: Real,
    /// Potential energy (after a force call: this rank's; after [`System::kinetic_energy`]: global).
    pub e_potential: Real,
    /// Kinetic energy (global, after [`System::kinetic_energy`]).
    pub e_kinetic: Real,
    /// Number of atoms on all ranks.
    pub n_global: i64,
}

impl System {
    /// An empty system on `domain` with link cells for `cutoff`. `None` if the domain is
    /// less than two cutoffs wide on some axis.
    pub fn new(domain: Domain, cutoff: Real, mass: Real) -> Option<System> {
        Self::with_capacity(domain, cutoff, mass, crate::constants::MAXATOMS)
    }

    /// [`System::new`] with `capacity` atom slots per cell to start with (they grow on
    /// demand): the fast path only uses these cells to set up the lattice, so it starts small.
    pub fn with_capacity(domain: Domain, cutoff: Real, mass: Real, capacity: usize) -> Option<System> {
        let mut cells = LinkCells::new(&domain, cutoff)?;
        cells.capacity = capacity.max(1);
        let atoms = Atoms::new(cells.capacity * cells.n_total_boxes);
        Some(System {
            nbrs: Neighbors::new(&domain),
            atom_lists: payload::atom_cell_lists(&cells),
            shifts: AtomPayload::shifts(&domain),
            image_steps: AtomPayload::image_steps(&domain),
            domain,
            cells,
            atoms,
            mass,
            e_potential: 0.0,
            e_kinetic: 0.0,
            n_global: 0,
        })
    }

    /// Slots of all local atoms, cell by cell (CoMD's loop order).
    pub fn local_slots(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.cells.n_local_boxes).flat_map(|b| self.cells.slots(b))
    }

    /// Number of atoms on this rank.
    pub fn n_local(&self) -> usize {
        self.cells.n_local_atoms()
    }

    /// Moves atoms to their cells and ranks and rebuilds the halo (CoMD `redistributeAtoms`).
    pub fn redistribute(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        self.cells.update(&mut self.atoms)?;
        timers.start(Timer::AtomHalo);
        let mut payload = AtomPayload {
            cells: &mut self.cells,
            atoms: &mut self.atoms,
            lists: &self.atom_lists,
            shift: self.shifts,
            image_step: self.image_steps,
        };
        let res = halo::exchange(comm, &self.nbrs, &mut payload, timers);
        timers.stop(Timer::AtomHalo);
        res?;
        self.cells.sort_by_gid(&mut self.atoms);
        Ok(())
    }

    /// Kinetic energy of local atoms in CoMD's order, then the global sums of potential and
    /// kinetic energy (CoMD `kineticEnergy`).
    pub fn kinetic_energy(&mut self, comm: &mut dyn Comm, timers: &mut Timers) {
        let half_inv_mass = 0.5 / self.mass;
        let mut e = [self.e_potential, 0.0];
        for i in self.local_slots() {
            let p = self.atoms.p[i];
            e[1] += (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) * half_inv_mass;
        }
        timers.time(Timer::CommReduce, |_| comm.sum_f64(&mut e));
        self.e_potential = e[0];
        self.e_kinetic = e[1];
    }

    /// Total number of atoms over all ranks (CoMD `sumAtoms`).
    pub fn sum_atoms(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> i64 {
        let mut n = [self.n_local() as i64];
        timers.time(Timer::CommReduce, |_| comm.sum_i64(&mut n));
        n[0]
    }
}
