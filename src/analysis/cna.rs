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
//! Neighbours are found with a periodic cell list (minimum image, cell edge
//! 1.7 × the mean atomic spacing, so the 14 nearest of any atom in a condensed phase lie in the
//! 27 surrounding cells). Atoms are classified in parallel with rayon; the class codes and
//! colours are OVITO's (`StructureType`: 0 other, 1 FCC, 2 HCP, 3 BCC, 4 ICO).

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
    let grid = Grid::new(pos, lo, hi);
    (0..pos.len())
        .into_par_iter()
        .with_min_len(256)
        .map(|i| classify_one(&grid.nearest(pos, i)))
        .collect()
}

/// Classifies the atoms of `snap` and stores each class code in `SnapshotAtom::structure`.
pub fn label_snapshot(snap: &mut Snapshot) {
    let pos: Vec<[f32; 3]> = snap.atoms.iter().map(|a| a.pos).collect();
    for (a, c) in snap.atoms.iter_mut().zip(classify(&pos, snap.box_min, snap.box_max)) {
        a.structure = c as u32;
    }
}

/// Most neighbours any test needs.
const MAX_NEIGH: usize = 14;

/// Periodic cell list.
struct Grid {
    len: [f64; 3],
    lo: [f64; 3],
    n: [usize; 3],
    start: Vec<usize>,
    atoms: Vec<u32>,
}

impl Grid {
    fn new(pos: &[[f32; 3]], lo: [f32; 3], hi: [f32; 3]) -> Grid {
        let len = [0, 1, 2].map(|d| f64::from(hi[d] - lo[d]).max(1e-6));
        let spacing = (len[0] * len[1] * len[2] / pos.len() as f64).cbrt();
        // The 14th neighbour sits at 1.59 spacings in FCC, 1.26 in BCC.
        let edge = 1.7 * spacing;
        let n = len.map(|l| ((l / edge).floor() as usize).clamp(1, 1024));
        let lo = lo.map(f64::from);
        let mut grid = Grid { len, lo, n, start: Vec::new(), atoms: Vec::new() };
        let cells: Vec<usize> = pos.iter().map(|p| grid.cell_of(p)).collect();
        let mut start = vec![0usize; n[0] * n[1] * n[2] + 1];
        for &c in &cells {
            start[c + 1] += 1;
        }
        for k in 1..start.len() {
            start[k] += start[k - 1];
        }
        let mut fill = start.clone();
        let mut atoms = vec![0u32; pos.len()];
        for (i, &c) in cells.iter().enumerate() {
            atoms[fill[c]] = i as u32;
            fill[c] += 1;
        }
        grid.start = start;
        grid.atoms = atoms;
        grid
    }

    fn coord(&self, p: &[f32; 3], d: usize) -> usize {
        let f = ((f64::from(p[d]) - self.lo[d]) / self.len[d]).rem_euclid(1.0);
        ((f * self.n[d] as f64) as usize).min(self.n[d] - 1)
    }

    fn cell_of(&self, p: &[f32; 3]) -> usize {
        (self.coord(p, 0) * self.n[1] + self.coord(p, 1)) * self.n[2] + self.coord(p, 2)
    }

    /// The up to 14 nearest neighbours of atom `i`: minimum-image vectors, nearest first.
    fn nearest(&self, pos: &[[f32; 3]], i: usize) -> Vec<([f64; 3], f64)> {
        let c = [0, 1, 2].map(|d| self.coord(&pos[i], d));
        let range = |d: usize| -> Vec<usize> {
            let n = self.n[d];
            let mut v: Vec<usize> = [n - 1, 0, 1].iter().map(|o| (c[d] + o) % n).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut out: Vec<([f64; 3], f64)> = Vec::with_capacity(64);
        for &x in &range(0) {
            for &y in &range(1) {
                for &z in &range(2) {
                    let cell = (x * self.n[1] + y) * self.n[2] + z;
                    for &j in &self.atoms[self.start[cell]..self.start[cell + 1]] {
                        if j as usize == i {
                            continue;
                        }
                        let v = self.min_image(&pos[i], &pos[j as usize]);
                        out.push((v, v[0] * v[0] + v[1] * v[1] + v[2] * v[2]));
                    }
                }
            }
        }
        if out.len() > MAX_NEIGH {
            out.select_nth_unstable_by(MAX_NEIGH - 1, |a, b| a.1.total_cmp(&b.1));
            out.truncate(MAX_NEIGH);
        }
        out.sort_unstable_by(|a, b| a.1.total_cmp(&b.1));
        out
    }

    fn min_image(&self, a: &[f32; 3], b: &[f32; 3]) -> [f64; 3] {
        [0, 1, 2].map(|d| {
            let l = self.len[d];
            let v = f64::from(b[d]) - f64::from(a[d]);
            v - l * (v / l).round()
        })
    }
}

/// Class of one atom from its nearest neighbours (vector, squared distance), nearest first.
fn classify_one(nb: &[([f64; 3], f64)]) -> Structure {
    const SCALE: f64 = 0.5 * (1.0 + std::f64::consts::SQRT_2);
    if nb.len() >= 12 {
        let mean = nb[..12].iter().map(|n| n.1.sqrt()).sum::<f64>() / 12.0;
        let sig = signatures(&nb[..12], SCALE * mean);
        let count = |s: (u32, u32, u32)| sig.iter().filter(|&&x| x == s).count();
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
    if nb.len() >= 14 {
        let first: f64 = nb[..8].iter().map(|n| (n.1 / 0.75).sqrt()).sum();
        let second: f64 = nb[8..14].iter().map(|n| n.1.sqrt()).sum();
        let sig = signatures(&nb[..14], SCALE * (first + second) / 14.0);
        let count = |s: (u32, u32, u32)| sig.iter().filter(|&&x| x == s).count();
        if count((6, 6, 6)) == 8 && count((4, 4, 4)) == 6 {
            return Structure::Bcc;
        }
    }
    Structure::Other
}

/// CNA signature (common neighbours, bonds among them, longest bond chain) of each
/// neighbour, bonds being pairs of neighbours closer than `cutoff`.
fn signatures(nb: &[([f64; 3], f64)], cutoff: f64) -> Vec<(u32, u32, u32)> {
    let n = nb.len();
    let c2 = cutoff * cutoff;
    let mut bonded = [0u16; MAX_NEIGH];
    for j in 0..n {
        for k in j + 1..n {
            let d = [0, 1, 2].map(|a| nb[j].0[a] - nb[k].0[a]);
            if d[0] * d[0] + d[1] * d[1] + d[2] * d[2] <= c2 {
                bonded[j] |= 1 << k;
                bonded[k] |= 1 << j;
            }
        }
    }
    (0..n)
        .map(|j| {
            let common = bonded[j];
            let mut bonds = Vec::new();
            for k in 0..n {
                if common & (1 << k) != 0 {
                    for l in k + 1..n {
                        if common & (1 << l) != 0 && bonded[k] & (1 << l) != 0 {
                            bonds.push((k, l));
                        }
                    }
                }
            }
            (common.count_ones(), bonds.len() as u32, longest_chain(&bonds))
        })
        .collect()
}

/// Number of bonds in the largest connected cluster of `bonds`.
fn longest_chain(bonds: &[(usize, usize)]) -> u32 {
    let mut used = vec![false; bonds.len()];
    let mut best = 0;
    for s in 0..bonds.len() {
        if used[s] {
            continue;
        }
        used[s] = true;
        let mut atoms: u16 = (1 << bonds[s].0) | (1 << bonds[s].1);
        let mut size = 1;
        let mut grew = true;
        while grew {
            grew = false;
            for (b, &(k, l)) in bonds.iter().enumerate() {
                if !used[b] && atoms & ((1 << k) | (1 << l)) != 0 {
                    used[b] = true;
                    atoms |= (1 << k) | (1 << l);
                    size += 1;
                    grew = true;
                }
            }
        }
        best = best.max(size);
    }
    best
}

#[cfg(test)]
mod tests;
