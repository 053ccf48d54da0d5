//! When the Verlet lists must be rebuilt.
//!
//! A list holds the partners within `range = cutoff + skin` of each atom at the last rebuild
//! (its reference positions `r_ref`). A pair that was farther apart can only have come within
//! the cutoff if the two atoms moved by `d_i + d_j ≥ skin` between them. The usual rule
//! (LAMMPS's, and this engine's first) rebuilds as soon as any one atom has moved half a
//! skin, which is sufficient but grows stricter with the number of atoms: the largest of N
//! thermal displacements grows with N. In CoMD's 600 K copper, 32 000 atoms never reach half
//! the LJ skin, while among 1 000 000 some atom does every ~50 steps, and each rebuild costs
//! about five force evaluations.
//!
//! The rule used here is exact for pairs instead: rebuild when some *pair* of atoms with
//! `d_i + d_j ≥ skin` had reference positions within `cutoff + d_i + d_j` of each other
//! (any periodic image). Then every pair within the cutoff now is either on the lists
//! (`|r_ref,ij| ≤ |r_ij| + d_i + d_j < range`) or flagged. While no atom has moved half a
//! skin (no such pair can exist) it costs nothing beyond the reduction of the largest move
//! that the half-skin rule needed too; after that, the atoms that can be part of such a pair
//! (`d ≥ skin − max d`) are gathered on every rank and tested pairwise. In the 1M-atom
//! crystal they are a few to ~100 atoms, far apart: no rebuild in 400 steps instead of one
//! every ~50. A melt moves many atoms far, and goes back to frequent rebuilds through the
//! cap on how many atoms are gathered ([`max_gathered`]); any atom that moved a whole skin
//! also forces one ([`max_move`]), so atoms still move at most a skin between rebuilds.
//!
//! Ghosts need nothing more: they are the images within `range` of the rank's box at the last
//! rebuild, and the same argument puts every partner of an owned atom among them.
//!
//! The decision depends only on global quantities — the largest displacement, the count of
//! candidates (exact integer reductions) and an order-independent test over all of them — so
//! it is the same for any number of threads and any rank grid, and a restart (which keeps
//! `r_ref`) makes it at the same steps.

use crate::comm::Comm;
use crate::types::{Real, Real3};
use rayon::prelude::*;

/// Most atoms gathered for the pair test (all ranks together) in a system of `n` atoms;
/// beyond that the lists are rebuilt. The test is quadratic in them, ~15 ns per pair here
/// (1024 atoms: 8 ms, measured), so they are kept to √(n/10): the test then costs at most
/// ~1.5 ns per atom, 1 % of a force evaluation (1 M atoms: 316, against at most 104 seen in
/// the 600 K crystal).
pub fn max_gathered(n: usize) -> usize {
    ((n as Real / 10.0).sqrt() as usize).clamp(16, 1024)
}

/// Rounding margin of the comparisons, Å: the test errs towards rebuilding.
const EPS: Real = 1e-9;

/// Squared distance an atom moved from its reference position `r0` to `r`.
#[inline]
pub fn moved2(r: &Real3, r0: &Real3) -> Real {
    let d = [r[0] - r0[0], r[1] - r0[1], r[2] - r0[2]];
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

/// The geometry of a rebuild decision (not [`super::neighbors::Reach`], which only carries
/// the two distances of a list build).
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    /// Interaction cutoff, Å.
    pub cutoff: Real,
    /// Verlet skin, Å.
    pub skin: Real,
    /// Global box lengths, Å.
    pub box_len: Real3,
}

/// The farthest an atom goes between rebuilds: a skin, or a quarter of the range if that is
/// less (a cutoff shorter than the skin), so that a move of half the range — beyond the
/// ghost layer's reach — is still a jump within one step.
pub fn max_move(geo: Geometry) -> Real {
    geo.skin.min(0.25 * (geo.cutoff + geo.skin))
}

/// Whether the lists built at `r_ref` may miss a pair at positions `r` (owned atoms of this
/// rank; collective: every rank gets the same answer). `worst` is the largest [`moved2`] on
/// all ranks (NaN counted as infinite), which the caller has reduced; every atom's is at most
/// that, so past the early returns all are finite.
pub fn must_rebuild(r: &[Real3], r_ref: impl Fn(usize) -> Real3 + Sync, worst: Real, geo: Geometry, comm: &mut dyn Comm) -> bool {
    if worst <= 0.25 * geo.skin * geo.skin {
        return false;
    }
    if worst >= max_move(geo).powi(2) {
        // rebuild whoever is near it: this bounds how far an atom goes between rebuilds
        return true;
    }
    // only atoms that moved at least skin − (largest move) can be part of a pair that closed
    // the skin between them
    let floor = (geo.skin - worst.sqrt() - EPS).max(0.0);
    let moved: Vec<[Real; 4]> = (0..r.len())
        .into_par_iter()
        .with_min_len(4096)
        .filter_map(|i| {
            let (r, r0) = (&r[i], r_ref(i));
            let d2 = moved2(r, &r0);
            (d2 >= floor * floor).then(|| [r0[0], r0[1], r0[2], d2.sqrt()])
        })
        .collect();
    let mut count = [moved.len() as i64, r.len() as i64];
    comm.sum_i64(&mut count);
    if count[0] as usize > max_gathered(count[1] as usize) {
        return true;
    }
    if comm.size() == 1 {
        return close_pair(&moved, geo);
    }
    let bytes: Vec<u8> = moved.iter().flatten().flat_map(|v| v.to_le_bytes()).collect();
    let mut all = comm.gather_bytes(0, &bytes).concat();
    comm.broadcast_bytes(0, &mut all);
    let all: Vec<[Real; 4]> = all
        .chunks_exact(32)
        .map(|c| std::array::from_fn(|k| Real::from_le_bytes(c[8 * k..8 * k + 8].try_into().expect("8 bytes"))))
        .collect();
    close_pair(&all, geo)
}

/// Whether two of `moved` (reference position and displacement of each) moved by a skin or
/// more in total, were not on each other's lists (`cutoff + skin` or farther apart), and
/// were within `cutoff` plus their displacements of each other (nearest periodic image). In
/// a box so small that another image could also be that close, any pair that moved a skin
/// counts.
pub fn close_pair(moved: &[[Real; 4]], geo: Geometry) -> bool {
    let half_box = geo.box_len.iter().cloned().fold(Real::INFINITY, Real::min) / 2.0;
    // surely listed below this (the lists test d² < range² on the particles' coordinates; a
    // periodic image's differ from `r_ref ± L` in the last bits, well within EPS)
    let listed = geo.cutoff + geo.skin - EPS;
    for (a, p) in moved.iter().enumerate() {
        for q in &moved[a + 1..] {
            let s = p[3] + q[3];
            if s < geo.skin - EPS {
                continue;
            }
            let near = geo.cutoff + s + EPS;
            if near >= half_box {
                return true;
            }
            let d2: Real = (0..3)
                .map(|k| {
                    // nearest image (reference positions are wrapped into the box: this
                    // is rarely needed, and then by one box length)
                    let (l, mut x) = (geo.box_len[k], p[k] - q[k]);
                    if x.abs() > 0.5 * l {
                        x -= l * (x / l).round();
                    }
                    x * x
                })
                .sum();
            if d2.is_nan() || (d2 >= listed * listed && d2 < near * near) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comm::serial::Serial;

    const REACH: Geometry = Geometry { cutoff: 5.0, skin: 1.0, box_len: [30.0, 30.0, 40.0] };

    #[test]
    fn a_pair_counts_only_if_it_closed_the_skin_and_was_near() {
        // 7 Å apart: beyond cutoff + skin = 6 on the lists' side
        let (a, b) = ([1.0, 2.0, 3.0], [8.0, 2.0, 3.0]);
        let pair = |da: Real, db: Real| close_pair(&[[a[0], a[1], a[2], da], [b[0], b[1], b[2], db]], REACH);
        assert!(!pair(0.4, 0.5), "moved less than a skin together");
        // neighbours on each other's lists may both move far
        let listed = close_pair(&[[1.0, 2.0, 3.0, 0.9], [6.9, 2.0, 3.0, 0.9]], REACH);
        assert!(!listed, "5.9 Å apart, within cutoff + skin: listed");
        assert!(!pair(0.9, 0.9), "7 Å apart is beyond 5 + 1.8");
        assert!(pair(1.0, 1.0), "7 Å is within 5 + 2");
        // across the periodic boundary of x: 3 and 27 are 6 Å apart
        let wrap = close_pair(&[[3.0, 0.0, 0.0, 0.8], [27.0, 0.0, 0.0, 0.8]], REACH);
        assert!(wrap, "nearest image");
        // a lone atom, however far it went, pairs with nobody
        assert!(!close_pair(&[[1.0, 1.0, 1.0, 3.0]], REACH));
        // a box under twice the reach: any pair that closed the skin counts
        let small = Geometry { box_len: [12.0, 30.0, 30.0], ..REACH };
        assert!(close_pair(&[[0.0, 0.0, 0.0, 0.6], [0.0, 15.0, 15.0, 0.6]], small));
        // just over it: the nearest image decides (reach 6.1 < 7)
        let just = Geometry { box_len: [14.0, 30.0, 30.0], ..REACH };
        assert!(!close_pair(&[[1.0, 0.0, 0.0, 0.55], [7.5, 0.0, 0.0, 0.55]], just), "6.5 apart");
        assert!(close_pair(&[[1.0, 0.0, 0.0, 0.55], [7.05, 0.0, 0.0, 0.55]], just), "6.05 apart");
        assert!(close_pair(&[[1.0, 0.0, 0.0, 0.55], [8.95, 0.0, 0.0, 0.55]], just), "6.05 apart through the boundary");
    }

    #[test]
    fn nobody_past_half_a_skin_means_no_rebuild_and_a_close_pair_means_one() {
        let r_ref = vec![[1.0, 1.0, 1.0], [7.1, 1.0, 1.0], [20.0, 20.0, 20.0]];
        let mut comm = Serial::new();
        let d2 = |r: &[Real3]| r.iter().zip(&r_ref).map(|(a, b)| moved2(a, b)).fold(0.0, Real::max);
        // each moved 0.45 < skin / 2
        let r = vec![[1.45, 1.0, 1.0], [6.65, 1.0, 1.0], [20.0, 20.45, 20.0]];
        assert!(!must_rebuild(&r, |i| r_ref[i], d2(&r), REACH, &mut comm));
        // two atoms 6.1 Å apart (not listed) moved 0.6 each: within 5 + 1.2
        let r = vec![[1.6, 1.0, 1.0], [6.5, 1.0, 1.0], [20.0, 20.0, 20.0]];
        assert!(must_rebuild(&r, |i| r_ref[i], d2(&r), REACH, &mut comm));
        // one atom moved 0.9, far from the others: the old rule rebuilds, this one does not
        let r = vec![[1.0, 1.0, 1.0], [7.1, 1.0, 1.0], [20.9, 20.0, 20.0]];
        assert!(!must_rebuild(&r, |i| r_ref[i], d2(&r), REACH, &mut comm));
        // but a whole skin, however far from the others, does (a cutoff under the skin caps
        // the move at a quarter of the range)
        let short = Geometry { cutoff: 1.0, skin: 1.0, ..REACH };
        assert_eq!((max_move(REACH), max_move(short)), (1.0, 0.5));
        let r = vec![[1.0, 1.0, 1.0], [7.1, 1.0, 1.0], [21.0, 20.0, 20.0]];
        assert!(must_rebuild(&r, |i| r_ref[i], d2(&r), REACH, &mut comm));
    }
}
