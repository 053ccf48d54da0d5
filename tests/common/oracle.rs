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

/// Forces (eV/Å), total energy (eV) and virial tensor `Σ_pairs d_a f_b` (eV, Voigt order
/// `xx yy zz yz xz xy`).
pub type Result = (Vec<[f64; 3]>, f64, [f64; 6]);

/// The Voigt components' axis pairs.
const VOIGT: [(usize, usize); 6] = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)];

/// Adds the pair `d` with force `s · d` on its first atom to the virial `w`.
fn add_pair(w: &mut [f64; 6], d: [f64; 3], s: f64) {
    for (w, (a, b)) in w.iter_mut().zip(VOIGT) {
        *w += s * d[a] * d[b];
    }
}

/// LJ forces, total energy and virial.
pub fn lj(pos: &[[f64; 3]], l: [f64; 3], lj: &LennardJones) -> Result {
    let (s6, rc2, shift) = lj.constants();
    let mut f = vec![[0.0; 3]; pos.len()];
    let (mut e, mut w) = (0.0, [0.0; 6]);
    for i in 0..pos.len() {
        for j in i + 1..pos.len() {
            let d = min_image(pos[i], pos[j], l);
            let r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            if r2 > rc2 {
                continue;
            }
            let (eij, fr) = lj.pair(r2, s6, shift);
            e += 4.0 * lj.epsilon * eij;
            add_pair(&mut w, d, -fr);
            for k in 0..3 {
                f[i][k] -= d[k] * fr;
                f[j][k] += d[k] * fr;
            }
        }
    }
    (f, e, w)
}

/// EAM forces, total energy and virial.
pub fn eam(pos: &[[f64; 3]], l: [f64; 3], t: &EamTables) -> Result {
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
    let (mut e, mut w) = (0.0, [0.0; 6]);
    for &(i, j, d, r) in &pairs {
        let (phi, dphi) = t.phi.eval(r);
        add_pair(&mut w, d, -dphi / r);
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
        add_pair(&mut w, d, -(df[i] + df[j]) * drho / r);
        for k in 0..3 {
            f[i][k] -= (df[i] + df[j]) * drho * d[k] / r;
            f[j][k] += (df[i] + df[j]) * drho * d[k] / r;
        }
    }
    (f, e, w)
}

/// Largest |w − v| over the components of two virials, and largest |v|.
pub fn virial_deviation(w: &[f64; 6], v: &[f64; 6]) -> (f64, f64) {
    w.iter().zip(v).fold((0.0f64, 0.0f64), |(dev, big), (a, b)| (dev.max((a - b).abs()), big.max(b.abs())))
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
