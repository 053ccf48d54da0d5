//! Link-cell forces equal an O(N²) minimum-image oracle on hot, displaced configurations:
//! max |f − f_oracle| ≤ 1e-11 × max |f_oracle|.

use crate::common;
use crate::common::oracle;

use comd::potential::{eam, lj::LennardJones, Potential};

/// Builds a displaced, hot crystal with the exact engine; returns gid-sorted positions,
/// forces, the box, the engine's potential energy and virial tensor.
fn engine_state(pot: Potential, n: [usize; 3], temp: f64, delta: f64) -> (Vec<[f64; 3]>, Vec<[f64; 3]>, [f64; 3], f64, [f64; 6]) {
    let lat = pot.lattice_constant();
    let l = n.map(|v| v as f64 * lat);
    let (nx, ny, nz, t, r) = (n[0].to_string(), n[1].to_string(), n[2].to_string(), temp.to_string(), delta.to_string());
    let mut engine = common::engine(&["--exact", "-x", &nx, "-y", &ny, "-z", &nz, "-T", &t, "-r", &r], &pot);
    // a few hot steps so atoms leave their cells and cross the periodic boundaries
    common::advance(engine.as_mut(), 20);
    let mut recs = engine.records();
    recs.sort_by_key(|r| r.gid);
    (recs.iter().map(|r| r.r).collect(), recs.iter().map(|r| r.f).collect(), l, engine.e_potential(), engine.virial())
}

/// The virial tensor equals the oracle's, every component (a hot, displaced crystal has
/// shear components worth comparing).
pub fn check_virial(w: &[f64; 6], wo: &[f64; 6]) {
    let (dev, big) = oracle::virial_deviation(w, wo);
    assert!(dev <= 1e-10 * big, "virial {w:?} vs oracle {wo:?}");
    assert!(wo[3..].iter().all(|&x| x.abs() > 1e-6 * big), "no shear to compare: {wo:?}");
}

#[test]
fn lj_link_cell_forces_equal_the_n2_oracle() {
    for (n, temp, delta) in [([5, 5, 5], 3000.0, 0.2), ([4, 6, 5], 20000.0, 0.0), ([4, 4, 4], 600.0, 0.3)] {
        let (pos, f, l, e, w) = engine_state(Potential::Lj(LennardJones::default()), n, temp, delta);
        let (fo, eo, wo) = oracle::lj(&pos, l, &LennardJones::default());
        check_virial(&w, &wo);
        let (dev, big) = oracle::max_deviation(&f, &fo);
        assert!(dev <= 1e-11 * big, "{n:?} T={temp}: max deviation {dev:e} vs max force {big:e}");
        assert!((e - eo).abs() <= 1e-10 * eo.abs(), "energy {e} vs oracle {eo}");
    }
}

#[test]
fn eam_link_cell_forces_equal_the_n2_oracle() {
    let Some(shared) = common::shared() else { return };
    let tables = eam::EamTables::read(&shared.join("potentials/Cu_u6.eam"), eam::PotentialFormat::Funcfl).unwrap();
    for (n, temp, delta) in [([5, 5, 5], 3000.0, 0.2), ([6, 5, 5], 600.0, 0.0)] {
        let (pos, f, l, e, w) = engine_state(Potential::Eam(Box::new(tables.clone())), n, temp, delta);
        let (fo, eo, wo) = oracle::eam(&pos, l, &tables);
        check_virial(&w, &wo);
        let (dev, big) = oracle::max_deviation(&f, &fo);
        assert!(dev <= 1e-11 * big, "{n:?} T={temp}: max deviation {dev:e} vs max force {big:e}");
        assert!((e - eo).abs() <= 1e-10 * eo.abs(), "energy {e} vs oracle {eo}");
    }
}

#[test]
fn eam_force_is_minus_energy_gradient() {
    // finite difference of the total energy on a perturbed lattice, through the oracle's
    // energy (the same tables the engine uses)
    let Some(shared) = common::shared() else { return };
    let t = eam::EamTables::read(&shared.join("potentials/Cu_u6.eam"), eam::PotentialFormat::Funcfl).unwrap();
    let (mut pos, f, l, _, _) = engine_state(Potential::Eam(Box::new(t.clone())), [4, 4, 4], 600.0, 0.1);
    for (atom, k) in [(0usize, 0usize), (17, 1), (100, 2)] {
        let h = 1e-5;
        pos[atom][k] += h;
        let ep = oracle::eam(&pos, l, &t).1;
        pos[atom][k] -= 2.0 * h;
        let em = oracle::eam(&pos, l, &t).1;
        pos[atom][k] += h;
        let fd = -(ep - em) / (2.0 * h);
        // the tables are quadratic interpolants with 4-point derivatives: agree to ~1e-4
        assert!((fd - f[atom][k]).abs() <= 2e-3 * (1.0 + fd.abs()), "atom {atom} axis {k}: {} vs {fd}", f[atom][k]);
    }
}
