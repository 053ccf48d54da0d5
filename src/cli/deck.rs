//! Input decks: a TOML file of options, `comd --deck inputs/lj.toml`.
//!
//! A deck is a flat TOML table whose keys are the long command-line option names (`nx`,
//! `nSteps`, `printRate`, `doeam`, `potDir`, `dump-state`, `gif-every`, …). Nothing here
//! lists the options: the allowed keys are the long names of the arguments of
//! [`super::command`] (all but `deck`, `help` and `version`), the TOML type a key wants
//! follows from its argument's value parser (an integer for integer options, an integer or a
//! float for real ones, a boolean for on/off flags, a string for everything else), and every
//! value is checked by that argument's own value parser, so a deck accepts exactly what the
//! command line accepts. Paths in a deck are relative to the current directory, as on the
//! command line.
//!
//! # Precedence
//!
//! [`merged_argv`] turns the deck into `--key=value` arguments placed *before* the command
//! line, leaving out every key whose argument the command line gave (its
//! [`ValueSource`] is `CommandLine`, whatever the value, even one equal to the default), or
//! whose argument conflicts with one the command line switched on (`--yaml` drops a deck's
//! `no-yaml`, `--skin` a deck's `exact`; `--exact=false` drops nothing but `exact`). The result is parsed again into the typed
//! [`super::Cli`]: command line first, then the deck, then the defaults.
//!
//! Every problem is one line naming the file, the line and the key:
//! `inputs/lj.toml:4: nSteps: must be 0 or a positive integer (got -3)`, and exit status 2.
//! The lines come from the spans of the TOML parser ([`toml::Spanned`]); unknown keys get
//! a suggestion.

use crate::error::usage;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, Command};
use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::Path;
use toml::Spanned;

/// One `key = value` line of a deck, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The argument's id (as in `ArgMatches`).
    pub id: String,
    /// The key: the argument's long name.
    pub key: String,
    /// The value as command-line text (`true`, `5`, `0.25`, `out.yaml`).
    pub value: String,
    /// 1-based line of the value.
    pub line: usize,
}

/// A parsed and checked deck.
#[derive(Debug, Clone, PartialEq)]
pub struct Deck {
    /// The file name used in messages.
    pub name: String,
    /// Its entries, in key order.
    pub entries: Vec<Entry>,
}

/// Long names that are command-line only.
const NOT_IN_DECKS: &[&str] = &["deck", "help", "version"];

/// The arguments a deck may set: every argument with a long name but `deck`, `help`,
/// `version`.
pub fn deck_args(cmd: &Command) -> impl Iterator<Item = &Arg> {
    cmd.get_arguments().filter(|a| a.get_long().is_some_and(|l| !NOT_IN_DECKS.contains(&l)))
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
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

/// The known key closest to `key`, if it is close (case, `-` and `_` ignored).
pub fn suggest(cmd: &Command, key: &str) -> Option<String> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_'], "");
    let k = norm(key);
    deck_args(cmd)
        .filter_map(Arg::get_long)
        .map(|c| (edit_distance(&k, &norm(c)), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

/// What TOML type an argument wants, from the type its value parser produces.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Bool,
    Integer,
    Number,
    Text,
}

fn want(arg: &Arg) -> Want {
    let t = arg.get_value_parser().type_id();
    if t == TypeId::of::<bool>() {
        Want::Bool
    } else if [TypeId::of::<i64>(), TypeId::of::<u64>(), TypeId::of::<i32>(), TypeId::of::<u32>(), TypeId::of::<usize>()]
        .iter()
        .any(|id| t == *id)
    {
        Want::Integer
    } else if t == TypeId::of::<f64>() || t == TypeId::of::<f32>() {
        Want::Number
    } else {
        Want::Text
    }
}

/// The value as command-line text, or the message saying why the TOML type is wrong.
fn value_text(want: Want, v: &toml::Value) -> Result<String, String> {
    use toml::Value as V;
    let expected = match want {
        Want::Bool => "a boolean",
        Want::Integer => "an integer",
        Want::Number => "a number",
        Want::Text => "a string",
    };
    match (want, v) {
        (Want::Bool, V::Boolean(b)) => Ok(b.to_string()),
        (Want::Integer | Want::Number, V::Integer(i)) => Ok(i.to_string()),
        (Want::Number, V::Float(x)) if x.is_finite() => Ok(x.to_string()),
        (Want::Number, V::Float(x)) => Err(format!("must be a finite number (got {x})")),
        (Want::Text, V::String(s)) if s.trim().is_empty() => Err("must not be empty".into()),
        (Want::Text, V::String(s)) => Ok(s.clone()),
        (_, V::String(s)) => Err(format!("invalid type: string {s:?}, expected {expected}")),
        (_, V::Table(_)) => Err(format!("invalid type: table, expected {expected}")),
        (_, V::Array(_)) => Err(format!("invalid type: array, expected {expected}")),
        (_, other) => Err(format!("invalid type: {} `{other}`, expected {expected}", other.type_str())),
    }
}

/// Checks `text` with the argument's own value parser (by parsing `--key=text` alone).
fn check_value(cmd: &Command, arg: &Arg, text: &str) -> Result<(), String> {
    let long = arg.get_long().unwrap_or_default();
    match cmd.clone().try_get_matches_from([OsString::from("comd"), OsString::from(format!("--{long}={text}"))]) {
        Ok(_) => Ok(()),
        Err(e) => Err(match (e.kind(), std::error::Error::source(&e)) {
            (ErrorKind::ValueValidation, Some(src)) => src.to_string(),
            (ErrorKind::InvalidValue, _) => match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(v)) => format!("invalid value '{text}' (possible values: {})", v.join(", ")),
                _ => super::error_line(&e),
            },
            _ => super::error_line(&e),
        }),
    }
}

/// Turns a TOML syntax error into `file:line: message` (with the key when the line has one).
fn syntax_error(name: &str, text: &str, err: &toml::de::Error) -> anyhow::Error {
    let offset = err.span().map_or(0, |s| s.start);
    let line = line_of(text, offset);
    let msg = err.message().lines().next().unwrap_or("invalid TOML").trim();
    let start = text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let key = text[start..]
        .lines()
        .next()
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches(['"', '\'']).to_string())
        .filter(|k| !k.is_empty() && err.span().is_some());
    match key {
        Some(k) => usage(format!("{name}:{line}: {k}: {msg}")),
        None => usage(format!("{name}:{line}: {msg}")),
    }
}

/// Parses the text of a deck named `name` (for messages), checking every key and value
/// against the arguments of [`super::command`].
///
/// # Errors
/// One line, `name:line: key: message` (a usage error, exit status 2).
pub fn parse(name: &str, text: &str) -> anyhow::Result<Deck> {
    let table: BTreeMap<Spanned<String>, Spanned<toml::Value>> = toml::from_str(text).map_err(|e| syntax_error(name, text, &e))?;
    let cmd = super::command();
    let mut entries = Vec::new();
    for (key, value) in &table {
        let (k, line) = (key.get_ref().as_str(), line_of(text, key.span().start));
        let Some(arg) = deck_args(&cmd).find(|a| a.get_long() == Some(k)) else {
            let hint = match suggest(&cmd, k) {
                Some(s) => format!("did you mean '{s}'?"),
                None if k == "deck" => "a deck cannot name another deck".to_string(),
                None => "the keys are the long option names of `comd --help`".to_string(),
            };
            return Err(usage(format!("{name}:{line}: unknown key '{k}' ({hint})")));
        };
        let vline = line_of(text, value.span().start);
        let fail = |msg: String| usage(format!("{name}:{vline}: {k}: {msg}"));
        let arg_text = value_text(want(arg), value.get_ref()).map_err(fail)?;
        check_value(&cmd, arg, &arg_text).map_err(fail)?;
        entries.push(Entry { id: arg.get_id().to_string(), key: k.to_string(), value: arg_text, line: vline });
    }
    Ok(Deck { name: name.to_string(), entries })
}

/// Reads the deck at `path`.
///
/// # Errors
/// Unreadable or non-UTF-8 file, or any [`parse`] error (usage errors).
pub fn read(path: &Path) -> anyhow::Result<Deck> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| usage(format!("--deck {name}: cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| usage(format!("{name}: not UTF-8 text (a TOML deck must be UTF-8)")))?;
    parse(&name, &text)
}

/// The ids of the arguments the command line gave (whatever the value), and of every
/// argument that conflicts with one it switched on (both directions).
fn given_on_command_line(cmd: &Command, matches: &ArgMatches) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().as_str())
        .filter(|id| matches.value_source(id) == Some(ValueSource::CommandLine))
        .map(String::from)
        .collect();
    for [a, b] in super::conflicts() {
        for (x, y) in [(&a, &b), (&b, &a)] {
            if super::switched_on(matches, &x.0) {
                out.insert(y.0.clone());
            }
        }
    }
    out
}

/// The argument list to parse: `argv[0]`, the deck's entries as `--key=value` for every
/// argument the command line neither gave nor conflicts with, then the rest of `argv`.
///
/// `matches` must come from parsing `argv` with `cmd`.
pub fn merged_argv(cmd: &Command, matches: &ArgMatches, argv: &[OsString], deck: &Deck) -> Vec<OsString> {
    let skip = given_on_command_line(cmd, matches);
    let mut out: Vec<OsString> = argv.iter().take(1).cloned().collect();
    for e in deck.entries.iter().filter(|e| !skip.contains(&e.id)) {
        out.push(format!("--{}={}", e.key, e.value).into());
    }
    out.extend(argv.iter().skip(1).cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::super::{CommandLine, PotType};
    use super::*;

    fn err(text: &str) -> String {
        format!("{:#}", parse("d.toml", text).unwrap_err())
    }

    /// The options of `comd ARGS --deck d.toml` where d.toml holds `text`.
    fn with_deck(args: &[&str], text: &str) -> super::super::Cli {
        let argv: Vec<&str> = ["comd"].iter().chain(args).copied().collect();
        CommandLine::try_parse_from(argv).unwrap().with_deck(&parse("d.toml", text).unwrap()).unwrap()
    }

    #[test]
    fn values_and_lines() {
        let c = with_deck(&[], "nx = 4\ndt = 2\npotType = \"setfl\"\ndump-every = 3\n");
        assert_eq!((c.nx, c.dt, c.pot_type, c.workflow.dump_every), (Some(4), Some(2.0), Some(PotType::Setfl), Some(3)));
        assert_eq!(err("nx = 4\n\nnSteps = -3\n"), "d.toml:3: nSteps: must be 0 or a positive integer (got -3)");
        assert_eq!(err("nx = 4\nnstep = 3\n"), "d.toml:2: unknown key 'nstep' (did you mean 'nSteps'?)");
        assert_eq!(err("nx = \"four\"\n"), "d.toml:1: nx: invalid type: string \"four\", expected an integer");
        assert_eq!(err("doeam = 1\n"), "d.toml:1: doeam: invalid type: integer `1`, expected a boolean");
        assert_eq!(err("\ndt = nan\n"), "d.toml:2: dt: must be a finite number (got NaN)");
        assert_eq!(err("temp = -inf\n"), "d.toml:1: temp: must be a finite number (got -inf)");
        assert_eq!(err("yaml = \"\"\n"), "d.toml:1: yaml: must not be empty");
        assert_eq!(err("potName = \" \"\n"), "d.toml:1: potName: must not be empty");
        assert_eq!(err("nx = [5]\n"), "d.toml:1: nx: invalid type: array, expected an integer");
        assert!(err("deck = \"other.toml\"\n").starts_with("d.toml:1: unknown key 'deck'"), "{}", err("deck = \"x\"\n"));
        assert!(err("help = true\n").starts_with("d.toml:1: unknown key 'help'"));
        let e = err("\ncolor = \"purple\"\n");
        assert!(e.starts_with("d.toml:2: color: invalid value 'purple'") && e.contains("ke, pe, rank"), "{e}");
    }

    #[test]
    fn keys_are_the_long_option_names() {
        let cmd = super::super::command();
        let keys: Vec<&str> = deck_args(&cmd).filter_map(Arg::get_long).collect();
        for k in ["potDir", "nSteps", "printRate", "dump-state", "gif-every", "render-mode", "no-yaml", "exact", "seed"] {
            assert!(keys.contains(&k), "{k} missing from {keys:?}");
        }
        assert!(!keys.contains(&"deck") && !keys.contains(&"help") && !keys.contains(&"version"));
    }

    #[test]
    fn command_line_wins() {
        let c = with_deck(&["-x", "3"], "nx = 5\nny = 6\ndoeam = true\n");
        assert_eq!((c.nx, c.ny, c.doeam), (Some(3), Some(6), true));
        // a value equal to the default, given on the command line, still wins
        let c = with_deck(&["--gif-every", "10", "--color", "ke"], "gif-every = 5\ncolor = \"pe\"\nframes-every = 7\n");
        assert_eq!((c.viewer.gif_every, c.viewer.color, c.viewer.frames_every), (10, crate::cli::viewer::ColorBy::Ke, Some(7)));
        assert_eq!(with_deck(&[], "gif-every = 5\n").viewer.gif_every, 5);
        // flags a deck sets can be turned off
        let c = with_deck(&["--exact=false", "-e=false", "--quiet=false"], "exact = true\ndoeam = true\nquiet = true\n");
        assert!(!c.exact && !c.doeam && !c.workflow.quiet);
        let c = with_deck(&[], "exact = true\ndoeam = true\nquiet = false\n");
        assert!(c.exact && c.doeam && !c.workflow.quiet);
    }

    #[test]
    fn conflicting_options_on_the_command_line_drop_the_deck_s() {
        let c = with_deck(&["--yaml", "r.yaml"], "no-yaml = true\n");
        assert_eq!((c.yaml.as_deref(), c.no_yaml), (Some(Path::new("r.yaml")), false));
        let c = with_deck(&["--no-yaml"], "yaml = \"r.yaml\"\n");
        assert_eq!((c.yaml, c.no_yaml), (None, true));
        let c = with_deck(&["--skin", "0.5"], "exact = true\n");
        assert_eq!((c.skin, c.exact), (Some(0.5), false));
        let both = CommandLine::try_parse_from(["comd"]).unwrap().with_deck(&parse("d.toml", "yaml = \"a\"\nno-yaml = true\n").unwrap());
        let e = format!("{:#}", both.unwrap_err());
        assert!(e.starts_with("d.toml: ") && e.contains("--yaml") && e.contains("--no-yaml") && !e.contains('\n'), "{e}");
        // a flag given off conflicts with nothing, and keeps the deck's conflicting entry
        let c = with_deck(&["--exact=false"], "skin = 0.5\n");
        assert_eq!((c.skin, c.exact), (Some(0.5), false));
        assert!(CommandLine::try_parse_from(["comd", "--exact=false", "--skin", "0.5", "--no-yaml=false", "--yaml", "y"]).is_ok());
        let e = CommandLine::try_parse_from(["comd", "--skin", "0.5", "--exact"]).unwrap_err();
        assert_eq!(crate::cli::error_line(&e), "the argument '--skin' cannot be used with '--exact'");
    }
}
