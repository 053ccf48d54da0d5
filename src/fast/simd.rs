//! Runtime choice of the instruction set for the force kernels.
//!
//! The kernels in [`super::kernels`] are plain Rust written for the vectoriser. Built for the
//! default x86-64 target they use SSE2 (two doubles per instruction); here the same source is
//! compiled once more inside functions with AVX2 enabled (four doubles), and the AVX2 copy is
//! used when the CPU reports the feature. FMA is not enabled, and Rust never fuses on its own,
//! so both copies perform the same IEEE operations per lane and give the same bits.
#![allow(unsafe_code)]

use super::ghosts::Particles;
use super::kernels::{self, LjConsts};
use super::neighbors::NeighborList;
use crate::forces::eam::EamTables;
use crate::types::{Real, Real3};
use rayon::prelude::*;

/// Atoms per rayon task.
const GRAIN: usize = 256;

fn has_avx2() -> bool {
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
    ($block:ident, $out:expr, $($arg:expr),*) => {{
        let avx2 = has_avx2();
        $out.par_chunks_mut(GRAIN).enumerate().for_each(|(c, out)| {
            let first = c * GRAIN;
            #[cfg(target_arch = "x86_64")]
            if avx2 {
                // SAFETY: `avx2` comes from `is_x86_feature_detected!("avx2")`, so the CPU
                // executes the AVX2 instructions of this build of the block.
                unsafe { avx2::$block(first, out, $($arg),*) };
                return;
            }
            let _ = avx2;
            base::$block(first, out, $($arg),*);
        });
    }};
}

/// The block functions, generated twice: baseline and AVX2.
macro_rules! blocks {
    ($($attr:meta)?) => {
        $(#[$attr])?
        pub fn lj(first: usize, out: &mut [(Real3, Real)], parts: &Particles, nl: &NeighborList, c: &LjConsts) {
            for (k, o) in out.iter_mut().enumerate() {
                *o = kernels::lj_atom(parts, nl, first + k, c);
            }
        }
        $(#[$attr])?
        pub fn eam_pairs(first: usize, out: &mut [(Real3, Real, Real)], parts: &Particles, nl: &NeighborList, t: &EamTables) {
            for (k, o) in out.iter_mut().enumerate() {
                *o = kernels::eam_pairs_atom(parts, nl, first + k, t);
            }
        }
        $(#[$attr])?
        pub fn eam_embedding(first: usize, out: &mut [Real3], parts: &Particles, nl: &NeighborList, t: &EamTables, dfe: &[Real]) {
            for (k, o) in out.iter_mut().enumerate() {
                let g = kernels::eam_embedding_atom(parts, nl, first + k, t, dfe);
                for a in 0..3 {
                    o[a] += g[a];
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
    use crate::fast::kernels::{combine, gather};
    use std::arch::x86_64::*;

    /// [`kernels::lj_atom`] with explicit 4-wide AVX2 arithmetic: the same operations, in
    /// the same order, per lane (the compiler's vectoriser leaves the portable version scalar).
    #[target_feature(enable = "avx2")]
    fn lj_atom(parts: &Particles, nl: &NeighborList, i: usize, c: &LjConsts) -> (Real3, Real) {
        let r = &parts.r;
        let ri = r[i];
        let one = _mm256_set1_pd(1.0);
        let (rc2, s6, shift) = (_mm256_set1_pd(c.rc2), _mm256_set1_pd(c.s6), _mm256_set1_pd(c.shift));
        let (m4eps, twelve, six) = (_mm256_set1_pd(c.minus_4eps), _mm256_set1_pd(12.0), _mm256_set1_pd(6.0));
        let (mut fx, mut fy, mut fz, mut e) = (_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd());
        let (xi, yi, zi) = (_mm256_set1_pd(ri[0]), _mm256_set1_pd(ri[1]), _mm256_set1_pd(ri[2]));
        for js in nl.of(i).chunks(4) {
            let (dx, dy, dz) = if let [a, b, cc, dd] = *js {
                let (a, b, cc, dd) = (r[a as usize], r[b as usize], r[cc as usize], r[dd as usize]);
                // lane 0 is the first neighbour (`_mm256_set_pd` takes lanes high to low)
                (
                    _mm256_sub_pd(xi, _mm256_set_pd(dd[0], cc[0], b[0], a[0])),
                    _mm256_sub_pd(yi, _mm256_set_pd(dd[1], cc[1], b[1], a[1])),
                    _mm256_sub_pd(zi, _mm256_set_pd(dd[2], cc[2], b[2], a[2])),
                )
            } else {
                let d = gather(r, ri, js);
                // SAFETY: each `d[k]` is an array of 4 f64, exactly one unaligned 256-bit load.
                unsafe { (_mm256_loadu_pd(d[0].as_ptr()), _mm256_loadu_pd(d[1].as_ptr()), _mm256_loadu_pd(d[2].as_ptr())) }
            };
            let r2 = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)), _mm256_mul_pd(dz, dz));
            let inside = _mm256_cmp_pd::<_CMP_LE_OQ>(r2, rc2);
            let ir2 = _mm256_div_pd(one, _mm256_blendv_pd(one, r2, inside));
            let r6 = _mm256_mul_pd(s6, _mm256_mul_pd(_mm256_mul_pd(ir2, ir2), ir2));
            let eij = _mm256_sub_pd(_mm256_mul_pd(r6, _mm256_sub_pd(r6, one)), shift);
            let fr = _mm256_mul_pd(_mm256_mul_pd(_mm256_mul_pd(m4eps, r6), ir2), _mm256_sub_pd(_mm256_mul_pd(twelve, r6), six));
            let (eij, fr) = (_mm256_and_pd(eij, inside), _mm256_and_pd(fr, inside));
            e = _mm256_add_pd(e, eij);
            fx = _mm256_sub_pd(fx, _mm256_mul_pd(dx, fr));
            fy = _mm256_sub_pd(fy, _mm256_mul_pd(dy, fr));
            fz = _mm256_sub_pd(fz, _mm256_mul_pd(dz, fr));
        }
        let lanes = |v: __m256d| {
            let mut a = [0.0; 4];
            // SAFETY: `a` holds exactly 4 f64.
            unsafe { _mm256_storeu_pd(a.as_mut_ptr(), v) };
            combine(a)
        };
        ([lanes(fx), lanes(fy), lanes(fz)], 0.5 * lanes(e) * c.four_eps)
    }

    #[target_feature(enable = "avx2")]
    pub fn lj(first: usize, out: &mut [(Real3, Real)], parts: &Particles, nl: &NeighborList, c: &LjConsts) {
        for (k, o) in out.iter_mut().enumerate() {
            *o = lj_atom(parts, nl, first + k, c);
        }
    }

    #[allow(dead_code)]
    mod generic {
        use super::super::*;
        blocks!(target_feature(enable = "avx2"));
    }
    pub use generic::{eam_embedding, eam_pairs};
}

/// Whether the AVX2 build of the kernels is in use on this CPU.
pub fn uses_avx2() -> bool {
    has_avx2()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fast::ghosts::Particles;

    #[test]
    fn avx2_and_portable_lj_give_identical_bits() {
        if !has_avx2() {
            eprintln!("skipping: no AVX2 on this CPU (only the portable kernel runs)");
            return;
        }
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
        let nl = crate::fast::neighbors::build(&parts, [0.0; 3], [12.0; 3], 7.0);
        let c = LjConsts::new(&crate::forces::lj::LennardJones::default());
        let mut a = vec![([0.0; 3], 0.0); n as usize];
        let mut b = a.clone();
        base::lj(0, &mut a, &parts, &nl, &c);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::lj(0, &mut b, &parts, &nl, &c) };
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.0.map(f64::to_bits), y.0.map(f64::to_bits));
            assert_eq!(x.1.to_bits(), y.1.to_bits());
        }
    }
}

/// LJ forces and per-atom energies (eV) of all owned atoms.
pub fn lj(parts: &Particles, nl: &NeighborList, c: &LjConsts, out: &mut [(Real3, Real)]) {
    dispatch!(lj, out, parts, nl, c);
}

/// EAM pass 1 of all owned atoms: `(pair force, half pair energy, density)`.
pub fn eam_pairs(parts: &Particles, nl: &NeighborList, t: &EamTables, out: &mut [(Real3, Real, Real)]) {
    dispatch!(eam_pairs, out, parts, nl, t);
}

/// EAM pass 3 of all owned atoms: adds the embedding forces to `f`.
pub fn eam_embedding(parts: &Particles, nl: &NeighborList, t: &EamTables, dfe: &[Real], f: &mut [Real3]) {
    dispatch!(eam_embedding, f, parts, nl, t, dfe);
}
