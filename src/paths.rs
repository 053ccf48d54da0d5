//! Every file a run reads and writes, checked before the run: no output may be another
//! output or an input, and every output must be writable.
//!
//! Two spellings of one file are caught by comparing canonical paths (symlinks and `..`
//! resolved; for a file not yet there, its directory resolved and its name appended), and,
//! for files that exist, by device and inode (hard links). Families count too: the
//! intermediate dumps `PATH.step<N>` of `--dump-state-every` and the `frame-NNNNN.png` files
//! of `--frames DIR`. Two clashes are allowed, as documented: `--checkpoint` equal to
//! `--restart` (the checkpoint is read completely before it is replaced), and a trajectory
//! appended to on a restart (it is not an input here). Outputs may share a character
//! device (`/dev/null`).
//!
//! The probe of each output does what the write will do ([`crate::files::probe`]), so a bad
//! name, a missing or read-only directory, a FIFO without reader or a socket is exit status
//! 2 before the run instead of exit 1 after it.

use crate::cli::Cli;
use crate::config::{RunConfig, YamlTarget};
use crate::error::usage;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A file of the run and the option that names it.
#[derive(Debug, Clone)]
pub struct Named {
    /// The option, as the user knows it (`--xyz`).
    pub flag: &'static str,
    /// The path as given.
    pub path: PathBuf,
    /// Written in place and appended to (trajectories) rather than replaced.
    pub in_place: bool,
    /// For a family of files: `Some(f)` where `f(name)` says whether a name in the
    /// directory `path` (`--frames`) or beside `path` (`--dump-state-every`) belongs to it.
    family: Option<fn(&str, &str) -> bool>,
}

impl Named {
    fn file(flag: &'static str, path: &Path) -> Named {
        Named { flag, path: path.to_path_buf(), in_place: false, family: None }
    }
}

/// The outputs of a run.
pub fn outputs(cli: &Cli, cfg: &RunConfig) -> Vec<Named> {
    let (w, v) = (&cli.workflow, &cli.viewer);
    let mut out = Vec::new();
    for (flag, p) in [("--xyz", &w.xyz), ("--lammps-dump", &w.lammps_dump)] {
        out.extend(p.as_deref().map(|p| Named { in_place: true, ..Named::file(flag, p) }));
    }
    for (flag, p) in [("--checkpoint", &w.checkpoint), ("--dump-state", &cfg.dump_state), ("--plot", &w.plot), ("--screenshot", &v.screenshot), ("--gif", &v.gif)] {
        out.extend(p.as_deref().map(|p| Named::file(flag, p)));
    }
    if let YamlTarget::Path(p) = &cfg.yaml {
        out.push(Named::file("--yaml", p));
    }
    if let (Some(p), Some(_)) = (&cfg.dump_state, cfg.dump_every) {
        out.push(Named { family: Some(is_step_dump), ..Named::file("--dump-state-every", p) });
    }
    if let Some(d) = &v.frames {
        out.push(Named { family: Some(is_frame), ..Named::file("--frames", &d.join("frame-00000.png")) });
    }
    out
}

/// `PATH.step<N>` beside `PATH` (`base` is PATH's file name).
fn is_step_dump(base: &str, name: &str) -> bool {
    name.strip_prefix(base).and_then(|r| r.strip_prefix(".step")).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `frame-NNNNN.png` in the frames directory.
fn is_frame(_: &str, name: &str) -> bool {
    name.strip_prefix("frame-").and_then(|r| r.strip_suffix(".png")).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The inputs of a run: the deck, the EAM table (where it would be found), the checkpoint
/// restarted from.
pub fn inputs(cli: &Cli, cfg: &RunConfig) -> Vec<Named> {
    let mut inp = Vec::new();
    inp.extend(cli.workflow.deck.as_deref().map(|p| Named::file("--deck", p)));
    if let crate::potential::Choice::Eam { name, format, dir } = crate::potential::Choice::from_config(cfg) {
        if let Ok(p) = crate::potential::eam::locate(Some(name), format, dir) {
            inp.push(Named::file("-p/--potName, the EAM table", &p));
        }
    }
    inp.extend(cfg.restart.as_deref().map(|p| Named::file("--restart", p)));
    // structure input files (--structure) join this list when they come
    inp
}

/// Where a path leads: its canonical form and, if it exists, (device, inode).
#[derive(Debug)]
struct Identity {
    canon: PathBuf,
    inode: Option<(u64, u64)>,
    /// A character device (`/dev/null`): any number of outputs may go there.
    char_device: bool,
}

fn identity(p: &Path) -> Identity {
    let meta = std::fs::metadata(p).ok();
    let canon = std::fs::canonicalize(p).unwrap_or_else(|_| {
        let dir = crate::files::temp::dir_of(p);
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
        dir.join(p.file_name().unwrap_or_default())
    });
    let char_device = meta.as_ref().is_some_and(|m| std::os::unix::fs::FileTypeExt::is_char_device(&m.file_type()));
    Identity { canon, inode: meta.map(|m| (m.dev(), m.ino())), char_device }
}

/// True when `a` and `b` can be the same file (or `b` is a member of `a`'s family, or the
/// other way round).
fn same(a: &Named, ia: &Identity, b: &Named, ib: &Identity) -> bool {
    let in_family = |f: &Named, fi: &Identity, o: &Identity| {
        let Some(member) = f.family else { return false };
        let base = fi.canon.file_name().unwrap_or_default().to_string_lossy().into_owned();
        o.canon.parent() == fi.canon.parent() && member(&base, &o.canon.file_name().unwrap_or_default().to_string_lossy())
    };
    let direct = a.family.is_none() && b.family.is_none() && !(ia.char_device && ib.char_device) && (ia.canon == ib.canon || (ia.inode.is_some() && ia.inode == ib.inode));
    direct || in_family(a, ia, ib) || in_family(b, ib, ia)
}

/// The first clash among `outputs` or between an output and an `inputs` file, as a message.
pub fn clash(outputs: &[Named], inputs: &[Named]) -> Option<String> {
    let ids: Vec<Identity> = outputs.iter().map(|n| identity(&n.path)).collect();
    for (i, a) in outputs.iter().enumerate() {
        for (j, b) in outputs.iter().enumerate().skip(i + 1) {
            if same(a, &ids[i], b, &ids[j]) {
                return Some(format!("{} {} and {} {} are the same file: give each output its own path", a.flag, a.path.display(), b.flag, b.path.display()));
            }
        }
        for b in inputs {
            let allowed = a.flag == "--checkpoint" && b.flag == "--restart";
            if !allowed && same(a, &ids[i], b, &identity(&b.path)) {
                return Some(format!("{} {} is an input of this run ({} {}): writing it would destroy it; choose another output path", a.flag, a.path.display(), b.flag, b.path.display()));
            }
        }
    }
    None
}

/// Checks every file of the run before it starts: clashes ([`clash`]), then each output's
/// probe ([`crate::files::probe`]).
///
/// # Errors
/// A usage error (exit status 2) naming the option(s) and path(s).
pub fn check(cli: &Cli, cfg: &RunConfig) -> anyhow::Result<()> {
    let outs = outputs(cli, cfg);
    if let Some(msg) = clash(&outs, &inputs(cli, cfg)) {
        return Err(usage(msg));
    }
    for o in outs.iter().filter(|o| o.family.is_none()) {
        crate::files::probe(&o.path, o.in_place).map_err(|e| usage(format!("{} {}: {e}", o.flag, o.path.display())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(flag: &'static str, p: &Path) -> Named {
        Named::file(flag, p)
    }

    #[test]
    fn spellings_links_and_families_of_one_file_clash() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("in.ckpt"), "x").unwrap();
        std::fs::hard_link(d.join("in.ckpt"), d.join("hard")).unwrap();
        std::os::unix::fs::symlink(d.join("sub"), d.join("link")).unwrap();
        let a = named("--xyz", &d.join("sub/../t.out"));
        let b = named("--yaml", &d.join("t.out"));
        assert!(clash(&[a, b.clone()], &[]).unwrap().contains("--xyz"));
        let c = named("--plot", &d.join("link/p.svg"));
        assert!(clash(&[c, named("--gif", &d.join("sub/p.svg"))], &[]).is_some());
        let restart = [named("--restart", &d.join("in.ckpt"))];
        assert!(clash(&[named("--checkpoint", &d.join("hard"))], &restart).is_none(), "--checkpoint may be --restart");
        assert!(clash(&[named("--dump-state", &d.join("hard"))], &restart).unwrap().contains("is an input of this run (--restart"));
        let fam = Named { family: Some(is_step_dump), ..named("--dump-state-every", &d.join("s")) };
        assert!(clash(&[fam.clone(), named("--xyz", &d.join("s.step20"))], &[]).is_some());
        assert!(clash(&[fam, named("--dump-state", &d.join("s")), named("--xyz", &d.join("s.stepx"))], &[]).is_none());
    }
}
