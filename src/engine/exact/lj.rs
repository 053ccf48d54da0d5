//! CoMD's Lennard-Jones force loop on link cells (port of `ljForce.c: ljForce`, spec §8.1),
//! to the bit: local pairs once (Newton's third law, `gid_j > gid_i` within local cells),
//! pairs with a halo image from both sides with half the energy each.

use super::system::System;
use crate::potential::lj::LennardJones;
use crate::types::{add_voigt, outer, Real, Voigt};

/// Forces and per-atom energies of all local atoms of `sys` (halo images current); returns
/// this rank's potential energy and, with `virial`, its virial tensor `W_ab = Σ_pairs d_a f_b`
/// (a pair with a halo image counts half, as its energy).
pub fn force(lj: &LennardJones, sys: &mut System, virial: bool) -> (Real, Option<Voigt>) {

    let (s6, rcut2, e_shift) = lj.constants();
    let cells = &sys.cells;
    let a = &mut sys.atoms;
    a.f.iter_mut().for_each(|f| *f = [0.0; 3]);
    a.u.iter_mut().for_each(|u| *u = 0.0);
    let n_local = cells.n_local_boxes;
    let mut e_pot = 0.0;
    let mut w = [0.0; 6];
    for ib in 0..n_local {
        if cells.n_atoms[ib] == 0 {
            continue;
        }
        for &jb in &cells.nbr_boxes[ib] {
            if cells.n_atoms[jb] == 0 {
                continue;
            }
            let j_local = jb < n_local;
            for i in cells.slots(ib) {
                let gid_i = a.gid[i];
                for j in cells.slots(jb) {
                    if j_local && a.gid[j] <= gid_i {
                        continue;
                    }
                    let (ri, rj) = (a.r[i], a.r[j]);
                    let dr = [ri[0] - rj[0], ri[1] - rj[1], ri[2] - rj[2]];
                    let r2 = dr[0] * dr[0] + dr[1] * dr[1] + dr[2] * dr[2];
                    if r2 > rcut2 {
                        continue;
                    }
                    let (e, fr) = lj.pair(r2, s6, e_shift);
                    a.u[i] += 0.5 * e;
                    a.u[j] += 0.5 * e;
                    e_pot += if j_local { e } else { 0.5 * e };
                    if virial {
                        // the force on i is −dr·fr
                        add_voigt(&mut w, outer(dr, -fr), !j_local);
                    }
                    for m in 0..3 {
                        a.f[i][m] -= dr[m] * fr;
                        a.f[j][m] += dr[m] * fr;
                    }
                } // loop over atoms in jBox
            } // loop over atoms in iBox
        } // loop over neighbour boxes
    } // loop over local boxes
    (e_pot * 4.0 * lj.epsilon, virial.then_some(w))
}
