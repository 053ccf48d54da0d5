//! Checkpoints and restarts: `--checkpoint PATH [--checkpoint-every K]`, `--restart PATH`.
//!
//! A checkpoint is a little-endian binary file, written atomically (temporary file, then
//! rename), so it is complete or absent:
//!
//! | field | bytes |
//! |---|---|
//! | magic `COMDRSCK`, format version (u32) | 12 |
//! | step (u64) | 8 |
//! | physics flags ([`RunFlags`]): EAM or LJ, table format and file name, FNV-1a hash of the EAM tables, unit cells, `-l`, `-D`, `-T`, `-r`, `--exact`, rank grid, `--seed`, the ensemble's options (u32 length + text) | variable |
//! | validation block: initial energy per atom (f64), initial atom count (i64) | 16 |
//! | global potential and kinetic energy at this step (f64) | 16 |
//! | box upper corner (3 f64) | 24 |
//! | ensemble state ([`crate::ensemble::Ensemble::state`]: u32 count + f64s; none for NVE) | variable |
//! | atom count (u64) | 8 |
//! | per atom, by gid: gid (i32), r, p, f (9 f64), U (f64), r_ref (3 f64), image (3 i32) | 120 each |
//! | FNV-1a 64 checksum of everything before it | 8 |
//!
//! A restart rebuilds exactly the state the run had at that step (see
//! `engine::exact::ExactEngine::restore`): positions, momenta and forces are stored bit for bit and the
//! forces are not recomputed, so a run of 100 steps and a run of 50 steps restarted for 50
//! more print the same rows and end in the same state. The physics flags must match the
//! restarted run's options; anything else — truncation, a bad checksum, another version, other
//! options — is a one-line usage error (exit status 2) found before the run starts.
//!
//! Under MPI rank 0 reads and checks the file and broadcasts it; every rank keeps the atoms
//! inside its own domain.

use crate::comm::Comm;
use crate::config::RunConfig;
use crate::engine::EngineKind;
use crate::error::usage;
use crate::potential::Potential;
use crate::observer::{Frame, Observer};
use crate::records::AtomRecord;
use anyhow::Context;
use std::path::{Path, PathBuf};

mod codec;
pub use codec::{decode, encode, fnv1a};

/// File magic.
pub const MAGIC: &[u8; 8] = b"COMDRSCK";
/// Current format version.
pub const VERSION: u32 = 3;

/// The options a checkpoint was written with that a restart must repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFlags {
    /// EAM (true) or LJ.
    pub doeam: bool,
    /// EAM table format (0 funcfl, 1 setfl; 0 for LJ).
    pub pot_type: u8,
    /// EAM table file name (empty for LJ).
    pub pot_name: String,
    /// FNV-1a hash of the EAM tables as read (0 for LJ).
    pub table_hash: u64,
    /// Unit cells per axis.
    pub n_cells: [u64; 3],
    /// `-l` as given.
    pub lat_arg: f64,
    /// `-D`, fs.
    pub dt: f64,
    /// `-T`, K.
    pub temp: f64,
    /// `-r`, Å.
    pub delta: f64,
    /// `--exact`.
    pub exact: bool,
    /// Rank grid.
    pub proc_grid: [u64; 3],
    /// `--seed`.
    pub seed: Option<u64>,
    /// The ensemble's options ([`crate::config::EnsembleConfig::describe`]; empty: NVE).
    pub ensemble: String,
}

impl RunFlags {
    /// The flags of a run of `cfg` on the path `kind` with the potential `pot`.
    pub fn new(cfg: &RunConfig, kind: EngineKind, pot: &Potential) -> RunFlags {
        let table_hash = table_hash(pot);
        RunFlags {
            doeam: cfg.doeam,
            pot_type: if cfg.doeam { cfg.pot_type as u8 } else { 0 },
            pot_name: if cfg.doeam { cfg.pot_name.clone() } else { String::new() },
            table_hash: if cfg.doeam { table_hash } else { 0 },
            // a structure run has no unit cells: 0x0x0 (the structure's box is checked on restart)
            n_cells: if cfg.structure.is_some() { [0; 3] } else { cfg.n_cells.map(|v| v as u64) },
            lat_arg: cfg.lat_arg,
            dt: cfg.dt,
            temp: cfg.temp,
            delta: cfg.delta,
            exact: kind.is_exact(),
            proc_grid: cfg.proc_grid.map(|v| v as u64),
            seed: cfg.seed,
            ensemble: cfg.ensemble.describe(),
        }
    }

    /// The first difference between the checkpoint's flags (`self`) and the run's, as a
    /// sentence.
    pub fn mismatch(&self, run: &RunFlags) -> Option<String> {
        let pot = |f: &RunFlags| if f.doeam { format!("EAM ({})", f.pot_name) } else { "Lennard-Jones".into() };
        let grid = |g: [u64; 3]| format!("{}x{}x{}", g[0], g[1], g[2]);
        let cells = |g: [u64; 3]| if g == [0; 3] { "a --structure box (no unit cells)".to_string() } else { format!("{} unit cells", grid(g)) };
        let seed = |s: Option<u64>| s.map_or("none".into(), |v| v.to_string());
        let ens = |e: &str| if e.is_empty() { "constant energy (no thermostat)".to_string() } else { e.to_string() };
        let pairs: [(&str, String, String); 13] = [
            ("the potential (-e)", pot(self), pot(run)),
            ("-t/potType", self.pot_type.to_string(), run.pot_type.to_string()),
            ("-p/potName", self.pot_name.clone(), run.pot_name.clone()),
            ("the EAM tables (file contents)", format!("{:016x}", self.table_hash), format!("{:016x}", run.table_hash)),
            ("-x/-y/-z or --structure", cells(self.n_cells), cells(run.n_cells)),
            ("-l/lat", self.lat_arg.to_string(), run.lat_arg.to_string()),
            ("-D/dt", self.dt.to_string(), run.dt.to_string()),
            ("-T/temp", self.temp.to_string(), run.temp.to_string()),
            ("-r/delta", self.delta.to_string(), run.delta.to_string()),
            ("--exact", self.exact.to_string(), run.exact.to_string()),
            ("-i/-j/-k", grid(self.proc_grid), grid(run.proc_grid)),
            ("--seed", seed(self.seed), seed(run.seed)),
            ("the ensemble", ens(&self.ensemble), ens(&run.ensemble)),
        ];
        pairs
            .into_iter()
            .find(|(_, a, b)| a != b)
            .map(|(what, a, b)| format!("it was written with {what} {a}, this run has {b}; restart with the same options"))
    }
}

/// Everything a checkpoint holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// Physics flags.
    pub flags: RunFlags,
    /// Step reached.
    pub step: u64,
    /// Total energy per atom at step 0, eV.
    pub e_initial: f64,
    /// Atoms at step 0.
    pub n_initial: i64,
    /// Global potential energy, eV.
    pub e_potential: f64,
    /// Global kinetic energy, eV.
    pub e_kinetic: f64,
    /// Box upper corner, Å (the lower one is the origin).
    pub box_max: [f64; 3],
    /// The ensemble's state ([`crate::ensemble::Ensemble::state`]; empty for NVE).
    pub ensemble: Vec<f64>,
    /// Every atom, sorted by gid (the `cell` field is not stored: it is 0).
    pub atoms: Vec<AtomRecord>,
}

impl Checkpoint {
    /// The checkpoint of a gathered frame.
    pub fn from_frame(frame: &Frame, flags: &RunFlags) -> Checkpoint {
        Checkpoint {
            flags: flags.clone(),
            step: frame.step,
            e_initial: frame.e_initial,
            n_initial: frame.n_initial,
            e_potential: frame.e_potential,
            e_kinetic: frame.e_kinetic,
            box_max: frame.box_max,
            ensemble: frame.ensemble.clone(),
            atoms: frame.atoms.iter().map(|a| AtomRecord { cell: 0, ..*a }).collect(),
        }
    }
}

/// FNV-1a hash of the EAM tables as loaded (0 for LJ).
pub fn table_hash(pot: &Potential) -> u64 {
    match pot {
        Potential::Eam(t) => fnv1a(&t.to_bytes()),
        Potential::Lj(_) => 0,
    }
}

/// Reads and checks a checkpoint file against the run's options (rank 0's part of [`load`]).
pub fn read_checked(flags: &RunFlags, path: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let ck = decode(&bytes)?;
    if let Some(m) = ck.flags.mismatch(flags) {
        return Err(m);
    }
    Ok(bytes)
}

/// Reads the checkpoint `path` on rank 0, checks it against the run's `flags` (see
/// [`RunFlags::new`]), and hands it to every rank. All ranks return the same result. The
/// file is read once: the caller keeps the result for the engine and the trajectories.
pub fn load(cfg: &RunConfig, flags: &RunFlags, path: &Path, comm: &mut dyn Comm) -> anyhow::Result<Checkpoint> {
    let name = path.display();
    let ck = match crate::comm::read_on_rank0(comm, || read_checked(flags, path)) {
        Ok(b) => decode(&b).map_err(|e| usage(format!("--restart {name}: {e}")))?,
        Err(e) => return Err(usage(format!("--restart {name}: {e}"))),
    };
    if ck.step > cfg.n_steps {
        return Err(usage(format!(
            "--restart {name}: the checkpoint is at step {}, after -N/nSteps {}; ask for at least {} steps",
            ck.step, cfg.n_steps, ck.step
        )));
    }
    Ok(ck)
}

/// An [`Observer`] writing checkpoints every `every` steps, and at the end of the run once
/// [`CheckpointWriter::commit`] confirms the run ended cleanly (finished or stopped on
/// request, not failed: the state after a failure is not worth continuing from).
pub struct CheckpointWriter {
    path: PathBuf,
    every: Option<u64>,
    flags: RunFlags,
    start_step: u64,
    pending: Option<Vec<u8>>,
}

impl CheckpointWriter {
    /// A writer to `path` for a run starting at `start_step` with options `flags`.
    pub fn new(path: &Path, every: Option<u64>, flags: RunFlags, start_step: u64) -> CheckpointWriter {
        CheckpointWriter { path: path.to_path_buf(), every, flags, start_step, pending: None }
    }

    fn write(&self, bytes: &[u8]) -> anyhow::Result<()> {
        crate::files::write_atomically(&self.path, bytes).with_context(|| format!("writing the checkpoint {}", self.path.display()))
    }

    /// Writes the final checkpoint prepared by [`Observer::finish`] (rank 0; no-op elsewhere).
    pub fn commit(&mut self) -> anyhow::Result<()> {
        match self.pending.take() {
            Some(b) => self.write(&b),
            None => Ok(()),
        }
    }
}

impl Observer for CheckpointWriter {
    fn every(&self) -> Option<u64> {
        self.every
    }
    fn observe(&mut self, frame: &Frame) -> anyhow::Result<()> {
        if frame.step == self.start_step {
            return Ok(()); // nothing new since the start (or the checkpoint restarted from)
        }
        self.write(&encode(&Checkpoint::from_frame(frame, &self.flags)))
    }
    fn finish(&mut self, frame: &Frame) -> anyhow::Result<()> {
        let sound = frame.e_potential.is_finite() && frame.e_kinetic.is_finite() && frame.atoms.len() as i64 == frame.n_initial;
        self.pending = sound.then(|| encode(&Checkpoint::from_frame(frame, &self.flags)));
        Ok(())
    }
}

