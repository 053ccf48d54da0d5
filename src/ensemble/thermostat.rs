//! The thermostats' arithmetic on global numbers: CSVR's new kinetic energy and a
//! Nosé–Hoover chain's half-step. Both see only the exact global kinetic energy and draw
//! from the global stream, so every rank computes the same factor.
//!
//! * **CSVR** (Bussi, Donadio, Parrinello, J. Chem. Phys. 126, 014101, 2007, eq. A7): the
//!   kinetic energy `K` is replaced by `K'` drawn from the exact solution of
//!   `dK = (K̄ − K) dt/τ + 2 √(K K̄ / N_f) dW / √τ` over one step, with `K̄ = N_f k_B T / 2`;
//!   it needs one normal and a sum of `N_f − 1` squared normals, which is `2 Γ((N_f − 1)/2)`.
//!   The gamma deviate is Marsaglia and Tsang's (ACM TOMS 26, 363, 2000), written here rather
//!   than taken from a crate so that a checkpoint's continuation does not change bits with a
//!   dependency's version.
//! * **Nosé–Hoover chain** (Martyna, Klein, Tuckerman, J. Chem. Phys. 97, 2635, 1992), half
//!   a step of `exp(iL_NHC dt/2)` in the Trotter factorisation of Martyna, Tuckerman, Tobias,
//!   Klein (Mol. Phys. 87, 1117, 1996): the thermostat velocities updated from the end of the
//!   chain inwards, the particle momenta scaled once, then outwards again. Masses
//!   `Q_1 = N_f k_B T τ²`, `Q_j = k_B T τ²`.

use crate::stream;
use crate::types::Real;

/// Draw keys of the global stream: a thermostat's and a barostat's draws at one step never
/// share a key.
pub const CSVR_DRAWS: u64 = 0;
/// First draw key of the barostat.
pub const BAROSTAT_DRAWS: u64 = 1 << 32;

/// A standard normal from the global stream at `step`, draw pair `k`.
pub fn global_normal(seed: u64, step: u64, k: u64) -> Real {
    stream::normal(seed, stream::GLOBAL, step, k)
}

/// A Γ(`shape`, 1) deviate (`shape` ≥ 1) from the global stream at `step`, using draw keys
/// from `first` on (Marsaglia–Tsang: a normal and a uniform per try, ~1.03 tries).
pub fn gamma(shape: Real, seed: u64, step: u64, first: u64) -> Real {
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    let mut k = first;
    loop {
        let x = global_normal(seed, step, k);
        let u = stream::uniform(seed, stream::GLOBAL, step, 2 * k + 1 + (1 << 40));
        k += 1;
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        if u < 1.0 - 0.0331 * x.powi(4) || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
            return d * v;
        }
    }
}

/// CSVR's new kinetic energy for `k` (eV), target `k_bar` (eV), `nf` degrees of freedom,
/// `c = exp(−dt/τ)`, with the draws of `step`.
pub fn csvr_kinetic(k: Real, k_bar: Real, nf: Real, c: Real, seed: u64, step: u64) -> Real {
    let r1 = global_normal(seed, step, CSVR_DRAWS);
    let rest = if nf > 1.0 { 2.0 * gamma(0.5 * (nf - 1.0), seed, step, CSVR_DRAWS + 1) } else { 0.0 };
    k + (1.0 - c) * (k_bar * (rest + r1 * r1) / nf - k) + 2.0 * r1 * (k * k_bar / nf * (1.0 - c) * c).sqrt()
}

/// A Nosé–Hoover chain: positions `xi` and velocities `v` of its thermostats (1/fs).
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// Thermostat positions (dimensionless).
    pub xi: Vec<Real>,
    /// Thermostat velocities, 1/fs.
    pub v: Vec<Real>,
}

impl Chain {
    /// A chain of `m` thermostats at rest.
    pub fn new(m: usize) -> Chain {
        Chain { xi: vec![0.0; m], v: vec![0.0; m] }
    }

    /// The masses `Q_j` (eV fs²) for `nf` degrees of freedom at `kt` (eV) and `tau` (fs).
    fn masses(&self, nf: Real, kt: Real, tau: Real) -> Vec<Real> {
        (0..self.v.len()).map(|j| if j == 0 { nf } else { 1.0 } * kt * tau * tau).collect()
    }

    /// Half a step (`dt/2`) of the chain acting on kinetic energy `k` (eV): returns the factor
    /// every momentum is multiplied by.
    pub fn half_step(&mut self, k: Real, nf: Real, kt: Real, tau: Real, dt: Real) -> Real {
        let q = self.masses(nf, kt, tau);
        let m = self.v.len();
        let (d2, d4, d8) = (dt / 2.0, dt / 4.0, dt / 8.0);
        let force = |j: usize, v: &[Real], k: Real| if j == 0 { (2.0 * k - nf * kt) / q[0] } else { (q[j - 1] * v[j - 1] * v[j - 1] - kt) / q[j] };
        let mut k = k;
        self.v[m - 1] += d4 * force(m - 1, &self.v, k);
        for j in (0..m - 1).rev() {
            let e = (-d8 * self.v[j + 1]).exp();
            self.v[j] = (self.v[j] * e + d4 * force(j, &self.v, k)) * e;
        }
        let scale = (-d2 * self.v[0]).exp();
        k *= scale * scale;
        for j in 0..m {
            self.xi[j] += d2 * self.v[j];
        }
        for j in 0..m - 1 {
            let e = (-d8 * self.v[j + 1]).exp();
            self.v[j] = (self.v[j] * e + d4 * force(j, &self.v, k)) * e;
        }
        self.v[m - 1] += d4 * force(m - 1, &self.v, k);
        scale
    }

    /// The chain's energy, `Σ ½ Q_j v_j² + N_f k_B T ξ_1 + k_B T Σ_{j>1} ξ_j` (eV).
    pub fn energy(&self, nf: Real, kt: Real, tau: Real) -> Real {
        let q = self.masses(nf, kt, tau);
        let kinetic: Real = (0..self.v.len()).map(|j| 0.5 * q[j] * self.v[j] * self.v[j]).sum();
        let potential: Real = (0..self.xi.len()).map(|j| if j == 0 { nf } else { 1.0 } * kt * self.xi[j]).sum();
        kinetic + potential
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 20 000 Γ(a) deviates for a few shapes: the mean a and variance a have standard errors
    /// √(a/n) and ≈ a√(2/n)·√(1 + 3/a)/… ; five of them is far beyond chance, a wrong
    /// sampler (e.g. d = a instead of a − 1/3) misses by much more.
    #[test]
    fn gamma_deviates_have_the_right_mean_and_variance() {
        for a in [1.0, 2.5, 40.0, 1500.0] {
            let n = 20_000u64;
            let xs: Vec<Real> = (0..n).map(|s| gamma(a, 9, s, 0)).collect();
            let mean = xs.iter().sum::<Real>() / n as Real;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<Real>() / (n - 1) as Real;
            assert!((mean - a).abs() < 5.0 * (a / n as Real).sqrt(), "shape {a}: mean {mean}");
            // var of the sample variance of a gamma: (2a² + 6a)/n (fourth cumulant 6a)
            assert!((var - a).abs() < 5.0 * ((2.0 * a * a + 6.0 * a) / n as Real).sqrt(), "shape {a}: variance {var}");
        }
    }

    /// CSVR leaves the canonical distribution of K invariant: starting from K drawn from
    /// Γ(N_f/2, k_B T) and applying one step, the mean stays K̄ (standard error √(2/N_f)·K̄/√n).
    #[test]
    fn csvr_keeps_the_canonical_mean() {
        let (nf, kt, n) = (30.0, 0.025, 20_000u64);
        let k_bar = 0.5 * nf * kt;
        let c = (-0.1f64).exp();
        let mean = (0..n).map(|s| csvr_kinetic(gamma(0.5 * nf, 5, s, 1 << 20) * kt, k_bar, nf, c, 7, s)).sum::<Real>() / n as Real;
        assert!((mean - k_bar).abs() < 5.0 * k_bar * (2.0 / nf).sqrt() / (n as Real).sqrt(), "mean {mean} vs {k_bar}");
    }

    /// A chain at rest on a system at its target temperature leaves the momenta alone (its
    /// first thermostat stays at rest; the others start moving, being colder than k_B T);
    /// a system too hot is slowed (factor < 1) and the first velocity turns positive.
    #[test]
    fn a_chain_acts_only_off_target() {
        let (nf, kt, tau, dt) = (99.0, 0.025, 100.0, 1.0);
        let mut c = Chain::new(3);
        assert!((c.half_step(0.5 * nf * kt, nf, kt, tau, dt) - 1.0).abs() < 1e-15);
        assert!(c.v[0].abs() < 1e-15 && c.v[2] < 0.0, "{:?}", c.v);
        let s = c.half_step(nf * kt, nf, kt, tau, dt);
        assert!(s < 1.0 && c.v[0] > 0.0, "{s} {:?}", c.v);
        assert!(c.energy(nf, kt, tau) > 0.0);
    }
}
