//! The interpolation table: CoMD's `InterpolationObject` and `interpolate` (spec §4.2).
//!
//! # Why the arithmetic is copied operation for operation
//!
//! comd-rs is checked against CoMD 1.1 bit for bit (spec §13): energies, forces and whole
//! trajectories. Every EAM pair term goes through this function, so a single rounding
//! difference here would show up in the last digits of every printed energy and, after a few
//! hundred steps, in the trajectory itself. [`InterpolationTable::eval`] therefore performs
//! exactly CoMD's floating-point operations, in CoMD's order:
//!
//! ```text
//! if r < x0 { r = x0 }
//! s  = (r - x0) * inv_dx            // inv_dx = 1.0 / dx, computed once
//! ii = floor(s);  p = s - floor(s)
//! g1 = t[ii+1] - t[ii-1]
//! g2 = t[ii+2] - t[ii]
//! f  = t[ii] + (0.5*p) * (g1 + p*((t[ii+1] + t[ii-1]) - 2.0*t[ii]))
//! df = (0.5*(g1 + p*(g2 - g1))) * inv_dx
//! ```
//!
//! with `t[-1] = t[0]` and `t[n] = t[n+1] = t[n-1]` (the padding CoMD's
//! `initInterpolationObject` adds). Rust never contracts `a*b + c` into a fused multiply-add
//! on its own, and this module never calls `mul_add`, so the roundings are the ones of the
//! C code compiled without `-ffp-contract=fast` (the reference build, gcc `-O3` on x86-64).
//!
//! # What is different: the end of the table and non-finite arguments
//!
//! CoMD's version is only defined for `s < n` (`s` the argument in grid units). At `s >= n`
//! it reads `t[n+2]`, one element past its allocation, and for `s > n + 1` its clamp branch
//! sets `r = n / invDx` — a *distance*, not an index — so the result is garbage (spec §16
//! item 4). A NaN argument makes `(int)floor(NaN)` undefined behaviour.
//!
//! Here, for `s >= n` (including `+inf`), `eval` returns `(t[n-1], 0.0)`: the table's last
//! value and a zero slope. That is the limit of CoMD's own formula on the last interval
//! (`n-1 <= s < n`, where the padding makes `g2 = 0` and `f → t[n-1]`, `df → 0` as `s → n`),
//! so `f` and `df` stay finite and continuous at the end. It matters little in practice:
//! the pair tables `phi(r)` and `rho(r)` are only evaluated for `r <= cutoff <= n*dr` (the
//! readers check that), and the embedding table `F(rhobar)` only runs past its end under
//! extreme compression, where a constant `F` (no embedding force) is a sane, visible
//! saturation instead of memory corruption. Arguments below `x0` (including `-inf`) are
//! clamped to `x0` exactly as in CoMD. A NaN argument returns `(NaN, NaN)`, so a NaN that
//! reached the force loop stays visible in the energies instead of being hidden or indexing
//! out of bounds.

use crate::types::Real;

/// Fewest points a table may have. CoMD's `phi[0] = phi[1] + (phi[1] - phi[2])` needs three,
/// and a table with fewer than four points cannot represent a curve and its slope; the file
/// readers reject smaller counts.
pub const MIN_TABLE_POINTS: usize = 4;

/// Why an [`InterpolationTable`] could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    /// Fewer than [`MIN_TABLE_POINTS`] values.
    #[error("an interpolation table needs at least {MIN_TABLE_POINTS} points, got {0}")]
    TooFewPoints(usize),
    /// The spacing is not finite and positive, or its inverse overflows.
    #[error("table spacing must be finite and positive (with a finite inverse), got {0:e}")]
    BadSpacing(Real),
    /// The origin is not finite.
    #[error("table origin x0 must be finite, got {0}")]
    BadOrigin(Real),
    /// A value is NaN or infinite.
    #[error("table value {index} is {value}, not a finite number")]
    NonFinite {
        /// Index of the offending value.
        index: usize,
        /// The value itself.
        value: Real,
    },
    /// A value is so large that the interpolation would overflow (differences of values,
    /// divided by the spacing).
    #[error("table value {index} is {value:e}: too large to interpolate with spacing {dx:e} (|value| must be at most {limit:e})")]
    TooLarge {
        /// Index of the offending value.
        index: usize,
        /// The value itself.
        value: Real,
        /// The grid spacing.
        dx: Real,
        /// The largest magnitude allowed with that spacing.
        limit: Real,
    },
}

/// The largest value magnitude a table of spacing `dx` (inverse `inv_dx`) can interpolate:
/// the scheme's intermediate terms reach 6× the largest value, and the slope divides them by
/// `dx`; a factor 8 keeps every one finite.
fn value_limit(inv_dx: Real) -> Real {
    Real::MAX / (8.0 * inv_dx.max(1.0))
}

/// A function tabulated on the uniform grid `x0 + i*dx`, `i = 0..n-1`, evaluated with
/// CoMD's quadratic value / 4-point-slope scheme (see the module documentation).
///
/// Invariants (checked by [`InterpolationTable::new`]): `n >= MIN_TABLE_POINTS`, `x0` finite,
/// `dx` finite and positive with a finite inverse, every value finite and small enough that
/// the interpolation cannot overflow.
#[derive(Debug, Clone, PartialEq)]
pub struct InterpolationTable {
    x0: Real,
    dx: Real,
    inv_dx: Real,
    /// `n + 3` entries: `padded[k]` is CoMD's `t[k-1]`, so `padded[0] = t[-1] = t[0]` and
    /// `padded[n+1] = padded[n+2] = t[n-1]`.
    padded: Vec<Real>,
}

impl InterpolationTable {
    /// Builds a table from its origin `x0`, spacing `dx` and the `n` tabulated values
    /// (CoMD `initInterpolationObject(n, x0, dx, data)`). `1.0/dx` is computed here once, as
    /// CoMD does.
    pub fn new(x0: Real, dx: Real, values: &[Real]) -> Result<Self, TableError> {
        let n = values.len();
        if n < MIN_TABLE_POINTS {
            return Err(TableError::TooFewPoints(n));
        }
        let inv_dx = 1.0 / dx;
        if !(dx.is_finite() && dx > 0.0 && inv_dx.is_finite()) {
            return Err(TableError::BadSpacing(dx));
        }
        if !x0.is_finite() {
            return Err(TableError::BadOrigin(x0));
        }
        if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(TableError::NonFinite { index, value });
        }
        let limit = value_limit(inv_dx);
        if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| v.abs() > limit) {
            return Err(TableError::TooLarge { index, value, dx, limit });
        }
        let mut padded = Vec::with_capacity(n + 3);
        padded.push(values[0]);
        padded.extend_from_slice(values);
        padded.push(values[n - 1]);
        padded.push(values[n - 1]);
        Ok(Self {
            x0,
            dx,
            inv_dx,
            padded,
        })
    }

    /// Number of tabulated values `n`.
    pub fn len(&self) -> usize {
        self.padded.len() - 3
    }

    /// Always `false`: a table has at least [`MIN_TABLE_POINTS`] values.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Origin of the grid (0.0 for every EAM table).
    pub fn x0(&self) -> Real {
        self.x0
    }

    /// Grid spacing as given to [`InterpolationTable::new`].
    pub fn dx(&self) -> Real {
        self.dx
    }

    /// `1.0 / dx`, the factor CoMD stores and uses.
    pub fn inv_dx(&self) -> Real {
        self.inv_dx
    }

    /// The padded table (`padded[k]` is CoMD's `t[k-1]`), for vectorised evaluation.
    pub fn padded(&self) -> &[Real] {
        &self.padded
    }

    /// Number of table points `n` (arguments at or past `x0 + n·dx` take the end branch).
    pub fn points(&self) -> usize {
        self.len()
    }

    /// The `n` tabulated values (without CoMD's padding).
    pub fn values(&self) -> &[Real] {
        &self.padded[1..self.padded.len() - 2]
    }

    /// End of the range where CoMD's formula is used: `x0 + n*dx` (approximately; the exact
    /// test is `(r - x0) * inv_dx < n`). Past it `eval` returns the last value, slope 0.
    pub fn x_end(&self) -> Real {
        self.x0 + self.len() as Real * self.dx
    }

    /// Interpolated value `f(r)` and derivative `df/dr` (CoMD `interpolate`).
    ///
    /// Bit-identical to CoMD for every `r` with `(max(r, x0) - x0) * inv_dx < n`. Otherwise:
    /// `r` past the end (including `+inf`) gives `(t[n-1], 0.0)`, `r < x0` (including `-inf`)
    /// is clamped to `x0`, and NaN gives `(NaN, NaN)`. Never panics.
    #[inline]
    pub fn eval(&self, r: Real) -> (Real, Real) {
        if r.is_nan() {
            return (Real::NAN, Real::NAN);
        }
        let r = if r < self.x0 { self.x0 } else { r };
        let s = (r - self.x0) * self.inv_dx;
        let n = self.len();
        // `s` is >= 0 or -0.0 here, never NaN (`r - x0` is finite or +inf, `inv_dx` finite
        // and positive).
        if s >= n as Real {
            return (self.padded[n], 0.0);
        }
        let fl = s.floor();
        // 0 <= fl <= n-1, so the cast is exact and the indices below stay in bounds.
        let ii = fl as usize;
        let p = s - fl;
        // padded[k + 1] == CoMD t[k]
        let t = &self.padded[ii..ii + 4];
        let (tm1, t0, t1, t2) = (t[0], t[1], t[2], t[3]);
        let g1 = t1 - tm1;
        let g2 = t2 - t0;
        let f = t0 + (0.5 * p) * (g1 + p * ((t1 + tm1) - 2.0 * t0));
        let df = (0.5 * (g1 + p * (g2 - g1))) * self.inv_dx;
        (f, df)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> InterpolationTable {
        let v: Vec<Real> = (0..10)
            .map(|i| (i as Real * 0.37).sin() * 3.0 + 1.0)
            .collect();
        InterpolationTable::new(0.0, 0.25, &v).unwrap()
    }

    #[test]
    fn padding_and_accessors() {
        let t = table();
        assert_eq!(t.len(), 10);
        assert_eq!(t.values().len(), 10);
        assert_eq!(t.padded[0], t.padded[1]);
        assert_eq!(t.padded[11], t.padded[10]);
        assert_eq!(t.padded[12], t.padded[10]);
        assert_eq!(t.inv_dx(), 4.0);
        assert_eq!(t.x_end(), 2.5);
    }

    #[test]
    fn reproduces_grid_values_and_clamps_below() {
        let t = table();
        for (i, &v) in t.values().iter().enumerate() {
            assert_eq!(t.eval(i as Real * 0.25).0, v);
        }
        assert_eq!(t.eval(-1.0), t.eval(0.0));
        assert_eq!(t.eval(Real::NEG_INFINITY), t.eval(0.0));
        assert_eq!(t.eval(-0.0), t.eval(0.0));
    }

    #[test]
    fn past_the_end_is_constant_and_continuous() {
        let t = table();
        let last = *t.values().last().unwrap();
        for r in [
            2.5,
            2.5000001,
            2.75,
            3.0,
            100.0,
            1e300,
            Real::MAX,
            Real::INFINITY,
        ] {
            assert_eq!(t.eval(r), (last, 0.0), "r = {r}");
        }
        // Approaching the end from inside: f -> last value, df -> 0.
        let (f, df) = t.eval(2.5 - 1e-12);
        assert!((f - last).abs() < 1e-9 && df.abs() < 1e-9, "{f} {df}");
    }

    #[test]
    fn nan_propagates_without_panicking() {
        let (f, df) = table().eval(Real::NAN);
        assert!(f.is_nan() && df.is_nan());
    }

    #[test]
    fn never_panics_on_special_arguments() {
        let t = table();
        let specials = [
            0.0,
            -0.0,
            Real::MIN_POSITIVE,
            5e-324,
            -5e-324,
            2.4999999999999996,
            2.5,
            Real::EPSILON,
            1e-300,
            -1e300,
            Real::MIN,
            Real::MAX,
            Real::INFINITY,
            Real::NEG_INFINITY,
            Real::NAN,
        ];
        for r in specials {
            let (f, df) = t.eval(r);
            if !r.is_nan() {
                assert!(f.is_finite() && df.is_finite(), "r = {r}: {f} {df}");
            }
        }
        // A table with a non-zero origin and a spacing that makes s land just below n.
        let u = InterpolationTable::new(-3.0, 0.1, &[1.0, 2.0, 4.0, 8.0, 16.0]).unwrap();
        for r in [-3.0, -2.5, -2.5000000000000004, -2.4999999999999996, 1e-320] {
            assert!(u.eval(r).0.is_finite());
        }
    }

    #[test]
    fn rejects_bad_construction() {
        assert_eq!(
            InterpolationTable::new(0.0, 1.0, &[1.0; 3]),
            Err(TableError::TooFewPoints(3))
        );
        for dx in [0.0, -1.0, Real::NAN, Real::INFINITY, 1e-320] {
            assert!(matches!(
                InterpolationTable::new(0.0, dx, &[1.0; 4]),
                Err(TableError::BadSpacing(_))
            ));
        }
        assert!(matches!(
            InterpolationTable::new(Real::NAN, 1.0, &[1.0; 4]),
            Err(TableError::BadOrigin(_))
        ));
        assert_eq!(
            InterpolationTable::new(0.0, 1.0, &[1.0, 2.0, Real::INFINITY, 3.0]),
            Err(TableError::NonFinite {
                index: 2,
                value: Real::INFINITY
            })
        );
        // a value whose differences over a spacing of 5e-4 overflow (found by the fuzzer)
        let big = InterpolationTable::new(0.0, 5e-4, &[1e308, 0.0, 1.0, 2.0]);
        assert!(matches!(big, Err(TableError::TooLarge { index: 0, .. })), "{big:?}");
        // just under the limit, every evaluation stays finite
        let limit = value_limit(1.0 / 5e-4);
        let t = InterpolationTable::new(0.0, 5e-4, &[limit, -limit, limit, -limit, limit]).unwrap();
        for k in 0..=40 {
            let (f, df) = t.eval(k as Real * 5e-5);
            assert!(f.is_finite() && df.is_finite(), "{f} {df}");
        }
        let c = crate::engine::fast::coefs::CoefTable::new(&t);
        for k in 0..=40 {
            let (f, df) = c.eval(k as Real * 5e-5);
            assert!(f.is_finite() && df.is_finite(), "coefficients: {f} {df}");
        }
    }
}
