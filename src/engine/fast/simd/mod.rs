//! Runtime choice of the instruction set for the force kernels.
//!
//! Three builds of each force kernel, the widest the CPU reports chosen at run time
//! ([`super::cpu::Isa`]): the portable kernels of [`super::kernels`] (plain Rust for the
//! vectoriser: SSE2, two doubles per instruction, on the default x86-64 target); with AVX2,
//! the `avx2` module's intrinsics (four doubles); with AVX-512F, the `avx512` module's (eight
//! doubles, added to the AVX2 kernels' four-lane sums half by half). The intrinsics perform
//! the same IEEE operations per lane in the same order as the portable code — no FMA, which
//! Rust never introduces on its own — so all builds give the same bits (`tests.rs`: every
//! build the CPU runs against the portable one).
#![allow(unsafe_code)]

use super::cpu::Isa;
use super::kernels::{self, LjConsts};
use super::pos4::Positions;
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
/// built for the task), through the widest build of `block` the CPU runs ([`Isa::detect`]).
macro_rules! dispatch {
    ($block:ident, $lists:expr, $f:expr; $r:expr, $($arg:expr),*) => {{
        let (isa, lists) = (Isa::detect(), $lists);
        $f.par_chunks_mut(GRAIN).enumerate().for_each(|(c, f)| {
            let first = c * GRAIN;
            lists.with(first, f.len(), |nl| {
                // SAFETY: `isa` comes from `is_x86_feature_detected!`, so the CPU executes
                // the instructions of the build of the block it picks.
                #[cfg(target_arch = "x86_64")]
                match isa {
                    Isa::Avx512 => return unsafe { avx512::$block(first, f, $r, nl, $($arg),*) },
                    Isa::Avx2 => return unsafe { avx2::$block(first, f, $r, nl, $($arg),*) },
                    Isa::Portable => {}
                }
                let _ = isa;
                base::$block(first, f, $r, nl, $($arg),*);
            })
        });
    }};
    ($block:ident, $lists:expr, $f:expr, $u:expr; $r:expr, $($arg:expr),*) => {{
        let (isa, lists) = (Isa::detect(), $lists);
        $f.par_chunks_mut(GRAIN)
            .zip($u.par_chunks_mut(GRAIN))
            .enumerate()
            .map(|(c, (f, u))| {
                let first = c * GRAIN;
                let mut w = [FixedSum::default(); 6];
                lists.with(first, f.len(), |nl| {
                    // SAFETY: `isa` comes from `is_x86_feature_detected!`, so the CPU
                    // executes the instructions of the build of the block it picks.
                    #[cfg(target_arch = "x86_64")]
                    match isa {
                        Isa::Avx512 => return unsafe { avx512::$block(first, f, u, &mut w, $r, nl, $($arg),*) },
                        Isa::Avx2 => return unsafe { avx2::$block(first, f, u, &mut w, $r, nl, $($arg),*) },
                        Isa::Portable => {}
                    }
                    let _ = isa;
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

/// The portable build of the block functions (the kernels of [`super::kernels`], as the
/// default target compiles them; the AVX2 and AVX-512 builds have the same signatures).
#[allow(clippy::too_many_arguments)]
mod base {
    use super::*;
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
    pub fn eam_density(first: usize, rho: &mut [Real], r: Positions<'_>, nl: &NeighborList, t: &EamCoefs) {
        for (k, rho) in rho.iter_mut().enumerate() {
            *rho = kernels::eam_density_atom(r, nl, first + k, t);
        }
    }
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
}

/// The entry points of a SIMD build (`$feature`: the `target_feature` its kernels need): the
/// block functions the dispatch calls, which pick the monomorphised per-atom kernels
/// (`lj_atom`, `eam_density_atom`, `eam_force_atom` of the calling module) by entry width,
/// energies and position form, with the portable kernels as the fallback where a SIMD one
/// declines (a distance past a table's end).
macro_rules! entry_points {
    ($feature:literal) => {
        /// LJ forces of the atoms from `first` on, and with `energy` their energies and the
        /// virial's exact sums.
        #[target_feature(enable = $feature)]
        #[allow(clippy::too_many_arguments)]
        pub fn lj(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut [FixedSum; 6], r: Positions<'_>, nl: &NeighborList, c: &LjConsts, energy: bool) {
            assert!(nl.n_particles() <= r.len(), "neighbour lists built for other particles");
            match (nl.width(), energy, r.is_split()) {
                (3, true, false) => lj_run::<true, 3, false>(first, f, u, w, r, nl, c),
                (3, false, false) => lj_run::<false, 3, false>(first, f, u, w, r, nl, c),
                (_, true, false) => lj_run::<true, 4, false>(first, f, u, w, r, nl, c),
                (_, false, false) => lj_run::<false, 4, false>(first, f, u, w, r, nl, c),
                (3, true, true) => lj_run::<true, 3, true>(first, f, u, w, r, nl, c),
                (3, false, true) => lj_run::<false, 3, true>(first, f, u, w, r, nl, c),
                (_, true, true) => lj_run::<true, 4, true>(first, f, u, w, r, nl, c),
                (_, false, true) => lj_run::<false, 4, true>(first, f, u, w, r, nl, c),
            }
        }

        #[target_feature(enable = $feature)]
        fn lj_run<const E: bool, const W: usize, const S: bool>(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut [FixedSum; 6], r: Positions<'_>, nl: &NeighborList, c: &LjConsts) {
            for (k, (f, u)) in f.iter_mut().zip(u.iter_mut()).enumerate() {
                let (fk, uk, wk) = lj_atom::<E, W, S>(r, nl, first + k, c);
                *f = fk;
                if E {
                    *u = uk;
                    add_exact(w, &wk);
                }
            }
        }

        /// EAM host densities of the atoms from `first` on.
        #[target_feature(enable = $feature)]
        pub fn eam_density(first: usize, rho: &mut [Real], r: Positions<'_>, nl: &NeighborList, t: &EamCoefs) {
            assert!(nl.n_particles() <= r.len(), "neighbour lists built for other particles");
            match (nl.width(), r.is_split()) {
                (3, false) => eam_density_run::<3, false>(first, rho, r, nl, t),
                (_, false) => eam_density_run::<4, false>(first, rho, r, nl, t),
                (3, true) => eam_density_run::<3, true>(first, rho, r, nl, t),
                (_, true) => eam_density_run::<4, true>(first, rho, r, nl, t),
            }
        }

        #[target_feature(enable = $feature)]
        fn eam_density_run<const W: usize, const S: bool>(first: usize, rho: &mut [Real], r: Positions<'_>, nl: &NeighborList, t: &EamCoefs) {
            for (k, rho) in rho.iter_mut().enumerate() {
                let i = first + k;
                *rho = eam_density_atom::<W, S>(r, nl, i, t).unwrap_or_else(|| kernels::eam_density_atom(r, nl, i, t));
            }
        }

        /// EAM forces of the atoms from `first` on (F′ in the positions' fourth lane), and
        /// with `energy` their pair energies added to `u` and the virial's exact sums.
        #[target_feature(enable = $feature)]
        #[allow(clippy::too_many_arguments)]
        pub fn eam_force(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut [FixedSum; 6], r: Positions<'_>, nl: &NeighborList, t: &EamCoefs, energy: bool) {
            assert!(nl.n_particles() <= r.len(), "neighbour lists built for other particles");
            match (nl.width(), energy, r.is_split()) {
                (3, true, false) => eam_force_run::<true, 3, false>(first, f, u, w, r, nl, t),
                (3, false, false) => eam_force_run::<false, 3, false>(first, f, u, w, r, nl, t),
                (_, true, false) => eam_force_run::<true, 4, false>(first, f, u, w, r, nl, t),
                (_, false, false) => eam_force_run::<false, 4, false>(first, f, u, w, r, nl, t),
                (3, true, true) => eam_force_run::<true, 3, true>(first, f, u, w, r, nl, t),
                (3, false, true) => eam_force_run::<false, 3, true>(first, f, u, w, r, nl, t),
                (_, true, true) => eam_force_run::<true, 4, true>(first, f, u, w, r, nl, t),
                (_, false, true) => eam_force_run::<false, 4, true>(first, f, u, w, r, nl, t),
            }
        }

        #[target_feature(enable = $feature)]
        fn eam_force_run<const E: bool, const W: usize, const S: bool>(first: usize, f: &mut [Real3], u: &mut [Real], w: &mut [FixedSum; 6], r: Positions<'_>, nl: &NeighborList, t: &EamCoefs) {
            for (k, (f, u)) in f.iter_mut().zip(u.iter_mut()).enumerate() {
                let i = first + k;
                let fast = match t.joint() {
                    Some(joint) => eam_force_atom::<E, W, true, S>(r, nl, i, t, joint),
                    None => eam_force_atom::<E, W, false, S>(r, nl, i, t, &[]),
                };
                let (fk, uk, wk) = fast.unwrap_or_else(|| kernels::eam_force_atom::<E>(r, nl, i, t));
                *f = fk;
                if E {
                    *u += uk;
                    add_exact(w, &wk);
                }
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
/// The AVX-512 kernels' transpose of eight padded particles into x, y, z and w (for the
/// benches' prototype kernels, which must load particles exactly as the kernels do).
#[cfg(target_arch = "x86_64")]
#[doc(hidden)]
pub use avx512::transpose8;

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
mod tests;
