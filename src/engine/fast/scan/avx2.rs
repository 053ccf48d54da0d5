//! The AVX2 build of the candidate test: four candidates per block, the passing indices
//! written with one shuffled store (a table of the 16 pass patterns).
#![allow(unsafe_code)]

use super::*;
use std::arch::x86_64::*;

/// For each pattern of passing lanes (bit l: lane l), the byte shuffle that moves the
/// low `W` bytes of the passing lanes' u32 to the front, in order.
const fn compress<const W: usize>() -> [[u8; 16]; 16] {
    let mut t = [[0x80u8; 16]; 16];
    let mut m = 0;
    while m < 16 {
        let (mut lane, mut out) = (0, 0);
        while lane < 4 {
            if m >> lane & 1 == 1 {
                let mut k = 0;
                while k < W {
                    t[m][W * out + k] = (4 * lane + k) as u8;
                    k += 1;
                }
                out += 1;
            }
            lane += 1;
        }
        m += 1;
    }
    t
}

/// Set bits of a 4-bit mask (a look-up: without the `popcnt` feature, `count_ones` is
/// a vectorised bit trick that put both counters, and so the stores, behind a chain of
/// vector moves).
const COUNT: [u8; 16] = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/// [`super::Scanner::scan`]'s test, four candidates per block, for entries of `W` bytes.
///
/// # Safety
/// AVX2 must be available; every block's four candidates must be readable in `s`, and
/// `near` and `far` must have spare capacity for all candidates plus 16 bytes.
#[target_feature(enable = "avx2")]
pub unsafe fn scan<const W: usize>(ri: Real3, s: Sorted<'_>, blocks: &[(u32, u32)], lim: Limits, me: u32, near: &mut Vec<u8>, far: &mut Vec<u8>) -> (usize, usize) {
    let table: [[u8; 16]; 16] = const { compress::<W>() };
    let (x, y, z) = (_mm256_set1_pd(ri[0]), _mm256_set1_pd(ri[1]), _mm256_set1_pd(ri[2]));
    let (lim_near, lim_range) = (_mm256_set1_pd(lim.near), _mm256_set1_pd(lim.range));
    let me = _mm_set1_epi32(me as i32);
    let (n0, f0) = (near.len(), far.len());
    let (pn, pf) = (near.as_mut_ptr().add(n0), far.as_mut_ptr().add(f0));
    let (mut n, mut f) = (0, 0);
    for &(k, live) in blocks {
        let k = k as usize;
        // SAFETY (whole block): the caller's contract; at most 16 bytes are stored at
        // entry n (or f), which is below the number of candidates before this block.
        unsafe {
            let dx = _mm256_sub_pd(x, _mm256_loadu_pd(s.xs.as_ptr().add(k)));
            let dy = _mm256_sub_pd(y, _mm256_loadu_pd(s.ys.as_ptr().add(k)));
            let dz = _mm256_sub_pd(z, _mm256_loadu_pd(s.zs.as_ptr().add(k)));
            let d2 = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)), _mm256_mul_pd(dz, dz));
            let ids = _mm_loadu_si128(s.idx.as_ptr().add(k).cast());
            let keep = live as usize & !(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(ids, me))) as usize);
            let mn = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(d2, lim_near)) as usize & keep;
            let mf = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(d2, lim_range)) as usize & keep & !mn;
            let pick = |m: usize| _mm_shuffle_epi8(ids, _mm_loadu_si128(table[m].as_ptr().cast()));
            _mm_storeu_si128(pn.add(n * W).cast(), pick(mn));
            _mm_storeu_si128(pf.add(f * W).cast(), pick(mf));
            n += COUNT[mn] as usize;
            f += COUNT[mf] as usize;
        }
    }
    // SAFETY: the first n (f) entries past the old ends were written above.
    unsafe {
        near.set_len(n0 + n * W);
        far.set_len(f0 + f * W);
    }
    (n, f)
}
