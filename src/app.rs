//! The `comd` binary: parse the command line (and deck), build the run, map errors and
//! signals to exit statuses.

use crate::checkpoint::{CheckpointWriter, RunFlags};
use crate::cli::{CommandLine, ViewerArgs, WorkflowArgs};
use crate::config::RunConfig;
use crate::error::{exit_status, usage};
use crate::observer::Observer;
use crate::simulation::Outcome;
use crate::snapshot::RunControl;
use crate::trajectory::{Format, TrajectoryWriter};
use std::sync::Arc;

/// Runs the command line `argv` (program name first) to its end; returns the exit status.
/// Installs SIGINT/SIGTERM handlers for the rest of the process (Ctrl-C stops the run
/// cleanly, as in the binary).
pub fn main<I, T>(argv: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString>,
{
    let args = match CommandLine::try_parse_from(argv) {
        Ok(a) => a,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return 0;
            }
            say_error(&format!("comd: {}", crate::cli::error_line(&e)));
            return 2;
        }
    };
    match run(&args) {
        Ok(status) => status,
        Err(err) => {
            say_error(&format!("comd: error: {err:#}"));
            exit_status(&err)
        }
    }
}

fn run(args: &CommandLine) -> anyhow::Result<u8> {
    let cli = args.resolve()?;
    let cfg = RunConfig::from_cli(&cli)?;
    let w = cli.workflow.clone();
    if w.checkpoint_every.is_some() && w.checkpoint.is_none() {
        return Err(usage("--checkpoint-every needs --checkpoint PATH"));
    }
    crate::files::survive_file_size_limit()?;
    crate::paths::check(&cli, &cfg)?;
    if let Some(p) = &w.plot {
        crate::plot::check_path(p)?;
    }
    for warning in &cfg.warnings {
        eprintln!("comd: {warning}");
    }
    // the whole run executes inside the rayon pool: parallel loops started from a worker
    // thread cost no hand-over to the pool (it matters at every step for small systems)
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(t) = cfg.threads {
        pool = pool.num_threads(t);
    }
    let v = cli.viewer.clone();
    v.validate_command_line().map_err(usage)?;
    if v.wants_window() {
        crate::viewer::check_window_available().map_err(usage)?;
    }
    let control = Arc::new(crate::snapshot::RunControl::new());
    let interrupt = crate::signals::install(control.clone())?;
    // A scoped pool: every worker thread has exited when `build_scoped` returns. The GPU
    // (window or offscreen capture) is created and dropped on a worker; a worker still
    // unwinding its thread-locals while `exit` tears down the Vulkan driver's globals made
    // about one run in 200 crash at exit under load (lavapipe, seen in CI).
    let status = pool
        .build_scoped(rayon::ThreadBuilder::run, |pool| {
            if v.wants_window() {
                with_window(cfg, w, v.clone(), control, pool)
            } else {
                pool.install(|| simulate(&cfg, &w, &v, control, None, None))
            }
        })
        .map_err(|e| usage(format!("--threads: {e}")))??;
    Ok(if status.stopped_early { interrupt.exit_status().unwrap_or(0) } else { 0 })
}

/// Runs the simulation on its own thread (it creates the communicator there: an MPI
/// communicator must live on the thread that uses it) while the main thread runs the window
/// — on rank 0 only.
#[cfg(feature = "viewer")]
fn with_window(cfg: RunConfig, w: WorkflowArgs, v: ViewerArgs, control: Arc<RunControl>, pool: &rayon::ThreadPool) -> anyhow::Result<Outcome> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let stale = rx.clone(); // the feed empties it at the end, so the final state gets through
    let (rank_tx, rank_rx) = crossbeam_channel::bounded(1);
    let (cfg2, v2, control2) = (cfg.clone(), v.clone(), control.clone());
    std::thread::scope(|scope| {
        let sim = scope.spawn(move || pool.install(|| simulate(&cfg2, &w, &v2, control2, Some((tx, stale)), Some(rank_tx))));
        if let Ok(0) = rank_rx.recv() {
            match crate::viewer::run_window(&v, rx, control.clone()) {
                // closing the window (q, Esc, the close button) ends the run cleanly: the
                // current step finishes, then the final row, validation, timers and YAML
                Ok(()) => control.request_stop(),
                Err(e) => {
                    say_error(&format!("comd: viewer: {e:#} (the run goes on without it)"));
                    control.set_paused(false);
                }
            }
        } else {
            drop(rx);
        }
        sim.join().map_err(|_| anyhow::anyhow!("the simulation thread panicked"))?
    })
}

#[cfg(not(feature = "viewer"))]
fn with_window(_: RunConfig, _: WorkflowArgs, _: ViewerArgs, _: Arc<RunControl>, _: &rayon::ThreadPool) -> anyhow::Result<Outcome> {
    Err(usage("--viewer needs comd built with the `viewer` feature"))
}

/// The window's snapshot channel as the simulation holds it: the sender, and a receiver to
/// drop a snapshot the window has not taken when the final one is due.
type WindowLink = (crossbeam_channel::Sender<crate::snapshot::Snapshot>, crossbeam_channel::Receiver<crate::snapshot::Snapshot>);

/// One whole run on this thread: communicator, potential, observers, simulation, reports.
fn simulate(
    cfg: &RunConfig,
    w: &WorkflowArgs,
    v: &ViewerArgs,
    control: Arc<RunControl>,
    window: Option<WindowLink>,
    rank_tx: Option<crossbeam_channel::Sender<usize>>,
) -> anyhow::Result<Outcome> {
    let mut comm = crate::comm::init()?;
    if let Some(t) = rank_tx {
        let _ = t.send(comm.rank());
    }
    let rank0 = comm.rank() == 0;
    let (pot, pot_dir) = crate::potential::build(cfg, comm.as_mut())?;
    let flags = RunFlags::new(cfg, crate::engine::EngineKind::of(cfg), &pot);
    // the checkpoint is read once, here: its step places the trajectories, its atoms start the engine
    let restart = match &cfg.restart {
        Some(p) => Some(crate::checkpoint::load(cfg, &flags, p, comm.as_mut())?),
        None => None,
    };
    let structure = cfg.structure.as_ref().map(|p| load_structure(cfg, &pot, p, restart.as_ref(), comm.as_mut())).transpose()?;
    let start = restart.as_ref().map(|ck| ck.step);
    let every = w.dump_every.map_or(cfg.print_rate, |k| k as u64);
    let traj = |path: &Option<std::path::PathBuf>, fmt| -> anyhow::Result<Option<TrajectoryWriter>> {
        path.as_ref().map(|p| Ok(TrajectoryWriter::create(p, fmt, every, w.full_precision, start, rank0)?.with_time(w.dump_time))).transpose()
    };
    let mut xyz = traj(&w.xyz, Format::Xyz)?;
    let mut lammps = traj(&w.lammps_dump, Format::Lammps)?;
    let mut ckpt = match &w.checkpoint {
        Some(p) => Some(CheckpointWriter::new(p, w.checkpoint_every.map(|k| k as u64), flags, start.unwrap_or(0))),
        None => None,
    };
    let mut data = cfg.write_data.as_ref().map(|p| crate::structure::data_file::DataWriter::new(p, pot.species()));
    let n_atoms = structure.as_ref().map_or(4 * cfg.n_cells.iter().product::<usize>(), |s| s.atoms.len());
    let mut feeds = front_end_feeds(v, window, n_atoms, (rank0, comm.size()))?;
    let mut observers: Vec<&mut dyn Observer> = feeds.iter_mut().map(|o| o.as_mut() as &mut dyn Observer).collect();
    let files = [xyz.as_mut().map(|o| o as &mut dyn Observer), lammps.as_mut().map(|o| o as _), ckpt.as_mut().map(|o| o as _), data.as_mut().map(|o| o as _)];
    observers.extend(files.into_iter().flatten());
    let mut progress = if rank0 { crate::progress::Progress::new(start.unwrap_or(0), cfg.n_steps, w.quiet) } else { None };
    let hooks = crate::simulation::Hooks {
        observers,
        control: Some(control),
        progress: progress.take().map(|mut p| Box::new(move |s| p.update(s)) as Box<dyn FnMut(u64)>),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let outcome = crate::simulation::run(cfg, &pot, &pot_dir, restart, structure, comm.as_mut(), hooks, &mut out)?;
    if let Some(c) = ckpt.as_mut() {
        c.commit()?;
    }
    if let Some(d) = data.as_mut() {
        d.commit()?;
    }
    if let (Some(p), true) = (&w.plot, rank0) {
        let title = format!("comd-rs: {}, {} steps", if cfg.doeam { "EAM" } else { "Lennard-Jones" }, outcome.last_step);
        crate::plot::write(p, &outcome.rows, &title)?;
    }
    Ok(outcome)
}

/// The observers that feed the window (every rank keeps the cadence, rank 0 sends) and the
/// offscreen capture.
fn front_end_feeds(v: &ViewerArgs, window: Option<WindowLink>, n_atoms: usize, (rank0, ranks): (bool, usize)) -> anyhow::Result<Vec<Box<dyn Observer>>> {
    // the window wants ~10 frames/s; a step of N atoms takes roughly N/5e6 s on two cores
    let window_every = (1_000_000 / n_atoms.max(1)).clamp(1, 100) as u64;
    let mut feeds: Vec<Box<dyn Observer>> = Vec::new();
    match window {
        #[cfg(feature = "viewer")]
        Some((tx, stale)) if rank0 => feeds.push(Box::new(crate::observer::feeds::WindowFeed::new(tx, stale, window_every, ranks == 1))),
        Some(_) => feeds.push(Box::new(crate::observer::Cadence(Some(window_every)))),
        None => {}
    }
    if v.wants_capture() {
        feeds.push(capture_observer(v, v.gif_every.min(v.frames_every()), rank0)?);
    }
    Ok(feeds)
}

/// The `--structure` file, checked (its warnings printed on rank 0); on a restart, the
/// checkpoint must hold this structure's box and atom count.
fn load_structure(
    cfg: &RunConfig,
    pot: &crate::potential::Potential,
    path: &std::path::Path,
    restart: Option<&crate::checkpoint::Checkpoint>,
    comm: &mut dyn crate::comm::Comm,
) -> anyhow::Result<crate::engine::Structure> {
    let (s, warnings) = crate::structure::load(cfg, pot, path, comm)?;
    if comm.rank() == 0 {
        warnings.iter().for_each(|w| say_error(&format!("comd: {w}")));
    }
    if let Some(ck) = restart.filter(|ck| ck.box_max != s.lengths || ck.atoms.len() != s.atoms.len()) {
        return Err(usage(format!(
            "--restart: the checkpoint's box {:?} Å and {} atoms are not those of --structure {} ({:?} Å, {} atoms)",
            ck.box_max,
            ck.atoms.len(),
            path.display(),
            s.lengths,
            s.atoms.len()
        )));
    }
    Ok(s)
}

/// Offscreen capture on rank 0 (a GPU adapter is needed: its absence is a usage error found
/// before the run), its cadence elsewhere.
fn capture_observer(v: &ViewerArgs, every: u64, rank0: bool) -> anyhow::Result<Box<dyn Observer>> {
    if !rank0 {
        return Ok(Box::new(crate::observer::Cadence(Some(every))));
    }
    #[cfg(feature = "viewer")]
    {
        let cap = crate::capture::OffscreenCapture::new(v).map_err(|e| usage(format!("offscreen capture: {e}")))?;
        Ok(Box::new(crate::observer::feeds::CaptureFeed::new(cap, every)))
    }
    #[cfg(not(feature = "viewer"))]
    {
        let _ = v;
        Err(usage("--screenshot/--gif/--frames need comd built with the `viewer` feature"))
    }
}

/// Writes one line to stderr in a single write, so lines of different MPI ranks never mix.
fn say_error(line: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(format!("{line}\n").as_bytes());
}
