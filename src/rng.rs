//! CoMD's per-atom random numbers (port of `random.c`, spec §6.2).
//!
//! Every atom draws from its own stream seeded by its global id and a call site, so the
//! initial state does not depend on the decomposition or on the order atoms are visited.
//! All integer arithmetic wraps exactly as CoMD's unsigned C arithmetic does.

/// Modulus of the generator, 2^61 − 1.
const MODULUS: u64 = 2_305_843_009_213_693_951;
/// Multiplier of the generator.
const MULTIPLIER: u64 = 437_799_614_237_992_725;

/// Advances `seed` and returns a uniform number in [0, 1) (CoMD `lcg61`).
///
/// The product wraps modulo 2^64 *before* the reduction modulo 2^61 − 1 — that is what the
/// C code does, so it is what we do.
pub fn lcg61(seed: &mut u64) -> f64 {
    // (double)(2^61-1) rounds to 2^61, so the factor is exactly 2^-61.
    let convert_to_double = 1.0 / (MODULUS as f64);
    *seed = seed.wrapping_mul(MULTIPLIER);
    *seed %= MODULUS;
    (*seed as f64) * convert_to_double
}

/// Seed for atom `id` at call site `call_site` (CoMD `mkSeed`).
pub fn mk_seed(id: u32, call_site: u32) -> u64 {
    let s1 = id.wrapping_mul(2_654_435_761);
    let s2 = id.wrapping_add(call_site).wrapping_mul(2_654_435_761);
    let mut seed = 0x1_0000_0000_u64.wrapping_mul(u64::from(s1)).wrapping_add(u64::from(s2));
    for _ in 0..10 {
        lcg61(&mut seed);
    }
    seed
}

/// Seed for atom `id` at `call_site` in replica `replica` (`--seed`). Without a replica seed
/// this is exactly [`mk_seed`]; with one, the replica seed (through a SplitMix64 finaliser) is
/// added to the starting state before the generator is warmed up, so each replica draws
/// independent streams while staying independent of the decomposition.
pub fn mk_seed_replica(id: u32, call_site: u32, replica: Option<u64>) -> u64 {
    let Some(s) = replica else { return mk_seed(id, call_site) };
    let mut z = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let s1 = id.wrapping_mul(2_654_435_761);
    let s2 = id.wrapping_add(call_site).wrapping_mul(2_654_435_761);
    let mut seed = 0x1_0000_0000_u64.wrapping_mul(u64::from(s1)).wrapping_add(u64::from(s2)).wrapping_add(z);
    if seed % MODULUS == 0 {
        seed = 1; // the generator would be stuck at zero
    }
    for _ in 0..10 {
        lcg61(&mut seed);
    }
    seed
}

/// A standard normal deviate (polar Box–Muller, returning CoMD's `v2` branch; CoMD `gasdev`).
pub fn gasdev(seed: &mut u64) -> f64 {
    let (v2, rsq) = loop {
        let v1 = 2.0 * lcg61(seed) - 1.0;
        let v2 = 2.0 * lcg61(seed) - 1.0;
        let rsq = v1 * v1 + v2 * v2;
        if !(rsq >= 1.0 || rsq == 0.0) {
            break (v2, rsq);
        }
    };
    v2 * (-2.0 * rsq.ln() / rsq).sqrt()
}

/// Call site used by `setTemperature` for momenta.
pub const SEED_TEMPERATURE: u32 = 123;
/// Call site used by `randomDisplacements`.
pub const SEED_DISPLACEMENT: u32 = 457;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_match_spec_vectors() {
        assert_eq!(mk_seed(0, 123), 1103414455622051845);
        assert_eq!(mk_seed(1, 123), 1090393379563234445);
        assert_eq!(mk_seed(0, 457), 1603389933693415303);
        assert_eq!(mk_seed(31999, 457), 1254592148569183829);
    }

    #[test]
    fn gasdev_matches_spec_vectors() {
        let mut s = mk_seed(0, 123);
        assert_eq!(gasdev(&mut s), -1.2132348220024591);
        assert_eq!(gasdev(&mut s), -1.823595737906836);
        assert_eq!(gasdev(&mut s), 1.4557683121977392);
    }

    #[test]
    fn lcg61_matches_spec_vectors() {
        let mut s = mk_seed(0, 457);
        assert_eq!(lcg61(&mut s), 0.919719216662762);
        assert_eq!(lcg61(&mut s), 0.8242034553492396);
        assert_eq!(lcg61(&mut s), 0.7183404529436296);
    }
}
