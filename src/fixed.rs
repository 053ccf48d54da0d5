//! Exact, order-independent summation of floating-point numbers.
//!
//! A floating-point sum depends on the order of its terms. To make energies identical for
//! any number of threads and ranks, the default path converts each term to a 128-bit
//! fixed-point integer (2^-70 resolution, range ±2^56) and adds integers, which is exact and
//! associative. Across ranks the integer is split into three 42-bit limbs that are summed
//! as `i64` by the communicator and recombined, so the MPI sum is exact too.

use crate::comm::Comm;

const FRAC_BITS: i32 = 70;
const LIMIT: f64 = 72_057_594_037_927_936.0; // 2^56
const LIMB: u32 = 42;

/// An exact running sum. Non-finite or out-of-range terms poison it (its value is NaN).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixedSum {
    acc: i128,
    poisoned: bool,
}

impl FixedSum {
    /// Adds `x`, rounded to the nearest multiple of 2^-70.
    ///
    /// A value below 2^28 in magnitude (every per-atom energy) is split into its multiple of
    /// 2^-35 (truncated) and the rest, each converted with a 64-bit integer conversion — one
    /// instruction, where a 128-bit one is a library call. The split is exact (the rest is
    /// `x` minus a truncation of `x`, exactly representable; both parts have `x`'s sign), so
    /// the result is the same integer as `round(x · 2^70)`: the bits of every sum are those
    /// of the plain conversion.
    #[inline]
    pub fn add(&mut self, x: f64) {
        const HI: f64 = (1u64 << 35) as f64;
        const SPLIT: f64 = (1u64 << 28) as f64;
        if x.abs() < SPLIT {
            let hi = (x * HI).trunc();
            let lo = ((x - hi / HI) * HI * HI).round() as i64;
            self.acc = self.acc.wrapping_add((i128::from(hi as i64) << 35) + i128::from(lo));
            return;
        }
        if !x.is_finite() || x.abs() >= LIMIT {
            self.poisoned = true;
            return;
        }
        let scaled = (x * 2f64.powi(FRAC_BITS)).round() as i128;
        self.acc = self.acc.wrapping_add(scaled);
    }

    /// Adds another sum.
    pub fn merge(&mut self, other: &FixedSum) {
        self.acc = self.acc.wrapping_add(other.acc);
        self.poisoned |= other.poisoned;
    }

    /// The sum as the nearest double (NaN if poisoned).
    pub fn value(&self) -> f64 {
        if self.poisoned {
            f64::NAN
        } else {
            (self.acc as f64) * 2f64.powi(-FRAC_BITS)
        }
    }

    /// Sums every rank's accumulators element-wise, exactly; result on every rank.
    pub fn all_reduce(sums: &mut [FixedSum], comm: &mut dyn Comm) {
        if comm.size() == 1 {
            return;
        }
        let mask = (1i128 << LIMB) - 1;
        let mut limbs: Vec<i64> = Vec::with_capacity(sums.len() * 4);
        for s in sums.iter() {
            limbs.push((s.acc & mask) as i64);
            limbs.push(((s.acc >> LIMB) & mask) as i64);
            limbs.push((s.acc >> (2 * LIMB)) as i64);
            limbs.push(i64::from(s.poisoned));
        }
        comm.sum_i64(&mut limbs);
        for (s, l) in sums.iter_mut().zip(limbs.chunks_exact(4)) {
            s.acc = i128::from(l[0]) + (i128::from(l[1]) << LIMB) + (i128::from(l[2]) << (2 * LIMB));
            s.poisoned = l[3] != 0;
        }
    }
}

/// The exact sum over the ranks of each entry of `values` (on every rank): one value per
/// entry and rank, e.g. a rank's virial components.
pub fn global_sums<const N: usize>(values: [f64; N], comm: &mut dyn Comm) -> [f64; N] {
    let mut sums = values.map(|v| {
        let mut s = FixedSum::default();
        s.add(v);
        s
    });
    FixedSum::all_reduce(&mut sums, comm);
    sums.map(|s| s.value())
}

/// Exact sum of a sequence of doubles.
pub fn exact_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut s = FixedSum::default();
    for v in values {
        s.add(v);
    }
    s.value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn order_does_not_matter(mut v in proptest::collection::vec(-1.0e6f64..1.0e6, 1..200), seed in 0u64..1000) {
            let a = exact_sum(v.iter().copied());
            // a deterministic shuffle
            let n = v.len();
            for i in 0..n { v.swap(i, (seed as usize * 7919 + i * 104729) % n); }
            prop_assert_eq!(a.to_bits(), exact_sum(v.iter().copied()).to_bits());
            let naive: f64 = v.iter().sum();
            prop_assert!((a - naive).abs() <= 1e-6 * (1.0 + naive.abs()));
        }
    }

    proptest! {
        /// The split conversion of `add` gives the integer of the plain one, `round(x·2^70)`.
        #[test]
        fn the_split_conversion_is_the_plain_one(m in -1.0f64..1.0, e in -80i32..28) {
            let x = m * 2f64.powi(e);
            let mut s = FixedSum::default();
            s.add(x);
            prop_assert_eq!(s.acc, (x * 2f64.powi(FRAC_BITS)).round() as i128);
        }
    }

    #[test]
    fn the_split_conversion_rounds_halves_as_the_plain_one() {
        for x in [0.5 * 2f64.powi(-70), -1.5 * 2f64.powi(-70), 2f64.powi(-35) + 2.5 * 2f64.powi(-70), -(2f64.powi(27) + 0.5 * 2f64.powi(-35)), 0.0, -0.0] {
            let mut s = FixedSum::default();
            s.add(x);
            assert_eq!(s.acc, (x * 2f64.powi(FRAC_BITS)).round() as i128, "{x:e}");
        }
    }

    #[test]
    fn limbs_recombine_exactly() {
        let mut s = FixedSum::default();
        for x in [-3.538079224691, 1.0e10, -7.25e-3, 12345.678] {
            s.add(x);
        }
        let mask = (1i128 << LIMB) - 1;
        let l = [(s.acc & mask) as i64, ((s.acc >> LIMB) & mask) as i64, (s.acc >> (2 * LIMB)) as i64];
        let back = i128::from(l[0]) + (i128::from(l[1]) << LIMB) + (i128::from(l[2]) << (2 * LIMB));
        assert_eq!(back, s.acc);
        let mut bad = s;
        bad.add(f64::NAN);
        assert!(bad.value().is_nan());
    }
}
