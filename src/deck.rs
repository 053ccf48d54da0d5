//! Input decks: a TOML file of options, `comd --deck inputs/lj.toml`.
//!
//! A deck is a flat TOML table whose keys are the long command-line option names
//! (`nx`, `nSteps`, `printRate`, `doeam`, `potDir`, `dump-state`, `checkpoint-every`, …) and
//! whose values have the option's type (integers, numbers, booleans for flags, strings for
//! names and paths). The deck is read into a [`Cli`] of its own, checked with the very same
//! validators as the command line, and then merged: whatever the command line gives wins,
//! the deck fills in the rest, and the defaults fill in what neither gives. Paths in a deck
//! are relative to the current directory, as on the command line.
//!
//! Every problem is one line naming the file, the line and the key:
//! `inputs/lj.toml:4: nSteps: must be 0 or a positive integer (got -3)`, and exit status 2.
//! The spans come from the TOML parser ([`toml::Spanned`]); unknown keys get a suggestion.

use crate::cli::{self, Cli, PotType};
use crate::error::usage;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

type S<T> = Option<Spanned<T>>;

/// The keys a deck may contain (the long option names).
pub const KEYS: &[&str] = &[
    "potDir", "potName", "potType", "doeam", "nx", "ny", "nz", "xproc", "yproc", "zproc", "nSteps", "printRate", "dt",
    "lat", "temp", "delta", "exact", "threads", "dump-state", "dump-state-every", "yaml", "no-yaml", "seed", "xyz",
    "lammps-dump", "dump-every", "full-precision", "checkpoint", "checkpoint-every", "restart", "quiet", "plot",
    "skin", "viewer", "screenshot", "gif", "gif-every", "frames", "frames-every", "view", "color", "size", "render-mode",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Deck {
    #[serde(rename = "potDir")]
    pot_dir: S<String>,
    #[serde(rename = "potName")]
    pot_name: S<String>,
    #[serde(rename = "potType")]
    pot_type: S<PotType>,
    doeam: Option<bool>,
    nx: S<i64>,
    ny: S<i64>,
    nz: S<i64>,
    xproc: S<i64>,
    yproc: S<i64>,
    zproc: S<i64>,
    #[serde(rename = "nSteps")]
    n_steps: S<i64>,
    #[serde(rename = "printRate")]
    print_rate: S<i64>,
    dt: S<f64>,
    lat: S<f64>,
    temp: S<f64>,
    delta: S<f64>,
    exact: Option<bool>,
    threads: S<i64>,
    skin: S<f64>,
    #[serde(rename = "dump-state")]
    dump_state: S<String>,
    #[serde(rename = "dump-state-every")]
    dump_state_every: S<i64>,
    yaml: S<String>,
    #[serde(rename = "no-yaml")]
    no_yaml: Option<bool>,
    seed: S<i64>,
    xyz: S<String>,
    #[serde(rename = "lammps-dump")]
    lammps_dump: S<String>,
    #[serde(rename = "dump-every")]
    dump_every: S<i64>,
    #[serde(rename = "full-precision")]
    full_precision: Option<bool>,
    checkpoint: S<String>,
    #[serde(rename = "checkpoint-every")]
    checkpoint_every: S<i64>,
    restart: S<String>,
    quiet: Option<bool>,
    plot: S<String>,
    viewer: Option<bool>,
    screenshot: S<String>,
    gif: S<String>,
    #[serde(rename = "gif-every")]
    gif_every: S<i64>,
    frames: S<String>,
    #[serde(rename = "frames-every")]
    frames_every: S<i64>,
    view: S<String>,
    color: S<String>,
    size: S<String>,
    #[serde(rename = "render-mode")]
    render_mode: S<String>,
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The key written on the line containing `offset` (text before `=`), if any.
fn key_on_line(text: &str, offset: usize) -> Option<String> {
    let end = offset.min(text.len());
    let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    let (k, _) = line.split_once('=')?;
    let k = k.trim().trim_matches('"').trim_matches('\'');
    (!k.is_empty()).then(|| k.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The known key closest to `key`, if it is close.
pub fn suggest(key: &str) -> Option<&'static str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_'], "");
    let k = norm(key);
    KEYS.iter()
        .map(|c| (edit_distance(&k, &norm(c)), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn plain_message(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or("invalid value").trim();
    first.replace("expected i64", "expected an integer").replace("expected f64", "expected a number")
}

/// Turns a TOML/serde error into `file:line: key: message`.
fn toml_error(name: &str, text: &str, err: &toml::de::Error) -> anyhow::Error {
    let offset = err.span().map_or(0, |s| s.start);
    let line = line_of(text, offset);
    let msg = err.message();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("");
        let hint = match suggest(key) {
            Some(s) => format!("did you mean '{s}'?"),
            None => "the keys are the long option names of `comd --help`".to_string(),
        };
        return usage(format!("{name}:{line}: unknown key '{key}' ({hint})"));
    }
    match key_on_line(text, offset) {
        Some(k) if err.span().is_some() => usage(format!("{name}:{line}: {k}: {}", plain_message(msg))),
        _ => usage(format!("{name}:{line}: {}", plain_message(msg))),
    }
}

struct Checker<'a> {
    name: &'a str,
    text: &'a str,
}

impl Checker<'_> {
    fn check<T: ToString, U>(&self, key: &str, v: S<T>, valid: fn(&str) -> Result<U, String>) -> anyhow::Result<Option<U>> {
        let Some(v) = v else { return Ok(None) };
        let line = line_of(self.text, v.span().start);
        valid(&v.get_ref().to_string()).map(Some).map_err(|e| usage(format!("{}:{line}: {key}: {e}", self.name)))
    }

    fn path(&self, key: &str, v: S<String>) -> anyhow::Result<Option<PathBuf>> {
        let Some(v) = v else { return Ok(None) };
        if v.get_ref().trim().is_empty() {
            let line = line_of(self.text, v.span().start);
            return Err(usage(format!("{}:{line}: {key}: must be a non-empty path", self.name)));
        }
        Ok(Some(PathBuf::from(v.into_inner())))
    }
}

fn any_string(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(s.to_string())
    }
}

/// Parses the text of a deck named `name` (for messages) into the options it sets.
pub fn parse(name: &str, text: &str) -> anyhow::Result<Cli> {
    let d: Deck = toml::from_str(text).map_err(|e| toml_error(name, text, &e))?;
    let c = Checker { name, text };
    let mut cli = Cli {
        pot_dir: c.path("potDir", d.pot_dir)?,
        pot_name: c.check("potName", d.pot_name, any_string)?,
        pot_type: d.pot_type.map(Spanned::into_inner),
        doeam: d.doeam.unwrap_or(false),
        nx: c.check("nx", d.nx, cli::positive_int)?,
        ny: c.check("ny", d.ny, cli::positive_int)?,
        nz: c.check("nz", d.nz, cli::positive_int)?,
        xproc: c.check("xproc", d.xproc, cli::positive_int)?,
        yproc: c.check("yproc", d.yproc, cli::positive_int)?,
        zproc: c.check("zproc", d.zproc, cli::positive_int)?,
        n_steps: c.check("nSteps", d.n_steps, cli::non_negative_int)?,
        print_rate: c.check("printRate", d.print_rate, cli::positive_int)?,
        dt: c.check("dt", d.dt, cli::positive_real)?,
        lat: c.check("lat", d.lat, cli::lattice_constant)?,
        temp: c.check("temp", d.temp, cli::non_negative_real)?,
        delta: c.check("delta", d.delta, cli::non_negative_real)?,
        exact: d.exact.unwrap_or(false),
        threads: c.check("threads", d.threads, cli::positive_int)?,
        skin: c.check("skin", d.skin, cli::skin)?,
        dump_state: c.path("dump-state", d.dump_state)?,
        dump_state_every: c.check("dump-state-every", d.dump_state_every, cli::positive_int)?,
        yaml: c.path("yaml", d.yaml)?,
        no_yaml: d.no_yaml.unwrap_or(false),
        workflow: Default::default(),
        viewer: Default::default(),
    };
    if cli.yaml.is_some() && cli.no_yaml {
        return Err(usage(format!("{name}: yaml and no-yaml cannot both be given")));
    }
    let w = &mut cli.workflow;
    w.seed = c.check("seed", d.seed, crate::workflow::seed)?;
    w.xyz = c.path("xyz", d.xyz)?;
    w.lammps_dump = c.path("lammps-dump", d.lammps_dump)?;
    w.dump_every = c.check("dump-every", d.dump_every, cli::positive_int)?;
    w.full_precision = d.full_precision.unwrap_or(false);
    w.checkpoint = c.path("checkpoint", d.checkpoint)?;
    w.checkpoint_every = c.check("checkpoint-every", d.checkpoint_every, cli::positive_int)?;
    w.restart = c.path("restart", d.restart)?;
    w.quiet = d.quiet.unwrap_or(false);
    w.plot = c.path("plot", d.plot)?;
    let v = &mut cli.viewer;
    v.viewer = d.viewer.unwrap_or(false);
    v.screenshot = c.path("screenshot", d.screenshot)?;
    v.gif = c.path("gif", d.gif)?;
    if let Some(k) = c.check("gif-every", d.gif_every, cli::positive_int)? {
        v.gif_every = k as u64;
    }
    v.frames = c.path("frames", d.frames)?;
    v.frames_every = c.check("frames-every", d.frames_every, cli::positive_int)?.map(|k| k as u64);
    v.view = c.check("view", d.view, |s| s.parse())?;
    if let Some(x) = c.check("color", d.color, |s| clap::ValueEnum::from_str(s, true).map_err(|_| format!("must be one of ke, pe, rank (got '{s}')")))? {
        v.color = x;
    }
    if let Some(x) = c.check("size", d.size, |s| s.parse())? {
        v.size = x;
    }
    if let Some(x) = c.check("render-mode", d.render_mode, |s| {
        clap::ValueEnum::from_str(s, true).map_err(|_| format!("must be one of spheres, points, auto (got '{s}')"))
    })? {
        v.render_mode = x;
    }
    Ok(cli)
}

/// Reads the deck at `path` (usage error if unreadable).
pub fn read(path: &Path) -> anyhow::Result<Cli> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| usage(format!("--deck {name}: cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| usage(format!("{name}: not UTF-8 text (a TOML deck must be UTF-8)")))?;
    parse(&name, &text)
}

/// Fills every option that `cli` leaves out from `deck` (command line wins).
pub fn merge(cli: &mut Cli, deck: Cli) {
    macro_rules! fill {
        ($($f:ident).+) => { if cli.$($f).+.is_none() { cli.$($f).+ = deck.$($f).+; } };
    }
    fill!(pot_dir);
    fill!(pot_name);
    fill!(pot_type);
    fill!(nx);
    fill!(ny);
    fill!(nz);
    fill!(xproc);
    fill!(yproc);
    fill!(zproc);
    fill!(n_steps);
    fill!(print_rate);
    fill!(dt);
    fill!(lat);
    fill!(temp);
    fill!(delta);
    fill!(threads);
    fill!(skin);
    fill!(dump_state);
    fill!(dump_state_every);
    if cli.yaml.is_none() && !cli.no_yaml {
        cli.yaml = deck.yaml;
        cli.no_yaml = deck.no_yaml;
    }
    cli.doeam |= deck.doeam;
    cli.exact |= deck.exact;
    fill!(workflow.seed);
    fill!(workflow.xyz);
    fill!(workflow.lammps_dump);
    fill!(workflow.dump_every);
    fill!(workflow.checkpoint);
    fill!(workflow.checkpoint_every);
    fill!(workflow.restart);
    fill!(workflow.plot);
    cli.workflow.full_precision |= deck.workflow.full_precision;
    cli.workflow.quiet |= deck.workflow.quiet;
    // viewer options: the deck's value unless the command line gave one (for options with a
    // default, a value equal to the default counts as not given)
    let defaults = crate::viewer::args::ViewerArgs::default();
    let (v, dv) = (&mut cli.viewer, &deck.viewer);
    v.screenshot = v.screenshot.take().or_else(|| dv.screenshot.clone());
    v.gif = v.gif.take().or_else(|| dv.gif.clone());
    v.frames = v.frames.take().or_else(|| dv.frames.clone());
    v.frames_every = v.frames_every.or(dv.frames_every);
    v.view = v.view.or(dv.view);
    v.viewer |= dv.viewer;
    if v.gif_every == defaults.gif_every {
        v.gif_every = dv.gif_every;
    }
    if v.color == defaults.color {
        v.color = dv.color;
    }
    if v.size == defaults.size {
        v.size = dv.size;
    }
    if v.render_mode == defaults.render_mode {
        v.render_mode = dv.render_mode;
    }
}

/// Applies `--deck` if given: reads the deck and fills what the command line left out.
pub fn apply(cli: &mut Cli) -> anyhow::Result<()> {
    if let Some(path) = cli.workflow.deck.clone() {
        let deck = read(&path)?;
        merge(cli, deck);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        format!("{:#}", parse("d.toml", text).unwrap_err())
    }

    #[test]
    fn values_and_lines() {
        let c = parse("d.toml", "nx = 4\ndt = 2\npotType = \"setfl\"\ndump-every = 3\n").unwrap();
        assert_eq!((c.nx, c.dt, c.pot_type, c.workflow.dump_every), (Some(4), Some(2.0), Some(PotType::Setfl), Some(3)));
        assert_eq!(err("nx = 4\n\nnSteps = -3\n"), "d.toml:3: nSteps: must be 0 or a positive integer (got -3)");
        assert_eq!(err("nx = 4\nnstep = 3\n"), "d.toml:2: unknown key 'nstep' (did you mean 'nSteps'?)");
        assert!(err("nx = \"four\"\n").starts_with("d.toml:1: nx: invalid type"), "{}", err("nx = \"four\"\n"));
        assert!(err("dt = nan\n").starts_with("d.toml:1: dt: "));
    }

    #[test]
    fn command_line_wins() {
        let mut cli = Cli { nx: Some(3), ..Default::default() };
        merge(&mut cli, parse("d", "nx = 5\nny = 6\ndoeam = true\n").unwrap());
        assert_eq!((cli.nx, cli.ny, cli.doeam), (Some(3), Some(6), true));
    }
}
