//! Hidden-atom culling: atoms buried in a dense crystal, which no ray from the eye reaches,
//! are not drawn.
//!
//! On lavapipe a frame's cost is per atom drawn, not per pixel: with a trivial fragment
//! shader 256 000 sphere impostors still take ~80 % of their full time (triangle set-up and
//! fragment generation on the CPU), and an atom the vertex shader discards still costs about
//! a sixth of a drawn one. So the buried atoms must be left out of the draw call itself.
//!
//! Seen from outside, a crystal shows only the faces of its box that face the eye, and
//! through each only its first few atomic layers. [`Exposure::new`] bins the drawn atoms
//! into cells of about one FCC unit cell (four atoms on average) and gives each atom six
//! bits, one per face direction (−x, +x, −y, +y, −z, +z): the bit is set when, going from
//! the atom's cell towards that face, an empty cell (fewer than [`FULL`] atoms: a surface, a
//! void, vacuum above a slab) or the face itself is within [`DEPTH`] cells, looking up to 45°
//! sideways. The instances are sorted by these bits, so each bit pattern is one contiguous
//! range. Per frame, [`Exposure::ranges`] draws the patterns that share a bit with the faces
//! the eye is beyond; with the eye inside the box everything is drawn.
//!
//! Why this hides nothing one could see: the segment from an atom to an eye beyond face F
//! leaves the box through a face the eye is beyond. If the atom's bit for that face is clear,
//! the segment crosses at least [`DEPTH`] cells of full crystal first. Spheres are drawn at
//! 0.4 of the nearest-neighbour distance, so a crystal is not opaque layer by layer: the
//! depth was chosen by rendering with and without culling (`tests/render/cull.rs`,
//! `examples/render_bench`): 0.01 % of the atoms' pixels change in the default view, up to
//! 0.8 % looking head-on down a <110> channel, which a perfect crystal leaves open through
//! its whole depth (deep atoms seen down it as single pixels become background). A hole seen
//! at a grazing angle (more than 45° from the face normal, deeper than [`DEPTH`] cells) can
//! lose atoms seen through it; a slice or a melt with vapour marks its own surfaces empty.

use std::ops::Range;

/// Mean number of atoms per grid cell (an FCC unit cell holds four).
const PER_CELL: f32 = 4.0;
/// A cell with fewer atoms than this counts as empty: one can see into it.
pub const FULL: u32 = 2;
/// How many cells of full crystal hide an atom.
pub const DEPTH: usize = 3;

/// The six face-direction bits of each drawn atom, and the instance order grouping them.
#[derive(Clone, Debug, Default)]
pub struct Exposure {
    /// `ranges[bits]`: the instances (after [`Exposure::order`]) with these bits.
    groups: Vec<Range<u32>>,
    lo: [f32; 3],
    hi: [f32; 3],
}

impl Exposure {
    /// Classifies `pos` (inside the box `lo..hi`) and returns the permutation that sorts them
    /// by their bits: draw instance `order[i]` at position `i`.
    pub fn new(pos: &[[f32; 3]], lo: [f32; 3], hi: [f32; 3]) -> (Self, Vec<u32>) {
        let bits = face_bits(pos, lo, hi);
        let mut count = [0u32; 64];
        for &b in &bits {
            count[b as usize] += 1;
        }
        let mut start = [0u32; 64];
        let mut groups = Vec::with_capacity(64);
        let mut at = 0;
        for (b, &n) in count.iter().enumerate() {
            start[b] = at;
            groups.push(at..at + n);
            at += n;
        }
        let mut order = vec![0u32; bits.len()];
        for (i, &b) in bits.iter().enumerate() {
            order[start[b as usize] as usize] = i as u32;
            start[b as usize] += 1;
        }
        (Exposure { groups, lo, hi }, order)
    }

    /// The instance ranges to draw with the eye at `eye` (merged where adjacent). An
    /// orthographic camera gives its viewing direction (target to eye) as `parallel`: its rays
    /// see the faces that direction points out of, unless its eye is inside the box.
    pub fn ranges(&self, eye: [f32; 3], parallel: Option<[f32; 3]>) -> Vec<Range<u32>> {
        let inside = (0..3).all(|k| (self.lo[k]..=self.hi[k]).contains(&eye[k]));
        let eye = match parallel {
            Some(d) if !inside => std::array::from_fn(|k| 0.5 * (self.lo[k] + self.hi[k]) + d[k] * 1e7),
            _ => eye,
        };
        let mut want = 0u8;
        for k in 0..3 {
            if eye[k] < self.lo[k] {
                want |= 1 << (2 * k);
            } else if eye[k] > self.hi[k] {
                want |= 2 << (2 * k);
            }
        }
        let mut out: Vec<Range<u32>> = Vec::new();
        for (b, r) in self.groups.iter().enumerate() {
            if r.is_empty() || (want != 0 && b as u8 & want == 0) {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.end == r.start => last.end = r.end,
                _ => out.push(r.clone()),
            }
        }
        out
    }
}

/// The grid: cells per axis and the cell of each atom.
struct Grid {
    n: [usize; 3],
    cell: Vec<[usize; 3]>,
}

fn grid(pos: &[[f32; 3]], lo: [f32; 3], hi: [f32; 3]) -> Grid {
    let len: Vec<f32> = (0..3).map(|k| (hi[k] - lo[k]).max(1e-6)).collect();
    let edge = (len.iter().product::<f32>() * PER_CELL / pos.len().max(1) as f32).cbrt();
    let n: [usize; 3] = std::array::from_fn(|k| ((len[k] / edge).round() as usize).clamp(1, 1024));
    // CoMD's lattice sites sit at a quarter and three quarters of a unit cell: none on a
    // cell boundary
    let cell = pos
        .iter()
        .map(|p| {
            std::array::from_fn(|k| {
                let f = (p[k] - lo[k]) / len[k] * n[k] as f32;
                (f.floor() as isize).clamp(0, n[k] as isize - 1) as usize
            })
        })
        .collect();
    Grid { n, cell }
}

/// Bits per atom: bit `2k` towards −k, bit `2k+1` towards +k.
fn face_bits(pos: &[[f32; 3]], lo: [f32; 3], hi: [f32; 3]) -> Vec<u8> {
    let g = grid(pos, lo, hi);
    let n = g.n;
    let mut count = vec![0u32; n[0] * n[1] * n[2]];
    let at = |c: [usize; 3]| (c[2] * n[1] + c[1]) * n[0] + c[0];
    for &c in &g.cell {
        count[at(c)] += 1;
    }
    let empty = Prefix::new(n, |c| count[at(c)] < FULL);
    let mut cell_bits = vec![0u8; count.len()];
    for z in 0..n[2] {
        for y in 0..n[1] {
            for x in 0..n[0] {
                cell_bits[at([x, y, z])] = exposed(&empty, [x, y, z]);
            }
        }
    }
    g.cell.iter().map(|&c| cell_bits[at(c)]).collect()
}

/// The bits of one cell: for each face direction, is an empty cell or the face within
/// [`DEPTH`] cells ahead, [`DEPTH`] to either side?
fn exposed(empty: &Prefix, c: [usize; 3]) -> u8 {
    let mut bits = 0;
    for k in 0..3 {
        let side = |j: usize| c[j].saturating_sub(DEPTH)..(c[j] + DEPTH + 1).min(empty.n[j]);
        for (dir, ahead) in [(0, c[k].saturating_sub(DEPTH)..c[k]), (1, c[k] + 1..c[k] + DEPTH + 1)] {
            let reaches_face = if dir == 0 { c[k] < DEPTH } else { c[k] + DEPTH >= empty.n[k] };
            let mut r = [side(0), side(1), side(2)];
            r[k] = ahead.start..ahead.end.min(empty.n[k]);
            if reaches_face || empty.sum(&r) > 0 {
                bits |= 1 << (2 * k + dir);
            }
        }
    }
    bits
}

/// Summed-volume table: the number of marked cells in any box of cells in O(1).
struct Prefix {
    n: [usize; 3],
    s: Vec<u32>,
}

impl Prefix {
    fn new(n: [usize; 3], mark: impl Fn([usize; 3]) -> bool) -> Self {
        let m = [n[0] + 1, n[1] + 1, n[2] + 1];
        let mut s = vec![0u32; m[0] * m[1] * m[2]];
        let i = |x: usize, y: usize, z: usize| (z * m[1] + y) * m[0] + x;
        for z in 1..m[2] {
            for y in 1..m[1] {
                for x in 1..m[0] {
                    let v = mark([x - 1, y - 1, z - 1]) as u32;
                    s[i(x, y, z)] = v + s[i(x - 1, y, z)] + s[i(x, y - 1, z)] + s[i(x, y, z - 1)]
                        - s[i(x - 1, y - 1, z)]
                        - s[i(x - 1, y, z - 1)]
                        - s[i(x, y - 1, z - 1)]
                        + s[i(x - 1, y - 1, z - 1)];
                }
            }
        }
        Prefix { n, s }
    }

    /// Marked cells in `r[0] × r[1] × r[2]`.
    fn sum(&self, r: &[Range<usize>; 3]) -> u32 {
        if r.iter().any(|r| r.is_empty()) {
            return 0;
        }
        let m = [self.n[0] + 1, self.n[1] + 1];
        let s = |x: usize, y: usize, z: usize| self.s[(z * m[1] + y) * m[0] + x] as i64;
        let (a, b) = ([r[0].start, r[1].start, r[2].start], [r[0].end, r[1].end, r[2].end]);
        let v = s(b[0], b[1], b[2]) - s(a[0], b[1], b[2]) - s(b[0], a[1], b[2]) - s(b[0], b[1], a[2])
            + s(a[0], a[1], b[2])
            + s(a[0], b[1], a[2])
            + s(b[0], a[1], a[2])
            - s(a[0], a[1], a[2]);
        v as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Snapshot;

    fn exposure_of(snap: &Snapshot) -> (Exposure, Vec<u32>, Vec<u8>) {
        let pos: Vec<[f32; 3]> = snap.atoms.iter().map(|a| a.pos).collect();
        let (e, order) = Exposure::new(&pos, snap.box_min, snap.box_max);
        (e, order, face_bits(&pos, snap.box_min, snap.box_max))
    }

    #[test]
    fn order_is_a_permutation_grouped_by_bits() {
        let snap = Snapshot::fcc_demo(12, 3.615);
        let (e, order, bits) = exposure_of(&snap);
        let mut seen = vec![false; order.len()];
        for (b, r) in e.groups.iter().enumerate() {
            for i in r.clone() {
                let atom = order[i as usize] as usize;
                assert!(!seen[atom]);
                seen[atom] = true;
                assert_eq!(bits[atom] as usize, b);
            }
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn a_bulk_crystal_hides_its_core_and_back_faces() {
        let snap = Snapshot::fcc_demo(20, 3.615);
        let (e, _, bits) = exposure_of(&snap);
        let n = bits.len() as u32;
        // the core (cells more than DEPTH from every face) has no bit
        let core = bits.iter().filter(|&&b| b == 0).count();
        let inner = 20 - 2 * DEPTH;
        assert_eq!(core, 4 * inner * inner * inner);
        let count = |eye| e.ranges(eye, None).iter().map(|r| r.len() as u32).sum::<u32>();
        // inside the box: all; beyond one face: one slab; beyond a corner: three slabs
        assert_eq!(count([36.0, 36.0, 36.0]), n);
        let slab = 4 * 20 * 20 * DEPTH as u32;
        assert_eq!(count([36.0, 36.0, 200.0]), slab);
        let corner = count([200.0, 200.0, 200.0]);
        assert!(corner > 2 * slab && corner < 3 * slab, "{corner} of {n}");
        // parallel rays along +z see the top slab from any eye outside the box
        let along_z = e.ranges([36.0, 36.0, 90.0], Some([0.0, 0.0, 1.0]));
        assert_eq!(along_z.iter().map(|r| r.len() as u32).sum::<u32>(), slab);
    }

    #[test]
    fn a_hole_exposes_its_walls() {
        let mut snap = Snapshot::fcc_demo(20, 3.615);
        let c = [36.15f32; 3];
        snap.atoms.retain(|a| (0..3).map(|k| (a.pos[k] - c[k]).powi(2)).sum::<f32>() > 8.0f32.powi(2));
        let (_, _, bits) = exposure_of(&snap);
        let wall = snap.atoms.iter().zip(&bits).filter(|(a, _)| (0..3).map(|k| (a.pos[k] - c[k]).powi(2)).sum::<f32>() < 9.5f32.powi(2));
        for (a, &b) in wall {
            assert_ne!(b, 0, "atom at {:?} on the hole's wall has no bit", a.pos);
        }
    }
}
