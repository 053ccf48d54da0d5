//! Basic numeric types shared by the engine (CoMD `mytype.h`).

/// Floating-point type of every physical quantity. CoMD 1.1 is built with `-DDOUBLE`.
pub type Real = f64;

/// A 3-vector of reals: position, momentum or force of one atom.
pub type Real3 = [Real; 3];

/// The three Cartesian axes, in the order the halo exchange visits them.
pub const AXES: [usize; 3] = [0, 1, 2];

/// A symmetric 3×3 tensor in Voigt order `xx yy zz yz xz xy` (ASE's and LAMMPS's order):
/// the virial `W_ab = Σ_pairs d_a f_b` (eV) and the stresses made from it.
pub type Voigt = [Real; 6];

/// The axis pairs `(a, b)` of each Voigt component.
pub const VOIGT: [(usize, usize); 6] = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)];

/// The trace `xx + yy + zz` of a Voigt tensor, summed in that order.
pub fn trace(v: &Voigt) -> Real {
    (v[0] + v[1]) + v[2]
}

/// `s · d_a d_b` in Voigt order: one pair's virial `d_a f_b` for a central force `f = s d`.
pub fn outer(d: Real3, s: Real) -> Voigt {
    VOIGT.map(|(a, b)| s * (d[a] * d[b]))
}

/// Adds `w` to `sum`, halved if `half` (a pair with a halo image counts half on each side).
pub fn add_voigt(sum: &mut Voigt, w: Voigt, half: bool) {
    for (s, w) in sum.iter_mut().zip(w) {
        *s += if half { 0.5 * w } else { w };
    }
}
