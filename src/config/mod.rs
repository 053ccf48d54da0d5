//! The validated run configuration (the "high level" arguments): command line and deck
//! merged, defaults applied, and CoMD's sanity checks (spec §14) run before anything starts.

pub mod ensemble;

pub use ensemble::EnsembleConfig;

use crate::cli::{Cli, PotType, StructureFormat};
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
    /// Refuse a run whose memory estimate exceeds what is available (`--no-memory-check`: no).
    pub memory_check: bool,
    /// Verlet skin of the default path, Å (`None`: the potential's default, chosen by the
    /// engine factory).
    pub skin: Option<f64>,
    /// How the default path keeps its neighbour lists (`--lists`).
    pub lists: crate::cli::ListMode,
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
    /// Structure file to start from (`--structure`) instead of CoMD's lattice.
    pub structure: Option<PathBuf>,
    /// Its format (`--structure-format`; `None`: from the extension).
    pub structure_format: Option<StructureFormat>,
    /// LAMMPS data file of the final state (`--write-data`).
    pub write_data: Option<PathBuf>,
    /// Whether `-T` was given (command line or deck): it then overrides a structure's velocities.
    pub temp_given: bool,
    /// Thermostat and barostat (constant energy in a fixed box unless asked).
    pub ensemble: EnsembleConfig,
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
            memory_check: !cli.no_memory_check,
            skin: cli.skin,
            lists: cli.lists,
            dump_state: cli.dump_state.clone(),
            dump_every: cli.dump_state_every.map(|k| k as u64),
            yaml,
            warnings,
            seed: cli.workflow.seed,
            restart: cli.workflow.restart.clone(),
            structure: cli.structure.clone(),
            structure_format: cli.structure_format,
            write_data: cli.write_data.clone(),
            temp_given: cli.temp.is_some(),
            ensemble: EnsembleConfig::from_cli(cli, temp)?,
        };
        check_structure_options(cli)?;
        if let Some(t) = cfg.threads.filter(|&t| t > MAX_THREADS) {
            return Err(usage(format!("--threads: {t} is too many; allowed 1 to {MAX_THREADS}")));
        }
        if cfg.dump_every.is_some() && cfg.dump_state.is_none() {
            return Err(usage("--dump-state-every needs --dump-state PATH"));
        }
        for (flag, p) in [("--dump-state", &cfg.dump_state), ("--write-data", &cfg.write_data), ("--yaml", &match &cfg.yaml { YamlTarget::Path(p) => Some(p.clone()), _ => None })] {
            if let Some(p) = p {
                crate::files::probe(p, false).map_err(|e| usage(format!("{flag} {}: {e}", p.display())))?;
            }
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
        if self.delta >= lat {
            return Err(usage(format!(
                "-r: a displacement of {} Å is not below the lattice constant {lat} Å (it would put atoms on other atoms' sites); use -r below {lat}",
                self.delta
            )));
        }
        let names = ["-x", "-y", "-z"];
        let procs = ["-i", "-j", "-k"];
        // a structure's box is checked against the ranks when it is read (crate::structure)
        // the same rule as CoMD's link cells: at least two cells of one cutoff per rank
        let fits = |n: usize, procs: usize| {
            let size = n as f64 * lat;
            size >= 2.0 * cutoff * procs as f64 && (size / procs as f64 / cutoff).floor() >= 2.0
        };
        for a in (0..3).filter(|_| self.structure.is_none()) {
            let size = self.n_cells[a] as f64 * lat;
            if !fits(self.n_cells[a], self.proc_grid[a]) {
                let need = (1..).find(|&n| fits(n, self.proc_grid[a])).expect("some size fits");
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

/// The most worker threads `--threads` accepts (each costs a stack and start-up time).
pub const MAX_THREADS: usize = 1024;

/// `--structure` replaces the lattice options; `--structure-format` needs it.
fn check_structure_options(cli: &Cli) -> anyhow::Result<()> {
    let lattice = [("-x/--nx", cli.nx.is_some()), ("-y/--ny", cli.ny.is_some()), ("-z/--nz", cli.nz.is_some()), ("-l/--lat", cli.lat.is_some())];
    let given: Vec<&str> = lattice.iter().filter(|(_, g)| *g).map(|(n, _)| *n).collect();
    match &cli.structure {
        Some(p) if !given.is_empty() => Err(usage(format!(
            "{} cannot be used with --structure {}: the structure file gives the box and the atoms",
            given.join(", "),
            p.display()
        ))),
        None if cli.structure_format.is_some() => Err(usage("--structure-format needs --structure PATH")),
        Some(p) if cli.write_data.as_ref().is_some_and(|w| same_file(w, p)) => {
            Err(usage(format!("--write-data {}: is the --structure input; choose another path (no output overwrites an input)", p.display())))
        }
        _ => Ok(()),
    }
}

/// Whether two paths name the same existing file.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// Fails with a usage error unless a file can be written at `path`, found by doing what the
/// write will do (see [`crate::files::probe`]; nothing is left behind).
pub fn check_writable(path: &std::path::Path) -> anyhow::Result<()> {
    crate::files::probe(path, false).map_err(|e| usage(format!("{}: {e}", path.display())))
}
