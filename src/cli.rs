//! Command line (CoMD's flags, spec §2, plus comd-rs's own).
//!
//! Every CoMD option keeps its short and long name. Unlike CoMD, anything the parser cannot
//! use is an error: unknown options, missing or non-numeric values, values out of range.
//! Options are `Option`s so that a value given on the command line can be told apart from a
//! default (input decks fill in what the command line leaves out).

use clap::{Parser, ValueEnum};
use std::path::PathBuf;

/// Exit statuses, shown under `--help`.
pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0    success
  1    failure during the run (unstable simulation, lost atoms, I/O error)
  2    bad command line, bad input file or unwritable output path (found before the run)
  130  interrupted by SIGINT (Ctrl-C)
  143  terminated by SIGTERM";

/// EAM table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PotType {
    /// DYNAMO funcfl (single element, e.g. Cu_u6.eam).
    Funcfl,
    /// DYNAMO setfl with one element (e.g. Cu01.eam.alloy).
    Setfl,
}

/// comd-rs command line.
#[derive(Debug, Clone, Default, Parser)]
#[command(
    name = "comd",
    version,
    about = "comd-rs: CoMD 1.1 molecular dynamics (Lennard-Jones and EAM copper), ported to Rust",
    after_help = EXIT_STATUS_HELP,
    infer_long_args = true
)]
pub struct Cli {
    /// Directory of EAM table files [default: search $LAMMPS_POTENTIALS, ./pots, /usr/share/lammps/potentials]
    #[arg(short = 'd', long = "potDir", value_name = "DIR")]
    pub pot_dir: Option<PathBuf>,
    /// EAM table file name [default: Cu_u6.eam (funcfl), Cu01.eam.alloy (setfl)]
    #[arg(short = 'p', long = "potName", value_name = "FILE")]
    pub pot_name: Option<String>,
    /// EAM table format [default: funcfl]
    #[arg(short = 't', long = "potType", value_enum)]
    pub pot_type: Option<PotType>,
    /// Use the EAM potential instead of Lennard-Jones
    #[arg(short = 'e', long = "doeam")]
    pub doeam: bool,
    /// FCC unit cells along x [default: 20]
    #[arg(short = 'x', long = "nx", value_parser = positive_int, allow_negative_numbers = true)]
    pub nx: Option<i64>,
    /// FCC unit cells along y [default: 20]
    #[arg(short = 'y', long = "ny", value_parser = positive_int, allow_negative_numbers = true)]
    pub ny: Option<i64>,
    /// FCC unit cells along z [default: 20]
    #[arg(short = 'z', long = "nz", value_parser = positive_int, allow_negative_numbers = true)]
    pub nz: Option<i64>,
    /// MPI ranks along x [default: 1]
    #[arg(short = 'i', long = "xproc", value_parser = positive_int, allow_negative_numbers = true)]
    pub xproc: Option<i64>,
    /// MPI ranks along y [default: 1]
    #[arg(short = 'j', long = "yproc", value_parser = positive_int, allow_negative_numbers = true)]
    pub yproc: Option<i64>,
    /// MPI ranks along z [default: 1]
    #[arg(short = 'k', long = "zproc", value_parser = positive_int, allow_negative_numbers = true)]
    pub zproc: Option<i64>,
    /// Number of time steps; 0 prints the initial state only [default: 100]
    #[arg(short = 'N', long = "nSteps", value_parser = non_negative_int, allow_negative_numbers = true)]
    pub n_steps: Option<i64>,
    /// Steps between printed rows [default: 10]
    #[arg(short = 'n', long = "printRate", value_parser = positive_int, allow_negative_numbers = true)]
    pub print_rate: Option<i64>,
    /// Time step, fs [default: 1]
    #[arg(short = 'D', long = "dt", value_parser = positive_real, allow_negative_numbers = true)]
    pub dt: Option<f64>,
    /// Lattice constant, Å; negative: the potential's (3.615) [default: -1]
    #[arg(short = 'l', long = "lat", value_parser = lattice_constant, allow_negative_numbers = true)]
    pub lat: Option<f64>,
    /// Initial temperature, K [default: 600]
    #[arg(short = 'T', long = "temp", value_parser = non_negative_real, allow_negative_numbers = true)]
    pub temp: Option<f64>,
    /// Maximum random displacement per axis, Å [default: 0]
    #[arg(short = 'r', long = "delta", value_parser = non_negative_real, allow_negative_numbers = true)]
    pub delta: Option<f64>,

    /// Use CoMD's serial loop order and arithmetic: reproduces CoMD 1.1's numbers to the bit
    #[arg(long)]
    pub exact: bool,
    /// Worker threads for the force loops [default: all cores]
    #[arg(long, value_parser = positive_int, allow_negative_numbers = true)]
    pub threads: Option<i64>,
    /// Verlet-list skin of the default path, Å [default: 0.85 for LJ, 0.6 for EAM]
    #[arg(long, value_name = "Å", value_parser = skin, allow_negative_numbers = true, conflicts_with = "exact")]
    pub skin: Option<f64>,
    /// Write the per-atom state at the end of the run (CoMD state-dump format)
    #[arg(long, value_name = "PATH")]
    pub dump_state: Option<PathBuf>,
    /// Also write PATH.step<N> every K steps (needs --dump-state)
    #[arg(long, value_name = "K", value_parser = positive_int, allow_negative_numbers = true)]
    pub dump_state_every: Option<i64>,
    /// YAML report path [default: comd-rs.<YYYYMMDD-HHMMSS>.yaml, never overwriting]
    #[arg(long, value_name = "PATH", conflicts_with = "no_yaml")]
    pub yaml: Option<PathBuf>,
    /// Do not write a YAML report
    #[arg(long)]
    pub no_yaml: bool,
    /// Decks, trajectories, checkpoints, replicas, progress, plots.
    #[command(flatten)]
    pub workflow: crate::workflow::WorkflowArgs,
    /// Live viewer and offscreen capture.
    #[command(flatten)]
    pub viewer: crate::viewer::args::ViewerArgs,
}

fn parse_int(s: &str) -> Result<i64, String> {
    s.trim().parse::<i64>().map_err(|_| format!("'{s}' is not an integer"))
}

fn parse_real(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("'{s}' is not a finite number")),
    }
}

/// An integer ≥ 1.
pub fn positive_int(s: &str) -> Result<i64, String> {
    let v = parse_int(s)?;
    if v >= 1 {
        Ok(v)
    } else {
        Err(format!("must be a positive integer (got {v})"))
    }
}

/// An integer ≥ 0.
pub fn non_negative_int(s: &str) -> Result<i64, String> {
    let v = parse_int(s)?;
    if v >= 0 {
        Ok(v)
    } else {
        Err(format!("must be 0 or a positive integer (got {v})"))
    }
}

/// A finite number > 0.
pub fn positive_real(s: &str) -> Result<f64, String> {
    let v = parse_real(s)?;
    if v > 0.0 {
        Ok(v)
    } else {
        Err(format!("must be a positive number (got {v})"))
    }
}

/// A finite number ≥ 0.
pub fn non_negative_real(s: &str) -> Result<f64, String> {
    let v = parse_real(s)?;
    if v >= 0.0 {
        Ok(v)
    } else {
        Err(format!("must be 0 or positive (got {v})"))
    }
}

/// A finite, non-zero lattice constant (negative: take the potential's).
pub fn lattice_constant(s: &str) -> Result<f64, String> {
    let v = parse_real(s)?;
    if v != 0.0 {
        Ok(v)
    } else {
        Err("must be positive (Å), or negative to use the potential's lattice constant".to_string())
    }
}

/// A Verlet skin: finite, > 0 and at most 2 Å.
pub fn skin(s: &str) -> Result<f64, String> {
    let v = parse_real(s)?;
    if v > 0.0 && v <= 2.0 {
        Ok(v)
    } else {
        Err(format!("must be between 0 and 2 Å (got {v})"))
    }
}
