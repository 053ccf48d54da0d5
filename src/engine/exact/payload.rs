//! The exact engine's halo payloads (port of the cell lists and pack/unpack functions of
//! `haloExchange.c`): whole atoms by link cell ([`AtomPayload`]) and EAM's embedding
//! derivative ([`ForcePayload`]), moved by the shared driver [`crate::comm::halo::exchange`].

use super::atoms::Atoms;
use super::cells::LinkCells;
use crate::comm::halo::HaloPayload;
use crate::comm::Packed;
use crate::domain::{Domain, Face};
use crate::error::RunError;
use crate::types::Real;

/// Cells whose coordinate on `axis` is in `lo..hi` and whose other coordinates run over
/// `ranges`, enumerated x, then y, then z (z fastest).
fn cell_list(cells: &LinkCells, ranges: [(i64, i64); 3]) -> Vec<usize> {
    let mut list = Vec::new();
    for ix in ranges[0].0..ranges[0].1 {
        for iy in ranges[1].0..ranges[1].1 {
            for iz in ranges[2].0..ranges[2].1 {
                list.push(cells.box_from_tuple(ix, iy, iz));
            }
        }
    }
    list
}

/// Cells sent across each face in an atom exchange (CoMD `mkAtomCellList`): the two planes
/// nearest the face, halo included, over the full range of the other two axes.
pub fn atom_cell_lists(cells: &LinkCells) -> [Vec<usize>; 6] {
    std::array::from_fn(|face| {
        let g = cells.grid_size.map(|v| v as i64);
        let mut r = [(-1, g[0] + 1), (-1, g[1] + 1), (-1, g[2] + 1)];
        let a = face / 2;
        r[a] = if face % 2 == 0 { (-1, 1) } else { (g[a] - 1, g[a] + 1) };
        cell_list(cells, r)
    })
}

/// Cells sent (`.0`) and received (`.1`) across each face in a force exchange (CoMD
/// `mkForceSendCellList` / `mkForceRecvCellList`).
pub fn force_cell_lists(cells: &LinkCells) -> ([Vec<usize>; 6], [Vec<usize>; 6]) {
    let g = cells.grid_size.map(|v| v as i64);
    let ranges = |face: Face, send: bool| {
        let a = face / 2;
        let mut r = [(0, g[0]), (0, g[1]), (0, g[2])];
        // earlier axes run over their halo too (their images already arrived)
        for (b, rb) in r.iter_mut().enumerate().take(a) {
            *rb = (-1, g[b] + 1);
        }
        r[a] = match (face % 2 == 0, send) {
            (true, true) => (0, 1),
            (false, true) => (g[a] - 1, g[a]),
            (true, false) => (-1, 0),
            (false, false) => (g[a], g[a] + 1),
        };
        r
    };
    (
        std::array::from_fn(|f| cell_list(cells, ranges(f, true))),
        std::array::from_fn(|f| cell_list(cells, ranges(f, false))),
    )
}

/// Whole atoms crossing faces: the payload of `redistributeAtoms`.
pub struct AtomPayload<'a> {
    /// Link cells (counts are updated on unload).
    pub cells: &'a mut LinkCells,
    /// Atom storage.
    pub atoms: &'a mut Atoms,
    /// Cells to send per face.
    pub lists: &'a [Vec<usize>; 6],
    /// Periodic shift per face (a full vector, zeros on other axes, as CoMD adds).
    pub shift: [[Real; 3]; 6],
    /// Image-counter change per face (−1 when the shift is +L, +1 when it is −L).
    pub image_step: [[i32; 3]; 6],
}

impl AtomPayload<'_> {
    /// Shifts for this domain: `pbcFactor * globalExtent` on the face's axis.
    pub fn shifts(domain: &Domain) -> [[Real; 3]; 6] {
        std::array::from_fn(|face| {
            let mut s = [0.0; 3];
            s[face / 2] = domain.pbc_factor(face) * domain.global_extent[face / 2];
            s
        })
    }

    /// Image-counter changes for this domain.
    pub fn image_steps(domain: &Domain) -> [[i32; 3]; 6] {
        std::array::from_fn(|face| {
            let mut s = [0; 3];
            s[face / 2] = -(domain.pbc_factor(face) as i32);
            s
        })
    }
}

impl HaloPayload for AtomPayload<'_> {
    fn load(&mut self, face: Face, buf: &mut Packed) {
        let s = self.shift[face];
        let m = self.image_step[face];
        for &b in &self.lists[face] {
            for i in self.cells.slots(b) {
                let a = &*self.atoms;
                let im = a.image[i];
                buf.ints.extend_from_slice(&[a.gid[i], a.species[i], im[0] + m[0], im[1] + m[1], im[2] + m[2]]);
                let (r, p) = (a.r[i], a.p[i]);
                buf.reals.extend_from_slice(&[r[0] + s[0], r[1] + s[1], r[2] + s[2], p[0], p[1], p[2]]);
            }
        }
    }

    fn unload(&mut self, _face: Face, buf: Packed) -> Result<(), RunError> {
        for (ints, reals) in buf.ints.chunks_exact(5).zip(buf.reals.chunks_exact(6)) {
            let r = [reals[0], reals[1], reals[2]];
            let p = [reals[3], reals[4], reals[5]];
            self.cells.put_atom_with_image(self.atoms, ints[0], ints[1], r, p, [ints[2], ints[3], ints[4]])?;
        }
        Ok(())
    }
}

/// One float per atom copied from boundary cells to their halo images (EAM `dfEmbed`).
pub struct ForcePayload<'a> {
    /// Link cells (read only).
    pub cells: &'a LinkCells,
    /// The per-slot values to exchange.
    pub values: &'a mut [Real],
    /// Send cells per face.
    pub send: &'a [Vec<usize>; 6],
    /// Receive cells per face.
    pub recv: &'a [Vec<usize>; 6],
}

impl HaloPayload for ForcePayload<'_> {
    fn load(&mut self, face: Face, buf: &mut Packed) {
        for &b in &self.send[face] {
            buf.reals.extend(self.cells.slots(b).map(|i| self.values[i]));
        }
    }

    fn unload(&mut self, face: Face, buf: Packed) -> Result<(), RunError> {
        let mut it = buf.reals.into_iter();
        for &b in &self.recv[face] {
            for i in self.cells.slots(b) {
                // Halo cells mirror their source cells atom for atom; a short message
                // would mean the mirrors diverged, which the atom exchange rules out.
                self.values[i] = it.next().expect("force halo message shorter than its halo cells");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comm::halo::{exchange, Neighbors};
    use crate::timers::Timers;
    use crate::comm::serial::Serial;

    #[test]
    fn pack_unpack_round_trip_moves_atoms_through_periodic_faces() {
        let ext = [13.0, 13.0, 13.0];
        let d = Domain::new([1, 1, 1], 0, ext);
        let mut cells = LinkCells::new(&d, 4.0).unwrap();
        let mut atoms = Atoms::new(cells.capacity * cells.n_total_boxes);
        // one atom just outside the +x face, one inside near the -y face
        cells.put_atom(&mut atoms, 7, 0, [13.5, 5.0, 5.0], [1.0, 2.0, 3.0]).unwrap();
        cells.put_atom(&mut atoms, 9, 0, [6.0, 0.5, 6.0], [-1.0, 0.0, 0.5]).unwrap();
        let lists = atom_cell_lists(&cells);
        let shift = AtomPayload::shifts(&d);
        let image_step = AtomPayload::image_steps(&d);
        let nbrs = Neighbors::new(&d);
        let mut payload = AtomPayload { cells: &mut cells, atoms: &mut atoms, lists: &lists, shift, image_step };
        exchange(&mut Serial::new(), &nbrs, &mut payload, &mut Timers::default()).unwrap();
        // atom 7 came back wrapped into local cell (0, 1, 1) with its momentum intact
        let local: Vec<(i32, [f64; 3], [f64; 3], [i32; 3])> = (0..cells.n_local_boxes)
            .flat_map(|b| cells.slots(b))
            .map(|i| (atoms.gid[i], atoms.r[i], atoms.p[i], atoms.image[i]))
            .collect();
        assert!(local.contains(&(7, [13.5 - 13.0, 5.0, 5.0], [1.0, 2.0, 3.0], [1, 0, 0])));
        assert!(local.contains(&(9, [6.0, 0.5, 6.0], [-1.0, 0.0, 0.5], [0, 0, 0])));
        // atom 9 has an image across +y
        let images: Vec<[f64; 3]> = (cells.n_local_boxes..cells.n_total_boxes)
            .flat_map(|b| cells.slots(b))
            .filter(|&i| atoms.gid[i] == 9)
            .map(|i| atoms.r[i])
            .collect();
        assert_eq!(images, vec![[6.0, 13.5, 6.0]]);
    }
}
