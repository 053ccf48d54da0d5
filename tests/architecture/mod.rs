//! The shape of `src/`, checked by reading the sources, so that it stays the way the
//! architecture issue left it:
//! * the top-level modules (`src/X.rs` or `src/X/`) import each other without a cycle;
//! * inside a folder, the files import each other without a cycle (a folder's `mod.rs` may
//!   use its own children, and a file its own children);
//! * only the engine factory reads `--exact` (`cfg.exact`), and one file names the `mpi` crate;
//! * no source file is over 500 lines, no function outside tests over 80.
//!
//! "Imports" are `crate::a::b` and `super::x` paths outside comments and `#[cfg(test)]`
//! modules (a module's tests may reach anywhere).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, as (path relative to `src`, text without comments and tests).
fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![src()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(src()).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, code_of(&std::fs::read_to_string(&p).unwrap())));
            }
        }
    }
    out.sort();
    assert!(out.len() > 50, "too few sources found under {}", src().display());
    out
}

/// The text with comments removed and everything from the first `#[cfg(test)]` cut off.
fn code_of(text: &str) -> String {
    let cut = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..cut].lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The identifiers that follow `prefix` in `code` (`crate::engine::fast` → `engine`).
fn after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    code.match_indices(prefix)
        .filter(|(i, _)| *i == 0 || !code.as_bytes()[i - 1].is_ascii_alphanumeric() && code.as_bytes()[i - 1] != b'_')
        .map(|(i, _)| {
            let rest = &code[i + prefix.len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// The edges `a → b` that lie on a cycle of `graph`.
fn cycle_edges(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<(String, String)> {
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(x) = stack.pop() {
            if x == to {
                return true;
            }
            if seen.insert(x.clone()) {
                stack.extend(graph.get(&x).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut out = Vec::new();
    for (a, bs) in graph {
        for b in bs {
            if reaches(b, a) {
                out.push((a.clone(), b.clone()));
            }
        }
    }
    out
}

#[test]
fn top_level_modules_form_no_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, code) in sources() {
        if rel == "lib.rs" || rel == "main.rs" || rel.starts_with("bin/") {
            continue;
        }
        let top = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        let deps = graph.entry(top.clone()).or_default();
        for m in after(&code, "crate::") {
            if m != top {
                deps.insert(m.to_string());
            }
        }
    }
    assert!(graph.contains_key("engine") && graph["engine"].contains("comm"), "the import scan found nothing: {graph:?}");
    let cycles = cycle_edges(&graph);
    assert!(cycles.is_empty(), "imports on a cycle among the top-level modules: {cycles:?}");
}

#[test]
fn files_of_one_folder_form_no_cycle() {
    let all = sources();
    let folders: BTreeSet<String> = all.iter().filter_map(|(r, _)| r.rsplit_once('/').map(|(d, _)| d.to_string())).collect();
    for folder in folders {
        // the members of the folder: its files (not mod.rs) and sub-folders
        let member = |rel: &str| -> Option<String> {
            let rest = rel.strip_prefix(&format!("{folder}/"))?;
            let first = rest.split('/').next()?;
            (first != "mod.rs").then(|| first.trim_end_matches(".rs").to_string())
        };
        let members: BTreeSet<String> = all.iter().filter_map(|(r, _)| member(r)).collect();
        let path = format!("crate::{}::", folder.replace('/', "::"));
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (rel, code) in &all {
            let Some(me) = member(rel) else { continue };
            // `super::` of a file directly in the folder names a sibling
            let direct = !rel[folder.len() + 1..].contains('/');
            let mut names = after(code, &path);
            if direct {
                names.extend(after(code, "super::"));
            }
            let deps = graph.entry(me.clone()).or_default();
            deps.extend(names.into_iter().filter(|n| *n != me && members.contains(*n)).map(String::from));
        }
        let cycles = cycle_edges(&graph);
        assert!(cycles.is_empty(), "imports on a cycle inside src/{folder}: {cycles:?}");
    }
}

#[test]
fn only_the_factory_reads_the_exact_option_and_one_file_names_mpi() {
    let all = sources();
    let readers: Vec<&String> = all.iter().filter(|(r, c)| !r.starts_with("cli") && c.contains("cfg.exact")).map(|(r, _)| r).collect();
    assert_eq!(readers, ["engine/mod.rs"], "files reading cfg.exact");
    let mpi: Vec<&String> = all.iter().filter(|(_, c)| c.contains("::mpi::") && c.contains("use ::mpi")).map(|(r, _)| r).collect();
    assert_eq!(mpi, ["comm/mpi.rs"], "files naming the mpi crate");
}

#[test]
fn files_and_functions_stay_small() {
    let mut stack = vec![src()];
    let mut checked = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert!(lines.len() <= 500, "{} has {} lines (at most 500)", p.display(), lines.len());
            let end = lines.iter().position(|l| l.starts_with("#[cfg(test)]")).unwrap_or(lines.len());
            for (i, l) in lines[..end].iter().enumerate() {
                let t = l.trim_start();
                let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn ", "unsafe fn ", "pub unsafe fn "].iter().any(|k| t.starts_with(k));
                if !is_fn || t.ends_with(';') {
                    continue;
                }
                let close = format!("{}}}", &l[..l.len() - t.len()]);
                if let Some(n) = lines[i + 1..end].iter().position(|x| *x == close) {
                    checked += 1;
                    assert!(n < 80, "{}:{}: a function of {} lines (at most 80)", p.display(), i + 1, n + 1);
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} functions found");
}
