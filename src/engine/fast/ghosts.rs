//! Moving data between ranks on the fast path, through the same [`halo::exchange`] driver
//! (and so the same [`Comm`]) as the exact path:
//!
//! * [`Migrate`]: atoms whose (wrapped) position now belongs to a neighbouring rank leave,
//!   with gid, image counters, position and momentum (only at neighbour-list rebuilds);
//! * [`BuildGhosts`]: copies of every atom within `cutoff + skin` of a face, with the periodic
//!   shift applied to that axis only, x then y then z so edges and corners are forwarded;
//!   the send lists are recorded in a [`GhostPlan`];
//! * [`Forward`]: between rebuilds, replays the plan to refresh ghost positions (or, for EAM,
//!   the embedding derivative) without re-deciding anything.
//!
//! Why positions stay bit-identical for any decomposition: an atom is wrapped into the box by
//! its owner with the same arithmetic whoever owns it; a ghost's coordinate on an axis is the
//! source coordinate plus ±L *only* when the copy crosses the global boundary on that axis
//! (otherwise it is copied, not `+ 0.0`), and the 3-stage route applies each axis once. So a
//! given periodic image of an atom has the same bits on any rank grid, including one rank.

use crate::comm::{Comm, Packed};
use crate::domain::{Domain, Face};
use crate::error::RunError;
use crate::comm::halo::{self, HaloPayload, Neighbors};
use crate::timers::Timers;
use crate::types::{Real, Real3};
use rayon::prelude::*;

/// Owned atoms and ghosts of one rank (owned first: indices `0..n_own`).
#[derive(Debug, Default, Clone)]
pub struct Particles {
    /// Global ids, owned then ghosts.
    pub gid: Vec<i32>,
    /// Positions, owned then ghosts.
    pub r: Vec<Real3>,
    /// Momenta of owned atoms.
    pub p: Vec<Real3>,
    /// Image counters of owned atoms.
    pub image: Vec<[i32; 3]>,
    /// Number of owned atoms.
    pub n_own: usize,
}

impl Particles {
    /// Owned particles of `atoms` (positions displaced by their `dr`), the atoms' memory
    /// given back a block at a time, from the end, as their fields move: the peak is the
    /// atoms (88 bytes each), not the atoms and the particles (64 more).
    pub fn from_atoms(mut atoms: Vec<crate::lattice::LatticeAtom>) -> Particles {
        const BLOCK: usize = 1 << 16;
        let n = atoms.len();
        // zeroed allocations: their pages are touched only as they are filled
        let mut parts = Particles { gid: vec![0; n], r: vec![[0.0; 3]; n], p: vec![[0.0; 3]; n], image: vec![[0; 3]; n], n_own: n };
        while !atoms.is_empty() {
            let first = atoms.len().saturating_sub(BLOCK);
            for (i, a) in atoms[first..].iter().enumerate().map(|(k, a)| (first + k, a)) {
                parts.gid[i] = a.gid;
                parts.r[i] = std::array::from_fn(|k| a.r[k] + a.dr[k]);
                parts.p[i] = a.p;
                parts.image[i] = a.image;
            }
            atoms.truncate(first);
            // a large block shrinks in place (mremap), a small one is cheap to move
            atoms.shrink_to_fit();
        }
        parts
    }

    /// Orders the owned atoms (no ghosts) by bin of width `range` over `domain`, then by
    /// gid, for memory locality of the force loops (results do not depend on this order).
    /// The permutation is applied in place, cycle by cycle, so the arrays keep their
    /// allocations (new copies at each rebuild fragment the heap) and nothing is moved when
    /// the order still holds.
    pub fn sort_by_bin(&mut self, domain: &Domain, range: Real) {
        use rayon::slice::ParallelSliceMut;
        let bins = super::bins::Bins::new(domain.local_min, domain.local_max, [range; 3]);
        // (bin, gid, index): gids of owned atoms are distinct, so the order is total
        let mut order: Vec<(u32, i32, u32)> =
            (0..self.n_own).map(|i| (bins.index(&self.r[i]) as u32, self.gid[i], i as u32)).collect();
        order.par_sort_unstable();
        // slot k receives the atom now at order[k].2; a placed slot is marked u32::MAX
        for first in 0..self.n_own {
            if order[first].2 == u32::MAX || order[first].2 as usize == first {
                continue;
            }
            let held = (self.gid[first], self.r[first], self.p[first], self.image[first]);
            let mut k = first;
            loop {
                let from = order[k].2 as usize;
                order[k].2 = u32::MAX;
                if from == first {
                    (self.gid[k], self.r[k], self.p[k], self.image[k]) = held;
                    break;
                }
                self.gid[k] = self.gid[from];
                self.r[k] = self.r[from];
                self.p[k] = self.p[from];
                self.image[k] = self.image[from];
                k = from;
            }
        }
    }

    /// Drops all ghosts.
    pub fn clear_ghosts(&mut self) {
        self.gid.truncate(self.n_own);
        self.r.truncate(self.n_own);
    }
}

/// Reserves room for the ghosts of a layer `width` wide around `domain` (the owned atoms'
/// density times the layer's volume, +10 %), so that the position and gid arrays do not
/// double when the ghosts arrive (at 100 M atoms on one rank, 2.4 GB of positions for a
/// layer of 4 %). Arrays that already have the room are left alone.
pub fn reserve_ghosts(parts: &mut Particles, domain: &Domain, width: Real) {
    let local: Real = domain.local_extent.iter().product();
    let outer: Real = domain.local_extent.iter().map(|l| l + 2.0 * width).product();
    let extra = (parts.n_own as Real * (outer / local - 1.0) * 1.1) as usize;
    let want = parts.n_own + extra;
    parts.r.reserve_exact(want.saturating_sub(parts.r.len()));
    parts.gid.reserve_exact(want.saturating_sub(parts.gid.len()));
}

/// Send lists and shifts recorded while building ghosts, replayed by [`Forward`].
#[derive(Debug, Default, Clone)]
pub struct GhostPlan {
    /// Indices sent across each face.
    pub send: [Vec<u32>; 6],
    /// Periodic shift on the face's axis (0 when not crossing the global boundary).
    pub shift: [Real; 6],
    /// First ghost index filled from each face, and how many.
    pub recv: [(usize, usize); 6],
}

/// Owner coordinate of position `x` along an axis with `p` ranks of width `ext`.
fn owner(x: Real, ext: Real, p: usize) -> usize {
    ((x / ext).floor().max(0.0) as usize).min(p - 1)
}

/// Coordinate (along `axis`) of the rank that owns an atom at wrapped position `x`.
pub fn owner_of(domain: &Domain, axis: usize, x: Real) -> usize {
    owner(x, domain.local_extent[axis], domain.proc_grid[axis])
}

/// Wraps owned positions into `[0, L)` (or exactly `L` after round-off), counting images.
pub fn wrap(parts: &mut Particles, domain: &Domain) {
    let l = domain.global_extent;
    for (r, im) in parts.r[..parts.n_own].iter_mut().zip(&mut parts.image) {
        for a in 0..3 {
            if r[a] >= l[a] {
                r[a] -= l[a];
                im[a] += 1;
            } else if r[a] < 0.0 {
                r[a] += l[a];
                im[a] -= 1;
            }
        }
    }
}

/// Atoms leaving through a face: [`HaloPayload`] for migration.
pub struct Migrate<'a> {
    /// The particles (ghosts must be cleared).
    pub parts: &'a mut Particles,
    /// The decomposition.
    pub domain: &'a Domain,
    leaving: Vec<bool>,
}

impl<'a> Migrate<'a> {
    /// A migration of `parts` (ghosts cleared first).
    pub fn new(parts: &'a mut Particles, domain: &'a Domain) -> Self {
        parts.clear_ghosts();
        let n = parts.n_own;
        Migrate { parts, domain, leaving: vec![false; n] }
    }

    fn direction(&self, i: usize, axis: usize) -> Option<bool> {
        let d = self.domain;
        let (p, c) = (d.proc_grid[axis], d.proc_coord[axis]);
        let o = owner(self.parts.r[i][axis], d.local_extent[axis], p);
        if o == c {
            None
        } else {
            Some(o == (c + p - 1) % p) // true: to the minus side
        }
    }
}

impl HaloPayload for Migrate<'_> {
    fn load(&mut self, face: Face, buf: &mut Packed) {
        let (axis, minus) = (face / 2, face % 2 == 0);
        for i in 0..self.parts.n_own {
            if self.leaving[i] || self.direction(i, axis) != Some(minus) {
                continue;
            }
            self.leaving[i] = true;
            let (pt, im) = (&self.parts, self.parts.image[i]);
            buf.ints.extend_from_slice(&[pt.gid[i], im[0], im[1], im[2]]);
            buf.reals.extend_from_slice(&pt.r[i]);
            buf.reals.extend_from_slice(&pt.p[i]);
        }
    }

    fn unload(&mut self, face: Face, buf: Packed) -> Result<(), RunError> {
        if face % 2 == 0 {
            // both faces of this axis are packed: drop the atoms that left
            let pt = &mut *self.parts;
            let mut k = 0;
            for i in 0..pt.n_own {
                if !self.leaving[i] {
                    pt.gid[k] = pt.gid[i];
                    pt.r[k] = pt.r[i];
                    pt.p[k] = pt.p[i];
                    pt.image[k] = pt.image[i];
                    k += 1;
                }
            }
            for v in [&mut pt.r, &mut pt.p] {
                v.truncate(k);
            }
            pt.gid.truncate(k);
            pt.image.truncate(k);
            pt.n_own = k;
        }
        for (ints, reals) in buf.ints.chunks_exact(4).zip(buf.reals.chunks_exact(6)) {
            let pt = &mut *self.parts;
            pt.gid.push(ints[0]);
            pt.image.push([ints[1], ints[2], ints[3]]);
            pt.r.push([reals[0], reals[1], reals[2]]);
            pt.p.push([reals[3], reals[4], reals[5]]);
            pt.n_own += 1;
        }
        self.leaving = vec![false; self.parts.n_own];
        Ok(())
    }
}

/// Ghost construction: [`HaloPayload`] that records a [`GhostPlan`].
pub struct BuildGhosts<'a> {
    /// The particles (owned only at the start).
    pub parts: &'a mut Particles,
    /// The decomposition.
    pub domain: &'a Domain,
    /// Ghost layer width (cutoff + skin).
    pub width: Real,
    /// The plan being recorded.
    pub plan: GhostPlan,
}

impl HaloPayload for BuildGhosts<'_> {
    fn load(&mut self, face: Face, buf: &mut Packed) {
        let d = self.domain;
        let (axis, minus) = (face / 2, face % 2 == 0);
        let shift = d.pbc_factor(face) * d.global_extent[axis];
        self.plan.shift[face] = shift;
        let (lo, hi) = (d.local_min[axis] + self.width, d.local_max[axis] - self.width);
        let mut list = Vec::new();
        for (i, r) in self.parts.r.iter().enumerate() {
            if (minus && r[axis] < lo) || (!minus && r[axis] >= hi) {
                list.push(i as u32);
                buf.ints.push(self.parts.gid[i]);
                let mut x = *r;
                if shift != 0.0 {
                    x[axis] += shift;
                }
                buf.reals.extend_from_slice(&x);
            }
        }
        self.plan.send[face] = list;
    }

    fn unload(&mut self, face: Face, buf: Packed) -> Result<(), RunError> {
        let start = self.parts.r.len();
        for (g, x) in buf.ints.iter().zip(buf.reals.chunks_exact(3)) {
            self.parts.gid.push(*g);
            self.parts.r.push([x[0], x[1], x[2]]);
        }
        self.plan.recv[face] = (start, self.parts.r.len() - start);
        Ok(())
    }
}

/// Ghosts per rayon task when a forward message is packed or unpacked.
const FORWARD_GRAIN: usize = 1024;

/// The messages of one kind of [`Forward`] exchange, kept between exchanges. With one rank
/// the serial comm hands each sent buffer back as the one received across the other face;
/// with MPI one received buffer per axis is the sent one's storage and the other the comm's
/// spare. So once the buffers have grown to the faces' sizes (a few exchanges, and again
/// after a rebuild enlarges a face), no step allocates or frees a message.
#[derive(Debug, Default)]
pub struct ForwardBuffers([Packed; 6]);

/// Replays a [`GhostPlan`] for `width` reals per item (3 for positions, 1 for EAM's F').
pub struct Forward<'a> {
    /// The recorded plan.
    pub plan: &'a GhostPlan,
    /// The data, `width` reals per atom (owned then ghosts).
    pub data: &'a mut [Real],
    /// Reals per atom.
    pub width: usize,
    /// Whether `data` holds positions (shifted on the face's axis).
    pub positions: bool,
    /// The messages, kept from the last exchange of this kind.
    pub buffers: &'a mut ForwardBuffers,
}

impl HaloPayload for Forward<'_> {
    fn buffer(&mut self, face: Face) -> Packed {
        std::mem::take(&mut self.buffers.0[face])
    }

    fn load(&mut self, face: Face, buf: &mut Packed) {
        let (w, axis, send, data) = (self.width, face / 2, &self.plan.send[face], &*self.data);
        let shift = if self.positions { self.plan.shift[face] } else { 0.0 };
        // a kept buffer: only what it lacks is zeroed, and every real is written below
        let n = send.len() * w;
        buf.ints.clear();
        buf.reals.reserve_exact(n.saturating_sub(buf.reals.len()));
        buf.reals.resize(n, 0.0);
        // a gather every step (positions) or force evaluation (EAM's F'): in parallel, so
        // it does not stay serial beside the force loop
        buf.reals.par_chunks_mut(w).with_min_len(FORWARD_GRAIN).zip(send.par_iter()).for_each(|(out, &i)| {
            let i = i as usize;
            out.copy_from_slice(&data[i * w..(i + 1) * w]);
            if shift != 0.0 {
                out[axis] += shift;
            }
        });
    }

    fn unload(&mut self, face: Face, buf: Packed) -> Result<(), RunError> {
        let (start, n) = self.plan.recv[face];
        let w = self.width;
        debug_assert_eq!(buf.reals.len(), n * w, "forward message does not match the plan");
        let chunk = FORWARD_GRAIN * w;
        self.data[start * w..(start + n) * w].par_chunks_mut(chunk).zip(buf.reals[..n * w].par_chunks(chunk)).for_each(|(d, s)| d.copy_from_slice(s));
        self.buffers.0[face] = buf;
        Ok(())
    }
}

/// Migrates atoms to their owners and rebuilds the ghosts; returns the plan.
pub fn rebuild(parts: &mut Particles, domain: &Domain, nbrs: &Neighbors, width: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<GhostPlan, RunError> {
    wrap(parts, domain);
    halo::exchange(comm, nbrs, &mut Migrate::new(parts, domain), timers)?;
    let mut b = BuildGhosts { parts, domain, width, plan: GhostPlan::default() };
    halo::exchange(comm, nbrs, &mut b, timers)?;
    Ok(b.plan)
}
