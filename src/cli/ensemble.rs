//! Command-line options of the ensembles: thermostat, target temperature or ramp, coupling
//! time, chain length; barostat, its axes, target pressure, coupling time and
//! compressibility. Checked together in [`crate::config::ensemble`].
//!
//! They are their own [`clap::Args`] group, flattened into [`super::Cli`], so decks set them
//! under the same long names (`thermostat = "csvr"`, `target-temp = "300:1800"`).

use super::{parse_real, positive_int, positive_real};

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

/// Which barostat acts on the box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Barostat {
    /// Fixed box (CoMD's).
    #[default]
    None,
    /// Stochastic cell rescaling (Bernetti, Bussi 2020).
    Crescale,
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
    /// Barostat (needs a thermostat) [default: none (fixed box)]
    #[arg(long, value_enum, value_name = "KIND")]
    pub barostat: Option<Barostat>,
    /// The axes the barostat scales together, e.g. xyz, xy (a slab with vacuum along z), z
    /// [default: xyz]
    #[arg(long = "barostat-axes", value_name = "AXES", value_parser = axes)]
    pub barostat_axes: Option<[bool; 3]>,
    /// Target pressure, GPa [default: 0]
    #[arg(long = "target-press", value_name = "GPA", value_parser = finite_real, allow_negative_numbers = true)]
    pub target_press: Option<f64>,
    /// Barostat coupling time, fs [default: 1000]
    #[arg(long = "tau-p", value_name = "FS", value_parser = positive_real, allow_negative_numbers = true)]
    pub tau_p: Option<f64>,
    /// Isothermal compressibility the barostat assumes, 1/GPa [default: 7e-3, copper's]
    #[arg(long, value_name = "PER_GPA", value_parser = positive_real, allow_negative_numbers = true)]
    pub compressibility: Option<f64>,
}

/// A finite number (any sign).
fn finite_real(s: &str) -> Result<f64, String> {
    parse_real(s)
}

/// A set of axes: one or more of `x`, `y`, `z`, each at most once (`xy`, `z`, `xyz`).
pub fn axes(s: &str) -> Result<[bool; 3], String> {
    let mut a = [false; 3];
    for c in s.trim().chars() {
        let k = match c.to_ascii_lowercase() {
            'x' => 0,
            'y' => 1,
            'z' => 2,
            _ => return Err(format!("'{s}' is not a set of axes (allowed: one or more of x, y, z, e.g. xyz or xy)")),
        };
        if a[k] {
            return Err(format!("'{s}' names axis {c} twice (allowed: one or more of x, y, z, each once)"));
        }
        a[k] = true;
    }
    if !a.iter().any(|&v| v) {
        return Err("needs at least one axis (x, y, z, e.g. xyz or xy)".into());
    }
    Ok(a)
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

    #[test]
    fn axes_parse_and_bad_ones_are_named() {
        assert_eq!(axes("xyz"), Ok([true; 3]));
        assert_eq!(axes("xy"), Ok([true, true, false]));
        assert_eq!(axes("Z"), Ok([false, false, true]));
        assert!(axes("xx").unwrap_err().contains("twice"));
        assert!(axes("xw").unwrap_err().contains("allowed"));
        assert!(axes("").is_err());
    }
}
