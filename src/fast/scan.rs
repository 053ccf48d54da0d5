//! The candidate scan of the neighbour-list build: which particles of a run of bins lie
//! within the interaction range of an atom.
//!
//! The build copies positions in bin order into three arrays (and the particle indices into
//! a fourth), so a run of bins along x is contiguous memory. The test is branch-free: about
//! half the candidates pass, in no predictable pattern, and a mispredicted branch costs more
//! than the arithmetic. The AVX2 version tests four candidates per step and writes the
//! passing indices with one shuffled store (a table of the 16 pass patterns), so a short run
//! costs no scalar tail: the arrays are padded, and lanes past the run are masked off.
#![allow(unsafe_code)]

use super::kernels::Pos4;
use crate::types::{Real, Real3};

/// Elements readable past the end of each array of [`soa_scratch`] (zeros).
pub const PAD: usize = 4;

/// The memory of `buf` as four arrays of `n` elements plus [`PAD`] zeros each: three of
/// reals and one of particle indices (u32, in a u64 slot's room). The list build keeps its
/// bin-ordered copies here, in the padded position copy of the force evaluation, which is
/// stale between evaluations: so the build needs no memory of its own (32 bytes per
/// particle, 6 % of the peak of a 1M-atom LJ run). The first `n` elements of each array
/// hold whatever was there (the caller writes them); only the padding is zeroed.
pub fn soa_scratch(buf: &mut Vec<Pos4>, n: usize) -> (&mut [Real], &mut [Real], &mut [Real], &mut [u32]) {
    let stride = n + PAD;
    buf.resize(stride, Pos4::default());
    // SAFETY: `Pos4` is `repr(C)` around `[f64; 4]` (size 32, no padding), so `buf` is
    // 4·stride initialised f64 in one allocation; u32 has a smaller alignment than f64 and
    // every bit pattern is valid for both; the four slices are disjoint and borrow `buf`
    // mutably.
    let (xs, ys, zs, idx) = unsafe {
        let p = buf.as_mut_ptr().cast::<Real>();
        (
            std::slice::from_raw_parts_mut(p, stride),
            std::slice::from_raw_parts_mut(p.add(stride), stride),
            std::slice::from_raw_parts_mut(p.add(2 * stride), stride),
            std::slice::from_raw_parts_mut(p.add(3 * stride).cast::<u32>(), stride),
        )
    };
    for a in [&mut *xs, &mut *ys, &mut *zs] {
        a[n..].fill(0.0);
    }
    idx[n..].fill(0);
    (xs, ys, zs, idx)
}

/// Bin-ordered particles: positions by coordinate and particle indices, each array with
/// [`PAD`] readable elements past the particles (see [`soa_scratch`]).
#[derive(Clone, Copy)]
pub struct Sorted<'a> {
    /// x coordinates.
    pub xs: &'a [Real],
    /// y coordinates.
    pub ys: &'a [Real],
    /// z coordinates.
    pub zs: &'a [Real],
    /// Particle indices.
    pub idx: &'a [u32],
}

/// Squared distance limits of a scan: particles with d² < `near` are near, those with
/// `near` ≤ d² < `range` far, the others left out.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Squared limit of the near class (the cutoff², for the kernels' block skipping).
    pub near: Real,
    /// Squared interaction range (cutoff + skin)².
    pub range: Real,
}

/// Writes the indices of the particles of the `runs` (ranges of bin-ordered particles) that
/// lie near `ri` to `near`, and those farther but within range to `far` (see [`Limits`];
/// runs and particles in order), and returns how many of each. The outputs are grown as
/// needed; slots past the results are scratch.
pub fn scan(ri: Real3, s: Sorted<'_>, runs: &[(u32, u32)], lim: Limits, near: &mut Vec<u32>, far: &mut Vec<u32>) -> (usize, usize) {
    let limit = s.xs.len().min(s.ys.len()).min(s.zs.len()).min(s.idx.len());
    let mut total = 0;
    for &(a, b) in runs {
        assert!(a <= b && b as usize + PAD <= limit, "scan arrays are padded");
        total += (b - a) as usize;
    }
    for out in [&mut *near, &mut *far] {
        if out.len() < total + PAD {
            out.resize(total + PAD, 0);
        }
    }
    #[cfg(target_arch = "x86_64")]
    if super::simd::has_avx2() {
        // SAFETY: AVX2 was detected; the bounds were checked above.
        return unsafe { avx2::scan(ri, s, runs, lim, near, far) };
    }
    portable(ri, s, runs, lim, near, far)
}

fn portable(ri: Real3, s: Sorted<'_>, runs: &[(u32, u32)], lim: Limits, near: &mut [u32], far: &mut [u32]) -> (usize, usize) {
    let (mut n, mut f) = (0, 0);
    for &(a, b) in runs {
        for k in a as usize..b as usize {
            let d = [ri[0] - s.xs[k], ri[1] - s.ys[k], ri[2] - s.zs[k]];
            let d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            (near[n], far[f]) = (s.idx[k], s.idx[k]);
            n += usize::from(d2 < lim.near);
            f += usize::from(d2 >= lim.near && d2 < lim.range);
        }
    }
    (n, f)
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;
    use std::arch::x86_64::*;

    /// For each pattern of passing lanes (bit l: lane l), the byte shuffle that moves the
    /// passing lanes' u32 to the front, in order.
    const COMPRESS: [[u8; 16]; 16] = {
        let mut t = [[0x80u8; 16]; 16];
        let mut m = 0;
        while m < 16 {
            let (mut lane, mut out) = (0, 0);
            while lane < 4 {
                if m >> lane & 1 == 1 {
                    let mut k = 0;
                    while k < 4 {
                        t[m][4 * out + k] = (4 * lane + k) as u8;
                        k += 1;
                    }
                    out += 1;
                }
                lane += 1;
            }
            m += 1;
        }
        t
    };

    /// [`super::scan`], four candidates per step.
    ///
    /// # Safety
    /// AVX2 must be available, and the bounds [`super::scan`] asserts and ensures must hold.
    #[target_feature(enable = "avx2")]
    pub unsafe fn scan(ri: Real3, s: Sorted<'_>, runs: &[(u32, u32)], lim: Limits, near: &mut [u32], far: &mut [u32]) -> (usize, usize) {
        let (x, y, z) = (_mm256_set1_pd(ri[0]), _mm256_set1_pd(ri[1]), _mm256_set1_pd(ri[2]));
        let (lim_near, lim_range) = (_mm256_set1_pd(lim.near), _mm256_set1_pd(lim.range));
        let (mut n, mut f) = (0, 0);
        for &(a, b) in runs {
            let (mut k, b) = (a as usize, b as usize);
            while k < b {
                // SAFETY (whole block): k < b, so k + 4 <= b + PAD elements are readable in
                // each array; at most 4 indices are stored at n (or f), which is at most the
                // number of candidates before this block, within `near` (or `far`).
                unsafe {
                    let dx = _mm256_sub_pd(x, _mm256_loadu_pd(s.xs.as_ptr().add(k)));
                    let dy = _mm256_sub_pd(y, _mm256_loadu_pd(s.ys.as_ptr().add(k)));
                    let dz = _mm256_sub_pd(z, _mm256_loadu_pd(s.zs.as_ptr().add(k)));
                    let d2 = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)), _mm256_mul_pd(dz, dz));
                    let live = if b - k >= 4 { 15 } else { (1 << (b - k)) - 1 };
                    let mn = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(d2, lim_near)) as usize & live;
                    let mf = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(d2, lim_range)) as usize & live & !mn;
                    let ids = _mm_loadu_si128(s.idx.as_ptr().add(k).cast());
                    let pick = |m: usize| _mm_shuffle_epi8(ids, _mm_loadu_si128(COMPRESS[m].as_ptr().cast()));
                    _mm_storeu_si128(near.as_mut_ptr().add(n).cast(), pick(mn));
                    _mm_storeu_si128(far.as_mut_ptr().add(f).cast(), pick(mf));
                    n += mn.count_ones() as usize;
                    f += mf.count_ones() as usize;
                }
                k += 4;
            }
        }
        (n, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_keeps_exactly_the_indices_in_range_in_order() {
        let n = 203;
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as Real / (1u64 << 53) as Real * 10.0
        };
        let mut buf = Vec::new();
        let (xs, ys, zs, idx) = soa_scratch(&mut buf, n);
        for k in 0..n {
            (xs[k], ys[k], zs[k], idx[k]) = (rnd(), rnd(), rnd(), (k * 31 % n) as u32);
        }
        let sorted = Sorted { xs, ys, zs, idx };
        let cases: [&[(u32, u32)]; 5] = [&[], &[(0, 0)], &[(3, 203)], &[(5, 6), (10, 17), (100, 104)], &[(0, 5), (200, 203)]];
        for (i, runs) in cases.into_iter().enumerate() {
            let ri = [xs[i * 7], ys[i * 7], zs[i * 7]];
            let d2 = |k: usize| (ri[0] - xs[k]).powi(2) + (ri[1] - ys[k]).powi(2) + (ri[2] - zs[k]).powi(2);
            let class = |lo: Real, hi: Real| -> Vec<u32> {
                runs.iter().flat_map(|&(a, b)| a as usize..b as usize).filter(|&k| d2(k) >= lo && d2(k) < hi).map(|k| idx[k]).collect()
            };
            let lim = Limits { near: 4.0, range: 9.0 };
            let (near, far) = (class(Real::NEG_INFINITY, 4.0), class(4.0, 9.0));
            assert!(!near.is_empty() || runs.iter().map(|r| r.1 - r.0).sum::<u32>() < 20);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let (na, nb) = scan(ri, sorted, runs, lim, &mut a, &mut b);
            assert_eq!((&a[..na], &b[..nb]), (&near[..], &far[..]), "runs {runs:?}");
            let (mut a, mut b) = (vec![u32::MAX; n + PAD], vec![u32::MAX; n + PAD]);
            let (na, nb) = portable(ri, sorted, runs, lim, &mut a, &mut b);
            assert_eq!((&a[..na], &b[..nb]), (&near[..], &far[..]), "portable, runs {runs:?}");
        }
    }
}
