//! Shared set-up for the criterion benches: CoMD's default problem (FCC copper at 3.615 Å,
//! 600 K, no displacement) at a chosen number of unit cells, on one rank (serial comm).
//!
//! Everything that touches the fast path's internals (`comd::engine::fast::{ghosts, neighbors,
//! kernels, pos4, simd}`) is in this file, so a change of those signatures is mended here only.
#![allow(dead_code)]

use clap::Parser;
use comd::cli::Cli;
use comd::comm::halo::Neighbors;
use comd::comm::serial::Serial;
use comd::config::RunConfig;
use comd::domain::Domain;
// (for the benches that pick a kernel build themselves)
#[allow(unused_imports)]
pub use comd::engine::fast::cpu::has_avx512;
// (the prototypes' padded positions, and the AVX-512 kernels' transpose they load them with)
#[allow(unused_imports)]
pub use comd::engine::fast::pos4::Pos4;
#[cfg(target_arch = "x86_64")]
#[allow(unused_imports)]
pub use comd::engine::fast::simd::transpose8;
use comd::engine::fast::force::ForceField;
use comd::engine::fast::ghosts::{self, GhostPlan, Particles};
use comd::engine::fast::lists::ListsRef;
use comd::engine::fast::neighbors::{self, NeighborList};
use comd::engine::{Engine, Start};
use comd::lattice::{self, LatticeSpec};
use comd::potential::eam::{EamTables, PotentialFormat};
use comd::potential::lj::LennardJones;
use comd::potential::Potential;
use comd::timers::Timers;
use criterion::Criterion;
use std::path::PathBuf;
use std::time::Duration;

/// Unit cells per axis of the benched sizes: 4 000, 32 000 and 256 000 atoms.
pub const SIZES: [usize; 3] = [10, 20, 40];

/// Sizes to run: all of them, or those listed in `COMD_BENCH_SIZES` (e.g. `10,20`).
pub fn sizes() -> Vec<usize> {
    match std::env::var("COMD_BENCH_SIZES") {
        Ok(s) => s.split(',').filter_map(|x| x.trim().parse().ok()).collect(),
        Err(_) => SIZES.to_vec(),
    }
}

/// A criterion configuration that keeps a full `cargo bench` to a few minutes on 2 cores:
/// 10 samples (criterion's minimum), short warm-up and measurement windows.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

/// Which interaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pot {
    /// Lennard-Jones (CoMD's default).
    Lj,
    /// EAM funcfl Cu_u6.eam (`-e`).
    Eam,
}

impl Pot {
    /// Label for bench ids.
    pub fn name(self) -> &'static str {
        match self {
            Pot::Lj => "lj",
            Pot::Eam => "eam",
        }
    }
}

/// Directory of Cu_u6.eam: `$COMD_POT_DIR`, `../shared/potentials`, or LAMMPS's.
pub fn pot_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("COMD_POT_DIR") {
        dirs.push(d.into());
    }
    dirs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/potentials"));
    dirs.push(PathBuf::from("/usr/share/lammps/potentials"));
    dirs.into_iter().find(|d| d.join("Cu_u6.eam").is_file())
}

/// The potential, or `None` (EAM without a table file: that bench is skipped).
pub fn potential(pot: Pot) -> Option<Potential> {
    match pot {
        Pot::Lj => Some(Potential::Lj(LennardJones::default())),
        Pot::Eam => {
            let Some(dir) = pot_dir() else {
                eprintln!("skipping EAM benches: Cu_u6.eam not found (set COMD_POT_DIR)");
                return None;
            };
            let t = EamTables::read(&dir.join("Cu_u6.eam"), PotentialFormat::Funcfl).expect("read Cu_u6.eam");
            Some(Potential::Eam(Box::new(t)))
        }
    }
}

/// CoMD's default run at `cells`³ unit cells (600 K), on the exact path or the default one,
/// from the command line `comd` would parse.
pub fn config(cells: usize, exact: bool) -> RunConfig {
    let n = cells.to_string();
    let mut args = vec!["comd", "-x", &n, "-y", &n, "-z", &n];
    if exact {
        args.push("--exact");
    }
    RunConfig::from_cli(&Cli::try_parse_from(args).expect("bench command line")).expect("bench configuration")
}

/// An engine after its start-up force call, built by the engine factory.
pub fn engine(pot: Pot, cells: usize, exact: bool) -> Option<(Box<dyn Engine>, Serial, Timers)> {
    let p = potential(pot)?;
    let mut comm = Serial::new();
    let mut timers = Timers::default();
    let e = comd::engine::start(&config(cells, exact), &p, Start::Lattice, &mut comm, &mut timers).expect("engine start");
    Some((e, comm, timers))
}

/// The fast path's pieces, laid out as `FastEngine` holds them after a rebuild: owned atoms
/// plus ghosts, the ghost plan and the neighbour list, and output buffers.
pub struct FastParts {
    pub ff: ForceField,
    pub domain: Domain,
    pub nbrs: Neighbors,
    pub parts: Particles,
    pub plan: GhostPlan,
    pub nl: NeighborList,
    pub range: f64,
    pub f: Vec<[f64; 3]>,
    pub u: Vec<f64>,
    pub comm: Serial,
    pub timers: Timers,
}

impl FastParts {
    /// Builds ghosts and lists for the initial lattice.
    pub fn new(pot: Pot, cells: usize) -> Option<FastParts> {
        Self::displaced(pot, cells, 0.0)
    }

    /// As [`FastParts::new`], the atoms displaced at random by up to `delta` Å (CoMD's `-D`).
    pub fn displaced(pot: Pot, cells: usize, delta: f64) -> Option<FastParts> {
        let p = potential(pot)?;
        let lat = p.lattice_constant();
        let domain = Domain::new([1, 1, 1], 0, [cells as f64 * lat; 3]);
        let spec = LatticeSpec { n_cells: [cells; 3], lat, mass: p.mass(), temp: 600.0, delta, seed: None };
        let atoms = lattice::create(&spec, domain.local_min, domain.local_max);
        let mut parts = Particles {
            gid: atoms.iter().map(|a| a.gid).collect(),
            r: atoms.iter().map(|a| std::array::from_fn(|k| a.r[k] + a.dr[k])).collect(),
            p: atoms.iter().map(|a| a.p).collect(),
            image: vec![[0; 3]; atoms.len()],
            n_own: atoms.len(),
        };
        let range = p.cutoff() + p.default_skin();
        parts.sort_by_bin(&domain, range);
        let n = parts.n_own;
        let (comm, timers) = (Serial::new(), Timers::default());
        let mut fp = FastParts {
            ff: ForceField::new(p),
            nbrs: Neighbors::new(&domain),
            domain,
            parts,
            plan: GhostPlan::default(),
            nl: NeighborList::default(),
            range,
            f: vec![[0.0; 3]; n],
            u: vec![0.0; n],
            comm,
            timers,
        };
        fp.rebuild_ghosts();
        fp.build_list();
        Some(fp)
    }

    /// Migration and ghost construction (the communication half of a list rebuild).
    pub fn rebuild_ghosts(&mut self) {
        self.parts.clear_ghosts();
        self.plan = ghosts::rebuild(&mut self.parts, &self.domain, &self.nbrs, self.range, &mut self.comm, &mut self.timers).expect("ghosts");
    }

    /// The Verlet list itself.
    pub fn build_list(&mut self) {
        let reach = neighbors::Reach { cutoff: self.ff.kernel().cutoff(), range: self.range };
        self.nl = neighbors::build(&self.parts, self.domain.local_min, self.domain.local_max, reach);
    }

    /// One force evaluation as the fast engine does it (EAM: all passes and the ghost
    /// refresh of F'(ρ) between them).
    pub fn force(&mut self) {
        self.evaluate(true);
    }

    /// A force evaluation without energies or the virial (a step's, between reports).
    pub fn force_only(&mut self) {
        self.evaluate(false);
    }

    fn evaluate(&mut self, energy: bool) {
        self.ff
            .compute(&self.parts, ListsRef::stored(&self.nl), &self.plan, &self.nbrs, &mut self.f, &mut self.u, energy, &mut self.comm, &mut self.timers)
            .expect("force");
    }

    /// Total potential energy of the last force call (a cheap result to hand to `black_box`).
    pub fn energy(&self) -> f64 {
        self.u.iter().sum()
    }
}


/// The LJ constants as the default path's kernels use them (for the benches' prototype
/// kernels, which broadcast them), and the potential's own pair force.
#[derive(Clone)]
pub struct Lj {
    pub s6: f64,
    pub rc2: f64,
    pub minus_4eps: f64,
    shift: f64,
    pot: LennardJones,
}

impl Lj {
    /// CoMD's default LJ copper.
    pub fn new() -> Lj {
        let pot = LennardJones::default();
        let (s6, rc2, shift) = pot.constants();
        Lj { s6, rc2, minus_4eps: -4.0 * pot.epsilon, shift, pot }
    }

    /// `fr` of a pair at squared distance `r2` (the force on i is `-d·fr`), 0 beyond the
    /// cutoff: [`LennardJones::pair`]'s.
    pub fn fr(&self, r2: f64) -> f64 {
        if r2 > self.rc2 {
            return 0.0;
        }
        self.pot.pair(r2, self.s6, self.shift).1
    }
}

/// The prototypes' problem: a one-thread pool, CoMD's LJ crystal of `cells`³ unit cells with
/// the atoms displaced by up to 0.1 Å (CoMD's `-D 0.1`, so that forces are not zero by
/// symmetry), and the default path's forces on it, to check a prototype's against.
pub fn lj_prototype_problem(cells: usize) -> (rayon::ThreadPool, FastParts, Vec<[f64; 3]>) {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("one-thread pool");
    let mut fp = FastParts::displaced(Pot::Lj, cells, 0.1).expect("LJ needs no files");
    pool.install(|| fp.force_only());
    let reference = fp.f.clone();
    (pool, fp, reference)
}

/// Largest force difference between `test` and `reference` over the largest reference force;
/// infinite if any force of `test` is not finite (a NaN must fail the check, not pass it).
pub fn rel_diff(reference: &[[f64; 3]], test: &[[f64; 3]]) -> f64 {
    assert_eq!(reference.len(), test.len(), "force arrays of different lengths");
    if test.iter().flatten().any(|x| !x.is_finite()) {
        return f64::INFINITY;
    }
    let big = reference.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    reference.iter().flatten().zip(test.iter().flatten()).fold(0.0f64, |m, (x, y)| m.max((x - y).abs())) / big
}

/// Atoms of `cells`³ FCC unit cells.
pub fn atoms(cells: usize) -> u64 {
    4 * (cells as u64).pow(3)
}

/// One step of an engine (for the full-step bench).
pub fn step(e: &mut dyn Engine, comm: &mut Serial, timers: &mut Timers) {
    e.timestep(1, 1.0, comm, timers).expect("step");
}
