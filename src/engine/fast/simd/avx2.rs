//! The AVX2 build of the force kernels: the portable kernels of [`super::super::kernels`]
//! written again with 256-bit intrinsics, four neighbours per instruction, the same IEEE
//! operations per lane in the same order (so the same bits). Only called after
//! `is_x86_feature_detected!("avx2")`.

use super::*;
use crate::engine::fast::kernels::{combine, half_virial, AtomResult};
use std::arch::x86_64::*;

/// [`displacements`] of block `b` of a list of `W`-byte entries: the next of its full
/// chunks (`chunks`, [`Nbrs::full_chunks`]) decoded with constant offsets, or, after
/// them, the short last block through the general path.
/// A macro, not a function: `#[target_feature]` functions are not reliably inlined, and a
/// call per block costs 20 % of the LJ kernel.
macro_rules! block_displacements {
    ($w:ident, $s:ident, $r:expr, $ri:expr, $nb:expr, $b:expr, $chunks:expr, $mask:expr) => {
        match $chunks.next() {
            // SAFETY: list entries are below `nl.n_particles()`, which the entry points
            // checked to be at most `r.len()`.
            Some(blk) => unsafe { displacements4::<$s>($r, $ri, Nbrs::decode_full::<$w>(blk, $mask)) },
            None => {
                let (js, n) = $nb.block($b);
                displacements($r, $ri, &js[..n])
            }
        }
    };
}

/// Adds `g_a d_b` to the four lanes of each Voigt component `w`, `g` the pair's force terms
/// (the portable kernels' `add_virial`, the same operations). A macro for the reason above.
macro_rules! add_virial {
    ($w:ident, [$gx:expr, $gy:expr, $gz:expr], [$dx:expr, $dy:expr, $dz:expr]) => {{
        let pairs = [($gx, $dx), ($gy, $dy), ($gz, $dz), ($gy, $dz), ($gx, $dz), ($gx, $dy)];
        for (w, (g, d)) in $w.iter_mut().zip(pairs) {
            *w = _mm256_add_pd(*w, _mm256_mul_pd(g, d));
        }
    }};
}

/// `half_virial` of the lane sums `w`.
#[target_feature(enable = "avx2")]
pub(super) fn virial_of(w: [__m256d; 6]) -> Voigt {
    let mut lanes = [[0.0; 4]; 6];
    for (l, v) in lanes.iter_mut().zip(w) {
        // SAFETY: `l` holds exactly 4 f64.
        unsafe { _mm256_storeu_pd(l.as_mut_ptr(), v) };
    }
    half_virial(&lanes)
}

/// [`kernels::lj_atom`] with explicit 4-wide AVX2 arithmetic: the same operations, in
/// the same order, per lane (the compiler's vectoriser leaves the portable version scalar).
#[target_feature(enable = "avx2")]
fn lj_atom<const E: bool, const W: usize, const S: bool>(r: Positions<'_>, nl: &NeighborList, i: usize, c: &LjConsts) -> AtomResult {
    let ri = ri_of(r, i);
    let one = _mm256_set1_pd(1.0);
    let (rc2, s6, shift) = (_mm256_set1_pd(c.rc2), _mm256_set1_pd(c.s6), _mm256_set1_pd(c.shift));
    let (m4eps, twelve, six) = (_mm256_set1_pd(c.minus_4eps), _mm256_set1_pd(12.0), _mm256_set1_pd(6.0));
    let z = _mm256_setzero_pd();
    let (mut fx, mut fy, mut fz, mut e, mut w) = (z, z, z, z, [z; 6]);
    let nb = nl.of(i);
    let (mut chunks, mask) = (nb.full_chunks::<W>(), std::hint::black_box(nb.mask()));
    for b in 0..nb.n_blocks() {
        let (dx, dy, dz, _) = block_displacements!(W, S, r, ri, nb, b, chunks, mask);
        let r2 = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)), _mm256_mul_pd(dz, dz));
        let inside = _mm256_cmp_pd::<_CMP_LE_OQ>(r2, rc2);
        let ir2 = _mm256_div_pd(one, _mm256_blendv_pd(one, r2, inside));
        let r6 = _mm256_mul_pd(s6, _mm256_mul_pd(_mm256_mul_pd(ir2, ir2), ir2));
        let fr = _mm256_mul_pd(_mm256_mul_pd(_mm256_mul_pd(m4eps, r6), ir2), _mm256_sub_pd(_mm256_mul_pd(twelve, r6), six));
        let fr = _mm256_and_pd(fr, inside);
        if E {
            let eij = _mm256_sub_pd(_mm256_mul_pd(r6, _mm256_sub_pd(r6, one)), shift);
            e = _mm256_add_pd(e, _mm256_and_pd(eij, inside));
        }
        let (gx, gy, gz) = (_mm256_mul_pd(dx, fr), _mm256_mul_pd(dy, fr), _mm256_mul_pd(dz, fr));
        fx = _mm256_sub_pd(fx, gx);
        fy = _mm256_sub_pd(fy, gy);
        fz = _mm256_sub_pd(fz, gz);
        if E {
            add_virial!(w, [gx, gy, gz], [dx, dy, dz]);
        }
    }
    ([sum_lanes(fx), sum_lanes(fy), sum_lanes(fz)], 0.5 * sum_lanes(e) * c.four_eps, virial_of(w))
}

/// An atom's position, each coordinate in all four lanes (broadcast once per atom, not
/// per block).
type Ri = [__m256d; 3];

/// [`Ri`] of particle `i`.
#[target_feature(enable = "avx2")]
#[inline]
fn ri_of(r: Positions<'_>, i: usize) -> Ri {
    let p = r.get(i);
    [_mm256_set1_pd(p[0]), _mm256_set1_pd(p[1]), _mm256_set1_pd(p[2])]
}

/// `(x, y, z, w)` of particle `j` in one vector: one aligned load from the padded copy, or
/// (`S`, split positions) a masked load of the three coordinates and `w` blended in.
///
/// # Safety
/// `j < r.len()` and `S == r.is_split()` (the entry points choose `S` so).
#[target_feature(enable = "avx2")]
#[inline]
pub(super) unsafe fn load_particle<const S: bool>(r: Positions<'_>, j: usize) -> __m256d {
    debug_assert_eq!(S, r.is_split());
    if S {
        // SAFETY: `j < r.len()` (the caller's contract): `xyz[j]` is 3 readable f64, and the
        // masked load touches no fourth one.
        let v = unsafe { _mm256_maskload_pd(r.xyz().get_unchecked(j).as_ptr(), _mm256_setr_epi64x(-1, -1, -1, 0)) };
        match r.w().get(j) {
            Some(w) => _mm256_blend_pd::<0b1000>(v, _mm256_set1_pd(*w)),
            None => v,
        }
    } else {
        // SAFETY: `j < r.len()`; a `Pos4` is 4 f64 aligned to 32 bytes: one aligned load.
        unsafe { _mm256_load_pd(r.padded_slice().get_unchecked(j).0.as_ptr()) }
    }
}

/// [`displacements`] of a full block, without bounds checks.
///
/// # Safety
/// Every index of `js` is below `r.len()`, and `S == r.is_split()`.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn displacements4<const S: bool>(r: Positions<'_>, ri: Ri, js: [u32; 4]) -> (__m256d, __m256d, __m256d, __m256d) {
    // SAFETY: `j < r.len()` (the caller's contract).
    let [a, b, c, d] = js.map(|j| unsafe { load_particle::<S>(r, j as usize) });
    let [x, y, z, w] = transpose(a, b, c, d);
    (_mm256_sub_pd(ri[0], x), _mm256_sub_pd(ri[1], y), _mm256_sub_pd(ri[2], z), w)
}

/// Displacements `r_i − r_j` of a block of up to 4 neighbours (missing lanes far away),
/// and the neighbours' `w`: four loads and a 4×4 transpose.
#[target_feature(enable = "avx2")]
fn displacements(r: Positions<'_>, ri: Ri, js: &[u32]) -> (__m256d, __m256d, __m256d, __m256d) {
    let pick = |k: usize| {
        let p = js.get(k).map_or([1.0e10, 1.0e10, 1.0e10, 0.0], |&j| r.get(j as usize));
        // SAFETY: `p` holds exactly 4 f64.
        unsafe { _mm256_loadu_pd(p.as_ptr()) }
    };
    let [x, y, z, w] = transpose(pick(0), pick(1), pick(2), pick(3));
    (_mm256_sub_pd(ri[0], x), _mm256_sub_pd(ri[1], y), _mm256_sub_pd(ri[2], z), w)
}

#[target_feature(enable = "avx2")]
pub(super) fn sum_lanes(v: __m256d) -> Real {
    let mut a = [0.0; 4];
    // SAFETY: `a` holds exactly 4 f64.
    unsafe { _mm256_storeu_pd(a.as_mut_ptr(), v) };
    combine(a)
}

/// The four lanes of an integer vector, by register moves (a store and four loads would
/// add a store-forwarding delay to the look-up chain).
#[target_feature(enable = "avx2")]
#[inline]
pub(super) fn lanes_i32(v: __m128i) -> [i32; 4] {
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
pub(super) fn load(iv: &Interval) -> __m256d {
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
fn eam_density_atom<const W: usize, const S: bool>(r: Positions<'_>, nl: &NeighborList, i: usize, t: &EamCoefs) -> Option<Real> {
    let ri = ri_of(r, i);
    let (one, rc2) = (_mm256_set1_pd(1.0), _mm256_set1_pd(t.cutoff * t.cutoff));
    let mut dens = _mm256_setzero_pd();
    let nb = nl.of(i);
    let (mut chunks, mask, first_far) = (nb.full_chunks::<W>(), std::hint::black_box(nb.mask()), nb.near_blocks());
    for b in 0..nb.n_blocks() {
        let (dx, dy, dz, _) = block_displacements!(W, S, r, ri, nb, b, chunks, mask);
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
fn eam_force_atom<const E: bool, const W: usize, const J: bool, const S: bool>(r: Positions<'_>, nl: &NeighborList, i: usize, t: &EamCoefs, joint: &[[Interval; 2]]) -> Option<AtomResult> {
    let ri = ri_of(r, i);
    let (one, rc2, dfi) = (_mm256_set1_pd(1.0), _mm256_set1_pd(t.cutoff * t.cutoff), _mm256_set1_pd(r.get(i)[3]));
    let z = _mm256_setzero_pd();
    let (mut fx, mut fy, mut fz, mut e, mut w) = (z, z, z, z, [z; 6]);
    let nb = nl.of(i);
    let (mut chunks, mask, first_far) = (nb.full_chunks::<W>(), std::hint::black_box(nb.mask()), nb.near_blocks());
    for b in 0..nb.n_blocks() {
        let (dx, dy, dz, dj) = block_displacements!(W, S, r, ri, nb, b, chunks, mask);
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
        let (gx, gy, gz) = (_mm256_mul_pd(c, dx), _mm256_mul_pd(c, dy), _mm256_mul_pd(c, dz));
        fx = _mm256_sub_pd(fx, gx);
        fy = _mm256_sub_pd(fy, gy);
        fz = _mm256_sub_pd(fz, gz);
        if E {
            e = _mm256_add_pd(e, _mm256_and_pd(phi, inside));
            add_virial!(w, [gx, gy, gz], [dx, dy, dz]);
        }
    }
    Some(([sum_lanes(fx), sum_lanes(fy), sum_lanes(fz)], 0.5 * sum_lanes(e), virial_of(w)))
}

entry_points!("avx2");
