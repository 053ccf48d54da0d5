//! The padded position the kernels, the list build and the scan all read: one aligned
//! 256-bit load per particle. Its own file so that none of them imports another for it.

use crate::types::Real;

/// A position padded to 32 bytes, `(x, y, z, w)`, so one aligned 256-bit load takes it; `w`
/// carries a per-atom value some kernel needs with the position (EAM's last pass: F'(ρ̄)).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[repr(C, align(32))]
pub struct Pos4(pub [Real; 4]);

/// Where the force kernels read the particles' positions (and EAM's `w`, F'(ρ̄)): the padded
/// copy ([`Pos4`], one aligned load per particle, made at each evaluation; stored lists) or
/// the particles' own positions with `w` beside them (streamed lists, which save the copy's
/// 32 bytes per particle). The kernels read the same values either way, so the results have
/// the same bits.
#[derive(Debug, Clone, Copy)]
pub struct Positions<'a> {
    padded: &'a [Pos4],
    xyz: &'a [[Real; 3]],
    w: &'a [Real],
}

impl<'a> Positions<'a> {
    /// The padded copy.
    pub fn padded(r: &'a [Pos4]) -> Self {
        Positions { padded: r, xyz: &[], w: &[] }
    }

    /// Positions and, if not empty, a `w` per particle.
    pub fn split(xyz: &'a [[Real; 3]], w: &'a [Real]) -> Self {
        assert!(w.is_empty() || w.len() == xyz.len(), "one w per particle");
        Positions { padded: &[], xyz, w }
    }

    /// Whether the positions are [`Positions::split`].
    #[inline(always)]
    pub fn is_split(&self) -> bool {
        self.padded.is_empty() && !self.xyz.is_empty()
    }

    /// Number of particles (of the form in use).
    #[inline(always)]
    pub fn len(&self) -> usize {
        if self.is_split() { self.xyz.len() } else { self.padded.len() }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The padded copy (empty if split).
    #[inline(always)]
    pub fn padded_slice(&self) -> &'a [Pos4] {
        self.padded
    }

    /// The positions of split ones (empty if padded).
    #[inline(always)]
    pub fn xyz(&self) -> &'a [[Real; 3]] {
        self.xyz
    }

    /// The `w` of split ones (empty if padded or not given).
    #[inline(always)]
    pub fn w(&self) -> &'a [Real] {
        self.w
    }

    /// `(x, y, z, w)` of particle `j` (`w` 0 if split without one).
    #[inline(always)]
    pub fn get(&self, j: usize) -> [Real; 4] {
        if self.padded.is_empty() {
            let p = self.xyz[j];
            [p[0], p[1], p[2], self.w.get(j).copied().unwrap_or(0.0)]
        } else {
            self.padded[j].0
        }
    }
}
