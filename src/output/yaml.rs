//! The YAML report: CoMD's keys (spec §11.2) plus what CoMD leaves out — the thermo rows and
//! the validation block — written as *valid* YAML (CoMD's file is "mostly YAML": repeated
//! keys and bare `=` lines). Written at the end of the run, atomically; the default name has
//! no colons and never overwrites an existing file.

use super::{screen, Platform, Setup, ThermoRow, TimerReport, Validation};
use crate::config::RunConfig;
use crate::timers::{N_TIMERS, TIMER_NAMES};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// A path `comd-rs.<YYYYMMDD-HHMMSS>[-N].yaml` in `dir` that does not exist yet.
pub fn auto_path(dir: &Path) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let mut p = dir.join(format!("comd-rs.{stamp}.yaml"));
    let mut k = 1;
    while p.exists() {
        p = dir.join(format!("comd-rs.{stamp}-{k}.yaml"));
        k += 1;
    }
    p
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `text` as a YAML number, if it is one: integers as they are, other numbers with a decimal
/// point and a signed exponent (`1.0e+20`), the form YAML 1.1 readers (PyYAML) need as well.
fn number(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) {
        return None;
    }
    if let Ok(i) = t.parse::<i64>() {
        return Some(i.to_string());
    }
    let x: f64 = t.parse().ok().filter(|x: &f64| x.is_finite())?;
    let s = format!("{x:?}");
    let Some((m, e)) = s.split_once('e') else { return Some(s) };
    let m = if m.contains('.') { m.to_string() } else { format!("{m}.0") };
    let e = if e.starts_with('-') { e.to_string() } else { format!("+{e}") };
    Some(format!("{m}e{e}"))
}

/// One `key: value` line of CoMD's parameter and potential blocks: a number is written as a
/// YAML number; CoMD's "number unit" values (`Time step: 1 fs`) are kept as CoMD's string and
/// followed by the number with its unit in the key (`Time step (fs): 1`); the rest are strings.
fn scalar(o: &mut String, indent: &str, key: &str, value: &str) {
    if let Some(n) = number(value) {
        let _ = writeln!(o, "{indent}{key}: {n}");
        return;
    }
    let _ = writeln!(o, "{indent}{key}: {}", q(value));
    if let Some((n, unit)) = value.split_once(' ').and_then(|(n, u)| Some((number(n)?, u)))
        .filter(|(_, u)| !u.is_empty() && !u.contains(' '))
    {
        let _ = writeln!(o, "{indent}{key} ({unit}): {n}");
    }
}

fn vec3<T: std::fmt::Display>(v: [T; 3]) -> String {
    format!("[{}, {}, {}]", v[0], v[1], v[2])
}

/// Everything the report holds.
pub struct Report<'a> {
    /// Platform facts.
    pub platform: &'a Platform,
    /// Run configuration.
    pub config: &'a RunConfig,
    /// Potential directory actually used.
    pub pot_dir: &'a str,
    /// Setup facts.
    pub setup: &'a Setup,
    /// Thermo rows so far.
    pub rows: &'a [ThermoRow],
    /// Validation block, if the run got that far.
    pub validation: Option<&'a Validation>,
    /// Timers, if the run got that far.
    pub timers: Option<&'a TimerReport>,
    /// Why the run stopped early, if it did.
    pub error: Option<String>,
}

/// Renders the report as YAML text.
pub fn render(r: &Report) -> String {
    let p = r.platform;
    let c = r.config;
    let s = r.setup;
    let mut o = String::new();
    let _ = writeln!(o, "Mini-Application Name: comd-rs");
    let _ = writeln!(o, "Mini-Application Version: {}", q(env!("CARGO_PKG_VERSION")));
    let _ = writeln!(o, "Platform:\n  hostname: {}\n  kernel name: {}\n  kernel release: {}\n  processor: {}",
        q(&p.hostname), q(&p.kernel_name), q(&p.kernel_release), q(&p.processor));
    let _ = writeln!(o, "Build:\n  CC: 'rustc'\n  compiler version: {}\n  CFLAGS: {}\n  using MPI: {}\n  Threading: {}\n  Double Precision: true\n  Loop order: {}",
        q(option_env!("COMD_RUSTC_VERSION").unwrap_or("rustc")), q(option_env!("COMD_BUILD_FLAGS").unwrap_or("")),
        p.using_mpi, q(&format!("rayon ({} threads)", p.threads)), q(&p.path));
    let _ = writeln!(o, "Run Date/Time: {}", q(&chrono::Local::now().format("%Y-%m-%d, %H:%M:%S").to_string()));
    // Command line: the same lines as the screen block, which are valid YAML mappings.
    for line in screen::parameters(c, r.pot_dir).lines().filter(|l| !l.is_empty()) {
        if let Some((k, v)) = line.split_once(": ") {
            let (indent, key) = k.split_at(k.len() - k.trim_start().len());
            scalar(&mut o, indent, key, v);
        } else {
            let _ = writeln!(o, "{line}");
        }
    }
    let _ = writeln!(o, "Simulation data:\n  Total atoms: {}\n  Min global bounds: {}\n  Max global bounds: {}",
        s.n_global, vec3(s.global_min), vec3(s.global_max));
    let gs = s.grid_size;
    let _ = writeln!(o, "Decomposition data:\n  Processors: {}\n  Local boxes: {}\n  Local boxes total: {}\n  Box size: {}\n  Box factor: {}\n  Max Link Cell Occupancy: {}\n  Link Cell Capacity: {}",
        vec3(s.proc_grid), vec3(gs), gs[0] * gs[1] * gs[2], vec3(s.box_size), vec3(s.box_size.map(|b| b / s.cutoff)), s.max_occupancy, s.capacity);
    let _ = writeln!(o, "Potential data:");
    for (k, v) in &s.potential {
        scalar(&mut o, "  ", k, v);
    }
    thermo(&mut o, r.rows);
    if let Some(v) = r.validation {
        let _ = writeln!(o, "Simulation Validation:\n  Initial energy: {:.12}\n  Final energy: {:.12}\n  eFinal/eInitial: {:.6}\n  Initial atom count: {}\n  Final atom count: {}\n  Atoms lost: {}",
            v.e_initial, v.e_final, v.e_final / v.e_initial, v.n_initial, v.n_final, v.n_initial - v.n_final);
    }
    if let Some(e) = &r.error {
        let _ = writeln!(o, "Error: {}", q(e));
    }
    if let Some(t) = r.timers {
        timers(&mut o, t);
    }
    o
}

/// A `Warnings:` list of `notes` (nothing without notes).
pub fn warnings(notes: &[String]) -> String {
    if notes.is_empty() {
        return String::new();
    }
    notes.iter().fold("Warnings:\n".to_string(), |s, n| s + &format!("  - {}\n", q(n)))
}

/// The thermo rows: CoMD's columns, then the ensemble's.
fn thermo(o: &mut String, rows: &[ThermoRow]) {
    let ens = rows.first().and_then(|t| t.ensemble);
    let (mut cols, mut units) = ("Loop, Time(fs), Total Energy, Potential Energy, Kinetic Energy, Temperature, Performance(us/atom), Atoms, Pressure".to_string(), "step, fs, eV/atom, eV/atom, eV/atom, K, us/atom, count, GPa".to_string());
    if let Some(e) = ens {
        cols += ", Target Temperature, Conserved";
        units += ", K, eV/atom";
        if e.volume.is_some() {
            cols += ", Volume";
            units += ", A^3";
        }
    }
    let _ = writeln!(o, "Thermo:\n  Columns: [{cols}]\n  Units: [{units}]\n  Rows:");
    for t in rows {
        let perf = if t.perf.is_finite() { format!("{:.4}", t.perf) } else { ".nan".into() };
        let p = if t.pressure.is_finite() { format!("{:.6}", t.pressure) } else { ".nan".into() };
        let mut extra = String::new();
        if let Some(e) = t.ensemble {
            extra = format!(", {:.4}, {:.12}", e.target_temp, e.conserved);
            if let Some(v) = e.volume {
                extra += &format!(", {v:.6}");
            }
        }
        let _ = writeln!(o, "    - [{}, {:.2}, {:.12}, {:.12}, {:.12}, {:.4}, {perf}, {}, {p}{extra}]",
            t.step, t.time, t.e_total, t.e_potential, t.e_kinetic, t.temperature, t.n_atoms);
    }
}

/// The timers of rank 0 and across ranks, communication, list builds and update rates.
fn timers(o: &mut String, t: &TimerReport) {
    let num = |x: f64| if x.is_finite() { format!("{x:.4}") } else { ".nan".into() };
    let _ = writeln!(o, "Performance Results:\n  TotalRanks: {}\n  ReportingTimeUnits: seconds", t.n_ranks);
    let _ = writeln!(o, "Performance Results For Rank 0:");
    let loop_time = t.total[crate::timers::Timer::Loop as usize];
    for i in (0..N_TIMERS).filter(|&i| t.count[i] > 0) {
        let _ = writeln!(o, "  - Timer: {}\n    CallCount: {}\n    AvgPerCall: {}\n    Total: {}\n    PercentLoop: {:.2}",
            TIMER_NAMES[i].trim(), t.count[i], num(t.total[i] / t.count[i] as f64), num(t.total[i]), t.total[i] / loop_time * 100.0);
    }
    let _ = writeln!(o, "Performance Results Across Ranks:");
    for i in (0..N_TIMERS).filter(|&i| t.count[i] > 0) {
        let st = &t.stats[i];
        let _ = writeln!(o, "  - Timer: {}\n    MinRank: {}\n    MinTime: {}\n    MaxRank: {}\n    MaxTime: {}\n    AvgTime: {}\n    StdevTime: {}",
            TIMER_NAMES[i].trim(), st.min_rank, num(st.min), st.max_rank, num(st.max), num(st.avg), num(st.stdev));
    }
    let _ = writeln!(o, "Communication:\n  HaloBytesPerRankPerStep: {:.0}", t.halo_bytes_per_step);
    if let Some(n) = t.list_builds {
        let _ = writeln!(o, "Neighbor lists:\n  Builds: {n}\n  Streamed: {}", t.lists_streamed);
    }
    let _ = writeln!(o, "Performance Global Update Rates:\n  AtomUpdateRate:\n    AverageRate: {}\n    Units: us/atom/task\n  AllAtomUpdateRate:\n    AverageRate: {}\n    Units: us/atom\n  AtomRate:\n    AverageRate: {}\n    Units: atoms/us",
        num(t.atom_rate), num(t.all_atom_rate), num(t.atoms_per_us));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_yaml_numbers_and_units_move_into_the_key() {
        assert_eq!(number("29").as_deref(), Some("29"));
        assert_eq!(number("-1").as_deref(), Some("-1"));
        assert_eq!(number("3.615").as_deref(), Some("3.615"));
        assert_eq!(number("1e-05").as_deref(), Some("1.0e-5"));
        assert_eq!(number("2.5e20").as_deref(), Some("2.5e+20"));
        assert_eq!(number("inf"), None);
        assert_eq!(number("Cu"), None);
        assert_eq!(number(""), None);
        let mut o = String::new();
        scalar(&mut o, "  ", "Time step", "1 fs");
        scalar(&mut o, "  ", "nx", "20");
        scalar(&mut o, "  ", "Species name", "Cu");
        scalar(&mut o, "  ", "Potential type", "Lennard-Jones");
        assert_eq!(o, "  Time step: '1 fs'\n  Time step (fs): 1\n  nx: 20\n  Species name: 'Cu'\n  Potential type: 'Lennard-Jones'\n");
    }
}
