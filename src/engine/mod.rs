//! The engines that advance a rank's atoms, behind one role trait, and the factory that
//! builds them: the only place that decides between the two paths.
//!
//! * [`exact`]: CoMD's link cells and loop order, to the bit (`--exact`);
//! * [`fast`]: the default path — Verlet lists, vector kernels, rayon, exact sums —
//!   whose results do not depend on threads or ranks.
//!
//! Both advance time with the same velocity Verlet ([`verlet`]): each supplies the stages
//! (kick, drift, redistribute, force, energies), the order of the stages is written once.
//! Callers build an engine with [`start`] from a [`RunConfig`], a [`Potential`] and a
//! [`Start`] (CoMD's lattice, atoms read from a structure, or a checkpoint), and learn which
//! path was taken from [`EngineKind`] (the report, the checkpoint header), never from the
//! configuration.

pub mod coupling;
pub mod exact;
pub mod fast;
pub mod verlet;

pub use coupling::{Coupled, Coupling};
pub use verlet::Stages;

use crate::comm::{self, Comm};
use crate::config::RunConfig;
use crate::domain::Domain;
use crate::cli::ListMode;
use crate::error::{usage, RunError};
use crate::lattice::{LatticeAtom, LatticeSpec};
use crate::potential::Potential;
use crate::records::AtomRecord;
use crate::timers::Timers;
use crate::types::{Real, Real3, Voigt};

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

/// Which path an engine takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// CoMD's serial loop order and arithmetic ([`exact::ExactEngine`]).
    Exact,
    /// The default path ([`fast::FastEngine`]).
    Default,
}

impl EngineKind {
    /// The path a configuration asks for (`--exact`): the one place that reads the option.
    pub fn of(cfg: &RunConfig) -> EngineKind {
        if cfg.exact {
            EngineKind::Exact
        } else {
            EngineKind::Default
        }
    }

    /// Whether this is CoMD's exact path.
    pub fn is_exact(self) -> bool {
        self == EngineKind::Exact
    }

    /// The name of the path in the screen header and the YAML report.
    pub fn label(self) -> &'static str {
        match self {
            EngineKind::Exact => "exact (CoMD serial order)",
            EngineKind::Default => "default",
        }
    }
}

/// A time-stepping engine for one rank: the stages of velocity Verlet ([`Stages`], also
/// callable one by one, as the benches do) and what the run reads back. `Send`, so an
/// embedding (the Python package) can keep one and step it inside its own rayon pool.
pub trait Engine: Stages + Send {
    /// Which path this is.
    fn kind(&self) -> EngineKind;
    /// Advances `n` velocity-Verlet steps of `dt`, then sums the global energies.
    fn timestep(&mut self, n: u64, dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError>;
    /// Advances up to `n` steps, stopping after the step in which `stop` said so on any rank
    /// ([`verlet::timestep_until`]), in the ensemble of `coupling` (`None`: constant
    /// energy); the steps done, or the failing step and its error.
    fn timestep_until(
        &mut self,
        coupling: Option<&mut dyn Coupling>,
        n: u64,
        dt: Real,
        comm: &mut dyn Comm,
        timers: &mut Timers,
        stop: &dyn Fn() -> bool,
    ) -> Result<u64, (u64, RunError)>;
    /// Global potential energy, eV (valid after start and after [`Engine::timestep`]).
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
    /// This rank's virial tensor `W_ab = Σ_pairs d_a f_b` (eV, Voigt order `xx yy zz yz xz
    /// xy`), for the pressure and the stress; at steps with energies only.
    fn virial(&self) -> Voigt;
    /// Edge lengths of the global box, Å (a barostat changes them).
    fn box_lengths(&self) -> Real3;
    /// Neighbour-list builds so far (start-up and rebuilds) on a path that keeps lists: the
    /// same on every rank (the decision to rebuild is global).
    fn list_builds(&self) -> Option<u64> {
        None
    }
    /// Whether the neighbour lists are streamed ([`fast::lists`]): the same results, less
    /// memory, a list build per force evaluation.
    fn lists_streamed(&self) -> bool {
        false
    }
    /// The owned atoms' gids and positions as two matching slices, on a path that stores
    /// them so (`None`: read [`Engine::records`]); the cheap read of an embedding.
    fn gid_positions(&self) -> Option<(&[i32], &[Real3])> {
        None
    }
}

/// One atom of a structure to start from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StartAtom {
    /// Global id (distinct, ≥ 0).
    pub gid: i32,
    /// Position, Å, anywhere: the factory wraps it into the box and counts the periodic
    /// images, so `r` is the unwrapped position (a structure's image flags folded in).
    pub r: Real3,
    /// Momentum (internal units), if the structure has velocities.
    pub p: Option<Real3>,
}

/// A structure to start from: a periodic orthorhombic box and its atoms.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    /// Lower corner of the box, Å. The engines work in coordinates relative to it.
    pub origin: Real3,
    /// Edge lengths of the box, Å.
    pub lengths: Real3,
    /// The atoms (all of them: each rank keeps those in its domain).
    pub atoms: Vec<StartAtom>,
}

/// The state a checkpointed run had, to continue from.
#[derive(Debug, Clone, PartialEq)]
pub struct Restore {
    /// Every atom, by gid.
    pub atoms: Vec<AtomRecord>,
    /// Global potential and kinetic energy at that step, eV.
    pub energies: (Real, Real),
    /// Upper corner of the box, Å (the lower one is the origin).
    pub box_max: Real3,
}

/// Where a run starts.
#[derive(Debug, Clone)]
pub enum Start {
    /// CoMD's FCC lattice from `-x -y -z`, `-l`, `-T`, `-r` and `--seed`.
    Lattice,
    /// Atoms read from a structure. Atoms without momenta get Maxwell–Boltzmann momenta
    /// for `-T` (drawn per gid, then thermalised as the lattice's are).
    Atoms(Structure),
    /// A checkpoint, continued bit for bit.
    Checkpoint(Restore),
}

/// The engine factory: builds this rank's engine for `start`, on the path `cfg` asks for,
/// and runs its start-up (first redistribution, forces and energies). Every rank returns
/// the same result.
pub fn start(cfg: &RunConfig, pot: &Potential, start: Start, comm: &mut dyn Comm, timers: &mut Timers) -> anyhow::Result<Box<dyn Engine>> {
    let kind = EngineKind::of(cfg);
    let lat = cfg.lattice(pot.lattice_constant());
    let lattice_box = cfg.n_cells.map(|n| n as Real * lat);
    let global_max = match &start {
        Start::Lattice => lattice_box,
        Start::Atoms(s) => s.lengths,
        // a structure run's box is checked against the structure by the caller
        Start::Checkpoint(r) if cfg.structure.is_none() && !cfg.ensemble.has_barostat() && r.box_max != lattice_box => {
            return Err(usage(format!("--restart: the checkpoint's box {:?} Å differs from this run's {lattice_box:?} Å", r.box_max)));
        }
        Start::Checkpoint(r) => r.box_max,
    };
    let size = match &start {
        Start::Lattice => start_size(cfg, lat, None, None),
        Start::Atoms(s) => start_size(cfg, lat, Some(s), None),
        Start::Checkpoint(r) => (global_max, r.atoms.len()),
    };
    let domain = Domain::new(cfg.proc_grid, comm.rank(), global_max);
    if exact::cells::LinkCells::geometry(&domain, pot.cutoff()).is_none() {
        return Err(usage("the domain of a rank is less than two cutoffs wide"));
    }
    let initial = match start {
        Start::Lattice => Initial::Atoms(lattice_atoms(cfg, pot, lat, &domain, comm)?, Some(cfg.temp)),
        Start::Atoms(s) => {
            let draw = s.atoms.iter().any(|a| a.p.is_none());
            Initial::Atoms(structure_atoms(cfg, pot, s, draw, &domain)?, draw.then_some(cfg.temp))
        }
        Start::Checkpoint(r) => Initial::Restore(r),
    };
    let skin = cfg.skin.unwrap_or(pot.default_skin());
    let lists = fast::ListSetup { skin, streamed: kind == EngineKind::Default && streamed_lists(cfg, pot, size, comm) };
    let built: Result<Box<dyn Engine>, RunError> = match (kind, initial) {
        (EngineKind::Exact, Initial::Atoms(atoms, temp)) => {
            exact::ExactEngine::start(domain, pot, &atoms, temp, comm, timers).map(|e| Box::new(e) as Box<dyn Engine>)
        }
        (EngineKind::Default, Initial::Atoms(atoms, temp)) => {
            fast::FastEngine::start(domain, pot, lists, atoms, temp, comm, timers).map(|e| Box::new(e) as Box<dyn Engine>)
        }
        (EngineKind::Exact, Initial::Restore(r)) => exact::ExactEngine::restore(domain, pot, &r, comm, timers).map(|e| Box::new(e) as Box<dyn Engine>),
        (EngineKind::Default, Initial::Restore(r)) => {
            fast::FastEngine::restore(domain, pot, lists, &r.atoms, comm, timers).map(|e| Box::new(e) as Box<dyn Engine>)
        }
    };
    Ok(comm::agree(comm, built)?)
}

/// Whether the default path streams its neighbour lists ([`fast::lists`]): when `--lists`
/// says so, or (`auto`) when stored lists would not fit in the memory this rank may have
/// ([`crate::memory`]) on some rank. Every rank returns the same (the results are the same
/// bits either way).
fn streamed_lists(cfg: &RunConfig, pot: &Potential, size: (Real3, usize), comm: &mut dyn Comm) -> bool {
    match cfg.lists {
        ListMode::Stored => false,
        ListMode::Streamed => true,
        ListMode::Auto => {
            let need = crate::memory::estimate(&memory_problem(cfg, pot, size, false));
            let avail = crate::memory::available(crate::memory::ranks_on_node(comm.size())).unwrap_or(f64::INFINITY);
            let mut over = [i64::from(need > avail)];
            comm.max_i64(&mut over);
            over[0] != 0
        }
    }
}

/// What [`crate::memory::estimate`] needs to know of a run on the path `cfg` asks for, with
/// streamed neighbour lists or not (the exact path has none).
/// `size`: the whole box's edge lengths (Å) and atom count.
pub fn memory_problem(cfg: &RunConfig, pot: &Potential, size: (Real3, usize), streamed: bool) -> crate::memory::Problem {
    let exact = EngineKind::of(cfg).is_exact();
    let skin = cfg.skin.unwrap_or(pot.default_skin());
    let (lengths, atoms) = size;
    crate::memory::Problem { exact, eam: pot.is_eam(), lengths, atoms: atoms as f64, proc_grid: cfg.proc_grid, cutoff: pot.cutoff(), skin, streamed: streamed && !exact }
}

/// The whole box and atom count a run starts with: CoMD's lattice, a structure or a
/// checkpoint.
pub fn start_size(cfg: &RunConfig, lat: Real, structure: Option<&Structure>, restart: Option<(Real3, usize)>) -> (Real3, usize) {
    match (restart, structure) {
        (Some(r), _) => r,
        (None, Some(s)) => (s.lengths, s.atoms.len()),
        (None, None) => (cfg.n_cells.map(|n| n as Real * lat), 4 * cfg.n_cells.iter().product::<usize>()),
    }
}

/// What an engine starts from: atoms with the temperature to thermalise them to (`None`:
/// keep their momenta), or a checkpoint.
enum Initial {
    Atoms(Vec<LatticeAtom>, Option<Real>),
    Restore(Restore),
}

/// This rank's atoms of CoMD's lattice, checked to add up to `4·nx·ny·nz`.
fn lattice_atoms(cfg: &RunConfig, pot: &Potential, lat: Real, domain: &Domain, comm: &mut dyn Comm) -> anyhow::Result<Vec<LatticeAtom>> {
    let spec = LatticeSpec { n_cells: cfg.n_cells, lat, mass: pot.mass(), temp: cfg.temp, delta: cfg.delta, seed: cfg.seed };
    let atoms = crate::lattice::create(&spec, domain.local_min, domain.local_max);
    let mut n = [atoms.len() as i64];
    comm.sum_i64(&mut n);
    let expected = 4 * cfg.n_cells.iter().map(|&v| v as i64).product::<i64>();
    if n[0] != expected {
        return Err(RunError::AtomsLost { lost: expected - n[0], initial: expected, now: n[0] }.into());
    }
    Ok(atoms)
}

/// This rank's atoms of a structure, relative to its origin and wrapped into the box (the
/// periodic images counted), with drawn momenta if `draw` (some atom has none: then every
/// atom's are drawn, to be thermalised) and `-r`'s displacements drawn per gid.
fn structure_atoms(cfg: &RunConfig, pot: &Potential, s: Structure, draw: bool, domain: &Domain) -> anyhow::Result<Vec<LatticeAtom>> {
    let mut mine = Vec::new();
    for a in &s.atoms {
        let mut r: Real3 = std::array::from_fn(|k| a.r[k] - s.origin[k]);
        let mut image = [0i32; 3];
        for k in 0..3 {
            let (x, n) = crate::domain::wrap(r[k], s.lengths[k]).ok_or_else(|| usage(format!("atom {} at {:?} Å is not in any periodic image of the box", a.gid, a.r)))?;
            (r[k], image[k]) = (x, n);
        }
        if (0..3).all(|k| r[k] >= domain.local_min[k] && r[k] < domain.local_max[k]) {
            let p = if draw { crate::lattice::draw_momentum(a.gid, pot.mass(), cfg.temp, cfg.seed) } else { a.p.unwrap_or_default() };
            let dr = if cfg.delta > 0.0 { crate::lattice::draw_displacement(a.gid, cfg.delta, cfg.seed) } else { [0.0; 3] };
            mine.push(LatticeAtom { gid: a.gid, r, p, dr, image });
        }
    }
    Ok(mine)
}
