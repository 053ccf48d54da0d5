//! Potentials and force kernels.

pub mod eam;
