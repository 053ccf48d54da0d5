//! Command-line options of the workflow features: input decks, trajectories, checkpoints,
//! restarts, replicas, progress and plots.
//!
//! They live in their own [`clap::Args`] group, flattened into [`super::Cli`], so the CoMD
//! flags stay in one place and these in another. Decks set them under the same long names
//! (see [`super::deck`]).

use super::positive_int;
use std::path::PathBuf;

/// Options of the workflow features.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WorkflowArgs {
    /// Read options from a TOML input deck (keys are the long option names); flags given on
    /// the command line override the deck
    #[arg(long, value_name = "PATH")]
    pub deck: Option<PathBuf>,
    /// Replica seed: mixed into every atom's random streams (initial momenta, displacements);
    /// without it the streams are CoMD's
    #[arg(long, value_name = "S", value_parser = seed)]
    pub seed: Option<u64>,
    /// Write an extended-XYZ trajectory (Å, Å/fs; readable by OVITO and ASE)
    #[arg(long, value_name = "PATH")]
    pub xyz: Option<PathBuf>,
    /// Write a LAMMPS text dump trajectory (metal units: Å, Å/ps)
    #[arg(long = "lammps-dump", value_name = "PATH")]
    pub lammps_dump: Option<PathBuf>,
    /// Steps between trajectory frames (step 0 and the final step are always written)
    /// [default: printRate]
    #[arg(long = "dump-every", value_name = "K", value_parser = positive_int)]
    pub dump_every: Option<i64>,
    /// Write trajectory numbers with 17 significant digits instead of 8
    #[arg(long = "full-precision")]
    pub full_precision: bool,
    /// Start each --lammps-dump frame with `ITEM: TIME` (ps), as LAMMPS's `dump_modify time
    /// yes` (OVITO reads it; MDAnalysis's dump reader does not)
    #[arg(long = "dump-time")]
    pub dump_time: bool,
    /// Write a checkpoint (binary, atomically replaced) at the end of the run, and every
    /// --checkpoint-every steps
    #[arg(long, value_name = "PATH")]
    pub checkpoint: Option<PathBuf>,
    /// Steps between checkpoints (needs --checkpoint)
    #[arg(long = "checkpoint-every", value_name = "K", value_parser = positive_int)]
    pub checkpoint_every: Option<i64>,
    /// Continue a run from a checkpoint up to -N steps (the physics options must match)
    #[arg(long, value_name = "PATH")]
    pub restart: Option<PathBuf>,
    /// No progress bar
    #[arg(long)]
    pub quiet: bool,
    /// Plot energies and temperature against time at the end of the run (SVG)
    #[arg(long, value_name = "PATH.svg")]
    pub plot: Option<PathBuf>,
}

/// A replica seed: an integer from 0 to 2^63 − 1.
pub fn seed(s: &str) -> Result<u64, String> {
    match s.trim().parse::<i64>() {
        Ok(v) if v >= 0 => Ok(v as u64),
        Ok(v) => Err(format!("must be 0 or a positive integer (got {v})")),
        Err(_) => Err(format!("'{s}' is not an integer")),
    }
}
