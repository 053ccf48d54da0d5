//! Thermostats and a barostat on the default path, as a [`Coupling`] of velocity Verlet.
//!
//! An [`Ensemble`] holds what the ensemble adds to the atoms' state — a Nosé–Hoover
//! chain, the work the thermostat and barostat did, the box scaling due at the next step —
//! and calls the engine's [`Coupled`] operations at the hooks of the step:
//!
//! | ensemble | begin | between drifts | end |
//! |---|---|---|---|
//! | `langevin` (BAOAB) | | O: friction and noise | |
//! | `csvr` | | | rescale K to a draw |
//! | `nhc` | chain half-step | | chain half-step |
//! | `crescale` (every [`barostat::EVERY`] steps) | | | pressure; scale box, positions, momenta; forces again |
//!
//! The barostat's scaling is followed by a force evaluation at the scaled positions (one
//! more every [`barostat::EVERY`] steps, ~10 % of the cost): the next half kick needs those
//! forces, and their energy gives the scaling's work exactly, so the conserved quantity
//! drifts only by the integration error. (Estimating the potential energy's change from the
//! virial instead is first order and drifts by ~`k_B T Δt/τ_p` per scaling.)
//!
//! Thermostats act on `N_f = 3N − 3` degrees of freedom: the total momentum is conserved
//! (Langevin's noise has its global mean removed, like LAMMPS's `zero yes`; the scalings
//! are global), so the kinetic energy of the centre of mass is no degree of freedom. The
//! printed temperature stays CoMD's `2K / (3N k_B)`, so a thermostat at `T₀` prints
//! `T₀ (3N − 3) / 3N` on average (0.1 % low at 864 atoms).
//!
//! Determinism: each hook works on exact global sums and on random numbers keyed by (seed,
//! gid, step) or (seed, step) ([`crate::stream`]); the ensemble's own numbers are replicated on every
//! rank and carried in checkpoints ([`Ensemble::state`]), so a run is the same bits on any
//! thread count and rank grid, and after a restart.

pub mod barostat;
pub mod thermostat;

pub use crate::config::EnsembleConfig;

use crate::cli::ensemble::Thermostat;
use crate::comm::Comm;
use crate::constants::KB_EV;
use crate::engine::{Coupled, Coupling};
use crate::error::RunError;
use crate::timers::Timers;
use crate::types::{Real, Real3};
use crate::output::EnsembleColumns as Columns;
use barostat::Crescale;
use thermostat::Chain;

/// The state of an ensemble run (replicated on every rank).
#[derive(Debug, Clone)]
pub struct Ensemble {
    cfg: EnsembleConfig,
    dt: Real,
    n_steps: u64,
    n_global: i64,
    nf: Real,
    step: u64,
    /// Change of the target asked for while running (viewer keys), K.
    nudge: Real,
    chain: Chain,
    baro: Option<Crescale>,
    thermostat_work: Real,
    barostat_work: Real,
}

impl Ensemble {
    /// The ensemble of `cfg` for `n_global` atoms, at absolute step `step`; `None` for
    /// constant energy in a fixed box.
    pub fn new(cfg: &EnsembleConfig, dt: Real, n_steps: u64, n_global: i64, step: u64) -> Option<Ensemble> {
        if cfg.is_nve() {
            return None;
        }
        let baro = cfg.has_barostat().then(|| Crescale::new(cfg.axes, cfg.target_press, cfg.tau_p, cfg.compressibility, cfg.seed));
        Some(Ensemble {
            cfg: cfg.clone(),
            dt,
            n_steps,
            n_global,
            nf: (3 * n_global - 3).max(1) as Real,
            step,
            nudge: 0.0,
            chain: Chain::new(cfg.nhc_chain.max(1)),
            baro,
            thermostat_work: 0.0,
            barostat_work: 0.0,
        })
    }

    /// The target temperature at absolute step `step`, K: the ramp's value (linear from
    /// step 0 to step `-N`, then constant) plus the viewer's changes, never below 0 (1 K for
    /// a chain, whose masses scale with T).
    pub fn target_temp_at(&self, step: u64) -> Real {
        let (a, b) = self.cfg.target_temp;
        let f = if self.n_steps == 0 { 0.0 } else { step.min(self.n_steps) as Real / self.n_steps as Real };
        let floor = if self.cfg.thermostat == Thermostat::Nhc { 1.0 } else { 0.0 };
        (a + (b - a) * f + self.nudge).max(floor)
    }

    /// Whether a thermostat acts (every ensemble run has one: a barostat needs it).
    pub fn has_thermostat(&self) -> bool {
        self.cfg.thermostat != Thermostat::None
    }

    /// Changes the target by `dk` K from now on (the viewer's `[` and `]`).
    pub fn nudge(&mut self, dk: Real) {
        self.nudge += dk;
    }

    fn kt(&self) -> Real {
        KB_EV * self.target_temp_at(self.step)
    }

    /// The columns of a thermo row at the current step, for total energy `e_total` (eV) and
    /// box `lengths`.
    pub fn columns(&self, e_total: Real, lengths: Real3) -> Columns {
        let volume = lengths.iter().product::<Real>();
        let mut h = e_total - self.thermostat_work - self.barostat_work;
        if self.cfg.thermostat == Thermostat::Nhc {
            h += self.chain.energy(self.nf, self.kt(), self.cfg.tau);
        }
        if let Some(b) = &self.baro {
            h += b.p0 * volume;
        }
        Columns { target_temp: self.target_temp_at(self.step), conserved: h / self.n_global as Real, volume: self.baro.map(|_| volume) }
    }

    /// The state a checkpoint carries: works, viewer change, chain.
    pub fn state(&self) -> Vec<f64> {
        let mut v = vec![self.thermostat_work, self.barostat_work, self.nudge];
        v.extend(&self.chain.xi);
        v.extend(&self.chain.v);
        v
    }

    /// Takes back a [`Ensemble::state`]; an error names what does not fit.
    pub fn restore(&mut self, v: &[f64]) -> Result<(), String> {
        let m = self.chain.v.len();
        if v.len() != 3 + 2 * m {
            return Err(format!("its ensemble state has {} numbers, this run's has {}", v.len(), 3 + 2 * m));
        }
        (self.thermostat_work, self.barostat_work, self.nudge) = (v[0], v[1], v[2]);
        self.chain.xi = v[3..3 + m].to_vec();
        self.chain.v = v[3 + m..].to_vec();
        Ok(())
    }

    /// Langevin's O step.
    fn langevin(&mut self, e: &mut dyn Coupled, comm: &mut dyn Comm, timers: &mut Timers) {
        let c1 = (-self.dt / self.cfg.tau).exp();
        self.thermostat_work += e.langevin(c1, self.kt(), (self.cfg.seed, self.step), self.n_global, comm, timers);
    }

    /// CSVR's rescaling at the end of a step.
    fn csvr(&mut self, e: &mut dyn Coupled, comm: &mut dyn Comm, timers: &mut Timers) {
        let k = e.kinetic(comm, timers);
        if k <= 0.0 {
            return;
        }
        let k_bar = 0.5 * self.nf * self.kt();
        let k_new = thermostat::csvr_kinetic(k, k_bar, self.nf, (-self.dt / self.cfg.tau).exp(), self.cfg.seed, self.step).max(0.0);
        e.scale_momenta([(k_new / k).sqrt(); 3]);
        self.thermostat_work += k_new - k;
    }

    /// A Nosé–Hoover chain half-step.
    fn chain_half_step(&mut self, e: &mut dyn Coupled, comm: &mut dyn Comm, timers: &mut Timers) {
        let k = e.kinetic(comm, timers);
        let s = self.chain.half_step(k, self.nf, self.kt(), self.cfg.tau, self.dt);
        e.scale_momenta([s; 3]);
    }

    /// The barostat at the end of a coupling step: the pressure, the scaling it draws —
    /// box and positions by `μ`, momenta by `1/μ` — and the forces at the new positions.
    /// Its work is the change of `K + U + P₀V` it made, all three exact.
    fn scale(&mut self, b: Crescale, e: &mut dyn Coupled, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        let kinetic = e.kinetic_diag(comm, timers);
        let virial = e.virial_diag(comm, timers);
        let v0 = e.box_lengths().iter().product::<Real>();
        let p = b.pressure(kinetic, virial, v0);
        let mu = b.factors(p, v0, self.kt(), barostat::EVERY as Real * self.dt, self.step)?;
        let u0 = e.potential(comm, timers);
        e.scale_box(mu)?;
        e.scale_momenta(mu.map(|m| 1.0 / m));
        e.refresh(comm, timers)?;
        let du = e.potential(comm, timers) - u0;
        let dk: Real = (0..3).map(|a| kinetic[a] * (1.0 / (mu[a] * mu[a]) - 1.0)).sum();
        self.barostat_work += dk + du + b.p0 * v0 * (mu.iter().product::<Real>() - 1.0);
        Ok(())
    }
}

impl Coupling for Ensemble {
    fn begin(&mut self, e: &mut dyn Coupled, _dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        if self.cfg.thermostat == Thermostat::Nhc {
            self.chain_half_step(e, comm, timers);
        }
        Ok(())
    }

    fn splits_drift(&self) -> bool {
        self.cfg.thermostat == Thermostat::Langevin
    }

    fn between_drifts(&mut self, e: &mut dyn Coupled, _dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        self.langevin(e, comm, timers);
        Ok(())
    }

    fn wants_virial(&self) -> bool {
        self.baro.is_some() && (self.step + 1) % barostat::EVERY == 0
    }

    fn end(&mut self, e: &mut dyn Coupled, _dt: Real, comm: &mut dyn Comm, timers: &mut Timers) -> Result<(), RunError> {
        match self.cfg.thermostat {
            Thermostat::Nhc => self.chain_half_step(e, comm, timers),
            Thermostat::Csvr => self.csvr(e, comm, timers),
            Thermostat::Langevin | Thermostat::None => {}
        }
        self.step += 1;
        match self.baro {
            Some(b) if self.step % barostat::EVERY == 0 => self.scale(b, e, comm, timers),
            _ => Ok(()),
        }
    }
}
