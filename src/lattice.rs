//! Initial conditions: FCC lattice, Maxwell–Boltzmann momenta, random displacements (port of
//! `initAtoms.c`, spec §6). Every atom's random stream is seeded by its gid, so the initial
//! state is the same for any decomposition.

use crate::comm::Comm;
use crate::constants::KB_EV;
use crate::error::RunError;
use crate::rng::{gasdev, lcg61, mk_seed_replica, SEED_DISPLACEMENT, SEED_TEMPERATURE};
use crate::system::System;
use crate::timers::{Timer, Timers};
use crate::types::Real;

/// The four-atom FCC basis, in units of the lattice constant.
pub const FCC_BASIS: [[Real; 3]; 4] =
    [[0.25, 0.25, 0.25], [0.25, 0.75, 0.75], [0.75, 0.25, 0.75], [0.75, 0.75, 0.25]];

/// Places the atoms of an `n[0]`×`n[1]`×`n[2]` FCC crystal that fall in this rank's domain
/// (CoMD `createFccLattice`); gid = `ib + 4*(iz + nz*(iy + ny*ix))`.
pub fn create_fcc_lattice(sys: &mut System, n: [usize; 3], lat: Real) -> Result<(), RunError> {
    let (lo, hi) = (sys.domain.local_min, sys.domain.local_max);
    let begin: [i64; 3] = std::array::from_fn(|i| (lo[i] / lat).floor() as i64);
    let end: [i64; 3] = std::array::from_fn(|i| (hi[i] / lat).ceil() as i64);
    let (ny, nz) = (n[1] as i64, n[2] as i64);
    for ix in begin[0]..end[0] {
        for iy in begin[1]..end[1] {
            for iz in begin[2]..end[2] {
                for (ib, b) in FCC_BASIS.iter().enumerate() {
                    let r = [(ix as Real + b[0]) * lat, (iy as Real + b[1]) * lat, (iz as Real + b[2]) * lat];
                    if (0..3).any(|a| r[a] < lo[a] || r[a] >= hi[a]) {
                        continue;
                    }
                    let gid = ib as i64 + 4 * (iz + nz * (iy + ny * ix));
                    sys.cells.put_atom(&mut sys.atoms, gid as i32, 0, r, [0.0; 3])?;
                }
            }
        }
    }
    Ok(())
}

/// Sums over local atoms in CoMD's loop order (cell by cell, slot by slot), followed by an
/// all-reduce; or, when `exact` is false, an order-independent sum (see [`crate::fixed`]).
fn reduce(sys: &System, comm: &mut dyn Comm, timers: &mut Timers, exact: bool, f: impl Fn(usize) -> [Real; 4]) -> [Real; 4] {
    let mut v = [0.0; 4];
    if exact {
        for i in sys.local_slots() {
            let x = f(i);
            for k in 0..4 {
                v[k] += x[k];
            }
        }
        timers.time(Timer::CommReduce, |_| comm.sum_f64(&mut v));
    } else {
        let mut acc = [crate::fixed::FixedSum::default(); 4];
        for i in sys.local_slots() {
            let x = f(i);
            for k in 0..4 {
                acc[k].add(x[k]);
            }
        }
        timers.time(Timer::CommReduce, |_| crate::fixed::FixedSum::all_reduce(&mut acc, comm));
        v = acc.map(|a| a.value());
    }
    v
}

/// Draws Gaussian momenta for temperature `t`, removes the centre-of-mass motion and scales
/// to exactly `t` (CoMD `setTemperature`). `exact` selects CoMD's summation order.
pub fn set_temperature(sys: &mut System, t: Real, comm: &mut dyn Comm, timers: &mut Timers, exact: bool) {
    set_temperature_seeded(sys, t, comm, timers, exact, None);
}

/// [`set_temperature`] with a replica seed mixed into the momentum streams (`--seed`).
pub fn set_temperature_seeded(sys: &mut System, t: Real, comm: &mut dyn Comm, timers: &mut Timers, exact: bool, replica: Option<u64>) {
    let mass = sys.mass;
    let slots: Vec<usize> = sys.local_slots().collect();
    for &i in &slots {
        let sigma = (KB_EV * t / mass).sqrt();
        let mut seed = mk_seed_replica(sys.atoms.gid[i] as u32, SEED_TEMPERATURE, replica);
        for k in 0..3 {
            sys.atoms.p[i][k] = mass * sigma * gasdev(&mut seed);
        }
    }
    if t == 0.0 {
        return;
    }
    // remove centre-of-mass velocity (CoMD setVcm with vNew = 0)
    let sums = reduce(sys, comm, timers, exact, |i| {
        let p = sys.atoms.p[i];
        [p[0], p[1], p[2], mass]
    });
    let total_mass = sums[3];
    let vcm = [sums[0] / total_mass, sums[1] / total_mass, sums[2] / total_mass];
    let shift = vcm.map(|v| 0.0 - v);
    for &i in &slots {
        for k in 0..3 {
            sys.atoms.p[i][k] += mass * shift[k];
        }
    }
    // rescale to the requested temperature
    let half_inv_mass = 0.5 / mass;
    let ek = reduce(sys, comm, timers, exact, |i| {
        let p = sys.atoms.p[i];
        [(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) * half_inv_mass, 0.0, 0.0, 0.0]
    })[0];
    let temp = (ek / sys.n_global as Real) / KB_EV / 1.5;
    let scale = (t / temp).sqrt();
    for &i in &slots {
        for k in 0..3 {
            sys.atoms.p[i][k] *= scale;
        }
    }
}

/// Displaces every atom by up to `delta` per axis, uniformly (CoMD `randomDisplacements`).
pub fn random_displacements(sys: &mut System, delta: Real) {
    random_displacements_seeded(sys, delta, None);
}

/// [`random_displacements`] with a replica seed mixed into the streams (`--seed`).
pub fn random_displacements_seeded(sys: &mut System, delta: Real, replica: Option<u64>) {
    let slots: Vec<usize> = sys.local_slots().collect();
    for i in slots {
        let mut seed = mk_seed_replica(sys.atoms.gid[i] as u32, SEED_DISPLACEMENT, replica);
        for k in 0..3 {
            sys.atoms.r[i][k] += (2.0 * lcg61(&mut seed) - 1.0) * delta;
        }
    }
}
