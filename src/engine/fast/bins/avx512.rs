//! The AVX-512 build of [`Bins::sphere_runs`]: the rows of one plane of bins (one z, up to
//! seven y) are tried together, eight lanes of f64, and the runs of the rows in reach are
//! compressed in a register.
//!
//! Why: in the `in.lj` liquid, which rebuilds its lists every ~9 steps, the one-row-at-a-time
//! loop was a tenth of the run (perf): ~22 rows per atom, each a chain of a square root, two
//! float-to-bin conversions and two loads, with little to overlap. Here a plane is one such
//! chain for all its rows.
//!
//! Why the runs are the same: every lane makes the portable loop's operations on the same
//! values in the same order (`(range² − gz) − gy`, the same comparison with the slack, the
//! square root, `+ slack`, `(x ∓ ext)·(1/w)`, floor, the clamp), and the compression keeps lane
//! order, which is y order. Bin coordinates are converted through 32-bit integers: positions
//! lie within the grid (a few bins outside it at most), far below 2³¹ bins. (A NaN
//! coordinate, in a run that has already blown up, converts to a different bin here than
//! in the portable loop: both are clamped to the grid, and the candidate test rejects every
//! particle against a NaN anyway.)
#![allow(unsafe_code)]

use super::*;
use std::arch::x86_64::*;

/// [`Bins::sphere_runs`], a plane of rows at a time.
///
/// # Safety
/// The CPU must have AVX-512F and VL.
#[target_feature(enable = "avx512f,avx512vl")]
pub unsafe fn sphere_runs(b: &Bins, ri: Real3, range: Real, bin_start: &[u32], runs: &mut [(u32, u32); MAX_ROWS]) -> usize {
    let (c, range2) = (b.coords(&ri), range * range);
    // the rows across in y: their gaps and the index of their first bin (without z)
    let (mut gy, mut ybase, mut ny) = ([0.0; 8], [0i32; 8], 0);
    for y in b.span(1, c[1], range) {
        (gy[ny], ybase[ny]) = (b.gap2(1, y, ri[1]), (b.n[0] * y) as i32);
        ny += 1;
    }
    debug_assert!(b.len() < i32::MAX as usize, "bin indices fit in 32 bits");
    let live = ((1u32 << ny) - 1) as __mmask8;
    // SAFETY: the caller's contract (the features); the loads read the two local arrays of
    // eight elements, and every store is to a local array of eight.
    unsafe {
        let gyv = _mm512_loadu_pd(gy.as_ptr());
        let ybv = _mm256_loadu_si256(ybase.as_ptr().cast());
        let (neg_slack, slack, zero) = (_mm512_set1_pd(-SLACK), _mm512_set1_pd(SLACK), _mm512_setzero_pd());
        let (x, inv) = (_mm512_set1_pd(ri[0]), _mm512_set1_pd(b.inv[0]));
        let (first, top, one) = (_mm256_set1_epi32(b.first[0] as i32), _mm256_set1_epi32(b.n[0] as i32 - 1), _mm256_set1_epi32(1));
        // stored bin coordinate along x, clamped to the grid (`Bins::coord`)
        let coord = |v: __m512d| {
            let f = _mm512_roundscale_pd::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(_mm512_mul_pd(v, inv));
            let k = _mm256_sub_epi32(_mm512_cvttpd_epi32(f), first);
            _mm256_min_epi32(_mm256_max_epi32(k, _mm256_setzero_si256()), top)
        };
        let plane = b.n[0] * b.n[1];
        let mut n_runs = 0;
        for z in b.span(2, c[2], range) {
            let gz = b.gap2(2, z, ri[2]);
            let left = _mm512_sub_pd(_mm512_set1_pd(range2 - gz), gyv);
            // in reach: not (left <= -slack), NaN included, as the portable loop decides
            let keep = _mm512_mask_cmp_pd_mask::<_CMP_NLE_UQ>(live, left, neg_slack);
            let ext = _mm512_add_pd(_mm512_sqrt_pd(_mm512_max_pd(left, zero)), slack);
            let (x0, x1) = (coord(_mm512_sub_pd(x, ext)), coord(_mm512_add_pd(x, ext)));
            let row = _mm256_add_epi32(ybv, _mm256_set1_epi32((plane * z) as i32));
            // the kept rows first, in order; the other lanes 0 (a valid bin)
            let (mut a, mut e) = ([0u32; 8], [0u32; 8]);
            _mm256_storeu_si256(a.as_mut_ptr().cast(), _mm256_maskz_compress_epi32(keep, _mm256_add_epi32(row, x0)));
            let end = _mm256_add_epi32(_mm256_add_epi32(row, x1), one);
            _mm256_storeu_si256(e.as_mut_ptr().cast(), _mm256_maskz_compress_epi32(keep, end));
            // all eight written (no branch on the count): at most 6 planes of 7 before the
            // last, so n_runs + 8 ≤ 50 ≤ MAX_ROWS
            for t in 0..8 {
                runs[n_runs + t] = (bin_start[a[t] as usize], bin_start[e[t] as usize]);
            }
            n_runs += keep.count_ones() as usize;
        }
        n_runs
    }
}
