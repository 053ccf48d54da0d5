//! CoMD's `initSimulation` as the run sees it: where the run starts (a checkpoint, a
//! structure or the lattice), the engine from the factory, the setup report and the screen
//! lines before the first thermo row.

use super::checks::check_barostat_room;
use super::{report, say_on, Begin, Hooks, Run};
use crate::checkpoint::Checkpoint;
use crate::comm::Comm;
use crate::config::RunConfig;
use crate::cli::ListMode;
use crate::engine::{self, Engine, Restore, Start, Structure};
use crate::ensemble::Ensemble;
use crate::error::usage;
use crate::output::{screen, Platform, Setup};
use crate::potential::Potential;
use crate::timers::Timers;
use crate::types::Real;
use std::io::Write;

/// Where the run starts — a checkpoint, a structure or CoMD's lattice — with the restart's
/// (initial energy, atom count, step) and the global box.
type StartingPoint = (Start, Option<(Real, i64, u64)>, [Real; 3]);

fn starting_point(cfg: &RunConfig, pot: &Potential, restart: Option<&Checkpoint>, structure: Option<Structure>) -> StartingPoint {
    match (restart, structure) {
        (Some(ck), _) => {
            let r = Restore { atoms: ck.atoms.clone(), energies: (ck.e_potential, ck.e_kinetic), box_max: ck.box_max };
            (Start::Checkpoint(r), Some((ck.e_initial, ck.n_initial, ck.step)), ck.box_max)
        }
        (None, Some(s)) => {
            let lengths = s.lengths;
            (Start::Atoms(s), None, lengths)
        }
        (None, None) => {
            let lat = cfg.lattice(pot.lattice_constant());
            (Start::Lattice, None, [0, 1, 2].map(|a| cfg.n_cells[a] as Real * lat))
        }
    }
}

/// The facts of the setup report: atom count, box, link cells (the largest occupancy and
/// capacity over all ranks).
fn setup_of(engine: &dyn Engine, pot: &Potential, cfg: &RunConfig, n0: i64, global_max: [Real; 3], comm: &mut dyn Comm) -> Setup {
    let layout = engine.layout();
    let mut occ = [layout.max_occupancy as i64, layout.capacity as i64];
    comm.max_i64(&mut occ);
    Setup {
        n_global: n0,
        global_min: [0.0; 3],
        global_max,
        proc_grid: cfg.proc_grid,
        grid_size: layout.grid_size,
        box_size: layout.box_size,
        cutoff: pot.cutoff(),
        max_occupancy: occ[0] as usize,
        capacity: occ[1] as usize,
        potential: pot.describe(),
        is_eam: pot.is_eam(),
        n_local: engine.n_local(),
        n_boxes: layout.n_boxes,
    }
}

/// The screen lines before the first thermo row: CoMD's setup report, initial energy,
/// where the run starts from, the time stamps and the table's header.
fn banner(cfg: &RunConfig, setup: &Setup, e0: Real, restarted_at: Option<u64>, ensemble: bool, rank0: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let n0 = setup.n_global;
    say_on(rank0, out, &screen::setup(setup))?;
    say_on(rank0, out, &format!("\nInitial energy : {e0:14.12}, atom count : {n0} \n\n"))?;
    if let (Some(step), Some(path)) = (restarted_at, &cfg.restart) {
        say_on(rank0, out, &format!("Restarted from {} at step {step}\n\n", path.display()))?;
    }
    if let (None, Some(path)) = (restarted_at, &cfg.structure) {
        let b = setup.global_max;
        say_on(rank0, out, &format!("Structure from {}: {n0} atoms, box {} x {} x {} Å\n\n", path.display(), b[0], b[1], b[2]))?;
    }
    say_on(rank0, out, &screen::timestamp("Initialization Finished"))?;
    say_on(rank0, out, &screen::timestamp("Starting simulation"))?;
    match ensemble {
        false => say_on(rank0, out, screen::thermo_header()),
        true => say_on(rank0, out, &screen::thermo_header_with(true, cfg.ensemble.has_barostat())),
    }
}

/// CoMD's `initSimulation` and the setup report: the engine from the factory, the atom
/// count and energy the validation compares with, the link-cell facts.
#[allow(clippy::too_many_arguments)]
pub(super) fn prolog<'a, 'h>(
    cfg: &'a RunConfig,
    pot: &Potential,
    begin: Begin,
    comm: &'a mut dyn Comm,
    hooks: Hooks<'h>,
    out: &'a mut dyn Write,
    mut timers: Timers,
    platform: Platform,
    pot_dir: &'a str,
) -> anyhow::Result<Run<'a, 'h>> {
    let restart = begin.restart;
    let (start, initial, global_max) = starting_point(cfg, pot, restart.as_ref(), begin.structure);
    check_barostat_room(cfg, pot, global_max)?;
    if let Some(c) = &hooks.control {
        c.set_starting();
    }
    let engine = engine::start(cfg, pot, start, comm, &mut timers)?;
    if engine.lists_streamed() && cfg.lists == ListMode::Auto && comm.rank() == 0 {
        eprintln!("comd: stored neighbour lists would not fit in memory, so they are streamed: the same results, several times slower (--lists stored refuses the run instead)");
    }
    if let Some(ck) = &restart {
        let n = report::global_atoms(engine.as_ref(), comm, None);
        if n != ck.atoms.len() as i64 {
            return Err(usage(format!("--restart: {} of the checkpoint's {} atoms fit no rank's domain", ck.atoms.len() as i64 - n, ck.atoms.len())));
        }
    }
    let n0 = match initial {
        Some((_, n, _)) => n,
        None => report::global_atoms(engine.as_ref(), comm, None),
    };
    let setup = setup_of(engine.as_ref(), pot, cfg, n0, global_max, comm);
    let e0 = initial.map_or((engine.e_potential() + engine.e_kinetic()) / n0 as Real, |i| i.0);
    let first_step = initial.map_or(0, |i| i.2);
    let mut ensemble = Ensemble::new(&cfg.ensemble, cfg.dt, cfg.n_steps, n0, first_step);
    if let (Some(e), Some(ck)) = (ensemble.as_mut(), &restart) {
        e.restore(&ck.ensemble).map_err(|m| usage(format!("--restart: {m}")))?;
    }
    banner(cfg, &setup, e0, restart.as_ref().map(|ck| ck.step), ensemble.is_some(), comm.rank() == 0, out)?;
    Ok(Run {
        cfg,
        comm,
        hooks,
        out,
        timers,
        platform,
        pot_dir,
        engine,
        setup,
        species: (pot.species().to_string(), pot.u_unit()),
        e0,
        n0,
        first_step,
        step: first_step,
        prev_step: first_step as i64 - 1,
        rows: Vec::new(),
        stopped_early: false,
        ensemble,
    })
}
