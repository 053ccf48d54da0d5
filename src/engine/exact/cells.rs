//! Link cells: the spatial grid that makes the force loop O(N) (port of `linkCells.c`).
//!
//! Each rank cuts its domain into `gridSize = floor(localExtent / cutoff)` cells per axis, so
//! every cell is at least one cutoff wide and all partners of an atom sit in the 27 cells
//! around it. A one-cell-thick shell of *halo* cells surrounds the local cells; it holds the
//! images of atoms owned by neighbouring ranks (or, with one rank, periodic images) and,
//! briefly, atoms that have just left the domain.
//!
//! Numbering follows CoMD so that the C and the Rust read side by side and loop orders are
//! identical: local cells first (`ix + gx*iy + gx*gy*iz`, x fastest), then the halo cells in
//! CoMD's face order. The only properties the physics relies on are that every halo index is
//! larger than every local index and that neighbours are visited by coordinates, z fastest.
//!
//! Differences from CoMD, on purpose:
//! * a cell never overflows silently: [`LinkCells::put_atom`] grows the per-cell capacity
//!   (CoMD writes past `MAXATOMS` into the next cell) up to [`MAX_CELL_CAPACITY`];
//! * an atom more than one cell outside the domain, or at a non-finite position, is an error
//!   naming the atom, not an assertion or a wrong cell.

use crate::engine::exact::atoms::Atoms;
use crate::constants::MAXATOMS;
use crate::domain::Domain;
use crate::error::RunError;
use crate::types::{Real, Real3};

/// Largest number of atom slots a cell may grow to before the run stops.
pub const MAX_CELL_CAPACITY: usize = 4096;

/// Link-cell grid of one rank, with the per-cell atom counts.
#[derive(Debug, Clone)]
pub struct LinkCells {
    /// Local cells per axis.
    pub grid_size: [usize; 3],
    /// Number of local cells.
    pub n_local_boxes: usize,
    /// Number of halo cells.
    pub n_halo_boxes: usize,
    /// Local plus halo cells.
    pub n_total_boxes: usize,
    /// Lower corner of the local domain.
    pub local_min: Real3,
    /// Upper corner of the local domain.
    pub local_max: Real3,
    /// Edge lengths of a cell.
    pub box_size: Real3,
    /// Inverse edge lengths.
    pub inv_box_size: Real3,
    /// Atoms in each cell.
    pub n_atoms: Vec<usize>,
    /// Atom slots per cell (starts at CoMD's 64, grows on demand).
    pub capacity: usize,
    /// The 27 neighbour cells of every local cell, z fastest (CoMD `getNeighborBoxes`).
    pub nbr_boxes: Vec<[usize; 27]>,
}

impl LinkCells {
    /// Cell grid for `domain` and interaction range `cutoff`. Returns `None` when the domain
    /// is less than two cutoffs wide on some axis (callers check this first with a message).
    pub fn new(domain: &Domain, cutoff: Real) -> Option<LinkCells> {
        let mut cells = Self::geometry(domain, cutoff)?;
        cells.nbr_boxes.reserve_exact(cells.n_local_boxes);
        for b in 0..cells.n_local_boxes {
            let [ix, iy, iz] = cells.tuple(b);
            let mut list = [0usize; 27];
            let mut n = 0;
            for i in ix - 1..=ix + 1 {
                for j in iy - 1..=iy + 1 {
                    for k in iz - 1..=iz + 1 {
                        list[n] = cells.box_from_tuple(i, j, k);
                        n += 1;
                    }
                }
            }
            cells.nbr_boxes.push(list);
        }
        Some(cells)
    }

    /// [`LinkCells::new`] without the neighbour cells (`nbr_boxes` empty): the geometry, for
    /// checks and the screen's layout (the 27 neighbours take 216 bytes per cell: 1.3 GB at
    /// 100 M atoms).
    pub fn geometry(domain: &Domain, cutoff: Real) -> Option<LinkCells> {
        let mut grid_size = [0usize; 3];
        let mut box_size = [0.0; 3];
        let mut inv_box_size = [0.0; 3];
        for i in 0..3 {
            let g = (domain.local_extent[i] / cutoff).floor();
            if !(2.0..1.0e6).contains(&g) {
                return None;
            }
            grid_size[i] = g as usize;
            box_size[i] = domain.local_extent[i] / grid_size[i] as Real;
            inv_box_size[i] = 1.0 / box_size[i];
        }
        let [gx, gy, gz] = grid_size;
        let n_local_boxes = gx * gy * gz;
        let n_halo_boxes = 2 * ((gx + 2) * (gy + gz + 2) + gy * gz);
        let n_total_boxes = n_local_boxes + n_halo_boxes;
        let cells = LinkCells {
            grid_size,
            n_local_boxes,
            n_halo_boxes,
            n_total_boxes,
            local_min: domain.local_min,
            local_max: domain.local_max,
            box_size,
            inv_box_size,
            n_atoms: vec![0; n_total_boxes],
            capacity: MAXATOMS,
            nbr_boxes: Vec::new(),
        };
        Some(cells)
    }

    /// Cell index of the tuple `(ix, iy, iz)`, each in `-1..=g` (CoMD `getBoxFromTuple`).
    pub fn box_from_tuple(&self, ix: i64, iy: i64, iz: i64) -> usize {
        let [gx, gy, gz] = self.grid_size.map(|g| g as i64);
        let nl = self.n_local_boxes as i64;
        let b = if iz == gz {
            nl + 2 * gz * gy + 2 * gz * (gx + 2) + (gx + 2) * (gy + 2) + (gx + 2) * (iy + 1) + (ix + 1)
        } else if iz == -1 {
            nl + 2 * gz * gy + 2 * gz * (gx + 2) + (gx + 2) * (iy + 1) + (ix + 1)
        } else if iy == gy {
            nl + 2 * gz * gy + gz * (gx + 2) + (gx + 2) * iz + (ix + 1)
        } else if iy == -1 {
            nl + 2 * gz * gy + iz * (gx + 2) + (ix + 1)
        } else if ix == gx {
            nl + gy * gz + iz * gy + iy
        } else if ix == -1 {
            nl + iz * gy + iy
        } else {
            ix + gx * iy + gx * gy * iz
        };
        debug_assert!(b >= 0 && (b as usize) < self.n_total_boxes, "tuple ({ix},{iy},{iz})");
        b as usize
    }

    /// Tuple of cell `b` (CoMD `getTuple`), inverse of [`LinkCells::box_from_tuple`].
    pub fn tuple(&self, b: usize) -> [i64; 3] {
        let [gx, gy, gz] = self.grid_size.map(|g| g as i64);
        let nl = self.n_local_boxes as i64;
        let b = b as i64;
        if b < nl {
            return [b % gx, (b / gx) % gy, b / (gx * gy)];
        }
        let mut k = b - nl;
        if k < gy * gz {
            return [-1, k % gy, k / gy];
        }
        k -= gy * gz;
        if k < gy * gz {
            return [gx, k % gy, k / gy];
        }
        k -= gy * gz;
        if k < gz * (gx + 2) {
            return [k % (gx + 2) - 1, -1, k / (gx + 2)];
        }
        k -= gz * (gx + 2);
        if k < gz * (gx + 2) {
            return [k % (gx + 2) - 1, gy, k / (gx + 2)];
        }
        k -= gz * (gx + 2);
        if k < (gx + 2) * (gy + 2) {
            return [k % (gx + 2) - 1, k / (gx + 2) - 1, -1];
        }
        k -= (gx + 2) * (gy + 2);
        [k % (gx + 2) - 1, k / (gx + 2) - 1, gz]
    }

    /// Cell that contains position `r` (CoMD `getBoxFromCoord`), or `None` if `r` is not
    /// finite or lies more than one cell outside the local domain.
    pub fn box_from_coord(&self, r: &Real3) -> Option<usize> {
        let mut t = [0i64; 3];
        for i in 0..3 {
            if !r[i].is_finite() {
                return None;
            }
            let g = self.grid_size[i] as i64;
            let mut c = ((r[i] - self.local_min[i]) * self.inv_box_size[i]).floor();
            if r[i] < self.local_max[i] {
                if c == g as Real {
                    c = (g - 1) as Real;
                }
            } else {
                // CoMD puts anything at or beyond the upper face into halo cell g; an atom
                // more than one cell beyond it has jumped, as below the lower face.
                if c > g as Real {
                    return None;
                }
                c = g as Real;
            }
            if c < -1.0 {
                return None;
            }
            t[i] = c as i64;
        }
        Some(self.box_from_tuple(t[0], t[1], t[2]))
    }

    /// Appends an atom to the cell its position falls in (CoMD `putAtomInBox`), growing the
    /// per-cell capacity when the cell is full.
    #[allow(clippy::too_many_arguments)]
    pub fn put_atom(&mut self, atoms: &mut Atoms, gid: i32, species: i32, r: Real3, p: Real3) -> Result<usize, RunError> {
        self.put_atom_with_image(atoms, gid, species, r, p, [0; 3])
    }

    /// [`LinkCells::put_atom`] with periodic image counters.
    pub fn put_atom_with_image(
        &mut self,
        atoms: &mut Atoms,
        gid: i32,
        species: i32,
        r: Real3,
        p: Real3,
        image: [i32; 3],
    ) -> Result<usize, RunError> {
        let b = self.box_from_coord(&r).ok_or(RunError::AtomJumped { gid, pos: r })?;
        self.ensure_room(atoms, b)?;
        let i = b * self.capacity + self.n_atoms[b];
        self.n_atoms[b] += 1;
        atoms.gid[i] = gid;
        atoms.species[i] = species;
        atoms.r[i] = r;
        atoms.p[i] = p;
        atoms.image[i] = image;
        Ok(b)
    }

    /// Grows the capacity of every cell if cell `b` is full.
    fn ensure_room(&mut self, atoms: &mut Atoms, b: usize) -> Result<(), RunError> {
        if self.n_atoms[b] < self.capacity {
            return Ok(());
        }
        if self.capacity >= MAX_CELL_CAPACITY {
            return Err(RunError::CellOverflow { cell: b, limit: MAX_CELL_CAPACITY });
        }
        let new_cap = (self.capacity * 2).min(MAX_CELL_CAPACITY);
        atoms.relayout(self.capacity, new_cap, &self.n_atoms);
        self.capacity = new_cap;
        Ok(())
    }

    /// Moves slot `k` of cell `from` to the end of cell `to`, filling the hole with the last
    /// atom of `from` (CoMD `moveAtom`).
    pub fn move_atom(&mut self, atoms: &mut Atoms, k: usize, from: usize, to: usize) -> Result<(), RunError> {
        self.ensure_room(atoms, to)?;
        let cap = self.capacity;
        atoms.copy_slot(from * cap + k, to * cap + self.n_atoms[to]);
        self.n_atoms[to] += 1;
        self.n_atoms[from] -= 1;
        let last = self.n_atoms[from];
        if last > 0 {
            atoms.copy_slot(from * cap + last, from * cap + k);
        }
        Ok(())
    }

    /// Empties the halo cells and moves every local atom that left its cell into the right
    /// cell, local or halo (CoMD `updateLinkCells`).
    pub fn update(&mut self, atoms: &mut Atoms) -> Result<(), RunError> {
        for b in self.n_local_boxes..self.n_total_boxes {
            self.n_atoms[b] = 0;
        }
        for b in 0..self.n_local_boxes {
            let mut k = 0;
            while k < self.n_atoms[b] {
                let i = b * self.capacity + k;
                let target = self
                    .box_from_coord(&atoms.r[i])
                    .ok_or(RunError::AtomJumped { gid: atoms.gid[i], pos: atoms.r[i] })?;
                if target != b {
                    self.move_atom(atoms, k, b, target)?;
                } else {
                    k += 1;
                }
            }
        }
        Ok(())
    }

    /// Sorts the atoms of every cell by gid (CoMD `sortAtomsInCell`). Like CoMD, only gid,
    /// species, r and p are permuted; f and U are recomputed afterwards.
    pub fn sort_by_gid(&self, atoms: &mut Atoms) {
        let mut order: Vec<(i32, i32, Real3, Real3, [i32; 3])> = Vec::new();
        for b in 0..self.n_total_boxes {
            let n = self.n_atoms[b];
            if n < 2 {
                continue;
            }
            let off = b * self.capacity;
            if (off..off + n - 1).all(|i| atoms.gid[i] < atoms.gid[i + 1]) {
                continue;
            }
            order.clear();
            order.extend((off..off + n).map(|i| (atoms.gid[i], atoms.species[i], atoms.r[i], atoms.p[i], atoms.image[i])));
            order.sort_unstable_by_key(|a| a.0);
            for (k, a) in order.iter().enumerate() {
                atoms.gid[off + k] = a.0;
                atoms.species[off + k] = a.1;
                atoms.r[off + k] = a.2;
                atoms.p[off + k] = a.3;
                atoms.image[off + k] = a.4;
            }
        }
    }

    /// Number of atoms in local cells.
    pub fn n_local_atoms(&self) -> usize {
        self.n_atoms[..self.n_local_boxes].iter().sum()
    }

    /// Largest local-cell occupancy.
    pub fn max_occupancy(&self) -> usize {
        self.n_atoms[..self.n_local_boxes].iter().copied().max().unwrap_or(0)
    }

    /// Slot range of cell `b`.
    pub fn slots(&self, b: usize) -> std::ops::Range<usize> {
        let off = b * self.capacity;
        off..off + self.n_atoms[b]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(grid: [usize; 3]) -> LinkCells {
        let cut = 2.0;
        let ext = grid.map(|g| g as Real * cut + 0.1);
        LinkCells::new(&Domain::new([1, 1, 1], 0, ext), cut).unwrap()
    }

    #[test]
    fn tuple_index_round_trip_covers_local_and_halo() {
        for grid in [[2, 2, 2], [3, 4, 5], [6, 2, 3]] {
            let c = cells(grid);
            assert_eq!(c.grid_size, grid);
            let mut seen = vec![false; c.n_total_boxes];
            let g = grid.map(|v| v as i64);
            for ix in -1..=g[0] {
                for iy in -1..=g[1] {
                    for iz in -1..=g[2] {
                        let b = c.box_from_tuple(ix, iy, iz);
                        assert!(!seen[b], "index {b} used twice");
                        seen[b] = true;
                        assert_eq!(c.tuple(b), [ix, iy, iz]);
                        let local = (0..g[0]).contains(&ix) && (0..g[1]).contains(&iy) && (0..g[2]).contains(&iz);
                        assert_eq!(local, b < c.n_local_boxes);
                    }
                }
            }
            assert!(seen.iter().all(|&s| s));
        }
    }

    #[test]
    fn box_from_coord_at_domain_edges() {
        let c = cells([3, 3, 3]);
        let hi = c.local_max[0];
        assert_eq!(c.box_from_coord(&[0.0, 0.0, 0.0]), Some(0));
        // just below the upper edge: last local cell, even if round-off says g
        let below = f64::from_bits(hi.to_bits() - 1);
        assert_eq!(c.tuple(c.box_from_coord(&[below, 0.0, 0.0]).unwrap()), [2, 0, 0]);
        // at or beyond the upper edge: halo
        assert_eq!(c.tuple(c.box_from_coord(&[hi, 0.0, 0.0]).unwrap()), [3, 0, 0]);
        // just below zero: halo -1
        assert_eq!(c.tuple(c.box_from_coord(&[-1e-9, 1.0, 1.0]).unwrap()), [-1, 0, 0]);
        // more than one cell outside, or not finite: refused
        assert_eq!(c.box_from_coord(&[-2.5, 0.0, 0.0]), None);
        assert_eq!(c.box_from_coord(&[hi + 2.5, 0.0, 0.0]), None);
        assert_eq!(c.box_from_coord(&[f64::NAN, 0.0, 0.0]), None);
    }

    #[test]
    fn cells_grow_instead_of_overflowing() {
        let mut c = cells([2, 2, 2]);
        let mut a = Atoms::new(c.capacity * c.n_total_boxes);
        for gid in 0..200 {
            c.put_atom(&mut a, gid, 0, [0.5, 0.5, 0.5], [gid as Real, 0.0, 0.0]).unwrap();
        }
        assert!(c.capacity >= 200);
        assert_eq!(c.n_atoms[0], 200);
        for (k, i) in c.slots(0).enumerate() {
            assert_eq!(a.gid[i], k as i32);
            assert_eq!(a.p[i][0], k as Real);
        }
    }
}
