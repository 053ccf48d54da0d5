//! Reports: CoMD's screen output, the YAML file and the per-atom state dump (port of the
//! printing parts of `CoMD.c`, `performanceTimers.c` and `yamlOutput.c`, spec §11).
//!
//! The simulation fills plain data structs ([`Setup`], [`ThermoRow`], [`Validation`],
//! [`TimerReport`]); this module only formats them, on rank 0.

pub mod dump;
pub mod format;
pub mod screen;
pub mod yaml;

use crate::timers::{TimerStats, N_TIMERS};

/// Facts about the machine and build, for the header.
#[derive(Debug, Clone)]
pub struct Platform {
    /// Host name.
    pub hostname: String,
    /// Kernel name (`Linux`).
    pub kernel_name: String,
    /// Kernel release.
    pub kernel_release: String,
    /// CPU architecture.
    pub processor: String,
    /// Communication layer (`none` or the MPI library).
    pub comm: String,
    /// Whether MPI is used.
    pub using_mpi: bool,
    /// rayon threads.
    pub threads: usize,
    /// Loop order: `exact (CoMD serial order)` or the default path.
    pub path: String,
}

impl Platform {
    /// Reads host facts from `/proc` (falls back to `unknown`).
    pub fn detect(comm: String, using_mpi: bool, threads: usize, path: String) -> Platform {
        let read = |p: &str| std::fs::read_to_string(p).map(|s| s.trim().to_string()).unwrap_or_else(|_| "unknown".into());
        Platform {
            hostname: read("/proc/sys/kernel/hostname"),
            kernel_name: read("/proc/sys/kernel/ostype"),
            kernel_release: read("/proc/sys/kernel/osrelease"),
            processor: std::env::consts::ARCH.to_string(),
            comm,
            using_mpi,
            threads,
            path,
        }
    }
}

/// Setup facts printed after initialisation.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// Atoms in the whole box.
    pub n_global: i64,
    /// Global box corners.
    pub global_min: [f64; 3],
    /// Global box corners.
    pub global_max: [f64; 3],
    /// Rank grid.
    pub proc_grid: [usize; 3],
    /// Local link cells per axis (rank 0).
    pub grid_size: [usize; 3],
    /// Link-cell edge lengths.
    pub box_size: [f64; 3],
    /// Cutoff, Å.
    pub cutoff: f64,
    /// Largest cell occupancy over all ranks.
    pub max_occupancy: usize,
    /// Slots per cell.
    pub capacity: usize,
    /// Potential description lines.
    pub potential: Vec<(&'static str, String)>,
    /// EAM labels are padded differently.
    pub is_eam: bool,
    /// Atoms on rank 0.
    pub n_local: usize,
    /// Local and total (local + halo) cells of rank 0.
    pub n_boxes: (usize, usize),
}

/// One row of the thermo table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThermoRow {
    /// Step.
    pub step: u64,
    /// Time, fs.
    pub time: f64,
    /// Total energy per atom, eV.
    pub e_total: f64,
    /// Potential energy per atom, eV.
    pub e_potential: f64,
    /// Kinetic energy per atom, eV.
    pub e_kinetic: f64,
    /// Temperature, K.
    pub temperature: f64,
    /// Wall time per atom and step since the previous row, µs (rank 0).
    pub perf: f64,
    /// Atoms.
    pub n_atoms: i64,
    /// Pressure from the virial, GPa (YAML only for constant energy; the screen table
    /// stays CoMD's).
    pub pressure: f64,
    /// What a thermostat or barostat adds (columns after CoMD's).
    pub ensemble: Option<EnsembleColumns>,
}

/// What an ensemble run adds to a thermo row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnsembleColumns {
    /// Target temperature now, K.
    pub target_temp: f64,
    /// The conserved quantity per atom, eV: the energy plus the chain's energy and `P₀V`,
    /// minus the work the thermostat and barostat did.
    pub conserved: f64,
    /// Box volume, Å³ (with a barostat).
    pub volume: Option<f64>,
}

/// The closing validation block.
#[derive(Debug, Clone, Copy)]
pub struct Validation {
    /// Total energy per atom at step 0.
    pub e_initial: f64,
    /// Total energy per atom at the end.
    pub e_final: f64,
    /// Atoms at step 0.
    pub n_initial: i64,
    /// Atoms at the end.
    pub n_final: i64,
}

/// Timer totals of rank 0 and statistics across ranks.
#[derive(Debug, Clone)]
pub struct TimerReport {
    /// Number of ranks.
    pub n_ranks: usize,
    /// Calls per timer on rank 0.
    pub count: [u64; N_TIMERS],
    /// Seconds per timer on rank 0.
    pub total: [f64; N_TIMERS],
    /// Statistics per timer.
    pub stats: [TimerStats; N_TIMERS],
    /// µs per atom and step and task.
    pub atom_rate: f64,
    /// µs per atom and step.
    pub all_atom_rate: f64,
    /// atoms per µs.
    pub atoms_per_us: f64,
    /// Halo-exchange bytes sent per rank and time step (average over ranks).
    pub halo_bytes_per_step: f64,
    /// Neighbour-list builds of the run (start-up included), on the default path.
    pub list_builds: Option<u64>,
    /// Whether those lists were streamed (rebuilt piece by piece at every force evaluation).
    pub lists_streamed: bool,
}
