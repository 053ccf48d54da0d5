//! The command-line layer: CoMD's flags (spec §2) and comd-rs's own, input decks, and the
//! one-line error messages.
//!
//! | file | role |
//! | --- | --- |
//! | `mod.rs` | [`Cli`] (CoMD's flags, flattening the two groups below), [`command`], [`CommandLine`], [`error_line`], value validators |
//! | [`workflow`] | [`WorkflowArgs`]: decks, trajectories, checkpoints, replicas, progress, plots |
//! | [`viewer`] | [`ViewerArgs`]: live window and offscreen capture (no wgpu/winit type: always compiled) |
//! | [`deck`] | TOML decks, checked and merged through the same definitions |
//!
//! # One definition per option
//!
//! Each option is written once, as a field of the clap derive structs: its long name, type,
//! validator, default and help. Decks reuse that definition instead of restating it: the
//! allowed keys are the long names of [`command`]'s arguments, and each value is checked by
//! its argument's own value parser ([`deck`]), so ranges, enums and messages cannot drift
//! apart between the command line and the deck.
//!
//! # Precedence
//!
//! Per option: the command line, then the deck, then the default. "Given on the command
//! line" is what clap recorded ([`clap::parser::ValueSource::CommandLine`]), never a
//! comparison with the default, so `--gif-every 10` beats a deck's `gif-every = 5` although
//! 10 is the default. [`CommandLine::with_deck`] places the deck's remaining entries before
//! the command line and parses the whole into the typed [`Cli`].
//!
//! On/off flags take an optional value (`--exact`, `--exact=true`, `--exact=false`, `-e`),
//! so a flag a deck switches on can be switched off on the command line; [`command`] makes
//! every flag of the derive structs work this way. As in CoMD, anything the parser cannot
//! use is an error: unknown options, missing or non-numeric values, values out of range.

pub mod deck;
pub mod ensemble;
pub mod viewer;
pub mod workflow;

pub use ensemble::EnsembleArgs;
pub use viewer::ViewerArgs;
pub use workflow::WorkflowArgs;

use crate::error::usage;
use clap::{Arg, ArgAction, ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

/// Exit statuses, shown under `--help`.
pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0    success
  1    failure during the run (unstable simulation, lost atoms, I/O error)
  2    bad command line, bad input file or unwritable output path (found before the run)
  130  interrupted by SIGINT (Ctrl-C)
  143  terminated by SIGTERM

On/off flags take an optional value: --exact=false turns off a flag a deck turns on.";

/// EAM table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PotType {
    /// DYNAMO funcfl (single element, e.g. Cu_u6.eam).
    Funcfl,
    /// DYNAMO setfl with one element (e.g. Cu01.eam.alloy).
    Setfl,
}

/// How the default path keeps its neighbour lists (`--lists`; see `engine::fast::lists`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListMode {
    /// Stored, unless they would not fit in memory: then streamed.
    #[default]
    Auto,
    /// Kept whole between rebuilds (fastest).
    Stored,
    /// Rebuilt for each force evaluation, piece by piece (least memory).
    Streamed,
}

/// Structure file format (`--structure-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StructureFormat {
    /// Extended XYZ, as ASE and OVITO write it (`.xyz`, `.extxyz`).
    Extxyz,
    /// LAMMPS data file, atom style atomic (`.data`, `.lmp`).
    Lammps,
}

/// comd-rs command line (parse it with [`CommandLine`], which also applies `--deck`).
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
    /// Run even if the memory estimate exceeds what this process can have
    #[arg(long)]
    pub no_memory_check: bool,
    /// Verlet-list skin of the default path, Å [default: 0.85 for LJ, 0.6 for EAM]
    #[arg(long, value_name = "Å", value_parser = skin, allow_negative_numbers = true, conflicts_with = "exact")]
    pub skin: Option<f64>,
    /// Neighbour lists of the default path: stored whole (fastest), or streamed, rebuilt
    /// piece by piece at every force evaluation (same results, about a third of the memory, several
    /// times slower); auto streams only when stored lists would not fit in memory
    #[arg(long, value_enum, value_name = "MODE", default_value_t = ListMode::Auto, conflicts_with = "exact")]
    pub lists: ListMode,
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
    /// Start from this structure (extended XYZ or LAMMPS data file) instead of -x -y -z -l
    #[arg(long, value_name = "PATH")]
    pub structure: Option<PathBuf>,
    /// Format of --structure [default: from the extension: .xyz/.extxyz, .data/.lmp]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub structure_format: Option<StructureFormat>,
    /// Write the final state as a LAMMPS data file (metal units, 17 significant digits)
    #[arg(long, value_name = "PATH")]
    pub write_data: Option<PathBuf>,
    /// Decks, trajectories, checkpoints, replicas, progress, plots.
    #[command(flatten)]
    pub workflow: WorkflowArgs,
    /// Thermostats and their targets.
    #[command(flatten)]
    pub ensemble: EnsembleArgs,
    /// Live viewer and offscreen capture.
    #[command(flatten)]
    pub viewer: ViewerArgs,
}

/// The clap command of [`Cli`], with every on/off flag made switchable: `--exact`,
/// `--exact=true` and `--exact=false` (`=` required, so `-e -x 5` parses as before).
///
/// The `conflicts_with` of the derive structs are taken out (clap would count
/// `--exact=false` as present) and checked by [`check_conflicts`] instead.
pub fn command() -> clap::Command {
    Cli::command().mut_args(|a| {
        let a = a.conflicts_with(clap::builder::Resettable::Reset);
        if matches!(a.get_action(), ArgAction::SetTrue) {
            switchable(a)
        } else {
            a
        }
    })
}

/// The pairs of arguments (ids, then long names) that cannot be given together: the
/// `conflicts_with` of the derive structs.
pub fn conflicts() -> Vec<[(String, String); 2]> {
    let cmd = Cli::command();
    let name = |a: &Arg| (a.get_id().to_string(), a.get_long().unwrap_or(a.get_id().as_str()).to_string());
    let mut out = Vec::new();
    for a in cmd.get_arguments() {
        out.extend(cmd.get_arg_conflicts_with(a).into_iter().map(|c| [name(a), name(c)]));
    }
    out
}

/// True when the command line gave argument `id`, and for an on/off flag, gave it on.
fn switched_on(matches: &ArgMatches, id: &str) -> bool {
    matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine) && matches.try_get_one::<bool>(id).map_or(true, |v| v == Some(&true))
}

/// An error if two arguments of a pair of [`conflicts`] are both on.
pub fn check_conflicts(matches: &ArgMatches) -> Result<(), clap::Error> {
    match conflicts().into_iter().find(|[a, b]| switched_on(matches, &a.0) && switched_on(matches, &b.0)) {
        Some([a, b]) => Err(clap::Error::raw(clap::error::ErrorKind::ArgumentConflict, format!("the argument '--{}' cannot be used with '--{}'", a.1, b.1))),
        None => Ok(()),
    }
}

fn switchable(a: Arg) -> Arg {
    a.action(ArgAction::Set)
        .num_args(0..=1)
        .require_equals(true)
        .default_missing_value("true")
        .default_value("false")
        .value_parser(clap::value_parser!(bool))
        .value_name("BOOL")
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// The parsed command line, before the deck it may name is applied.
#[derive(Debug, Clone)]
pub struct CommandLine {
    matches: ArgMatches,
    argv: Vec<OsString>,
}

impl CommandLine {
    /// Parses `argv` (program name first) with [`command`].
    ///
    /// # Errors
    /// clap's error (including `--help` and `--version`, which are not failures); print it
    /// as one line with [`error_line`].
    pub fn try_parse_from<I, T>(argv: I) -> Result<CommandLine, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let argv: Vec<OsString> = argv.into_iter().map(Into::into).collect();
        let matches = command().try_get_matches_from(&argv)?;
        check_conflicts(&matches)?;
        Ok(CommandLine { matches, argv })
    }

    /// The typed options: the command line, filled in by the `--deck` it names, if any.
    ///
    /// # Errors
    /// An unreadable or invalid deck: one line naming file, line and key (usage error).
    pub fn resolve(&self) -> anyhow::Result<Cli> {
        match self.matches.get_one::<PathBuf>("deck") {
            Some(path) => self.with_deck(&deck::read(path)?),
            None => Cli::from_arg_matches(&self.matches).map_err(|e| usage(error_line(&e))),
        }
    }

    /// The typed options of this command line filled in by `deck` (command line first,
    /// then the deck, then the defaults; see [`deck::merged_argv`]).
    ///
    /// # Errors
    /// Deck entries that cannot go together (`yaml` and `no-yaml`), named with the deck.
    pub fn with_deck(&self, deck: &deck::Deck) -> anyhow::Result<Cli> {
        let cmd = command();
        let argv = deck::merged_argv(&cmd, &self.matches, &self.argv, deck);
        let fail = |e: clap::Error| usage(format!("{}: {}", deck.name, error_line(&e)));
        let matches = cmd.try_get_matches_from(argv).map_err(fail)?;
        check_conflicts(&matches).map_err(fail)?;
        Cli::from_arg_matches(&matches).map_err(fail)
    }
}

/// clap's error as one line: its message, allowed values and tips, without the `Usage:`
/// block and the "For more information" line; for an abbreviated long option matching
/// several (`--d`), the candidates.
pub fn error_line(e: &clap::Error) -> String {
    if let Some(line) = ambiguous(e) {
        return line;
    }
    let text = e.render().to_string();
    let mut line = String::new();
    let mut in_usage = false;
    for l in text.lines().map(str::trim) {
        if l.is_empty() {
            in_usage = false;
        } else if l.starts_with("Usage:") {
            in_usage = true;
        } else if !in_usage && !l.starts_with("For more information") {
            let l = l.trim_start_matches("error: ");
            if !line.is_empty() {
                line.push_str(if l.starts_with('[') { " " } else { "; " });
            }
            line.push_str(l);
        }
    }
    if line.is_empty() {
        "invalid command line".to_string()
    } else {
        line
    }
}

/// `--pre` matching several long options (`infer_long_args`): clap reports it as unknown.
fn ambiguous(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else { return None };
    let prefix = arg.strip_prefix("--")?.split('=').next()?;
    let cmd = command();
    let candidates: Vec<String> = cmd
        .get_arguments()
        .filter_map(Arg::get_long)
        .filter(|l| !prefix.is_empty() && l.starts_with(prefix))
        .map(|l| format!("--{l}"))
        .collect();
    (candidates.len() > 1).then(|| format!("ambiguous option '--{prefix}': could be {}", candidates.join(", ")))
}

fn parse_int(s: &str) -> Result<i64, String> {
    s.trim().parse::<i64>().map_err(|_| format!("'{s}' is not an integer"))
}

pub(crate) fn parse_real(s: &str) -> Result<f64, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_is_consistent_and_its_flags_switch_both_ways() {
        command().debug_assert();
        let cli = |args: &[&str]| CommandLine::try_parse_from([&["comd"], args].concat()).unwrap().resolve().unwrap();
        assert!(cli(&["-e"]).doeam && cli(&["-e", "-x", "5"]).nx == Some(5) && cli(&["-ex5"]).doeam);
        assert!(!cli(&["--doeam=false"]).doeam && cli(&["--doeam=true"]).doeam && !cli(&[]).doeam);
        assert!(cli(&["--full-precision", "--quiet", "--viewer"]).workflow.full_precision);
        assert!(CommandLine::try_parse_from(["comd", "-e", "false"]).is_err());
        let help = command().render_long_help().to_string();
        assert!(help.contains("-e, --doeam[=<BOOL>]") && help.contains("--exact=false"), "{help}");
    }
}
