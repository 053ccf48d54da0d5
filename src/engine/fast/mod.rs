//! The fast default path: Verlet neighbour lists with a skin, full lists summed per atom in
//! an order fixed by positions and gids, rayon over atoms, and energies summed exactly
//! (fixed point).
//!
//! Design, and why the results do not depend on threads or ranks:
//! * every owned atom's force and energy is a sum over its own neighbour list, in the
//!   list's order: a global bin grid, then gid (see [`neighbors`]); a rayon task writes
//!   only its own atoms;
//! * totals (energies, centre-of-mass momentum at start-up) are [`crate::fixed::FixedSum`]s:
//!   exact integer sums, identical in any order and across ranks;
//! * positions, momenta and ghost images have the same bits on any rank grid (see
//!   [`ghosts`]); the decision to rebuild the lists depends on global quantities only (see
//!   [`skin`]), so lists are rebuilt at the same steps from the same positions, and hold the same entries
//!   in the same order everywhere. The kernels' 4-lane sums depend on every entry (also the
//!   ones beyond the cutoff), so the lists are part of the state: a restart rebuilds them
//!   from the positions of the last rebuild (`r_ref`, kept in checkpoints).
//!
//! The price against CoMD's half lists is that each pair is evaluated twice; the gain is no
//! scatter, no atomics, and lists reused for tens to hundreds of steps instead of rebinning every step.
//!
//! What made it fast, measured one at a time (perf, 32 000 atoms, one thread; see
//! `docs/performance.md`): 4-wide AVX2 kernels (8-wide AVX-512 ones since, with the same sums); a padded position copy so a block of four
//! neighbours is four aligned loads and a transpose ([`force`]); EAM tables as per-interval
//! coefficients, one aligned load per lane instead of four gathers ([`coefs`]); pair energies
//! and the virial only on the steps that report them (velocity Verlet needs forces only, and
//! the virial is summed inside the kernels instead of in a pass of its own); and a branch-free
//! vectorised candidate scan for the list build ([`neighbors`]).

pub mod bins;
pub mod coefs;
mod coupled;
pub mod cpu;
pub mod force;
pub mod ghosts;
pub mod kernels;
pub mod listbuild;
pub mod lists;
pub mod neighbors;
pub mod pos4;
pub mod scan;
pub mod simd;
pub mod skin;
mod start;

use crate::comm::Comm;
use crate::domain::Domain;
use super::verlet::{self, Stages};
use super::{Engine, EngineKind, Layout};
use crate::error::RunError;
use crate::fixed::FixedSum;
use crate::comm::halo::{self, Neighbors};
use crate::records::AtomRecord;
use crate::timers::{Timer, Timers};
use crate::types::{Real, Real3, Voigt};
use ghosts::{Forward, ForwardBuffers, GhostPlan, Particles};
use lists::Lists;
use rayon::prelude::*;

/// How the engine keeps its neighbour lists.
#[derive(Debug, Clone, Copy)]
pub struct ListSetup {
    /// Verlet skin, Å.
    pub skin: Real,
    /// Streamed lists ([`lists`]) instead of stored ones.
    pub streamed: bool,
}

/// Fast engine state of one rank.
pub struct FastEngine {
    domain: Domain,
    nbrs: Neighbors,
    ff: force::ForceField,
    mass: Real,
    skin: Real,
    parts: Particles,
    f: Vec<Real3>,
    u: Vec<Real>,
    r_ref: Vec<Real3>,
    plan: GhostPlan,
    nl: Lists,
    e_potential: Real,
    e_kinetic: Real,
    /// Neighbour-list rebuilds so far.
    pub rebuilds: u64,
    /// Whether the next redistribution must rebuild (the box was scaled).
    stale: bool,
    /// Scratch of the Langevin step (one noise vector per owned atom).
    noise: Vec<Real3>,
    /// The ghost position refresh's messages, kept between steps.
    fwd_buffers: ForwardBuffers,
}

impl FastEngine {
    fn range(&self) -> Real {
        self.ff.kernel().cutoff() + self.skin
    }

    /// Wraps, migrates, sorts owned atoms by bin, rebuilds ghosts and lists.
    fn rebuild(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        let range = self.range();
        timers.start(Timer::AtomHalo);
        ghosts::wrap(&mut self.parts, &self.domain);
        let r = halo::exchange(comm, &self.nbrs, &mut ghosts::Migrate::new(&mut self.parts, &self.domain), timers);
        timers.stop(Timer::AtomHalo);
        r?;
        self.parts.sort_by_bin(&self.domain, range);
        self.build_ghosts_and_lists(comm, timers)?;
        self.r_ref.clear();
        if !self.nl.is_streamed() {
            // (streamed lists keep the build positions themselves)
            self.r_ref.extend_from_slice(&self.parts.r[..self.parts.n_own]);
        }
        self.rebuilds += 1;
        Ok(())
    }


    /// Builds the ghosts of the owned atoms (recording the plan [`Forward`] replays) and the
    /// neighbour lists, from the current positions.
    fn build_ghosts_and_lists(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        let range = self.range();
        timers.start(Timer::AtomHalo);
        ghosts::reserve_ghosts(&mut self.parts, &self.domain, range);
        let mut b = ghosts::BuildGhosts { parts: &mut self.parts, domain: &self.domain, width: range, plan: GhostPlan::default() };
        let r = halo::exchange(comm, &self.nbrs, &mut b, timers);
        self.plan = b.plan;
        timers.stop(Timer::AtomHalo);
        r?;
        let reach = neighbors::Reach { cutoff: self.ff.kernel().cutoff(), range };
        self.nl.rebuild(&self.parts, self.domain.local_min, self.domain.local_max, reach, self.ff.scratch());
        Ok(())
    }

    /// Whether the lists must be rebuilt ([`skin::must_rebuild`]: some pair of atoms, on any
    /// rank, may have come within the cutoff without being on each other's lists). Between
    /// rebuilds no atom moves more than [`skin::max_move`]; one that moved more than half the
    /// ghost layer (twice that at least) since the last rebuild jumped in one step, which
    /// makes the run unstable: lists and ghosts could miss its partners. Every rank then
    /// returns the same error (the largest gid that jumped, the largest move).
    /// `flag` rides in the same reduction; the second value is any rank's `flag`.
    fn needs_rebuild(&self, flag: bool, comm: &mut dyn Comm) -> Result<(bool, bool), RunError> {
        let fly = 0.25 * self.range() * self.range();
        let n = self.parts.n_own;
        // largest squared displacement (NaN counts as infinitely far) and where it is
        let (r, r_build) = (&self.parts.r[..n], self.nl.build_positions(&self.r_ref));
        let (worst, at) = (0..n)
            .into_par_iter()
            .with_min_len(4096)
            .map(|i| {
                let d2 = skin::moved2(&r[i], &r_build.get(i));
                (if d2.is_nan() { Real::INFINITY } else { d2 }, i)
            })
            .reduce(|| (0.0, usize::MAX), |a, b| if b.0 > a.0 || (b.0 == a.0 && b.1 < a.1) { b } else { a });
        // one reduction for all: the gid that jumped (−1: none), the largest move (the bits of
        // a non-negative float order as integers) and the flag
        let flew = if worst > fly { i64::from(self.parts.gid[at]) } else { -1 };
        let mut global = [flew, worst.to_bits() as i64, i64::from(flag)];
        comm.max_i64(&mut global);
        let worst = Real::from_bits(global[1] as u64);
        if global[0] >= 0 {
            return Err(RunError::AtomFlew { gid: global[0] as i32, moved: worst.sqrt() });
        }
        let geo = skin::Geometry { cutoff: self.ff.kernel().cutoff(), skin: self.skin, box_len: self.domain.global_extent };
        Ok((skin::must_rebuild(r, |i| r_build.get(i), worst, geo, comm), global[2] != 0))
    }

    /// [`Stages::redistribute`], with `flag` agreed in the reduction of the list check when
    /// given (after a scaling of the box, which rebuilds without a check, it takes one of its
    /// own); the agreed flag, false without one.
    fn redistribute_with(&mut self, flag: Option<bool>, comm: &mut dyn Comm, timers: &mut Timers) -> Result<bool, RunError> {
        if std::mem::take(&mut self.stale) {
            self.rebuild(comm, timers)?;
            return Ok(flag.is_some_and(|f| verlet::agree_flag(f, comm, timers)));
        }
        let (rebuild, flag) = self.needs_rebuild(flag.unwrap_or(false), comm)?;
        if rebuild {
            self.rebuild(comm, timers)?;
            return Ok(flag);
        }
        timers.start(Timer::AtomHalo);
        let flat = self.parts.r.as_flattened_mut();
        let r = Self::forward(&self.plan, &self.nbrs, flat, &mut self.fwd_buffers, comm, timers);
        timers.stop(Timer::AtomHalo);
        r.map(|_| flag)
    }

    /// Refreshes the ghosts' positions (`data`, three reals per particle) along the recorded plan.
    fn forward(plan: &GhostPlan, nbrs: &Neighbors, data: &mut [Real], buffers: &mut ForwardBuffers, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        let mut fw = Forward { plan, data, width: 3, positions: true, buffers };
        halo::exchange(comm, nbrs, &mut fw, timers)
    }

    fn energies(&mut self, comm: &mut dyn Comm, timers: &mut Timers) {
        let half_inv_mass = 0.5 / self.mass;
        let sums = self
            .u
            .par_iter()
            .zip(self.parts.p.par_iter())
            .fold(
                || [FixedSum::default(); 2],
                |mut acc, (&u, p)| {
                    acc[0].add(u);
                    acc[1].add((p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) * half_inv_mass);
                    acc
                },
            )
            .reduce(
                || [FixedSum::default(); 2],
                |mut a, b| {
                    a[0].merge(&b[0]);
                    a[1].merge(&b[1]);
                    a
                },
            );
        let mut sums = sums;
        timers.time(Timer::CommReduce, |_| FixedSum::all_reduce(&mut sums, comm));
        self.e_potential = sums[0].value();
        self.e_kinetic = sums[1].value();
    }

    fn check_finite(&self) -> Result<(), RunError> {
        let bad = (0..self.parts.n_own).find(|&i| {
            !(self.parts.r[i].iter().chain(&self.parts.p[i]).chain(&self.f[i]).all(|v| v.is_finite()))
        });
        match bad {
            Some(i) => Err(RunError::NonFinite { gid: self.parts.gid[i], what: "the position, momentum or force" }),
            None => Ok(()),
        }
    }
}

impl Stages for FastEngine {
    fn kick(&mut self, h: Real) {
        self.parts.p.par_iter_mut().zip(self.f.par_iter()).with_min_len(4096).for_each(|(p, f)| {
            for k in 0..3 {
                p[k] += h * f[k];
            }
        });
    }

    fn drift(&mut self, dt: Real) {
        let inv_mass = 1.0 / self.mass;
        let n = self.parts.n_own;
        self.parts.r[..n].par_iter_mut().zip(self.parts.p.par_iter()).with_min_len(4096).for_each(|(r, p)| {
            for k in 0..3 {
                r[k] += dt * p[k] * inv_mass;
            }
        });
    }

    /// Rebuilds ghosts and lists when [`FastEngine::needs_rebuild`] says so; else sends
    /// the new positions to the ghosts along the recorded plan.
    fn redistribute(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        self.redistribute_with(None, comm, timers).map(|_| ())
    }

    fn redistribute_agreeing(&mut self, flag: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<bool, RunError> {
        self.redistribute_with(Some(flag), comm, timers)
    }

    /// Energies only where they are reported: after the last step of a chunk.
    fn force(&mut self, energies: bool, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        let n = self.parts.n_own;
        self.f.resize(n, [0.0; 3]);
        self.u.resize(n, 0.0);
        self.ff.compute(&self.parts, self.nl.view(&self.r_ref), &self.plan, &self.nbrs, &mut self.f, &mut self.u, energies, comm, timers)
    }

    fn sum_energies(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        let finite = self.check_finite();
        crate::comm::agree(comm, finite)?;
        self.energies(comm, timers);
        Ok(())
    }

    fn coupled(&mut self) -> Option<&mut dyn super::Coupled> {
        Some(self)
    }
}

impl Engine for FastEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Default
    }
    fn timestep(&mut self, n: u64, dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        verlet::timestep(self, n, dt, comm, timers)
    }
    fn timestep_until(
        &mut self,
        coupling: Option<&mut dyn super::Coupling>,
        n: u64,
        dt: Real,
        comm: &mut dyn Comm,
        timers: &mut Timers,
        stop: &dyn Fn() -> bool,
    ) -> Result<u64, (u64, RunError)> {
        verlet::timestep_until(self, coupling, n, dt, comm, timers, stop)
    }
    fn box_lengths(&self) -> Real3 {
        self.domain.global_extent
    }
    fn e_potential(&self) -> Real {
        self.e_potential
    }
    fn e_kinetic(&self) -> Real {
        self.e_kinetic
    }
    fn n_local(&self) -> usize {
        self.parts.n_own
    }
    fn records(&self) -> Vec<AtomRecord> {
        // the cell column is the serial link-cell index of the wrapped position, so dumps do
        // not depend on the rank grid
        let d = &self.domain;
        let cut = self.ff.kernel().cutoff();
        let g: [usize; 3] = std::array::from_fn(|a| ((d.global_extent[a] / cut).floor() as usize).max(1));
        // U in CoMD's unit (see Potential::u_unit), as the exact path stores it
        let u_unit = self.ff.kernel().u_unit();
        let r_build = self.nl.build_positions(&self.r_ref);
        (0..self.parts.n_own)
            .map(|i| {
                let r = self.parts.r[i];
                let c: [usize; 3] = std::array::from_fn(|a| {
                    let x = r[a].rem_euclid(d.global_extent[a]);
                    ((x / d.global_extent[a] * g[a] as Real).floor().max(0.0) as usize).min(g[a] - 1)
                });
                AtomRecord {
                    gid: self.parts.gid[i],
                    cell: (c[0] + g[0] * (c[1] + g[1] * c[2])) as i32,
                    r,
                    p: self.parts.p[i],
                    f: self.f[i],
                    u: self.u[i] / u_unit,
                    image: self.parts.image[i],
                    r_ref: r_build.get(i),
                }
            })
            .collect()
    }
    fn gid_positions(&self) -> Option<(&[i32], &[Real3])> {
        let n = self.parts.n_own;
        Some((&self.parts.gid[..n], &self.parts.r[..n]))
    }
    fn layout(&self) -> Layout {
        let cells = super::exact::cells::LinkCells::geometry(&self.domain, self.ff.kernel().cutoff()).expect("checked by the sanity checks");
        let mut count = vec![0usize; cells.n_local_boxes];
        for r in &self.parts.r[..self.parts.n_own] {
            if let Some(b) = cells.box_from_coord(r).filter(|&b| b < cells.n_local_boxes) {
                count[b] += 1;
            }
        }
        Layout {
            grid_size: cells.grid_size,
            box_size: cells.box_size,
            n_boxes: (cells.n_local_boxes, cells.n_total_boxes),
            max_occupancy: count.into_iter().max().unwrap_or(0),
            capacity: cells.capacity,
        }
    }
    fn mass(&self) -> Real {
        self.mass
    }
    fn virial(&self) -> Voigt {
        self.ff.virial()
    }
    fn list_builds(&self) -> Option<u64> {
        Some(self.rebuilds)
    }
    fn lists_streamed(&self) -> bool {
        self.nl.is_streamed()
    }
}
