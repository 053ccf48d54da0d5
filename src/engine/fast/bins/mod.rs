//! The bin grid of the neighbour-list build: which bins a particle is in, which runs of
//! bins can hold its partners, and all particles in bin order.
//!
//! The grid is aligned to the global origin (bin `k` on an axis covers `[k·w, (k+1)·w)`),
//! so a particle's bin does not depend on the rank that computes it; the list order, which
//! is the bin order (see [`super::neighbors`]), therefore does not either.

#[cfg(target_arch = "x86_64")]
use super::cpu::Isa;
use super::scan::Scanner;
use crate::types::{Real, Real3};
use rayon::prelude::*;

#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(test)]
mod tests;

/// A bin grid aligned to the global origin: bin `k` on axis `a` covers `[k·w_a, (k+1)·w_a)`,
/// and a position's bin is `floor(x / w_a)` whichever rank computes it. Only the bins
/// around `[lo, hi)` are stored (one more on each side, so no position in that region is
/// clamped).
#[derive(Debug, Clone)]
pub struct Bins {
    w: Real3,
    inv: Real3,
    /// Global coordinates of the first stored bin.
    first: [i64; 3],
    n: [usize; 3],
}

/// `floor(v)` for |v| < 2⁶³, inline (without SSE4.1, `f64::floor` is a libm call, 5 % of a
/// list build).
#[inline(always)]
fn floor(v: Real) -> i64 {
    let t = v as i64;
    t - i64::from(v < t as Real)
}

impl Bins {
    /// The bins of widths `w` covering `[lo, hi]`.
    pub fn new(lo: Real3, hi: Real3, w: Real3) -> Bins {
        let inv = w.map(|w| 1.0 / w);
        let first: [i64; 3] = std::array::from_fn(|a| floor(lo[a] * inv[a]) - 1);
        let n = std::array::from_fn(|a| (floor(hi[a] * inv[a]) + 2 - first[a]).max(1) as usize);
        Bins { w, inv, first, n }
    }

    /// Stored bin coordinates of `x` on axis `a`, clamped to the grid.
    #[inline(always)]
    fn coord(&self, a: usize, x: Real) -> usize {
        (floor(x * self.inv[a]) - self.first[a]).clamp(0, self.n[a] as i64 - 1) as usize
    }

    /// Stored bin coordinates of `r`, clamped to the grid.
    #[inline]
    pub fn coords(&self, r: &Real3) -> [usize; 3] {
        std::array::from_fn(|a| self.coord(a, r[a]))
    }

    /// Linear bin index of `r` (x fastest).
    #[inline]
    pub fn index(&self, r: &Real3) -> usize {
        let c = self.coords(r);
        c[0] + self.n[0] * (c[1] + self.n[1] * c[2])
    }

    /// Squared distance from `x` to the span of stored bin `c` on axis `a` (0 inside it).
    #[inline(always)]
    fn gap2(&self, a: usize, c: usize, x: Real) -> Real {
        let lo = (self.first[a] + c as i64) as Real * self.w[a];
        let g = (lo - x).max(x - (lo + self.w[a])).max(0.0);
        g * g
    }

    /// The runs of particles (`bin_start`: the bins' first particles in bin order, and the
    /// end) that can hold partners of a particle at `ri` within `range`: for each row of
    /// bins along x around it (by z, then y), the bins the sphere reaches at the row's nearest
    /// point; rows out of reach are skipped. Written to `runs`; returns how many. Bins across
    /// must be at least half the range wide (at most 7 × 7 rows). The AVX-512 build
    /// (`avx512.rs`, when `scanner` is that build) tries the rows of a plane eight at a time
    /// with the same operations on the same values: the same runs.
    #[inline]
    #[allow(unsafe_code)]
    pub fn sphere_runs(&self, scanner: Scanner, ri: Real3, range: Real, bin_start: &[u32], runs: &mut [(u32, u32); MAX_ROWS]) -> usize {
        #[cfg(target_arch = "x86_64")]
        if scanner.isa() == Isa::Avx512 {
            // SAFETY: a `Scanner` of the AVX-512 build is made only when the CPU runs it.
            return unsafe { avx512::sphere_runs(self, ri, range, bin_start, runs) };
        }
        let _ = scanner;
        self.sphere_runs_portable(ri, range, bin_start, runs)
    }

    /// The rows of bins within `range` of stored bin coordinate `c` on axis `a`: 2 each way
    /// across (3 if rounded up).
    #[inline(always)]
    fn span(&self, a: usize, c: usize, range: Real) -> std::ops::RangeInclusive<usize> {
        let k = (-floor(-range * self.inv[a])).min(3) as usize;
        c.saturating_sub(k)..=(c + k).min(self.n[a] - 1)
    }

    /// [`Bins::sphere_runs`], one row at a time.
    fn sphere_runs_portable(&self, ri: Real3, range: Real, bin_start: &[u32], runs: &mut [(u32, u32); MAX_ROWS]) -> usize {
        let (c, range2) = (self.coords(&ri), range * range);
        let mut gy = [(0, 0.0); 7];
        let mut ny = 0;
        for y in self.span(1, c[1], range) {
            gy[ny] = (y, self.gap2(1, y, ri[1]));
            ny += 1;
        }
        let mut n_runs = 0;
        for z in self.span(2, c[2], range) {
            let gz = self.gap2(2, z, ri[2]);
            for &(y, gy) in &gy[..ny] {
                let left = range2 - gz - gy;
                if left <= -SLACK {
                    continue;
                }
                // the row's part within the sphere's chord at the row's nearest point
                let ext = left.max(0.0).sqrt() + SLACK;
                let row = self.n[0] * (y + self.n[1] * z);
                let (x0, x1) = (self.coord(0, ri[0] - ext), self.coord(0, ri[0] + ext));
                runs[n_runs] = (bin_start[row + x0], bin_start[row + x1 + 1]);
                n_runs += 1;
            }
        }
        n_runs
    }

    /// The bin widths.
    pub fn widths(&self) -> Real3 {
        self.w
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

/// Room for the runs of one particle: at most 7 × 7 rows of bins can hold partners (with
/// bins across half the range wide: 2 each way, 3 when the bin bounds round against the
/// particle), and the AVX-512 build writes eight runs past the last plane's first.
pub const MAX_ROWS: usize = 56;

/// Slack (Å) in deciding which bins can hold a partner: the bin bounds are rounded, the
/// distance test on each candidate is exact; scanning a few more candidates changes nothing.
const SLACK: Real = 1e-6;

/// All particles in bin order: `order` lists them bin by bin (x fastest), by gid within a
/// bin; bin `b` is `order[start[b]..start[b + 1]]`.
pub struct BinOrder {
    /// Particle indices, bin by bin.
    pub order: Vec<u32>,
    /// Where each bin starts in `order` (and the end).
    pub start: Vec<u32>,
}

/// Counting sort of the particles into `bins`, then gid order within each bin.
pub fn bin_order(r: &[Real3], gid: &[i32], bins: &Bins) -> BinOrder {
    let bin_of: Vec<u32> = r.par_iter().map(|r| bins.index(r) as u32).collect();
    let mut start = vec![0u32; bins.len() + 1];
    for &b in &bin_of {
        start[b as usize + 1] += 1;
    }
    for b in 0..bins.len() {
        start[b + 1] += start[b];
    }
    let mut fill = start.clone();
    let mut order = vec![0u32; r.len()];
    for (i, &b) in bin_of.iter().enumerate() {
        order[fill[b as usize] as usize] = i as u32;
        fill[b as usize] += 1;
    }
    drop((bin_of, fill));
    for b in 0..bins.len() {
        let run = &mut order[start[b] as usize..start[b + 1] as usize];
        if run.len() > 1 {
            // (two images of one atom, in a box under a bin wide, would tie on gid)
            run.sort_unstable_by_key(|&j| (gid[j as usize], r[j as usize].map(f64::to_bits)));
        }
    }
    BinOrder { order, start }
}
