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
use crate::integrator;
use crate::lattice;
use crate::output::{self, dump, screen, Platform, Setup, ThermoRow, TimerReport, Validation};
use crate::snapshot::{RunControl, Snapshot, SnapshotAtom};
use crate::system::System;
use crate::timers::{Timer, TimerStats, Timers, N_TIMERS};
use crate::types::Real;
use anyhow::Context;
use std::io::Write;
use std::sync::Arc;

/// Receives snapshots on rank 0 (the viewer or offscreen capture).
pub trait SnapshotSink {
    /// Called with a snapshot every `Hooks::snapshot_every` steps.
    fn send(&mut self, snap: Snapshot);
    /// Called once with the final state.
    fn finish(&mut self, last: Snapshot) -> anyhow::Result<()>;
}

/// Optional connections of a run to the outside world.
#[derive(Default)]
pub struct Hooks<'a> {
    /// Steps between snapshots (must be the same on every rank); `None`: no snapshots.
    pub snapshot_every: Option<u64>,
    /// Where snapshots go (rank 0).
    pub sink: Option<&'a mut dyn SnapshotSink>,
    /// Pause / single step / throttle / stop requests.
    pub control: Option<Arc<RunControl>>,
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Thermo rows printed.
    pub rows: Vec<ThermoRow>,
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

/// Runs the simulation described by `cfg` with the potential `pot`.
pub fn run(
    cfg: &RunConfig,
    mut pot: Box<dyn Potential>,
    pot_dir: &str,
    comm: &mut dyn Comm,
    mut hooks: Hooks,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let mut timers = Timers::default();
    timers.start(Timer::Total);
    let rank0 = comm.rank() == 0;
    cfg.sanity_check(comm.size(), pot.as_ref())?;
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
    let lat = cfg.lattice(pot.as_ref());
    let global_max = [0, 1, 2].map(|a| cfg.n_cells[a] as Real * lat);
    let domain = crate::domain::Domain::new(cfg.proc_grid, comm.rank(), global_max);
    let mut sys = System::new(domain, pot.cutoff(), pot.mass())
        .ok_or_else(|| usage("the domain of a rank is less than two cutoffs wide"))?;
    let r = lattice::create_fcc_lattice(&mut sys, cfg.n_cells, lat);
    collective(comm, r)?;
    sys.n_global = sys.sum_atoms(comm, &mut timers);
    let expected = 4 * cfg.n_cells.iter().map(|&v| v as i64).product::<i64>();
    if sys.n_global != expected {
        return Err(RunError::AtomsLost { lost: expected - sys.n_global, initial: expected, now: sys.n_global }.into());
    }
    lattice::set_temperature(&mut sys, cfg.temp, comm, &mut timers, cfg.exact);
    lattice::random_displacements(&mut sys, cfg.delta);
    timers.start(Timer::Redistribute);
    let r = sys.redistribute(comm, &mut timers);
    timers.stop(Timer::Redistribute);
    collective(comm, r)?;
    let r = integrator::compute_force(&mut sys, pot.as_mut(), comm, &mut timers);
    collective(comm, r)?;
    sys.kinetic_energy(comm, &mut timers);

    let mut occ = [sys.cells.max_occupancy() as i64, sys.cells.capacity as i64];
    comm.max_i64(&mut occ);
    let setup = Setup {
        n_global: sys.n_global,
        global_min: sys.domain.global_min,
        global_max: sys.domain.global_max,
        proc_grid: cfg.proc_grid,
        grid_size: sys.cells.grid_size,
        box_size: sys.cells.box_size,
        cutoff: pot.cutoff(),
        max_occupancy: occ[0] as usize,
        capacity: occ[1] as usize,
        potential: pot.describe(),
        is_eam: pot.is_eam(),
        n_local: sys.n_local(),
        n_boxes: (sys.cells.n_local_boxes, sys.cells.n_total_boxes),
    };
    say(&screen::setup(&setup))?;
    let n0 = sys.n_global;
    let e0 = (sys.e_potential + sys.e_kinetic) / n0 as Real;
    say(&format!("\nInitial energy : {e0:14.12}, atom count : {n0} \n\n"))?;
    say(&screen::timestamp("Initialization Finished"))?;
    say(&screen::timestamp("Starting simulation"))?;
    say(screen::thermo_header())?;

    // ---- main loop ----
    let mut rows = Vec::new();
    let mut prev_step: i64 = -1;
    let mut step = 0u64;
    let mut stopped_early = false;
    let n_steps = cfg.n_steps;
    timers.start(Timer::Loop);
    let loop_result: anyhow::Result<()> = (|| {
        loop {
            let print_now = step % cfg.print_rate == 0 || step == n_steps || stopped_early;
            if print_now {
                let n = sys.sum_atoms(comm, &mut timers);
                let row = thermo_row(&sys, n, step, cfg.dt, timers.take_elapsed(Timer::Timestep), step as i64 - prev_step);
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
                    let path = cfg.dump_state.as_ref().expect("--dump-state-every requires --dump-state");
                    let mut name = path.as_os_str().to_owned();
                    name.push(format!(".step{step}"));
                    write_dump(&sys, comm, std::path::Path::new(&name), step)?;
                }
            }
            if let Some(k) = hooks.snapshot_every {
                if step % k == 0 && step < n_steps {
                    let snap = gather_snapshot(&sys, comm, step, cfg.dt);
                    if let (Some(sink), Some(snap)) = (hooks.sink.as_deref_mut(), snap) {
                        sink.send(snap);
                    }
                }
            }
            if step >= n_steps || stopped_early {
                return Ok(());
            }
            // how far to go before the next event
            let mut next = (step / cfg.print_rate + 1) * cfg.print_rate;
            for k in [cfg.dump_every, hooks.snapshot_every].into_iter().flatten() {
                next = next.min((step / k + 1) * k);
            }
            if let Some(c) = &hooks.control {
                next = step + 1;
                wait_while_paused(c);
            }
            let next = next.min(n_steps);
            timers.start(Timer::Timestep);
            let r = integrator::timestep(&mut sys, pot.as_mut(), comm, &mut timers, next - step, cfg.dt);
            timers.stop(Timer::Timestep);
            collective(comm, r).with_context(|| format!("between steps {step} and {next}"))?;
            step = next;
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
    let n_final = sys.sum_atoms(comm, &mut timers);
    let e_final = (sys.e_potential + sys.e_kinetic) / n_final as Real;
    let validation = Validation { e_initial: e0, e_final, n_initial: n0, n_final };

    if loop_result.is_ok() {
        say(&screen::timestamp("Ending simulation"))?;
        say(&screen::validation(&validation))?;
        if let Some(path) = &cfg.dump_state {
            write_dump(&sys, comm, path, step)?;
        }
        if let Some(k) = hooks.snapshot_every {
            let _ = k;
        }
        if hooks.snapshot_every.is_some() || hooks.sink.is_some() {
            let snap = gather_snapshot(&sys, comm, step, cfg.dt);
            if let (Some(sink), Some(snap)) = (hooks.sink.as_deref_mut(), snap) {
                sink.finish(snap)?;
            }
        }
    }
    timers.stop(Timer::Total);
    let report = timer_report(&timers, comm, sys.n_global, step);
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
    Ok(Outcome { rows, stopped_early })
}

fn wait_while_paused(c: &RunControl) {
    while c.is_paused() && !c.stop_requested() {
        if c.take_step_request() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

fn thermo_row(sys: &System, n: i64, step: u64, dt: Real, elapsed: f64, n_eval: i64) -> ThermoRow {
    let nf = n as Real;
    ThermoRow {
        step,
        time: step as Real * dt,
        e_total: (sys.e_potential + sys.e_kinetic) / nf,
        e_potential: sys.e_potential / nf,
        e_kinetic: sys.e_kinetic / nf,
        temperature: (sys.e_kinetic / nf) / (crate::constants::KB_EV * 1.5),
        perf: 1.0e6 * elapsed / (n_eval as f64 * sys.n_local() as f64),
        n_atoms: n,
    }
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

fn write_dump(sys: &System, comm: &mut dyn Comm, path: &std::path::Path, step: u64) -> anyhow::Result<()> {
    let recs: Vec<dump::AtomRecord> = (0..sys.cells.n_local_boxes)
        .flat_map(|b| sys.cells.slots(b).map(move |i| (b, i)))
        .map(|(b, i)| {
            let a = &sys.atoms;
            dump::AtomRecord { gid: a.gid[i], cell: b as i32, r: a.r[i], p: a.p[i], f: a.f[i], u: a.u[i] }
        })
        .collect();
    let parts = comm.gather_bytes(0, &dump::to_bytes(&recs));
    if comm.rank() == 0 {
        let mut all: Vec<dump::AtomRecord> = parts.iter().flat_map(|b| dump::from_bytes(b)).collect();
        dump::write(path, step, sys.e_potential, sys.e_kinetic, &mut all)
            .with_context(|| format!("writing the state dump {}", path.display()))?;
    }
    Ok(())
}

fn gather_snapshot(sys: &System, comm: &mut dyn Comm, step: u64, dt: Real) -> Option<Snapshot> {
    let rank = comm.rank() as u32;
    let half_inv_mass = 0.5 / sys.mass;
    let mut bytes = Vec::new();
    for i in sys.local_slots() {
        let a = &sys.atoms;
        let p = a.p[i];
        let ke = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) * half_inv_mass;
        let vals = [a.r[i][0] as f32, a.r[i][1] as f32, a.r[i][2] as f32, ke as f32, a.u[i] as f32];
        for v in vals {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        bytes.extend_from_slice(&a.gid[i].to_le_bytes());
    }
    let parts = comm.gather_bytes(0, &bytes);
    if comm.rank() != 0 {
        let _ = rank;
        return None;
    }
    let mut atoms: Vec<SnapshotAtom> = Vec::with_capacity(sys.n_global as usize);
    for (r, part) in parts.iter().enumerate() {
        for c in part.chunks_exact(24) {
            let fl = |k: usize| f32::from_le_bytes(c[4 * k..4 * k + 4].try_into().expect("4 bytes"));
            let gid = i32::from_le_bytes(c[20..24].try_into().expect("4 bytes"));
            atoms.push(SnapshotAtom {
                pos: [fl(0), fl(1), fl(2)],
                kinetic: fl(3),
                potential: fl(4),
                rank: r as u32,
                gid: gid as u32,
                _pad: 0,
            });
        }
    }
    atoms.sort_unstable_by_key(|a| a.gid);
    let n = sys.n_global.max(1) as Real;
    Some(Snapshot {
        step,
        time_fs: step as f64 * dt,
        box_min: sys.domain.global_min.map(|v| v as f32),
        box_max: sys.domain.global_max.map(|v| v as f32),
        n_ranks: comm.size() as u32,
        temperature: (sys.e_kinetic / n) / (crate::constants::KB_EV * 1.5),
        e_total: (sys.e_potential + sys.e_kinetic) / n,
        e_potential: sys.e_potential / n,
        e_kinetic: sys.e_kinetic / n,
        atoms,
    })
}

fn timer_report(timers: &Timers, comm: &mut dyn Comm, n_global: i64, steps: u64) -> TimerReport {
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
    }
}
