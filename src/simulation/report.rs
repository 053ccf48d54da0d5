//! What a run reports, computed from the engine (collectively: every rank calls these at the
//! same steps) and handed to `output` as plain data: thermo rows with the pressure, gathered
//! atoms for dumps and observers, and the timer statistics.

use crate::comm::Comm;
use crate::config::RunConfig;
use crate::engine::Engine;
use crate::ensemble::Ensemble;
use crate::observer::Frame;
use crate::output::{dump, ThermoRow, TimerReport};
use crate::records::{self, AtomRecord};
use crate::timers::{Timer, TimerStats, Timers, N_TIMERS};
use crate::types::{trace, Real, Voigt};
use anyhow::Context;

/// Atoms on all ranks (timed as a reduction when `timers` is given).
pub fn global_atoms(engine: &dyn Engine, comm: &mut dyn Comm, timers: Option<&mut Timers>) -> i64 {
    let mut n = [engine.n_local() as i64];
    match timers {
        Some(t) => t.time(Timer::CommReduce, |_| comm.sum_i64(&mut n)),
        None => comm.sum_i64(&mut n),
    }
    n[0]
}

/// The thermo row at `step` for `n` atoms, `n_eval` steps and `elapsed` seconds after the
/// previous row.
pub fn thermo_row(engine: &dyn Engine, n: i64, step: u64, dt: Real, elapsed: f64, n_eval: i64) -> ThermoRow {
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
        ensemble: None,
    }
}

/// Pressure from the virial theorem, `P = (2 E_kin + tr W) / 3V`, in GPa.
pub fn pressure(engine: &dyn Engine, comm: &mut dyn Comm, box_size: [Real; 3]) -> Real {
    pressure_of(engine, &virial(engine, comm), box_size)
}

/// [`pressure`] from the global virial `w` already summed.
fn pressure_of(engine: &dyn Engine, w: &Voigt, box_size: [Real; 3]) -> Real {
    let volume = box_size[0] * box_size[1] * box_size[2];
    (2.0 * engine.e_kinetic() + trace(w)) / (3.0 * volume) * crate::constants::EV_PER_A3_IN_GPA
}

/// The global virial tensor (eV, Voigt order), each component summed exactly over ranks.
pub fn virial(engine: &dyn Engine, comm: &mut dyn Comm) -> Voigt {
    crate::fixed::global_sums(engine.virial(), comm)
}

/// All atoms on rank 0, sorted by gid, with their owning rank.
pub fn gather_records(engine: &dyn Engine, comm: &mut dyn Comm) -> Option<(Vec<AtomRecord>, Vec<u32>)> {
    if comm.size() == 1 {
        // one rank: no packing into bytes and back
        let mut all = engine.records();
        all.sort_unstable_by_key(|a| a.gid);
        let ranks = vec![0; all.len()];
        return Some((all, ranks));
    }
    let parts = comm.gather_bytes(0, &records::to_bytes(&engine.records()));
    if comm.rank() != 0 {
        return None;
    }
    let mut all: Vec<(AtomRecord, u32)> =
        parts.iter().enumerate().flat_map(|(r, b)| records::from_bytes(b).into_iter().map(move |a| (a, r as u32))).collect();
    all.sort_unstable_by_key(|(a, _)| a.gid);
    Some(all.into_iter().unzip())
}

/// Writes the state dump of all atoms at `step` to `path` (rank 0), positions wrapped into
/// the box `lengths`.
pub fn write_dump(engine: &dyn Engine, comm: &mut dyn Comm, path: &std::path::Path, step: u64, lengths: [Real; 3]) -> anyhow::Result<()> {
    if let Some((all, _)) = gather_records(engine, comm) {
        let mut all: Vec<AtomRecord> = all.iter().map(|a| a.wrapped(lengths)).collect();
        dump::write(path, step, engine.e_potential(), engine.e_kinetic(), &mut all)
            .with_context(|| format!("writing the state dump {}", path.display()))?;
    }
    Ok(())
}

/// The frame observers see at `step` (on rank 0; `None` elsewhere), in the box the engine
/// has now, with the ensemble's target and state.
pub fn gather_frame(engine: &dyn Engine, comm: &mut dyn Comm, step: u64, cfg: &RunConfig, ensemble: Option<&Ensemble>, initial: (Real, i64), species: &(String, Real)) -> Option<Frame> {
    let global_max = engine.box_lengths();
    let virial = virial(engine, comm);
    let pressure = pressure_of(engine, &virial, global_max);
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
        species: species.0.clone(),
        u_unit: species.1,
        pressure,
        virial,
        e_initial: initial.0,
        n_initial: initial.1,
        atoms,
        ranks,
        target_temp: ensemble.filter(|e| e.has_thermostat()).map(|e| e.target_temp_at(step)),
        ensemble: ensemble.map_or_else(Vec::new, |e| e.state()),
    })
}

/// Timer totals and statistics across ranks (CoMD `printPerformanceResults`).
pub fn timer_report(timers: &Timers, comm: &mut dyn Comm, n_global: i64, steps: u64, lists: (Option<u64>, bool)) -> TimerReport {
    let (list_builds, lists_streamed) = lists;
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
        lists_streamed,
    }
}
