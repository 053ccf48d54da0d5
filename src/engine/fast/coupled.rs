//! The ensemble operations of the default path ([`Coupled`]): exact global kinetic sums,
//! momentum scaling, Langevin's noise step and box scaling. Each atom's update is a pure
//! function of its own state and of global numbers, and every sum is a [`FixedSum`], so the
//! results have the same bits for any thread count and rank grid.

use super::FastEngine;
use crate::comm::Comm;
use crate::domain::Domain;
use crate::engine::coupling::Coupled;
use crate::engine::verlet;
use crate::engine::exact::cells::LinkCells;
use crate::stream;
use crate::error::RunError;
use crate::fixed::FixedSum;
use crate::timers::{Timer, Timers};
use crate::types::{Real, Real3};
use rayon::prelude::*;

/// Sums `f(i)` (three components) over `0..n` exactly, then over the ranks.
fn sum3(n: usize, f: impl Fn(usize) -> Real3 + Sync, comm: &mut dyn Comm, timers: &mut Timers) -> Real3 {
    let zero = || [FixedSum::default(); 3];
    let mut acc = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .fold(zero, |mut a, i| {
            let v = f(i);
            for k in 0..3 {
                a[k].add(v[k]);
            }
            a
        })
        .reduce(zero, |mut a, b| {
            for k in 0..3 {
                a[k].merge(&b[k]);
            }
            a
        });
    timers.time(Timer::CommReduce, |_| FixedSum::all_reduce(&mut acc, comm));
    acc.map(|a| a.value())
}

/// Sums `f(i)` over `0..n` exactly, then over the ranks.
fn sum1(n: usize, f: impl Fn(usize) -> Real + Sync, comm: &mut dyn Comm, timers: &mut Timers) -> Real {
    let mut acc = [(0..n).into_par_iter().with_min_len(4096).fold(FixedSum::default, |mut a, i| {
        a.add(f(i));
        a
    })
    .reduce(FixedSum::default, |mut a, b| {
        a.merge(&b);
        a
    })];
    timers.time(Timer::CommReduce, |_| FixedSum::all_reduce(&mut acc, comm));
    acc[0].value()
}

impl Coupled for FastEngine {
    fn kinetic_diag(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Real3 {
        let (p, h) = (&self.parts.p, 0.5 / self.mass);
        sum3(self.parts.n_own, |i| p[i].map(|v| v * v * h), comm, timers)
    }

    fn kinetic(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Real {
        let (p, h) = (&self.parts.p, 0.5 / self.mass);
        sum1(self.parts.n_own, |i| (p[i][0] * p[i][0] + p[i][1] * p[i][1] + p[i][2] * p[i][2]) * h, comm, timers)
    }

    fn scale_momenta(&mut self, s: Real3) {
        let n = self.parts.n_own;
        self.parts.p[..n].par_iter_mut().with_min_len(4096).for_each(|p| {
            for k in 0..3 {
                p[k] *= s[k];
            }
        });
    }

    fn langevin(&mut self, c1: Real, kt: Real, key: (u64, u64), n_global: i64, comm: &mut dyn Comm, timers: &mut Timers) -> Real {
        let n = self.parts.n_own;
        let (seed, step) = key;
        let gid = &self.parts.gid;
        self.noise.resize(n, [0.0; 3]);
        self.noise.par_iter_mut().enumerate().with_min_len(1024).for_each(|(i, x)| {
            let key = stream::Key::new(seed, i64::from(gid[i]), step);
            let ((a, b), (c, _)) = (key.normals(0), key.normals(1));
            *x = [a, b, c];
        });
        let noise = &self.noise;
        let mean = sum3(n, |i| noise[i], comm, timers).map(|s| s / n_global as Real);
        let sigma = ((1.0 - c1 * c1) * self.mass * kt).sqrt();
        let h = 0.5 / self.mass;
        let p = &mut self.parts.p[..n];
        // the new momenta and each atom's change of kinetic energy, then its exact sum
        let dk: Vec<Real> = p
            .par_iter_mut()
            .zip(noise.par_iter())
            .with_min_len(4096)
            .map(|(p, x)| {
                let before = p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
                for k in 0..3 {
                    p[k] = c1 * p[k] + sigma * (x[k] - mean[k]);
                }
                (p[0] * p[0] + p[1] * p[1] + p[2] * p[2] - before) * h
            })
            .collect();
        sum1(n, |i| dk[i], comm, timers)
    }

    fn scale_box(&mut self, mu: Real3) -> Result<(), RunError> {
        let lengths: Real3 = std::array::from_fn(|k| self.domain.global_extent[k] * mu[k]);
        let rank = self.domain.neighbor_rank([0, 0, 0]);
        let domain = Domain::new(self.domain.proc_grid, rank, lengths);
        if LinkCells::geometry(&domain, self.ff.kernel().cutoff()).is_none() || (0..3).any(|k| domain.local_extent[k] < self.range()) {
            return Err(RunError::BoxCollapsed { lengths });
        }
        let n = self.parts.n_own;
        self.parts.r[..n].par_iter_mut().with_min_len(4096).for_each(|r| {
            for k in 0..3 {
                r[k] *= mu[k];
            }
        });
        self.domain = domain;
        self.stale = true;
        Ok(())
    }

    fn potential(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Real {
        let u = &self.u;
        sum1(self.parts.n_own, |i| u[i], comm, timers)
    }

    fn refresh(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        verlet::redistribute(self, comm, timers)?;
        verlet::force(self, true, comm, timers)
    }

    fn box_lengths(&self) -> Real3 {
        self.domain.global_extent
    }

    fn virial_diag(&mut self, comm: &mut dyn Comm, timers: &mut Timers) -> Real3 {
        let w = timers.time(Timer::CommReduce, |_| crate::fixed::global_sums(self.ff.virial(), comm));
        [w[0], w[1], w[2]]
    }
}
