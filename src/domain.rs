//! Spatial decomposition of the periodic box over a grid of ranks (port of `decomposition.c`).
//!
//! Pure arithmetic: rank and size come in as numbers, so this module knows nothing of MPI.
//! Ranks are numbered x fastest, as CoMD does (not MPI_Cart_create's row-major order).

use crate::types::{Real, Real3};

/// Which face of a rank's domain (CoMD `HaloFaceOrder`): `2*axis` is minus, `2*axis+1` plus.
pub type Face = usize;

/// The minus face along `axis`.
pub fn face_minus(axis: usize) -> Face {
    2 * axis
}
/// The plus face along `axis`.
pub fn face_plus(axis: usize) -> Face {
    2 * axis + 1
}

/// This rank's piece of the global box.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    /// Number of ranks along each axis.
    pub proc_grid: [usize; 3],
    /// This rank's coordinates in the rank grid.
    pub proc_coord: [usize; 3],
    /// Lower corner of the global box (always 0).
    pub global_min: Real3,
    /// Upper corner of the global box.
    pub global_max: Real3,
    /// Size of the global box.
    pub global_extent: Real3,
    /// Lower corner of this rank's domain.
    pub local_min: Real3,
    /// Upper corner of this rank's domain.
    pub local_max: Real3,
    /// Size of this rank's domain.
    pub local_extent: Real3,
}

impl Domain {
    /// Decomposition of the box `[0, global_max)` over `proc_grid` ranks, seen from `rank`.
    pub fn new(proc_grid: [usize; 3], rank: usize, global_max: Real3) -> Domain {
        let [px, py, _] = proc_grid;
        let proc_coord = [rank % px, (rank / px) % py, rank / (px * py)];
        let global_min = [0.0; 3];
        let mut d = Domain {
            proc_grid,
            proc_coord,
            global_min,
            global_max,
            global_extent: [0.0; 3],
            local_min: [0.0; 3],
            local_max: [0.0; 3],
            local_extent: [0.0; 3],
        };
        for i in 0..3 {
            d.global_extent[i] = d.global_max[i] - d.global_min[i];
            d.local_extent[i] = d.global_extent[i] / proc_grid[i] as Real;
            d.local_min[i] = d.global_min[i] + proc_coord[i] as Real * d.local_extent[i];
            d.local_max[i] = d.global_min[i] + (proc_coord[i] + 1) as Real * d.local_extent[i];
        }
        d
    }

    /// Rank of the neighbour at offset `(dx, dy, dz)` (each −1, 0 or +1), periodic.
    pub fn neighbor_rank(&self, offset: [i64; 3]) -> usize {
        let g = self.proc_grid.map(|v| v as i64);
        let c = self.proc_coord.map(|v| v as i64);
        let w = |a: usize| (c[a] + offset[a] + g[a]).rem_euclid(g[a]);
        (w(0) + g[0] * (w(1) + g[1] * w(2))) as usize
    }

    /// Rank across `face`.
    pub fn face_rank(&self, face: Face) -> usize {
        let mut off = [0i64; 3];
        off[face / 2] = if face % 2 == 0 { -1 } else { 1 };
        self.neighbor_rank(off)
    }

    /// Periodic shift factor (−1, 0 or +1 box lengths) applied on `axis` to atoms sent across
    /// `face`: +1 through the lower global boundary, −1 through the upper one.
    pub fn pbc_factor(&self, face: Face) -> Real {
        let axis = face / 2;
        if face % 2 == 0 && self.proc_coord[axis] == 0 {
            1.0
        } else if face % 2 == 1 && self.proc_coord[axis] == self.proc_grid[axis] - 1 {
            -1.0
        } else {
            0.0
        }
    }

    /// Number of ranks.
    pub fn n_ranks(&self) -> usize {
        self.proc_grid.iter().product()
    }
}

/// `x` wrapped into `[0, l)` and the number of box lengths taken off (`None` if `x` is not
/// finite or more than 2^31 boxes away).
pub fn wrap(x: Real, l: Real) -> Option<(Real, i32)> {
    let n = (x / l).floor();
    if !n.is_finite() || n.abs() > i32::MAX as Real - 1.0 {
        return None;
    }
    let (mut x, mut n) = (if n == 0.0 { x } else { x - n * l }, n as i32);
    if x >= l {
        (x, n) = (x - l, n + 1);
    }
    if x < 0.0 {
        (x, n) = (x + l, n - 1);
        if x >= l {
            (x, n) = (0.0, n + 1);
        }
    }
    Some((x, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_numbering_is_x_fastest_and_neighbours_wrap() {
        let d = Domain::new([2, 3, 2], 7, [10.0, 30.0, 20.0]);
        assert_eq!(d.proc_coord, [1, 0, 1]);
        assert_eq!(d.local_min, [5.0, 0.0, 10.0]);
        assert_eq!(d.face_rank(face_plus(0)), 6); // wraps to x = 0
        assert_eq!(d.face_rank(face_minus(1)), 1 + 2 * 2 + 6); // y wraps to 2
        assert_eq!(d.pbc_factor(face_plus(0)), -1.0);
        assert_eq!(d.pbc_factor(face_minus(1)), 1.0);
        assert_eq!(d.pbc_factor(face_minus(0)), 0.0);
    }

    #[test]
    fn wrapping_lands_in_the_box_and_counts_the_boxes() {
        assert_eq!(wrap(3.0, 10.0), Some((3.0, 0)));
        assert_eq!(wrap(23.0, 10.0), Some((3.0, 2)));
        assert_eq!(wrap(-7.0, 10.0), Some((3.0, -1)));
        assert_eq!(wrap(10.0, 10.0), Some((0.0, 1)));
        // a tiny negative coordinate rounds to L when shifted: it becomes 0, image 0
        assert_eq!(wrap(-1e-17, 10.0), Some((0.0, 0)));
        assert_eq!(wrap(f64::NAN, 10.0), None);
        assert_eq!(wrap(1e300, 10.0), None);
        for x in [-1e-300, 9.999999999999998, -20.000000000000004, 1e9 + 0.3] {
            let (y, n) = wrap(x, 10.0).unwrap();
            assert!((0.0..10.0).contains(&y), "{x} -> {y}");
            assert!((y + n as f64 * 10.0 - x).abs() <= 1e-6, "{x}");
        }
    }
}
