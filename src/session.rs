//! A run that is stepped from outside (the Python package), instead of from start to end.
//!
//! The binary's [`crate::simulation::run`] owns its loop: it knows the number of steps, the
//! observers and the signals before it starts. An embedding program (Python, a notebook, ASE)
//! wants the opposite: build the system, advance it a few steps, read arrays, change the
//! positions, advance again, save a checkpoint. [`Session`] is that run, built from the same
//! parts so it cannot drift from the binary: the configuration ([`RunConfig`]), the potential
//! ([`crate::potential::build`]), the engine factory ([`engine::start`]), the thermo rows,
//! pressure and gathered atoms of [`crate::simulation::report`], and the checkpoint codec.
//! A row is printed at step 0 and at every multiple of `print_rate`, formatted by
//! [`screen::thermo_row`], so the rows are the binary's to the last printed digit.
//!
//! Each session owns its rayon pool (the global pool can be built once per process); every
//! engine call runs inside it. [`Session::advance`] steps in chunks of at most ~0.1 s and asks
//! its caller's `keep_going` between chunks — on the caller's thread, so an embedding can
//! poll its own signals there — and chunks never cross a print step. Splitting a run into
//! chunks does not change its bits: the engines are deterministic step by step, and energies
//! are summed after every chunk as after every printed row.
//!
//! One process, one rank: MPI stays with the binary.

use crate::checkpoint::{self, Checkpoint, RunFlags};
use crate::comm::serial::Serial;
use crate::config::RunConfig;
use crate::engine::{self, Engine, EngineKind, Restore, Start, StartAtom, Structure};
use crate::error::usage;
use crate::output::{screen, Platform, ThermoRow};
use crate::potential::Potential;
use crate::records::AtomRecord;
use crate::simulation::report;
use crate::timers::{Timer, Timers};
use crate::types::{Real, Real3, Voigt};
use anyhow::Context;
use std::path::Path;
use std::time::Instant;

/// A file that cannot be found or read (an EAM table, a checkpoint): a usage error to the
/// binary, an `OSError` to Python.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

/// Wall time a chunk of steps aims at between two calls of `keep_going`, s.
const CHUNK_SECONDS: f64 = 0.1;

/// A steppable run on one rank.
pub struct Session {
    cfg: RunConfig,
    pot: Potential,
    pot_dir: String,
    comm: Serial,
    engine: Box<dyn Engine>,
    timers: Timers,
    pool: rayon::ThreadPool,
    flags: RunFlags,
    step: u64,
    /// Total energy per atom and atom count at step 0 (carried across restarts).
    e0: Real,
    n0: i64,
    /// Lower corner of the box, Å: positions handed out and taken in are absolute.
    origin: Real3,
    rows: Vec<ThermoRow>,
    prev_row_step: i64,
    out: Vec<u8>,
    /// Seconds per step, measured on the last chunk.
    step_seconds: f64,
    /// Whether the engine's energies (and virial, per-atom energies) are those of this step;
    /// chunks that end between print steps skip them ([`crate::engine::verlet::steps`]).
    fresh: bool,
    /// The thermostat and barostat (`None`: constant energy).
    ensemble: Option<crate::ensemble::Ensemble>,
}

impl Session {
    /// Builds the run of `cfg`: from CoMD's lattice, from `structure` if given, or from the
    /// checkpoint `cfg.restart` names. The screen header (as the binary prints it, up to the
    /// thermo table) and the row of the first step go to the output buffer ([`Session::take_output`]).
    ///
    /// # Errors
    /// The binary's one-line errors: [`crate::error::UsageError`] for bad options, files and
    /// structures; a [`crate::error::RunError`] if the start-up forces fail.
    pub fn new(mut cfg: RunConfig, structure: Option<Structure>) -> anyhow::Result<Session> {
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(t) = cfg.threads {
            pool = pool.num_threads(t);
        }
        let pool = pool.build().map_err(|e| usage(format!("--threads: {e}")))?;
        let mut comm = Serial::new();
        if let crate::potential::Choice::Eam { name, format, dir } = crate::potential::Choice::from_config(&cfg) {
            use crate::potential::eam::{locate, EamFileError};
            if let Err(e @ (EamFileError::NotFound { .. } | EamFileError::Io { .. })) = locate(Some(name), format, dir) {
                return Err(anyhow::Error::new(FileError(e.to_string())));
            }
        }
        let (pot, pot_dir) = crate::potential::build(&cfg, &mut comm)?;
        let lat = cfg.lattice(pot.lattice_constant());
        let flags = RunFlags::new(&cfg, EngineKind::of(&cfg), &pot);
        let structure = match (structure, cfg.structure.clone()) {
            (None, Some(path)) => Some(read_structure(&cfg, &pot, &path, &mut comm)?),
            (given, _) => given,
        };
        let restart = match cfg.restart.clone() {
            Some(p) if structure.is_none() => {
                let n_steps = std::mem::replace(&mut cfg.n_steps, u64::MAX);
                let ck = checkpoint::load(&cfg, &flags, &p, &mut comm);
                cfg.n_steps = n_steps;
                Some(ck?)
            }
            Some(_) => return Err(usage("a structure and a restart cannot be given together")),
            None => None,
        };
        let (origin, _lengths) = match &structure {
            Some(s) => (s.origin, s.lengths),
            None => {
                cfg.sanity_check(1, pot.cutoff(), pot.lattice_type(), lat)?;
                ([0.0; 3], cfg.n_cells.map(|n| n as Real * lat))
            }
        };
        let (start, initial) = match &restart {
            Some(ck) => {
                let r = Restore { atoms: ck.atoms.clone(), energies: (ck.e_potential, ck.e_kinetic), box_max: ck.box_max };
                (Start::Checkpoint(r), Some((ck.e_initial, ck.n_initial, ck.step)))
            }
            None => (structure.map_or(Start::Lattice, Start::Atoms), None),
        };
        let mut timers = Timers::default();
        timers.start(Timer::Total);
        let engine = pool.install(|| engine::start(&cfg, &pot, start, &mut comm, &mut timers))?;
        let n = engine.n_local() as i64;
        let (e0, n0, step) = initial.unwrap_or(((engine.e_potential() + engine.e_kinetic()) / n as Real, n, 0));
        let mut ensemble = crate::ensemble::Ensemble::new(&cfg.ensemble, cfg.dt, cfg.n_steps, n0, step);
        if let (Some(e), Some(ck)) = (ensemble.as_mut(), &restart) {
            e.restore(&ck.ensemble).map_err(|m| usage(format!("restart: {m}")))?;
        }
        let mut s = Session {
            cfg,
            pot,
            pot_dir,
            comm,
            engine,
            timers,
            pool,
            flags,
            step,
            e0,
            n0,
            origin,
            rows: Vec::new(),
            prev_row_step: step as i64 - 1,
            out: Vec::new(),
            step_seconds: 0.0,
            fresh: true,
            ensemble,
        };
        s.header();
        s.print_row();
        Ok(s)
    }

    /// The binary's screen output before its thermo table.
    fn header(&mut self) {
        let kind = EngineKind::of(&self.cfg);
        let platform = Platform::detect(self.comm_describe(), cfg!(feature = "mpi"), self.pool.current_num_threads(), kind.label().into());
        let mut text = screen::header(&platform);
        text += &screen::parameters(&self.cfg, &self.pot_dir);
        text += &format!("\nInitial energy : {:14.12}, atom count : {} \n\n", self.e0, self.n0);
        match &self.ensemble {
            None => text += screen::thermo_header(),
            Some(_) => text += &screen::thermo_header_with(true, self.cfg.ensemble.has_barostat()),
        }
        self.out.extend_from_slice(text.as_bytes());
    }

    fn comm_describe(&self) -> String {
        use crate::comm::Comm;
        self.comm.describe()
    }

    /// Appends the thermo row of the current step (CoMD `printThis`).
    fn print_row(&mut self) {
        let n = self.engine.n_local() as i64;
        let elapsed = self.timers.take_elapsed(Timer::Timestep);
        let mut row = report::thermo_row(self.engine.as_ref(), n, self.step, self.cfg.dt, elapsed, self.step as i64 - self.prev_row_step);
        let lengths = self.engine.box_lengths();
        row.pressure = report::pressure(self.engine.as_ref(), &mut self.comm, lengths);
        row.ensemble = self.ensemble.as_ref().map(|e| e.columns(self.engine.e_potential() + self.engine.e_kinetic(), lengths));
        self.prev_row_step = self.step as i64;
        self.out.extend_from_slice(screen::thermo_row(&row).as_bytes());
        self.rows.push(row);
    }

    /// Advances `n` steps, in chunks that end at every print step (where a row is printed)
    /// and last at most ~0.1 s; `keep_going` is called between chunks on this thread with
    /// the screen output produced since the last call (taken out of the buffer), and
    /// returning `false` stops the run there. Returns the steps taken.
    ///
    /// # Errors
    /// An unstable run ([`crate::error::RunError`]), with the steps it happened between;
    /// the session keeps the state it had before the failing chunk's last step.
    pub fn advance(&mut self, n: u64, keep_going: &mut dyn FnMut(Vec<u8>) -> bool) -> anyhow::Result<u64> {
        let (first, target) = (self.step, self.step.saturating_add(n));
        while self.step < target {
            let rate = self.cfg.print_rate;
            let next_row = (self.step / rate + 1) * rate;
            let chunk = if self.step_seconds > 0.0 { (CHUNK_SECONDS / self.step_seconds).max(1.0) as u64 } else { 1 };
            let next = target.min(next_row).min(self.step + chunk);
            let t = Instant::now();
            self.timers.start(Timer::Timestep);
            let (engine, comm, timers, dt) = (&mut self.engine, &mut self.comm, &mut self.timers, self.cfg.dt);
            let energies = next % rate == 0;
            let coupling = self.ensemble.as_mut();
            let r = self.pool.install(|| crate::engine::verlet::steps(engine.as_mut(), coupling.map(|e| e as &mut dyn crate::engine::Coupling), next - self.step, dt, energies, comm, timers));
            self.fresh = energies;
            self.timers.stop(Timer::Timestep);
            self.step_seconds = t.elapsed().as_secs_f64() / (next - self.step) as f64;
            r.with_context(|| format!("between steps {} and {next}", self.step))?;
            self.step = next;
            if self.fresh {
                self.check_energies()?;
                self.print_row();
            }
            if self.step < target && !keep_going(self.take_output()) {
                break;
            }
        }
        Ok(self.step - first)
    }

    fn check_energies(&self) -> anyhow::Result<()> {
        let (ep, ek) = (self.engine.e_potential(), self.engine.e_kinetic());
        if !ep.is_finite() || !ek.is_finite() {
            return Err(crate::error::RunError::NonFiniteEnergy { what: if ep.is_finite() { "kinetic" } else { "potential" } }.into());
        }
        Ok(())
    }

    /// Brings the energies, virial and per-atom energies up to the current step (one force
    /// call with energies, if the last chunk skipped them); every reader of them calls it.
    ///
    /// # Errors
    /// A non-finite state (the run was unstable).
    pub fn refresh(&mut self) -> anyhow::Result<()> {
        if !self.fresh {
            let (engine, comm, timers) = (&mut self.engine, &mut self.comm, &mut self.timers);
            self.pool.install(|| crate::engine::verlet::energies(engine.as_mut(), comm, timers))?;
            self.fresh = true;
            self.check_energies()?;
        }
        Ok(())
    }

    /// Takes the screen output produced since the last call.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// The thermo rows printed so far.
    pub fn rows(&self) -> &[ThermoRow] {
        &self.rows
    }

    /// The step reached.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// The configuration the session runs.
    pub fn config(&self) -> &RunConfig {
        &self.cfg
    }

    /// The potential.
    pub fn potential(&self) -> &Potential {
        &self.pot
    }

    /// Atoms.
    pub fn n_atoms(&self) -> usize {
        self.engine.n_local()
    }

    /// Global potential and kinetic energy, eV.
    pub fn energies(&mut self) -> anyhow::Result<(Real, Real)> {
        self.refresh()?;
        Ok((self.engine.e_potential(), self.engine.e_kinetic()))
    }

    /// Temperature, K, as the thermo rows compute it.
    pub fn temperature(&mut self) -> anyhow::Result<Real> {
        self.refresh()?;
        Ok(report::thermo_row(self.engine.as_ref(), self.engine.n_local() as i64, self.step, self.cfg.dt, 0.0, 1).temperature)
    }

    /// Pressure from the virial, GPa.
    pub fn pressure(&mut self) -> anyhow::Result<Real> {
        self.refresh()?;
        Ok(report::pressure(self.engine.as_ref(), &mut self.comm, self.engine.box_lengths()))
    }

    /// The virial tensor `W_ab = Σ_pairs d_a f_b`, eV, Voigt order `xx yy zz yz xz xy`.
    pub fn virial(&mut self) -> anyhow::Result<Voigt> {
        self.refresh()?;
        Ok(report::virial(self.engine.as_ref(), &mut self.comm))
    }

    /// The box: lower corner and edge lengths, Å.
    pub fn cell(&self) -> (Real3, Real3) {
        (self.origin, self.engine.box_lengths())
    }

    /// The atom mass, internal units (eV·fs²/Å²).
    pub fn mass(&self) -> Real {
        self.engine.mass()
    }

    /// Every atom's record, sorted by gid, positions absolute (origin added).
    ///
    /// # Errors
    /// A non-finite state ([`Session::refresh`]).
    pub fn records(&mut self) -> anyhow::Result<Vec<AtomRecord>> {
        self.refresh()?;
        let mut all = self.engine.records();
        all.sort_unstable_by_key(|a| a.gid);
        for a in &mut all {
            for k in 0..3 {
                a.r[k] += self.origin[k];
            }
        }
        Ok(all)
    }

    /// Positions (absolute, Å) in gid order as `3n` values, for gids `0..n` (else `None`):
    /// one scatter pass over the engine's own arrays, in this session's pool.
    pub fn positions_flat(&self) -> Option<Vec<Real>> {
        let (gids, r) = self.engine.gid_positions()?;
        let n = gids.len();
        if gids.iter().any(|&g| g < 0 || g as usize >= n) {
            return None;
        }
        // each worker owns a range of gids and scans every atom for those in it: the writes
        // of one worker stay in its part of the output
        use rayon::prelude::*;
        let mut out = vec![0.0; 3 * n];
        let o = self.origin;
        let per = n.div_ceil(self.pool.current_num_threads()).max(1);
        self.pool.install(|| {
            out.par_chunks_mut(3 * per).enumerate().for_each(|(c, part)| {
                let lo = c * per;
                for (&g, r) in gids.iter().zip(r) {
                    let k = (g as usize).wrapping_sub(lo);
                    if k < per {
                        part[3 * k..3 * k + 3].copy_from_slice(&[r[0] + o[0], r[1] + o[1], r[2] + o[2]]);
                    }
                }
            })
        });
        Some(out)
    }

    /// Replaces positions (absolute, Å) and momenta (internal units) of every atom, in gid
    /// order, then recomputes forces and energies (the engine is built anew from the atoms,
    /// through the factory). Positions are wrapped into the box.
    ///
    /// # Errors
    /// Arrays of the wrong length, non-finite values, or a start-up failure.
    pub fn set_state(&mut self, r: &[Real3], p: &[Real3]) -> anyhow::Result<()> {
        let recs = self.records()?;
        if r.len() != recs.len() || p.len() != recs.len() {
            return Err(usage(format!("expected {} atoms, got {} positions and {} momenta", recs.len(), r.len(), p.len())));
        }
        if r.iter().chain(p).flatten().any(|v| !v.is_finite()) {
            return Err(usage("positions and velocities must be finite"));
        }
        let lengths = self.engine.box_lengths();
        let atoms = recs
            .iter()
            .zip(r.iter().zip(p))
            .map(|(a, (r, p))| StartAtom { gid: a.gid, r: std::array::from_fn(|k| wrap(r[k] - self.origin[k], lengths[k])), p: Some(*p) })
            .collect();
        let s = Structure { origin: [0.0; 3], lengths, atoms };
        let (cfg, pot, comm, timers) = (&self.cfg, &self.pot, &mut self.comm, &mut self.timers);
        self.engine = self.pool.install(|| engine::start(cfg, pot, Start::Atoms(s), comm, timers))?;
        self.fresh = true;
        Ok(())
    }

    /// Writes a checkpoint of the current state to `path` (atomically); the binary's
    /// `--restart` and [`Session::new`] with `cfg.restart` continue from it bit for bit.
    ///
    /// # Errors
    /// An unwritable path.
    pub fn checkpoint(&mut self, path: &Path) -> anyhow::Result<()> {
        self.refresh()?;
        crate::config::check_writable(path).map_err(|e| anyhow::Error::new(FileError(format!("{e:#}"))))?;
        let frame = report::gather_frame(self.engine.as_ref(), &mut self.comm, self.step, &self.cfg, self.ensemble.as_ref(), (self.e0, self.n0), &(self.pot.species().to_string(), self.pot.u_unit()))
            .context("gathering the atoms")?;
        let bytes = checkpoint::encode(&Checkpoint::from_frame(&frame, &self.flags));
        crate::files::write_atomically(path, &bytes).with_context(|| format!("writing the checkpoint {}", path.display()))
    }

    /// The snapshot the renderer draws (colours by energy need per-atom energies: they are
    /// those of the last step).
    pub fn frame(&mut self) -> anyhow::Result<crate::observer::Frame> {
        self.refresh()?;
        let f = report::gather_frame(self.engine.as_ref(), &mut self.comm, self.step, &self.cfg, self.ensemble.as_ref(), (self.e0, self.n0), &(self.pot.species().to_string(), self.pot.u_unit()))
            .expect("one rank is rank 0");
        Ok(f)
    }
}

/// The physics options a checkpoint at `path` was written with, put into `cfg` (so a
/// restart needs no options but those that do not change the physics).
///
/// # Errors
/// An unreadable or invalid checkpoint (usage error naming the file).
pub fn restart_config(mut run: RunConfig, path: &Path) -> anyhow::Result<RunConfig> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::Error::new(FileError(format!("--restart {}: cannot read: {e}", path.display()))))?;
    let ck = checkpoint::decode(&bytes).map_err(|e| usage(format!("--restart {}: {e}", path.display())))?;
    let f = ck.flags;
    run.doeam = f.doeam;
    if f.doeam {
        run.pot_type = if f.pot_type == 1 { crate::cli::PotType::Setfl } else { crate::cli::PotType::Funcfl };
        run.pot_name = f.pot_name;
    }
    run.n_cells = f.n_cells.map(|v| v as usize);
    (run.lat_arg, run.dt, run.temp, run.delta, run.exact, run.seed) = (f.lat_arg, f.dt, f.temp, f.delta, f.exact, f.seed);
    if f.exact {
        run.skin = None;
    }
    run.restart = Some(path.to_path_buf());
    Ok(run)
}

/// `x` wrapped into `[0, l)`.
fn wrap(x: Real, l: Real) -> Real {
    let w = x.rem_euclid(l);
    if w >= l {
        0.0
    } else {
        w
    }
}

/// The structure file `--structure` names (a file that cannot be opened is a [`FileError`],
/// a bad one a usage error, as for the binary); warnings go to stderr.
fn read_structure(cfg: &RunConfig, pot: &Potential, path: &std::path::Path, comm: &mut Serial) -> anyhow::Result<Structure> {
    let (s, warnings) = crate::structure::load(cfg, pot, path, comm)
        .map_err(|e| if std::fs::File::open(path).is_err() { anyhow::Error::new(FileError(format!("{e:#}"))) } else { e })?;
    warnings.iter().for_each(|w| eprintln!("comd: {w}"));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_stays_inside_the_box() {
        assert_eq!(wrap(-1e-18, 10.0), 0.0);
        assert_eq!(wrap(10.0, 10.0), 0.0);
        assert_eq!(wrap(12.5, 10.0), 2.5);
        assert_eq!(wrap(-2.5, 10.0), 7.5);
    }
}
