//! Basic numeric types shared by the engine (CoMD `mytype.h`).

/// Floating-point type of every physical quantity. CoMD 1.1 is built with `-DDOUBLE`.
pub type Real = f64;

/// A 3-vector of reals: position, momentum or force of one atom.
pub type Real3 = [Real; 3];

/// The three Cartesian axes, in the order the halo exchange visits them.
pub const AXES: [usize; 3] = [0, 1, 2];
