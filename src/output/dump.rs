//! Per-atom state dump in the format of `reference/comd/state-dumps` (header line, column
//! line, one row per atom sorted by gid, `%.17e` numbers), so any two runs — or a run and
//! CoMD — can be compared bit for bit. Rank 0 gathers the atoms and writes the file
//! atomically (temporary file, then rename): it is complete or absent.

use super::format::e;
use std::io::Write;
use std::path::Path;

/// One atom's record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtomRecord {
    /// Global id.
    pub gid: i32,
    /// Link-cell index (CoMD's local `ix + gx*(iy + gy*iz)`).
    pub cell: i32,
    /// Position.
    pub r: [f64; 3],
    /// Momentum.
    pub p: [f64; 3],
    /// Force.
    pub f: [f64; 3],
    /// Per-atom energy.
    pub u: f64,
    /// Periodic image counters: the unwrapped position is `r + image * box length`.
    pub image: [i32; 3],
    /// Fast path: position at the last neighbour-list rebuild (decides the next rebuild and
    /// the owning rank, so a restart continues bit for bit); the exact path stores `r`.
    pub r_ref: [f64; 3],
}

const RECORD_BYTES: usize = 8 + 13 * 8 + 12;

/// Serialises records for a gather.
pub fn to_bytes(recs: &[AtomRecord]) -> Vec<u8> {
    let mut b = Vec::with_capacity(recs.len() * RECORD_BYTES);
    for r in recs {
        b.extend_from_slice(&r.gid.to_le_bytes());
        b.extend_from_slice(&r.cell.to_le_bytes());
        for v in r.r.iter().chain(&r.p).chain(&r.f).chain(std::iter::once(&r.u)).chain(&r.r_ref) {
            b.extend_from_slice(&v.to_le_bytes());
        }
        for v in r.image {
            b.extend_from_slice(&v.to_le_bytes());
        }
    }
    b
}

/// Inverse of [`to_bytes`].
pub fn from_bytes(b: &[u8]) -> Vec<AtomRecord> {
    b.chunks_exact(RECORD_BYTES)
        .map(|c| {
            let i = |k: usize| i32::from_le_bytes(c[k..k + 4].try_into().expect("4 bytes"));
            let d = |k: usize| f64::from_le_bytes(c[8 + 8 * k..16 + 8 * k].try_into().expect("8 bytes"));
            let m = |k: usize| i(112 + 4 * k);
            AtomRecord {
                gid: i(0),
                cell: i(4),
                r: [d(0), d(1), d(2)],
                p: [d(3), d(4), d(5)],
                f: [d(6), d(7), d(8)],
                u: d(9),
                image: [m(0), m(1), m(2)],
                r_ref: [d(10), d(11), d(12)],
            }
        })
        .collect()
}

/// Writes the dump of `atoms` (any order) at `step` to `path`, atomically.
pub fn write(path: &Path, step: u64, e_pot: f64, e_kin: f64, atoms: &mut [AtomRecord]) -> std::io::Result<()> {
    atoms.sort_unstable_by_key(|a| a.gid);
    let mut s = String::with_capacity(atoms.len() * 260);
    s += &format!("# step {step} nAtoms {} ePotential {} eKinetic {}\n", atoms.len(), e(e_pot, 17), e(e_kin, 17));
    s += "# gid box rx ry rz px py pz fx fy fz U\n";
    for a in atoms.iter() {
        s += &format!("{} {}", a.gid, a.cell);
        for v in a.r.iter().chain(&a.p).chain(&a.f).chain(std::iter::once(&a.u)) {
            s.push(' ');
            s += &e(*v, 17);
        }
        s.push('\n');
    }
    write_atomically(path, s.as_bytes())
}

/// Writes `bytes` to a temporary file beside `path` and renames it into place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    let res = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_through_bytes() {
        let recs = vec![
            AtomRecord { gid: 5, cell: 2, r: [1.0, 2.0, 3.0], p: [-0.5, 0.0, 1e-300], f: [f64::MIN_POSITIVE, 4.0, 5.0], u: -3.5, image: [1, -2, 0], r_ref: [0.5, 1.5, 2.5] },
            AtomRecord { gid: -1, cell: 0, r: [0.0; 3], p: [0.0; 3], f: [0.0; 3], u: 0.0, image: [0; 3], r_ref: [0.0; 3] },
        ];
        assert_eq!(from_bytes(&to_bytes(&recs)), recs);
    }
}
