//! Verlet neighbour lists with a skin, built from a bin grid over owned atoms and ghosts.
//!
//! Every owned atom gets a *full* list (each pair appears on both sides) of the atoms within
//! `cutoff + skin`. Forces and energies are summed per atom in list order, so that order must
//! not depend on the thread count or the rank grid. It is the order of a bin grid aligned to
//! the global origin (bins by z, y, x), then gid within a bin (then position bits: two
//! periodic images of one atom in a box under a bin wide). Positions have the same bits on
//! any rank grid (see [`super::ghosts`]), so every rank bins a particle alike, and the
//! candidates come out of the scan already in that order: no sort per atom. (Sorting each
//! list by gid, as this module did first, was 30 % of the build.)
//!
//! Each list holds first the neighbours that were within the cutoff when it was built, then
//! those between cutoff and range (each part in that order). The kernels test four entries at
//! a time and skip a block whose four are all beyond the cutoff, which then happens for
//! nearly every block of the second part: ~15 of EAM's ~57 entries per atom in the crystal
//! (the 5.11 Å shell, beyond Cu_u6's 4.95 Å cutoff), ~13 of LJ's ~91. The class is decided
//! from positions, so it too is the same on every rank.
//!
//! The lists are rebuilt when two atoms that were not on each other's lists may have come
//! within the cutoff ([`super::skin`] decides when).

use super::ghosts::Particles;
pub use super::listbuild::{Plan, Reach};
use super::listbuild::{expected_entries, Piece, PAD};
use super::pos4::Pos4;
use crate::types::{Real, Real3};
use rayon::prelude::*;

/// Owned atoms per piece of the lists (one rayon task of the list build).
const CHUNK: usize = 512;


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
    pieces: Vec<Piece>,
    width: usize,
    /// Number of particles the lists were built for: every entry is below it.
    n_particles: usize,
    /// The owned atom whose list is the first of `pieces[0]`: 0 for stored lists, the first
    /// atom of a rayon task for a piece of streamed ones ([`super::lists`]).
    offset: usize,
}

impl Default for NeighborList {
    fn default() -> Self {
        NeighborList { pieces: Vec::new(), width: 3, n_particles: 0, offset: 0 }
    }
}

impl NeighborList {
    /// Neighbours of owned atom `i`.
    #[inline(always)]
    pub fn of(&self, i: usize) -> Nbrs<'_> {
        let i = i - self.offset;
        let p = &self.pieces[i / CHUNK];
        let k = i % CHUNK;
        let (a, b) = (p.start[k] as usize, p.start[k + 1] as usize);
        let near_blocks = (p.near_blocks[k] as usize).min((b - a).div_ceil(4));
        Nbrs { bytes: &p.bytes[a * self.width..b * self.width + PAD], len: b - a, width: self.width, near_blocks }
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
        self.pieces.iter().map(|p| *p.start.last().unwrap_or(&0) as usize).sum()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes the lists hold (capacities).
    pub fn heap_bytes(&self) -> usize {
        self.pieces.iter().map(|p| p.start.capacity() * 4 + p.near_blocks.capacity() + p.bytes.capacity()).sum::<usize>() + self.pieces.capacity() * std::mem::size_of::<Piece>()
    }
}

/// The neighbours of one atom, as stored: `len` little-endian entries of `width` bytes,
/// with at least [`PAD`] readable bytes after them.
#[derive(Debug, Clone, Copy)]
pub struct Nbrs<'a> {
    bytes: &'a [u8],
    len: usize,
    width: usize,
    near_blocks: usize,
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

    /// The blocks (from the first) that hold the neighbours that were within the cutoff
    /// when the list was built; the blocks after them hold only farther ones, so a kernel
    /// can test those for being all beyond the cutoff now, a test that nearly always passes.
    #[inline(always)]
    pub fn near_blocks(&self) -> usize {
        self.near_blocks
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

/// Builds the lists of the owned atoms of `parts` for `reach` (cutoff, and range = cutoff +
/// skin). Ghosts must cover `[lo − range, hi + range)`.
///
/// Particles are put in a global bin grid ([`super::bins::Bins`]; widths from `bin_widths`), ordered by
/// gid within each bin, and copied in that order, so a run of bins along x is contiguous
/// memory that [`super::scan::Scanner::scan`] tests four (or eight) at a time. For each row of bins (y, z) around an atom, the
/// run is cut to the x-extent of the atom's sphere at the row's nearest point (rows entirely
/// out of range are skipped): about 230 candidates per atom on CoMD's LJ problem for ~91
/// partners, against ~390 for the full 5×5×5 block of half-range bins.
///
/// The list order is the scan order: the neighbours within the cutoff first, then the others,
/// each part by bins (z, y, x), then gid. It depends only on the positions and gids (the grid
/// is global and positions have the same bits on any rank grid), so no sort is needed per
/// atom for results that do not depend on threads or ranks.
/// Two periodic images of one atom differ by a box length, more than a bin width, so they
/// never share a bin.
pub fn build(parts: &Particles, lo: Real3, hi: Real3, reach: Reach) -> NeighborList {
    let mut nl = NeighborList::default();
    nl.rebuild(parts, lo, hi, reach, &mut Vec::new());
    nl
}

/// [`build`] with entries of `width` bytes (3: fewer than 2²⁴ particles; or 4).
pub fn build_with_width(parts: &Particles, lo: Real3, hi: Real3, reach: Reach, width: usize) -> NeighborList {
    let mut nl = NeighborList::default();
    nl.rebuild_with_width(parts, lo, hi, reach, width, &mut Vec::new());
    nl
}

impl NeighborList {
    /// [`build`] in place, into the buffers of the previous lists. Freeing the old lists
    /// and allocating new ones at every rebuild fragments the heap: the resident set of a
    /// 1M-atom run grew by ~15 % over a few rebuilds that way. `scratch` holds the
    /// bin-ordered copies of the positions meanwhile (see [`super::scan::soa_scratch`]).
    pub fn rebuild(&mut self, parts: &Particles, lo: Real3, hi: Real3, reach: Reach, scratch: &mut Vec<Pos4>) {
        let compact = expected_entries(parts, lo, hi, reach.range) > COMPACT_ABOVE && parts.r.len() < 1 << 24;
        self.rebuild_with_width(parts, lo, hi, reach, if compact { 3 } else { 4 }, scratch);
    }

    /// [`NeighborList::rebuild`] with entries of `width` bytes.
    pub fn rebuild_with_width(&mut self, parts: &Particles, lo: Real3, hi: Real3, reach: Reach, width: usize, scratch: &mut Vec<Pos4>) {
        let plan = Plan::new(parts, lo, hi, reach, width, scratch);
        let sorted = super::scan::soa_view(scratch, plan.n_particles());
        self.pieces.resize_with(parts.n_own.div_ceil(CHUNK), Default::default);
        self.pieces.par_iter_mut().enumerate().for_each(|(piece, p)| {
            let atoms = piece * CHUNK..(piece * CHUNK + CHUNK).min(parts.n_own);
            plan.fill(p, |i| parts.r[i], sorted, atoms, true);
        });
        self.width = width;
        self.n_particles = plan.n_particles();
        self.offset = 0;
    }

    /// Lists of the owned atoms `atoms` (at most [`CHUNK`]) alone, for [`NeighborList::of`]
    /// of those atoms only: one piece of streamed lists.
    pub(super) fn piece(plan: &Plan, r_build: impl Fn(usize) -> Real3, sorted: super::scan::Sorted<'_>, atoms: std::ops::Range<usize>) -> NeighborList {
        assert!(atoms.len() <= CHUNK, "a piece holds at most {CHUNK} atoms");
        let mut p = Piece::default();
        let offset = atoms.start;
        plan.fill(&mut p, r_build, sorted, atoms, false);
        NeighborList { pieces: vec![p], width: plan.width(), n_particles: plan.n_particles(), offset }
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
    fn lists_hold_exactly_the_pairs_in_range_near_then_far_in_global_bin_then_gid_order() {
        let (l, range) = (20.0, 4.5);
        let parts = cloud(700, l, 99);
        let reach = Reach { cutoff: 3.5, range };
        let nl = build(&parts, [0.0; 3], [l; 3], reach);
        let narrow = build_with_width(&parts, [0.0; 3], [l; 3], reach, 3);
        // ~33 entries per atom: below COMPACT_ABOVE
        assert_eq!((nl.width(), narrow.width(), nl.len()), (4, 3, narrow.len()));
        let w = [range / 4.0, range / 2.0, range / 2.0];
        let d2 = |i: usize, j: u32| -> Real {
            let (a, b) = (parts.r[i], parts.r[j as usize]);
            (0..3).map(|k| (a[k] - b[k]) * (a[k] - b[k])).sum()
        };
        for i in 0..parts.n_own {
            let key = |j: u32| {
                let r = parts.r[j as usize];
                let b = |a: usize| (r[a] / w[a]).floor() as i64;
                (d2(i, j) >= 3.5 * 3.5, b(2), b(1), b(0), parts.gid[j as usize])
            };
            assert_eq!(nl.of(i).to_vec(), narrow.of(i).to_vec());
            let mut expect: Vec<u32> = (0..parts.r.len() as u32).filter(|&j| j as usize != i && d2(i, j) < range * range).collect();
            expect.sort_by_key(|&j| key(j));
            assert_eq!(nl.of(i).to_vec(), expect, "atom {i}");
            let near = expect.iter().filter(|&&j| d2(i, j) < 3.5 * 3.5).count();
            assert_eq!((nl.of(i).near_blocks(), narrow.of(i).near_blocks()), (near.div_ceil(4), near.div_ceil(4)), "atom {i}");
        }
    }

    #[test]
    fn near_blocks_saturate_in_a_dense_cloud() {
        // every pair within the cutoff: ~1199 near entries, 300 blocks
        let parts = cloud(1200, 4.0, 3);
        let nl = build(&parts, [0.0; 3], [4.0; 3], Reach { cutoff: 7.5, range: 8.0 });
        for i in (0..1200).step_by(97) {
            assert_eq!((nl.of(i).len(), nl.of(i).near_blocks()), (1199, 255), "atom {i}");
        }
    }

    #[test]
    fn list_order_does_not_depend_on_the_region_or_the_particle_order() {
        let (l, range) = (20.0, 4.5);
        let all = cloud(700, l, 5);
        let reach = Reach { cutoff: 3.9, range };
        let whole = build(&all, [0.0; 3], [l; 3], reach);
        // a "rank" owning the slab x in [5, 12), with every other atom as a ghost, in
        // reversed order
        let (lo, hi) = ([5.0, 0.0, 0.0], [12.0, l, l]);
        let inside = |j: &usize| all.r[*j][0] >= lo[0] && all.r[*j][0] < hi[0];
        let mine: Vec<usize> = (0..700).filter(inside).collect();
        let others: Vec<usize> = (0..700).rev().filter(|j| !inside(j)).collect();
        let mut part = Particles::default();
        for &j in mine.iter().chain(&others) {
            part.gid.push(all.gid[j]);
            part.r.push(all.r[j]);
        }
        part.n_own = mine.len();
        part.p = vec![[0.0; 3]; part.n_own];
        part.image = vec![[0; 3]; part.n_own];
        let slab = build(&part, lo, hi, reach);
        assert!(mine.len() > 100);
        for (k, &j) in mine.iter().enumerate() {
            let gids = |nl: &NeighborList, p: &Particles, i: usize| nl.of(i).to_vec().into_iter().map(|n| p.gid[n as usize]).collect::<Vec<_>>();
            assert_eq!(gids(&slab, &part, k), gids(&whole, &all, j), "atom gid {}", all.gid[j]);
        }
    }
}
