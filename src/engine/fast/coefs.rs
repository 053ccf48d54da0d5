//! CoMD's table interpolation rearranged for the fast EAM kernels.
//!
//! CoMD evaluates a table at `s = (r − x0)/dx` from the four values around it
//! (`t[ii−1] … t[ii+2]`, see [`InterpolationTable`]). Four values at four unrelated indices
//! per argument means four gathers per 4-lane block, and gathers were a third of the EAM
//! force time (perf, AMD EPYC). The same polynomial can be written per interval:
//!
//! ```text
//! f  = c0 + p·(c1 + p·c2)          c0 = t[ii]           c1 = ½(t[ii+1] − t[ii−1])
//! df = (c1 + p·d1) / dx            c2 = ½(t[ii+1] + t[ii−1] − 2 t[ii])
//!                                  d1 = ½((t[ii+2] − t[ii]) − (t[ii+1] − t[ii−1]))
//! ```
//!
//! so one aligned 32-byte load per lane brings all an argument needs. The roundings differ
//! from CoMD's order of operations by an ulp or so: this is the default path, which agrees
//! with `--exact` to 1e-10, not to the bit. The portable, AVX2 and AVX-512 kernels all use this
//! form with the same operations per lane, so they agree with each other to the bit.

use crate::potential::eam::{EamTables, InterpolationTable};
use crate::types::Real;

/// The four coefficients of one interval, aligned so one 256-bit load takes them.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(32))]
pub struct Interval(pub [Real; 4]);

/// A table as per-interval coefficients (`n` intervals, one per tabulated point).
#[derive(Debug, Clone)]
pub struct CoefTable {
    x0: Real,
    inv_dx: Real,
    last: Real,
    iv: Vec<Interval>,
}

impl CoefTable {
    /// The coefficients of `t` (same grid, same end and clamping rules).
    pub fn new(t: &InterpolationTable) -> CoefTable {
        let p = t.padded(); // p[k + 1] is CoMD's t[k]
        let iv = (0..t.points())
            .map(|ii| {
                let (tm1, t0, t1, t2) = (p[ii], p[ii + 1], p[ii + 2], p[ii + 3]);
                let g1 = t1 - tm1;
                let g2 = t2 - t0;
                Interval([t0, 0.5 * g1, 0.5 * ((t1 + tm1) - 2.0 * t0), 0.5 * (g2 - g1)])
            })
            .collect();
        CoefTable { x0: t.x0(), inv_dx: t.inv_dx(), last: p[t.points()], iv }
    }

    /// Origin of the grid.
    #[inline(always)]
    pub fn x0(&self) -> Real {
        self.x0
    }

    /// `1/dx`.
    #[inline(always)]
    pub fn inv_dx(&self) -> Real {
        self.inv_dx
    }

    /// Number of intervals (arguments with `s ≥ n` take the end branch).
    #[inline(always)]
    pub fn points(&self) -> usize {
        self.iv.len()
    }

    /// The intervals.
    #[inline(always)]
    pub fn intervals(&self) -> &[Interval] {
        &self.iv
    }

    /// Value and derivative at `r`, with [`InterpolationTable::eval`]'s rules: `r < x0` is
    /// clamped, past the end gives `(t[n−1], 0)`, NaN gives NaN.
    #[inline(always)]
    pub fn eval(&self, r: Real) -> (Real, Real) {
        let r = if r < self.x0 { self.x0 } else { r };
        let s = (r - self.x0) * self.inv_dx;
        if s.is_nan() {
            return (Real::NAN, Real::NAN);
        }
        if s >= self.iv.len() as Real {
            return (self.last, 0.0);
        }
        let fl = s.floor();
        let p = s - fl;
        let c = &self.iv[fl as usize].0;
        (c[0] + p * (c[1] + p * c[2]), (c[1] + p * c[3]) * self.inv_dx)
    }
}

/// The pair tables of an EAM potential for the fast kernels.
#[derive(Debug, Clone)]
pub struct EamCoefs {
    /// Cutoff, Å.
    pub cutoff: Real,
    /// Pair energy φ(r).
    pub phi: CoefTable,
    /// Electron density ρ(r).
    pub rho: CoefTable,
    /// φ's and ρ's intervals side by side (one 64-byte line per interval), when both tables
    /// are on the same grid (so far every CoMD table): the force pass then computes the
    /// interval once and finds everything in one cache line. Private: its length is φ's
    /// number of intervals, which the kernels rely on.
    joint: Option<Vec<[Interval; 2]>>,
}

impl EamCoefs {
    /// From the tables of a potential.
    pub fn new(t: &EamTables) -> EamCoefs {
        let (phi, rho) = (CoefTable::new(&t.phi), CoefTable::new(&t.rho));
        let same_grid = phi.x0 == rho.x0 && phi.inv_dx == rho.inv_dx && phi.iv.len() == rho.iv.len();
        let joint = same_grid.then(|| phi.iv.iter().zip(&rho.iv).map(|(&a, &b)| [a, b]).collect());
        EamCoefs { cutoff: t.cutoff, phi, rho, joint }
    }

    /// φ's and ρ's intervals side by side, one entry per interval of [`EamCoefs::phi`], when
    /// the two tables share a grid.
    pub fn joint(&self) -> Option<&[[Interval; 2]]> {
        self.joint.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_comds_interpolation() {
        let v: Vec<Real> = (0..50).map(|i| (i as Real * 0.37).sin() * 3.0 + 1.0 + 0.01 * (i * i) as Real).collect();
        let t = InterpolationTable::new(0.5, 0.1, &v).unwrap();
        let c = CoefTable::new(&t);
        let mut r = -1.0;
        while r < 7.0 {
            let (a, b) = (t.eval(r), c.eval(r));
            assert!((a.0 - b.0).abs() <= 1e-14 * (1.0 + a.0.abs()), "r={r}: {a:?} {b:?}");
            assert!((a.1 - b.1).abs() <= 1e-12 * (1.0 + a.1.abs()), "r={r}: {a:?} {b:?}");
            r += 0.0137;
        }
        assert_eq!(c.eval(100.0), t.eval(100.0));
        assert_eq!(c.eval(Real::INFINITY), t.eval(Real::INFINITY));
        assert!(c.eval(Real::NAN).0.is_nan());
    }

    #[test]
    fn intervals_are_32_byte_aligned() {
        let t = InterpolationTable::new(0.0, 0.1, &[1.0, 2.0, 3.0, 5.0, 8.0]).unwrap();
        let c = CoefTable::new(&t);
        assert_eq!(c.intervals().as_ptr() as usize % 32, 0);
        assert_eq!(std::mem::size_of::<Interval>(), 32);
    }
}
