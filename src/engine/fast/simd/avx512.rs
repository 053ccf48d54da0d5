//! The AVX-512 build of the force kernels: eight neighbours per instruction, with the same
//! per-lane IEEE operations as the AVX2 and portable kernels and the same sums in the same
//! order, so the same bits.
//!
//! Why it is faster although Zen 4 executes a 512-bit operation as two 256-bit halves: the
//! AVX2 kernels are bound by the latency of each block's dependency chain (load → transpose
//! → r² → division or square root → polynomial), with only two or three blocks in the
//! out-of-order window (docs/performance.md). One 512-bit chain carries eight pairs in
//! about the time a 256-bit chain carries four, and the window holds twice the pairs.
//!
//! Why the bits do not change: the AVX2 kernels keep per-atom sums in four lanes, entry
//! `4b + l` of block `b` going to lane `l`. A 512-bit step evaluates blocks `b` and `b + 1`
//! at once and then adds the low half (block `b`) and the high half (block `b + 1`) to those
//! four 256-bit sums one after the other: every lane receives the same terms in the same
//! order. A lone last full block and the short last block go through the same 512-bit code
//! with far-away particles in the missing lanes, and only the low half is added.

use super::avx2::{lanes_i32, load, load_particle, sum_lanes, virial_of};
use super::*;
use crate::engine::fast::kernels::AtomResult;
use std::arch::x86_64::*;

/// A particle no neighbour is near (the AVX2 general path's filler, so the same lanes).
const FAR: [Real; 4] = [1.0e10, 1.0e10, 1.0e10, 0.0];

/// How much of a 512-bit step is real: both blocks, or only the low one.
#[derive(Clone, Copy, PartialEq)]
enum Halves {
    Both,
    Low,
}

/// The eight rows of a step: particles `(x, y, z, w)` as loaded by the AVX2 kernels.
pub type Rows = [__m256d; 8];

/// Columns `x, y, z, w` of eight rows, lane `k` from row `k`.
#[target_feature(enable = "avx512f")]
#[inline]
pub fn transpose8(r: Rows) -> [__m512d; 4] {
    let cat = |lo: __m256d, hi: __m256d| _mm512_insertf64x4::<1>(_mm512_castpd256_pd512(lo), hi);
    let (a, b, c, d) = (cat(r[0], r[4]), cat(r[1], r[5]), cat(r[2], r[6]), cat(r[3], r[7]));
    let (ab_lo, ab_hi) = (_mm512_unpacklo_pd(a, b), _mm512_unpackhi_pd(a, b));
    let (cd_lo, cd_hi) = (_mm512_unpacklo_pd(c, d), _mm512_unpackhi_pd(c, d));
    let even = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
    let odd = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    [
        _mm512_permutex2var_pd(ab_lo, even, cd_lo),
        _mm512_permutex2var_pd(ab_hi, even, cd_hi),
        _mm512_permutex2var_pd(ab_lo, odd, cd_lo),
        _mm512_permutex2var_pd(ab_hi, odd, cd_hi),
    ]
}

/// The low and high 256-bit halves.
#[target_feature(enable = "avx512f")]
#[inline]
fn halves(v: __m512d) -> (__m256d, __m256d) {
    (_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd::<1>(v))
}

/// `acc − v` of the real halves, low first (the AVX2 kernels' order of blocks).
#[target_feature(enable = "avx512f")]
#[inline]
fn sub_halves(acc: __m256d, v: __m512d, h: Halves) -> __m256d {
    let (lo, hi) = halves(v);
    let acc = _mm256_sub_pd(acc, lo);
    if h == Halves::Both { _mm256_sub_pd(acc, hi) } else { acc }
}

/// `acc + v` of the real halves, low first.
#[target_feature(enable = "avx512f")]
#[inline]
fn add_halves(acc: __m256d, v: __m512d, h: Halves) -> __m256d {
    let (lo, hi) = halves(v);
    let acc = _mm256_add_pd(acc, lo);
    if h == Halves::Both { _mm256_add_pd(acc, hi) } else { acc }
}

/// The virial terms `g_a d_b` of the real halves added to the four-lane sums `w`.
#[target_feature(enable = "avx512f")]
#[inline]
fn add_virial(w: &mut [__m256d; 6], g: [__m512d; 3], d: [__m512d; 3], h: Halves) {
    let pairs = [(g[0], d[0]), (g[1], d[1]), (g[2], d[2]), (g[1], d[2]), (g[0], d[2]), (g[0], d[1])];
    for (w, (g, d)) in w.iter_mut().zip(pairs) {
        *w = add_halves(*w, _mm512_mul_pd(g, d), h);
    }
}

/// An atom's position in all eight lanes.
type Ri = [__m512d; 3];

#[target_feature(enable = "avx512f")]
#[inline]
fn ri_of(r: Positions<'_>, i: usize) -> Ri {
    let p = r.get(i);
    [_mm512_set1_pd(p[0]), _mm512_set1_pd(p[1]), _mm512_set1_pd(p[2])]
}

/// Displacements `r_i − r_j` of eight rows and the rows' `w`.
#[target_feature(enable = "avx512f")]
#[inline]
fn displacements(ri: Ri, rows: Rows) -> ([__m512d; 3], __m512d) {
    let [x, y, z, w] = transpose8(rows);
    ([_mm512_sub_pd(ri[0], x), _mm512_sub_pd(ri[1], y), _mm512_sub_pd(ri[2], z)], w)
}

/// The steps of a neighbour list: its full blocks two at a time, then a lone full block and
/// the short last block. Software-pipelined: the front of a step (`$front`, run with `rows:
/// Rows` and `h: Halves` bound: loads, transpose and the long-latency operations) is issued
/// before the back of the step before it (`$back`, run with the front's value bound), so
/// that the back finds its inputs ready instead of filling the scheduler while it waits.
/// `$front` is an `Option`: `None` skips the step (EAM's blocks all beyond the cutoff). `b`
/// is bound to the index of the step's first block for `$front`.
/// A macro, not a function taking closures: the loop must stay in the kernel's function.
macro_rules! for_each_step {
    ($w:ident, $s:ident, $r:expr, $nb:expr, |$rows:ident, $h:ident, $b:ident| $front:expr, |$p:ident| $back:block) => {{
        let nb = $nb;
        let (mut chunks, mask) = (nb.full_chunks::<$w>(), std::hint::black_box(nb.mask()));
        let far = _mm256_setr_pd(FAR[0], FAR[1], FAR[2], FAR[3]);
        // SAFETY (every `load_particle`): list entries are below `nl.n_particles()`, which the
        // entry points checked to be at most `r.len()`, and `S` is `r.is_split()`.
        let load = |js: [u32; 4]| js.map(|j| unsafe { load_particle::<$s>($r, j as usize) });
        let full = nb.len() / 4;
        let mut $b = 0;
        let mut pending = None;
        while $b + 2 <= full {
            let (c0, c1) = (chunks.next().expect("full chunk"), chunks.next().expect("full chunk"));
            let ([a0, a1, a2, a3], [b0, b1, b2, b3]) = (load(Nbrs::decode_full::<$w>(c0, mask)), load(Nbrs::decode_full::<$w>(c1, mask)));
            let ($rows, $h): (Rows, Halves) = ([a0, a1, a2, a3, b0, b1, b2, b3], Halves::Both);
            if let Some(f) = $front { if let Some($p) = pending.replace(f) $back }
            $b += 2;
        }
        if $b < full {
            let [a0, a1, a2, a3] = load(Nbrs::decode_full::<$w>(chunks.next().expect("full chunk"), mask));
            let ($rows, $h): (Rows, Halves) = ([a0, a1, a2, a3, far, far, far, far], Halves::Low);
            if let Some(f) = $front { if let Some($p) = pending.replace(f) $back }
            $b += 1;
        }
        if $b < nb.n_blocks() {
            let (js, n) = nb.block($b);
            let row = |k: usize| if k < n { let p = $r.get(js[k] as usize); _mm256_setr_pd(p[0], p[1], p[2], p[3]) } else { far };
            let ($rows, $h): (Rows, Halves) = ([row(0), row(1), row(2), row(3), far, far, far, far], Halves::Low);
            if let Some(f) = $front { if let Some($p) = pending.replace(f) $back }
        }
        if let Some($p) = pending $back
    }};
}

/// The front of an LJ step: displacements, which lanes are inside the cutoff, 1/r².
struct LjFront {
    d: [__m512d; 3],
    inside: __mmask8,
    ir2: __m512d,
    h: Halves,
}

/// The AVX2 `lj_atom` eight lanes at a time.
#[target_feature(enable = "avx512f")]
fn lj_atom<const E: bool, const W: usize, const S: bool>(r: Positions<'_>, nl: &NeighborList, i: usize, c: &LjConsts) -> AtomResult {
    let ri = ri_of(r, i);
    let one = _mm512_set1_pd(1.0);
    let (rc2, s6, shift) = (_mm512_set1_pd(c.rc2), _mm512_set1_pd(c.s6), _mm512_set1_pd(c.shift));
    let (m4eps, twelve, six) = (_mm512_set1_pd(c.minus_4eps), _mm512_set1_pd(12.0), _mm512_set1_pd(6.0));
    let z = _mm256_setzero_pd();
    let (mut fx, mut fy, mut fz, mut e, mut w) = (z, z, z, z, [z; 6]);
    let front = |rows: Rows, h: Halves| {
        let ([dx, dy, dz], _) = displacements(ri, rows);
        let r2 = _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy)), _mm512_mul_pd(dz, dz));
        let inside = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(r2, rc2);
        LjFront { d: [dx, dy, dz], inside, ir2: _mm512_div_pd(one, _mm512_mask_blend_pd(inside, one, r2)), h }
    };
    for_each_step!(W, S, r, nl.of(i), |rows, h, _b| Some(front(rows, h)), |p| {
        let LjFront { d: [dx, dy, dz], inside, ir2, h } = p;
        let r6 = _mm512_mul_pd(s6, _mm512_mul_pd(_mm512_mul_pd(ir2, ir2), ir2));
        let fr = _mm512_mul_pd(_mm512_mul_pd(_mm512_mul_pd(m4eps, r6), ir2), _mm512_sub_pd(_mm512_mul_pd(twelve, r6), six));
        let fr = _mm512_maskz_mov_pd(inside, fr);
        if E {
            let eij = _mm512_sub_pd(_mm512_mul_pd(r6, _mm512_sub_pd(r6, one)), shift);
            e = add_halves(e, _mm512_maskz_mov_pd(inside, eij), h);
        }
        let g = [_mm512_mul_pd(dx, fr), _mm512_mul_pd(dy, fr), _mm512_mul_pd(dz, fr)];
        fx = sub_halves(fx, g[0], h);
        fy = sub_halves(fy, g[1], h);
        fz = sub_halves(fz, g[2], h);
        if E {
            add_virial(&mut w, g, [dx, dy, dz], h);
        }
    });
    ([sum_lanes(fx), sum_lanes(fy), sum_lanes(fz)], 0.5 * sum_lanes(e) * c.four_eps, virial_of(w))
}

/// The AVX2 `locate` of eight arguments: the fraction within each one's interval and the
/// intervals; `None` if a lane is past the table end or NaN.
#[target_feature(enable = "avx512f")]
#[inline]
fn locate(t: &CoefTable, r: __m512d) -> Option<(__m512d, [i32; 8])> {
    let (x0, inv) = (_mm512_set1_pd(t.x0()), _mm512_set1_pd(t.inv_dx()));
    let r = _mm512_mask_blend_pd(_mm512_cmp_pd_mask::<_CMP_LT_OQ>(r, x0), r, x0);
    let s = _mm512_mul_pd(_mm512_sub_pd(r, x0), inv);
    if _mm512_cmp_pd_mask::<_CMP_NLT_UQ>(s, _mm512_set1_pd(t.points() as Real)) != 0 {
        return None;
    }
    // floor (round toward −∞, no exception): exact, as `_mm256_floor_pd`
    let fl = _mm512_roundscale_pd::<0x09>(s);
    let k = _mm512_cvttpd_epi32(fl);
    let ([a, b, c, d], [e, f, g, h]) = (lanes_i32(_mm256_castsi256_si128(k)), lanes_i32(_mm256_extracti128_si256::<1>(k)));
    Some((_mm512_sub_pd(s, fl), [a, b, c, d, e, f, g, h]))
}

/// The AVX2 `poly` eight lanes at a time.
#[target_feature(enable = "avx512f")]
#[inline]
fn poly(c: [__m512d; 4], p: __m512d, inv: __m512d) -> (__m512d, __m512d) {
    let [c0, c1, c2, d1] = c;
    let f = _mm512_add_pd(c0, _mm512_mul_pd(p, _mm512_add_pd(c1, _mm512_mul_pd(p, c2))));
    (f, _mm512_mul_pd(_mm512_add_pd(c1, _mm512_mul_pd(p, d1)), inv))
}

/// Value and slope of `t` at fraction `p` of intervals `idx` (from [`locate`] on `t`'s grid).
#[target_feature(enable = "avx512f")]
#[inline]
fn eval(iv: &[Interval], idx: [i32; 8], p: __m512d, inv: __m512d) -> (__m512d, __m512d) {
    debug_assert!(idx.iter().all(|&k| (k as usize) < iv.len()));
    // SAFETY: 0 <= idx < the table's points = iv.len() (checked by `locate` on its grid)
    poly(transpose8(idx.map(|k| load(unsafe { iv.get_unchecked(k as usize) }))), p, inv)
}

/// The front of an EAM step: displacements, the neighbours' `w`, which lanes are inside the
/// cutoff, r and its intervals.
struct EamFront {
    d: [__m512d; 3],
    wj: __m512d,
    inside: __mmask8,
    rr: __m512d,
    /// 1/r (force pass; 1 in the density pass)
    inv_r: __m512d,
    at: (__m512d, [i32; 8]),
    h: Halves,
}

/// The front of an EAM step on `grid`'s intervals; `Some(None)` if its blocks are all far
/// and beyond the cutoff (skipped), `None` if a lane is past the table end. The AVX2 kernels
/// skip per block of four, this per step of eight, so a step of one near and one skippable
/// block evaluates the second: its lanes add +0.0 to sums that are never −0.0, which
/// changes no bit.
#[target_feature(enable = "avx512f")]
#[inline]
fn eam_front<const INV: bool>(ri: Ri, rows: Rows, h: Halves, far: bool, rc2: __m512d, grid: &CoefTable) -> Option<Option<EamFront>> {
    let ([dx, dy, dz], wj) = displacements(ri, rows);
    let r2 = _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy)), _mm512_mul_pd(dz, dz));
    let inside = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(r2, rc2);
    if far && inside == 0 {
        return Some(None);
    }
    let rr = _mm512_sqrt_pd(_mm512_mask_blend_pd(inside, _mm512_set1_pd(1.0), r2));
    let one = _mm512_set1_pd(1.0);
    let inv_r = if INV { _mm512_div_pd(one, rr) } else { one };
    Some(Some(EamFront { d: [dx, dy, dz], wj, inside, rr, inv_r, at: locate(grid, rr)?, h }))
}

#[target_feature(enable = "avx512f")]
fn eam_density_atom<const W: usize, const S: bool>(r: Positions<'_>, nl: &NeighborList, i: usize, t: &EamCoefs) -> Option<Real> {
    let (ri, rc2, inv) = (ri_of(r, i), _mm512_set1_pd(t.cutoff * t.cutoff), _mm512_set1_pd(t.rho.inv_dx()));
    let mut dens = _mm256_setzero_pd();
    let nb = nl.of(i);
    let first_far = nb.near_blocks();
    for_each_step!(W, S, r, nb, |rows, h, b| eam_front::<false>(ri, rows, h, b >= first_far, rc2, &t.rho)?, |p| {
        let (rho, _) = eval(t.rho.intervals(), p.at.1, p.at.0, inv);
        dens = add_halves(dens, _mm512_maskz_mov_pd(p.inside, rho), p.h);
    });
    Some(sum_lanes(dens))
}

/// The AVX2 `eam_force_atom` eight lanes at a time (`J`: φ and ρ share a grid and `joint`
/// is [`EamCoefs::joint`]).
#[target_feature(enable = "avx512f")]
fn eam_force_atom<const E: bool, const W: usize, const J: bool, const S: bool>(r: Positions<'_>, nl: &NeighborList, i: usize, t: &EamCoefs, joint: &[[Interval; 2]]) -> Option<AtomResult> {
    let (ri, rc2) = (ri_of(r, i), _mm512_set1_pd(t.cutoff * t.cutoff));
    let (dfi, inv) = (_mm512_set1_pd(r.get(i)[3]), _mm512_set1_pd(t.phi.inv_dx()));
    let z = _mm256_setzero_pd();
    let (mut fx, mut fy, mut fz, mut e, mut w) = (z, z, z, z, [z; 6]);
    let nb = nl.of(i);
    let first_far = nb.near_blocks();
    debug_assert!(!J || joint.len() == t.phi.points(), "joint intervals of another grid");
    for_each_step!(W, S, r, nb, |rows, h, b| eam_front::<true>(ri, rows, h, b >= first_far, rc2, &t.phi)?, |p| {
        let [dx, dy, dz] = p.d;
        let inv_r = p.inv_r;
        let (ph, idx) = p.at;
        let (phi, dphi, drho) = if J {
            // SAFETY: 0 <= idx < φ's points = joint.len() (checked by `locate` on φ's grid)
            let at = |k: i32, c: usize| load(unsafe { &joint.get_unchecked(k as usize)[c] });
            let (phi, dphi) = poly(transpose8(idx.map(|k| at(k, 0))), ph, inv);
            (phi, dphi, poly(transpose8(idx.map(|k| at(k, 1))), ph, inv).1)
        } else {
            let (phi, dphi) = eval(t.phi.intervals(), idx, ph, inv);
            let (pr, kr) = locate(&t.rho, p.rr)?;
            (phi, dphi, eval(t.rho.intervals(), kr, pr, _mm512_set1_pd(t.rho.inv_dx())).1)
        };
        let num = _mm512_add_pd(dphi, _mm512_mul_pd(_mm512_add_pd(dfi, p.wj), drho));
        let c = _mm512_maskz_mov_pd(p.inside, _mm512_mul_pd(num, inv_r));
        let g = [_mm512_mul_pd(c, dx), _mm512_mul_pd(c, dy), _mm512_mul_pd(c, dz)];
        fx = sub_halves(fx, g[0], p.h);
        fy = sub_halves(fy, g[1], p.h);
        fz = sub_halves(fz, g[2], p.h);
        if E {
            e = add_halves(e, _mm512_maskz_mov_pd(p.inside, phi), p.h);
            add_virial(&mut w, g, [dx, dy, dz], p.h);
        }
    });
    Some(([sum_lanes(fx), sum_lanes(fy), sum_lanes(fz)], 0.5 * sum_lanes(e), virial_of(w)))
}

entry_points!("avx512f");
