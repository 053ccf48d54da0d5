//! A measurement for a decision, not the engine's path: what would LJ forces from
//! cluster-pair lists (GROMACS's nbnxm layout, 4 × 4) cost on CoMD's crystal, against the
//! default path's per-atom Verlet lists, one thread, the same particles and ghosts?
//!
//! Why it is asked: the default path's AVX-512 LJ kernel spends most of a block on the list
//! entry, eight position loads and a transpose before r² (docs/performance.md). With
//! clusters of four atoms stored as x, y and z vectors, one list entry names four
//! neighbours, whose coordinates are three broadcast loads; eight lanes are two i-atoms
//! against four j-atoms. The price is lanes beyond the cutoff: a cluster pair is listed
//! when the clusters' bounding boxes come within cutoff + skin.
//!
//! The prototype: clusters are the particles (owned and ghosts) of each cubic cell one
//! lattice constant wide, four at a time in gid order (FCC: four atoms per cell); the list of
//! an owned cluster is every cluster whose box is within range, in cell order. Each
//! evaluation first copies the positions into the clusters (as a step would have to), then
//! runs the kernel. Setup checks its forces against the default path's (same pairs, another
//! order of summation: agreement to 1e-10 of the largest force), and prints the share of
//! lanes inside the cutoff. What it leaves out, and a real engine would need: bit identity
//! across rank grids (clusters from whole cells on every rank), the energy and virial
//! steps, EAM, and the list build's cost.

mod common;

use common::*;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};
use std::collections::HashMap;
use std::hint::black_box;

/// A far-away coordinate for the empty slots of a cluster.
const FAR: f64 = 1.0e10;

/// Clusters of up to four particles, owned ones first, and the cluster-pair lists of those.
struct Clusters {
    /// Per cluster, x, y and z of its four slots.
    pos: Vec<[[f64; 4]; 3]>,
    /// Per cluster, the particle in each slot (`u32::MAX`: empty).
    members: Vec<[u32; 4]>,
    /// Clusters `0..n_own` hold owned particles.
    n_own: usize,
    /// List of owned cluster `c`: `js[start[c]..start[c + 1]]`.
    start: Vec<u32>,
    js: Vec<u32>,
}

impl Clusters {
    fn new(r: &[[f64; 3]], gid: &[i32], n_own: usize, width: f64, range: f64) -> Clusters {
        let cell = |p: &[f64; 3]| p.map(|x| (x / width).floor() as i64);
        // owned first, then by cell (z, y, x) and gid: owned atoms lie in [0, L), ghosts
        // outside it, so no cell mixes the two
        let mut order: Vec<usize> = (0..r.len()).collect();
        order.sort_by_cached_key(|&i| {
            let k = cell(&r[i]);
            (i >= n_own, k[2], k[1], k[0], gid[i])
        });
        let mut members: Vec<[u32; 4]> = Vec::new();
        let mut cells: Vec<[i64; 3]> = Vec::new();
        let mut n_own_c = 0;
        for chunk in order.chunk_by(|&a, &b| cell(&r[a]) == cell(&r[b]) && (a < n_own) == (b < n_own)) {
            for four in chunk.chunks(4) {
                let mut m = [u32::MAX; 4];
                for (s, &i) in four.iter().enumerate() {
                    m[s] = i as u32;
                }
                members.push(m);
                cells.push(cell(&r[four[0]]));
                n_own_c += usize::from(four[0] < n_own);
            }
        }
        let mut by_cell: HashMap<[i64; 3], Vec<u32>> = HashMap::new();
        for (c, k) in cells.iter().enumerate() {
            by_cell.entry(*k).or_default().push(c as u32);
        }
        let mut cl = Clusters { pos: vec![[[FAR; 4]; 3]; members.len()], members, n_own: n_own_c, start: vec![0], js: Vec::new() };
        cl.refresh(r);
        let boxes: Vec<[[f64; 3]; 2]> = cl.members.iter().map(|m| bounds(r, m)).collect();
        let reach = (range / width).ceil() as i64;
        for (c, k) in cells.iter().enumerate().take(n_own_c) {
            for dz in -reach..=reach {
                for dy in -reach..=reach {
                    for dx in -reach..=reach {
                        let Some(list) = by_cell.get(&[k[0] + dx, k[1] + dy, k[2] + dz]) else { continue };
                        for &j in list {
                            if box_gap2(&boxes[c], &boxes[j as usize]) < range * range {
                                cl.js.push(j);
                            }
                        }
                    }
                }
            }
            cl.start.push(cl.js.len() as u32);
        }
        cl
    }

    /// Copies the particles' positions into their slots (what every step would do).
    fn refresh(&mut self, r: &[[f64; 3]]) {
        for (p, m) in self.pos.iter_mut().zip(&self.members) {
            for s in 0..4 {
                if m[s] != u32::MAX {
                    let x = r[m[s] as usize];
                    (p[0][s], p[1][s], p[2][s]) = (x[0], x[1], x[2]);
                }
            }
        }
    }
}

fn bounds(r: &[[f64; 3]], m: &[u32; 4]) -> [[f64; 3]; 2] {
    let mut b = [[f64::INFINITY; 3], [f64::NEG_INFINITY; 3]];
    for &i in m.iter().filter(|&&i| i != u32::MAX) {
        for a in 0..3 {
            b[0][a] = b[0][a].min(r[i as usize][a]);
            b[1][a] = b[1][a].max(r[i as usize][a]);
        }
    }
    b
}

fn box_gap2(a: &[[f64; 3]; 2], b: &[[f64; 3]; 2]) -> f64 {
    (0..3).map(|k| (a[0][k] - b[1][k]).max(b[0][k] - a[1][k]).max(0.0).powi(2)).sum()
}

/// Per cluster, its pieces (the particles in each slot) and their bounding boxes.
type Pieces = Vec<Vec<([u32; 4], [[f64; 3]; 2])>>;

/// The share of lanes inside the cutoff (`rc2`) if list entries were `si` i-atoms against
/// `sj` j-atoms: each cluster cut into consecutive slots of `si` (or `sj`), and a pair of
/// pieces listed when their boxes come within `reach2` (squared). 1 × 1 is a per-atom
/// Verlet list; pruning to the cutoff itself is the best a dynamic pruning could do.
fn lane_share(cl: &Clusters, r: &[[f64; 3]], si: usize, sj: usize, reach2: f64, rc2: f64) -> f64 {
    // every cluster's pieces of `size` slots with their boxes, made once
    let pieces = |size: usize| -> Pieces {
        let piece = |p: &[u32]| -> [u32; 4] { std::array::from_fn(|k| p.get(k).copied().unwrap_or(u32::MAX)) };
        cl.members.iter().map(|m| m.chunks(size).map(piece).filter(|p| p[0] != u32::MAX).map(|p| (p, bounds(r, &p))).collect()).collect()
    };
    let (of_i, of_j) = (pieces(si), pieces(sj));
    let (mut lanes, mut inside) = (0usize, 0usize);
    for ci in 0..cl.n_own {
        for (pi, bi) in &of_i[ci] {
            // the pieces' boxes lie within the clusters', so the cluster list holds every pair
            for &cj in &cl.js[cl.start[ci] as usize..cl.start[ci + 1] as usize] {
                for (pj, bj) in &of_j[cj as usize] {
                    // (an atom is not listed with itself: only 1 × 1 pieces can be one atom)
                    if box_gap2(bi, bj) >= reach2 || (si == 1 && sj == 1 && pi == pj) {
                        continue;
                    }
                    lanes += si * sj;
                    for &a in pi.iter().filter(|&&a| a != u32::MAX) {
                        for &b in pj.iter().filter(|&&b| b != u32::MAX && b != a) {
                            let d: f64 = (0..3).map(|k| (r[a as usize][k] - r[b as usize][k]).powi(2)).sum();
                            inside += usize::from(d <= rc2);
                        }
                    }
                }
            }
        }
    }
    inside as f64 / lanes as f64
}

/// Scalar cluster-pair forces (the oracle of the vector kernel), and the pairs within the cutoff.
fn forces_scalar(cl: &Clusters, lj: &Lj, f: &mut [[f64; 3]]) -> usize {
    let mut inside = 0;
    for ci in 0..cl.n_own {
        let (p, mut acc) = (&cl.pos[ci], [[0.0; 3]; 4]);
        for &cj in &cl.js[cl.start[ci] as usize..cl.start[ci + 1] as usize] {
            let q = &cl.pos[cj as usize];
            for (s, acc) in acc.iter_mut().enumerate() {
                for t in 0..4 {
                    let empty = cl.members[ci][s] == u32::MAX || cl.members[cj as usize][t] == u32::MAX;
                    if empty || (cj as usize == ci && s == t) {
                        continue;
                    }
                    let d = [p[0][s] - q[0][t], p[1][s] - q[1][t], p[2][s] - q[2][t]];
                    let r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
                    inside += usize::from(r2 <= lj.rc2);
                    let fr = lj.fr(r2);
                    for k in 0..3 {
                        acc[k] -= d[k] * fr;
                    }
                }
            }
        }
        for (s, &m) in cl.members[ci].iter().enumerate().filter(|(_, &m)| m != u32::MAX) {
            f[m as usize] = acc[s];
        }
    }
    inside
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    #![allow(unsafe_code)]
    use super::*;
    use std::arch::x86_64::*;

    /// Cluster-pair forces, eight lanes: i-slots 0 and 1 (or 2 and 3) against the four j-slots.
    ///
    /// # Safety
    /// The CPU must have AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn forces(cl: &Clusters, lj: &Lj, f: &mut [[f64; 3]]) {
        let (rc2, one, s6, m4e) = (_mm512_set1_pd(lj.rc2), _mm512_set1_pd(1.0), _mm512_set1_pd(lj.s6), _mm512_set1_pd(lj.minus_4eps));
        let (c12, c6) = (_mm512_set1_pd(12.0), _mm512_set1_pd(6.0));
        let (sel_a, sel_b) = (_mm512_setr_epi64(0, 0, 0, 0, 1, 1, 1, 1), _mm512_setr_epi64(2, 2, 2, 2, 3, 3, 3, 3));
        // the diagonal of a cluster with itself: (0, 0), (1, 1) in A; (2, 2), (3, 3) in B
        let (self_a, self_b): (__mmask8, __mmask8) = (!0b0010_0001, !0b1000_0100);
        for ci in 0..cl.n_own {
            let p = &cl.pos[ci];
            // SAFETY: `p` rows are four f64 each.
            let row = |a: usize| unsafe { _mm512_castpd256_pd512(_mm256_loadu_pd(p[a].as_ptr())) };
            let xa = [0, 1, 2].map(|a| _mm512_permutexvar_pd(sel_a, row(a)));
            let xb = [0, 1, 2].map(|a| _mm512_permutexvar_pd(sel_b, row(a)));
            let (mut fa, mut fb) = ([_mm512_setzero_pd(); 3], [_mm512_setzero_pd(); 3]);
            for &cj in &cl.js[cl.start[ci] as usize..cl.start[ci + 1] as usize] {
                let q = &cl.pos[cj as usize];
                // SAFETY: as above.
                let xj = [0, 1, 2].map(|a| unsafe { _mm512_broadcast_f64x4(_mm256_loadu_pd(q[a].as_ptr())) });
                let same = cj as usize == ci;
                for (xi, acc, diag) in [(&xa, &mut fa, self_a), (&xb, &mut fb, self_b)] {
                    let d = [0, 1, 2].map(|a| _mm512_sub_pd(xi[a], xj[a]));
                    let r2 = _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(d[0], d[0]), _mm512_mul_pd(d[1], d[1])), _mm512_mul_pd(d[2], d[2]));
                    let mut m = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(r2, rc2);
                    if same {
                        m &= diag;
                    }
                    let ir2 = _mm512_mask_div_pd(one, m, one, r2);
                    let r6 = _mm512_mul_pd(s6, _mm512_mul_pd(_mm512_mul_pd(ir2, ir2), ir2));
                    let t = _mm512_sub_pd(_mm512_mul_pd(c12, r6), c6);
                    let fr = _mm512_maskz_mov_pd(m, _mm512_mul_pd(_mm512_mul_pd(_mm512_mul_pd(m4e, r6), ir2), t));
                    for a in 0..3 {
                        acc[a] = _mm512_sub_pd(acc[a], _mm512_mul_pd(d[a], fr));
                    }
                }
            }
            let mut out = [[0.0f64; 8]; 6];
            for a in 0..3 {
                // SAFETY: eight f64 each.
                unsafe {
                    _mm512_storeu_pd(out[a].as_mut_ptr(), fa[a]);
                    _mm512_storeu_pd(out[3 + a].as_mut_ptr(), fb[a]);
                }
            }
            for (s, &m) in cl.members[ci].iter().enumerate().filter(|(_, &m)| m != u32::MAX) {
                let (v, h) = (s / 2, 4 * (s % 2));
                f[m as usize] = std::array::from_fn(|a| {
                    let l = &out[3 * v + a][h..h + 4];
                    (l[0] + l[1]) + (l[2] + l[3])
                });
            }
        }
    }
}

fn vector_forces(cl: &Clusters, lj: &Lj, f: &mut [[f64; 3]]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx512() {
        // SAFETY: the CPU has AVX-512F (checked, with the VL, FMA and F16C the engine asks for).
        #[allow(unsafe_code)]
        unsafe {
            return avx512::forces(cl, lj, f);
        }
    }
    forces_scalar(cl, lj, f);
}

fn cluster_pair(c: &mut Criterion) {
    let mut g = c.benchmark_group("cluster_pair_lj");
    g.sampling_mode(SamplingMode::Flat);
    for cells in sizes() {
        let n = atoms(cells);
        g.throughput(Throughput::Elements(n));
        let (pool, mut fp, reference) = lj_prototype_problem(cells);
        let (lj, width) = (Lj::new(), fp.domain.global_extent[0] / cells as f64);
        let mut cl = Clusters::new(&fp.parts.r, &fp.parts.gid, fp.parts.n_own, width, fp.range);
        let mut f = vec![[0.0; 3]; fp.parts.n_own];
        let inside = forces_scalar(&cl, &lj, &mut f);
        let scalar_diff = rel_diff(&reference, &f);
        vector_forces(&cl, &lj, &mut f);
        let vector_diff = rel_diff(&reference, &f);
        assert!(scalar_diff < 1e-10 && vector_diff < 1e-10, "cluster forces differ: scalar {scalar_diff:e}, vector {vector_diff:e}");
        let lanes = 16 * cl.js.len();
        let entries: usize = (0..fp.parts.n_own).map(|i| fp.nl.of(i).len()).sum();
        println!(
            "{n} atoms: default path {:.1} list entries per atom; {} clusters ({} owned), {:.1} cluster pairs per owned cluster, {:.1} % of lanes inside the cutoff, {:.2} pairs per atom within it (each once); forces agree to {vector_diff:.1e}{}",
            entries as f64 / n as f64,
            cl.members.len(),
            cl.n_own,
            cl.js.len() as f64 / cl.n_own as f64,
            100.0 * inside as f64 / lanes as f64,
            inside as f64 / 2.0 / n as f64,
            if has_avx512() { "" } else { " (no AVX-512 on this CPU: the scalar kernel is timed)" }
        );
        println!("  share of lanes inside the cutoff, by atoms per entry (i x j): listed within cutoff + skin / pruned to the cutoff itself");
        for (si, sj) in [(4, 4), (4, 2), (2, 4), (2, 2), (1, 4), (1, 2), (1, 1)] {
            let listed = lane_share(&cl, &fp.parts.r, si, sj, fp.range * fp.range, lj.rc2);
            let pruned = lane_share(&cl, &fp.parts.r, si, sj, lj.rc2, lj.rc2);
            println!("  {si} x {sj}: {:.1} % / {:.1} %", 100.0 * listed, 100.0 * pruned);
        }
        g.bench_function(BenchmarkId::new("verlet_lists_default_path", n), |b| b.iter(|| pool.install(|| fp.force_only())));
        g.bench_function(BenchmarkId::new("cluster_pairs_4x4", n), |b| {
            b.iter(|| {
                cl.refresh(&fp.parts.r);
                vector_forces(&cl, &lj, &mut f);
                black_box(f[0][0])
            })
        });
    }
    g.finish();
}

criterion_group! { name = benches; config = criterion(); targets = cluster_pair }
criterion_main!(benches);
