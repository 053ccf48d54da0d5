//! Verlet neighbour lists with a skin, built from a bin grid over owned atoms and ghosts.
//!
//! Every owned atom gets a *full* list (each pair appears on both sides) of the atoms within
//! `cutoff + skin`, sorted by the neighbour's gid (ties — two periodic images of one atom in a
//! very small box — by the image's position bits). Forces and energies are then summed per
//! atom in that order, which depends neither on the thread count, nor on the rank grid, nor
//! on the bin grid. The lists stay valid until some atom has moved more than half the skin.

use super::ghosts::Particles;
use super::kernels::Pos4;
use crate::types::{Real, Real3};
use rayon::prelude::*;

/// Owned atoms per piece of the lists (one rayon task of the list build).
const CHUNK: usize = 512;

/// Bytes readable past the last entry of a piece, so any block of up to four entries can be
/// read as 16 bytes from its start.
const PAD: usize = 16;

/// Expected list entries per atom above which entries take 3 bytes instead of 4. Reading
/// a 3-byte entry costs a mask: +9 % LJ force time, +4 % EAM, measured. Lists that long
/// are most of the memory (LJ on CoMD's problem: ~91 entries, 365 of ~580 bytes per atom at
/// 4 bytes), so they are packed; shorter ones (EAM with Cu_u6: ~57) keep the faster form.
pub const COMPACT_ABOVE: Real = 75.0;

/// Compressed neighbour lists, kept in the pieces the parallel build made (concatenating
/// them would need twice the memory at the peak): the neighbours of owned atom `i` are in
/// piece `i / CHUNK`.
///
/// An entry (an index into the particles) takes [`NeighborList::width`] bytes: 3 for long
/// lists (see [`COMPACT_ABOVE`]) while a rank holds fewer than 2²⁴ particles (owned and
/// ghosts), else 4. Both forms decode to the same indices, so results do not depend on it.
#[derive(Debug, Clone)]
pub struct NeighborList {
    /// Per piece: offsets in entries (`atoms + 1` of them) and the entries' bytes.
    pieces: Vec<(Vec<u32>, Vec<u8>)>,
    width: usize,
    /// Number of particles the lists were built for: every entry is below it.
    n_particles: usize,
}

impl Default for NeighborList {
    fn default() -> Self {
        NeighborList { pieces: Vec::new(), width: 3, n_particles: 0 }
    }
}

impl NeighborList {
    /// Neighbours of owned atom `i`.
    #[inline(always)]
    pub fn of(&self, i: usize) -> Nbrs<'_> {
        let (start, bytes) = &self.pieces[i / CHUNK];
        let k = i % CHUNK;
        let (a, b) = (start[k] as usize, start[k + 1] as usize);
        Nbrs { bytes: &bytes[a * self.width..b * self.width + PAD], len: b - a, width: self.width }
    }

    /// Bytes per entry (3 or 4).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of particles the lists were built for: every entry is below it.
    pub fn n_particles(&self) -> usize {
        self.n_particles
    }

    /// Total number of list entries.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(|p| *p.0.last().unwrap_or(&0) as usize).sum()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The neighbours of one atom, as stored: `len` little-endian entries of `width` bytes,
/// with at least [`PAD`] readable bytes after them.
#[derive(Debug, Clone, Copy)]
pub struct Nbrs<'a> {
    bytes: &'a [u8],
    len: usize,
    width: usize,
}

impl<'a> Nbrs<'a> {
    /// Number of neighbours.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of blocks of four (the last may be short).
    #[inline(always)]
    pub fn n_blocks(&self) -> usize {
        self.len.div_ceil(4)
    }

    /// Bytes per entry (3 or 4).
    #[inline(always)]
    pub fn width(&self) -> usize {
        self.width
    }

    /// The 16 bytes from the start of block `b` (its entries, then others or padding).
    #[inline(always)]
    fn block_bytes(&self, b: usize) -> &[u8; 16] {
        let o = 4 * b * self.width;
        self.bytes[o..o + 16].try_into().expect("16 bytes")
    }

    /// The mask that keeps an entry's bytes of a 4-byte read.
    #[inline(always)]
    pub fn mask(&self) -> u32 {
        if self.width == 3 { 0x00ff_ffff } else { u32::MAX }
    }

    /// The bytes of the full blocks (four entries each) of a list of `W`-byte entries, one
    /// `4W`-byte chunk per block, for [`Nbrs::decode_full`]; the short last block, if any,
    /// is [`Nbrs::block`]`(len / 4)`. An iterator of exact chunks needs no bounds check per
    /// block (slicing one cost 3 % of EAM's instructions).
    #[inline(always)]
    pub fn full_chunks<const W: usize>(&self) -> std::slice::ChunksExact<'a, u8> {
        // decoding with another width would give indices the kernels load unchecked
        assert_eq!(W, self.width, "list entries are {} bytes wide", self.width);
        self.bytes[..self.len / 4 * 4 * W].chunks_exact(4 * W)
    }

    /// The four indices of a chunk of [`Nbrs::full_chunks`], `mask` being [`Nbrs::mask`].
    /// Pass the mask through [`std::hint::black_box`]: a constant mask lets the compiler split
    /// each 4-byte read into a 2-byte and a 1-byte read, shift and or.
    #[inline(always)]
    pub fn decode_full<const W: usize>(blk: &[u8], mask: u32) -> [u32; 4] {
        let rd = |o: usize| u32::from_le_bytes(blk[o..o + 4].try_into().expect("4 bytes"));
        if W == 4 {
            [rd(0), rd(4), rd(8), rd(12)]
        } else {
            // the last entry is bytes 9..12: read 8..12 and drop the first
            [rd(0) & mask, rd(3) & mask, rd(6) & mask, rd(8) >> 8]
        }
    }

    /// Block `b` of four neighbours: the indices and how many of them are real (the last
    /// block may be short; its missing slots hold 0).
    #[inline(always)]
    pub fn block(&self, b: usize) -> ([u32; 4], usize) {
        let (w, n, mask) = (self.width, (self.len - 4 * b).min(4), self.mask());
        // 4 entries span 4w <= 16 bytes; PAD keeps 16 readable after a short last block too
        let blk = self.block_bytes(b);
        let at = |k: usize| {
            let o = k * w;
            let v = u32::from_le_bytes([blk[o], blk[o + 1], blk[o + 2], blk[o + 3]]) & mask;
            if k < n { v } else { 0 }
        };
        ([at(0), at(1), at(2), at(3)], n)
    }

    /// The indices, decoded.
    pub fn to_vec(self) -> Vec<u32> {
        (0..self.n_blocks()).flat_map(|b| {
            let (js, n) = self.block(b);
            js.into_iter().take(n)
        }).collect()
    }
}

/// Expected list entries per atom: the density of the owned atoms in `[lo, hi)` times the
/// volume of the sphere of radius `range` (above the FCC count, whose shells are discrete).
fn expected_entries(parts: &Particles, lo: Real3, hi: Real3, range: Real) -> Real {
    let volume: Real = (0..3).map(|a| hi[a] - lo[a]).product();
    parts.n_own as Real / volume * 4.0 / 3.0 * std::f64::consts::PI * range.powi(3)
}

/// A bin grid over `[lo, hi)` with bins at least `width` wide.
#[derive(Debug, Clone)]
pub struct Bins {
    lo: Real3,
    inv: Real3,
    n: [usize; 3],
}

impl Bins {
    /// Bins covering `[lo, hi)`, each at least `width` wide.
    pub fn new(lo: Real3, hi: Real3, width: Real) -> Bins {
        let n: [usize; 3] = std::array::from_fn(|a| (((hi[a] - lo[a]) / width).floor() as usize).max(1));
        Bins { lo, inv: std::array::from_fn(|a| n[a] as Real / (hi[a] - lo[a])), n }
    }

    /// Bin coordinates of `r`, clamped to the grid.
    #[inline]
    pub fn coords(&self, r: &Real3) -> [usize; 3] {
        std::array::from_fn(|a| (((r[a] - self.lo[a]) * self.inv[a]).floor().max(0.0) as usize).min(self.n[a] - 1))
    }

    /// Linear bin index of `r`.
    #[inline]
    pub fn index(&self, r: &Real3) -> usize {
        let c = self.coords(r);
        c[0] + self.n[0] * (c[1] + self.n[1] * c[2])
    }

    /// Number of bins.
    pub fn len(&self) -> usize {
        self.n.iter().product()
    }

    /// Whether there are no bins (never: at least one per axis).
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Builds the lists of the owned atoms of `parts` for interaction range `range`
/// (cutoff + skin). Ghosts must cover `[lo − range, hi + range)`.
///
/// Bins are half the range wide, so the 5×5×5 block of bins around an atom holds about 40 %
/// fewer candidates than 3×3×3 full-width bins. Positions are copied in bin order first, so
/// a row of five bins is one contiguous run that [`super::simd::scan`] tests four at a time
/// without branches (the pass/fail pattern is unpredictable: branches cost more than the
/// arithmetic). Candidates are sorted as `gid << 32 | index`
/// keys; two images of one atom (possible only in a box under two ranges wide) are then put
/// in the order of their position bits, so the order never depends on indices.
pub fn build(parts: &Particles, lo: Real3, hi: Real3, range: Real) -> NeighborList {
    let mut nl = NeighborList::default();
    nl.rebuild(parts, lo, hi, range, &mut Vec::new());
    nl
}

/// [`build`] with entries of `width` bytes (3: fewer than 2²⁴ particles; or 4).
pub fn build_with_width(parts: &Particles, lo: Real3, hi: Real3, range: Real, width: usize) -> NeighborList {
    let mut nl = NeighborList::default();
    nl.rebuild_with_width(parts, lo, hi, range, width, &mut Vec::new());
    nl
}

impl NeighborList {
    /// [`build`] in place, into the buffers of the previous lists. Freeing the old lists
    /// and allocating new ones at every rebuild fragments the heap: the resident set of a
    /// 1M-atom run grew by ~15 % over a few rebuilds that way. `scratch` holds the
    /// bin-ordered copies of the positions meanwhile (see [`super::simd::soa_scratch`]).
    pub fn rebuild(&mut self, parts: &Particles, lo: Real3, hi: Real3, range: Real, scratch: &mut Vec<Pos4>) {
        let compact = expected_entries(parts, lo, hi, range) > COMPACT_ABOVE && parts.r.len() < 1 << 24;
        self.rebuild_with_width(parts, lo, hi, range, if compact { 3 } else { 4 }, scratch);
    }

    /// [`NeighborList::rebuild`] with entries of `width` bytes.
    pub fn rebuild_with_width(&mut self, parts: &Particles, lo: Real3, hi: Real3, range: Real, width: usize, scratch: &mut Vec<Pos4>) {
        assert!(width == 4 || (width == 3 && parts.r.len() < 1 << 24), "3-byte entries hold indices below 2^24");
        let bins = Bins::new(lo.map(|v| v - range), hi.map(|v| v + range), 0.5 * range);
        // counting sort of all particles into bins
        let n_all = parts.r.len();
        let bin_of: Vec<u32> = parts.r.par_iter().map(|r| bins.index(r) as u32).collect();
        let mut bin_start = vec![0u32; bins.len() + 1];
        for &b in &bin_of {
            bin_start[b as usize + 1] += 1;
        }
        for b in 0..bins.len() {
            bin_start[b + 1] += bin_start[b];
        }
        let mut fill = bin_start.clone();
        let mut in_bin = vec![0u32; n_all];
        for (i, &b) in bin_of.iter().enumerate() {
            in_bin[fill[b as usize] as usize] = i as u32;
            fill[b as usize] += 1;
        }
        drop((bin_of, fill));
        // bin-ordered copies: the scan below reads each row of bins as contiguous memory
        let (xs, ys, zs, keys) = super::simd::soa_scratch(scratch, n_all);
        let copy = |out: &mut [Real], a: usize| out.par_iter_mut().zip(&in_bin).for_each(|(o, &j)| *o = parts.r[j as usize][a]);
        copy(xs, 0);
        copy(ys, 1);
        copy(zs, 2);
        keys.par_iter_mut().zip(&in_bin).for_each(|(k, &j)| *k = (u64::from(parts.gid[j as usize] as u32) << 32) | u64::from(j));
        drop(in_bin);
        let (xs, ys, zs, keys) = (&*xs, &*ys, &*zs, &*keys);
        let range2 = range * range;
        self.pieces.resize_with(parts.n_own.div_ceil(CHUNK), Default::default);
        let expect = expected_entries(parts, lo, hi, range);
        self.pieces.par_iter_mut().enumerate().for_each(|(piece, (start, list))| {
            let atoms = piece * CHUNK..(piece * CHUNK + CHUNK).min(parts.n_own);
            start.clear();
            start.push(0u32);
            list.clear();
            let room = (atoms.len() as Real * expect) as usize * width + PAD;
            if list.capacity() == 0 {
                // a quarter over the continuum estimate (which is above the FCC count): a
                // list that outgrew its room would double, and the abandoned block stays
                // resident; room never written costs no memory
                list.reserve_exact(room);
            }
            let mut cand: Vec<u64> = Vec::with_capacity(512);
            for i in atoms {
                let ri = parts.r[i];
                let c = bins.coords(&ri);
                let span = |a: usize| c[a].saturating_sub(2)..=(c[a] + 2).min(bins.n[a] - 1);
                let mut len = 0;
                for z in span(2) {
                    for y in span(1) {
                        let row = bins.n[0] * (y + bins.n[1] * z);
                        let (x0, x1) = (c[0].saturating_sub(2), (c[0] + 2).min(bins.n[0] - 1));
                        let (a, b) = (bin_start[row + x0] as usize, bin_start[row + x1 + 1] as usize);
                        if cand.len() < len + (b - a) {
                            cand.resize(len + (b - a), 0);
                        }
                        len = super::simd::scan(ri, &xs, &ys, &zs, &keys, (a, b), range2, &mut cand, len);
                    }
                }
                // the atom itself (d² = 0) is among the candidates once
                if let Some(me) = cand[..len].iter().position(|&c| c as u32 as usize == i) {
                    cand.copy_within(me + 1..len, me);
                    len -= 1;
                }
                let cand = &mut cand[..len];
                cand.sort_unstable();
                // equal gids (two images of one atom): order by position, not by index
                for k in 1..cand.len() {
                    if cand[k] >> 32 == cand[k - 1] >> 32 {
                        let pos = |c: u64| parts.r[(c & 0xffff_ffff) as usize].map(f64::to_bits);
                        if pos(cand[k]) < pos(cand[k - 1]) {
                            cand.swap(k, k - 1);
                        }
                    }
                }
                // constant lengths: a slice of run-time length would be a memmove call each
                let bytes = cand.iter().map(|&c| (c as u32).to_le_bytes());
                if width == 3 {
                    bytes.for_each(|b| list.extend_from_slice(&b[..3]));
                } else {
                    bytes.for_each(|b| list.extend_from_slice(&b));
                }
                start.push((list.len() / width) as u32);
            }
            list.extend_from_slice(&[0; PAD]);
            // keep 1/16 room for the next rebuild's lists (a little longer after heating)
            list.shrink_to((list.len() + list.len() / 16).max(room));
        });
        self.width = width;
        self.n_particles = n_all;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A random cloud in `[0, l)³` with no ghosts.
    fn cloud(n: usize, l: Real, mut seed: u64) -> Particles {
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as Real / (1u64 << 53) as Real
        };
        let mut parts = Particles::default();
        for g in 0..n {
            // gids not in index order, so the gid sort is exercised
            parts.gid.push(((g * 7919) % n) as i32);
            parts.r.push([rnd() * l, rnd() * l, rnd() * l]);
            parts.p.push([0.0; 3]);
            parts.image.push([0; 3]);
        }
        parts.n_own = n;
        parts
    }

    #[test]
    fn lists_hold_exactly_the_pairs_in_range_in_gid_order() {
        let (l, range) = (20.0, 4.5);
        let parts = cloud(700, l, 99);
        let nl = build(&parts, [0.0; 3], [l; 3], range);
        let narrow = build_with_width(&parts, [0.0; 3], [l; 3], range, 3);
        // ~33 entries per atom: below COMPACT_ABOVE
        assert_eq!((nl.width(), narrow.width(), nl.len()), (4, 3, narrow.len()));
        for i in 0..parts.n_own {
            assert_eq!(nl.of(i).to_vec(), narrow.of(i).to_vec());
            let mut expect: Vec<u32> = (0..parts.r.len() as u32)
                .filter(|&j| {
                    let (a, b) = (parts.r[i], parts.r[j as usize]);
                    let d2: Real = (0..3).map(|k| (a[k] - b[k]) * (a[k] - b[k])).sum();
                    j as usize != i && d2 < range * range
                })
                .collect();
            expect.sort_by_key(|&j| parts.gid[j as usize]);
            assert_eq!(nl.of(i).to_vec(), expect, "atom {i}");
        }
    }

    #[test]
    fn candidate_scan_keeps_exactly_the_keys_in_range() {
        let parts = cloud(203, 10.0, 7);
        let xs: Vec<Real> = parts.r.iter().map(|r| r[0]).collect();
        let ys: Vec<Real> = parts.r.iter().map(|r| r[1]).collect();
        let zs: Vec<Real> = parts.r.iter().map(|r| r[2]).collect();
        let keys: Vec<u64> = (0..203u64).collect();
        for (i, &ri) in parts.r.iter().enumerate().step_by(17) {
            let mut out = vec![0u64; 203];
            let len = crate::fast::simd::scan(ri, &xs, &ys, &zs, &keys, (3, 203), 9.0, &mut out, 0);
            let expect: Vec<u64> = (3..203u64)
                .filter(|&k| {
                    let b = parts.r[k as usize];
                    (0..3).map(|a| (ri[a] - b[a]) * (ri[a] - b[a])).sum::<Real>() < 9.0
                })
                .collect();
            assert_eq!(&out[..len], &expect[..], "atom {i}");
        }
    }
}
