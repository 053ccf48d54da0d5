//! A whole run, laid out like CoMD's `main` (`CoMD.c`): prolog (sanity checks, engine,
//! setup report), the loop (print a row, notify the observers, advance to the next event),
//! epilog (validation, final dump and frame, timers, YAML).
//!
//! Screen output goes to `out` on rank 0 only; every collective call is made by all ranks in
//! the same order, and a failure on any rank becomes an error on every rank
//! ([`crate::comm::agree`]), so no rank is left waiting.

mod checks;
mod prolog;
pub mod report;

use checks::{check_memory, check_temperature};
use prolog::prolog;

use crate::checkpoint::Checkpoint;
use crate::comm::{self, Comm};
use crate::config::{RunConfig, YamlTarget};
use crate::engine::{Coupling, Engine, EngineKind, Structure};
use crate::ensemble::Ensemble;
use crate::error::{usage, RunError};
use crate::observer::Observer;
use crate::output::{self, screen, Platform, Setup, ThermoRow, TimerReport, Validation};
use crate::potential::Potential;
use crate::snapshot::RunControl;
use crate::timers::{Timer, Timers};
use crate::types::Real;
use anyhow::Context;
use std::io::Write;
use std::sync::Arc;

/// Optional connections of a run to the outside world.
#[derive(Default)]
pub struct Hooks<'a> {
    /// Observers (trajectory writers, checkpoints, viewer, capture). On ranks other than 0
    /// they are never called, but their cadence must be the same everywhere.
    pub observers: Vec<&'a mut dyn Observer>,
    /// Pause / single step / throttle / stop requests (viewer, signals).
    pub control: Option<Arc<RunControl>>,
    /// Called on rank 0 with the step reached after each chunk of steps (progress bars).
    pub progress: Option<Box<dyn FnMut(u64) + 'a>>,
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Thermo rows printed.
    pub rows: Vec<ThermoRow>,
    /// Last step reached.
    pub last_step: u64,
    /// Whether the run stopped early on request.
    pub stopped_early: bool,
}

/// The state of a run between its stages.
struct Run<'a, 'h> {
    cfg: &'a RunConfig,
    comm: &'a mut dyn Comm,
    hooks: Hooks<'h>,
    out: &'a mut dyn Write,
    timers: Timers,
    platform: Platform,
    pot_dir: &'a str,
    engine: Box<dyn Engine>,
    setup: Setup,
    /// The potential's species and the unit of the per-atom energies (for frames).
    species: (String, Real),
    /// Total energy per atom and atom count at step 0 (carried across restarts).
    e0: Real,
    n0: i64,
    first_step: u64,
    step: u64,
    prev_step: i64,
    rows: Vec<ThermoRow>,
    stopped_early: bool,
    /// The thermostat and barostat (`None`: constant energy, CoMD's).
    ensemble: Option<Ensemble>,
}

/// Runs the simulation described by `cfg` with the potential `pot` (its table found in
/// `pot_dir`), from CoMD's lattice, from a `structure` (read by the caller with
/// [`crate::structure::load`]) or from the checkpoint `restart` (read once, by the caller,
/// with [`crate::checkpoint::load`]; it wins over the structure).
#[allow(clippy::too_many_arguments)]
pub fn run(
    cfg: &RunConfig,
    pot: &Potential,
    pot_dir: &str,
    restart: Option<Checkpoint>,
    structure: Option<Structure>,
    comm: &mut dyn Comm,
    hooks: Hooks,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let mut timers = Timers::default();
    timers.start(Timer::Total);
    let lat = cfg.lattice(pot.lattice_constant());
    cfg.sanity_check(comm.size(), pot.cutoff(), pot.lattice_type(), lat)?;
    let kind = EngineKind::of(cfg);
    check_temperature(cfg, pot)?;
    let size = crate::engine::start_size(cfg, lat, structure.as_ref(), restart.as_ref().map(|ck| (ck.box_max, ck.atoms.len())));
    check_memory(cfg, pot, size, comm)?;
    let platform = Platform::detect(comm.describe(), comm.size() > 1 || cfg!(feature = "mpi"), rayon::current_num_threads(), kind.label().into());
    let rank0 = comm.rank() == 0;
    let mut say = |s: &str| say_on(rank0, out, s);
    say(&screen::timestamp("Starting Initialization"))?;
    say(&screen::header(&platform))?;
    say(&screen::parameters(cfg, pot_dir))?;
    let begin = Begin { restart, structure };
    let mut run = prolog(cfg, pot, begin, comm, hooks, out, timers, platform, pot_dir)?;
    if let Some(c) = &run.hooks.control {
        c.set_running();
    }
    run.timers.start(Timer::Loop);
    let result = run.main_loop();
    run.timers.stop(Timer::Loop);
    run.epilog(result)
}

/// Writes `s` on rank 0.
fn say_on(rank0: bool, out: &mut dyn Write, s: &str) -> anyhow::Result<()> {
    if rank0 {
        out.write_all(s.as_bytes()).and_then(|_| out.flush()).context("writing the screen output")?;
    }
    Ok(())
}

/// What a run starts from (see [`run`]).
struct Begin {
    restart: Option<Checkpoint>,
    structure: Option<Structure>,
}

impl Run<'_, '_> {
    fn say(&mut self, s: &str) -> anyhow::Result<()> {
        say_on(self.comm.rank() == 0, self.out, s)
    }

    /// CoMD's loop: at every event print a row and notify observers, then advance to the
    /// next event (a print step, an observer's step, the end, or a single step when paused).
    fn main_loop(&mut self) -> anyhow::Result<()> {
        loop {
            let at_end = self.step >= self.cfg.n_steps || self.stopped_early;
            if self.step % self.cfg.print_rate == 0 || self.step == self.cfg.n_steps || self.stopped_early {
                self.print_row()?;
            }
            self.notify()?;
            if at_end {
                return Ok(());
            }
            self.advance()?;
        }
    }

    /// One thermo row (CoMD `printThis`), with the checks of energies and atom count.
    fn print_row(&mut self) -> anyhow::Result<()> {
        let n = report::global_atoms(self.engine.as_ref(), self.comm, Some(&mut self.timers));
        let elapsed = self.timers.take_elapsed(Timer::Timestep);
        let mut row = report::thermo_row(self.engine.as_ref(), n, self.step, self.cfg.dt, elapsed, self.step as i64 - self.prev_step);
        let lengths = self.engine.box_lengths();
        row.pressure = report::pressure(self.engine.as_ref(), self.comm, lengths);
        row.ensemble = self.ensemble.as_ref().map(|e| e.columns(self.engine.e_potential() + self.engine.e_kinetic(), lengths));
        self.prev_step = self.step as i64;
        self.say(&screen::thermo_row(&row))?;
        self.rows.push(row);
        check_energies(&row).with_context(|| format!("at step {}", self.step))?;
        if n != self.n0 {
            return Err(RunError::AtomsLost { lost: self.n0 - n, initial: self.n0, now: n }.into());
        }
        Ok(())
    }

    /// Intermediate state dumps and the observers due at this step.
    fn notify(&mut self) -> anyhow::Result<()> {
        let (cfg, step) = (self.cfg, self.step);
        if let Some(k) = cfg.dump_every {
            if step % k == 0 {
                let path = cfg.dump_state.as_ref().ok_or_else(|| usage("--dump-state-every needs --dump-state"))?;
                let mut name = path.as_os_str().to_owned();
                name.push(format!(".step{step}"));
                report::write_dump(self.engine.as_ref(), self.comm, std::path::Path::new(&name), step, self.engine.box_lengths())?;
            }
        }
        let observers = &mut self.hooks.observers;
        let due: Vec<usize> = (0..observers.len()).filter(|&i| observers[i].every().is_some_and(|k| step % k == 0 && step < cfg.n_steps) && observers[i].wants_frame()).collect();
        if !due.is_empty() {
            if let Some(frame) = report::gather_frame(self.engine.as_ref(), self.comm, step, cfg, self.ensemble.as_ref(), (self.e0, self.n0), &self.species) {
                for i in due {
                    self.hooks.observers[i].observe(&frame)?;
                }
            }
        }
        Ok(())
    }

    /// The step of the next event after this one.
    fn next_event(&self) -> u64 {
        let (step, cfg) = (self.step, self.cfg);
        let mut next = (step / cfg.print_rate + 1) * cfg.print_rate;
        for k in self.hooks.observers.iter().filter_map(|o| o.every()).chain(cfg.dump_every) {
            next = next.min((step / k + 1) * k);
        }
        next
    }

    /// Advances to the next event (CoMD `timestep` over `printRate` steps), then takes the
    /// requests of the viewer and of signals: throttle, pause, stop (agreed by all ranks).
    fn advance(&mut self) -> anyhow::Result<()> {
        let mut next = self.next_event();
        if let Some(c) = &self.hooks.control {
            // a paused run advances one step per request (the viewer's `.` key)
            if wait_while_paused(c) {
                next = self.step + 1;
            }
        }
        let next = next.min(self.cfg.n_steps);
        let control = self.hooks.control.clone();
        let stop = move || control.as_ref().is_some_and(|c| c.stop_requested());
        self.timers.start(Timer::Timestep);
        let coupling = self.ensemble.as_mut().map(|e| e as &mut dyn Coupling);
        let r = self.engine.timestep_until(coupling, next - self.step, self.cfg.dt, self.comm, &mut self.timers, &stop);
        self.timers.stop(Timer::Timestep);
        let (done, r) = match r {
            Ok(done) => (done, Ok(())),
            Err((at, e)) => (at, Err(e)),
        };
        let found = self.step + done;
        comm::agree(self.comm, r).with_context(|| format!("at step {found}"))?;
        self.step = found;
        let next = found;
        if let (Some(p), true) = (self.hooks.progress.as_mut(), self.comm.rank() == 0) {
            p(next);
        }
        if let Some(c) = &self.hooks.control {
            let d = c.delay_us();
            if d > 0 {
                std::thread::sleep(std::time::Duration::from_micros(d));
            }
            // the reason rides along, so rank 0's report names a signal another rank got
            let mut stop = [c.stop_code()];
            self.comm.max_i64(&mut stop);
            c.adopt_stop_code(stop[0]);
            self.stopped_early = stop[0] != 0;
            self.take_target_nudge(c.take_target_nudge());
        }
        Ok(())
    }

    /// Applies the viewer's change of the thermostat's target (rank 0's, so every rank
    /// changes by the same amount), logging the new target on rank 0.
    fn take_target_nudge(&mut self, dk: Real) {
        let mut v = [if self.comm.rank() == 0 { dk as i64 } else { 0 }];
        self.comm.sum_i64(&mut v);
        if let (Some(e), true) = (self.ensemble.as_mut(), v[0] != 0) {
            e.nudge(v[0] as Real);
            if self.comm.rank() == 0 {
                eprintln!("comd: target temperature now {:.0} K (from step {})", e.target_temp_at(self.step), self.step);
            }
        }
    }

    /// CoMD's epilog: validation, the final dump, the observers' final frame (also after a
    /// failure, if the state is sound), timers and the YAML report.
    fn epilog(mut self, result: anyhow::Result<()>) -> anyhow::Result<Outcome> {
        let n_final = report::global_atoms(self.engine.as_ref(), self.comm, None);
        let e_final = (self.engine.e_potential() + self.engine.e_kinetic()) / n_final as Real;
        let validation = Validation { e_initial: self.e0, e_final, n_initial: self.n0, n_final };
        if result.is_ok() {
            self.say(&screen::timestamp("Ending simulation"))?;
            self.say(&screen::validation(&validation))?;
            if let Some(path) = &self.cfg.dump_state {
                report::write_dump(self.engine.as_ref(), self.comm, path, self.step, self.engine.box_lengths())?;
            }
        }
        if self.hooks.observers.iter().any(|o| o.wants_final_frame()) {
            let initial = (self.e0, self.n0);
            if let Some(frame) = report::gather_frame(self.engine.as_ref(), self.comm, self.step, self.cfg, self.ensemble.as_ref(), initial, &self.species) {
                for o in self.hooks.observers.iter_mut() {
                    o.finish(&frame)?;
                }
            }
        }
        self.timers.stop(Timer::Total);
        let timer_report = report::timer_report(&self.timers, self.comm, self.n0, self.step - self.first_step, (self.engine.list_builds(), self.engine.lists_streamed()));
        if result.is_ok() {
            self.say(&screen::timers(&timer_report))?;
            self.say(&screen::timestamp("comd-rs Ending"))?;
        }
        if self.comm.rank() == 0 {
            self.write_yaml(&validation, &timer_report, &result)?;
        }
        result?;
        Ok(Outcome { rows: self.rows, last_step: self.step, stopped_early: self.stopped_early })
    }

    fn write_yaml(&self, validation: &Validation, timers: &TimerReport, result: &anyhow::Result<()>) -> anyhow::Result<()> {
        let path = match &self.cfg.yaml {
            YamlTarget::Off => return Ok(()),
            YamlTarget::Path(p) => p.clone(),
            YamlTarget::Auto => output::yaml::auto_path(std::path::Path::new(".")),
        };
        let text = output::yaml::render(&output::yaml::Report {
            platform: &self.platform,
            config: self.cfg,
            pot_dir: self.pot_dir,
            setup: &self.setup,
            rows: &self.rows,
            validation: Some(validation),
            timers: Some(timers),
            error: result.as_ref().err().map(|e| format!("{e:#}")),
        });
        let mut text = match (self.stopped_early, &self.hooks.control) {
            (true, Some(c)) => format!("{text}Interrupted:\n  By: {}\n  Step: {}\n", c.stop_reason().unwrap_or("request"), self.step),
            _ => text,
        };
        let notes: Vec<String> = self.hooks.observers.iter().flat_map(|o| o.notes()).collect();
        text += &output::yaml::warnings(&notes);
        crate::files::write_atomically(&path, text.as_bytes()).with_context(|| format!("writing the YAML report {}", path.display()))
    }
}

/// Blocks while the run is paused; returns whether it goes on for a single step.
fn wait_while_paused(c: &RunControl) -> bool {
    while c.is_paused() && !c.stop_requested() {
        if c.take_step_request() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    false
}

fn check_energies(row: &ThermoRow) -> Result<(), RunError> {
    if !row.e_potential.is_finite() {
        return Err(RunError::NonFiniteEnergy { what: "potential" });
    }
    if !row.e_kinetic.is_finite() {
        return Err(RunError::NonFiniteEnergy { what: "kinetic" });
    }
    Ok(())
}
