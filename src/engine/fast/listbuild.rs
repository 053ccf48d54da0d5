//! What the lists of one build share: the particles binned and copied in bin order, the
//! distance limits and the entry width, and the scan that writes one piece of lists from
//! them. Stored lists ([`super::neighbors`]) use a plan once per rebuild; streamed ones
//! ([`super::lists`]) keep it and fill a piece for each force task.

use super::bins::{bin_order, BinOrder, Bins, MAX_ROWS};
use super::ghosts::Particles;
use super::pos4::Pos4;
use crate::types::{Real, Real3};
use rayon::prelude::*;

/// Bytes readable past the last entry of a piece, so any block of up to four entries can be
/// read as 16 bytes from its start.
pub const PAD: usize = 16;

/// The lists of consecutive owned atoms (at most `neighbors::CHUNK`).
#[derive(Debug, Clone, Default)]
pub(super) struct Piece {
    /// Offsets in entries, `atoms + 1` of them.
    pub(super) start: Vec<u32>,
    /// Per atom, the blocks of four entries that hold its near part (the last may also hold
    /// far entries); saturated at 255 (the kernels then treat some near blocks as
    /// far ones, which is slower, not wrong).
    pub(super) near_blocks: Vec<u8>,
    /// The entries' bytes, then [`PAD`].
    pub(super) bytes: Vec<u8>,
}

/// The distances of a list build: pairs within `range` (cutoff + skin) are listed, those
/// within `cutoff` first.
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    /// The interaction cutoff, Å.
    pub cutoff: Real,
    /// The list range, cutoff + skin, Å.
    pub range: Real,
}

/// Expected list entries per atom: the density of the owned atoms in `[lo, hi)` times the
/// volume of the sphere of radius `range` (above the FCC count, whose shells are discrete).
pub(super) fn expected_entries(parts: &Particles, lo: Real3, hi: Real3, range: Real) -> Real {
    let volume: Real = (0..3).map(|a| hi[a] - lo[a]).product();
    parts.n_own as Real / volume * 4.0 / 3.0 * std::f64::consts::PI * range.powi(3)
}

/// Bin widths of the list build for interaction range `range`: a quarter of it along x (the
/// contiguous direction, where the run of bins scanned is cut to the atom's sphere), half
/// across. Global, so the bin order of particles is the same on every rank.
pub(super) fn bin_widths(range: Real) -> Real3 {
    [0.25 * range, 0.5 * range, 0.5 * range]
}

/// What every list of one build shares: the bin grid with each bin's start in the
/// bin-ordered copies of the positions (which the caller keeps: see
/// [`super::scan::soa_scratch`]), the distance limits and the entry width.
#[derive(Debug, Clone)]
pub struct Plan {
    bins: Bins,
    bin_start: Vec<u32>,
    lim: super::scan::Limits,
    range: Real,
    width: usize,
    /// Expected entries per atom (room reserved for a piece).
    expect: Real,
    /// Particles (owned and ghosts) the build was made for.
    n_particles: usize,
}

impl Plan {
    /// Bins the particles of `parts` and writes their bin-ordered copies into `scratch`.
    pub fn new(parts: &Particles, lo: Real3, hi: Real3, reach: Reach, width: usize, scratch: &mut Vec<Pos4>) -> Plan {
        let range = reach.range;
        assert!(width == 4 || (width == 3 && parts.r.len() < 1 << 24), "3-byte entries hold indices below 2^24");
        let bins = Bins::new(lo.map(|v| v - range), hi.map(|v| v + range), bin_widths(range));
        let BinOrder { order, start: bin_start } = bin_order(&parts.r, &parts.gid, &bins);
        // bin-ordered copies: the scan reads each run of bins as contiguous memory
        let n_all = parts.r.len();
        let (xs, ys, zs, idx) = super::scan::soa_scratch(scratch, n_all);
        let copy = |out: &mut [Real], a: usize| out.par_iter_mut().zip(&order).for_each(|(o, &j)| *o = parts.r[j as usize][a]);
        copy(xs, 0);
        copy(ys, 1);
        copy(zs, 2);
        idx[..n_all].copy_from_slice(&order);
        let lim = super::scan::Limits { near: reach.cutoff * reach.cutoff, range: range * range };
        let w = bins.widths();
        assert!(range <= 2.0 * w[1] * (1.0 + 1e-9) && range <= 2.0 * w[2] * (1.0 + 1e-9), "bins across are half the range wide");
        let expect = expected_entries(parts, lo, hi, range);
        Plan { bins, bin_start, lim, range, width, expect, n_particles: n_all }
    }

    /// Bytes per entry (3 or 4).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Particles the build was made for.
    pub fn n_particles(&self) -> usize {
        self.n_particles
    }

    /// Heap bytes the plan holds (the bin starts).
    pub fn heap_bytes(&self) -> usize {
        self.bin_start.capacity() * 4
    }

    /// Writes the lists of owned atoms `atoms` into `piece` (reusing its buffers), each atom
    /// at its build position `r_build(i)`. `keep_room`: leave 1/16 room for the next build
    /// (stored lists); else the buffer is left as it grew.
    pub(super) fn fill(&self, piece: &mut Piece, r_build: impl Fn(usize) -> Real3, sorted: super::scan::Sorted<'_>, atoms: std::ops::Range<usize>, keep_room: bool) {
        let Piece { start, near_blocks, bytes: list } = piece;
        let width = self.width;
        start.clear();
        start.push(0u32);
        near_blocks.clear();
        list.clear();
        let room = (atoms.len() as Real * self.expect) as usize * width + PAD;
        if list.capacity() == 0 {
            // the continuum estimate is above the FCC count: a list that outgrew its
            // room would double, and the abandoned block stays resident; room never
            // written costs no memory
            list.reserve_exact(room);
        }
        let (mut far, mut blocks, scanner) = (Vec::new(), Vec::new(), super::scan::Scanner::detect());
        let mut runs = [(0u32, 0u32); MAX_ROWS];
        for i in atoms {
            let ri = r_build(i);
            let n_runs = self.bins.sphere_runs(scanner, ri, self.range, &self.bin_start, &mut runs);
            // the near entries go straight to the list, the far ones after them
            let out = super::scan::Out { width, near: list, far: &mut far, blocks: &mut blocks };
            let (n_near, _) = scanner.scan(ri, sorted, &runs[..n_runs], self.lim, i as u32, out);
            list.extend_from_slice(&far);
            start.push((list.len() / width) as u32);
            near_blocks.push(n_near.div_ceil(4).min(u8::MAX as usize) as u8);
        }
        list.extend_from_slice(&[0; PAD]);
        if keep_room {
            // keep 1/16 room for the next rebuild's lists (a little longer after heating)
            list.shrink_to((list.len() + list.len() / 16).max(room));
        }
    }
}
