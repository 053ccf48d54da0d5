//! A byte encoding of [`EamTables`], so rank 0 can read the file and broadcast the tables
//! (CoMD `eamBcastPotential` / `bcastInterpolationObject`, spec §4.2).
//!
//! Layout (version 1), all little-endian:
//!
//! ```text
//! magic  "CoMDEAM\0"   8 bytes
//! version              u32 = 1
//! format               u8  (0 funcfl, 1 setfl)
//! atomic number        i32
//! mass (amu), lattice constant, cutoff      3 x f64
//! name, lattice type   each u32 byte length + UTF-8 bytes
//! phi, rho, F tables   each x0 f64, dx f64, n u64, n x f64
//! ```
//!
//! Floats travel as their bit patterns, so every rank holds bit-identical tables (`1.0/dx` is
//! recomputed from the same `dx`, which gives the same bits). Decoding checks every length
//! against the buffer before allocating and rebuilds the tables through
//! [`InterpolationTable::new`], so a corrupt buffer is an error, never a panic.

use super::error::EamFileError;
use super::file::{EamTables, PotentialFormat};
use super::table::InterpolationTable;
use crate::types::Real;

const MAGIC: &[u8; 8] = b"CoMDEAM\0";
/// Version of the byte layout written by [`EamTables::to_bytes`].
pub const WIRE_VERSION: u32 = 1;

impl EamTables {
    /// Encodes the tables for a broadcast (see the module documentation for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        let n_values = self.phi.len() + self.rho.len() + self.embed.len();
        let mut out =
            Vec::with_capacity(96 + self.name.len() + self.lattice_type.len() + 8 * n_values);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&WIRE_VERSION.to_le_bytes());
        out.push(match self.format {
            PotentialFormat::Funcfl => 0,
            PotentialFormat::Setfl => 1,
        });
        out.extend_from_slice(&self.atomic_number.to_le_bytes());
        for x in [self.mass_amu, self.lattice_constant, self.cutoff] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for s in [&self.name, &self.lattice_type] {
            // Names come from one whitespace token of a line: far below 4 GiB.
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        for t in [&self.phi, &self.rho, &self.embed] {
            out.extend_from_slice(&t.x0().to_le_bytes());
            out.extend_from_slice(&t.dx().to_le_bytes());
            out.extend_from_slice(&(t.len() as u64).to_le_bytes());
            for v in t.values() {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }

    /// Decodes what [`EamTables::to_bytes`] wrote. Fails with [`EamFileError::Decode`] on a
    /// wrong magic or version, a short or over-long buffer, or invalid table data.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, EamFileError> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err(decode("not an EAM table buffer (bad magic)"));
        }
        let version = u32::from_le_bytes(r.array()?);
        if version != WIRE_VERSION {
            return Err(decode(&format!(
                "layout version {version}, expected {WIRE_VERSION}"
            )));
        }
        let format = match r.take(1)?[0] {
            0 => PotentialFormat::Funcfl,
            1 => PotentialFormat::Setfl,
            b => return Err(decode(&format!("unknown format tag {b}"))),
        };
        let atomic_number = i32::from_le_bytes(r.array()?);
        let mass_amu = r.real()?;
        let lattice_constant = r.real()?;
        let cutoff = r.real()?;
        let name = r.string()?;
        let lattice_type = r.string()?;
        let phi = r.table("phi")?;
        let rho = r.table("rho")?;
        let embed = r.table("F")?;
        if r.pos != bytes.len() {
            return Err(decode(&format!("{} trailing bytes", bytes.len() - r.pos)));
        }
        Ok(Self {
            name,
            atomic_number,
            mass_amu,
            lattice_constant,
            lattice_type,
            cutoff,
            format,
            phi,
            rho,
            embed,
        })
    }
}

fn decode(msg: &str) -> EamFileError {
    EamFileError::Decode(msg.to_string())
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], EamFileError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(decode(&format!(
                "buffer ends at byte {}, {n} more needed",
                self.bytes.len()
            )));
        };
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], EamFileError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn real(&mut self) -> Result<Real, EamFileError> {
        Ok(Real::from_le_bytes(self.array()?))
    }

    fn string(&mut self) -> Result<String, EamFileError> {
        let len = u32::from_le_bytes(self.array()?) as usize;
        let raw = self.take(len)?;
        String::from_utf8(raw.to_vec()).map_err(|_| decode("a name is not UTF-8"))
    }

    fn table(&mut self, what: &str) -> Result<InterpolationTable, EamFileError> {
        let x0 = self.real()?;
        let dx = self.real()?;
        let n = u64::from_le_bytes(self.array()?);
        let n = usize::try_from(n).map_err(|_| decode(&format!("{what} table length {n}")))?;
        let raw = self.take(
            n.checked_mul(8)
                .ok_or_else(|| decode(&format!("{what} table length {n}")))?,
        )?;
        let values: Vec<Real> = raw
            .chunks_exact(8)
            .map(|c| Real::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect();
        InterpolationTable::new(x0, dx, &values).map_err(|e| decode(&format!("{what} table: {e}")))
    }
}
