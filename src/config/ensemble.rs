//! The ensemble a run asks for, checked: the one place that turns the ensemble options
//! into numbers and refuses what cannot run.

use crate::cli::ensemble::{Barostat, Thermostat};
use crate::cli::Cli;
use crate::error::usage;

/// The random streams' seed without `--seed` (the bytes of "CoMD-rs!"): fixed, so two runs
/// with the same options are the same run.
pub const DEFAULT_SEED: u64 = 0x436f_4d44_2d72_7321;

/// Copper's isothermal compressibility, 1/GPa (bulk modulus ≈ 140 GPa): the default of
/// `--compressibility`. It sets how fast the barostat acts, not where it goes.
pub const COPPER_COMPRESSIBILITY: f64 = 7.0e-3;

/// The ensemble of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct EnsembleConfig {
    /// The thermostat.
    pub thermostat: Thermostat,
    /// Target temperature at step 0 and at step `n_steps`, K (equal: no ramp).
    pub target_temp: (f64, f64),
    /// Thermostat coupling time, fs.
    pub tau: f64,
    /// Nosé–Hoover chain length.
    pub nhc_chain: usize,
    /// The barostat.
    pub barostat: Barostat,
    /// The axes the barostat scales.
    pub axes: [bool; 3],
    /// Target pressure, GPa.
    pub target_press: f64,
    /// Barostat coupling time, fs.
    pub tau_p: f64,
    /// Compressibility, 1/GPa.
    pub compressibility: f64,
    /// Seed of the random streams (`--seed`, or [`DEFAULT_SEED`]).
    pub seed: u64,
}

impl EnsembleConfig {
    /// The ensemble of the options in `cli`; `temp` is `-T` (the default target).
    pub fn from_cli(cli: &Cli, temp: f64) -> anyhow::Result<EnsembleConfig> {
        check(cli)?;
        let e = &cli.ensemble;
        let cfg = EnsembleConfig {
            thermostat: e.thermostat.unwrap_or_default(),
            target_temp: e.target_temp.map_or((temp, temp), |t| (t.0, t.1)),
            tau: e.tau.unwrap_or(100.0),
            nhc_chain: e.nhc_chain.unwrap_or(3) as usize,
            barostat: e.barostat.unwrap_or_default(),
            axes: e.barostat_axes.unwrap_or([true; 3]),
            target_press: e.target_press.unwrap_or(0.0),
            tau_p: e.tau_p.unwrap_or(1000.0),
            compressibility: e.compressibility.unwrap_or(COPPER_COMPRESSIBILITY),
            seed: cli.workflow.seed.unwrap_or(DEFAULT_SEED),
        };
        if cfg.thermostat == Thermostat::Nhc && (cfg.target_temp.0 <= 0.0 || cfg.target_temp.1 <= 0.0) {
            return Err(usage("--target-temp: a Nosé–Hoover chain needs a target above 0 K (its masses are N_f k_B T τ²); use --thermostat langevin or csvr to cool to 0 K"));
        }
        Ok(cfg)
    }

    /// Constant energy in a fixed box: CoMD's run.
    pub fn is_nve(&self) -> bool {
        self.thermostat == Thermostat::None && self.barostat == Barostat::None
    }

    /// Whether the box may change.
    pub fn has_barostat(&self) -> bool {
        self.barostat != Barostat::None
    }

    /// The canonical text of the physics options, stored in checkpoints and compared on
    /// restart (empty for constant energy).
    pub fn describe(&self) -> String {
        if self.is_nve() {
            return String::new();
        }
        let mut s = format!("thermostat={:?} target-temp={}:{} tau={}", self.thermostat, self.target_temp.0, self.target_temp.1, self.tau).to_lowercase();
        if self.thermostat == Thermostat::Nhc {
            s += &format!(" nhc-chain={}", self.nhc_chain);
        }
        if self.has_barostat() {
            let axes: String = ['x', 'y', 'z'].iter().zip(self.axes).filter(|(_, on)| *on).map(|(c, _)| *c).collect();
            s += &format!(
                " barostat=crescale axes={axes} target-press={} tau-p={} compressibility={}",
                self.target_press, self.tau_p, self.compressibility
            );
        }
        s
    }
}

/// The ensemble options that cannot run: a thermostat or barostat on the exact path
/// (CoMD's constant energy only), coupling options without what they couple, a barostat
/// without a thermostat.
fn check(cli: &Cli) -> anyhow::Result<()> {
    let e = &cli.ensemble;
    let named = |opts: &[(&'static str, bool)]| opts.iter().filter(|(_, g)| *g).map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    let thermo = e.thermostat.unwrap_or_default();
    let baro = e.barostat.unwrap_or_default();
    let t_opts = named(&[("--target-temp", e.target_temp.is_some()), ("--tau", e.tau.is_some()), ("--nhc-chain", e.nhc_chain.is_some())]);
    let b_opts = named(&[
        ("--barostat-axes", e.barostat_axes.is_some()),
        ("--target-press", e.target_press.is_some()),
        ("--tau-p", e.tau_p.is_some()),
        ("--compressibility", e.compressibility.is_some()),
    ]);
    if thermo == Thermostat::None && !t_opts.is_empty() {
        return Err(usage(format!("{t_opts}: needs --thermostat langevin, csvr or nhc (the run is constant energy)")));
    }
    if baro == Barostat::None && !b_opts.is_empty() {
        return Err(usage(format!("{b_opts}: needs --barostat crescale (the box is fixed)")));
    }
    if baro != Barostat::None && thermo == Thermostat::None {
        return Err(usage("--barostat crescale: needs a thermostat for NPT (--thermostat langevin, csvr or nhc)"));
    }
    if cli.exact && (thermo != Thermostat::None || baro != Barostat::None) {
        let what = if thermo != Thermostat::None { "--thermostat" } else { "--barostat" };
        return Err(usage(format!("{what}: --exact runs CoMD's constant-energy loop only; drop --exact or use {what} none")));
    }
    if e.nhc_chain.is_some() && thermo != Thermostat::Nhc {
        return Err(usage("--nhc-chain: applies to --thermostat nhc only"));
    }
    Ok(())
}
