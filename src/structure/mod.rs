//! Structures in and out: `--structure PATH` starts a run from an extended XYZ file (as ASE
//! and OVITO write it) or a LAMMPS data file instead of CoMD's lattice, and `--write-data
//! PATH` writes the final state as a LAMMPS data file.
//!
//! | file | role |
//! | --- | --- |
//! | `mod.rs` | what a reader returns ([`Parsed`]), [`load`]: read on rank 0, broadcast, check, convert to the engine's [`Structure`] |
//! | [`extxyz`] | extended XYZ reader (`Lattice`, `Properties`, `pbc`; the last frame) |
//! | [`lammps_data`] | LAMMPS data reader (atom style atomic, orthogonal box, `Masses`, `Atoms`, `Velocities`) |
//! | [`checks`] | the box against the ranks and the cutoff, atoms too close, memory |
//! | [`data_file`] | the LAMMPS data writer and its observer |
//!
//! # Why the readers only parse
//!
//! The readers know a file format and nothing of the run: they return positions as the file
//! has them (images folded in), velocities in the file's own unit, and for every atom its
//! line, so that every complaint names the file and the line. Everything that depends on the
//! run — the species and mass of the potential, `-T`, the ranks, the cutoff — is decided here
//! once for both formats. Positions are kept relative to the file's origin and wrapped by the
//! engine factory, which counts the periodic images; velocities become momenta with the
//! potential's mass (the file's mass, if it differs, gets a warning: the dynamics are the
//! potential's).
//!
//! Under MPI, rank 0 reads the file and broadcasts its bytes; every rank parses the same
//! bytes, so every rank reaches the same structure or the same error.

pub mod checks;
pub mod data_file;
pub mod extxyz;
pub mod lammps_data;

use crate::cli::StructureFormat;
use crate::comm::Comm;
use crate::config::RunConfig;
use crate::engine::{StartAtom, Structure};
use crate::error::usage;
use crate::potential::Potential;
use crate::types::Real3;
use std::path::Path;

/// The unit of the velocities a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VelocityUnit {
    /// Å/fs (extended XYZ `velo`/`vel`).
    AngstromPerFs,
    /// ASE momenta, amu·Å per ASE time unit: v[Å/fs] = momenta / mass × `ase.units.fs`.
    AseMomenta,
    /// Å/ps (LAMMPS metal units).
    AngstromPerPs,
}

/// One atom as a file gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileAtom {
    /// Global id: LAMMPS atom id − 1, or the index in an extended XYZ frame.
    pub gid: i64,
    /// Line of the file (1-based).
    pub line: usize,
    /// Index into [`Parsed::species`].
    pub kind: usize,
    /// Position, Å, with the image flags folded in (`x + ix·Lx`).
    pub r: Real3,
    /// Velocity in [`Parsed::velocity_unit`], if the file has velocities.
    pub v: Option<Real3>,
    /// Mass, amu, if the file gives one.
    pub mass: Option<f64>,
}

/// A structure as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Lower corner of the box, Å.
    pub origin: Real3,
    /// Edge lengths, Å (positive).
    pub lengths: Real3,
    /// The species names the atoms refer to (a LAMMPS type without a name: `None`).
    pub species: Vec<Option<String>>,
    /// The unit of the atoms' velocities.
    pub velocity_unit: VelocityUnit,
    /// The atoms, in file order.
    pub atoms: Vec<FileAtom>,
}

/// A reader's complaint: the line (1-based; 0 for the whole file) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    /// Line of the file.
    pub line: usize,
    /// What is wrong, and what is allowed.
    pub msg: String,
}

impl ReadError {
    /// A complaint about `line`.
    pub fn at(line: usize, msg: impl Into<String>) -> ReadError {
        ReadError { line, msg: msg.into() }
    }
}

/// ASE's femtosecond in its own time unit (`ase.units.fs`, CODATA 2014 as ASE defines it:
/// `1e-15 · 1e10 · √(e / amu)`).
pub fn ase_fs() -> f64 {
    1e-15 * 1e10 * (1.6021766208e-19f64 / 1.660539040e-27).sqrt()
}

/// ASE's atomic mass of `species`, amu, for the species comd-rs runs (`None` otherwise).
pub fn ase_mass(species: &str) -> Option<f64> {
    (species == "Cu").then_some(63.546)
}

/// The format of `path`: `given`, or from its extension.
pub fn format_of(path: &Path, given: Option<StructureFormat>) -> anyhow::Result<StructureFormat> {
    if let Some(f) = given {
        return Ok(f);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "xyz" | "extxyz" => Ok(StructureFormat::Extxyz),
        "data" | "lmp" => Ok(StructureFormat::Lammps),
        _ => Err(usage(format!(
            "--structure {}: unknown extension '{ext}' (.xyz/.extxyz for extended XYZ, .data/.lmp for LAMMPS data); \
             or give --structure-format extxyz|lammps",
            path.display()
        ))),
    }
}

/// Parses the bytes of a structure file in `format`.
pub fn parse(bytes: &[u8], format: StructureFormat) -> Result<Parsed, ReadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
        ReadError::at(line, "not a text file (invalid UTF-8)")
    })?;
    match format {
        StructureFormat::Extxyz => extxyz::parse(text),
        StructureFormat::Lammps => lammps_data::parse(text),
    }
}

/// Reads `cfg.structure` (rank 0 reads, every rank parses the broadcast bytes) and checks it
/// against the potential and the run: the engine's structure and warnings to print (on
/// rank 0). With `-T` given the file's velocities are dropped (drawn at `-T` instead).
pub fn load(cfg: &RunConfig, pot: &Potential, path: &Path, comm: &mut dyn Comm) -> anyhow::Result<(Structure, Vec<String>)> {
    let format = format_of(path, cfg.structure_format)?;
    let name = path.display().to_string();
    let bytes = crate::comm::read_on_rank0(comm, || checks::read_bounded(path, format))
        .map_err(|e| usage(format!("--structure {name}: {e}")))?;
    let bytes = &bytes[..];
    let at = |e: ReadError| if e.line > 0 { usage(format!("{name}:{}: {}", e.line, e.msg)) } else { usage(format!("{name}: {}", e.msg)) };
    let parsed = parse(bytes, format).map_err(at)?;
    let warnings = check_species(&parsed, pot).map_err(at)?;
    checks::box_fits(&parsed, pot.cutoff(), cfg.proc_grid).map_err(at)?;
    checks::spacing(&parsed).map_err(at)?;
    Ok((to_structure(&parsed, pot, cfg.temp_given), warnings))
}

/// Every atom must be of the potential's species; a file mass other than the potential's is
/// a warning.
fn check_species(p: &Parsed, pot: &Potential) -> Result<Vec<String>, ReadError> {
    if p.atoms.is_empty() {
        return Err(ReadError::at(0, "the structure has no atoms"));
    }
    let want = pot.species();
    let pot_amu = pot.mass() / crate::constants::amu_to_internal_mass();
    let mut warned = false;
    let mut warnings = Vec::new();
    for a in &p.atoms {
        if let Some(s) = p.species[a.kind].as_deref().filter(|s| *s != want) {
            return Err(ReadError::at(a.line, format!("species '{s}': the potential describes {want} only")));
        }
        if let Some(m) = a.mass.filter(|m| !warned && ((m - pot_amu) / pot_amu).abs() > 1e-6) {
            warned = true;
            warnings.push(format!(
                "warning: line {}: the file's mass {m} amu differs from the potential's {pot_amu} amu; the run uses the potential's",
                a.line
            ));
        }
    }
    Ok(warnings)
}

/// The engine's structure: ids, positions, and momenta `m_potential · v[Å/fs]` (none when
/// `-T` was given or the file has no velocities).
fn to_structure(p: &Parsed, pot: &Potential, temp_given: bool) -> Structure {
    let m = pot.mass();
    let fs = ase_fs();
    let atoms = p
        .atoms
        .iter()
        .map(|a| {
            let v = a.v.filter(|_| !temp_given).map(|v| match p.velocity_unit {
                VelocityUnit::AngstromPerFs => v,
                VelocityUnit::AngstromPerPs => v.map(|x| x / 1000.0),
                VelocityUnit::AseMomenta => {
                    let file_mass = a.mass.or_else(|| p.species[a.kind].as_deref().and_then(ase_mass));
                    let amu = file_mass.unwrap_or(m / crate::constants::amu_to_internal_mass());
                    v.map(|x| x / amu * fs)
                }
            });
            StartAtom { gid: a.gid as i32, r: a.r, p: v.map(|v| v.map(|x| m * x)) }
        })
        .collect();
    Structure { origin: p.origin, lengths: p.lengths, atoms }
}

/// Strict number parsing shared by the readers: a finite `f64`.
pub(crate) fn real(tok: &str, what: &str, line: usize) -> Result<f64, ReadError> {
    match tok.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(ReadError::at(line, format!("{what} is '{tok}': not a finite number"))),
        Err(_) => Err(ReadError::at(line, format!("{what} is '{tok}': not a number"))),
    }
}

/// Strict integer parsing shared by the readers.
pub(crate) fn integer(tok: &str, what: &str, line: usize) -> Result<i64, ReadError> {
    tok.parse::<i64>().map_err(|_| ReadError::at(line, format!("{what} is '{tok}': not an integer")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ase_units_and_formats() {
        // ase.units.fs (ASE 3.29, CODATA 2014)
        assert!((ase_fs() - 0.09822694788464063).abs() < 1e-16, "{}", ase_fs());
        assert_eq!(format_of(Path::new("a.XYZ"), None).unwrap(), StructureFormat::Extxyz);
        assert_eq!(format_of(Path::new("a.lmp"), None).unwrap(), StructureFormat::Lammps);
        assert_eq!(format_of(Path::new("a.txt"), Some(StructureFormat::Lammps)).unwrap(), StructureFormat::Lammps);
        assert!(format!("{:#}", format_of(Path::new("a.txt"), None).unwrap_err()).contains("--structure-format"));
        assert_eq!(parse(b"2\n\xff\n", StructureFormat::Extxyz).unwrap_err().line, 2);
    }
}
