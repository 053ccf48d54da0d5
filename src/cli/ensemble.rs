//! Command-line options of the ensembles (issue 17): thermostat, target temperature or
//! ramp, coupling time, chain length.
//!
//! They are their own [`clap::Args`] group, flattened into [`super::Cli`], so decks set them
//! under the same long names (`thermostat = "csvr"`, `target-temp = "300:1800"`).

use super::{positive_int, positive_real};

/// Which thermostat acts on the momenta.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Thermostat {
    /// Constant energy (NVE), CoMD's only ensemble.
    #[default]
    None,
    /// Langevin dynamics, BAOAB splitting (Leimkuhler–Matthews 2013).
    Langevin,
    /// Stochastic velocity rescaling (Bussi, Donadio, Parrinello 2007).
    Csvr,
    /// Nosé–Hoover chains (Martyna, Klein, Tuckerman 1992; MTTK Trotter splitting).
    Nhc,
}

/// A target temperature: constant, or a linear ramp from `.0` at step 0 to `.1` at step `-N`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetTemp(pub f64, pub f64);

/// Options of the ensembles.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EnsembleArgs {
    /// Thermostat [default: none (constant energy, CoMD's)]
    #[arg(long, value_enum, value_name = "KIND")]
    pub thermostat: Option<Thermostat>,
    /// Target temperature, K, or a linear ramp A:B from step 0 to step -N (needs --thermostat)
    /// [default: -T]
    #[arg(long = "target-temp", value_name = "K|A:B", value_parser = target_temp)]
    pub target_temp: Option<TargetTemp>,
    /// Thermostat coupling time, fs (Langevin γ = 1/τ; CSVR relaxation time; NHC masses
    /// Q = N_f k_B T τ²) [default: 100]
    #[arg(long, value_name = "FS", value_parser = positive_real, allow_negative_numbers = true)]
    pub tau: Option<f64>,
    /// Length of the Nosé–Hoover chain (needs --thermostat nhc) [default: 3]
    #[arg(long = "nhc-chain", value_name = "N", value_parser = positive_int, allow_negative_numbers = true)]
    pub nhc_chain: Option<i64>,
}

/// A temperature in K (finite, ≥ 0) or a ramp `A:B` of two of them.
pub fn target_temp(s: &str) -> Result<TargetTemp, String> {
    let one = |t: &str| match t.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(v) => Err(format!("must be a temperature ≥ 0 K (got {v})")),
        Err(_) => Err(format!("'{t}' is not a temperature in K (expected K or a ramp A:B, e.g. 300:1800)")),
    };
    match s.split_once(':') {
        None => one(s).map(|v| TargetTemp(v, v)),
        Some((a, b)) => Ok(TargetTemp(one(a)?, one(b)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramps_and_constants_parse_and_bad_ones_are_named() {
        assert_eq!(target_temp("300"), Ok(TargetTemp(300.0, 300.0)));
        assert_eq!(target_temp("300:1800"), Ok(TargetTemp(300.0, 1800.0)));
        assert!(target_temp("300:abc").unwrap_err().contains("'abc'"));
        assert!(target_temp("-5").unwrap_err().contains("≥ 0"));
        assert!(target_temp("1:2:3").is_err());
        assert!(target_temp("inf").is_err());
    }
}
