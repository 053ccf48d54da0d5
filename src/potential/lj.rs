//! Lennard-Jones potential, shifted to zero at the cutoff (port of `ljForce.c`, spec §8.1).
//!
//! `E(r) = 4ε[(σ/r)^12 − (σ/r)^6] − E(r_c)` with CoMD's copper parameters. The loops that
//! use them live with each engine (`engine::exact::lj` keeps CoMD's loop order to the bit,
//! `engine::fast` vectorises them).

use crate::constants::amu_to_internal_mass;
use crate::types::Real;

/// Lennard-Jones parameters (CoMD `LjPotential`).
#[derive(Debug, Clone)]
pub struct LennardJones {
    /// σ, Å.
    pub sigma: Real,
    /// ε, eV.
    pub epsilon: Real,
    /// Cutoff, Å.
    pub cutoff: Real,
    /// Mass, internal units.
    pub mass: Real,
    /// Lattice constant, Å.
    pub lat: Real,
}

impl Default for LennardJones {
    /// CoMD's copper (Wolf & Phillpot): σ = 2.315 Å, ε = 0.167 eV, cutoff 2.5σ, 63.55 amu.
    fn default() -> Self {
        let sigma = 2.315;
        LennardJones { sigma, epsilon: 0.167, cutoff: 2.5 * sigma, mass: 63.55 * amu_to_internal_mass(), lat: 3.615 }
    }
}

impl LennardJones {
    /// The `Potential data:` lines of the screen report.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        use super::fmt_g;
        vec![
            ("Potential type", "Lennard-Jones".into()),
            ("Species name", "Cu".into()),
            ("Atomic number", "29".into()),
            ("Mass", format!("{} amu", fmt_g(self.mass / amu_to_internal_mass()))),
            ("Lattice Type", "FCC".into()),
            ("Lattice spacing", format!("{} Angstroms", fmt_g(self.lat))),
            ("Cutoff", format!("{} Angstroms", fmt_g(self.cutoff))),
            ("Epsilon", format!("{} eV", fmt_g(self.epsilon))),
            ("Sigma", format!("{} Angstroms", fmt_g(self.sigma))),
        ]
    }

    /// `(σ^6, r_c², energy shift)` exactly as CoMD computes them.
    pub fn constants(&self) -> (Real, Real, Real) {
        let s = self.sigma;
        let s6 = s * s * s * s * s * s;
        let rcut2 = self.cutoff * self.cutoff;
        let rcut6 = s6 / (rcut2 * rcut2 * rcut2);
        let e_shift = 1.0 * rcut6 * (rcut6 - 1.0);
        (s6, rcut2, e_shift)
    }

    /// Pair energy (in units of 4ε, shifted) and `fr` such that the force on i is `-dr*fr`,
    /// for squared distance `r2` (CoMD's expressions).
    #[inline(always)]
    pub fn pair(&self, r2: Real, s6: Real, e_shift: Real) -> (Real, Real) {
        let ir2 = 1.0 / r2;
        let r6 = s6 * (ir2 * ir2 * ir2);
        let e = r6 * (r6 - 1.0) - e_shift;
        let fr = -4.0 * self.epsilon * r6 * ir2 * (12.0 * r6 - 6.0);
        (e, fr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_constants_match_spec() {
        let (_, _, e_shift) = LennardJones::default().constants();
        assert_eq!(e_shift, -0.004079222784000001);
    }

    #[test]
    fn force_is_minus_energy_gradient() {
        let lj = LennardJones::default();
        let (s6, _, shift) = lj.constants();
        let energy = |r: f64| 4.0 * lj.epsilon * lj.pair(r * r, s6, shift).0;
        for r in [2.3, 2.6, 3.0, 4.0, 5.5] {
            let h = 1e-6;
            let de_dr = (energy(r + h) - energy(r - h)) / (2.0 * h);
            // force on i along dr (= r for a pair on the x axis) is -dr*fr
            let force = -r * lj.pair(r * r, s6, shift).1;
            assert!((force + de_dr).abs() <= 1e-6 * (1.0 + de_dr.abs()), "r={r}: {force} vs {}", -de_dr);
        }
    }
}
