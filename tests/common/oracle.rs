//! An O(N²) minimum-image force oracle, independent of link cells and halos: every pair of
//! atoms once, with the periodic image nearest in each axis.

use comd::potential::eam::EamTables;
use comd::potential::lj::LennardJones;

/// Minimum-image displacement `a - b` in a periodic box of size `l`.
pub fn min_image(a: [f64; 3], b: [f64; 3], l: [f64; 3]) -> [f64; 3] {
    std::array::from_fn(|k| {
        let mut d = a[k] - b[k];
        d -= l[k] * (d / l[k]).round();
        d
    })
}

/// LJ forces and total energy (eV).
pub fn lj(pos: &[[f64; 3]], l: [f64; 3], lj: &LennardJones) -> (Vec<[f64; 3]>, f64) {
    let (s6, rc2, shift) = lj.constants();
    let mut f = vec![[0.0; 3]; pos.len()];
    let mut e = 0.0;
    for i in 0..pos.len() {
        for j in i + 1..pos.len() {
            let d = min_image(pos[i], pos[j], l);
            let r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            if r2 > rc2 {
                continue;
            }
            let (eij, fr) = lj.pair(r2, s6, shift);
            e += 4.0 * lj.epsilon * eij;
            for k in 0..3 {
                f[i][k] -= d[k] * fr;
                f[j][k] += d[k] * fr;
            }
        }
    }
    (f, e)
}

/// EAM forces and total energy (eV).
pub fn eam(pos: &[[f64; 3]], l: [f64; 3], t: &EamTables) -> (Vec<[f64; 3]>, f64) {
    let n = pos.len();
    let rc2 = t.cutoff * t.cutoff;
    let mut pairs = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let d = min_image(pos[i], pos[j], l);
            let r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            if r2 < rc2 {
                pairs.push((i, j, d, r2.sqrt()));
            }
        }
    }
    let mut rho = vec![0.0; n];
    let mut f = vec![[0.0; 3]; n];
    let mut e = 0.0;
    for &(i, j, d, r) in &pairs {
        let (phi, dphi) = t.phi.eval(r);
        let (rh, _) = t.rho.eval(r);
        rho[i] += rh;
        rho[j] += rh;
        e += phi;
        for k in 0..3 {
            f[i][k] -= dphi * d[k] / r;
            f[j][k] += dphi * d[k] / r;
        }
    }
    let mut df = vec![0.0; n];
    for i in 0..n {
        let (fe, dfe) = t.embed.eval(rho[i]);
        e += fe;
        df[i] = dfe;
    }
    for &(i, j, d, r) in &pairs {
        let (_, drho) = t.rho.eval(r);
        for k in 0..3 {
            f[i][k] -= (df[i] + df[j]) * drho * d[k] / r;
            f[j][k] += (df[i] + df[j]) * drho * d[k] / r;
        }
    }
    (f, e)
}

/// Largest |f - g| over all atoms and components, and largest |g|.
pub fn max_deviation(f: &[[f64; 3]], g: &[[f64; 3]]) -> (f64, f64) {
    let mut dev: f64 = 0.0;
    let mut big: f64 = 0.0;
    for (a, b) in f.iter().zip(g) {
        for k in 0..3 {
            dev = dev.max((a[k] - b[k]).abs());
            big = big.max(b[k].abs());
        }
    }
    (dev, big)
}
