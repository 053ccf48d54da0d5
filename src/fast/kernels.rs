//! Force kernels of the fast path: full neighbour lists, one atom at a time, so each atom's
//! sums are written only by the task that owns the atom (no atomics, no locks) and are added
//! in neighbour-list order (gid order), whatever the thread count.
//!
//! Pair arithmetic is CoMD's (same expressions, no fused multiply-add), so the fast path
//! agrees with `--exact` to round-off; only the order of the sums differs.

use super::ghosts::Particles;
use super::neighbors::NeighborList;
use crate::forces::eam::EamTables;
use crate::forces::lj::LennardJones;
use crate::types::{Real, Real3};
use rayon::prelude::*;

/// Atoms per rayon task.
const GRAIN: usize = 256;

/// LJ forces `f` and per-atom energies `u` (eV) of the owned atoms.
pub fn lj(parts: &Particles, nl: &NeighborList, lj: &LennardJones, f: &mut [Real3], u: &mut [Real]) {
    let (s6, rc2, shift) = lj.constants();
    let four_eps = 4.0 * lj.epsilon;
    let r = &parts.r;
    f.par_iter_mut().zip(u.par_iter_mut()).enumerate().with_min_len(GRAIN).for_each(|(i, (fi, ui))| {
        let ri = r[i];
        let (mut fx, mut fy, mut fz, mut e) = (0.0, 0.0, 0.0, 0.0);
        for &j in nl.of(i) {
            let rj = r[j as usize];
            let d = [ri[0] - rj[0], ri[1] - rj[1], ri[2] - rj[2]];
            let r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            if r2 > rc2 {
                continue;
            }
            let (eij, fr) = lj.pair(r2, s6, shift);
            e += eij;
            fx -= d[0] * fr;
            fy -= d[1] * fr;
            fz -= d[2] * fr;
        }
        *fi = [fx, fy, fz];
        *ui = 0.5 * e * four_eps;
    });
}

/// EAM pass 1: pair forces, pair energy (half per atom) and density of the owned atoms.
pub fn eam_pairs(parts: &Particles, nl: &NeighborList, t: &EamTables, f: &mut [Real3], u: &mut [Real], rho: &mut [Real]) {
    let rc2 = t.cutoff * t.cutoff;
    let r = &parts.r;
    f.par_iter_mut()
        .zip(u.par_iter_mut())
        .zip(rho.par_iter_mut())
        .enumerate()
        .with_min_len(GRAIN)
        .for_each(|(i, ((fi, ui), rhoi))| {
            let ri = r[i];
            let (mut fx, mut fy, mut fz, mut e, mut dens) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for &j in nl.of(i) {
                let rj = r[j as usize];
                let d = [ri[0] - rj[0], ri[1] - rj[1], ri[2] - rj[2]];
                let r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
                if r2 > rc2 {
                    continue;
                }
                let rr = r2.sqrt();
                let (phi, dphi) = t.phi.eval(rr);
                let (rh, _) = t.rho.eval(rr);
                fx -= dphi * d[0] / rr;
                fy -= dphi * d[1] / rr;
                fz -= dphi * d[2] / rr;
                e += phi;
                dens += rh;
            }
            *fi = [fx, fy, fz];
            *ui = 0.5 * e;
            *rhoi = dens;
        });
}

/// EAM pass 2: embedding energy added to `u`, derivative `F'(ρ̄)` into `dfe` (owned part).
pub fn eam_embed(t: &EamTables, rho: &[Real], u: &mut [Real], dfe: &mut [Real]) {
    u.par_iter_mut().zip(dfe.par_iter_mut()).zip(rho.par_iter()).with_min_len(GRAIN).for_each(|((ui, di), &rh)| {
        let (fe, dfv) = t.embed.eval(rh);
        *ui += fe;
        *di = dfv;
    });
}

/// EAM pass 3: embedding forces (needs `dfe` of ghosts too).
pub fn eam_embedding_forces(parts: &Particles, nl: &NeighborList, t: &EamTables, dfe: &[Real], f: &mut [Real3]) {
    let rc2 = t.cutoff * t.cutoff;
    let r = &parts.r;
    f.par_iter_mut().enumerate().with_min_len(GRAIN).for_each(|(i, fi)| {
        let ri = r[i];
        let (mut fx, mut fy, mut fz) = (0.0, 0.0, 0.0);
        for &j in nl.of(i) {
            let j = j as usize;
            let rj = r[j];
            let d = [ri[0] - rj[0], ri[1] - rj[1], ri[2] - rj[2]];
            let r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            if r2 >= rc2 {
                continue;
            }
            let rr = r2.sqrt();
            let (_, drho) = t.rho.eval(rr);
            let c = (dfe[i] + dfe[j]) * drho;
            fx -= c * d[0] / rr;
            fy -= c * d[1] / rr;
            fz -= c * d[2] / rr;
        }
        fi[0] += fx;
        fi[1] += fy;
        fi[2] += fz;
    });
}
