//! A whole run, laid out like CoMD's `main` (`CoMD.c`): prolog (potential, sanity checks,
//! lattice, temperature, first force call), the loop (print a row, advance `printRate`
//! steps), epilog (validation, timers, reports).
//!
//! Screen output goes to `out` on rank 0 only; every collective call is made by all ranks in
//! the same order, so an error found on any rank can be turned into the same error on every
//! rank (see [`collective`]).

use crate::comm::Comm;
use crate::config::{RunConfig, YamlTarget};
use crate::error::{usage, RunError};
use crate::forces::Potential;
use crate::lattice;
use crate::output::{self, dump, screen, Platform, Setup, ThermoRow, TimerReport, Validation};
use crate::engine::{Engine, ExactEngine};
use crate::observer::{Frame, Observer};
use crate::snapshot::RunControl;
use crate::system::System;
use crate::timers::{Timer, TimerStats, Timers, N_TIMERS};
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

/// Same result on every rank: if any rank failed, every rank returns an error (the failing
/// rank's own, the others a short note), so no rank is left waiting in a collective call.
pub fn collective<T>(comm: &mut dyn Comm, r: Result<T, RunError>) -> anyhow::Result<T> {
    let mut flag = [i64::from(r.is_err())];
    comm.max_i64(&mut flag);
    match r {
        Err(e) => Err(e.into()),
        Ok(_) if flag[0] != 0 => Err(anyhow::anyhow!("stopped because another rank failed (see its message)")),
        Ok(v) => Ok(v),
    }
}

/// [`collective`] for a check whose error stays a [`RunError`].
pub fn collective_flag(comm: &mut dyn Comm, r: Result<(), RunError>) -> Result<(), RunError> {
    let mut flag = [i64::from(r.is_err())];
    comm.max_i64(&mut flag);
    match r {
        Err(e) => Err(e),
        Ok(()) if flag[0] != 0 => Err(RunError::NonFinite { gid: -1, what: "a quantity on another rank" }),
        Ok(()) => Ok(()),
    }
}

/// Builds the initial state of this rank (CoMD `initSimulation` up to the first force call):
/// lattice, momenta, displacements, then the engine the configuration asks for.
fn initial_engine(
    cfg: &RunConfig,
    pot: Box<dyn Potential>,
    comm: &mut dyn Comm,
    timers: &mut Timers,
) -> anyhow::Result<Box<dyn Engine>> {
    let lat = cfg.lattice(pot.lattice_constant());
    let global_max = [0, 1, 2].map(|a| cfg.n_cells[a] as Real * lat);
    let domain = crate::domain::Domain::new(cfg.proc_grid, comm.rank(), global_max);
    // CoMD's 64 slots per cell on the exact path; the fast path starts at 16 (cells grow)
    let capacity = if cfg.exact { crate::constants::MAXATOMS } else { 16 };
    let mut sys = System::with_capacity(domain, pot.cutoff(), pot.mass(), capacity)
        .ok_or_else(|| usage("the domain of a rank is less than two cutoffs wide"))?;
    let r = lattice::create_fcc_lattice(&mut sys, cfg.n_cells, lat);
    collective(comm, r)?;
    sys.n_global = sys.sum_atoms(comm, timers);
    let expected = 4 * cfg.n_cells.iter().map(|&v| v as i64).product::<i64>();
    if sys.n_global != expected {
        return Err(RunError::AtomsLost { lost: expected - sys.n_global, initial: expected, now: sys.n_global }.into());
    }
    lattice::set_temperature_seeded(&mut sys, cfg.temp, comm, timers, cfg.exact, cfg.seed);
    lattice::random_displacements_seeded(&mut sys, cfg.delta, cfg.seed);
    if cfg.exact {
        let engine = ExactEngine::start(sys, pot, comm, timers);
        Ok(Box::new(collective(comm, engine)?))
    } else {
        let kernel = pot.fast_kernel();
        let skin = cfg.skin.unwrap_or(kernel.default_skin());
        let engine = crate::fast::FastEngine::start(sys, kernel, skin, comm, timers);
        Ok(Box::new(collective(comm, engine)?))
    }
}

/// Runs the simulation described by `cfg` with the potential `pot`.
pub fn run(
    cfg: &RunConfig,
    pot: Box<dyn Potential>,
    pot_dir: &str,
    comm: &mut dyn Comm,
    mut hooks: Hooks,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let mut timers = Timers::default();
    timers.start(Timer::Total);
    let rank0 = comm.rank() == 0;
    cfg.sanity_check(comm.size(), pot.cutoff(), pot.lattice_type(), cfg.lattice(pot.lattice_constant()))?;
    let platform = Platform::detect(
        comm.describe(),
        comm.size() > 1 || cfg!(feature = "mpi"),
        rayon::current_num_threads(),
        if cfg.exact { "exact (CoMD serial order)".into() } else { "default".into() },
    );
    let mut say = |s: &str| -> anyhow::Result<()> {
        if rank0 {
            out.write_all(s.as_bytes()).and_then(|_| out.flush()).context("writing the screen output")?;
        }
        Ok(())
    };
    say(&screen::timestamp("Starting Initialization"))?;
    say(&screen::header(&platform))?;
    say(&screen::parameters(cfg, pot_dir))?;

    // ---- prolog (CoMD initSimulation) ----
    let cutoff = pot.cutoff();
    let describe = pot.describe();
    let lat = cfg.lattice(pot.lattice_constant());
    let global_max = [0, 1, 2].map(|a| cfg.n_cells[a] as Real * lat);
    let is_eam = pot.is_eam();
    let restart = match &cfg.restart {
        Some(path) => Some(crate::checkpoint::load(cfg, path, comm)?),
        None => None,
    };
    let mut engine = match &restart {
        Some(ck) => crate::checkpoint::restored_engine(cfg, pot, ck, comm, &mut timers)?,
        None => initial_engine(cfg, pot, comm, &mut timers)?,
    };
    let n0 = match &restart {
        Some(ck) => ck.n_initial,
        None => {
            let mut n = [engine.n_local() as i64];
            comm.sum_i64(&mut n);
            n[0]
        }
    };
    let layout = engine.layout();
    let mut occ = [layout.max_occupancy as i64, layout.capacity as i64];
    comm.max_i64(&mut occ);
    let setup = Setup {
        n_global: n0,
        global_min: [0.0; 3],
        global_max,
        proc_grid: cfg.proc_grid,
        grid_size: layout.grid_size,
        box_size: layout.box_size,
        cutoff,
        max_occupancy: occ[0] as usize,
        capacity: occ[1] as usize,
        potential: describe,
        is_eam,
        n_local: engine.n_local(),
        n_boxes: layout.n_boxes,
    };
    say(&screen::setup(&setup))?;
    let e0 = restart.as_ref().map_or((engine.e_potential() + engine.e_kinetic()) / n0 as Real, |ck| ck.e_initial);
    say(&format!("\nInitial energy : {e0:14.12}, atom count : {n0} \n\n"))?;
    if let (Some(ck), Some(path)) = (&restart, &cfg.restart) {
        say(&format!("Restarted from {} at step {}\n\n", path.display(), ck.step))?;
    }
    say(&screen::timestamp("Initialization Finished"))?;
    say(&screen::timestamp("Starting simulation"))?;
    say(screen::thermo_header())?;

    // ---- main loop ----
    let mut rows = Vec::new();
    let first_step = restart.as_ref().map_or(0, |ck| ck.step);
    let mut step = first_step;
    let mut prev_step: i64 = step as i64 - 1;
    let mut stopped_early = false;
    let n_steps = cfg.n_steps;
    let cadences: Vec<u64> = hooks.observers.iter().filter_map(|o| o.every()).chain(cfg.dump_every).collect();
    timers.start(Timer::Loop);
    let loop_result: anyhow::Result<()> = (|| {
        loop {
            if step % cfg.print_rate == 0 || step == n_steps || stopped_early {
                let n = {
                    let mut n = [engine.n_local() as i64];
                    timers.time(Timer::CommReduce, |_| comm.sum_i64(&mut n));
                    n[0]
                };
                let mut row = thermo_row(engine.as_ref(), n, step, cfg.dt, timers.take_elapsed(Timer::Timestep), step as i64 - prev_step);
                row.pressure = pressure(engine.as_ref(), comm, global_max);
                prev_step = step as i64;
                say(&screen::thermo_row(&row))?;
                rows.push(row);
                check_energies(&row)?;
                if n != n0 {
                    return Err(RunError::AtomsLost { lost: n0 - n, initial: n0, now: n }.into());
                }
            }
            if let Some(k) = cfg.dump_every {
                if step % k == 0 {
                    let path = cfg.dump_state.as_ref().ok_or_else(|| usage("--dump-state-every needs --dump-state"))?;
                    let mut name = path.as_os_str().to_owned();
                    name.push(format!(".step{step}"));
                    write_dump(engine.as_ref(), comm, std::path::Path::new(&name), step)?;
                }
            }
            let due: Vec<usize> = (0..hooks.observers.len())
                .filter(|&i| hooks.observers[i].every().is_some_and(|k| step % k == 0 && step < n_steps))
                .collect();
            if !due.is_empty() {
                if let Some(frame) = gather_frame(engine.as_ref(), comm, step, cfg, global_max, (e0, n0)) {
                    for i in due {
                        hooks.observers[i].observe(&frame)?;
                    }
                }
            }
            if step >= n_steps || stopped_early {
                return Ok(());
            }
            // how far to go before the next event
            let mut next = (step / cfg.print_rate + 1) * cfg.print_rate;
            for &k in &cadences {
                next = next.min((step / k + 1) * k);
            }
            if let Some(c) = &hooks.control {
                // pause, stop and signals are looked at between chunks of steps; a paused run
                // advances one step per request (the viewer's `.` key)
                if wait_while_paused(c) {
                    next = step + 1;
                }
            }
            let next = next.min(n_steps);
            timers.start(Timer::Timestep);
            let r = engine.timestep(next - step, cfg.dt, comm, &mut timers);
            timers.stop(Timer::Timestep);
            collective(comm, r).with_context(|| format!("between steps {step} and {next}"))?;
            step = next;
            if let (Some(p), true) = (hooks.progress.as_mut(), rank0) {
                p(step);
            }
            if let Some(c) = &hooks.control {
                let d = c.delay_us();
                if d > 0 {
                    std::thread::sleep(std::time::Duration::from_micros(d));
                }
                let mut stop = [i64::from(c.stop_requested())];
                comm.max_i64(&mut stop);
                stopped_early = stop[0] != 0;
            }
        }
    })();
    timers.stop(Timer::Loop);
    let n_final = {
        let mut n = [engine.n_local() as i64];
        comm.sum_i64(&mut n);
        n[0]
    };
    let e_final = (engine.e_potential() + engine.e_kinetic()) / n_final as Real;
    let validation = Validation { e_initial: e0, e_final, n_initial: n0, n_final };

    if loop_result.is_ok() {
        say(&screen::timestamp("Ending simulation"))?;
        say(&screen::validation(&validation))?;
        if let Some(path) = &cfg.dump_state {
            write_dump(engine.as_ref(), comm, path, step)?;
        }
    }
    // observers get the final state even after an error, if the state is sound
    if hooks.observers.iter().any(|o| o.wants_final_frame()) {
        if let Some(frame) = gather_frame(engine.as_ref(), comm, step, cfg, global_max, (e0, n0)) {
            for o in hooks.observers.iter_mut() {
                o.finish(&frame)?;
            }
        }
    }
    timers.stop(Timer::Total);
    let report = timer_report(&timers, comm, n0, step - first_step, engine.list_builds());
    if loop_result.is_ok() {
        say(&screen::timers(&report))?;
        say(&screen::timestamp("comd-rs Ending"))?;
    }
    if rank0 {
        let yaml_path = match &cfg.yaml {
            YamlTarget::Off => None,
            YamlTarget::Path(p) => Some(p.clone()),
            YamlTarget::Auto => Some(output::yaml::auto_path(std::path::Path::new("."))),
        };
        if let Some(p) = yaml_path {
            let text = output::yaml::render(&output::yaml::Report {
                platform: &platform,
                config: cfg,
                pot_dir,
                setup: &setup,
                rows: &rows,
                validation: Some(&validation),
                timers: Some(&report),
                error: loop_result.as_ref().err().map(|e| format!("{e:#}")),
            });
            dump::write_atomically(&p, text.as_bytes()).with_context(|| format!("writing the YAML report {}", p.display()))?;
        }
    }
    loop_result?;
    Ok(Outcome { rows, last_step: step, stopped_early })
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

fn thermo_row(engine: &dyn Engine, n: i64, step: u64, dt: Real, elapsed: f64, n_eval: i64) -> ThermoRow {
    let nf = n as Real;
    let (ep, ek) = (engine.e_potential(), engine.e_kinetic());
    ThermoRow {
        step,
        time: step as Real * dt,
        e_total: (ep + ek) / nf,
        e_potential: ep / nf,
        e_kinetic: ek / nf,
        temperature: (ek / nf) / (crate::constants::KB_EV * 1.5),
        perf: 1.0e6 * elapsed / (n_eval as f64 * engine.n_local() as f64),
        n_atoms: n,
        pressure: f64::NAN,
    }
}

/// Pressure from the virial theorem, `P = (2 E_kin + W) / 3V`, in GPa.
fn pressure(engine: &dyn Engine, comm: &mut dyn Comm, box_size: [Real; 3]) -> Real {
    let mut w = [crate::fixed::FixedSum::default()];
    w[0].add(engine.virial());
    crate::fixed::FixedSum::all_reduce(&mut w, comm);
    let volume = box_size[0] * box_size[1] * box_size[2];
    const EV_PER_A3_IN_GPA: Real = 160.21766208;
    (2.0 * engine.e_kinetic() + w[0].value()) / (3.0 * volume) * EV_PER_A3_IN_GPA
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

/// All atoms on rank 0, sorted by gid, with their owning rank.
fn gather_records(engine: &dyn Engine, comm: &mut dyn Comm) -> Option<(Vec<dump::AtomRecord>, Vec<u32>)> {
    let parts = comm.gather_bytes(0, &dump::to_bytes(&engine.records()));
    if comm.rank() != 0 {
        return None;
    }
    let mut all: Vec<(dump::AtomRecord, u32)> =
        parts.iter().enumerate().flat_map(|(r, b)| dump::from_bytes(b).into_iter().map(move |a| (a, r as u32))).collect();
    all.sort_unstable_by_key(|(a, _)| a.gid);
    Some(all.into_iter().unzip())
}

fn write_dump(engine: &dyn Engine, comm: &mut dyn Comm, path: &std::path::Path, step: u64) -> anyhow::Result<()> {
    if let Some((mut all, _)) = gather_records(engine, comm) {
        dump::write(path, step, engine.e_potential(), engine.e_kinetic(), &mut all)
            .with_context(|| format!("writing the state dump {}", path.display()))?;
    }
    Ok(())
}

fn gather_frame(
    engine: &dyn Engine,
    comm: &mut dyn Comm,
    step: u64,
    cfg: &RunConfig,
    global_max: [Real; 3],
    initial: (Real, i64),
) -> Option<Frame> {
    let (atoms, ranks) = gather_records(engine, comm)?;
    Some(Frame {
        step,
        dt: cfg.dt,
        box_min: [0.0; 3],
        box_max: global_max,
        n_ranks: comm.size(),
        e_potential: engine.e_potential(),
        e_kinetic: engine.e_kinetic(),
        mass: engine.mass(),
        e_initial: initial.0,
        n_initial: initial.1,
        atoms,
        ranks,
    })
}

fn timer_report(timers: &Timers, comm: &mut dyn Comm, n_global: i64, steps: u64, list_builds: Option<u64>) -> TimerReport {
    let mut stats = [TimerStats::default(); N_TIMERS];
    for (i, s) in stats.iter_mut().enumerate() {
        *s = TimerStats::from_values(&comm.all_gather_f64(timers.total[i]));
    }
    let n_ranks = comm.size();
    let ts = stats[Timer::Timestep as usize].avg;
    let atoms_per_task = n_global as f64 / n_ranks as f64;
    let steps = steps as f64;
    let atom_rate = if steps > 0.0 { ts * 1e6 / (atoms_per_task * steps) } else { f64::NAN };
    let all_atom_rate = if steps > 0.0 { ts * 1e6 / (n_global as f64 * steps) } else { f64::NAN };
    TimerReport {
        n_ranks,
        count: timers.count,
        total: timers.total,
        stats,
        atom_rate,
        all_atom_rate,
        atoms_per_us: 1.0 / all_atom_rate,
        halo_bytes_per_step: {
            let sent = comm.all_gather_f64(comm.bytes_sent() as f64);
            sent.iter().sum::<f64>() / n_ranks as f64 / steps.max(1.0)
        },
        list_builds,
    }
}
