//! The `comd` binary: parse the command line (and deck), build the run, map errors and
//! signals to exit statuses.

use clap::Parser;
use comd::checkpoint::{CheckpointWriter, RunFlags};
use comd::cli::Cli;
use comd::config::{check_writable, RunConfig};
use comd::error::{exit_status, usage};
use comd::observer::Observer;
use comd::trajectory::{Format, TrajectoryWriter};
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid command line");
            say_error(&format!("comd: {}", first.trim_start_matches("error: ")));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(status) => ExitCode::from(status),
        Err(err) => {
            say_error(&format!("comd: error: {err:#}"));
            ExitCode::from(exit_status(&err))
        }
    }
}

fn run(mut cli: Cli) -> anyhow::Result<u8> {
    comd::deck::apply(&mut cli)?;
    let cfg = RunConfig::from_cli(&cli)?;
    let w = cli.workflow.clone();
    if w.checkpoint_every.is_some() && w.checkpoint.is_none() {
        return Err(usage("--checkpoint-every needs --checkpoint PATH"));
    }
    for p in [&w.xyz, &w.lammps_dump, &w.checkpoint].into_iter().flatten() {
        check_writable(p)?;
    }
    if let Some(p) = &w.plot {
        comd::plot::check_path(p)?;
    }
    for warning in &cfg.warnings {
        eprintln!("comd: {warning}");
    }
    if let Some(t) = cfg.threads {
        rayon::ThreadPoolBuilder::new().num_threads(t).build_global().map_err(|e| usage(format!("--threads: {e}")))?;
    }
    let control = Arc::new(comd::snapshot::RunControl::new());
    let interrupt = comd::signals::install(control.clone())?;
    let mut comm = comd::comm::init()?;
    let rank0 = comm.rank() == 0;
    let (pot, pot_dir) = comd::forces::build(&cfg, comm.as_mut())?;
    let start = match &cfg.restart {
        Some(p) => Some(comd::checkpoint::start_step(p, comm.as_mut())?),
        None => None,
    };
    let every = w.dump_every.map_or(cfg.print_rate, |k| k as u64);
    let traj = |path: &Option<std::path::PathBuf>, fmt| -> anyhow::Result<Option<TrajectoryWriter>> {
        path.as_ref().map(|p| TrajectoryWriter::create(p, fmt, every, w.full_precision, start, rank0)).transpose()
    };
    let mut xyz = traj(&w.xyz, Format::Xyz)?;
    let mut lammps = traj(&w.lammps_dump, Format::Lammps)?;
    let mut ckpt = match &w.checkpoint {
        Some(p) => {
            let hash = if rank0 { comd::checkpoint::table_hash(&cfg)? } else { 0 };
            let flags = RunFlags::from_config(&cfg, hash);
            Some(CheckpointWriter::new(p, w.checkpoint_every.map(|k| k as u64), flags, start.unwrap_or(0)))
        }
        None => None,
    };
    let mut observers: Vec<&mut dyn Observer> = Vec::new();
    if let Some(o) = xyz.as_mut() {
        observers.push(o);
    }
    if let Some(o) = lammps.as_mut() {
        observers.push(o);
    }
    if let Some(o) = ckpt.as_mut() {
        observers.push(o);
    }
    let mut progress = if rank0 { comd::progress::Progress::new(start.unwrap_or(0), cfg.n_steps, w.quiet) } else { None };
    let hooks = comd::simulation::Hooks {
        observers,
        control: Some(control),
        progress: progress.take().map(|mut p| Box::new(move |s| p.update(s)) as Box<dyn FnMut(u64)>),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let outcome = comd::simulation::run(&cfg, pot, &pot_dir, comm.as_mut(), hooks, &mut out)?;
    if let Some(c) = ckpt.as_mut() {
        c.commit()?;
    }
    if let (Some(p), true) = (&w.plot, rank0) {
        let title = format!("comd-rs: {}, {} steps", if cfg.doeam { "EAM" } else { "Lennard-Jones" }, outcome.last_step);
        comd::plot::write(p, &outcome.rows, &title)?;
    }
    Ok(if outcome.stopped_early { interrupt.exit_status().unwrap_or(0) } else { 0 })
}

/// Writes one line to stderr in a single write, so lines of different MPI ranks never mix.
fn say_error(line: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(format!("{line}\n").as_bytes());
}
