//! Initial conditions: FCC lattice sites with each atom's random draws — Maxwell–Boltzmann
//! momentum and displacement — and the thermalisation both engines apply to them (port of
//! `initAtoms.c`, spec §6).
//!
//! Every draw is seeded by the atom's gid (and `--seed`), so the initial state is the same
//! for any decomposition. This module knows no cells: [`create`] returns this rank's atoms
//! in CoMD's creation order; each engine stores them its own way, then removes the
//! centre-of-mass motion and rescales to the temperature with [`thermalize`], summing in its
//! own order (CoMD's cell order on the exact path, exact fixed-point sums on the default
//! path), and only then adds the displacements, as CoMD does.

use crate::constants::KB_EV;
use crate::rng::{gasdev, lcg61, mk_seed_replica, SEED_DISPLACEMENT, SEED_TEMPERATURE};
use crate::types::{Real, Real3};

/// The four-atom FCC basis, in units of the lattice constant.
pub const FCC_BASIS: [[Real; 3]; 4] =
    [[0.25, 0.25, 0.25], [0.25, 0.75, 0.75], [0.75, 0.25, 0.75], [0.75, 0.75, 0.25]];

/// One atom of the initial crystal with its random draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatticeAtom {
    /// Global id, `ib + 4*(iz + nz*(iy + ny*ix))`.
    pub gid: i32,
    /// The lattice site, Å.
    pub r: Real3,
    /// The drawn momentum, before thermalisation (internal units).
    pub p: Real3,
    /// The displacement to add after thermalisation, Å.
    pub dr: Real3,
    /// Periodic image counters (0 for the lattice; a structure's image flags).
    pub image: [i32; 3],
}

/// What the initial crystal is made of, as numbers.
#[derive(Debug, Clone, Copy)]
pub struct LatticeSpec {
    /// Unit cells per axis.
    pub n_cells: [usize; 3],
    /// Lattice constant, Å.
    pub lat: Real,
    /// Mass of the species, internal units.
    pub mass: Real,
    /// Temperature the momenta are drawn for, K.
    pub temp: Real,
    /// Largest displacement per axis, Å.
    pub delta: Real,
    /// Replica seed (`--seed`; `None`: CoMD's streams).
    pub seed: Option<u64>,
}

/// The atoms of an `n[0]`×`n[1]`×`n[2]` FCC crystal whose sites fall in `[lo, hi)`, in the
/// order CoMD creates them (`createFccLattice`), each with its draws.
pub fn create(spec: &LatticeSpec, lo: Real3, hi: Real3) -> Vec<LatticeAtom> {
    let (n, lat) = (spec.n_cells, spec.lat);
    let begin: [i64; 3] = std::array::from_fn(|i| (lo[i] / lat).floor() as i64);
    let end: [i64; 3] = std::array::from_fn(|i| (hi[i] / lat).ceil() as i64);
    let (ny, nz) = (n[1] as i64, n[2] as i64);
    let mut atoms = Vec::new();
    for ix in begin[0]..end[0] {
        for iy in begin[1]..end[1] {
            for iz in begin[2]..end[2] {
                for (ib, b) in FCC_BASIS.iter().enumerate() {
                    let r = [(ix as Real + b[0]) * lat, (iy as Real + b[1]) * lat, (iz as Real + b[2]) * lat];
                    if (0..3).any(|a| r[a] < lo[a] || r[a] >= hi[a]) {
                        continue;
                    }
                    let gid = (ib as i64 + 4 * (iz + nz * (iy + ny * ix))) as i32;
                    let p = draw_momentum(gid, spec.mass, spec.temp, spec.seed);
                    let dr = draw_displacement(gid, spec.delta, spec.seed);
                    atoms.push(LatticeAtom { gid, r, p, dr, image: [0; 3] });
                }
            }
        }
    }
    atoms
}

/// A Gaussian momentum for temperature `t` (CoMD `setTemperature`'s draw): three `gasdev`
/// numbers of the atom's own stream, times `m·σ`, `σ = √(k_B t / m)`.
pub fn draw_momentum(gid: i32, mass: Real, t: Real, replica: Option<u64>) -> Real3 {
    let sigma = (KB_EV * t / mass).sqrt();
    let mut seed = mk_seed_replica(gid as u32, SEED_TEMPERATURE, replica);
    std::array::from_fn(|_| mass * sigma * gasdev(&mut seed))
}

/// A uniform displacement of up to `delta` per axis (CoMD `randomDisplacements`' draw).
pub fn draw_displacement(gid: i32, delta: Real, replica: Option<u64>) -> Real3 {
    let mut seed = mk_seed_replica(gid as u32, SEED_DISPLACEMENT, replica);
    std::array::from_fn(|_| (2.0 * lcg61(&mut seed) - 1.0) * delta)
}

/// Removes the centre-of-mass velocity of momenta `p` and scales them to exactly `t`
/// (CoMD `setVcm` with zero, then the rescaling of `setTemperature`); nothing happens at
/// `t = 0`. `reduce` returns the global sum of the 4-vectors it is given, in the engine's
/// order; `n_global` is the number of atoms on all ranks.
pub fn thermalize(p: &mut [Real3], mass: Real, t: Real, n_global: i64, reduce: &mut dyn FnMut(&mut dyn Iterator<Item = [Real; 4]>) -> [Real; 4]) {
    if t == 0.0 {
        return;
    }
    let sums = reduce(&mut p.iter().map(|p| [p[0], p[1], p[2], mass]));
    let total_mass = sums[3];
    let vcm = [sums[0] / total_mass, sums[1] / total_mass, sums[2] / total_mass];
    let shift = vcm.map(|v| 0.0 - v);
    for p in p.iter_mut() {
        for k in 0..3 {
            p[k] += mass * shift[k];
        }
    }
    let half_inv_mass = 0.5 / mass;
    let ek = reduce(&mut p.iter().map(|p| [(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) * half_inv_mass, 0.0, 0.0, 0.0]))[0];
    let temp = (ek / n_global as Real) / KB_EV / 1.5;
    let scale = (t / temp).sqrt();
    for p in p.iter_mut() {
        for k in 0..3 {
            p[k] *= scale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thermalize_zeroes_the_drift_and_hits_the_temperature() {
        let spec = LatticeSpec { n_cells: [3, 3, 3], lat: 3.615, mass: 1.0, temp: 600.0, delta: 0.0, seed: None };
        let atoms = create(&spec, [0.0; 3], [3.0 * 3.615; 3]);
        assert_eq!(atoms.len(), 108);
        let mut p: Vec<Real3> = atoms.iter().map(|a| a.p).collect();
        let mut sum = |it: &mut dyn Iterator<Item = [Real; 4]>| it.fold([0.0; 4], |a, x| std::array::from_fn(|k| a[k] + x[k]));
        thermalize(&mut p, 1.0, 600.0, 108, &mut sum);
        let total: [Real; 4] = sum(&mut p.iter().map(|p| [p[0], p[1], p[2], 0.5 * (p[0] * p[0] + p[1] * p[1] + p[2] * p[2])]));
        assert!(total[..3].iter().all(|v| v.abs() < 1e-12), "{total:?}");
        let t = total[3] / 108.0 / KB_EV / 1.5;
        assert!((t - 600.0).abs() < 1e-9, "{t}");
    }

    #[test]
    fn draws_depend_on_the_gid_and_the_seed_only() {
        assert_eq!(draw_momentum(7, 2.0, 300.0, None), draw_momentum(7, 2.0, 300.0, None));
        assert_ne!(draw_momentum(7, 2.0, 300.0, None), draw_momentum(8, 2.0, 300.0, None));
        assert_ne!(draw_displacement(7, 0.1, None), draw_displacement(7, 0.1, Some(1)));
        assert!(draw_displacement(3, 0.1, None).iter().all(|d| d.abs() <= 0.1));
    }
}
