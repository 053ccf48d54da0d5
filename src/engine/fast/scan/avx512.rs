//! The AVX-512 build of the candidate test: eight candidates per block. The loads are masked
//! to the lanes inside the run (so a block may end anywhere, without padding), and the
//! passing indices are compressed in a register (`vpcompressd`; its memory form is slow on
//! Zen 4) and written with one 32-byte store, or for 3-byte entries two overlapping 16-byte
//! stores of the packed halves. The same comparisons on the same values as the other builds,
//! in lane order: the same entries in the same order.
#![allow(unsafe_code)]

use super::*;
use std::arch::x86_64::*;

/// Set bits of each 8-bit mask (a look-up: `count_ones` without the `popcnt` feature is a
/// chain of bit tricks).
const COUNT: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut m = 0;
    while m < 256 {
        t[m] = (m as u32).count_ones() as u8;
        m += 1;
    }
    t
};

/// Stores the `W` low bytes of each u32 of `v`, in order, at `p` (32 bytes written).
///
/// # Safety
/// AVX2 must be available and 32 bytes writable at `p`.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn store<const W: usize>(p: *mut u8, v: __m256i) {
    // SAFETY: the caller's contract.
    unsafe {
        if W == 4 {
            _mm256_storeu_si256(p.cast(), v);
        } else {
            // each 128-bit half packed to its first 12 bytes; the high half's store covers
            // the low half's 4 spare bytes
            const PACK: [i8; 16] = [0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1];
            let t = _mm_loadu_si128(PACK.as_ptr().cast());
            let packed = _mm256_shuffle_epi8(v, _mm256_set_m128i(t, t));
            _mm_storeu_si128(p.cast(), _mm256_castsi256_si128(packed));
            _mm_storeu_si128(p.add(12).cast(), _mm256_extracti128_si256::<1>(packed));
        }
    }
}

/// [`super::Scanner::scan`]'s test, eight candidates per block, for entries of `W` bytes.
///
/// # Safety
/// AVX-512F and VL must be available; every live lane of every block (bit `l` of the mask:
/// candidate `k + l`) must be readable in `s`, and `near` and `far` must have spare capacity
/// for all candidates plus 32 bytes.
#[target_feature(enable = "avx512f,avx512vl")]
pub unsafe fn scan<const W: usize>(ri: Real3, s: Sorted<'_>, blocks: &[(u32, u32)], lim: Limits, me: u32, near: &mut Vec<u8>, far: &mut Vec<u8>) -> (usize, usize) {
    let (x, y, z) = (_mm512_set1_pd(ri[0]), _mm512_set1_pd(ri[1]), _mm512_set1_pd(ri[2]));
    let (lim_near, lim_range) = (_mm512_set1_pd(lim.near), _mm512_set1_pd(lim.range));
    let me = _mm256_set1_epi32(me as i32);
    let (n0, f0) = (near.len(), far.len());
    let (pn, pf) = (near.as_mut_ptr().add(n0), far.as_mut_ptr().add(f0));
    let (mut n, mut f) = (0, 0);
    for &(k, live) in blocks {
        let (k, live) = (k as usize, live as __mmask8);
        // SAFETY (whole block): the caller's contract; only live lanes are read, and at most
        // 32 bytes are stored at entry n (or f), below the number of candidates before this
        // block.
        unsafe {
            let dx = _mm512_sub_pd(x, _mm512_maskz_loadu_pd(live, s.xs.as_ptr().add(k)));
            let dy = _mm512_sub_pd(y, _mm512_maskz_loadu_pd(live, s.ys.as_ptr().add(k)));
            let dz = _mm512_sub_pd(z, _mm512_maskz_loadu_pd(live, s.zs.as_ptr().add(k)));
            let d2 = _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy)), _mm512_mul_pd(dz, dz));
            let ids = _mm256_maskz_loadu_epi32(live, s.idx.as_ptr().add(k).cast());
            let keep = live & !_mm256_cmpeq_epi32_mask(ids, me);
            let mn = _mm512_mask_cmp_pd_mask::<_CMP_LT_OQ>(keep, d2, lim_near);
            let mf = _mm512_mask_cmp_pd_mask::<_CMP_LT_OQ>(keep, d2, lim_range) & !mn;
            store::<W>(pn.add(n * W), _mm256_maskz_compress_epi32(mn, ids));
            store::<W>(pf.add(f * W), _mm256_maskz_compress_epi32(mf, ids));
            n += COUNT[mn as usize] as usize;
            f += COUNT[mf as usize] as usize;
        }
    }
    // SAFETY: the first n (f) entries past the old ends were written above.
    unsafe {
        near.set_len(n0 + n * W);
        far.set_len(f0 + f * W);
    }
    (n, f)
}
