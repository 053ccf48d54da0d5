//! Runtime choice of the instruction set for the force kernels.
//!
//! The kernels in [`super::kernels`] are plain Rust written for the vectoriser. Built for the
//! default x86-64 target they use SSE2 (two doubles per instruction); here the same source is
//! compiled once more inside functions with AVX2 enabled (four doubles), and the AVX2 copy is
//! used when the CPU reports the feature. FMA is not enabled, and Rust never fuses on its own,
//! so both copies perform the same IEEE operations per lane and give the same bits.
#![allow(unsafe_code)]

use super::kernels::{self, LjConsts, Pos4};
use super::neighbors::{NeighborList, Nbrs};
use super::coefs::{CoefTable, EamCoefs, Interval};
use crate::fixed::FixedSum;
use crate::types::{Real, Real3};
use rayon::prelude::*;

/// Atoms per rayon task.
const GRAIN: usize = 256;

pub(super) fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Runs `body` over every owned atom in parallel, each task on a block of atoms, through the
/// AVX2 or the baseline build of `block`.
macro_rules! dispatch {
    ($block:ident, $f:expr; $($arg:expr),*) => {{
        let avx2 = has_avx2();
        $f.par_chunks_mut(GRAIN).enumerate().for_each(|(c, f)| {
            let first = c * GRAIN;
            #[cfg(target_arch = "x86_64")]
            if avx2 {
                // SAFETY: `avx2` comes from `is_x86_feature_detected!("avx2")`, so the CPU
                // executes the AVX2 instructions of this build of the block.
                unsafe { avx2::$block(first, f, $($arg),*) };
                return;
            }
            let _ = avx2;
            base::$block(first, f, $($arg),*);
        });
    }};
    ($block:ident, $f:expr, $u:expr, $($arg:expr),*) => {{
        let avx2 = has_avx2();
        $f.par_chunks_mut(GRAIN)
            .zip($u.par_chunks_mut(GRAIN))
            .enumerate()
            .map(|(c, (f, u))| {
                let first = c * GRAIN;
                let mut w = FixedSum::default();
                #[cfg(target_arch = "x86_64")]
                if avx2 {
                    // SAFETY: `avx2` comes from `is_x86_feature_detected!("avx2")`, so the CPU
                    // executes the AVX2 instructions of this build of the block.
                    unsafe { avx2::$block(first, f, u, &mut w, $($arg),*) };
                    return w;
                }
                let _ = avx2;
                base::$block(first, f, u, &mut w, $($arg),*);
                w
            })
            .reduce(FixedSum::default, |mut a, b| {
                a.merge(&b);
                a
            })
    }};
}

/// The block functions, generated twice: baseline and AVX2.
macro_rules! blocks {
    ($($attr:meta)?) => {
        $(#[$attr])?
        pub fn lj(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut FixedSum, r: &[Pos4], nl: &NeighborList, c: &LjConsts, energy: bool) {
            for (k, (f, u)) in f.iter_mut().zip(u.iter_mut()).enumerate() {
                if energy {
                    let (fk, [uk, wk]) = kernels::lj_atom::<true>(r, nl, first + k, c);
                    (*f, *u) = (fk, uk);
                    w.add(wk);
                } else {
                    *f = kernels::lj_atom::<false>(r, nl, first + k, c).0;
                }
            }
        }
        $(#[$attr])?
        pub fn eam_density(first: usize, rho: &mut [Real], r: &[Pos4], nl: &NeighborList, t: &EamCoefs) {
            for (k, rho) in rho.iter_mut().enumerate() {
                *rho = kernels::eam_density_atom(r, nl, first + k, t);
            }
        }
        $(#[$attr])?
        pub fn eam_force(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut FixedSum, r: &[Pos4], nl: &NeighborList, t: &EamCoefs, energy: bool) {
            for (k, (f, u)) in f.iter_mut().zip(u.iter_mut()).enumerate() {
                if energy {
                    let (fk, [uk, wk]) = kernels::eam_force_atom::<true>(r, nl, first + k, t);
                    *f = fk;
                    *u += uk;
                    w.add(wk);
                } else {
                    *f = kernels::eam_force_atom::<false>(r, nl, first + k, t).0;
                }
            }
        }
    };
}

mod base {
    use super::*;
    blocks!();
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;
    use crate::engine::fast::kernels::combine;
    use std::arch::x86_64::*;

    /// [`displacements`] of block `b` of a list of `W`-byte entries: the next of its full
    /// chunks (`chunks`, [`Nbrs::full_chunks`]) decoded with constant offsets, or, after
    /// them, the short last block through the general path.
    /// A macro, not a function: `#[target_feature]` functions are not reliably inlined, and a
    /// call per block costs 20 % of the LJ kernel.
    macro_rules! block_displacements {
        ($w:ident, $r:expr, $ri:expr, $nb:expr, $b:expr, $chunks:expr, $mask:expr) => {
            match $chunks.next() {
                // SAFETY: list entries are below `nl.n_particles()`, which the entry points
                // checked to be at most `r.len()`.
                Some(blk) => unsafe { displacements4($r, $ri, Nbrs::decode_full::<$w>(blk, $mask)) },
                None => {
                    let (js, n) = $nb.block($b);
                    displacements($r, $ri, &js[..n])
                }
            }
        };
    }

    /// [`kernels::lj_atom`] with explicit 4-wide AVX2 arithmetic: the same operations, in
    /// the same order, per lane (the compiler's vectoriser leaves the portable version scalar).
    #[target_feature(enable = "avx2")]
    fn lj_atom<const E: bool, const W: usize>(r: &[Pos4], nl: &NeighborList, i: usize, c: &LjConsts) -> (Real3, [Real; 2]) {
        let ri = ri_of(r, i);
        let one = _mm256_set1_pd(1.0);
        let (rc2, s6, shift) = (_mm256_set1_pd(c.rc2), _mm256_set1_pd(c.s6), _mm256_set1_pd(c.shift));
        let (m4eps, twelve, six) = (_mm256_set1_pd(c.minus_4eps), _mm256_set1_pd(12.0), _mm256_set1_pd(6.0));
        let z = _mm256_setzero_pd();
        let (mut fx, mut fy, mut fz, mut e, mut w) = (z, z, z, z, z);
        let nb = nl.of(i);
        let (mut chunks, mask) = (nb.full_chunks::<W>(), std::hint::black_box(nb.mask()));
        for b in 0..nb.n_blocks() {
            let (dx, dy, dz, _) = block_displacements!(W, r, ri, nb, b, chunks, mask);
            let r2 = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)), _mm256_mul_pd(dz, dz));
            let inside = _mm256_cmp_pd::<_CMP_LE_OQ>(r2, rc2);
            let ir2 = _mm256_div_pd(one, _mm256_blendv_pd(one, r2, inside));
            let r6 = _mm256_mul_pd(s6, _mm256_mul_pd(_mm256_mul_pd(ir2, ir2), ir2));
            let fr = _mm256_mul_pd(_mm256_mul_pd(_mm256_mul_pd(m4eps, r6), ir2), _mm256_sub_pd(_mm256_mul_pd(twelve, r6), six));
            let fr = _mm256_and_pd(fr, inside);
            if E {
                let eij = _mm256_sub_pd(_mm256_mul_pd(r6, _mm256_sub_pd(r6, one)), shift);
                e = _mm256_add_pd(e, _mm256_and_pd(eij, inside));
                w = _mm256_add_pd(w, _mm256_mul_pd(fr, r2));
            }
            fx = _mm256_sub_pd(fx, _mm256_mul_pd(dx, fr));
            fy = _mm256_sub_pd(fy, _mm256_mul_pd(dy, fr));
            fz = _mm256_sub_pd(fz, _mm256_mul_pd(dz, fr));
        }
        ([sum_lanes(fx), sum_lanes(fy), sum_lanes(fz)], [0.5 * sum_lanes(e) * c.four_eps, -0.5 * sum_lanes(w)])
    }

    #[target_feature(enable = "avx2")]
    #[allow(clippy::too_many_arguments)]
    pub fn lj(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut FixedSum, r: &[Pos4], nl: &NeighborList, c: &LjConsts, energy: bool) {
        assert!(nl.n_particles() <= r.len(), "neighbour lists built for other particles");
        match (nl.width(), energy) {
            (3, true) => lj_run::<true, 3>(first, f, u, w, r, nl, c),
            (3, false) => lj_run::<false, 3>(first, f, u, w, r, nl, c),
            (_, true) => lj_run::<true, 4>(first, f, u, w, r, nl, c),
            (_, false) => lj_run::<false, 4>(first, f, u, w, r, nl, c),
        }
    }

    #[target_feature(enable = "avx2")]
    fn lj_run<const E: bool, const W: usize>(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut FixedSum, r: &[Pos4], nl: &NeighborList, c: &LjConsts) {
        for (k, (f, u)) in f.iter_mut().zip(u.iter_mut()).enumerate() {
            let (fk, [uk, wk]) = lj_atom::<E, W>(r, nl, first + k, c);
            *f = fk;
            if E {
                *u = uk;
                w.add(wk);
            }
        }
    }

    /// An atom's position, each coordinate in all four lanes (broadcast once per atom, not
    /// per block).
    type Ri = [__m256d; 3];

    /// [`Ri`] of particle `i`.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn ri_of(r: &[Pos4], i: usize) -> Ri {
        let p = r[i].0;
        [_mm256_set1_pd(p[0]), _mm256_set1_pd(p[1]), _mm256_set1_pd(p[2])]
    }

    /// [`displacements`] of a full block, without bounds checks.
    ///
    /// # Safety
    /// Every index of `js` is below `r.len()`.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn displacements4(r: &[Pos4], ri: Ri, js: [u32; 4]) -> (__m256d, __m256d, __m256d, __m256d) {
        let [a, b, c, d] = js.map(|j| {
            // SAFETY: `j < r.len()` (the caller's contract); a `Pos4` is 4 f64 aligned to 32
            // bytes: one aligned 256-bit load.
            unsafe { _mm256_load_pd(r.get_unchecked(j as usize).0.as_ptr()) }
        });
        let [x, y, z, w] = transpose(a, b, c, d);
        (_mm256_sub_pd(ri[0], x), _mm256_sub_pd(ri[1], y), _mm256_sub_pd(ri[2], z), w)
    }

    /// Displacements `r_i − r_j` of a block of up to 4 neighbours (missing lanes far away),
    /// and the neighbours' `w`: four aligned loads and a 4×4 transpose.
    #[target_feature(enable = "avx2")]
    fn displacements(r: &[Pos4], ri: Ri, js: &[u32]) -> (__m256d, __m256d, __m256d, __m256d) {
        let (a, b, c, d) = if let [a, b, c, d] = *js {
            let ld = |j: u32| {
                let p = &r[j as usize].0;
                // SAFETY: `p` is an array of 4 f64 aligned to 32 bytes: one aligned 256-bit load.
                unsafe { _mm256_load_pd(p.as_ptr()) }
            };
            (ld(a), ld(b), ld(c), ld(d))
        } else {
            let far = Pos4([1.0e10, 1.0e10, 1.0e10, 0.0]);
            let pick = |k: usize| {
                let p = js.get(k).map_or(far, |&j| r[j as usize]);
                // SAFETY: `p` is an array of 4 f64 aligned to 32 bytes: one aligned 256-bit load.
                unsafe { _mm256_load_pd(p.0.as_ptr()) }
            };
            (pick(0), pick(1), pick(2), pick(3))
        };
        let [x, y, z, w] = transpose(a, b, c, d);
        (_mm256_sub_pd(ri[0], x), _mm256_sub_pd(ri[1], y), _mm256_sub_pd(ri[2], z), w)
    }

    #[target_feature(enable = "avx2")]
    fn sum_lanes(v: __m256d) -> Real {
        let mut a = [0.0; 4];
        // SAFETY: `a` holds exactly 4 f64.
        unsafe { _mm256_storeu_pd(a.as_mut_ptr(), v) };
        combine(a)
    }

    /// The four lanes of an integer vector, by register moves (a store and four loads would
    /// add a store-forwarding delay to the look-up chain).
    #[target_feature(enable = "avx2")]
    #[inline]
    fn lanes_i32(v: __m128i) -> [i32; 4] {
        [_mm_cvtsi128_si32(v), _mm_extract_epi32::<1>(v), _mm_extract_epi32::<2>(v), _mm_extract_epi32::<3>(v)]
    }

    /// Columns of the 4×4 matrix whose rows are `a`, `b`, `c`, `d`.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn transpose(a: __m256d, b: __m256d, c: __m256d, d: __m256d) -> [__m256d; 4] {
        let (ab_lo, ab_hi) = (_mm256_unpacklo_pd(a, b), _mm256_unpackhi_pd(a, b));
        let (cd_lo, cd_hi) = (_mm256_unpacklo_pd(c, d), _mm256_unpackhi_pd(c, d));
        [
            _mm256_permute2f128_pd::<0x20>(ab_lo, cd_lo),
            _mm256_permute2f128_pd::<0x20>(ab_hi, cd_hi),
            _mm256_permute2f128_pd::<0x31>(ab_lo, cd_lo),
            _mm256_permute2f128_pd::<0x31>(ab_hi, cd_hi),
        ]
    }

    /// The interval of each of 4 arguments of `t` and the fraction `p` within it, with
    /// [`CoefTable::eval`]'s operations; `None` if a lane is past the table end or NaN.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn locate(t: &CoefTable, r: __m256d) -> Option<(__m256d, [i32; 4])> {
        let (x0, inv) = (_mm256_set1_pd(t.x0()), _mm256_set1_pd(t.inv_dx()));
        let r = _mm256_blendv_pd(r, x0, _mm256_cmp_pd::<_CMP_LT_OQ>(r, x0));
        let s = _mm256_mul_pd(_mm256_sub_pd(r, x0), inv);
        if _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_NLT_UQ>(s, _mm256_set1_pd(t.points() as Real))) != 0 {
            return None;
        }
        let fl = _mm256_floor_pd(s);
        Some((_mm256_sub_pd(s, fl), lanes_i32(_mm256_cvttpd_epi32(fl))))
    }

    /// Value and slope from the coefficient columns `[c0, c1, c2, d1]` at fraction `p`.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn poly(c: [__m256d; 4], p: __m256d, inv: __m256d) -> (__m256d, __m256d) {
        let [c0, c1, c2, d1] = c;
        let f = _mm256_add_pd(c0, _mm256_mul_pd(p, _mm256_add_pd(c1, _mm256_mul_pd(p, c2))));
        (f, _mm256_mul_pd(_mm256_add_pd(c1, _mm256_mul_pd(p, d1)), inv))
    }

    /// One aligned 256-bit load of an interval's coefficients.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn load(iv: &Interval) -> __m256d {
        // SAFETY: an `Interval` is 4 f64 aligned to 32 bytes: exactly one aligned 256-bit load.
        unsafe { _mm256_load_pd(iv.0.as_ptr()) }
    }

    /// [`CoefTable::eval`] of 4 arguments with the same operations per lane; `None` if a
    /// lane is past the table end or NaN (the caller then recomputes the atom with the
    /// portable kernel, which handles that branch). Each lane's interval is one aligned
    /// 32-byte load; a 4×4 transpose turns the four loads into the four coefficients.
    #[target_feature(enable = "avx2")]
    fn eval4(t: &CoefTable, r: __m256d) -> Option<(__m256d, __m256d)> {
        let (p, idx) = locate(t, r)?;
        let iv = t.intervals();
        // SAFETY: 0 <= idx < t.points() = iv.len() (checked by `locate`)
        let [a, b, c, d] = idx.map(|k| load(unsafe { iv.get_unchecked(k as usize) }));
        Some(poly(transpose(a, b, c, d), p, _mm256_set1_pd(t.inv_dx())))
    }

    /// φ(r), φ′(r) and ρ′(r) of 4 arguments from the joint intervals (`grid`: φ's table, whose
    /// grid ρ shares; `joint`: [`EamCoefs::joint`]): [`eval4`]'s arithmetic, with the interval
    /// found once.
    #[target_feature(enable = "avx2")]
    fn eval4_joint(grid: &CoefTable, joint: &[[Interval; 2]], r: __m256d) -> Option<(__m256d, __m256d, __m256d)> {
        let (p, idx) = locate(grid, r)?;
        let inv = _mm256_set1_pd(grid.inv_dx());
        debug_assert_eq!(joint.len(), grid.points(), "joint intervals of another grid");
        // SAFETY: 0 <= idx < grid.points() (checked by `locate`), which is joint's length (the
        // one caller passes an `EamCoefs`'s φ and joint intervals)
        let at = |k: i32| unsafe { joint.get_unchecked(k as usize) };
        let [a, b, c, d] = idx.map(|k| load(&at(k)[0]));
        let (f, df) = poly(transpose(a, b, c, d), p, inv);
        let [a, b, c, d] = idx.map(|k| load(&at(k)[1]));
        let (_, drho) = poly(transpose(a, b, c, d), p, inv);
        Some((f, df, drho))
    }

    #[target_feature(enable = "avx2")]
    fn eam_density_atom<const W: usize>(r: &[Pos4], nl: &NeighborList, i: usize, t: &EamCoefs) -> Option<Real> {
        let ri = ri_of(r, i);
        let (one, rc2) = (_mm256_set1_pd(1.0), _mm256_set1_pd(t.cutoff * t.cutoff));
        let mut dens = _mm256_setzero_pd();
        let nb = nl.of(i);
        let (mut chunks, mask, first_far) = (nb.full_chunks::<W>(), std::hint::black_box(nb.mask()), nb.near_blocks());
        for b in 0..nb.n_blocks() {
            let (dx, dy, dz, _) = block_displacements!(W, r, ri, nb, b, chunks, mask);
            let r2 = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)), _mm256_mul_pd(dz, dz));
            let inside = _mm256_cmp_pd::<_CMP_LE_OQ>(r2, rc2);
            if b >= first_far && _mm256_movemask_pd(inside) == 0 {
                // all four beyond the cutoff (most blocks of a list's far part): they would
                // add +0.0, which changes no sum (none is ever −0.0). Not done for LJ: there
                // the test cost more than the cheap pairs it saves (+17 % instructions).
                continue;
            }
            let rr = _mm256_sqrt_pd(_mm256_blendv_pd(one, r2, inside));
            let (rho, _) = eval4(&t.rho, rr)?;
            dens = _mm256_add_pd(dens, _mm256_and_pd(rho, inside));
        }
        Some(sum_lanes(dens))
    }

    /// `J`: φ and ρ share a grid, and `joint` is [`EamCoefs::joint`] (else empty). A
    /// constant, so the loop does not test it per block.
    #[target_feature(enable = "avx2")]
    fn eam_force_atom<const E: bool, const W: usize, const J: bool>(r: &[Pos4], nl: &NeighborList, i: usize, t: &EamCoefs, joint: &[[Interval; 2]]) -> Option<(Real3, [Real; 2])> {
        let ri = ri_of(r, i);
        let (one, rc2, dfi) = (_mm256_set1_pd(1.0), _mm256_set1_pd(t.cutoff * t.cutoff), _mm256_set1_pd(r[i].0[3]));
        let z = _mm256_setzero_pd();
        let (mut fx, mut fy, mut fz, mut e, mut w) = (z, z, z, z, z);
        let nb = nl.of(i);
        let (mut chunks, mask, first_far) = (nb.full_chunks::<W>(), std::hint::black_box(nb.mask()), nb.near_blocks());
        for b in 0..nb.n_blocks() {
            let (dx, dy, dz, dj) = block_displacements!(W, r, ri, nb, b, chunks, mask);
            let r2 = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)), _mm256_mul_pd(dz, dz));
            let inside = _mm256_cmp_pd::<_CMP_LE_OQ>(r2, rc2);
            if b >= first_far && _mm256_movemask_pd(inside) == 0 {
                // all four beyond the cutoff (most blocks of a list's far part): they would
                // add +0.0, which changes no sum (none is ever −0.0). Not done for LJ: there
                // the test cost more than the cheap pairs it saves (+17 % instructions).
                continue;
            }
            let rr = _mm256_sqrt_pd(_mm256_blendv_pd(one, r2, inside));
            // 1/r right away: the division then runs beside the table look-ups instead of
            // at the end of their dependency chain
            let inv_r = _mm256_div_pd(one, rr);
            let (phi, dphi, drho) = if J {
                eval4_joint(&t.phi, joint, rr)?
            } else {
                let (phi, dphi) = eval4(&t.phi, rr)?;
                (phi, dphi, eval4(&t.rho, rr)?.1)
            };
            let num = _mm256_add_pd(dphi, _mm256_mul_pd(_mm256_add_pd(dfi, dj), drho));
            let c = _mm256_and_pd(_mm256_mul_pd(num, inv_r), inside);
            fx = _mm256_sub_pd(fx, _mm256_mul_pd(c, dx));
            fy = _mm256_sub_pd(fy, _mm256_mul_pd(c, dy));
            fz = _mm256_sub_pd(fz, _mm256_mul_pd(c, dz));
            if E {
                e = _mm256_add_pd(e, _mm256_and_pd(phi, inside));
                w = _mm256_add_pd(w, _mm256_mul_pd(c, r2));
            }
        }
        Some(([sum_lanes(fx), sum_lanes(fy), sum_lanes(fz)], [0.5 * sum_lanes(e), -0.5 * sum_lanes(w)]))
    }

    #[target_feature(enable = "avx2")]
    pub fn eam_density(first: usize, rho: &mut [Real], r: &[Pos4], nl: &NeighborList, t: &EamCoefs) {
        assert!(nl.n_particles() <= r.len(), "neighbour lists built for other particles");
        if nl.width() == 3 {
            eam_density_run::<3>(first, rho, r, nl, t)
        } else {
            eam_density_run::<4>(first, rho, r, nl, t)
        }
    }

    #[target_feature(enable = "avx2")]
    fn eam_density_run<const W: usize>(first: usize, rho: &mut [Real], r: &[Pos4], nl: &NeighborList, t: &EamCoefs) {
        for (k, rho) in rho.iter_mut().enumerate() {
            let i = first + k;
            *rho = eam_density_atom::<W>(r, nl, i, t).unwrap_or_else(|| kernels::eam_density_atom(r, nl, i, t));
        }
    }

    #[target_feature(enable = "avx2")]
    #[allow(clippy::too_many_arguments)]
    pub fn eam_force(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut FixedSum, r: &[Pos4], nl: &NeighborList, t: &EamCoefs, energy: bool) {
        assert!(nl.n_particles() <= r.len(), "neighbour lists built for other particles");
        match (nl.width(), energy) {
            (3, true) => eam_force_run::<true, 3>(first, f, u, w, r, nl, t),
            (3, false) => eam_force_run::<false, 3>(first, f, u, w, r, nl, t),
            (_, true) => eam_force_run::<true, 4>(first, f, u, w, r, nl, t),
            (_, false) => eam_force_run::<false, 4>(first, f, u, w, r, nl, t),
        }
    }

    #[target_feature(enable = "avx2")]
    fn eam_force_run<const E: bool, const W: usize>(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut FixedSum, r: &[Pos4], nl: &NeighborList, t: &EamCoefs) {
        for (k, (f, u)) in f.iter_mut().zip(u.iter_mut()).enumerate() {
            let i = first + k;
            let fast = match t.joint() {
                Some(joint) => eam_force_atom::<E, W, true>(r, nl, i, t, joint),
                None => eam_force_atom::<E, W, false>(r, nl, i, t, &[]),
            };
            let (fk, [uk, wk]) = fast.unwrap_or_else(|| kernels::eam_force_atom::<E>(r, nl, i, t));
            *f = fk;
            if E {
                *u += uk;
                w.add(wk);
            }
        }
    }
}

/// Whether the AVX2 build of the kernels is in use on this CPU.
pub fn uses_avx2() -> bool {
    has_avx2()
}

/// LJ forces `f` and, with `energy`, per-atom energies `u` (eV) of all owned atoms (`r`: all
/// particles) and their virial `Σ_i ½ Σ_j d·f` (eV, summed exactly: the same for any split
/// of the work). Without `energy`, `u` is left as it was and the virial is 0.
pub fn lj(r: &[Pos4], nl: &NeighborList, c: &LjConsts, f: &mut [Real3], u: &mut [Real], energy: bool) -> Real {
    dispatch!(lj, f, u, r, nl, c, energy).value()
}

/// EAM pass 1 of all owned atoms: host electron densities into `rho`.
pub fn eam_density(r: &[Pos4], nl: &NeighborList, t: &EamCoefs, rho: &mut [Real]) {
    dispatch!(eam_density, rho; r, nl, t);
}

/// EAM pass 3 of all owned atoms: forces into `f` and, with `energy`, half the pair energies
/// added to `u` and the virial returned, as for [`lj`] (the `w` of every particle must hold
/// its F'(ρ̄)).
pub fn eam_force(r: &[Pos4], nl: &NeighborList, t: &EamCoefs, f: &mut [Real3], u: &mut [Real], energy: bool) -> Real {
    dispatch!(eam_force, f, u, r, nl, t, energy).value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fast::ghosts::Particles;

    #[test]
    fn avx2_and_portable_kernels_give_identical_bits() {
        if !has_avx2() {
            eprintln!("skipping: no AVX2 on this CPU (only the portable kernel runs)");
            return;
        }
        // both list widths: the same lists, decoded two ways
        identical_bits(3);
        identical_bits(4);
    }

    fn identical_bits(width: usize) {
        // a small random cluster with all pairs listed, some beyond the cutoff
        let mut seed = 12345u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let n = 60;
        let mut parts = Particles::default();
        for g in 0..n {
            parts.gid.push(g);
            parts.r.push([rnd() * 12.0, rnd() * 12.0, rnd() * 12.0]);
            parts.p.push([0.0; 3]);
            parts.image.push([0; 3]);
        }
        parts.n_own = n as usize;
        let reach = crate::engine::fast::neighbors::Reach { cutoff: 5.0, range: 7.0 };
        let nl = crate::engine::fast::neighbors::build_with_width(&parts, [0.0; 3], [12.0; 3], reach, width);
        assert_eq!(nl.width(), width);
        let mut r: Vec<Pos4> = parts.r.iter().map(|p| Pos4([p[0], p[1], p[2], 0.0])).collect();
        let c = LjConsts::new(&crate::potential::lj::LennardJones::default());
        let (mut fa, mut ua) = (vec![[0.0; 3]; n as usize], vec![0.0; n as usize]);
        let (mut fb, mut ub) = (fa.clone(), ua.clone());
        let (mut wa, mut wb, mut wc) = (FixedSum::default(), FixedSum::default(), FixedSum::default());
        base::lj(0, &mut fa, &mut ua, &mut wa, &r, &nl, &c, true);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::lj(0, &mut fb, &mut ub, &mut wb, &r, &nl, &c, true) };
        assert_ne!(wa.value(), 0.0);
        assert_eq!(wa.value().to_bits(), wb.value().to_bits());
        // without energies: the same forces, energies and virial untouched
        let (mut fc, mut uc) = (vec![[0.0; 3]; n as usize], vec![7.0; n as usize]);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::lj(0, &mut fc, &mut uc, &mut wc, &r, &nl, &c, false) };
        assert!(uc.iter().all(|&u| u == 7.0));
        assert_eq!(wc.value(), 0.0);
        assert_eq!(fc, fb);
        for k in 0..n as usize {
            assert_eq!(fa[k].map(f64::to_bits), fb[k].map(f64::to_bits));
            assert_eq!(ua[k].to_bits(), ub[k].to_bits());
        }
        // EAM, with a synthetic smooth table (the real ones are third-party files)
        let tab = |scale: f64| {
            let v: Vec<f64> = (0..400).map(|k| scale * (-(k as f64) * 0.01).exp() * (1.0 + 0.3 * (k as f64 * 0.05).sin())).collect();
            crate::potential::eam::InterpolationTable::new(0.0, 0.02, &v).unwrap()
        };
        let t = crate::potential::eam::EamTables {
            name: "X".into(),
            atomic_number: 29,
            mass_amu: 63.55,
            lattice_constant: 3.615,
            lattice_type: "FCC".into(),
            cutoff: 5.5,
            format: crate::potential::eam::PotentialFormat::Funcfl,
            phi: tab(1.0),
            rho: tab(0.5),
            embed: tab(-2.0),
        };
        let t = crate::engine::fast::coefs::EamCoefs::new(&t);
        let (mut ra, mut rb) = (vec![0.0; n as usize], vec![0.0; n as usize]);
        base::eam_density(0, &mut ra, &r, &nl, &t);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::eam_density(0, &mut rb, &r, &nl, &t) };
        for (k, p) in r.iter_mut().enumerate() {
            p.0[3] = 0.01 * k as f64 - 0.2; // F'(ρ̄)
        }
        let (mut fa, mut fb) = (vec![[0.5; 3]; n as usize], vec![[0.5; 3]; n as usize]);
        let (mut ua, mut ub) = (vec![0.25; n as usize], vec![0.25; n as usize]);
        let (mut wa, mut wb, mut wc) = (FixedSum::default(), FixedSum::default(), FixedSum::default());
        base::eam_force(0, &mut fa, &mut ua, &mut wa, &r, &nl, &t, true);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::eam_force(0, &mut fb, &mut ub, &mut wb, &r, &nl, &t, true) };
        assert_ne!(wa.value(), 0.0);
        assert_eq!(wa.value().to_bits(), wb.value().to_bits());
        let (mut fc, mut uc) = (vec![[0.0; 3]; n as usize], vec![7.0; n as usize]);
        base::eam_force(0, &mut fc, &mut uc, &mut wc, &r, &nl, &t, false);
        assert!(uc.iter().all(|&u| u == 7.0));
        assert_eq!(wc.value(), 0.0);
        assert_eq!(fc, fa);
        for k in 0..n as usize {
            assert_eq!(ra[k].to_bits(), rb[k].to_bits());
            assert_eq!(fa[k].map(f64::to_bits), fb[k].map(f64::to_bits));
            assert_eq!(ua[k].to_bits(), ub[k].to_bits());
        }
    }
}
