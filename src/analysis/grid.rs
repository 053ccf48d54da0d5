//! The nearest neighbours of every atom in a periodic box, for structure analysis.
//!
//! **Why its own cell list.** The analysis runs on the viewer's thread twice a second while
//! the simulation keeps both cores busy, so its cost is taken from the run: it must not
//! allocate per atom or take a remainder per pair. Atoms are sorted into cells of edge
//! 1.7 × the mean atomic spacing (the 14th neighbour sits at 1.59 spacings in FCC, 1.26 in
//! BCC, so the 14 nearest of any atom in a condensed phase lie in the 27 surrounding
//! cells), their positions wrapped into the box and stored in cell order. A neighbouring
//! cell across the boundary carries the box length as a shift, so a pair costs a subtraction
//! and a compare; only an axis with three cells or fewer (where a cell is a neighbour from
//! both sides) takes the minimum image by rounding. The atoms are visited in cell order,
//! so the 27 cells of consecutive atoms stay in cache.

/// Most neighbours any test needs.
pub const MAX_NEIGH: usize = 14;

/// The nearest neighbours of one atom, nearest first: minimum-image vectors and squared
/// distances, `len` of them valid.
#[derive(Clone, Copy)]
pub struct Nearest {
    pub vec: [[f64; 3]; MAX_NEIGH],
    pub d2: [f64; MAX_NEIGH],
    pub len: usize,
}

impl Nearest {
    fn new() -> Nearest {
        Nearest { vec: [[0.0; 3]; MAX_NEIGH], d2: [f64::INFINITY; MAX_NEIGH], len: 0 }
    }

    /// Keeps `v` if it is among the `MAX_NEIGH` nearest so far (insertion into a sorted
    /// array: a candidate farther than the last kept one costs one compare).
    #[inline]
    fn offer(&mut self, v: [f64; 3], d2: f64) {
        // Free slots hold an infinite distance, so this also admits anything while not full.
        if d2 >= self.d2[MAX_NEIGH - 1] {
            return;
        }
        let mut k = self.len.min(MAX_NEIGH - 1);
        while k > 0 && self.d2[k - 1] > d2 {
            self.d2[k] = self.d2[k - 1];
            self.vec[k] = self.vec[k - 1];
            k -= 1;
        }
        self.d2[k] = d2;
        self.vec[k] = v;
        self.len = (self.len + 1).min(MAX_NEIGH);
    }
}

/// Periodic cell list with positions in cell order.
pub struct Grid {
    len: [f64; 3],
    n: [usize; 3],
    /// Where each cell's atoms start in `pos`/`index` (one more entry than cells).
    start: Vec<usize>,
    /// Wrapped positions relative to the box's low corner, in cell order.
    pos: Vec<[f64; 3]>,
    /// The caller's index of each entry of `pos`.
    pub index: Vec<u32>,
}

impl Grid {
    /// Sorts `pos` (any image) into the cells of the periodic box `[lo, hi)`.
    pub fn new(pos: &[[f32; 3]], lo: [f32; 3], hi: [f32; 3]) -> Grid {
        let len = [0, 1, 2].map(|d| f64::from(hi[d] - lo[d]).max(1e-6));
        let spacing = (len[0] * len[1] * len[2] / pos.len().max(1) as f64).cbrt();
        let edge = 1.7 * spacing;
        let n = len.map(|l| ((l / edge).floor() as usize).clamp(1, 1024));
        let wrapped: Vec<[f64; 3]> = pos
            .iter()
            .map(|p| [0, 1, 2].map(|d| (f64::from(p[d]) - f64::from(lo[d])).rem_euclid(len[d])))
            .collect();
        let coord = |x: f64, d: usize| ((x / len[d] * n[d] as f64) as usize).min(n[d] - 1);
        let cells: Vec<usize> =
            wrapped.iter().map(|w| (coord(w[0], 0) * n[1] + coord(w[1], 1)) * n[2] + coord(w[2], 2)).collect();
        let mut start = vec![0usize; n[0] * n[1] * n[2] + 1];
        for &c in &cells {
            start[c + 1] += 1;
        }
        for k in 1..start.len() {
            start[k] += start[k - 1];
        }
        let mut fill = start.clone();
        let mut index = vec![0u32; pos.len()];
        for (i, &c) in cells.iter().enumerate() {
            index[fill[c]] = i as u32;
            fill[c] += 1;
        }
        let pos = index.iter().map(|&i| wrapped[i as usize]).collect();
        Grid { len, n, start, pos, index }
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.start.len() - 1
    }

    /// Entries (positions in cell order) of cell `c`.
    pub fn entries(&self, c: usize) -> std::ops::Range<usize> {
        self.start[c]..self.start[c + 1]
    }

    /// The up to `MAX_NEIGH` nearest neighbours of entry `e` of cell `c`.
    pub fn nearest(&self, c: usize, e: usize) -> Nearest {
        let own = [c / (self.n[1] * self.n[2]), (c / self.n[2]) % self.n[1], c % self.n[2]];
        let me = self.pos[e];
        // Per axis: the own cell and the ones below and above, each with the shift that brings
        // its atoms to this side of the boundary and the atom's distance from that side.
        let around = [0, 1, 2].map(|d| self.around(own[d], d, me[d]));
        let mut out = Nearest::new();
        for t in NEAR_FIRST {
            let (Some(x), Some(y), Some(z)) = (around[0][t[0]], around[1][t[1]], around[2][t[2]]) else {
                continue;
            };
            if x.gap * x.gap + y.gap * y.gap + z.gap * z.gap >= out.d2[MAX_NEIGH - 1] {
                continue;
            }
            let cell = (x.cell * self.n[1] + y.cell) * self.n[2] + z.cell;
            let shift = [x.shift, y.shift, z.shift];
            for j in self.entries(cell) {
                if j == e {
                    continue;
                }
                let p = self.pos[j];
                let mut v = [0, 1, 2].map(|d| p[d] + shift[d] - me[d]);
                for d in 0..3 {
                    if self.n[d] <= 3 {
                        v[d] -= self.len[d] * (v[d] / self.len[d]).round();
                    }
                }
                out.offer(v, v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            }
        }
        out
    }

    /// The own cell and the cells below and above cell coordinate `c` along `d`, each once.
    /// With three cells or fewer the minimum image is taken per pair instead (no shift, no
    /// gap): with three, an atom two cells away may be nearer through the boundary.
    fn around(&self, c: usize, d: usize, x: f64) -> [Option<Side>; 3] {
        let (n, len) = (self.n[d], self.len[d]);
        let edge = len / n as f64;
        let side = |cell, shift, gap| Some(Side { cell, shift, gap });
        match n {
            1 => [side(0, 0.0, 0.0), None, None],
            2 => [side(c, 0.0, 0.0), side(1 - c, 0.0, 0.0), None],
            3 => [side(c, 0.0, 0.0), side((c + 2) % 3, 0.0, 0.0), side((c + 1) % 3, 0.0, 0.0)],
            _ => {
                let low = (x - c as f64 * edge).max(0.0);
                let high = ((c + 1) as f64 * edge - x).max(0.0);
                let below = if c == 0 { side(n - 1, -len, low) } else { side(c - 1, 0.0, low) };
                let above = if c + 1 == n { side(0, len, high) } else { side(c + 1, 0.0, high) };
                [side(c, 0.0, 0.0), below, above]
            }
        }
    }
}

/// A neighbouring cell along one axis.
#[derive(Clone, Copy)]
struct Side {
    cell: usize,
    shift: f64,
    gap: f64,
}

/// The 27 (own, below, above) index triples, the own cell first, then the 6 sharing a
/// face, the 12 sharing an edge, the 8 sharing a corner: the 14 fill with near atoms first,
/// so farther cells are mostly skipped by their gap.
const NEAR_FIRST: [[usize; 3]; 27] = {
    let mut order = [[0; 3]; 27];
    let (mut m, mut rank) = (0, 0);
    while rank < 4 {
        let mut i = 0;
        while i < 27 {
            let t = [i / 9, (i / 3) % 3, i % 3];
            if (t[0] != 0) as usize + (t[1] != 0) as usize + (t[2] != 0) as usize == rank {
                order[m] = t;
                m += 1;
            }
            i += 1;
        }
        rank += 1;
    }
    order
};
