//! Counter-based random numbers for the thermostats: a number is a pure function of
//! (seed, gid, step, draw), never of a generator's history.
//!
//! Why: a thermostat's noise must be the same bits whichever thread or rank owns an atom,
//! and after a restart. A sequential generator would tie the numbers to the order atoms are
//! visited; a keyed hash does not, so per-atom noise is keyed by the atom's global id and
//! the absolute step, and global draws (CSVR's) use a reserved key every rank replays alike.
//! The hash is SplitMix64's finaliser (Steele, Lea, Flood 2014) applied to the key words in
//! turn: each 64-bit word is mixed into the state and the state scrambled, which passes
//! BigCrush as a counter-based generator for distinct counters.

/// The `gid` of the global stream (no atom has a negative id).
pub const GLOBAL: i64 = -1;

/// SplitMix64's finaliser: a bijection of u64 with full avalanche.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// Mixes one key word into the state.
fn absorb(s: u64, w: u64) -> u64 {
    mix(s ^ w.wrapping_add(GOLDEN).wrapping_mul(0xD6E8_FEB8_6659_FD93))
}

/// The draws of one (seed, gid, step): the key's prefix hashed once, each draw one more mix.
#[derive(Debug, Clone, Copy)]
pub struct Key(u64);

impl Key {
    /// The key (seed, gid, step).
    pub fn new(seed: u64, gid: i64, step: u64) -> Key {
        Key(absorb(absorb(mix(seed.wrapping_add(GOLDEN)), gid as u64), step))
    }

    /// 64 random bits of draw `draw` (the same as [`bits`]).
    pub fn bits(self, draw: u64) -> u64 {
        absorb(self.0, draw)
    }

    /// A uniform number in (0, 1) (the same as [`uniform`]).
    pub fn uniform(self, draw: u64) -> f64 {
        ((self.bits(draw) >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Two independent standard normals, Box–Muller on draws `2k` and `2k + 1`: the cosine
    /// branch (the same as [`normal`]) and the sine branch.
    pub fn normals(self, k: u64) -> (f64, f64) {
        let r = (-2.0 * self.uniform(2 * k).ln()).sqrt();
        let (s, c) = (std::f64::consts::TAU * self.uniform(2 * k + 1)).sin_cos();
        (r * c, r * s)
    }
}

/// 64 random bits for the key (seed, gid, step, draw).
pub fn bits(seed: u64, gid: i64, step: u64, draw: u64) -> u64 {
    Key::new(seed, gid, step).bits(draw)
}

/// A uniform number in (0, 1) (53 random bits, never 0).
pub fn uniform(seed: u64, gid: i64, step: u64, draw: u64) -> f64 {
    ((bits(seed, gid, step, draw) >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal deviate: Box–Muller on draws `2k` and `2k + 1` (cosine branch).
pub fn normal(seed: u64, gid: i64, step: u64, k: u64) -> f64 {
    let u1 = uniform(seed, gid, step, 2 * k);
    let u2 = uniform(seed, gid, step, 2 * k + 1);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gives_the_draws_of_the_functions() {
        let k = Key::new(3, 77, 1000);
        assert_eq!(k.bits(5), bits(3, 77, 1000, 5));
        assert_eq!(k.uniform(2), uniform(3, 77, 1000, 2));
        assert_eq!(k.normals(1).0, normal(3, 77, 1000, 1));
    }

    /// The sine branch is a normal too, uncorrelated with the cosine branch (200 000 pairs:
    /// standard error of the correlation 1/√n ≈ 0.0022).
    #[test]
    fn the_sine_branch_is_an_independent_normal() {
        let n = 200_000u64;
        let pairs: Vec<(f64, f64)> = (0..n).map(|i| Key::new(1, i as i64, 0).normals(0)).collect();
        let var = pairs.iter().map(|p| p.1 * p.1).sum::<f64>() / n as f64;
        let corr = pairs.iter().map(|p| p.0 * p.1).sum::<f64>() / n as f64;
        assert!((var - 1.0).abs() < 5.0 * (2.0 / n as f64).sqrt(), "variance {var}");
        assert!(corr.abs() < 5.0 / (n as f64).sqrt(), "correlation {corr}");
    }

    #[test]
    fn a_draw_is_a_function_of_its_key_only() {
        assert_eq!(bits(7, 12, 3, 0), bits(7, 12, 3, 0));
        let keys = [(7, 12, 3, 0), (8, 12, 3, 0), (7, 13, 3, 0), (7, 12, 4, 0), (7, 12, 3, 1), (7, GLOBAL, 3, 0)];
        let v: Vec<u64> = keys.iter().map(|&(s, g, t, d)| bits(s, g, t, d)).collect();
        for i in 0..v.len() {
            for j in 0..i {
                assert_ne!(v[i], v[j], "keys {:?} and {:?} collide", keys[i], keys[j]);
            }
        }
    }

    /// 200 000 normals over gids and steps: the mean has standard error 1/√n ≈ 0.0022 and
    /// the variance ≈ √(2/n) ≈ 0.0032; 5 standard errors cannot be missed by chance
    /// (p < 1e-6) but a biased or correlated stream would miss them.
    #[test]
    fn normals_have_mean_zero_and_unit_variance() {
        let n = 200_000u64;
        let xs: Vec<f64> = (0..n).map(|i| normal(42, (i % 1000) as i64, i / 1000, 0)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        assert!(mean.abs() < 5.0 / (n as f64).sqrt(), "mean {mean}");
        assert!((var - 1.0).abs() < 5.0 * (2.0 / n as f64).sqrt(), "variance {var}");
        let lag = xs.windows(2).map(|w| (w[0] - mean) * (w[1] - mean)).sum::<f64>() / (n - 1) as f64 / var;
        assert!(lag.abs() < 5.0 / (n as f64).sqrt(), "lag-1 correlation {lag}");
    }
}
