//! Per-atom storage, structure of arrays, padded by link cell (CoMD `Atoms`).
//!
//! Atom `k` of link cell `b` lives at index `b * capacity + k`. CoMD fixes `capacity` at 64
//! (`MAXATOMS`) and silently writes into the next cell when a cell overflows; here the
//! capacity grows (see [`crate::engine::exact::cells::LinkCells::put_atom`]) so no atom is ever overwritten.

use crate::types::{Real, Real3};

/// Structure-of-arrays atom data for all link cells, local and halo.
#[derive(Debug, Clone, Default)]
pub struct Atoms {
    /// Global id.
    pub gid: Vec<i32>,
    /// Species index (always 0: CoMD has one species).
    pub species: Vec<i32>,
    /// Position, Å.
    pub r: Vec<Real3>,
    /// Momentum, internal mass units × Å/fs.
    pub p: Vec<Real3>,
    /// Force, eV/Å.
    pub f: Vec<Real3>,
    /// Per-atom potential energy (LJ: not scaled by 4ε, as in CoMD).
    pub u: Vec<Real>,
    /// Periodic image counters (times the atom was wrapped, per axis, with sign), so that
    /// `r + image * L` is the unwrapped position. Carried through the exchange as integers.
    pub image: Vec<[i32; 3]>,
}

impl Atoms {
    /// Zeroed storage for `n_slots` atom slots.
    pub fn new(n_slots: usize) -> Atoms {
        Atoms {
            gid: vec![0; n_slots],
            species: vec![0; n_slots],
            r: vec![[0.0; 3]; n_slots],
            p: vec![[0.0; 3]; n_slots],
            f: vec![[0.0; 3]; n_slots],
            u: vec![0.0; n_slots],
            image: vec![[0; 3]; n_slots],
        }
    }

    /// Number of slots.
    pub fn len(&self) -> usize {
        self.gid.len()
    }

    /// Whether there are no slots.
    pub fn is_empty(&self) -> bool {
        self.gid.is_empty()
    }

    /// Copies every field of slot `from` to slot `to` (CoMD `copyAtom`).
    pub fn copy_slot(&mut self, from: usize, to: usize) {
        self.gid[to] = self.gid[from];
        self.species[to] = self.species[from];
        self.r[to] = self.r[from];
        self.p[to] = self.p[from];
        self.f[to] = self.f[from];
        self.u[to] = self.u[from];
        self.image[to] = self.image[from];
    }

    /// Re-lays the arrays out from `old_cap` to `new_cap` slots per cell, for `n_boxes`
    /// cells, keeping the first `counts[b]` atoms of every cell.
    pub fn relayout(&mut self, old_cap: usize, new_cap: usize, counts: &[usize]) {
        let old = std::mem::replace(self, Atoms::new(new_cap * counts.len()));
        for (b, &n) in counts.iter().enumerate() {
            for k in 0..n {
                self.copy_from(&old, b * old_cap + k, b * new_cap + k);
            }
        }
    }

    /// Copies every field of slot `from` of `src` to slot `to` of `self`.
    fn copy_from(&mut self, src: &Atoms, from: usize, to: usize) {
        self.gid[to] = src.gid[from];
        self.species[to] = src.species[from];
        self.r[to] = src.r[from];
        self.p[to] = src.p[from];
        self.f[to] = src.f[from];
        self.u[to] = src.u[from];
        self.image[to] = src.image[from];
    }
}
