//! The candidate scan of the neighbour-list build: which particles of a run of bins lie
//! within the interaction range of an atom.
//!
//! The build copies positions in bin order into three arrays (and the particle indices into
//! a fourth), so a run of bins along x is contiguous memory. The test is branch-free: about
//! half the candidates pass, in no predictable pattern, and a mispredicted branch costs more
//! than the arithmetic. The AVX2 build (`avx2.rs`) tests four candidates per step and writes
//! the passing indices with one shuffled store (a table of the 16 pass patterns), so a short
//! run costs no scalar tail: the arrays are padded, and lanes past the run are masked off.
//! The AVX-512 build (`avx512.rs`) tests eight per step with masked loads and compresses the
//! passing indices in a register. All builds make the same comparisons on the same values
//! and keep lane order, so they write the same lists (tested below).
#![allow(unsafe_code)]

use super::cpu::Isa;
use super::pos4::Pos4;
use crate::types::{Real, Real3};

/// Elements readable past the end of each array of [`soa_scratch`] (zeros).
pub const PAD: usize = 4;

/// The memory of `buf` as four arrays of `n` elements plus [`PAD`] zeros each: three of
/// reals and one of particle indices (u32). The list build keeps its
/// bin-ordered copies here, in the padded position copy of the force evaluation, which is
/// stale between evaluations: so the build needs no memory of its own (28 bytes per
/// particle, 6 % of the peak of a 1M-atom LJ run; streamed lists keep their own). The first `n` elements of each array
/// hold whatever was there (the caller writes them); only the padding is zeroed.
pub fn soa_scratch(buf: &mut Vec<Pos4>, n: usize) -> (&mut [Real], &mut [Real], &mut [Real], &mut [u32]) {
    let stride = n + PAD;
    // 3 reals and a u32 per particle: 7/8 of a Pos4; a longer buffer (the padded position
    // copy of the force evaluation, after one) is left as long as it is
    let need = soa_len(n);
    if buf.len() < need {
        buf.resize(need, Pos4::default());
    }
    // SAFETY: `Pos4` is `repr(C)` around `[f64; 4]` (size 32, no padding), so `buf` is at
    // least 3.5·stride initialised f64 in one allocation: three strides of f64, then room
    // for stride u32; u32 has a smaller alignment than f64 and every bit pattern is valid for
    // both; the four slices are disjoint and borrow `buf` mutably.
    let (xs, ys, zs, idx) = unsafe {
        let p = buf.as_mut_ptr().cast::<Real>();
        (
            std::slice::from_raw_parts_mut(p, stride),
            std::slice::from_raw_parts_mut(p.add(stride), stride),
            std::slice::from_raw_parts_mut(p.add(2 * stride), stride),
            std::slice::from_raw_parts_mut(p.add(3 * stride).cast::<u32>(), stride),
        )
    };
    for a in [&mut *xs, &mut *ys, &mut *zs] {
        a[n..].fill(0.0);
    }
    idx[n..].fill(0);
    (xs, ys, zs, idx)
}

/// Elements of a `Vec<Pos4>` that hold [`soa_scratch`]'s arrays for `n` particles.
pub fn soa_len(n: usize) -> usize {
    (7 * (n + PAD)).div_ceil(8)
}

/// The arrays [`soa_scratch`] made in `buf` for `n` particles, read-only.
pub fn soa_view(buf: &[Pos4], n: usize) -> Sorted<'_> {
    let stride = n + PAD;
    assert!(buf.len() >= soa_len(n), "soa_scratch was not made for {n} particles");
    // SAFETY: as in `soa_scratch`: `buf` holds at least 3.5·stride initialised f64, three
    // strides of f64 and then stride u32; shared borrows of `buf`.
    unsafe {
        let p = buf.as_ptr().cast::<Real>();
        Sorted {
            xs: std::slice::from_raw_parts(p, stride),
            ys: std::slice::from_raw_parts(p.add(stride), stride),
            zs: std::slice::from_raw_parts(p.add(2 * stride), stride),
            idx: std::slice::from_raw_parts(p.add(3 * stride).cast::<u32>(), stride),
        }
    }
}

/// Bin-ordered particles: positions by coordinate and particle indices, each array with
/// [`PAD`] readable elements past the particles (see [`soa_scratch`]).
#[derive(Clone, Copy)]
pub struct Sorted<'a> {
    /// x coordinates.
    pub xs: &'a [Real],
    /// y coordinates.
    pub ys: &'a [Real],
    /// z coordinates.
    pub zs: &'a [Real],
    /// Particle indices.
    pub idx: &'a [u32],
}

/// Squared distance limits of a scan: particles with d² < `near` are near, those with
/// `near` ≤ d² < `range` far, the others left out.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Squared limit of the near class (the cutoff², for the kernels' block skipping).
    pub near: Real,
    /// Squared interaction range (cutoff + skin)².
    pub range: Real,
}

/// Where a scan writes: the near entries are appended to `near` (the list being built), the
/// far ones to `far` (cleared first), each as the `width` (3 or 4) low bytes of the particle
/// index, little-endian; `blocks` is scratch.
pub struct Out<'a> {
    /// Bytes of 3- or 4-byte entries.
    pub width: usize,
    /// The near entries are appended here.
    pub near: &'a mut Vec<u8>,
    /// The far entries are written here (cleared first).
    pub far: &'a mut Vec<u8>,
    /// Scratch: the blocks of candidates of all runs.
    pub blocks: &'a mut Vec<(u32, u32)>,
}

/// A build of the candidate test that this CPU runs: made only after asking the CPU, so the
/// test uses its instructions without asking again for every atom.
#[derive(Debug, Clone, Copy)]
pub struct Scanner(Isa);

impl Scanner {
    /// The widest build this CPU runs.
    pub fn detect() -> Scanner {
        Scanner(Isa::detect())
    }

    /// The build.
    pub fn isa(self) -> Isa {
        self.0
    }

    /// Build `isa`, if this CPU runs it.
    pub fn of(isa: Isa) -> Option<Scanner> {
        isa.runs().then_some(Scanner(isa))
    }

    /// Appends the indices of the particles of the `runs` (ranges of bin-ordered particles) that
    /// lie near `ri` to `out.near`, and writes those farther but within range to `out.far` (see
    /// [`Limits`]; runs and particles in order), leaving out particle `me` (the atom itself);
    /// returns how many of each.
    ///
    /// The runs are first cut into blocks of four candidates (eight for the AVX-512 build) with
    /// the mask of the lanes inside the run, so the test runs as one loop over all blocks of the
    /// atom: a loop per run mispredicts its exit about once per run (~20 per atom), which cost
    /// more than the tests.
    pub fn scan(self, ri: Real3, s: Sorted<'_>, runs: &[(u32, u32)], lim: Limits, me: u32, out: Out<'_>) -> (usize, usize) {
        let isa = self.0;
        let limit = s.xs.len().min(s.ys.len()).min(s.zs.len()).min(s.idx.len());
        let lanes = if isa == Isa::Avx512 { 8 } else { 4 };
        let (mut total, mut n_blocks) = (0, 0);
        for &(a, b) in runs {
            assert!(a <= b && b as usize + PAD <= limit, "scan arrays are padded");
            total += (b - a) as usize;
            n_blocks += (b - a).div_ceil(lanes) as usize;
        }
        assert!(out.width == 3 || out.width == 4, "entries of 3 or 4 bytes");
        // every block stores up to 32 bytes at the output's end
        out.near.reserve(total * out.width + 32);
        out.far.clear();
        out.far.reserve(total * out.width + 32);
        let m = if lanes == 8 { cut::<8>(runs, out.blocks, n_blocks) } else { cut::<4>(runs, out.blocks, n_blocks) };
        let (blocks, near, far) = (&out.blocks[..m], out.near, out.far);
        // SAFETY: the CPU runs `isa` (a `Scanner` is made only for such a build); the blocks' lanes lie within the padded arrays
        // (asserted above; the AVX-512 build reads only the live lanes) and the outputs have room
        // for all candidates plus 32 bytes.
        #[cfg(target_arch = "x86_64")]
        unsafe {
            match (isa, out.width) {
                (Isa::Avx512, 3) => return avx512::scan::<3>(ri, s, blocks, lim, me, near, far),
                (Isa::Avx512, _) => return avx512::scan::<4>(ri, s, blocks, lim, me, near, far),
                (Isa::Avx2, 3) => return avx2::scan::<3>(ri, s, blocks, lim, me, near, far),
                (Isa::Avx2, _) => return avx2::scan::<4>(ri, s, blocks, lim, me, near, far),
                (Isa::Portable, _) => {}
            }
        }
        portable(ri, s, blocks, lim, me, out.width, near, far)
    }
}

/// Cuts `runs` into blocks of `L` (4 or 8) candidates (first candidate, mask of the lanes
/// inside the run) in `blocks`, without a branch per run for the usual runs of at most 16
/// candidates; `n_blocks` is their number. Returns it.
fn cut<const L: u32>(runs: &[(u32, u32)], blocks: &mut Vec<(u32, u32)>, n_blocks: usize) -> usize {
    // the first 16 candidates' blocks of a run are written whether it has them or not
    let first = (16 / L) as usize;
    blocks.resize(n_blocks + first, (0, 0));
    // a slice: its start and length stay in registers across the stores (through the Vec
    // they were loaded again for every block)
    let out = blocks.as_mut_slice();
    let mut m = 0;
    for &(a, b) in runs {
        let len = b - a;
        let block = |t: u32| (a + L * t, (1 << len.saturating_sub(L * t).min(L)) - 1);
        for t in 0..first {
            out[m + t] = block(t as u32);
        }
        for t in first as u32..len.div_ceil(L) {
            out[m + t as usize] = block(t);
        }
        m += len.div_ceil(L) as usize;
    }
    m
}

#[allow(clippy::too_many_arguments)]
fn portable(ri: Real3, s: Sorted<'_>, blocks: &[(u32, u32)], lim: Limits, me: u32, width: usize, near: &mut Vec<u8>, far: &mut Vec<u8>) -> (usize, usize) {
    let (mut n, mut f) = (0, 0);
    for &(k, live) in blocks {
        for l in 0..8 {
            let k = k as usize + l;
            if live >> l & 1 == 0 || s.idx[k] == me {
                continue;
            }
            let d = [ri[0] - s.xs[k], ri[1] - s.ys[k], ri[2] - s.zs[k]];
            let d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            let bytes = &s.idx[k].to_le_bytes()[..width];
            if d2 < lim.near {
                near.extend_from_slice(bytes);
                n += 1;
            } else if d2 < lim.range {
                far.extend_from_slice(bytes);
                f += 1;
            }
        }
    }
    (n, f)
}

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], width: usize) -> Vec<u32> {
        bytes.chunks(width).map(|c| c.iter().rev().fold(0, |v, &b| v << 8 | u32::from(b))).collect()
    }

    #[test]
    fn scan_keeps_exactly_the_indices_in_range_in_order_but_the_atom_itself() {
        // every build this CPU runs
        let isas: Vec<(Isa, Scanner)> = Isa::ALL
            .into_iter()
            .filter_map(|isa| {
                let scanner = Scanner::of(isa);
                if scanner.is_none() {
                    println!("skipping the {isa:?} scan: this CPU lacks it");
                }
                Some(isa).zip(scanner)
            })
            .collect();
        let n = 203;
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as Real / (1u64 << 53) as Real * 10.0
        };
        let mut buf = Vec::new();
        let (xs, ys, zs, idx) = soa_scratch(&mut buf, n);
        for k in 0..n {
            // indices whose three low bytes differ (a misplaced byte shows), below 2^24
            (xs[k], ys[k], zs[k], idx[k]) = (rnd(), rnd(), rnd(), (k * 31 % n + 1) as u32 * 0x1_0301);
        }
        let sorted = Sorted { xs, ys, zs, idx };
        let cases: [&[(u32, u32)]; 6] =
            [&[], &[(0, 0)], &[(3, 203)], &[(5, 6), (10, 17), (100, 104)], &[(0, 5), (200, 203)], &[(7, 8), (20, 41), (41, 41), (50, 53)]];
        for (i, runs) in cases.into_iter().enumerate() {
            let ri = [xs[i * 7], ys[i * 7], zs[i * 7]];
            let me = idx[i * 7];
            let d2 = |k: usize| (ri[0] - xs[k]).powi(2) + (ri[1] - ys[k]).powi(2) + (ri[2] - zs[k]).powi(2);
            let class = |lo: Real, hi: Real| -> Vec<u32> {
                let ks = runs.iter().flat_map(|&(a, b)| a as usize..b as usize);
                ks.filter(|&k| d2(k) >= lo && d2(k) < hi && idx[k] != me).map(|k| idx[k]).collect()
            };
            // sparse passes, and dense ones (blocks of eight with four or more of each class)
            for lim in [Limits { near: 4.0, range: 9.0 }, Limits { near: 25.0, range: 1e9 }] {
                let (near, far) = (class(Real::NEG_INFINITY, lim.near), class(lim.near, lim.range));
                // the whole cloud has candidates of both classes (the test is not vacuous)
                assert!(i != 2 || (!near.is_empty() && !far.is_empty()));
                assert!(i != 2 || lim.range < 1e8 || far.len() > 100, "dense: {} far", far.len());
                for width in [3, 4] {
                    let prefix = [9u8; 5];
                    for &(isa, scanner) in &isas {
                        let (mut a, mut b, mut blocks) = (prefix.to_vec(), vec![1u8; 3], Vec::new());
                        let (na, nb) = scanner.scan(ri, sorted, runs, lim, me, Out { width, near: &mut a, far: &mut b, blocks: &mut blocks });
                        assert_eq!(a[..5], prefix, "appended to the list");
                        assert_eq!((decode(&a[5..], width), decode(&b, width)), (near.clone(), far.clone()), "runs {runs:?} width {width} {isa:?} {lim:?}");
                        assert_eq!((na, nb), (near.len(), far.len()));
                    }
                }
            }
        }
    }
}
