//! Packed message buffers: what crosses a face in a halo exchange.
//!
//! CoMD sends arrays of C structs (`AtomMsg`: `int gid; int type; double r[3], p[3]`).
//! comd-rs keeps the integer and floating-point parts in two flat buffers, so a message is
//! plain `i32`/`f64` data that any transport (a memcpy to oneself, or MPI) can move without a
//! derived datatype, and so the layout is independent of struct padding.

use crate::types::Real;

/// One message: an integer buffer and a float buffer. The meaning of the entries is set by
/// the payload that packed it (see [`crate::comm::halo::HaloPayload`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Packed {
    /// Integer part (e.g. gid and species of each atom).
    pub ints: Vec<i32>,
    /// Floating-point part (e.g. position and momentum of each atom).
    pub reals: Vec<Real>,
}

impl Packed {
    /// An empty message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Size of the message on the wire, in bytes.
    pub fn n_bytes(&self) -> usize {
        self.ints.len() * std::mem::size_of::<i32>() + self.reals.len() * std::mem::size_of::<Real>()
    }

    /// Clears both buffers, keeping their allocations.
    pub fn clear(&mut self) {
        self.ints.clear();
        self.reals.clear();
    }
}
