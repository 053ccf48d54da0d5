//! CoMD's EAM force loops on link cells (port of `eam.c: eamForce`, spec §8.2).
//!
//! EAM energy: `E = Σ_i F(ρ̄_i) + ½ Σ_{i≠j} φ(r_ij)`, with `ρ̄_i = Σ_j ρ(r_ij)`. The force
//! on an atom needs `F'(ρ̄)` of *both* atoms of every pair, and `ρ̄` of a halo image is only
//! known on the rank that owns the atom. Hence three passes with an exchange in the middle:
//!
//! 1. pairs: φ and ρ, pair forces, `ρ̄` accumulated on both atoms (half list by cell index);
//! 2. local atoms: `F(ρ̄)`, `F'(ρ̄)` stored per atom;
//! 3. `F'` copied to halo images through the halo exchange ([`ForcePayload`],
//!    the same driver that moves atoms), then the embedding forces over the same pairs.
//!
//! CoMD keeps `r² > r_c²` in pass 1 but `r² ≥ r_c²` in pass 3; so do we, to the bit.

use super::payload::{force_cell_lists, ForcePayload};
use super::system::System;
use crate::comm::halo;
use crate::comm::Comm;
use crate::error::RunError;
use crate::potential::eam::EamTables;
use crate::timers::{Timer, Timers};
use crate::types::{add_voigt, outer, Real, Voigt};

/// The EAM tables with the exact loops' per-slot scratch arrays.
#[derive(Clone)]
pub struct Eam {
    /// The tables (φ, ρ, F) and constants.
    pub tables: EamTables,
    rhobar: Vec<Real>,
    df_embed: Vec<Real>,
    /// Force-exchange cell lists `(send, recv)`, built on first use.
    lists: Option<([Vec<usize>; 6], [Vec<usize>; 6])>,
}

impl Eam {
    /// An EAM potential from its tables.
    pub fn new(tables: EamTables) -> Eam {
        Eam { tables, rhobar: Vec::new(), df_embed: Vec::new(), lists: None }
    }
}

/// Calls `pair(i, j, dr, r2, j_local)` for each pair of CoMD's EAM half list (cells `jb ≥ ib`,
/// and within one cell slot `j > i`) with `r2 < cut2` (`inclusive`: `r2 ≤ cut2`).
#[inline(always)]
fn for_each_pair(sys: &System, cut2: Real, inclusive: bool, mut pair: impl FnMut(usize, usize, [Real; 3], Real, bool)) {
    let cells = &sys.cells;
    let r = &sys.atoms.r;
    for ib in 0..cells.n_local_boxes {
        for &jb in &cells.nbr_boxes[ib] {
            if jb < ib {
                continue;
            }
            let j_local = jb < cells.n_local_boxes;
            for (ii, i) in cells.slots(ib).enumerate() {
                for (jj, j) in cells.slots(jb).enumerate() {
                    if ib == jb && jj <= ii {
                        continue;
                    }
                    let dr = [r[i][0] - r[j][0], r[i][1] - r[j][1], r[i][2] - r[j][2]];
                    let r2 = dr[0] * dr[0] + dr[1] * dr[1] + dr[2] * dr[2];
                    if r2 > cut2 || (!inclusive && r2 == cut2) {
                        continue;
                    }
                    pair(i, j, dr, r2, j_local);
                } // loop over atoms in jBox
            } // loop over atoms in iBox
        } // loop over neighbour boxes
    } // loop over local boxes
}

impl Eam {
    /// Forces and per-atom energies of the local atoms of `sys` (halo images current), in
    /// CoMD's order; returns this rank's potential energy and, with `virial`, its virial.
    pub fn force(&mut self, sys: &mut System, virial: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(Real, Option<Voigt>), RunError> {
        let n_slots = sys.atoms.len();
        self.rhobar.clear();
        self.rhobar.resize(n_slots, 0.0);
        self.df_embed.clear();
        self.df_embed.resize(n_slots, 0.0);
        if self.lists.is_none() {
            self.lists = Some(force_cell_lists(&sys.cells));
        }
        sys.atoms.f.iter_mut().for_each(|f| *f = [0.0; 3]);
        sys.atoms.u.iter_mut().for_each(|u| *u = 0.0);
        let cut2 = self.tables.cutoff * self.tables.cutoff;
        let (phi, rho, embed) = (&self.tables.phi, &self.tables.rho, &self.tables.embed);
        let mut etot = 0.0;
        // d_a f_b = −(φ′ + (F′_i + F′_j) ρ′) d_a d_b / r per pair, summed as the two passes go
        let mut w = [0.0; 6];

        // pass 1: pair energy and forces, electron density
        let (mut f, mut u, rhobar) = (std::mem::take(&mut sys.atoms.f), std::mem::take(&mut sys.atoms.u), &mut self.rhobar);
        for_each_pair(sys, cut2, true, |i, j, dr, r2, j_local| {
            let r = r2.sqrt();
            let (phi_r, dphi) = phi.eval(r);
            let (rho_r, _) = rho.eval(r);
            for k in 0..3 {
                f[i][k] -= dphi * dr[k] / r;
                f[j][k] += dphi * dr[k] / r;
            }
            etot += if j_local { phi_r } else { 0.5 * phi_r };
            if virial {
                add_voigt(&mut w, outer(dr, -(dphi / r)), !j_local);
            }
            u[i] += 0.5 * phi_r;
            u[j] += 0.5 * phi_r;
            rhobar[i] += rho_r;
            rhobar[j] += rho_r;
        });

        // pass 2: embedding energy of local atoms
        for b in 0..sys.cells.n_local_boxes {
            for i in sys.cells.slots(b) {
                let (fe, dfe) = embed.eval(rhobar[i]);
                self.df_embed[i] = dfe;
                etot += fe;
                u[i] += fe;
            }
        }

        // F'(ρ̄) of every atom to its halo images
        timers.start(Timer::EamHalo);
        let (send, recv) = self.lists.as_ref().expect("force lists built above");
        let mut payload = ForcePayload { cells: &sys.cells, values: &mut self.df_embed, send, recv };
        let res = halo::exchange(comm, &sys.nbrs, &mut payload, timers);
        timers.stop(Timer::EamHalo);
        res?;

        // pass 3: embedding forces
        let dfe = &self.df_embed;
        for_each_pair(sys, cut2, false, |i, j, dr, r2, j_local| {
            let r = r2.sqrt();
            let (_, drho) = rho.eval(r);
            if virial {
                add_voigt(&mut w, outer(dr, -((dfe[i] + dfe[j]) * drho / r)), !j_local);
            }
            for k in 0..3 {
                f[i][k] -= (dfe[i] + dfe[j]) * drho * dr[k] / r;
                f[j][k] += (dfe[i] + dfe[j]) * drho * dr[k] / r;
            }
        });
        sys.atoms.f = f;
        sys.atoms.u = u;
        Ok((etot, virial.then_some(w)))
    }
}
