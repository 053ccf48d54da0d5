//! The checks a run makes before it allocates or starts: a temperature the time step can
//! follow, memory for the estimated peak, and room for a barostat to shrink the box.

use crate::comm::Comm;
use crate::config::RunConfig;
use crate::cli::ListMode;
use crate::engine::EngineKind;
use crate::error::usage;
use crate::potential::Potential;
use crate::types::{Real, Real3};

/// Refuses a temperature whose rms speed would carry an atom over half the interaction
/// range in one step (`-T 1e15` used to fail later with advice about -D and -r).
pub(super) fn check_temperature(cfg: &RunConfig, pot: &Potential) -> anyhow::Result<()> {
    let v_rms = (3.0 * crate::constants::KB_EV * cfg.temp / pot.mass()).sqrt();
    let limit = 0.5 * pot.cutoff();
    if v_rms * cfg.dt > limit {
        let t_max = cfg.temp * (limit / (v_rms * cfg.dt)).powi(2);
        return Err(usage(format!(
            "-T: at {} K an atom moves {:.3e} Å per {} fs step (rms), more than half the interaction range ({limit:.3} Å); use -T below {t_max:.3e} K (or a smaller -D)",
            cfg.temp,
            v_rms * cfg.dt,
            cfg.dt
        )));
    }
    Ok(())
}

/// Refuses a run whose estimated peak memory ([`crate::memory::estimate`]) exceeds what
/// each rank can have, before the first large allocation; every rank returns the same. With
/// `--lists auto` the run is refused only if streamed lists would not fit either (the engine
/// factory then streams).
pub(super) fn check_memory(cfg: &RunConfig, pot: &Potential, size: (Real3, usize), comm: &mut dyn Comm) -> anyhow::Result<()> {
    if !cfg.memory_check {
        return Ok(());
    }
    let streamed = cfg.lists != ListMode::Stored;
    let p = crate::engine::memory_problem(cfg, pot, size, streamed);
    let avail = crate::memory::available(crate::memory::ranks_on_node(comm.size())).unwrap_or(f64::INFINITY);
    // the largest need and the smallest availability of all ranks, in MiB
    let mut v = [(crate::memory::estimate(&p) / 1048576.0).ceil() as i64, -((avail / 1048576.0).min(i64::MAX as f64 / 2.0).floor() as i64)];
    comm.max_i64(&mut v);
    let Some(msg) = crate::memory::refusal(v[0] as f64 * 1048576.0, -v[1] as f64 * 1048576.0) else {
        return Ok(());
    };
    let hint = if EngineKind::of(cfg).is_exact() {
        String::new()
    } else if streamed {
        "; that is with streamed neighbour lists, the least the default path needs".to_string()
    } else {
        let need = crate::memory::estimate(&crate::engine::memory_problem(cfg, pot, size, true));
        format!("; with streamed neighbour lists (--lists auto or streamed) it would need ~{:.2} GiB", need / 1073741824.0)
    };
    Err(usage(format!("{msg}{hint}")))
}

/// The share of a rank's domain a barostat may take away before the run refuses to start:
/// a box that could not shrink by this much without a rank's domain becoming narrower than
/// two interaction ranges is refused, so the run does not stop as soon as it breathes.
const BAROSTAT_ROOM: Real = 0.05;

/// Refuses a barostat on a box whose ranks' domains are too small to shrink safely.
pub(super) fn check_barostat_room(cfg: &RunConfig, pot: &Potential, global_max: [Real; 3]) -> anyhow::Result<()> {
    if !cfg.ensemble.has_barostat() {
        return Ok(());
    }
    let range = pot.cutoff() + cfg.skin.unwrap_or(pot.default_skin());
    let need = (2.0 * pot.cutoff()).max(range) / (1.0 - BAROSTAT_ROOM);
    for k in (0..3).filter(|&k| cfg.ensemble.axes[k]) {
        let local = global_max[k] / cfg.proc_grid[k] as Real;
        if local < need {
            let axis = ["x", "y", "z"][k];
            return Err(usage(format!(
                "--barostat: a rank's domain is {local:.3} Å along {axis}, too small to shrink safely (at least {need:.3} Å: two interaction ranges and {:.0} % room); use fewer ranks along {axis} or a larger system",
                BAROSTAT_ROOM * 100.0
            )));
        }
    }
    Ok(())
}
