//! Every SIMD build of the kernels against the portable one, bit for bit: forces, energies
//! and virial, with and without energies, from the padded copy and from split positions.

use super::*;
use crate::engine::fast::ghosts::Particles;
use crate::engine::fast::neighbors::{build_with_width, Reach};
use crate::engine::fast::pos4::Pos4;

type LjFn = unsafe fn(usize, &mut [Real3], &mut [Real], &mut [FixedSum; 6], Positions<'_>, &NeighborList, &LjConsts, bool);
type DensityFn = unsafe fn(usize, &mut [Real], Positions<'_>, &NeighborList, &EamCoefs);
type ForceFn = unsafe fn(usize, &mut [Real3], &mut [Real], &mut [FixedSum; 6], Positions<'_>, &NeighborList, &EamCoefs, bool);

/// One build of the three kernels.
#[derive(Clone, Copy)]
struct Build {
    name: &'static str,
    lj: LjFn,
    density: DensityFn,
    force: ForceFn,
}

const BASE: Build = Build { name: "portable", lj: base::lj, density: base::eam_density, force: base::eam_force };

/// The SIMD builds this CPU runs (each skipped one is named on stderr).
fn simd_builds() -> Vec<Build> {
    let mut out = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if Isa::Avx2.runs() {
            out.push(Build { name: "avx2", lj: avx2::lj, density: avx2::eam_density, force: avx2::eam_force });
        } else {
            eprintln!("skipping the AVX2 kernels: this CPU has no AVX2");
        }
        if Isa::Avx512.runs() {
            out.push(Build { name: "avx512", lj: avx512::lj, density: avx512::eam_density, force: avx512::eam_force });
        } else {
            eprintln!("skipping the AVX-512 kernels: this CPU has no AVX-512F");
        }
    }
    out
}

/// The bits of forces, energies and virial.
type Bits = (Vec<u64>, Vec<u64>, [u64; 6]);

fn bits(f: &[Real3], u: &[Real], w: [FixedSum; 6]) -> Bits {
    (f.as_flattened().iter().map(|x| x.to_bits()).collect(), u.iter().map(|x| x.to_bits()).collect(), values(w).map(f64::to_bits))
}

/// Asserts `got == want`, naming the first differing value (the bit vectors are long).
#[track_caller]
fn same<T: PartialEq + std::fmt::Debug>(got: &[T], want: &[T], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    if let Some(k) = (0..got.len()).find(|&k| got[k] != want[k]) {
        panic!("{what}: value {k} of {} differs: {:?}, want {:?}", got.len(), got[k], want[k]);
    }
}

/// [`same`] of forces, energies and virial.
#[track_caller]
fn same_bits(got: &Bits, want: &Bits, what: &str) {
    same(&got.0, &want.0, &format!("{what}, forces"));
    same(&got.1, &want.1, &format!("{what}, energies"));
    same(&got.2, &want.2, &format!("{what}, virial"));
}

/// A random cluster of `n` atoms in a 12 Å box with its lists (entries `width` bytes wide),
/// some pairs beyond the cutoff, and its padded copy.
fn cluster(n: usize, width: usize) -> (Particles, NeighborList, Vec<Pos4>) {
    let mut seed = 12345u64;
    let mut rnd = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut parts = Particles::default();
    for g in 0..n {
        parts.gid.push(g as _);
        parts.r.push([rnd() * 12.0, rnd() * 12.0, rnd() * 12.0]);
        parts.p.push([0.0; 3]);
        parts.image.push([0; 3]);
    }
    parts.n_own = n;
    let nl = build_with_width(&parts, [0.0; 3], [12.0; 3], Reach { cutoff: 5.0, range: 7.0 }, width);
    assert_eq!(nl.width(), width);
    let r = parts.r.iter().map(|p| Pos4([p[0], p[1], p[2], 0.0])).collect();
    (parts, nl, r)
}

/// Smooth synthetic EAM tables (the real ones are third-party files), ρ's grid spacing
/// `rho_dx` (φ's is 0.02 Å: the same spacing gives joint φ/ρ intervals).
fn synthetic_eam(rho_dx: f64) -> EamCoefs {
    let tab = |scale: f64, dx: f64| {
        let v: Vec<f64> = (0..400).map(|k| scale * (-(k as f64) * 0.01).exp() * (1.0 + 0.3 * (k as f64 * 0.05).sin())).collect();
        crate::potential::eam::InterpolationTable::new(0.0, dx, &v).unwrap()
    };
    EamCoefs::new(&crate::potential::eam::EamTables {
        name: "X".into(),
        atomic_number: 29,
        mass_amu: 63.55,
        lattice_constant: 3.615,
        lattice_type: "FCC".into(),
        cutoff: 5.5,
        format: crate::potential::eam::PotentialFormat::Funcfl,
        phi: tab(1.0, 0.02),
        rho: tab(0.5, rho_dx),
        embed: tab(-2.0, 0.02),
    })
}

/// LJ of build `b`; forces start at 0.5 and energies at 7.0, to see what is written.
fn lj_of(b: Build, r: Positions<'_>, nl: &NeighborList, energy: bool) -> Bits {
    let n = nl.n_particles().min(r.len());
    let (mut f, mut u, mut w) = (vec![[0.5; 3]; n], vec![7.0; n], [FixedSum::default(); 6]);
    // SAFETY: `b` is the portable build or one this CPU reported (`simd_builds`).
    unsafe { (b.lj)(0, &mut f, &mut u, &mut w, r, nl, &LjConsts::new(&crate::potential::lj::LennardJones::default()), energy) };
    bits(&f, &u, w)
}

/// EAM's force pass of build `b`, energies starting at 0.25 (it adds to them).
fn force_of(b: Build, r: Positions<'_>, nl: &NeighborList, t: &EamCoefs, energy: bool) -> Bits {
    let n = nl.n_particles().min(r.len());
    let (mut f, mut u, mut w) = (vec![[0.5; 3]; n], vec![0.25; n], [FixedSum::default(); 6]);
    // SAFETY: as in `lj_of`.
    unsafe { (b.force)(0, &mut f, &mut u, &mut w, r, nl, t, energy) };
    bits(&f, &u, w)
}

/// EAM's density pass of build `b`.
fn density_of(b: Build, r: Positions<'_>, nl: &NeighborList, t: &EamCoefs) -> Vec<u64> {
    let mut rho = vec![0.0; nl.n_particles().min(r.len())];
    // SAFETY: as in `lj_of`.
    unsafe { (b.density)(0, &mut rho, r, nl, t) };
    rho.iter().map(|x| x.to_bits()).collect()
}

/// EAM's steps of two full blocks (the AVX-512 kernels' unit): how many lie past the near
/// blocks with every entry beyond `rc` (skipped by every build), how many past the near
/// blocks hold an entry within `rc` (must be evaluated), and how many pair a near block with
/// one the AVX2 kernels skip (the AVX-512 ones evaluate it, adding +0.0).
fn eam_skips(r: &[Real3], nl: &NeighborList, rc: Real) -> [usize; 3] {
    let mut n = [0; 3];
    for i in 0..nl.n_particles() {
        let l = nl.of(i);
        let beyond = |b: usize| {
            let (idx, k) = l.block(b);
            idx[..k].iter().all(|&j| (0..3).map(|a| (r[i][a] - r[j as usize][a]).powi(2)).sum::<Real>() > rc * rc)
        };
        let skip = |b: usize| b >= l.near_blocks() && beyond(b);
        // a lone or short last block is a step of its own
        for b in (0..(l.len() / 4).saturating_sub(1)).step_by(2) {
            n[0] += usize::from(skip(b) && skip(b + 1));
            n[1] += usize::from(b >= l.near_blocks() && !(beyond(b) && beyond(b + 1)));
            n[2] += usize::from(!skip(b) && skip(b + 1));
        }
    }
    n
}

#[test]
fn simd_and_portable_kernels_give_identical_bits() {
    let (joint, apart) = (synthetic_eam(0.02), synthetic_eam(0.025));
    assert!(joint.joint().is_some() && apart.joint().is_none());
    // ρ's table ends at 5.2 Å, inside the 5.5 Å cutoff: the SIMD EAM kernels decline atoms
    // with a partner beyond it, and the portable kernels take them (the path past a table's
    // end, checked to be taken by making it panic)
    let short = synthetic_eam(0.013);
    // both list widths: the same lists, decoded two ways; 61 atoms: lists of every length
    // modulo 8 (lone full blocks and short last blocks)
    for (width, t) in [(3, &joint), (4, &joint), (3, &apart), (4, &apart), (3, &short)] {
        let (parts, nl, mut r) = cluster(61, width);
        let lens: std::collections::BTreeSet<usize> = (0..61).map(|i| nl.of(i).len() % 8).collect();
        assert_eq!(lens.len(), 8, "list lengths modulo 8: {lens:?}");
        let steps = eam_skips(&parts.r, &nl, t.cutoff);
        assert!(steps.iter().all(|&n| n > 0), "EAM steps skipped, far but inside the cutoff, evaluated for one block: {steps:?}");
        let want = lj_of(BASE, Positions::padded(&r), &nl, true);
        assert!(want.2.iter().all(|&w| f64::from_bits(w) != 0.0), "the virial is summed");
        let want_f_only = lj_of(BASE, Positions::padded(&r), &nl, false);
        let (f_only, u_only, w_only) = &want_f_only;
        assert_eq!((f_only, u_only.iter().all(|&u| f64::from_bits(u) == 7.0), *w_only), (&want.0, true, [0; 6]), "force-only LJ");
        let rho = density_of(BASE, Positions::padded(&r), &nl, t);
        for (k, p) in r.iter_mut().enumerate() {
            p.0[3] = 0.01 * k as f64 - 0.2; // F'(ρ̄)
        }
        let dfe: Vec<Real> = r.iter().map(|p| p.0[3]).collect();
        let want_eam = force_of(BASE, Positions::padded(&r), &nl, t, true);
        assert!(want_eam.2.iter().all(|&w| f64::from_bits(w) != 0.0), "the virial is summed");
        let want_eam_f_only = force_of(BASE, Positions::padded(&r), &nl, t, false);
        let (f_only, u_only, w_only) = &want_eam_f_only;
        assert_eq!((f_only, u_only.iter().all(|&u| f64::from_bits(u) == 0.25), *w_only), (&want_eam.0, true, [0; 6]), "force-only EAM");
        // every build, from the padded copy and from the particles' own positions
        // (streamed lists), with and without energies
        for b in std::iter::once(BASE).chain(simd_builds()) {
            let split = Positions::split(&parts.r, &[]);
            for (r_lj, form) in [(Positions::padded(&r), "padded"), (split, "split")] {
                let what = |k: &str| format!("{k}, {} kernels, {form} positions, {width}-byte entries", b.name);
                same_bits(&lj_of(b, r_lj, &nl, true), &want, &what("LJ"));
                same_bits(&lj_of(b, r_lj, &nl, false), &want_f_only, &what("force-only LJ"));
                same(&density_of(b, r_lj, &nl, t), &rho, &what("EAM density"));
            }
            for (r_eam, form) in [(Positions::padded(&r), "padded"), (Positions::split(&parts.r, &dfe), "split")] {
                let what = |k: &str| format!("{k}, {} kernels, {form} positions, {width}-byte entries", b.name);
                same_bits(&force_of(b, r_eam, &nl, t, true), &want_eam, &what("EAM force"));
                same_bits(&force_of(b, r_eam, &nl, t, false), &want_eam_f_only, &what("force-only EAM"));
            }
        }
    }
}
