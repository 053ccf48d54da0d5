//! The padded position the kernels, the list build and the scan all read: one aligned
//! 256-bit load per particle. Its own file so that none of them imports another for it.

use crate::types::Real;

/// A position padded to 32 bytes, `(x, y, z, w)`, so one aligned 256-bit load takes it; `w`
/// carries a per-atom value some kernel needs with the position (EAM's last pass: F'(ρ̄)).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[repr(C, align(32))]
pub struct Pos4(pub [Real; 4]);
