//! Runtime choice of the instruction set for the force kernels.
//!
//! Two builds of each force kernel, chosen at run time: the portable kernels of
//! [`super::kernels`] (plain Rust for the vectoriser: SSE2, two doubles per instruction, on
//! the default x86-64 target), and, when the CPU reports AVX2, the kernels of the `avx2`
//! module below, written with AVX2 intrinsics (four doubles). The intrinsics perform the
//! same IEEE operations per lane in the same order as the portable code — no FMA, which Rust
//! never introduces on its own — so both builds give the same bits (tested below).
#![allow(unsafe_code)]

use super::cpu::has_avx2;
use super::kernels::{self, LjConsts};
use super::pos4::Positions;
#[cfg(test)]
use super::pos4::Pos4;
use super::lists::ListsRef;
use super::neighbors::{NeighborList, Nbrs};
use super::coefs::{CoefTable, EamCoefs, Interval};
use crate::fixed::FixedSum;
use crate::types::{Real, Real3, Voigt};
use rayon::prelude::*;

/// Atoms per rayon task.
const GRAIN: usize = 256;


/// Runs `block` over every owned atom in parallel, each task on a block of [`GRAIN`] atoms
/// with the lists of those atoms from `$lists` (a [`ListsRef`]: stored, or streamed and
/// built for the task), through the AVX2 or the baseline build of `block`.
macro_rules! dispatch {
    ($block:ident, $lists:expr, $f:expr; $r:expr, $($arg:expr),*) => {{
        let (avx2, lists) = (has_avx2(), $lists);
        $f.par_chunks_mut(GRAIN).enumerate().for_each(|(c, f)| {
            let first = c * GRAIN;
            lists.with(first, f.len(), |nl| {
                #[cfg(target_arch = "x86_64")]
                if avx2 {
                    // SAFETY: `avx2` comes from `is_x86_feature_detected!("avx2")`, so the
                    // CPU executes the AVX2 instructions of this build of the block.
                    unsafe { avx2::$block(first, f, $r, nl, $($arg),*) };
                    return;
                }
                let _ = avx2;
                base::$block(first, f, $r, nl, $($arg),*);
            })
        });
    }};
    ($block:ident, $lists:expr, $f:expr, $u:expr; $r:expr, $($arg:expr),*) => {{
        let (avx2, lists) = (has_avx2(), $lists);
        $f.par_chunks_mut(GRAIN)
            .zip($u.par_chunks_mut(GRAIN))
            .enumerate()
            .map(|(c, (f, u))| {
                let first = c * GRAIN;
                let mut w = [FixedSum::default(); 6];
                lists.with(first, f.len(), |nl| {
                    #[cfg(target_arch = "x86_64")]
                    if avx2 {
                        // SAFETY: `avx2` comes from `is_x86_feature_detected!("avx2")`, so
                        // the CPU executes the AVX2 instructions of this build of the block.
                        unsafe { avx2::$block(first, f, u, &mut w, $r, nl, $($arg),*) };
                        return;
                    }
                    let _ = avx2;
                    base::$block(first, f, u, &mut w, $r, nl, $($arg),*);
                });
                w
            })
            .reduce(|| [FixedSum::default(); 6], |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(a, b)| a.merge(b));
                a
            })
    }};
}

/// The block functions, generated twice: baseline and AVX2.
macro_rules! blocks {
    ($($attr:meta)?) => {
        $(#[$attr])?
        pub fn lj(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut [FixedSum; 6], r: Positions<'_>, nl: &NeighborList, c: &LjConsts, energy: bool) {
            for (k, (f, u)) in f.iter_mut().zip(u.iter_mut()).enumerate() {
                if energy {
                    let (fk, uk, wk) = kernels::lj_atom::<true>(r, nl, first + k, c);
                    (*f, *u) = (fk, uk);
                    add_exact(w, &wk);
                } else {
                    *f = kernels::lj_atom::<false>(r, nl, first + k, c).0;
                }
            }
        }
        $(#[$attr])?
        pub fn eam_density(first: usize, rho: &mut [Real], r: Positions<'_>, nl: &NeighborList, t: &EamCoefs) {
            for (k, rho) in rho.iter_mut().enumerate() {
                *rho = kernels::eam_density_atom(r, nl, first + k, t);
            }
        }
        $(#[$attr])?
        pub fn eam_force(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut [FixedSum; 6], r: Positions<'_>, nl: &NeighborList, t: &EamCoefs, energy: bool) {
            for (k, (f, u)) in f.iter_mut().zip(u.iter_mut()).enumerate() {
                if energy {
                    let (fk, uk, wk) = kernels::eam_force_atom::<true>(r, nl, first + k, t);
                    *f = fk;
                    *u += uk;
                    add_exact(w, &wk);
                } else {
                    *f = kernels::eam_force_atom::<false>(r, nl, first + k, t).0;
                }
            }
        }
    };
}

/// Adds an atom's virial share to the exact sums of its components (the kernels'
/// `add_virial` sums lanes; this sums atoms).
#[inline(always)]
fn add_exact(w: &mut [FixedSum; 6], v: &Voigt) {
    w.iter_mut().zip(v).for_each(|(w, &v)| w.add(v));
}

/// The values of the exact sums.
fn values(w: [FixedSum; 6]) -> Voigt {
    w.map(|w| w.value())
}

mod base {
    use super::*;
    blocks!();
}

#[cfg(target_arch = "x86_64")]
mod avx2;

/// LJ forces `f` and, with `energy`, per-atom energies `u` (eV) of all owned atoms (`r`: all
/// particles) and their virial tensor `Σ_i ½ Σ_j d_a f_b` (eV, Voigt order, each component
/// summed exactly: the same for any split of the work). Without `energy`, `u` is left as it
/// was and the virial is 0.
pub fn lj(r: Positions<'_>, nl: ListsRef<'_>, c: &LjConsts, f: &mut [Real3], u: &mut [Real], energy: bool) -> Voigt {
    values(dispatch!(lj, nl, f, u; r, c, energy))
}

/// EAM pass 1 of all owned atoms: host electron densities into `rho`.
pub fn eam_density(r: Positions<'_>, nl: ListsRef<'_>, t: &EamCoefs, rho: &mut [Real]) {
    dispatch!(eam_density, nl, rho; r, t);
}

/// EAM pass 3 of all owned atoms: forces into `f` and, with `energy`, half the pair energies
/// added to `u` and the virial returned, as for [`lj`] (the `w` of every particle must hold
/// its F'(ρ̄)).
pub fn eam_force(r: Positions<'_>, nl: ListsRef<'_>, t: &EamCoefs, f: &mut [Real3], u: &mut [Real], energy: bool) -> Voigt {
    values(dispatch!(eam_force, nl, f, u; r, t, energy))
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
        let (mut wa, mut wb, mut wc) = ([FixedSum::default(); 6], [FixedSum::default(); 6], [FixedSum::default(); 6]);
        base::lj(0, &mut fa, &mut ua, &mut wa, Positions::padded(&r), &nl, &c, true);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::lj(0, &mut fb, &mut ub, &mut wb, Positions::padded(&r), &nl, &c, true) };
        assert!(values(wa).iter().all(|&w| w != 0.0));
        assert_eq!(values(wa).map(f64::to_bits), values(wb).map(f64::to_bits));
        // without energies: the same forces, energies and virial untouched
        let (mut fc, mut uc) = (vec![[0.0; 3]; n as usize], vec![7.0; n as usize]);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::lj(0, &mut fc, &mut uc, &mut wc, Positions::padded(&r), &nl, &c, false) };
        assert!(uc.iter().all(|&u| u == 7.0));
        assert_eq!(values(wc), [0.0; 6]);
        assert_eq!(fc, fb);
        for k in 0..n as usize {
            assert_eq!(fa[k].map(f64::to_bits), fb[k].map(f64::to_bits));
            assert_eq!(ua[k].to_bits(), ub[k].to_bits());
        }
        // the particles' own positions (streamed lists) instead of the padded copy
        let bits = |f: &[Real3], u: &[Real], w: [FixedSum; 6]| (f.as_flattened().iter().map(|x| x.to_bits()).collect::<Vec<_>>(), u.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), values(w).map(f64::to_bits));
        let (mut fd, mut ud, mut wd) = (vec![[0.0; 3]; n as usize], vec![0.0; n as usize], [FixedSum::default(); 6]);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::lj(0, &mut fd, &mut ud, &mut wd, Positions::split(&parts.r, &[]), &nl, &c, true) };
        assert_eq!(bits(&fd, &ud, wd), bits(&fb, &ub, wb));
        let (mut fd, mut ud, mut wd) = (vec![[0.0; 3]; n as usize], vec![0.0; n as usize], [FixedSum::default(); 6]);
        base::lj(0, &mut fd, &mut ud, &mut wd, Positions::split(&parts.r, &[]), &nl, &c, true);
        assert_eq!(bits(&fd, &ud, wd), bits(&fb, &ub, wb));
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
        base::eam_density(0, &mut ra, Positions::padded(&r), &nl, &t);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::eam_density(0, &mut rb, Positions::padded(&r), &nl, &t) };
        for (k, p) in r.iter_mut().enumerate() {
            p.0[3] = 0.01 * k as f64 - 0.2; // F'(ρ̄)
        }
        let (mut fa, mut fb) = (vec![[0.5; 3]; n as usize], vec![[0.5; 3]; n as usize]);
        let (mut ua, mut ub) = (vec![0.25; n as usize], vec![0.25; n as usize]);
        let (mut wa, mut wb, mut wc) = ([FixedSum::default(); 6], [FixedSum::default(); 6], [FixedSum::default(); 6]);
        base::eam_force(0, &mut fa, &mut ua, &mut wa, Positions::padded(&r), &nl, &t, true);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::eam_force(0, &mut fb, &mut ub, &mut wb, Positions::padded(&r), &nl, &t, true) };
        assert!(values(wa).iter().all(|&w| w != 0.0));
        assert_eq!(values(wa).map(f64::to_bits), values(wb).map(f64::to_bits));
        // split positions, F'(ρ̄) beside them
        let dfe: Vec<Real> = r.iter().map(|p| p.0[3]).collect();
        let mut rs = vec![0.0; n as usize];
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::eam_density(0, &mut rs, Positions::split(&parts.r, &[]), &nl, &t) };
        assert_eq!(rs.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), rb.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
        let (mut fd, mut ud, mut wd) = (vec![[0.5; 3]; n as usize], vec![0.25; n as usize], [FixedSum::default(); 6]);
        // SAFETY: AVX2 was detected above.
        unsafe { avx2::eam_force(0, &mut fd, &mut ud, &mut wd, Positions::split(&parts.r, &dfe), &nl, &t, true) };
        assert_eq!(bits(&fd, &ud, wd), bits(&fb, &ub, wb));
        let (mut fd, mut ud, mut wd) = (vec![[0.5; 3]; n as usize], vec![0.25; n as usize], [FixedSum::default(); 6]);
        base::eam_force(0, &mut fd, &mut ud, &mut wd, Positions::split(&parts.r, &dfe), &nl, &t, true);
        assert_eq!(bits(&fd, &ud, wd), bits(&fb, &ub, wb));
        let (mut fc, mut uc) = (vec![[0.0; 3]; n as usize], vec![7.0; n as usize]);
        base::eam_force(0, &mut fc, &mut uc, &mut wc, Positions::padded(&r), &nl, &t, false);
        assert!(uc.iter().all(|&u| u == 7.0));
        assert_eq!(values(wc), [0.0; 6]);
        assert_eq!(fc, fa);
        for k in 0..n as usize {
            assert_eq!(ra[k].to_bits(), rb[k].to_bits());
            assert_eq!(fa[k].map(f64::to_bits), fb[k].map(f64::to_bits));
            assert_eq!(ua[k].to_bits(), ub[k].to_bits());
        }
    }
}
