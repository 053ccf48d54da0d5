//! A measurement for a decision, not the engine's path: what would LJ forces from half
//! lists (each pair of owned atoms evaluated once, Newton's third law) cost on CoMD's
//! crystal, against the default path's full lists, one thread, the same particles?
//!
//! Why it is asked: half lists would halve the lanes, and LAMMPS runs on them. Two things
//! stand in the way (docs/performance.md): the j-side force must be read, added to and
//! written back for every pair (a reverse transpose and eight read-modify-writes per
//! step of eight), and the order of the j-side sums must not depend on the thread count
//! or the rank grid.
//!
//! The order this prototype uses does not depend on the thread count: atoms are taken in the
//! default path's order (by bin), and the force on atom `j` is the terms from the owned atoms
//! before it, in their order, then its own list's sum (its owned neighbours after it, then
//! its ghosts). Pairs with a ghost are evaluated from the owned side only, as today, and never
//! written back. On one rank these are the pairs across the periodic faces, which full lists
//! also evaluate from both ends. A thread would take a fixed slab of bin planes; what a slab
//! writes into the next slab's atoms would go to a buffer added in slab order (not built
//! here). The order does depend on the rank grid: a pair across a rank face is a ghost pair
//! on both of its ranks, but two owned atoms on one rank, so its term moves within the sums.
//! Keeping the bits on any grid would take more (docs/performance.md).
//!
//! Each evaluation first copies the positions into the padded array (as the default path
//! does) and zeroes the padded forces. Setup checks the forces against the default path's
//! (other summation order: agreement to 1e-10 of the largest force) and prints the lanes.

mod common;

use common::*;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};
use std::hint::black_box;

/// Per owned atom `i`, its owned neighbours after it (scattered to), then its ghosts (not).
struct HalfLists {
    /// Entries of atom `i`: `js[start[i]..start[i + 1]]`, the first `n_up[i]` owned.
    start: Vec<u32>,
    n_up: Vec<u32>,
    js: Vec<u32>,
}

impl HalfLists {
    /// Cut from the default path's full lists (same entries within cutoff + skin).
    fn new(fp: &FastParts) -> HalfLists {
        let n_own = fp.parts.n_own;
        let mut h = HalfLists { start: vec![0], n_up: Vec::with_capacity(n_own), js: Vec::new() };
        for i in 0..n_own {
            let all = fp.nl.of(i).to_vec();
            let up: Vec<u32> = all.iter().copied().filter(|&j| (j as usize) < n_own && j as usize > i).collect();
            h.n_up.push(up.len() as u32);
            h.js.extend(up);
            h.js.extend(all.iter().copied().filter(|&j| j as usize >= n_own));
            h.start.push(h.js.len() as u32);
        }
        h
    }

    fn of(&self, i: usize) -> (&[u32], &[u32]) {
        let all = &self.js[self.start[i] as usize..self.start[i + 1] as usize];
        all.split_at(self.n_up[i] as usize)
    }
}

/// Scalar half-list forces (the oracle of the vector kernel) into `f` (padded, zeroed here).
fn forces_scalar(h: &HalfLists, r: &[Pos4], lj: &Lj, f: &mut [Pos4]) {
    f.fill(Pos4::default());
    for i in 0..h.n_up.len() {
        let (up, ghosts) = h.of(i);
        let mut acc = [0.0; 3];
        for (k, &j) in up.iter().chain(ghosts).enumerate() {
            let (a, b) = (r[i].0, r[j as usize].0);
            let d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
            let fr = lj.fr(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            let g = d.map(|x| x * fr);
            for (acc, g) in acc.iter_mut().zip(g) {
                *acc -= g;
            }
            if k < up.len() {
                for (f, g) in f[j as usize].0.iter_mut().zip(g) {
                    *f += g;
                }
            }
        }
        for (f, acc) in f[i].0.iter_mut().zip(acc) {
            *f += acc;
        }
    }
}

/// How a step's j-side terms reach the forces.
const NONE: u8 = 0;
/// Transposed back to eight rows, each added to its atom's padded force.
const ROWS: u8 = 1;
/// AVX-512 gathers of x, y and z, added, and scattered back.
const GATHER: u8 = 2;

#[cfg(target_arch = "x86_64")]
mod avx512 {
    #![allow(unsafe_code)]
    use super::*;
    use std::arch::x86_64::*;

    /// A particle no neighbour is near.
    const FAR: f64 = 1.0e10;

    /// Rows `(x, y, z, 0)` of eight lanes of `x, y, z`: the inverse of the engine's `transpose8`.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn rows8(g: [__m512d; 3]) -> [__m256d; 8] {
        let z = _mm512_setzero_pd();
        let (t0, t1) = (_mm512_unpacklo_pd(g[0], g[1]), _mm512_unpackhi_pd(g[0], g[1]));
        let (t2, t3) = (_mm512_unpacklo_pd(g[2], z), _mm512_unpackhi_pd(g[2], z));
        let (lo, hi) = (_mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15));
        let (r02, r46) = (_mm512_permutex2var_pd(t0, lo, t2), _mm512_permutex2var_pd(t0, hi, t2));
        let (r13, r57) = (_mm512_permutex2var_pd(t1, lo, t3), _mm512_permutex2var_pd(t1, hi, t3));
        let (l, h) = (|v: __m512d| _mm512_castpd512_pd256(v), |v: __m512d| _mm512_extractf64x4_pd::<1>(v));
        [l(r02), l(r13), h(r02), h(r13), l(r46), l(r57), h(r46), h(r57)]
    }

    /// One atom's entries `js`, eight at a time: the terms subtracted from `acc`, and added
    /// to the entries' forces as `MODE` says (`NONE`: not at all).
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn segment<const MODE: u8>(js: &[u32], ri: [__m512d; 3], r: &[Pos4], f: *mut Pos4, lj: &Lj, acc: &mut [__m512d; 3]) {
        let (one, rc2, s6, m4e) = (_mm512_set1_pd(1.0), _mm512_set1_pd(lj.rc2), _mm512_set1_pd(lj.s6), _mm512_set1_pd(lj.minus_4eps));
        let (c12, c6) = (_mm512_set1_pd(12.0), _mm512_set1_pd(6.0));
        let far = _mm256_setr_pd(FAR, FAR, FAR, 0.0);
        for chunk in js.chunks(8) {
            let n = chunk.len();
            // SAFETY: entries are below r.len() (they index the particles).
            let rows: [__m256d; 8] = std::array::from_fn(|k| if k < n { unsafe { _mm256_load_pd(r.get_unchecked(chunk[k] as usize).0.as_ptr()) } } else { far });
            let [x0, x1, x2, _] = transpose8(rows);
            let x = [x0, x1, x2];
            let d = [0, 1, 2].map(|a| _mm512_sub_pd(ri[a], x[a]));
            let r2 = _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(d[0], d[0]), _mm512_mul_pd(d[1], d[1])), _mm512_mul_pd(d[2], d[2]));
            let inside = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(r2, rc2);
            let ir2 = _mm512_div_pd(one, _mm512_mask_blend_pd(inside, one, r2));
            let r6 = _mm512_mul_pd(s6, _mm512_mul_pd(_mm512_mul_pd(ir2, ir2), ir2));
            let t = _mm512_sub_pd(_mm512_mul_pd(c12, r6), c6);
            let fr = _mm512_maskz_mov_pd(inside, _mm512_mul_pd(_mm512_mul_pd(_mm512_mul_pd(m4e, r6), ir2), t));
            let g = [0, 1, 2].map(|a| _mm512_mul_pd(d[a], fr));
            for a in 0..3 {
                acc[a] = _mm512_sub_pd(acc[a], g[a]);
            }
            if MODE == GATHER {
                let valid = ((1u32 << n) - 1) as __mmask8;
                let ix: [i32; 8] = std::array::from_fn(|k| if k < n { 4 * chunk[k] as i32 } else { 0 });
                // SAFETY: eight i32; the valid lanes address owned atoms' forces, below f.len().
                let idx = unsafe { _mm256_loadu_si256(ix.as_ptr().cast()) };
                for (a, g) in g.into_iter().enumerate() {
                    let b = unsafe { f.cast::<f64>().add(a) };
                    let old = unsafe { _mm512_mask_i32gather_pd::<8>(_mm512_setzero_pd(), valid, idx, b) };
                    unsafe { _mm512_mask_i32scatter_pd::<8>(b, valid, idx, _mm512_add_pd(old, g)) };
                }
            } else if MODE == ROWS {
                for (k, row) in rows8(g).into_iter().enumerate().take(n) {
                    // SAFETY: scattered entries are owned atoms, below f.len().
                    let p = unsafe { f.add(chunk[k] as usize) } as *mut f64;
                    unsafe { _mm256_store_pd(p, _mm256_add_pd(_mm256_load_pd(p), row)) };
                }
            }
        }
    }

    /// Half-list forces, eight entries at a time, the j-side terms added as `MODE` says
    /// (`NONE` gives wrong forces: it times the evaluation of the half lists alone).
    ///
    /// # Safety
    /// The CPU must have AVX-512F; `r` holds every particle `h`'s entries name, and `f` the
    /// owned atoms, every one its up entries name.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn forces<const MODE: u8>(h: &HalfLists, r: &[Pos4], lj: &Lj, f: &mut [Pos4]) {
        f.fill(Pos4::default());
        for i in 0..h.n_up.len() {
            let (up, ghosts) = h.of(i);
            let ri = [0, 1, 2].map(|a| _mm512_set1_pd(r[i].0[a]));
            let mut acc = [_mm512_setzero_pd(); 3];
            // (the raw pointer is taken afresh for each atom: `f[i]` is written through `f` below)
            let fp = f.as_mut_ptr();
            // SAFETY: as `segment` asks (entries index the particles; up entries are owned).
            unsafe {
                segment::<MODE>(up, ri, r, fp, lj, &mut acc);
                segment::<NONE>(ghosts, ri, r, fp, lj, &mut acc);
            }
            let mut out = [[0.0f64; 8]; 3];
            for (out, acc) in out.iter_mut().zip(acc) {
                // SAFETY: eight f64 each.
                unsafe { _mm512_storeu_pd(out.as_mut_ptr(), acc) };
            }
            for (f, l) in f[i].0.iter_mut().zip(out) {
                *f += ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
            }
        }
    }
}

/// The vector kernel with the j-side terms added as `mode` says ([`ROWS`], [`GATHER`], [`NONE`]);
/// `None` without AVX-512 (the scalar oracle is then all there is to time).
fn vector_forces(mode: u8, h: &HalfLists, r: &[Pos4], lj: &Lj, f: &mut [Pos4]) -> Option<()> {
    #[cfg(target_arch = "x86_64")]
    if has_avx512() {
        // SAFETY: the CPU has AVX-512F; `f` is the owned atoms and `r` every particle.
        #[allow(unsafe_code)]
        unsafe {
            match mode {
                ROWS => avx512::forces::<ROWS>(h, r, lj, f),
                GATHER => avx512::forces::<GATHER>(h, r, lj, f),
                _ => avx512::forces::<NONE>(h, r, lj, f),
            }
        }
        return Some(());
    }
    let _ = (mode, h, r, lj, f);
    None
}

/// [`rel_diff`] of padded forces.
fn rel_diff4(reference: &[[f64; 3]], test: &[Pos4]) -> f64 {
    rel_diff(reference, &test.iter().map(|p| [p.0[0], p.0[1], p.0[2]]).collect::<Vec<_>>())
}

fn copy_positions(r: &[[f64; 3]], r4: &mut [Pos4]) {
    for (q, p) in r4.iter_mut().zip(r) {
        *q = Pos4([p[0], p[1], p[2], 0.0]);
    }
}

fn half_list(c: &mut Criterion) {
    let mut g = c.benchmark_group("half_list_lj");
    g.sampling_mode(SamplingMode::Flat);
    for cells in sizes() {
        let n = atoms(cells);
        g.throughput(Throughput::Elements(n));
        let (pool, mut fp, reference) = lj_prototype_problem(cells);
        let (lj, h) = (Lj::new(), HalfLists::new(&fp));
        let mut r4 = vec![Pos4::default(); fp.parts.r.len()];
        copy_positions(&fp.parts.r, &mut r4);
        let mut f = vec![Pos4::default(); fp.parts.n_own];
        forces_scalar(&h, &r4, &lj, &mut f);
        let scalar_diff = rel_diff4(&reference, &f);
        assert!(scalar_diff < 1e-10, "scalar half-list forces differ from the default path's by {scalar_diff:e}");
        let mut agree = format!("scalar {scalar_diff:.1e}");
        for (mode, name) in [(ROWS, "rows"), (GATHER, "gather")] {
            if vector_forces(mode, &h, &r4, &lj, &mut f).is_some() {
                let d = rel_diff4(&reference, &f);
                assert!(d < 1e-10, "{name} half-list forces differ from the default path's by {d:e}");
                agree += &format!(", {name} {d:.1e}");
            }
        }
        // the check has teeth: without the j-side terms the forces are far off
        if vector_forces(NONE, &h, &r4, &lj, &mut f).is_some() {
            let d = rel_diff4(&reference, &f);
            assert!(d > 1e-3, "half lists without their j-side terms agree with full lists ({d:e}): the check cannot fail");
        }
        let full: usize = (0..fp.parts.n_own).map(|i| fp.nl.of(i).len()).sum();
        let up: usize = h.n_up.iter().map(|&k| k as usize).sum();
        println!(
            "{n} atoms: full lists {:.1} entries per atom; half lists {:.1} ({:.1} scattered to owned atoms, {:.1} ghosts) = {:.3} of the full lanes; forces agree to {agree}",
            full as f64 / n as f64,
            h.js.len() as f64 / n as f64,
            up as f64 / n as f64,
            (h.js.len() - up) as f64 / n as f64,
            h.js.len() as f64 / full as f64,
        );
        g.bench_function(BenchmarkId::new("full_lists_default_path", n), |b| b.iter(|| pool.install(|| fp.force_only())));
        if vector_forces(NONE, &h, &r4, &lj, &mut f).is_none() {
            println!("  no AVX-512 on this CPU: only the scalar half lists are timed");
            g.bench_function(BenchmarkId::new("half_lists_scalar", n), |b| {
                b.iter(|| {
                    copy_positions(&fp.parts.r, &mut r4);
                    forces_scalar(&h, &r4, &lj, &mut f);
                    black_box(f[0].0[0])
                })
            });
            continue;
        }
        // `none`: the half lists evaluated without their j-side terms (wrong forces): the
        // floor that a free scatter would give
        for (mode, name) in [(ROWS, "half_lists_rows"), (GATHER, "half_lists_gather_scatter"), (NONE, "half_lists_without_j_terms")] {
            g.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| {
                    copy_positions(&fp.parts.r, &mut r4);
                    vector_forces(mode, &h, &r4, &lj, &mut f);
                    black_box(f[0].0[0])
                })
            });
        }
    }
    g.finish();
}

criterion_group! { name = benches; config = criterion(); targets = half_list }
criterion_main!(benches);
