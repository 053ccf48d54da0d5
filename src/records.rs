//! The per-atom record every output shares — state dumps, checkpoints, trajectories, the
//! viewer's frames — and its byte form for gathering atoms on rank 0. Both engines produce
//! it ([`crate::engine::Engine::records`]); nothing here knows how they store atoms.

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
    /// Per-atom energy in CoMD's unit ([`crate::potential::Potential::u_unit`]: eV for EAM,
    /// 4ε for Lennard-Jones), on both paths.
    pub u: f64,
    /// Periodic image counters: the unwrapped position is `r + image * box length`.
    pub image: [i32; 3],
    /// Fast path: position at the last neighbour-list rebuild (decides the next rebuild and
    /// the owning rank, so a restart continues bit for bit); the exact path stores `r`.
    pub r_ref: [f64; 3],
}

impl AtomRecord {
    /// The record with its position wrapped into the box `[0, lengths)` and the image
    /// counters moved by as many box lengths, so `r + image·L` stays the same path. Every
    /// written position goes through here (state dumps, trajectories, data files); the
    /// engines keep their own positions (the default path wraps only at list rebuilds).
    pub fn wrapped(&self, lengths: [f64; 3]) -> AtomRecord {
        let mut a = *self;
        for (k, &l) in lengths.iter().enumerate() {
            if let Some((x, n)) = crate::domain::wrap(a.r[k], l) {
                a.r[k] = x;
                a.image[k] += n;
            }
        }
        a
    }
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
