//! CoMD's screen layout (spec §11.1), line for line, so scripts that parse CoMD logs work.

use super::format::{f, g};
use super::{Platform, Setup, ThermoRow, TimerReport, Validation};
use crate::config::RunConfig;
use crate::timers::{N_TIMERS, TIMER_NAMES};
use std::fmt::Write;

/// `"<ctime>: <msg>\n\n"` as CoMD's `timestampBarrier` prints it.
pub fn timestamp(msg: &str) -> String {
    format!("{}: {msg}\n\n", chrono::Local::now().format("%a %b %e %H:%M:%S %Y"))
}

/// The application, platform and build block.
pub fn header(p: &Platform) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "\nMini-Application Name    : comd-rs");
    let _ = writeln!(s, "Mini-Application Version : {}", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(s, "Platform:");
    let _ = writeln!(s, "  hostname: {}", p.hostname);
    let _ = writeln!(s, "  kernel name: '{}'", p.kernel_name);
    let _ = writeln!(s, "  kernel release: '{}'", p.kernel_release);
    let _ = writeln!(s, "  processor: '{}'", p.processor);
    let _ = writeln!(s, "Build:");
    let _ = writeln!(s, "  CC: 'rustc'");
    let _ = writeln!(s, "  compiler version: '{}'", option_env!("COMD_RUSTC_VERSION").unwrap_or("rustc"));
    let _ = writeln!(s, "  CFLAGS: '{}'", option_env!("COMD_BUILD_FLAGS").unwrap_or(""));
    let _ = writeln!(s, "  LDFLAGS: ''");
    let _ = writeln!(s, "  using MPI: {}", p.using_mpi);
    let _ = writeln!(s, "  Threading: rayon ({} threads)", p.threads);
    let _ = writeln!(s, "  Double Precision: true");
    let _ = writeln!(s, "  Loop order: {}", p.path);
    let _ = writeln!(s, "Run Date/Time: {}\n", chrono::Local::now().format("%Y-%m-%d, %H:%M:%S"));
    s
}

/// The `Command Line Parameters:` block.
pub fn parameters(c: &RunConfig, pot_dir: &str) -> String {
    let mut s = String::from("Command Line Parameters:\n");
    let _ = writeln!(s, "  doeam: {}", i32::from(c.doeam));
    let _ = writeln!(s, "  potDir: {pot_dir}");
    let _ = writeln!(s, "  potName: {}", c.pot_name);
    let _ = writeln!(s, "  potType: {}", if c.pot_type == crate::cli::PotType::Setfl { "setfl" } else { "funcfl" });
    // a structure replaces the lattice: its file, not -x -y -z -l (which do not apply)
    if let Some(path) = &c.structure {
        let _ = writeln!(s, "  structure: {}", path.display());
    } else {
        for (name, v) in ["nx", "ny", "nz"].iter().zip(c.n_cells) {
            let _ = writeln!(s, "  {name}: {v}");
        }
    }
    for (name, v) in ["xproc", "yproc", "zproc"].iter().zip(c.proc_grid) {
        let _ = writeln!(s, "  {name}: {v}");
    }
    if c.structure.is_none() {
        let _ = writeln!(s, "  Lattice constant: {} Angstroms", g(c.lat_arg));
    }
    let _ = writeln!(s, "  nSteps: {}", c.n_steps);
    let _ = writeln!(s, "  printRate: {}", c.print_rate);
    let _ = writeln!(s, "  Time step: {} fs", g(c.dt));
    let _ = writeln!(s, "  Initial Temperature: {} K", g(c.temp));
    let _ = writeln!(s, "  Initial Delta: {} Angstroms", g(c.delta));
    ensemble(&mut s, &c.ensemble);
    s.push('\n');
    s
}

/// The ensemble's lines of the parameter block (none for constant energy: CoMD's block).
fn ensemble(s: &mut String, e: &crate::config::EnsembleConfig) {
    if e.is_nve() {
        return;
    }
    let _ = writeln!(s, "  Thermostat: {}", format!("{:?}", e.thermostat).to_lowercase());
    let (a, b) = e.target_temp;
    let _ = if a == b { writeln!(s, "  Target Temperature: {} K", g(a)) } else { writeln!(s, "  Target Temperature: {} K to {} K", g(a), g(b)) };
    let _ = writeln!(s, "  Thermostat Coupling Time: {} fs", g(e.tau));
    if e.thermostat == crate::cli::ensemble::Thermostat::Nhc {
        let _ = writeln!(s, "  Chain Length: {}", e.nhc_chain);
    }
    if e.has_barostat() {
        let axes: String = ['x', 'y', 'z'].iter().zip(e.axes).filter(|(_, on)| *on).map(|(c, _)| *c).collect();
        let _ = writeln!(s, "  Barostat: crescale\n  Barostat Axes: {axes}\n  Target Pressure: {} GPa", g(e.target_press));
        let _ = writeln!(s, "  Barostat Coupling Time: {} fs\n  Compressibility: {} 1/GPa", g(e.tau_p), g(e.compressibility));
    }
    let _ = writeln!(s, "  Ensemble Seed: {}", e.seed);
}

fn vec3(v: [f64; 3]) -> String {
    format!("[ {:14.10}, {:14.10}, {:14.10} ]", v[0], v[1], v[2])
}

/// The simulation, decomposition, potential and memory blocks.
pub fn setup(s: &Setup) -> String {
    let mut o = String::from("Simulation data: \n");
    let _ = writeln!(o, "  Total atoms        : {}", s.n_global);
    let _ = writeln!(o, "  Min global bounds  : {}", vec3(s.global_min));
    let _ = writeln!(o, "  Max global bounds  : {}\n", vec3(s.global_max));
    let _ = writeln!(o, "Decomposition data: ");
    let p = s.proc_grid;
    let _ = writeln!(o, "  Processors         : {:6},{:6},{:6}", p[0], p[1], p[2]);
    let gs = s.grid_size;
    let _ = writeln!(o, "  Local boxes        : {:6},{:6},{:6} = {:8}", gs[0], gs[1], gs[2], gs[0] * gs[1] * gs[2]);
    let _ = writeln!(o, "  Box size           : {}", vec3(s.box_size));
    let _ = writeln!(o, "  Box factor         : {} ", vec3(s.box_size.map(|b| b / s.cutoff)));
    let _ = writeln!(o, "  Max Link Cell Occupancy: {} of {}\n", s.max_occupancy, s.capacity);
    let _ = writeln!(o, "Potential data: ");
    let width = if s.is_eam { 15 } else { 16 };
    for (label, value) in &s.potential {
        let _ = writeln!(o, "  {label:<width$} : {value}");
    }
    let per_atom = 10 * 8 + 2 * 4;
    let mb = |n: f64| (per_atom as f64 * n) as f32 / 1024.0 / 1024.0;
    let _ = writeln!(o, "\nMemory data: ");
    let _ = writeln!(o, "  Intrinsic atom footprint = {per_atom:4} B/atom ");
    let _ = writeln!(o, "  Total atom footprint     = {:7.3} MB ({:6.2} MB/node)", mb(s.n_global as f64), mb(s.n_local as f64));
    let _ = writeln!(o, "  Link cell atom footprint = {:7.3} MB/node", mb((s.n_boxes.0 * s.capacity) as f64));
    let _ = writeln!(o, "  Link cell atom footprint = {:7.3} MB/node (including halo cell data\n", mb((s.n_boxes.1 * s.capacity) as f64));
    o
}

/// Column headers of the thermo table.
pub fn thermo_header() -> &'static str {
    "#                                                                                         Performance\n\
     #  Loop   Time(fs)       Total Energy   Potential Energy     Kinetic Energy  Temperature   (us/atom)     # Atoms\n"
}

/// Column headers of an ensemble run: CoMD's, then the target temperature and the conserved
/// quantity, then (with a barostat) the volume and pressure.
pub fn thermo_header_with(thermostat: bool, barostat: bool) -> String {
    let [top, names] = [0, 1].map(|i| thermo_header().lines().nth(i).unwrap_or_default().to_string());
    let (mut top, mut names) = (top, names);
    if thermostat {
        top += &format!(" {:>10} {:>18}", "Target", "Conserved");
        names += &format!(" {:>10} {:>18}", "T(K)", "(eV/atom)");
    }
    if barostat {
        top += &format!(" {:>12} {:>10}", "Volume", "Pressure");
        names += &format!(" {:>12} {:>10}", "(A^3)", "(GPa)");
    }
    format!("{top}\n{names}\n")
}

/// One thermo row: `" %6d %10.2f %18.12f %18.12f %18.12f %12.4f %10.4f %12d"`, then an
/// ensemble's columns.
pub fn thermo_row(r: &ThermoRow) -> String {
    let mut s = format!(
        " {:6} {:10.2} {:18.12} {:18.12} {:18.12} {:12.4} {} {:12}",
        r.step,
        r.time,
        r.e_total,
        r.e_potential,
        r.e_kinetic,
        r.temperature,
        f(r.perf, 10, 4),
        r.n_atoms
    );
    if let Some(e) = &r.ensemble {
        s += &format!(" {:10.2} {:18.12}", e.target_temp, e.conserved);
        if let Some(v) = e.volume {
            s += &format!(" {:12.4} {:10.4}", v, r.pressure);
        }
    }
    s + "\n"
}

/// The `Simulation Validation:` block.
pub fn validation(v: &Validation) -> String {
    let mut s = String::from("\n\nSimulation Validation:\n");
    let _ = writeln!(s, "  Initial energy  : {:14.12}", v.e_initial);
    let _ = writeln!(s, "  Final energy    : {:14.12}", v.e_final);
    let _ = writeln!(s, "  eFinal/eInitial : {:.6}", v.e_final / v.e_initial);
    let lost = v.n_initial - v.n_final;
    if lost == 0 {
        let _ = writeln!(s, "  Final atom count : {}, no atoms lost", v.n_final);
    } else {
        let _ = writeln!(s, "#############################");
        let _ = writeln!(s, "# WARNING: {lost:6} atoms lost #");
        let _ = writeln!(s, "#############################");
    }
    s
}

/// The timer tables and the three rate boxes.
pub fn timers(t: &TimerReport) -> String {
    let loop_time = t.total[crate::timers::Timer::Loop as usize];
    let mut s = String::from("\n\nTimings for Rank 0\n");
    s += "        Timer        # Calls    Avg/Call (s)   Total (s)    % Loop\n";
    s += "___________________________________________________________________\n";
    for i in (0..N_TIMERS).filter(|&i| t.count[i] > 0) {
        let _ = writeln!(
            s,
            "{:<16}{:12}     {:8.4}      {:8.4}    {:8.2}",
            TIMER_NAMES[i],
            t.count[i],
            t.total[i] / t.count[i] as f64,
            t.total[i],
            t.total[i] / loop_time * 100.0
        );
    }
    let _ = writeln!(s, "\nTiming Statistics Across {} Ranks:", t.n_ranks);
    s += "        Timer        Rank: Min(s)       Rank: Max(s)      Avg(s)    Stdev(s)\n";
    s += "_____________________________________________________________________________\n";
    for i in (0..N_TIMERS).filter(|&i| t.count[i] > 0) {
        let st = &t.stats[i];
        let _ = writeln!(
            s,
            "{:<16}{:6}:{:10.4}  {:6}:{:10.4}  {:10.4}  {:10.4}",
            TIMER_NAMES[i], st.min_rank, st.min, st.max_rank, st.max, st.avg, st.stdev
        );
    }
    let boxed = |label: &str, v: f64, unit: &str| {
        format!("\n---------------------------------------------------\n {label}{} {unit}\n---------------------------------------------------\n\n", f(v, 6, 2))
    };
    s += &boxed("Average atom update rate:     ", t.atom_rate, "us/atom/task");
    s += &boxed("Average all atom update rate: ", t.all_atom_rate, "us/atom");
    s += &boxed("Average atom rate:            ", t.atoms_per_us, "atoms/us");
    if let Some(n) = t.list_builds {
        let _ = writeln!(s, "Neighbor list builds: {n}");
        if t.lists_streamed {
            let _ = writeln!(s, "Neighbor lists: streamed (pieces rebuilt at every force evaluation)");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thermo_row_matches_comd_layout() {
        let r = ThermoRow {
            step: 10,
            time: 10.0,
            e_total: -1.166059622057,
            e_potential: -1.233147893486,
            e_kinetic: 0.067088271429,
            temperature: 519.0181,
            perf: 1.1638,
            n_atoms: 32000,
            pressure: 0.0,
            ensemble: None,
        };
        assert_eq!(
            thermo_row(&r),
            "     10      10.00    -1.166059622057    -1.233147893486     0.067088271429     519.0181     1.1638        32000\n"
        );
    }
}
