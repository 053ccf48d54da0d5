//! Ideal test crystals for structure analysis: FCC and BCC cubes, and close-packed layer
//! stacks (HCP, FCC with a stacking fault). Deterministic, so the a-CNA tests, the OVITO
//! reference script's input (`examples/cna_frames`) and the docs all use the same atoms.

/// Atoms and their periodic box `[lo, hi)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Positions, Å.
    pub pos: Vec<[f32; 3]>,
    /// Lower box corner, Å.
    pub lo: [f32; 3],
    /// Upper box corner, Å.
    pub hi: [f32; 3],
}

fn cubic(n: usize, lat: f32, basis: &[[f32; 3]]) -> Frame {
    let mut pos = Vec::with_capacity(basis.len() * n * n * n);
    for ix in 0..n {
        for iy in 0..n {
            for iz in 0..n {
                for b in basis {
                    let c = [ix, iy, iz];
                    pos.push([0, 1, 2].map(|d| (c[d] as f32 + b[d]) * lat));
                }
            }
        }
    }
    Frame { pos, lo: [0.0; 3], hi: [n as f32 * lat; 3] }
}

/// FCC, `n`³ cubic cells of edge `lat`.
pub fn fcc(n: usize, lat: f32) -> Frame {
    cubic(n, lat, &[[0.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])
}

/// BCC, `n`³ cubic cells of edge `lat`.
pub fn bcc(n: usize, lat: f32) -> Frame {
    cubic(n, lat, &[[0.0, 0.0, 0.0], [0.5, 0.5, 0.5]])
}

/// Close-packed layers stacked along z in the order of `stack` (letters A, B, C; no two
/// neighbours equal, first and last included), each layer `nx` × `ny` rectangular cells
/// of `a` × `a√3` with two atoms; `a` is the nearest-neighbour distance.
pub fn stacked(stack: &str, nx: usize, ny: usize, a: f32) -> Frame {
    let (ax, ay, dz) = (a, a * 3f32.sqrt(), a * (2.0f32 / 3.0).sqrt());
    let mut pos = Vec::new();
    for (l, ch) in stack.chars().enumerate() {
        let shift = match ch {
            'A' => 0.0,
            'B' => 1.0 / 3.0,
            _ => 2.0 / 3.0,
        };
        for ix in 0..nx {
            for iy in 0..ny {
                for (fx, fy) in [(0.0, 0.0), (0.5, 0.5)] {
                    let y = (iy as f32 + fy + shift) * ay;
                    pos.push([(ix as f32 + fx) * ax, y % (ny as f32 * ay), l as f32 * dz]);
                }
            }
        }
    }
    Frame { pos, lo: [0.0; 3], hi: [nx as f32 * ax, ny as f32 * ay, stack.len() as f32 * dz] }
}

/// Each layer of `stack` whose two neighbour layers are the same letter is HCP.
pub fn hcp_layers(stack: &str) -> Vec<bool> {
    let s: Vec<char> = stack.chars().collect();
    let n = s.len();
    (0..n).map(|l| s[(l + n - 1) % n] == s[(l + 1) % n]).collect()
}

/// `frame` with every coordinate moved by a deterministic pseudo-random amount in
/// `[-amp, amp)` Å (a xorshift stream from `seed`), wrapped back into the box.
pub fn jiggle(frame: &Frame, amp: f32, seed: u64) -> Frame {
    let mut s = seed.max(1);
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    };
    let len = [0, 1, 2].map(|d| frame.hi[d] - frame.lo[d]);
    let pos = frame
        .pos
        .iter()
        .map(|p| [0, 1, 2].map(|d| frame.lo[d] + (p[d] - frame.lo[d] + amp * next()).rem_euclid(len[d])))
        .collect();
    Frame { pos, ..frame.clone() }
}

/// The frames of the OVITO comparison (`tests/viewer_cna.rs`, `examples/cna_frames`,
/// `tests/data/cna/ovito_cna.py`): perfect FCC, BCC and HCP, FCC with stacking faults,
/// and FCC with small and large random displacements. (The melt comes from a hot run.)
pub fn reference_frames() -> Vec<(&'static str, Frame)> {
    vec![
        ("fcc", fcc(6, 3.615)),
        ("bcc", bcc(8, 2.87)),
        ("hcp", stacked("ABABABABABAB", 8, 5, 2.556)),
        ("fault", stacked("ABCABCACABCABCAB", 8, 5, 2.556)),
        ("warm", jiggle(&fcc(6, 3.615), 0.15, 11)),
        ("noisy", jiggle(&fcc(6, 3.615), 0.45, 5)),
    ]
}
