//! Stochastic cell rescaling (Bernetti, Bussi, J. Chem. Phys. 153, 114107, 2020): the
//! box's logarithmic volume `ε = ln V` follows
//!
//! `dε = −(β/τ_p) (P₀ − P − k_B T / V) dt + √(2 k_B T β / (V τ_p)) dW`,
//!
//! positions scale by `μ = exp(dε/3)` and momenta by `1/μ`. It is first order, samples the
//! isothermal–isobaric ensemble with the right volume fluctuations (Berendsen's does not), and
//! needs only the instantaneous pressure. With only some axes coupled (`--barostat-axes xy`,
//! `d` of them), `P` is the mean of their diagonal pressures, the same equation drives
//! `ln V` with `β d/3` for `β`, and each coupled axis scales by `exp(dε/d)`: the others keep
//! their length (a slab's vacuum stays as it is).
//!
//! It acts every [`EVERY`] steps with `Δt = EVERY · dt` (GROMACS's `nstpcouple` default):
//! each scaling rebuilds ghosts and lists, and the pressure needs the virial of that step.

use super::thermostat::{global_normal, BAROSTAT_DRAWS};
use crate::constants::EV_PER_A3_IN_GPA;
use crate::error::RunError;
use crate::types::{Real, Real3};

/// Steps between two scalings of the box.
pub const EVERY: u64 = 10;

/// The largest relative volume change one scaling may make; beyond it the run stops (the
/// system is far from equilibrium or unstable; the SDE would need smaller steps).
pub const MAX_CHANGE: Real = 0.01;

/// The options of the barostat in internal units.
#[derive(Debug, Clone, Copy)]
pub struct Crescale {
    /// Coupled axes.
    pub axes: [bool; 3],
    /// Target pressure, eV/Å³.
    pub p0: Real,
    /// Coupling time, fs.
    pub tau_p: Real,
    /// Compressibility, Å³/eV.
    pub beta: Real,
    /// Seed of the global stream.
    pub seed: u64,
}

impl Crescale {
    /// From the options in GPa, 1/GPa and fs.
    pub fn new(axes: [bool; 3], p0_gpa: Real, tau_p: Real, beta_per_gpa: Real, seed: u64) -> Crescale {
        Crescale { axes, p0: p0_gpa / EV_PER_A3_IN_GPA, tau_p, beta: beta_per_gpa * EV_PER_A3_IN_GPA, seed }
    }

    /// The pressure the coupled axes feel, eV/Å³: the mean of `(2 K_aa + W_aa) / V`.
    pub fn pressure(&self, kinetic: Real3, virial: Real3, volume: Real) -> Real {
        let d = self.axes.iter().filter(|&&a| a).count() as Real;
        (0..3).filter(|&a| self.axes[a]).map(|a| (2.0 * kinetic[a] + virial[a]) / volume).sum::<Real>() / d
    }

    /// The scaling factors per axis for one coupling interval `dt_p` (fs) at pressure `p`
    /// (eV/Å³), volume `volume` (Å³) and `kt` (eV), with the draw of `step`.
    pub fn factors(&self, p: Real, volume: Real, kt: Real, dt_p: Real, step: u64) -> Result<Real3, RunError> {
        let d = self.axes.iter().filter(|&&a| a).count() as Real;
        let beta = self.beta * d / 3.0;
        let drift = -beta / self.tau_p * (self.p0 - p - kt / volume) * dt_p;
        let noise = (2.0 * kt * beta * dt_p / (volume * self.tau_p)).sqrt() * global_normal(self.seed, step, BAROSTAT_DRAWS);
        let de = drift + noise;
        if !de.is_finite() || de.abs() > MAX_CHANGE {
            return Err(RunError::BarostatJump { change: de.exp_m1(), pressure_gpa: p * EV_PER_A3_IN_GPA });
        }
        let mu = (de / d).exp();
        Ok(std::array::from_fn(|a| if self.axes[a] { mu } else { 1.0 }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baro(axes: [bool; 3]) -> Crescale {
        Crescale::new(axes, 0.0, 1000.0, 7e-3, 1)
    }

    #[test]
    fn the_box_grows_under_pressure_and_shrinks_under_tension_on_the_coupled_axes_only() {
        let (v, kt) = (1.0e4, 0.025);
        let b = baro([true, true, false]);
        let p_hi = 2.0 / EV_PER_A3_IN_GPA;
        // averaged over many draws the drift wins
        let grow: Real = (0..2000).map(|s| b.factors(p_hi, v, kt, 10.0, s).unwrap()[0].ln()).sum();
        let shrink: Real = (0..2000).map(|s| b.factors(-p_hi, v, kt, 10.0, s).unwrap()[0].ln()).sum();
        assert!(grow > 0.0 && shrink < 0.0, "{grow} {shrink}");
        assert_eq!(b.factors(p_hi, v, kt, 10.0, 3).unwrap()[2], 1.0);
    }

    #[test]
    fn a_huge_pressure_is_an_error_not_a_jump() {
        let e = baro([true; 3]).factors(1e4 / EV_PER_A3_IN_GPA, 1.0e4, 0.025, 10.0, 0).unwrap_err();
        assert!(matches!(e, RunError::BarostatJump { .. }), "{e}");
    }

    #[test]
    fn the_pressure_of_the_coupled_axes_is_their_mean() {
        let b = baro([true, true, false]);
        assert!((b.pressure([1.0, 2.0, 100.0], [0.0, 2.0, 0.0], 2.0) - (1.0 + 3.0) / 2.0).abs() < 1e-12);
    }
}
