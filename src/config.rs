//! The validated run configuration (the "high level" arguments): command line and deck
//! merged, defaults applied, and CoMD's sanity checks (spec §14) run before anything starts.

use crate::cli::ensemble::Thermostat;
use crate::cli::{Cli, PotType};
use crate::error::usage;
use std::path::PathBuf;

/// Where the YAML report goes.
#[derive(Debug, Clone, PartialEq)]
pub enum YamlTarget {
    /// `comd-rs.<YYYYMMDD-HHMMSS>.yaml` in the current directory, never overwriting.
    Auto,
    /// The given path.
    Path(PathBuf),
    /// No report.
    Off,
}

/// Everything a run needs to know, validated.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// EAM instead of LJ.
    pub doeam: bool,
    /// `--potDir` as given.
    pub pot_dir: Option<PathBuf>,
    /// EAM file name (default resolved from the type).
    pub pot_name: String,
    /// EAM file format.
    pub pot_type: PotType,
    /// Unit cells per axis.
    pub n_cells: [usize; 3],
    /// Rank grid.
    pub proc_grid: [usize; 3],
    /// Steps to run.
    pub n_steps: u64,
    /// Steps between printed rows.
    pub print_rate: u64,
    /// Time step, fs.
    pub dt: f64,
    /// Lattice constant as given (negative: the potential's).
    pub lat_arg: f64,
    /// Initial temperature, K.
    pub temp: f64,
    /// Maximum initial displacement, Å.
    pub delta: f64,
    /// CoMD's exact loop order.
    pub exact: bool,
    /// rayon threads (None: all cores).
    pub threads: Option<usize>,
    /// Verlet skin of the default path, Å (`None`: the potential's default, chosen by the
    /// engine factory).
    pub skin: Option<f64>,
    /// Final state dump path.
    pub dump_state: Option<PathBuf>,
    /// Intermediate dumps every K steps.
    pub dump_every: Option<u64>,
    /// YAML report target.
    pub yaml: YamlTarget,
    /// Warnings to print on stderr before the run (e.g. EAM options without `-e`).
    pub warnings: Vec<String>,
    /// Replica seed mixed into the per-atom random streams (`--seed`; None: CoMD's streams).
    pub seed: Option<u64>,
    /// Checkpoint to continue from (`--restart`).
    pub restart: Option<PathBuf>,
    /// Thermostat (`--thermostat`; `None`: constant energy).
    pub thermostat: Thermostat,
    /// Target temperature at step 0 and at step `n_steps`, K (equal: no ramp).
    pub target_temp: (f64, f64),
    /// Thermostat coupling time, fs.
    pub tau: f64,
    /// Nosé–Hoover chain length.
    pub nhc_chain: usize,
}

impl RunConfig {
    /// Applies defaults to the command line and checks what can be checked without the
    /// potential.
    pub fn from_cli(cli: &Cli) -> anyhow::Result<RunConfig> {
        let pot_type = cli.pot_type.unwrap_or(PotType::Funcfl);
        let pot_name = cli.pot_name.clone().unwrap_or_else(|| {
            match pot_type {
                PotType::Funcfl => "Cu_u6.eam",
                PotType::Setfl => "Cu01.eam.alloy",
            }
            .to_string()
        });
        let mut warnings = Vec::new();
        if !cli.doeam {
            let given: Vec<&str> = [("-p/--potName", cli.pot_name.is_some()), ("-t/--potType", cli.pot_type.is_some()), ("-d/--potDir", cli.pot_dir.is_some())]
                .iter()
                .filter(|(_, g)| *g)
                .map(|(n, _)| *n)
                .collect();
            if !given.is_empty() {
                warnings.push(format!("warning: {} ignored: they apply to EAM only (add -e)", given.join(", ")));
            }
        }
        let n_cells = [cli.nx.unwrap_or(20), cli.ny.unwrap_or(20), cli.nz.unwrap_or(20)];
        let n_atoms = 4i128 * n_cells.iter().map(|&v| v as i128).product::<i128>();
        if n_atoms > i32::MAX as i128 {
            return Err(usage(format!(
                "-x/-y/-z: {}x{}x{} unit cells make {n_atoms} atoms; at most {} are supported (atom ids are 32-bit, as in CoMD)",
                n_cells[0], n_cells[1], n_cells[2], i32::MAX
            )));
        }
        let proc_grid = [cli.xproc.unwrap_or(1), cli.yproc.unwrap_or(1), cli.zproc.unwrap_or(1)];
        let yaml = match (&cli.yaml, cli.no_yaml) {
            (_, true) => YamlTarget::Off,
            (Some(p), _) => YamlTarget::Path(p.clone()),
            (None, false) => YamlTarget::Auto,
        };
        let temp = cli.temp.unwrap_or(600.0);
        let cfg = RunConfig {
            doeam: cli.doeam,
            pot_dir: cli.pot_dir.clone(),
            pot_name,
            pot_type,
            n_cells: n_cells.map(|v| v as usize),
            proc_grid: proc_grid.map(|v| v as usize),
            n_steps: cli.n_steps.unwrap_or(100) as u64,
            print_rate: cli.print_rate.unwrap_or(10) as u64,
            dt: cli.dt.unwrap_or(1.0),
            lat_arg: cli.lat.unwrap_or(-1.0),
            temp,
            delta: cli.delta.unwrap_or(0.0),
            exact: cli.exact,
            threads: cli.threads.map(|t| t as usize),
            skin: cli.skin,
            dump_state: cli.dump_state.clone(),
            dump_every: cli.dump_state_every.map(|k| k as u64),
            yaml,
            warnings,
            seed: cli.workflow.seed,
            restart: cli.workflow.restart.clone(),
            thermostat: cli.ensemble.thermostat.unwrap_or_default(),
            target_temp: cli.ensemble.target_temp.map_or((temp, temp), |t| (t.0, t.1)),
            tau: cli.ensemble.tau.unwrap_or(100.0),
            nhc_chain: cli.ensemble.nhc_chain.unwrap_or(3) as usize,
        };
        check_ensemble(cli)?;
        if cfg.dump_every.is_some() && cfg.dump_state.is_none() {
            return Err(usage("--dump-state-every needs --dump-state PATH"));
        }
        for p in [&cfg.dump_state, &match &cfg.yaml { YamlTarget::Path(p) => Some(p.clone()), _ => None }].into_iter().flatten() {
            check_writable(p)?;
        }
        Ok(cfg)
    }

    /// The lattice constant actually used: `-l` if positive, else the potential's `natural`.
    pub fn lattice(&self, natural: f64) -> f64 {
        if self.lat_arg > 0.0 {
            self.lat_arg
        } else {
            natural
        }
    }

    /// CoMD's `sanityChecks` (spec §14) for `n_ranks` ranks and a potential of range `cutoff`,
    /// lattice `lattice_type` and lattice constant `lat` (resolved), as one-line usage errors.
    pub fn sanity_check(&self, n_ranks: usize, cutoff: f64, lattice_type: &str, lat: f64) -> anyhow::Result<()> {
        let grid: usize = self.proc_grid.iter().product();
        if grid != n_ranks {
            return Err(usage(format!(
                "-i/-j/-k: the rank grid {}x{}x{} = {grid} ranks does not match the {n_ranks} rank(s) running \
                 (start with mpirun -np {grid}, or change -i/-j/-k)",
                self.proc_grid[0], self.proc_grid[1], self.proc_grid[2]
            )));
        }
        if !lattice_type.eq_ignore_ascii_case("FCC") {
            return Err(usage(format!("only the FCC lattice is supported, not '{lattice_type}'")));
        }
        let names = ["-x", "-y", "-z"];
        let procs = ["-i", "-j", "-k"];
        for a in 0..3 {
            let size = self.n_cells[a] as f64 * lat;
            let min = 2.0 * cutoff * self.proc_grid[a] as f64;
            let cells_per_rank = (size / self.proc_grid[a] as f64 / cutoff).floor();
            if size < min || cells_per_rank < 2.0 {
                let need = (min / lat).ceil() as i64 + 1;
                return Err(usage(format!(
                    "{}: the simulation is too small: {} unit cells x {lat} Å = {size:.2} Å, but each of the {} rank(s) \
                     along this axis ({}) needs at least 2 cutoffs ({:.2} Å); use {} {need} or more",
                    names[a], self.n_cells[a], self.proc_grid[a], procs[a], 2.0 * cutoff, names[a]
                )));
            }
        }
        Ok(())
    }
}

/// The ensemble options that cannot run: a thermostat on the exact path (CoMD's constant
/// energy only), coupling options without a thermostat, a chain length without NHC, and the
/// thermostats this build does not have yet.
fn check_ensemble(cli: &Cli) -> anyhow::Result<()> {
    let e = &cli.ensemble;
    let kind = e.thermostat.unwrap_or_default();
    if kind == Thermostat::None {
        let given: Vec<&str> = [("--target-temp", e.target_temp.is_some()), ("--tau", e.tau.is_some()), ("--nhc-chain", e.nhc_chain.is_some())]
            .iter()
            .filter(|(_, g)| *g)
            .map(|(n, _)| *n)
            .collect();
        if !given.is_empty() {
            return Err(usage(format!("{}: needs --thermostat langevin, csvr or nhc (the run is constant energy)", given.join(", "))));
        }
        return Ok(());
    }
    if cli.exact {
        return Err(usage("--thermostat: --exact runs CoMD's constant-energy loop only; drop --exact or use --thermostat none"));
    }
    if e.nhc_chain.is_some() && kind != Thermostat::Nhc {
        return Err(usage("--nhc-chain: applies to --thermostat nhc only"));
    }
    let name = format!("{kind:?}").to_lowercase();
    Err(usage(format!("--thermostat {name}: not available yet in this build (issue 17 is in progress); allowed: none")))
}

/// Fails with a usage error unless a file can be created at `path` (the file itself is not
/// left behind).
pub fn check_writable(path: &std::path::Path) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if path.is_dir() {
        return Err(usage(format!("{}: is a directory, expected a file path", path.display())));
    }
    if !dir.is_dir() {
        return Err(usage(format!("{}: directory {} does not exist", path.display(), dir.display())));
    }
    let probe = dir.join(format!(".comd-rs-write-test-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(usage(format!("{}: cannot write in {}: {e}", path.display(), dir.display()))),
    }
}
