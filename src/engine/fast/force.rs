//! One force evaluation of the fast path, on given particles and neighbour lists: the part
//! of a step the engine and the benches share.
//!
//! The kernels read positions from a padded copy ([`Pos4`], 32 bytes per particle) made at
//! the start of each evaluation: a 4-lane block of neighbours is then four aligned loads and
//! a transpose instead of twelve scalar loads and inserts, and the fourth slot carries EAM's
//! F'(ρ̄) to the last pass for free. The copy costs one streaming pass over the particles.
//! With streamed lists ([`super::lists`]) there is no copy: the kernels read the particles'
//! own positions (masked loads) and F'(ρ̄) from its own array, the same values, so the same
//! bits, and 32 bytes per particle less.

use super::coefs::EamCoefs;
use super::ghosts::{Forward, ForwardBuffers, GhostPlan, Particles};
use super::kernels::LjConsts;
use super::pos4::{Pos4, Positions};
use super::lists::ListsRef;
use super::simd;
use crate::potential::Potential;
use crate::comm::Comm;
use crate::error::RunError;
use crate::potential::eam::InterpolationTable;
use crate::comm::halo::{self, Neighbors};
use crate::timers::{Timer, Timers};
use crate::types::{Real, Real3, Voigt};
use rayon::prelude::*;

/// The interaction in the kernels' form.
enum Prepared {
    Lj(LjConsts),
    Eam { coefs: EamCoefs, embed: InterpolationTable },
}

/// The interaction in the kernels' form, with the scratch arrays of an evaluation.
pub struct ForceField {
    kernel: Potential,
    prepared: Prepared,
    r4: Vec<Pos4>,
    dfe: Vec<Real>,
    /// The F′ halo's messages, kept between evaluations.
    dfe_buffers: ForwardBuffers,
    virial: Voigt,
}

impl ForceField {
    /// The kernels' form of `kernel`.
    pub fn new(kernel: Potential) -> ForceField {
        let prepared = match &kernel {
            Potential::Lj(l) => Prepared::Lj(LjConsts::new(l)),
            Potential::Eam(t) => Prepared::Eam { coefs: EamCoefs::new(t), embed: t.embed.clone() },
        };
        ForceField {
            kernel,
            prepared,
            r4: Vec::new(),
            dfe: Vec::new(),
            dfe_buffers: ForwardBuffers::default(),
            virial: [0.0; 6],
        }
    }

    /// The padded position copy, stale between evaluations (each one rewrites it): the
    /// neighbour-list build borrows its memory as scratch.
    pub fn scratch(&mut self) -> &mut Vec<Pos4> {
        &mut self.r4
    }

    /// The interaction.
    pub fn kernel(&self) -> &Potential {
        &self.kernel
    }

    /// F'(ρ̄) of every particle (owned and ghosts) at the last EAM evaluation.
    pub fn dfe(&self) -> &[Real] {
        &self.dfe
    }

    /// This rank's virial tensor `W_ab = Σ_pairs d_a f_b` (eV, Voigt order) at the last
    /// evaluation with energies: the kernels add `d_a f_b` of each listed pair to the atom's
    /// share as they go (summed per atom in list order, then over atoms exactly, so it too is
    /// independent of threads and ranks).
    pub fn virial(&self) -> Voigt {
        self.virial
    }

    /// Forces `f` and, with `energy`, per-atom energies `u` of the owned atoms of `parts`
    /// (ghost positions must be current). EAM refreshes F'(ρ̄) of the ghosts along `plan`
    /// between its passes. Velocity Verlet needs only forces; skipping the pair energies on
    /// the steps nobody looks at saves ~10 % of the pair work, and the force bits do not
    /// depend on it. Without `energy`, `u` holds no meaningful values afterwards.
    #[allow(clippy::too_many_arguments)]
    pub fn compute(
        &mut self,
        parts: &Particles,
        nl: ListsRef<'_>,
        plan: &GhostPlan,
        nbrs: &Neighbors,
        f: &mut [Real3],
        u: &mut [Real],
        energy: bool,
        comm: &mut dyn Comm,
        timers: &mut Timers,
    ) -> Result<(), RunError> {
        let n = parts.n_own;
        // streamed lists: the kernels read the particles' own positions (the padded copy
        // would be 32 bytes per particle more, and the list builds cost far more than the
        // unaligned loads)
        let split = nl.is_streamed();
        if split {
            self.r4 = Vec::new();
        } else {
            self.r4.resize(parts.r.len(), Pos4::default());
            self.r4.par_iter_mut().zip(parts.r.par_iter()).with_min_len(4096).for_each(|(q, r)| *q = Pos4([r[0], r[1], r[2], 0.0]));
        }
        let plain = if split { Positions::split(&parts.r, &[]) } else { Positions::padded(&self.r4) };
        let virial = match &self.prepared {
            Prepared::Lj(c) => simd::lj(plain, nl, c, f, u, energy),
            Prepared::Eam { coefs: c, embed } => {
                // pass 1: densities; pass 2: embedding energy and F'(ρ̄) of owned atoms
                simd::eam_density(plain, nl, c, u);
                self.dfe.resize(parts.r.len(), 0.0);
                u.par_iter_mut().zip(self.dfe[..n].par_iter_mut()).with_min_len(1024).for_each(|(u, d)| {
                    let (fe, dfe) = embed.eval(*u);
                    *u = fe;
                    *d = dfe;
                });
                timers.start(Timer::EamHalo);
                let buffers = &mut self.dfe_buffers;
                let mut fw = Forward { plan, data: &mut self.dfe, width: 1, positions: false, buffers };
                let r = halo::exchange(comm, nbrs, &mut fw, timers);
                timers.stop(Timer::EamHalo);
                r?;
                if !split {
                    self.r4.par_iter_mut().zip(self.dfe.par_iter()).with_min_len(4096).for_each(|(q, &d)| q.0[3] = d);
                }
                // pass 3: forces and pair energies
                let r = if split { Positions::split(&parts.r, &self.dfe) } else { Positions::padded(&self.r4) };
                simd::eam_force(r, nl, c, f, u, energy)
            }
        };
        if energy {
            self.virial = virial;
        }
        Ok(())
    }
}
