//! Canonical statistics of the thermostats, with fixed seeds.
//!
//! Reasoning, shared by the tests: a 6×6×6 LJ crystal (864 atoms, N_f = 3N − 3 = 2589) runs
//! 60 000 steps of 1 fs at τ = 100 fs; the second half (30 ps) is sampled every 20 steps
//! (1500 rows) and cut into 20 blocks of 1.5 ps — each block spans ~15 thermostat times and
//! many phonon periods, so block means are close to independent, and the standard error of a
//! mean is the spread of the block means over √20. Temperatures are those of the thermostat's
//! N_f degrees of freedom, `T = 2K / (N_f k_B)` (CoMD prints 2K / 3N k_B).
//!
//! * Mean: within three standard errors of the target (a correct thermostat fails 0.3 % of
//!   the time by chance; the seed is fixed, so the test is reproducible), and the standard
//!   error itself must be below 0.3 % of the target (one sample's relative spread is
//!   √(2/N_f) = 2.8 %, so this needs ≥ 90 independent samples; the runs have ~200), so a
//!   bias of 1 % cannot pass.
//! * Variance of K: canonically `K` is Γ(N_f/2)-distributed, `var K = (N_f/2)(k_B T)²`. The
//!   blocks' mean squared deviations (from the mean of the whole half) estimate it, with
//!   their spread as its error; the relative
//!   standard error must be below 0.1 (≥ 200 independent samples: the run has ~30 ps / ~0.1 ps
//!   ≈ 300), and the measured ratio within three of them of 1. The negative control: a
//!   constant-energy run of the same crystal has var K about half the canonical value (the
//!   potential energy takes half of the fluctuation in a harmonic solid), so it must fail.

use crate::common::{assert_ok, run_in_tmp, stdout, thermo};

const KB_EV: f64 = 8.617_343e-5;
const N: f64 = 864.0;
const TARGET: f64 = 300.0;

/// The kinetic energies (eV, whole system) of the second half of a run with `extra` options.
fn kinetic_second_half(extra: &[&str]) -> Vec<f64> {
    let mut args = vec!["-x", "6", "-y", "6", "-z", "6", "-N", "60000", "-n", "20", "-T", "300", "--no-yaml", "--seed", "11"];
    args.extend_from_slice(extra);
    let (o, _d) = run_in_tmp(&args);
    assert_ok(&o);
    let rows = thermo(&stdout(&o));
    assert_eq!(rows.len(), 3001, "rows");
    rows[1501..].iter().map(|r| r[4].parse::<f64>().expect("kinetic energy") * N).collect()
}

/// Per block of `n`: the mean of `xs`, and the mean of its squared deviation from the mean
/// of all of `xs` (a block's own mean would miss the slow part of the fluctuation, ~10 %
/// here).
fn blocks(xs: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let len = xs.len() / n;
    let all = xs[..n * len].iter().sum::<f64>() / (n * len) as f64;
    xs.chunks_exact(len)
        .map(|b| (b.iter().sum::<f64>() / len as f64, b.iter().map(|x| (x - all).powi(2)).sum::<f64>() / len as f64))
        .unzip()
}

/// Mean and standard error of the mean of `v` (independent values).
fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (m, (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt())
}

/// Checks the mean temperature, and the variance of K if `variance`; returns the measured
/// variance ratio and its standard error.
fn check(name: &str, ks: &[f64], variance: bool) -> (f64, f64) {
    let nf = 3.0 * N - 3.0;
    let to_t = |k: f64| 2.0 * k / (nf * KB_EV);
    let (means, vars) = blocks(ks, 20);
    let (t, t_se) = mean_se(&means.iter().map(|&k| to_t(k)).collect::<Vec<_>>());
    eprintln!("{name}: T = {t:.3} ± {t_se:.3} K");
    assert!(t_se < 3e-3 * TARGET, "{name}: the standard error {t_se} K is too large for the test to mean anything");
    assert!((t - TARGET).abs() < 3.0 * t_se, "{name}: mean T {t:.3} K is not within 3 standard errors ({t_se:.3} K) of {TARGET} K");
    let canonical = 0.5 * nf * (KB_EV * TARGET).powi(2);
    let (v, v_se) = mean_se(&vars);
    let (ratio, ratio_se) = (v / canonical, v_se / canonical);
    eprintln!("{name}: var K / canonical = {ratio:.3} ± {ratio_se:.3}");
    if variance {
        assert!(ratio_se < 0.1, "{name}: the variance's standard error {ratio_se} is too large");
        assert!((ratio - 1.0).abs() < 3.0 * ratio_se, "{name}: var K is {ratio:.3} ± {ratio_se:.3} of the canonical value");
    }
    (ratio, ratio_se)
}

#[test]
fn csvr_samples_the_canonical_temperature_and_its_fluctuations() {
    check("csvr", &kinetic_second_half(&["--thermostat", "csvr", "--target-temp", "300"]), true);
}

#[test]
fn langevin_samples_the_canonical_temperature_and_its_fluctuations() {
    check("langevin", &kinetic_second_half(&["--thermostat", "langevin", "--target-temp", "300"]), true);
}

/// The chain's mean temperature (deterministic dynamics: its fluctuations are canonical
/// only if the crystal is ergodic enough, so the variance is not asserted).
#[test]
fn nhc_holds_the_mean_temperature() {
    check("nhc", &kinetic_second_half(&["--thermostat", "nhc", "--target-temp", "300"]), false);
}

/// The chain's extended energy (the "Conserved" column) is a constant of its equations of
/// motion; the Trotter-split integrator is time-reversible and symplectic-like, so its error
/// stays bounded at O(dt²) — a few 1e-6 eV/atom at 1 fs here — with no drift. A wrong chain
/// force, mass or sign adds or removes heat of order k_B T ≈ 0.026 eV/atom per chain period:
/// the bound of 5e-5 eV/atom over 20 ps (cooling from 600 K to 300 K, where the chain works
/// hardest) is ten times what the integrator shows and a thousandth of that.
#[test]
fn nhc_conserves_its_extended_energy() {
    let (o, _d) = run_in_tmp(&["-x", "6", "-y", "6", "-z", "6", "-N", "20000", "-n", "100", "-T", "600", "--no-yaml", "--thermostat", "nhc", "--target-temp", "300"]);
    assert_ok(&o);
    let h: Vec<f64> = thermo(&stdout(&o)).iter().map(|r| r[8].parse().expect("conserved")).collect();
    let spread = h.iter().fold(0.0f64, |m, &x| m.max((x - h[0]).abs()));
    eprintln!("nhc: largest change of the conserved quantity {spread:.3e} eV/atom");
    assert!(spread < 5e-5, "the chain's conserved quantity moved by {spread:.3e} eV/atom");
    let e: Vec<f64> = thermo(&stdout(&o)).iter().map(|r| r[2].parse().expect("energy")).collect();
    assert!(e[0] - e[e.len() - 1] > 1e-3, "the chain did not cool the crystal: {} -> {} eV/atom", e[0], e[e.len() - 1]);
}

/// Negative control: NVE from -T 600 equilibrates near 300 K, but its kinetic energy
/// fluctuates about half as much as the canonical value: the variance test must reject it.
#[test]
fn constant_energy_fails_the_canonical_variance_test() {
    let ks = kinetic_second_half(&[]);
    let nf = 3.0 * N - 3.0;
    let t = 2.0 * ks.iter().sum::<f64>() / ks.len() as f64 / (nf * KB_EV);
    // compare with the canonical variance at the run's own mean temperature
    let canonical = 0.5 * nf * (KB_EV * t).powi(2);
    let (_, vars) = blocks(&ks, 20);
    let (v, v_se) = mean_se(&vars);
    let (ratio, se) = (v / canonical, v_se / canonical);
    eprintln!("nve: T = {t:.1} K, var K / canonical = {ratio:.3} ± {se:.3}");
    assert!((ratio - 1.0).abs() > 3.0 * se, "NVE passed the canonical variance test ({ratio:.3} ± {se:.3}): the test cannot tell");
}
