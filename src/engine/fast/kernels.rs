//! Force kernels of the fast path: full neighbour lists, one atom at a time, so each atom's
//! sums are written only by the task that owns the atom (no atomics, no locks).
//!
//! Neighbours are taken in blocks of [`LANES`]; each lane computes CoMD's pair expressions
//! (no fused multiply-add) and accumulates into its own partial sum, pairs beyond the cutoff
//! contributing zero; at the end the lanes are combined as `(l0 + l1) + (l2 + l3)`. The
//! neighbour list is the same sequence (global bin order, then gid) on any thread or rank
//! layout, so this order is too. The lane loops are written for the compiler's vectoriser; [`super::simd`]
//! runs them, or its AVX2-intrinsic kernels when the CPU has AVX2 — the same IEEE operations
//! per lane in the same order, so the bits are the same.

use super::neighbors::NeighborList;
pub use super::pos4::{Pos4, Positions};
use super::coefs::{CoefTable, EamCoefs};
use crate::potential::lj::LennardJones;
use crate::types::{Real, Real3, Voigt, VOIGT};

/// Pairs evaluated together.
pub const LANES: usize = 4;

/// Displacements `r_i − r_j` of up to [`LANES`] neighbours; missing lanes are put far away.
#[inline(always)]
pub(crate) fn gather(r: Positions<'_>, ri: Real3, js: &[u32]) -> [[Real; LANES]; 3] {
    let mut d = [[1.0e10; LANES]; 3];
    for (l, &j) in js.iter().enumerate() {
        let rj = r.get(j as usize);
        for k in 0..3 {
            d[k][l] = ri[k] - rj[k];
        }
    }
    d
}

/// The position part of `(x, y, z, w)`.
#[inline(always)]
fn xyz(p: [Real; 4]) -> Real3 {
    [p[0], p[1], p[2]]
}

#[inline(always)]
pub(crate) fn combine(a: [Real; LANES]) -> Real {
    (a[0] + a[1]) + (a[2] + a[3])
}

/// An atom's result: its force, its energy share (eV) and its virial share
/// `½ Σ_j d_a f_b` (eV, Voigt order); energy and virial are 0 unless energies were asked for.
pub type AtomResult = (Real3, Real, Voigt);

/// Adds `g_a d_b` of each lane to the lane sums of each Voigt component, `g = s·d` being the
/// pair's force term the force sum already computed (`s = f/r`).
#[inline(always)]
fn add_virial(w: &mut [[Real; LANES]; 6], g: &[[Real; LANES]; 3], d: &[[Real; LANES]; 3]) {
    for (c, &(a, b)) in VOIGT.iter().enumerate() {
        for l in 0..LANES {
            w[c][l] += g[a][l] * d[b][l];
        }
    }
}

/// `−½` of each component's combined lanes: the virial share of the atom whose pairs
/// `add_virial` summed.
#[inline(always)]
pub(crate) fn half_virial(w: &[[Real; LANES]; 6]) -> Voigt {
    std::array::from_fn(|c| -0.5 * combine(w[c]))
}

/// LJ force, energy (eV) and virial share (eV) of owned atom `i`; energy and virial are 0
/// unless `E` (the force bits are the same either way).
#[inline(always)]
pub fn lj_atom<const E: bool>(r: Positions<'_>, nl: &NeighborList, i: usize, c: &LjConsts) -> AtomResult {
    let ri = xyz(r.get(i));
    let mut f = [[0.0; LANES]; 3];
    let mut e = [0.0; LANES];
    let mut w = [[0.0; LANES]; 6];
    let nb = nl.of(i);
    for b in 0..nb.n_blocks() {
        let (js, n) = nb.block(b);
        let js = &js[..n];
        let d = gather(r, ri, js);
        let mut g = [[0.0; LANES]; 3];
        for l in 0..LANES {
            let r2 = d[0][l] * d[0][l] + d[1][l] * d[1][l] + d[2][l] * d[2][l];
            let inside = r2 <= c.rc2;
            let ir2 = 1.0 / if inside { r2 } else { 1.0 };
            let r6 = c.s6 * (ir2 * ir2 * ir2);
            let eij = r6 * (r6 - 1.0) - c.shift;
            let fr = c.minus_4eps * r6 * ir2 * (12.0 * r6 - 6.0);
            let (eij, fr) = if inside { (eij, fr) } else { (0.0, 0.0) };
            if E {
                e[l] += eij;
            }
            for k in 0..3 {
                g[k][l] = d[k][l] * fr;
                f[k][l] -= g[k][l];
            }
        }
        if E {
            add_virial(&mut w, &g, &d);
        }
    }
    ([combine(f[0]), combine(f[1]), combine(f[2])], 0.5 * combine(e) * c.four_eps, half_virial(&w))
}

/// LJ constants in the form the kernel uses.
#[derive(Debug, Clone, Copy)]
pub struct LjConsts {
    pub(crate) s6: Real,
    pub(crate) rc2: Real,
    pub(crate) shift: Real,
    pub(crate) minus_4eps: Real,
    pub(crate) four_eps: Real,
}

impl LjConsts {
    /// From the potential (CoMD's expressions).
    pub fn new(lj: &LennardJones) -> LjConsts {
        let (s6, rc2, shift) = lj.constants();
        LjConsts { s6, rc2, shift, minus_4eps: -4.0 * lj.epsilon, four_eps: 4.0 * lj.epsilon }
    }
}

/// The table interpolation ([`CoefTable::eval`]) for [`LANES`] arguments at once.
#[inline(always)]
fn eval_lanes(t: &CoefTable, r: [Real; LANES]) -> ([Real; LANES], [Real; LANES]) {
    let mut f = [0.0; LANES];
    let mut df = [0.0; LANES];
    for l in 0..LANES {
        (f[l], df[l]) = t.eval(r[l]);
    }
    (f, df)
}

/// EAM pass 1 for owned atom `i`: the host electron density ρ̄ (values only: no division).
#[inline(always)]
pub fn eam_density_atom(r: Positions<'_>, nl: &NeighborList, i: usize, t: &EamCoefs) -> Real {
    let rc2 = t.cutoff * t.cutoff;
    let ri = xyz(r.get(i));
    let mut dens = [0.0; LANES];
    let nb = nl.of(i);
    for b in 0..nb.n_blocks() {
        let (js, n) = nb.block(b);
        let js = &js[..n];
        let d = gather(r, ri, js);
        let mut rr = [0.0; LANES];
        let mut inside = [false; LANES];
        for l in 0..LANES {
            let r2 = d[0][l] * d[0][l] + d[1][l] * d[1][l] + d[2][l] * d[2][l];
            inside[l] = r2 <= rc2;
            rr[l] = if inside[l] { r2 } else { 1.0 }.sqrt();
        }
        let (rho, _) = eval_lanes(&t.rho, rr);
        for l in 0..LANES {
            dens[l] += if inside[l] { rho[l] } else { 0.0 };
        }
    }
    combine(dens)
}

/// EAM pass 3 for owned atom `i`: the whole force, `−(φ′ + (F′_i + F′_j) ρ′) d / r` per pair,
/// half the pair energy and the virial share (both 0 unless `E`). The `w` of every particle
/// (ghosts too) must hold its F'(ρ̄).
#[inline(always)]
pub fn eam_force_atom<const E: bool>(r: Positions<'_>, nl: &NeighborList, i: usize, t: &EamCoefs) -> AtomResult {
    let dfi = r.get(i)[3];
    let rc2 = t.cutoff * t.cutoff;
    let ri = xyz(r.get(i));
    let mut f = [[0.0; LANES]; 3];
    let mut e = [0.0; LANES];
    let mut w = [[0.0; LANES]; 6];
    let nb = nl.of(i);
    for b in 0..nb.n_blocks() {
        let (js, n) = nb.block(b);
        let js = &js[..n];
        let d = gather(r, ri, js);
        let mut g = [[0.0; LANES]; 3];
        let mut rr = [0.0; LANES];
        let mut inside = [false; LANES];
        let mut dj = [0.0; LANES];
        let mut r2 = [0.0; LANES];
        for (l, &j) in js.iter().enumerate() {
            dj[l] = r.get(j as usize)[3];
        }
        for l in 0..LANES {
            r2[l] = d[0][l] * d[0][l] + d[1][l] * d[1][l] + d[2][l] * d[2][l];
            inside[l] = r2[l] <= rc2;
            rr[l] = if inside[l] { r2[l] } else { 1.0 }.sqrt();
        }
        let (phi, dphi) = eval_lanes(&t.phi, rr);
        let (_, drho) = eval_lanes(&t.rho, rr);
        for l in 0..LANES {
            let (c, phi) = if inside[l] { ((dphi[l] + (dfi + dj[l]) * drho[l]) * (1.0 / rr[l]), phi[l]) } else { (0.0, 0.0) };
            for k in 0..3 {
                g[k][l] = c * d[k][l];
                f[k][l] -= g[k][l];
            }
            if E {
                e[l] += phi;
            }
        }
        if E {
            add_virial(&mut w, &g, &d);
        }
    }
    ([combine(f[0]), combine(f[1]), combine(f[2])], 0.5 * combine(e), half_virial(&w))
}
