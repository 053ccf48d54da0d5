//! Adaptive common neighbour analysis (a-CNA, Stukowski, Modelling Simul. Mater. Sci. Eng.
//! 20, 045021, 2012): classify each atom as FCC, HCP, BCC, icosahedral or other.
//!
//! **Why adaptive.** Classic CNA needs one global cutoff between the first and second
//! neighbour shells; in a hot crystal or a melt there is no such gap that fits everywhere.
//! a-CNA picks a cutoff per atom from its own nearest neighbours: for the close-packed
//! test, the 12 nearest, cutoff = (1 + √2)/2 × their mean distance; for BCC, the 14 nearest
//! (8 at a√3/2, rescaled to a, and 6 at a), cutoff = (1 + √2)/2 × that mean. Each of the
//! N neighbours j then gets a signature (common neighbours of i and j among the N, bonds
//! among those common neighbours, longest chain of such bonds), all bonds judged with
//! that one local cutoff. FCC is 12 × (4,2,1); HCP 6 × (4,2,1) + 6 × (4,2,2); icosahedral
//! 12 × (5,5,5); BCC 8 × (6,6,6) + 6 × (4,4,4).
//!
//! The 14 nearest neighbours come from `grid.rs`'s periodic cell list. Atoms are
//! classified in parallel with rayon, allocation-free (neighbour sets are bit masks); the
//! class codes and colours are OVITO's (`StructureType`: 0 other, 1 FCC, 2 HCP, 3 BCC, 4 ICO).

use super::grid::{Grid, Nearest, MAX_NEIGH};
use crate::snapshot::Snapshot;
use rayon::prelude::*;

/// Structure class of one atom, numbered as in OVITO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Structure {
    /// None of the four.
    Other = 0,
    /// Face-centred cubic.
    Fcc = 1,
    /// Hexagonal close-packed.
    Hcp = 2,
    /// Body-centred cubic.
    Bcc = 3,
    /// Icosahedral.
    Ico = 4,
}

impl Structure {
    /// All classes in code order.
    pub const ALL: [Structure; 5] =
        [Structure::Other, Structure::Fcc, Structure::Hcp, Structure::Bcc, Structure::Ico];

    /// The class of a code (unknown codes are `Other`).
    pub fn from_code(c: u8) -> Structure {
        Self::ALL.get(c as usize).copied().unwrap_or(Structure::Other)
    }
    /// Short upper-case name (fits the overlay's font).
    pub fn name(self) -> &'static str {
        match self {
            Structure::Other => "OTHER",
            Structure::Fcc => "FCC",
            Structure::Hcp => "HCP",
            Structure::Bcc => "BCC",
            Structure::Ico => "ICO",
        }
    }
    /// OVITO's default colour for the class, sRGB.
    pub fn color(self) -> [u8; 3] {
        match self {
            Structure::Other => [243, 243, 243],
            Structure::Fcc => [102, 255, 102],
            Structure::Hcp => [255, 102, 102],
            Structure::Bcc => [102, 102, 255],
            Structure::Ico => [243, 204, 51],
        }
    }
}

/// Fraction of atoms in each class, indexed by code.
pub fn fractions(classes: &[Structure]) -> [f64; 5] {
    let mut n = [0usize; 5];
    for c in classes {
        n[*c as usize] += 1;
    }
    let total = classes.len().max(1) as f64;
    n.map(|k| k as f64 / total)
}

/// Classifies every atom of `pos` in the periodic box `[lo, hi)`.
pub fn classify(pos: &[[f32; 3]], lo: [f32; 3], hi: [f32; 3]) -> Vec<Structure> {
    if pos.is_empty() {
        return Vec::new();
    }
    let grid = &Grid::new(pos, lo, hi);
    // In cell order (neighbouring atoms share their cells' cache lines), then scattered back.
    let in_cell_order: Vec<Structure> = (0..grid.cells())
        .into_par_iter()
        .with_min_len(16)
        .flat_map_iter(|c| grid.entries(c).map(move |e| classify_one(&grid.nearest(c, e))))
        .collect();
    let mut out = vec![Structure::Other; pos.len()];
    for (&i, s) in grid.index.iter().zip(in_cell_order) {
        out[i as usize] = s;
    }
    out
}

/// Classifies the atoms of `snap` and stores each class code in `SnapshotAtom::structure`.
pub fn label_snapshot(snap: &mut Snapshot) {
    let pos: Vec<[f32; 3]> = snap.atoms.iter().map(|a| a.pos).collect();
    for (a, c) in snap.atoms.iter_mut().zip(classify(&pos, snap.box_min, snap.box_max)) {
        a.structure = c as u32;
    }
}

/// Class of one atom from its nearest neighbours.
fn classify_one(nb: &Nearest) -> Structure {
    const SCALE: f64 = 0.5 * (1.0 + std::f64::consts::SQRT_2);
    if nb.len >= 12 {
        let mean = nb.d2[..12].iter().map(|d2| d2.sqrt()).sum::<f64>() / 12.0;
        let bonded = bond_masks(&nb.vec[..12], SCALE * mean);
        // Every class of this test has 4 or 5 common neighbours per bond: skip the rest if not.
        if bonded[..12].iter().all(|b| matches!(b.count_ones(), 4 | 5)) {
            let sig = signatures(&bonded, 12);
            let count = |s: (u32, u32, u32)| sig[..12].iter().filter(|&&x| x == s).count();
            let (n421, n422) = (count((4, 2, 1)), count((4, 2, 2)));
            if n421 == 12 {
                return Structure::Fcc;
            }
            if n421 == 6 && n422 == 6 {
                return Structure::Hcp;
            }
            if count((5, 5, 5)) == 12 {
                return Structure::Ico;
            }
        }
    }
    if nb.len >= 14 {
        let first: f64 = nb.d2[..8].iter().map(|d2| (d2 / 0.75).sqrt()).sum();
        let second: f64 = nb.d2[8..14].iter().map(|d2| d2.sqrt()).sum();
        let bonded = bond_masks(&nb.vec[..14], SCALE * (first + second) / 14.0);
        if bonded.iter().all(|b| matches!(b.count_ones(), 4 | 6)) {
            let sig = signatures(&bonded, 14);
            let count = |s: (u32, u32, u32)| sig.iter().filter(|&&x| x == s).count();
            if count((6, 6, 6)) == 8 && count((4, 4, 4)) == 6 {
                return Structure::Bcc;
            }
        }
    }
    Structure::Other
}

/// For each neighbour, the set (bit mask) of the others closer to it than `cutoff`.
fn bond_masks(nb: &[[f64; 3]], cutoff: f64) -> [u16; MAX_NEIGH] {
    let c2 = cutoff * cutoff;
    let mut bonded = [0u16; MAX_NEIGH];
    for j in 0..nb.len() {
        for k in j + 1..nb.len() {
            let d = [0, 1, 2].map(|a| nb[j][a] - nb[k][a]);
            if d[0] * d[0] + d[1] * d[1] + d[2] * d[2] <= c2 {
                bonded[j] |= 1 << k;
                bonded[k] |= 1 << j;
            }
        }
    }
    bonded
}

/// CNA signature (common neighbours, bonds among them, bonds in the largest cluster of
/// those bonds) of each of the first `n` neighbours, from their bond masks (`bond_masks`): sets of
/// neighbours are bit masks, so nothing is allocated.
fn signatures(bonded: &[u16; MAX_NEIGH], n: usize) -> [(u32, u32, u32); MAX_NEIGH] {
    let mut out = [(0, 0, 0); MAX_NEIGH];
    for (sig, &common) in out.iter_mut().zip(&bonded[..n]) {
        *sig = (common.count_ones(), bonds_in(bonded, common), largest_cluster(bonded, common));
    }
    out
}

/// Bonds among the neighbours in `set`.
fn bonds_in(bonded: &[u16; MAX_NEIGH], set: u16) -> u32 {
    bits(set).map(|k| (bonded[k] & set).count_ones()).sum::<u32>() / 2
}

/// Bonds in the largest connected cluster of the bonds among `set`.
fn largest_cluster(bonded: &[u16; MAX_NEIGH], set: u16) -> u32 {
    let mut left = set;
    let mut best = 0;
    while left != 0 {
        let mut cluster = left & left.wrapping_neg();
        loop {
            let grown = bits(cluster).fold(cluster, |m, k| m | (bonded[k] & set));
            if grown == cluster {
                break;
            }
            cluster = grown;
        }
        left &= !cluster;
        best = best.max(bonds_in(bonded, cluster));
    }
    best
}

/// Indices of the set bits of `m`, lowest first.
fn bits(mut m: u16) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (m != 0).then(|| {
            let k = m.trailing_zeros() as usize;
            m &= m - 1;
            k
        })
    })
}

#[cfg(test)]
mod tests;
