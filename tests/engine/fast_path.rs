//! The default (fast) path: identical results for any thread count, agreement with
//! `--exact`, energy conservation, and forces equal to the O(N²) oracle in neighbour-list
//! stress cases.

use crate::common;
use crate::common::oracle;

use crate::common::*;
use comd::engine::Engine;
use comd::potential::{eam, lj::LennardJones, Potential, DEFAULT_SKIN_LJ};

fn pot_dir() -> Option<String> {
    shared().map(|s| s.join("potentials").display().to_string())
}

fn run_threads(args: &[&str], threads: &str) -> (Vec<Vec<String>>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("state");
    let out = comd().args(args).args(["--no-yaml", "--threads", threads, "--dump-state", dump.to_str().unwrap()]).output().unwrap();
    assert_ok(&out);
    (thermo(&stdout(&out)), std::fs::read(dump).unwrap())
}

fn thread_independence(args: &[&str]) {
    let one = run_threads(args, "1");
    for t in ["2", "3"] {
        let other = run_threads(args, t);
        assert_eq!(one.0, other.0, "thermo table with {t} threads differs from 1 thread");
        assert!(one.1 == other.1, "final state with {t} threads differs from 1 thread");
    }
    // streamed lists are the stored ones, rebuilt piece by piece: the same bits
    let streamed = run_threads(&[args, &["--lists", "streamed"]].concat(), "2");
    assert_eq!(one.0, streamed.0, "thermo table with streamed lists differs from stored ones");
    assert!(one.1 == streamed.1, "final state with streamed lists differs from stored ones");
}

#[test]
fn lj_results_do_not_depend_on_the_thread_count() {
    // hot: atoms cross cells and periodic boundaries, lists are rebuilt many times
    thread_independence(&["-x", "6", "-y", "6", "-z", "7", "-T", "3000", "-N", "200", "-n", "20"]);
}

#[test]
fn eam_results_do_not_depend_on_the_thread_count() {
    let Some(pots) = pot_dir() else { return };
    thread_independence(&["-e", "--potDir", &pots, "-x", "6", "-y", "7", "-z", "6", "-T", "3000", "-N", "100", "-n", "20"]);
}

fn energies(args: &[&str], exact: bool) -> Vec<[f64; 3]> {
    let mut a = args.to_vec();
    a.push("--no-yaml");
    if exact {
        a.push("--exact");
    }
    let (out, _d) = run_in_tmp(&a);
    assert_ok(&out);
    thermo(&stdout(&out)).iter().map(|r| [r[2].parse().unwrap(), r[3].parse().unwrap(), r[4].parse().unwrap()]).collect()
}

fn agreement(args: &[&str]) {
    let fast = energies(args, false);
    let exact = energies(args, true);
    assert_eq!(fast.len(), exact.len());
    for (row, (f, e)) in fast.iter().zip(&exact).enumerate() {
        for k in 0..3 {
            // printed to 12 decimals: allow 1e-10 relative plus the last printed digit
            let tol = 1e-10 * e[k].abs() + 1.5e-12;
            assert!((f[k] - e[k]).abs() <= tol, "row {row} column {k}: fast {} vs exact {}", f[k], e[k]);
        }
    }
}

#[test]
fn lj_default_path_agrees_with_exact() {
    agreement(&["-N", "100", "-n", "10"]);
}

#[test]
fn eam_default_path_agrees_with_exact() {
    let Some(pots) = pot_dir() else { return };
    agreement(&["-e", "--potDir", &pots, "-N", "100", "-n", "10"]);
}

fn conserves(args: &[&str], exact: bool) {
    let e = energies(args, exact);
    let e0 = e[0][0];
    for (row, x) in e.iter().enumerate() {
        let drift = ((x[0] - e0) / e0).abs();
        assert!(drift <= 5e-5, "exact={exact} row {row}: |E(t)-E(0)|/|E(0)| = {drift:e}");
    }
}

#[test]
fn lj_conserves_energy_over_10000_steps_on_both_paths() {
    let args = ["-x", "4", "-y", "4", "-z", "4", "-T", "600", "-N", "10000", "-n", "100"];
    conserves(&args, false);
    conserves(&args, true);
}

#[test]
fn eam_conserves_energy_over_10000_steps_on_both_paths() {
    let Some(pots) = pot_dir() else { return };
    let args = ["-e", "--potDir", &pots, "-x", "4", "-y", "4", "-z", "4", "-T", "600", "-N", "10000", "-n", "100"];
    conserves(&args, false);
    conserves(&args, true);
}

/// A default-path engine on an `n` crystal of lattice constant `lat` at `temp`, displaced by
/// up to 0.05 Å, and its box.
fn fast_engine(pot: &Potential, lat: f64, n: [usize; 3], temp: f64) -> (Box<dyn Engine>, [f64; 3]) {
    let l = n.map(|v| v as f64 * lat);
    let (nx, ny, nz, t, a) = (n[0].to_string(), n[1].to_string(), n[2].to_string(), temp.to_string(), lat.to_string());
    (common::engine(&["-x", &nx, "-y", &ny, "-z", &nz, "-T", &t, "-l", &a, "-r", "0.05"], pot), l)
}

/// Gid-sorted positions, forces, and the largest displacement since the last list build.
fn state(e: &dyn Engine) -> (Vec<[f64; 3]>, Vec<[f64; 3]>, f64) {
    let mut recs = e.records();
    recs.sort_by_key(|r| r.gid);
    let moved = recs.iter().map(|r| (0..3).map(|k| (r.r[k] - r.r_ref[k]).powi(2)).sum::<f64>().sqrt()).fold(0.0, f64::max);
    (recs.iter().map(|r| r.r).collect(), recs.iter().map(|r| r.f).collect(), moved)
}

/// Default-path engine after `steps` steps; returns gid-sorted positions, forces, the box
/// and the number of list builds.
fn fast_state(pot: &Potential, lat: f64, n: [usize; 3], temp: f64, steps: u64) -> (Vec<[f64; 3]>, Vec<[f64; 3]>, [f64; 3], u64, [f64; 6]) {
    let (mut e, l) = fast_engine(pot, lat, n, temp);
    common::advance(e.as_mut(), steps);
    let (pos, f, _) = state(e.as_ref());
    (pos, f, l, e.list_builds().expect("the default path keeps lists"), e.virial())
}

#[test]
fn fast_lj_forces_equal_the_oracle_in_list_stress_cases() {
    let lj = LennardJones::default();
    // (lattice constant, cells, temperature, steps): a box just over 2 cutoffs (11.7 Å, so
    // two images of one atom can be within cutoff + skin), a 3000 K melt, a long hot run
    for (lat, n, temp, steps) in [(3.9, [3, 3, 3], 900.0, 100), (3.615, [5, 5, 5], 3000.0, 100), (3.615, [4, 5, 4], 3000.0, 600)] {
        let (pos, f, l, rebuilds, w) = fast_state(&Potential::Lj(lj.clone()), lat, n, temp, steps);
        let (fo, _, wo) = oracle::lj(&pos, l, &lj);
        crate::engine::oracle::check_virial(&w, &wo);
        let (dev, big) = oracle::max_deviation(&f, &fo);
        assert!(dev <= 1e-11 * big, "lat {lat} {n:?} T={temp}: deviation {dev:e} vs {big:e}");
        assert!(rebuilds > 1, "the lists were never rebuilt");
    }
}

#[test]
fn lists_kept_past_half_a_skin_still_hold_every_pair() {
    // the pair rule (fast::skin) keeps the lists while atoms that moved over half a skin are
    // far from each other: the forces must still be the oracle's at every check, and some
    // check must find an atom past half a skin (or the rule was not exercised)
    let lj = LennardJones::default();
    let (mut e, l) = fast_engine(&Potential::Lj(lj.clone()), 3.615, [10, 10, 10], 1200.0);
    let mut past_half = 0;
    for _ in 0..60 {
        common::advance(e.as_mut(), 5);
        let (pos, f, moved) = state(e.as_ref());
        let (fo, _, _) = oracle::lj(&pos, l, &lj);
        let (dev, big) = oracle::max_deviation(&f, &fo);
        assert!(dev <= 1e-11 * big, "deviation {dev:e} vs {big:e} after {:?} builds, largest move {moved}", e.list_builds());
        past_half += usize::from(moved > 0.5 * DEFAULT_SKIN_LJ);
    }
    assert!(past_half > 0, "no check found an atom past half a skin ({:?} builds)", e.list_builds());
}

#[test]
fn fast_eam_forces_equal_the_oracle_in_list_stress_cases() {
    let Some(shared) = shared() else { return };
    let t = eam::EamTables::read(&shared.join("potentials/Cu_u6.eam"), eam::PotentialFormat::Funcfl).unwrap();
    for (lat, n, temp, steps) in [(3.615, [3, 3, 3], 600.0, 50), (3.615, [5, 4, 5], 3000.0, 300)] {
        let (pos, f, l, _, w) = fast_state(&Potential::Eam(Box::new(t.clone())), lat, n, temp, steps);
        let (fo, _, wo) = oracle::eam(&pos, l, &t);
        crate::engine::oracle::check_virial(&w, &wo);
        let (dev, big) = oracle::max_deviation(&f, &fo);
        assert!(dev <= 1e-11 * big, "lat {lat} {n:?} T={temp}: deviation {dev:e} vs {big:e}");
    }
}

#[test]
fn a_structure_of_the_lattice_sites_starts_as_the_lattice_does() {
    // Start::Atoms with CoMD's sites and no momenta draws the same per-gid momenta and
    // thermalises them as Start::Lattice does: the same energies to the bit, on both paths;
    // with the momenta given, they are kept (no thermalisation), so the energy is the same too
    use comd::engine::{Start, StartAtom, Structure};
    let pot = Potential::Lj(LennardJones::default());
    for exact in [false, true] {
        let mut args = vec!["-x", "4", "-y", "5", "-z", "4", "-T", "900"];
        if exact {
            args.push("--exact");
        }
        let lattice = common::engine(&args, &pot);
        let cfg = common::config(&args);
        let lat = pot.lattice_constant();
        let spec = comd::lattice::LatticeSpec { n_cells: cfg.n_cells, lat, mass: pot.mass(), temp: 900.0, delta: 0.0, seed: None };
        let lengths = cfg.n_cells.map(|n| n as f64 * lat);
        let sites = comd::lattice::create(&spec, [0.0; 3], lengths);
        let mut recs = lattice.records();
        recs.sort_by_key(|r| r.gid);
        for (with_p, origin) in [(false, [0.0; 3]), (true, [-3.0, 10.0, 0.5])] {
            let atoms = sites
                .iter()
                .map(|a| StartAtom { gid: a.gid, r: std::array::from_fn(|k| a.r[k] + origin[k]), p: with_p.then(|| recs[a.gid as usize].p) })
                .collect();
            let s = Structure { origin, lengths, atoms };
            let (mut comm, mut timers) = (comd::comm::serial::Serial::new(), comd::timers::Timers::default());
            let e = comd::engine::start(&cfg, &pot, Start::Atoms(s), &mut comm, &mut timers).unwrap();
            assert_eq!(e.kind().is_exact(), exact);
            assert_eq!(e.e_kinetic().to_bits(), lattice.e_kinetic().to_bits(), "kinetic energy, exact={exact}, momenta given={with_p}");
            if !with_p {
                assert_eq!(e.e_potential().to_bits(), lattice.e_potential().to_bits(), "potential energy, exact={exact}");
            }
        }
    }
}

#[test]
fn a_structure_with_an_atom_outside_its_box_is_wrapped_with_its_image_counted() {
    // (issue 16: atoms outside the box are wrapped, their periodic images kept; this test
    // asserted a refusal before)
    use comd::engine::{Start, StartAtom, Structure};
    let pot = Potential::Lj(LennardJones::default());
    for args in [vec!["-x", "4", "-y", "4", "-z", "4"], vec!["-x", "4", "-y", "4", "-z", "4", "--exact"]] {
        let cfg = common::config(&args);
        let atoms = vec![StartAtom { gid: 0, r: [1.0, 1.0, 1.0], p: None }, StartAtom { gid: 1, r: [1.0, 20.0, -1.0], p: None }];
        let s = Structure { origin: [0.0; 3], lengths: [14.46; 3], atoms };
        let (mut comm, mut timers) = (comd::comm::serial::Serial::new(), comd::timers::Timers::default());
        let e = comd::engine::start(&cfg, &pot, Start::Atoms(s), &mut comm, &mut timers).expect("wrapped");
        let mut recs = e.records();
        recs.sort_by_key(|r| r.gid);
        assert_eq!(recs[1].image, [0, 1, -1], "{args:?}");
        assert!((recs[1].r[1] - (20.0 - 14.46)).abs() < 1e-12 && (recs[1].r[2] - 13.46).abs() < 1e-12, "{:?}", recs[1].r);
    }
}
