//! Interatomic potentials behind one role trait (CoMD `BasePotential`).

pub mod eam;
pub mod lj;

use crate::comm::Comm;
use crate::error::RunError;
use crate::system::System;
use crate::timers::Timers;
use crate::types::Real;

/// What the engine needs from a potential: its constants and its force kernel.
pub trait Potential: Send {
    /// Interaction range, Å.
    fn cutoff(&self) -> Real;
    /// Mass of the species, internal units (eV·fs²/Å²).
    fn mass(&self) -> Real;
    /// Lattice constant recommended by the potential, Å.
    fn lattice_constant(&self) -> Real;
    /// Lattice type named by the potential (`FCC`).
    fn lattice_type(&self) -> &str;
    /// The `Potential data:` lines of the screen report, `(label, value)`.
    fn describe(&self) -> Vec<(&'static str, String)>;
    /// Whether this is the EAM potential (CoMD prints its labels with other padding).
    fn is_eam(&self) -> bool {
        false
    }
    /// Forces and per-atom energies of all local atoms in CoMD's serial loop order; returns
    /// this rank's potential energy (CoMD `computeForce`). Halo images must be current.
    fn force_exact(&mut self, sys: &mut System, comm: &mut dyn Comm, timers: &mut Timers) -> Result<Real, RunError>;
    /// The same interaction for the fast path.
    fn fast_kernel(&self) -> crate::fast::Kernel;
    /// This rank's virial `W = Σ_pairs d·f` (`d = r_i − r_j`, `f` the force on i from j) at
    /// the last [`Potential::force_exact`], for the pressure `P = (2 E_kin + W) / 3V`: each
    /// local pair once, a pair with a halo image half (as the energy). The force loops add it
    /// up as they go, so printing the pressure costs no extra pass over the pairs.
    fn virial(&self) -> Real;
}

/// Formats like C's `%g` (6 significant digits, trailing zeros removed).
pub fn fmt_g(x: Real) -> String {
    crate::output::format::g(x)
}

/// Builds the potential the configuration asks for. EAM tables are read on rank 0 and
/// broadcast, so a file problem is reported identically by every rank (exit status 2).
/// Returns the potential and the directory its table came from (for the report).
pub fn build(cfg: &crate::config::RunConfig, comm: &mut dyn Comm) -> anyhow::Result<(Box<dyn Potential>, String)> {
    if !cfg.doeam {
        let dir = cfg.pot_dir.as_ref().map_or("pots".into(), |p| p.display().to_string());
        return Ok((Box::new(lj::LennardJones::default()), dir));
    }
    let format = match cfg.pot_type {
        crate::cli::PotType::Funcfl => eam::PotentialFormat::Funcfl,
        crate::cli::PotType::Setfl => eam::PotentialFormat::Setfl,
    };
    // message: [status byte][directory length u32][directory][payload]
    let mut msg = Vec::new();
    if comm.rank() == 0 {
        let loaded = eam::locate(Some(&cfg.pot_name), format, cfg.pot_dir.as_deref())
            .and_then(|path| eam::EamTables::read(&path, format).map(|t| (path, t)));
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
            let tables = eam::EamTables::from_bytes(&msg[5 + n..]).map_err(|e| crate::error::usage(e.to_string()))?;
            Ok((Box::new(eam::Eam::new(tables)), dir))
        }
        _ => Err(crate::error::usage(String::from_utf8_lossy(msg.get(1..).unwrap_or_default()).into_owned())),
    }
}
