//! Interatomic potentials as data (CoMD `BasePotential` without its function pointers).
//!
//! A [`Potential`] is the parameters of the interaction — Lennard-Jones's σ, ε and cutoff,
//! or EAM's tables — and answers what every part of the program asks of it: its range, the
//! mass of its species, its lattice, the skin the default path lists pairs with, and its
//! lines of the screen report. It computes nothing: the force loops live with the engine
//! that runs them (CoMD's loops in `engine::exact`, the vector kernels in `engine::fast`),
//! so this module imports neither engine and each engine reads the parameters its own way.

pub mod eam;
pub mod lj;

use crate::comm::Comm;
use crate::types::Real;
use eam::EamTables;
use lj::LennardJones;

/// Default Verlet skin for LJ, Å. FCC neighbours come in discrete shells (for copper at
/// 3.615 Å: 6.26 Å, then 48 atoms at 6.76 Å), so any skin that keeps `cutoff + skin` below
/// the next shell lists about the same pairs (~90 per atom), and the largest such skin
/// rebuilds least: at 0.85 Å (range 6.64 Å) the 32 000 atoms of CoMD's 600 K problem never
/// move half a skin, and the lists are built once (−17 % instructions over 400 steps
/// against 0.8 Å, which rebuilt every ~100 steps; 0.3 Å costs 30 % more per step). A melt
/// still rebuilds as often as it needs to. (Measured under the half-skin rule; the pair rule
/// of `engine::fast::skin` rebuilds less, so larger crystals keep their lists too.)
pub const DEFAULT_SKIN_LJ: Real = 0.85;
/// Default Verlet skin for EAM, Å: the same reasoning with `Cu_u6.eam`'s 4.95 Å cutoff —
/// range 5.55 Å stays below the 5.72 Å shell, lists grow from ~54 to ~57 entries per atom,
/// and rebuilds become rare (−6.6 % instructions over 400 steps against LAMMPS's 0.3 Å).
pub const DEFAULT_SKIN_EAM: Real = 0.6;

/// The interaction of a run.
#[derive(Debug, Clone)]
pub enum Potential {
    /// Lennard-Jones, shifted to zero at the cutoff.
    Lj(LennardJones),
    /// Embedded atom method, from funcfl or setfl tables.
    Eam(Box<EamTables>),
}

impl Potential {
    /// Interaction range, Å.
    pub fn cutoff(&self) -> Real {
        match self {
            Potential::Lj(l) => l.cutoff,
            Potential::Eam(t) => t.cutoff,
        }
    }

    /// Mass of the species, internal units (eV·fs²/Å²).
    pub fn mass(&self) -> Real {
        match self {
            Potential::Lj(l) => l.mass,
            Potential::Eam(t) => t.mass_internal(),
        }
    }

    /// Lattice constant recommended by the potential, Å.
    pub fn lattice_constant(&self) -> Real {
        match self {
            Potential::Lj(l) => l.lat,
            Potential::Eam(t) => t.lattice_constant,
        }
    }

    /// Lattice type named by the potential (`FCC`).
    pub fn lattice_type(&self) -> &str {
        match self {
            Potential::Lj(_) => "FCC",
            Potential::Eam(t) => &t.lattice_type,
        }
    }

    /// The Verlet skin of the default path when none is given ([`DEFAULT_SKIN_LJ`] or
    /// [`DEFAULT_SKIN_EAM`]).
    pub fn default_skin(&self) -> Real {
        match self {
            Potential::Lj(_) => DEFAULT_SKIN_LJ,
            Potential::Eam(_) => DEFAULT_SKIN_EAM,
        }
    }

    /// The unit of CoMD's per-atom energy `U` (the state dumps' column), eV: `4ε` for
    /// Lennard-Jones (CoMD sums the bare `(σ/r)¹² − (σ/r)⁶` halves per atom and multiplies
    /// only the total by 4ε), 1 for EAM (eV). Every [`crate::records::AtomRecord`] holds `U`
    /// in this unit on both paths; multiply by it for eV.
    pub fn u_unit(&self) -> Real {
        match self {
            Potential::Lj(l) => 4.0 * l.epsilon,
            Potential::Eam(_) => 1.0,
        }
    }

    /// The species name (`Cu`).
    pub fn species(&self) -> &str {
        match self {
            Potential::Lj(_) => "Cu",
            Potential::Eam(t) => &t.name,
        }
    }

    /// Whether this is the EAM potential (CoMD prints its labels with other padding).
    pub fn is_eam(&self) -> bool {
        matches!(self, Potential::Eam(_))
    }

    /// The `Potential data:` lines of the screen report, `(label, value)`.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        match self {
            Potential::Lj(l) => l.describe(),
            Potential::Eam(t) => t.describe(),
        }
    }
}

/// Formats like C's `%g` (6 significant digits, trailing zeros removed).
pub fn fmt_g(x: Real) -> String {
    crate::output::format::g(x)
}

/// The EAM table format to read.
pub use eam::PotentialFormat;

/// Which potential to build: what [`load`] needs to know, as plain values.
#[derive(Debug, Clone)]
pub enum Choice<'a> {
    /// CoMD's Lennard-Jones copper.
    Lj,
    /// EAM tables in `format`, the file `name` found in `dir` (or the standard places).
    Eam {
        /// File name.
        name: &'a str,
        /// Table format.
        format: PotentialFormat,
        /// `--potDir`, if given.
        dir: Option<&'a std::path::Path>,
    },
}

/// Builds the potential. EAM tables are read on rank 0 and broadcast, so a file problem is
/// reported identically by every rank (exit status 2). Returns the potential and the
/// directory its table came from (for the report; LJ: `lj_dir`).
pub fn load(choice: Choice, lj_dir: String, comm: &mut dyn Comm) -> anyhow::Result<(Potential, String)> {
    let Choice::Eam { name, format, dir } = choice else {
        return Ok((Potential::Lj(LennardJones::default()), lj_dir));
    };
    // message: [status byte][directory length u32][directory][payload]
    let mut msg = Vec::new();
    if comm.rank() == 0 {
        let loaded = eam::locate(Some(name), format, dir).and_then(|path| EamTables::read(&path, format).map(|t| (path, t)));
        match loaded {
            Ok((path, tables)) => {
                let dir = path.parent().map(|d| d.display().to_string()).unwrap_or_default();
                msg.push(0u8);
                msg.extend_from_slice(&(dir.len() as u32).to_le_bytes());
                msg.extend_from_slice(dir.as_bytes());
                msg.extend_from_slice(&tables.to_bytes());
            }
            Err(e) => {
                msg.push(1u8);
                msg.extend_from_slice(e.to_string().as_bytes());
            }
        }
    }
    comm.broadcast_bytes(0, &mut msg);
    match msg.first() {
        Some(0) if msg.len() >= 5 => {
            let n = u32::from_le_bytes(msg[1..5].try_into().expect("4 bytes")) as usize;
            let dir = String::from_utf8_lossy(&msg[5..5 + n]).into_owned();
            let tables = EamTables::from_bytes(&msg[5 + n..]).map_err(|e| crate::error::usage(e.to_string()))?;
            Ok((Potential::Eam(Box::new(tables)), dir))
        }
        _ => Err(crate::error::usage(String::from_utf8_lossy(msg.get(1..).unwrap_or_default()).into_owned())),
    }
}

impl<'a> Choice<'a> {
    /// The potential a run configuration names (`-e`, `-p`, `-t`, `-d`).
    pub fn from_config(cfg: &'a crate::config::RunConfig) -> Choice<'a> {
        if !cfg.doeam {
            return Choice::Lj;
        }
        let format = match cfg.pot_type {
            crate::cli::PotType::Funcfl => PotentialFormat::Funcfl,
            crate::cli::PotType::Setfl => PotentialFormat::Setfl,
        };
        Choice::Eam { name: &cfg.pot_name, format, dir: cfg.pot_dir.as_deref() }
    }
}

/// [`load`] for a run configuration; LJ reports `--potDir` (default `pots`) as CoMD does.
pub fn build(cfg: &crate::config::RunConfig, comm: &mut dyn Comm) -> anyhow::Result<(Potential, String)> {
    let lj_dir = cfg.pot_dir.as_ref().map_or("pots".into(), |p| p.display().to_string());
    load(Choice::from_config(cfg), lj_dir, comm)
}
