//! Halo exchange: how atoms move between ranks and how periodic images appear (port of
//! `haloExchange.c`).
//!
//! Each rank needs, around its domain, a one-cell shell of copies of the atoms within a
//! cutoff. CoMD fills the 26 neighbouring regions with only 6 messages per exchange: first
//! along x (both faces), then along y — now also forwarding what arrived from x, so edge
//! regions are filled — then along z, which fills corners. The price is that the three
//! stages are serialised; the gain is 6 messages instead of 26.
//!
//! The same driver, [`exchange`], moves every kind of payload through a [`Comm`], for one
//! rank as for many: the exact engine's link-cell payloads (`engine::exact::payload`) and
//! the default engine's ghost payloads (`engine::fast::ghosts`). The exact path's two are:
//! * `AtomPayload`: whole atoms (gid, species as integers; position + periodic shift and
//!   momentum as floats). Unpacking puts each atom into the cell its coordinates fall in, so
//!   atoms that crossed into the local domain become owned here — this is both migration
//!   between ranks and periodic wrapping (an atom at x ≥ L leaves through the +x face with
//!   −L and comes back in cell 0).
//! * `ForcePayload`: one float per atom (EAM's embedding derivative) copied from the local
//!   boundary planes into the matching halo planes, relying on halo cells holding the same
//!   atoms in the same (gid-sorted) order as their source cells.
//!
//! Both buffers of an axis are packed *before* anything is unpacked, and the minus side is
//! unpacked before the plus side: CoMD does this, and bit-exactness depends on it (spec §7).
//! With one rank the [`Comm`] hands the buffers back to us, so periodic images are plain halo
//! atoms and no force loop needs minimum-image arithmetic.

use super::{Comm, Packed};
use crate::domain::{face_minus, face_plus, Domain, Face};
use crate::error::RunError;
use crate::timers::{Timer, Timers};

/// What a halo exchange carries: packs the message for one face and unpacks the message
/// received on one face.
pub trait HaloPayload {
    /// The buffer [`HaloPayload::load`] fills for `face`: a new, empty one by default. A
    /// payload that keeps its buffers from one exchange to the next (so that the messages of
    /// every step are not allocated, faulted in and freed again) hands back one it kept; its
    /// contents are then stale, and that payload's `load` overwrites them whole.
    fn buffer(&mut self, _face: Face) -> Packed {
        Packed::new()
    }
    /// Fills `buf` (from [`HaloPayload::buffer`]) with the data to send across `face`: a
    /// fresh buffer is empty and is appended to; a kept one is overwritten whole.
    fn load(&mut self, face: Face, buf: &mut Packed);
    /// Takes in the message `buf` that arrived on `face`.
    fn unload(&mut self, face: Face, buf: Packed) -> Result<(), RunError>;
}

/// Ranks across each face (CoMD `HaloExchange::nbrRank`).
#[derive(Debug, Clone)]
pub struct Neighbors {
    /// Rank across each of the six faces.
    pub rank: [usize; 6],
}

impl Neighbors {
    /// Neighbours of this rank's domain.
    pub fn new(domain: &Domain) -> Neighbors {
        Neighbors { rank: std::array::from_fn(|f| domain.face_rank(f)) }
    }
}

/// Runs the three-stage exchange of `payload` (CoMD `haloExchange`).
pub fn exchange(
    comm: &mut dyn Comm,
    nbrs: &Neighbors,
    payload: &mut dyn HaloPayload,
    timers: &mut Timers,
) -> Result<(), RunError> {
    for axis in 0..3 {
        let (fm, fp) = (face_minus(axis), face_plus(axis));
        let mut send_m = payload.buffer(fm);
        let mut send_p = payload.buffer(fp);
        payload.load(fm, &mut send_m);
        payload.load(fp, &mut send_p);
        timers.start(Timer::CommHalo);
        let (recv_m, recv_p) = comm.exchange(nbrs.rank[fm], nbrs.rank[fp], send_m, send_p);
        timers.stop(Timer::CommHalo);
        payload.unload(fm, recv_m)?;
        payload.unload(fp, recv_p)?;
    }
    Ok(())
}
