//! The funcfl and setfl readers (CoMD `eamReadFuncfl`, `eamReadSetfl`; spec §4.2).
//!
//! Both formats come from DYNAMO and are those LAMMPS reads with `pair_style eam` (funcfl)
//! and `eam/alloy` (setfl). Every number is taken from the file exactly (no cutoff or
//! spacing is recomputed), and the pair table is built with CoMD's arithmetic, in CoMD's
//! order, so the tables are bit-identical to CoMD's:
//!
//! * funcfl stores the effective charge `Z(r)` (atomic units);
//!   `phi[i] = (Z[i]*(Z[i]/r)) * (hartreeToEv*bohrToAngs)` with `r = 0.0 + i*dR`, `i >= 1`;
//! * setfl stores `r*phi(r)`; `phi[i] = rphi[i] / r`;
//! * both: `phi[0] = phi[1] + (phi[1] - phi[2])` (`phi` is undefined at `r = 0`).
//!
//! Unlike CoMD, the readers check everything (see [`EamFileError`]) and never panic: the
//! property test in `tests/potential/eam_fuzz.rs` feeds them thousands of mangled files.

use std::io::Read as _;
use std::path::Path;

use super::elements::species_name;
use super::error::{io_error, EamFileError};
use super::lexer::Source;
use super::table::{InterpolationTable, MIN_TABLE_POINTS};
use crate::constants::{amu_to_internal_mass, BOHR_TO_ANGS, HARTREE_TO_EV};
use crate::types::Real;

/// Largest file the readers accept (1 GiB; real EAM files are well under 100 MB).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The two EAM file formats CoMD reads (`-t funcfl`, `-t setfl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PotentialFormat {
    /// DYNAMO funcfl: one element, `F`, `Z(r)`, `rho(r)` tables (CoMD's default).
    Funcfl,
    /// DYNAMO setfl (LAMMPS `eam/alloy`): `F`, `rho(r)`, `r*phi(r)`; single element only.
    Setfl,
}

impl PotentialFormat {
    /// The file CoMD uses when `-p` is not given: `Cu_u6.eam` or `Cu01.eam.alloy`.
    pub fn default_file_name(self) -> &'static str {
        match self {
            PotentialFormat::Funcfl => "Cu_u6.eam",
            PotentialFormat::Setfl => "Cu01.eam.alloy",
        }
    }

    /// The `-t` spelling: `funcfl` or `setfl`.
    pub fn as_str(self) -> &'static str {
        match self {
            PotentialFormat::Funcfl => "funcfl",
            PotentialFormat::Setfl => "setfl",
        }
    }

    /// Parses a `-t` value (`funcfl` or `setfl`, exactly as CoMD compares them).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "funcfl" => Some(PotentialFormat::Funcfl),
            "setfl" => Some(PotentialFormat::Setfl),
            _ => None,
        }
    }
}

/// Everything an EAM potential file provides: CoMD's `EamPotential` minus the force code.
#[derive(Debug, Clone, PartialEq)]
pub struct EamTables {
    /// Species name (`Cu`): see [`EamTables::parse_funcfl`] and [`EamTables::parse_setfl`].
    pub name: String,
    /// Atomic number.
    pub atomic_number: i32,
    /// Atomic mass in amu, as in the file (see [`EamTables::mass_internal`]).
    pub mass_amu: Real,
    /// Lattice constant in Å.
    pub lattice_constant: Real,
    /// Lattice type as spelled in the file (`FCC` or `fcc`); always FCC, case-insensitively.
    pub lattice_type: String,
    /// Cutoff radius in Å, as in the file.
    pub cutoff: Real,
    /// The format the tables were read from.
    pub format: PotentialFormat,
    /// Pair energy `phi(r)` in eV, `r` in Å.
    pub phi: InterpolationTable,
    /// Electron density `rho(r)`.
    pub rho: InterpolationTable,
    /// Embedding energy `F(rhobar)` in eV.
    pub embed: InterpolationTable,
}

/// Header values shared by both formats.
struct Grid {
    n_rho: usize,
    d_rho: Real,
    n_r: usize,
    d_r: Real,
    cutoff: Real,
}

/// Per-element line: `atomicNumber mass latticeConstant latticeType`.
struct Element {
    atomic_number: i32,
    mass: Real,
    lat: Real,
    lattice: String,
}

impl EamTables {
    /// The `Potential data:` lines of the screen report.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        use crate::potential::fmt_g;
        let t = self;
        vec![
            ("Potential type", "EAM".into()),
            ("Species name", t.name.clone()),
            ("Atomic number", t.atomic_number.to_string()),
            ("Mass", format!("{} amu", fmt_g(t.mass_amu))),
            ("Lattice type", t.lattice_type.to_uppercase()),
            ("Lattice spacing", format!("{} Angstroms", fmt_g(t.lattice_constant))),
            ("Cutoff", format!("{} Angstroms", fmt_g(t.cutoff))),
        ]
    }

    /// Reads a file of the given format from `path`.
    pub fn read(path: &Path, format: PotentialFormat) -> Result<Self, EamFileError> {
        let bytes = read_bounded(path)?;
        match format {
            PotentialFormat::Funcfl => Self::parse_funcfl(path, &bytes),
            PotentialFormat::Setfl => Self::parse_setfl(path, &bytes),
        }
    }

    /// Parses the contents of a funcfl file; `path` is only used in error messages.
    ///
    /// The species name is the first token of the comment line when it is an element symbol
    /// (`Cu` in CoMD's copy), otherwise the symbol of the atomic number (Debian's copy starts
    /// with `DATE:`).
    pub fn parse_funcfl(path: &Path, bytes: &[u8]) -> Result<Self, EamFileError> {
        let text = String::from_utf8_lossy(bytes);
        let src = Source::new(path, &text);
        if let Some(reason) = funcfl_shape_problem(&src) {
            if setfl_shape_problem(&src).is_none() {
                return Err(EamFileError::LooksLikeSetfl {
                    path: path.to_path_buf(),
                    reason,
                });
            }
        }
        if src.line(1).is_none() {
            return Err(src.bad_header(1, "a comment line (the file is empty)"));
        }
        let first_token = src.fields(1).first().copied();
        let elem = element_line(&src, 2)?;
        let grid = grid_line(&src, 3)?;
        let bound = bytes.len();
        let mut values = src.values_after(3);
        let f = values.table("F(rhobar)", grid.n_rho, bound)?;
        let z = values.table("Z(r)", grid.n_r, bound)?;
        let rho = values.table("rho(r)", grid.n_r, bound)?;
        values.expect_end(3)?;

        let to_ev = HARTREE_TO_EV * BOHR_TO_ANGS;
        let phi = pair_table(&z, grid.d_r, |zi, r| (zi * (zi / r)) * to_ev);
        Self::assemble(
            &src,
            PotentialFormat::Funcfl,
            species_name(first_token, elem.atomic_number.into()),
            elem,
            grid,
            f,
            rho,
            phi,
        )
    }

    /// Parses the contents of a single-element setfl file; `path` is only used in error
    /// messages.
    ///
    /// The species name is the element symbol on line 4 (`1 Cu`), otherwise the symbol of
    /// the atomic number (CoMD 1.1 leaves it uninitialised).
    pub fn parse_setfl(path: &Path, bytes: &[u8]) -> Result<Self, EamFileError> {
        let text = String::from_utf8_lossy(bytes);
        let src = Source::new(path, &text);
        if let Some(reason) = setfl_shape_problem(&src) {
            if funcfl_shape_problem(&src).is_none() {
                return Err(EamFileError::LooksLikeFuncfl {
                    path: path.to_path_buf(),
                    reason,
                });
            }
        }
        let fields = src.fields(4);
        let Some(&count_token) = fields.first() else {
            return Err(src.bad_header(4, "`nElements element...` on line 4 (e.g. `1 Cu`)"));
        };
        let count = src.count(4, count_token, "the number of elements")?;
        if count == 0 {
            return Err(src.bad_header(4, "at least one element on line 4 (e.g. `1 Cu`)"));
        }
        if count > 1 {
            return Err(EamFileError::MultiElement {
                path: path.to_path_buf(),
                line: 4,
                count,
            });
        }
        let grid = grid_line(&src, 5)?;
        let elem = element_line(&src, 6)?;
        let bound = bytes.len();
        let mut values = src.values_after(6);
        let f = values.table("F(rhobar)", grid.n_rho, bound)?;
        let rho = values.table("rho(r)", grid.n_r, bound)?;
        let rphi = values.table("r*phi(r)", grid.n_r, bound)?;
        values.expect_end(5)?;

        let phi = pair_table(&rphi, grid.d_r, |rp, r| rp / r);
        let name = species_name(fields.get(1).copied(), elem.atomic_number.into());
        Self::assemble(&src, PotentialFormat::Setfl, name, elem, grid, f, rho, phi)
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        src: &Source<'_>,
        format: PotentialFormat,
        name: String,
        elem: Element,
        grid: Grid,
        f: Vec<Real>,
        rho: Vec<Real>,
        phi: Vec<Real>,
    ) -> Result<Self, EamFileError> {
        // Report the first bad tabulated point; phi[0] is only derived from phi[1], phi[2].
        let bad = phi[1..].iter().position(|v| !v.is_finite()).map(|i| i + 1);
        if let Some(index) = bad.or((!phi[0].is_finite()).then_some(0)) {
            return Err(EamFileError::DerivedNonFinite {
                path: src.path.to_path_buf(),
                what: "phi(r)",
                index,
            });
        }
        let table = |what: &'static str, dx: Real, v: &[Real]| {
            InterpolationTable::new(0.0, dx, v).map_err(|source| EamFileError::Table {
                path: src.path.to_path_buf(),
                what,
                source,
            })
        };
        Ok(Self {
            name,
            atomic_number: elem.atomic_number,
            mass_amu: elem.mass,
            lattice_constant: elem.lat,
            lattice_type: elem.lattice,
            cutoff: grid.cutoff,
            format,
            embed: table("F(rhobar)", grid.d_rho, &f)?,
            rho: table("rho(r)", grid.d_r, &rho)?,
            phi: table("phi(r)", grid.d_r, &phi)?,
        })
    }

    /// Atomic mass in CoMD's internal unit eV·fs²/Å²: `mass_amu * amuToInternalMass`.
    pub fn mass_internal(&self) -> Real {
        self.mass_amu * amu_to_internal_mass()
    }
}

/// Reads at most [`MAX_FILE_BYTES`] bytes of `path`.
fn read_bounded(path: &Path) -> Result<Vec<u8>, EamFileError> {
    let too_large = || EamFileError::TooLarge {
        path: path.to_path_buf(),
        max: MAX_FILE_BYTES,
    };
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    // Regular files are checked before reading; `take` also bounds anything else.
    if file.metadata().is_ok_and(|m| m.len() > MAX_FILE_BYTES) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Builds `phi` from the tabulated `raw` values: `phi[i] = convert(raw[i], 0.0 + i*dR)` for
/// `i >= 1`, then CoMD's linear extrapolation `phi[0] = phi[1] + (phi[1] - phi[2])`.
fn pair_table(raw: &[Real], d_r: Real, convert: impl Fn(Real, Real) -> Real) -> Vec<Real> {
    let x0 = 0.0;
    let mut phi = raw.to_vec();
    for (i, v) in phi.iter_mut().enumerate().skip(1) {
        let r = x0 + i as Real * d_r;
        *v = convert(*v, r);
    }
    // The grid line guarantees at least MIN_TABLE_POINTS (>= 3) points.
    phi[0] = phi[1] + (phi[1] - phi[2]);
    phi
}

const ELEMENT_LINE: &str =
    "`atomicNumber mass latticeConstant latticeType` (e.g. `29 63.550 3.6150 FCC`)";
const GRID_LINE: &str = "`nRho dRho nR dR cutoff` (e.g. `500 5.01e-04 500 1.0e-02 4.95`)";

fn element_line(src: &Source<'_>, no: usize) -> Result<Element, EamFileError> {
    let f = src.fields(no);
    if f.len() != 4 {
        return Err(src.bad_header(no, ELEMENT_LINE));
    }
    let atomic_number = src.integer(no, f[0], "the atomic number")?;
    let mass = src.real(no, f[1], "the mass")?;
    let lat = src.real(no, f[2], "the lattice constant")?;
    for (what, value) in [("the mass", mass), ("the lattice constant", lat)] {
        if value <= 0.0 {
            return Err(EamFileError::NotPositive {
                path: src.path.to_path_buf(),
                line: no,
                what,
                value,
            });
        }
    }
    if !f[3].eq_ignore_ascii_case("fcc") {
        return Err(EamFileError::NotFcc {
            path: src.path.to_path_buf(),
            line: no,
            lattice: super::error::shorten(f[3]),
        });
    }
    Ok(Element {
        atomic_number,
        mass,
        lat,
        lattice: f[3].to_string(),
    })
}

fn grid_line(src: &Source<'_>, no: usize) -> Result<Grid, EamFileError> {
    let f = src.fields(no);
    if f.len() != 5 {
        return Err(src.bad_header(no, GRID_LINE));
    }
    let path = || src.path.to_path_buf();
    let n_rho = src.count(no, f[0], "nRho")?;
    let d_rho = src.real(no, f[1], "dRho")?;
    let n_r = src.count(no, f[2], "nR")?;
    let d_r = src.real(no, f[3], "dR")?;
    let cutoff = src.real(no, f[4], "the cutoff")?;
    for (what, count) in [("nRho", n_rho), ("nR", n_r)] {
        if count < MIN_TABLE_POINTS {
            return Err(EamFileError::TooFewPoints {
                path: path(),
                line: no,
                what,
                count,
                min: MIN_TABLE_POINTS,
            });
        }
    }
    for (what, value) in [("dRho", d_rho), ("dR", d_r)] {
        if !(value > 0.0 && (1.0 / value).is_finite()) {
            return Err(EamFileError::BadSpacing {
                path: path(),
                line: no,
                what,
                value,
            });
        }
    }
    // CoMD evaluates phi and rho up to the cutoff; the table reaches n*dR (the last interval
    // runs from (n-1)*dR to n*dR). setfl files put the cutoff exactly there.
    let table_end = n_r as Real * d_r;
    if !(cutoff > 0.0 && cutoff <= table_end * (1.0 + 1e-9)) {
        return Err(EamFileError::BadCutoff {
            path: path(),
            line: no,
            value: cutoff,
            table_end,
        });
    }
    Ok(Grid {
        n_rho,
        d_rho,
        n_r,
        d_r,
        cutoff,
    })
}

/// Why lines 2-3 are not a funcfl header, if they are not.
fn funcfl_shape_problem(src: &Source<'_>) -> Option<String> {
    if !src.has_shape(2, "iffw") {
        Some("line 2 is not `atomicNumber mass latticeConstant latticeType`".into())
    } else if !src.has_shape(3, "ififf") {
        Some("line 3 is not `nRho dRho nR dR cutoff`".into())
    } else {
        None
    }
}

/// Why lines 4-6 are not a setfl header, if they are not.
fn setfl_shape_problem(src: &Source<'_>) -> Option<String> {
    let line4_ok = src
        .fields(4)
        .first()
        .is_some_and(|t| t.parse::<u32>().is_ok())
        && src
            .fields(4)
            .iter()
            .skip(1)
            .all(|t| t.parse::<Real>().is_err());
    if !line4_ok {
        Some("line 4 is not `nElements element...`".into())
    } else if !src.has_shape(5, "ififf") {
        Some("line 5 is not `nRho dRho nR dR cutoff`".into())
    } else if !src.has_shape(6, "iffw") {
        Some("line 6 is not `atomicNumber mass latticeConstant latticeType`".into())
    } else {
        None
    }
}
