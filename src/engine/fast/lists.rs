//! Stored or streamed neighbour lists: the same lists, kept whole or rebuilt piece by piece
//! when the force loop reaches them.
//!
//! Stored lists (the default) are most of the default path's memory: ~86–91 entries of 3
//! bytes per atom on CoMD's LJ crystal, ~260 of its ~450 bytes per atom. Streamed lists keep
//! only what a build needs — the bin-ordered copies of the positions at the last rebuild (28
//! bytes per particle, [`super::scan::soa_scratch`]), each owned atom's slot in them (4
//! bytes: its build position, so the engine keeps no `r_ref` of its own) and the start of
//! every bin — and each rayon task of the force loop builds the lists of its own atoms right
//! before the kernels read them, then drops them.
//!
//! A streamed piece is the stored list, entry for entry: the same scan of the same copies,
//! from the same build positions. The kernels'
//! sums depend only on the entries and their order, so forces, energies and the virial have
//! the same bits either way (tested), and streaming changes no result, only the cost: a list
//! build per force evaluation (two for EAM), several times a step's force work on CoMD's
//! crystal. The engine factory streams when stored lists would not fit in memory
//! ([`crate::memory`]), or when `--lists streamed` asks.

use super::ghosts::Particles;
use super::neighbors::{NeighborList, Plan, Reach};
use super::pos4::Pos4;
use crate::types::Real3;

/// The neighbour lists of the owned atoms, in one of the two forms (opaque: a streamed
/// plan is only ever viewed with the copies it was built with).
#[derive(Debug)]
pub struct Lists(Kind);

#[derive(Debug)]
enum Kind {
    /// Kept whole.
    Stored(NeighborList),
    /// The build's inputs, kept.
    Streamed {
        /// The bins and limits of the last build (`None` before the first).
        plan: Option<Plan>,
        /// The bin-ordered copies of the positions of the last build.
        sorted: Vec<Pos4>,
        /// Where each owned atom is in `sorted`: its build position, so the engine keeps
        /// no copy of its own (`r_ref`, 24 bytes per atom).
        inv: Vec<u32>,
    },
}

impl Lists {
    /// Empty lists of the given form.
    pub fn new(streamed: bool) -> Lists {
        if streamed {
            Lists(Kind::Streamed { plan: None, sorted: Vec::new(), inv: Vec::new() })
        } else {
            Lists(Kind::Stored(NeighborList::default()))
        }
    }

    /// Whether the lists are streamed.
    pub fn is_streamed(&self) -> bool {
        matches!(self.0, Kind::Streamed { .. })
    }

    /// Rebuilds from the current positions of `parts` (ghosts covering `[lo − range, hi +
    /// range)`). Stored lists use `scratch` (stale memory of the caller) for the bin-ordered
    /// copies; streamed ones keep copies of their own. Streamed entries take 4 bytes (they
    /// are not kept, and 4-byte entries decode faster).
    pub fn rebuild(&mut self, parts: &Particles, lo: Real3, hi: Real3, reach: Reach, scratch: &mut Vec<Pos4>) {
        match &mut self.0 {
            Kind::Stored(nl) => {
                // the scratch is the force evaluation's padded position copy: sized for it
                // now, so it is not grown (and copied, at the peak) right after the build
                if scratch.len() < parts.r.len() {
                    scratch.resize(parts.r.len(), Pos4::default());
                }
                nl.rebuild(parts, lo, hi, reach, scratch)
            }
            Kind::Streamed { plan, sorted, inv } => {
                // the old plan's bin starts go first: the new one allocates its own
                *plan = None;
                let p = Plan::new(parts, lo, hi, reach, 4, sorted);
                let idx = super::scan::soa_view(sorted, p.n_particles()).idx;
                inv.clear();
                inv.resize(parts.n_own, u32::MAX);
                for (k, &j) in idx[..p.n_particles()].iter().enumerate() {
                    if let Some(slot) = inv.get_mut(j as usize) {
                        *slot = k as u32;
                    }
                }
                *plan = Some(p);
            }
        }
    }

    /// The lists for the force loop, with `r_ref` the owned atoms' positions at the last
    /// build as the engine keeps them for stored lists (streamed ones have their own).
    pub fn view<'a>(&'a self, r_ref: &'a [Real3]) -> ListsRef<'a> {
        match &self.0 {
            Kind::Stored(nl) => ListsRef(Source::Stored(nl)),
            Kind::Streamed { plan, sorted, .. } => {
                let plan = plan.as_ref().expect("streamed lists are built before they are used");
                ListsRef(Source::Streamed { plan, sorted, r_build: self.build_positions(r_ref) })
            }
        }
    }

    /// The owned atoms' positions at the last build: `r_ref` for stored lists, the
    /// bin-ordered copies of streamed ones.
    pub fn build_positions<'a>(&'a self, r_ref: &'a [Real3]) -> BuildPositions<'a> {
        match &self.0 {
            Kind::Stored(_) => BuildPositions::Copy(r_ref),
            Kind::Streamed { plan: None, .. } => BuildPositions::Copy(&[]),
            Kind::Streamed { plan: Some(p), sorted, inv } => BuildPositions::Sorted { sorted: super::scan::soa_view(sorted, p.n_particles()), inv },
        }
    }

    /// Heap bytes held between force evaluations.
    pub fn heap_bytes(&self) -> usize {
        match &self.0 {
            Kind::Stored(nl) => nl.heap_bytes(),
            Kind::Streamed { plan, sorted, inv } => sorted.capacity() * std::mem::size_of::<Pos4>() + inv.capacity() * 4 + plan.as_ref().map_or(0, Plan::heap_bytes),
        }
    }
}

/// Read access to [`Lists`] for a force loop. Opaque: made only from lists and the
/// inputs they were built with, so every entry a piece holds is a particle the kernels
/// may read without a bounds check.
#[derive(Debug, Clone, Copy)]
pub struct ListsRef<'a>(Source<'a>);

#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    /// Stored lists.
    Stored(&'a NeighborList),
    /// A build's inputs and the owned atoms' build positions.
    Streamed {
        /// The bins and limits of the build.
        plan: &'a Plan,
        /// The bin-ordered copies of the positions of the build.
        sorted: &'a [Pos4],
        /// The owned atoms' positions at the build.
        r_build: BuildPositions<'a>,
    },
}

/// The owned atoms' positions at the last list build.
#[derive(Clone, Copy)]
pub enum BuildPositions<'a> {
    /// A copy by atom (the engine's `r_ref`).
    Copy(&'a [Real3]),
    /// The lists' bin-ordered copies, and where each owned atom is in them.
    Sorted {
        /// The copies.
        sorted: super::scan::Sorted<'a>,
        /// Owned atom → slot.
        inv: &'a [u32],
    },
}

impl std::fmt::Debug for BuildPositions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildPositions::Copy(r) => write!(f, "Copy({} atoms)", r.len()),
            BuildPositions::Sorted { inv, .. } => write!(f, "Sorted({} atoms)", inv.len()),
        }
    }
}

impl BuildPositions<'_> {
    /// Position of owned atom `i` at the build.
    #[inline]
    pub fn get(&self, i: usize) -> Real3 {
        match self {
            BuildPositions::Copy(r) => r[i],
            BuildPositions::Sorted { sorted, inv } => {
                let k = inv[i] as usize;
                [sorted.xs[k], sorted.ys[k], sorted.zs[k]]
            }
        }
    }
}

impl<'a> ListsRef<'a> {
    /// Stored lists (for benches and tests that build a [`NeighborList`] themselves).
    pub fn stored(nl: &'a NeighborList) -> Self {
        ListsRef(Source::Stored(nl))
    }

    /// Whether the lists are streamed.
    pub fn is_streamed(&self) -> bool {
        matches!(self.0, Source::Streamed { .. })
    }

    /// Runs `body` with lists that hold (at least) owned atoms `first..first + n`: the
    /// stored lists, or a piece built for those atoms alone.
    #[inline]
    pub fn with<R>(self, first: usize, n: usize, body: impl FnOnce(&NeighborList) -> R) -> R {
        match self.0 {
            Source::Stored(nl) => body(nl),
            Source::Streamed { plan, sorted, r_build } => {
                let sorted = super::scan::soa_view(sorted, plan.n_particles());
                body(&NeighborList::piece(plan, |i| r_build.get(i), sorted, first..first + n))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fast::kernels::LjConsts;
    use crate::engine::fast::pos4::Positions;
    use crate::engine::fast::simd;
    use crate::types::Real;

    /// `n³` FCC cells of constant `lat`, each atom moved by up to `jiggle` Å per axis, or
    /// (`liquid`) as many atoms at uniformly random places; all owned, no ghosts.
    fn config(n: usize, lat: Real, jiggle: Real, liquid: bool, mut seed: u64) -> (Particles, Real) {
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as Real / (1u64 << 53) as Real
        };
        let l = n as Real * lat;
        let mut parts = Particles::default();
        let basis = [[0.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.5, 0.0, 0.5], [0.0, 0.5, 0.5]];
        for c in 0..n * n * n {
            for b in basis {
                let cell = [c % n, (c / n) % n, c / (n * n)];
                let r: Real3 = if liquid {
                    [rnd() * l, rnd() * l, rnd() * l]
                } else {
                    std::array::from_fn(|k| (cell[k] as Real + b[k]) * lat + jiggle * (2.0 * rnd() - 1.0))
                };
                // gids not in index order
                parts.gid.push(((parts.r.len() * 7919) % (4 * n * n * n)) as i32);
                parts.r.push(r);
            }
        }
        parts.n_own = parts.r.len();
        parts.p = vec![[0.0; 3]; parts.n_own];
        parts.image = vec![[0; 3]; parts.n_own];
        (parts, l)
    }

    #[test]
    fn streamed_pieces_are_the_stored_lists_and_hold_exactly_the_pairs_in_range() {
        let reach = Reach { cutoff: 5.0, range: 5.8 };
        // cold, hot and liquid
        for (jiggle, liquid, what) in [(0.0, false, "cold"), (0.4, false, "hot"), (0.0, true, "liquid")] {
            let (parts, l) = config(5, 3.615, jiggle, liquid, 17);
            let n = parts.n_own;
            let mut stored = Lists::new(false);
            let mut streamed = Lists::new(true);
            stored.rebuild(&parts, [0.0; 3], [l; 3], reach, &mut Vec::new());
            streamed.rebuild(&parts, [0.0; 3], [l; 3], reach, &mut Vec::new());
            assert!(streamed.is_streamed() && !stored.is_streamed());
            // what streaming is for
            assert!(3 * streamed.heap_bytes() < stored.heap_bytes(), "{what}: streamed {} B, stored {} B", streamed.heap_bytes(), stored.heap_bytes());
            let r_build = &parts.r[..n];
            let d2 = |i: usize, j: usize| (0..3).map(|k| (parts.r[i][k] - parts.r[j][k]).powi(2)).sum::<Real>();
            let mut checked = 0;
            // pieces as the force loop asks for them, the last one short
            for first in (0..n).step_by(96) {
                let len = 96.min(n - first);
                stored.view(r_build).with(first, len, |s| {
                    streamed.view(r_build).with(first, len, |p| {
                        for i in first..first + len {
                            let (a, b) = (s.of(i), p.of(i));
                            assert_eq!(a.to_vec(), b.to_vec(), "{what}: atom {i}");
                            assert_eq!(a.near_blocks(), b.near_blocks(), "{what}: atom {i}");
                            let mut got = b.to_vec();
                            got.sort_unstable();
                            let oracle: Vec<u32> = (0..n).filter(|&j| j != i && d2(i, j) < reach.range * reach.range).map(|j| j as u32).collect();
                            assert_eq!(got, oracle, "{what}: atom {i} against the O(N²) search");
                            checked += 1;
                        }
                    })
                });
            }
            assert_eq!(checked, n);
        }
    }

    #[test]
    fn lj_forces_energies_and_virial_have_the_same_bits_with_streamed_lists_and_split_positions() {
        let (parts, l) = config(5, 3.615, 0.3, false, 5);
        let n = parts.n_own;
        let reach = Reach { cutoff: 5.0, range: 5.8 };
        let r4: Vec<Pos4> = parts.r.iter().map(|p| Pos4([p[0], p[1], p[2], 0.0])).collect();
        let c = LjConsts::new(&crate::potential::lj::LennardJones::default());
        let run = |streamed: bool| {
            let mut lists = Lists::new(streamed);
            lists.rebuild(&parts, [0.0; 3], [l; 3], reach, &mut Vec::new());
            let (mut f, mut u) = (vec![[0.0; 3]; n], vec![0.0; n]);
            // as the force evaluation pairs them: stored lists with the padded copy, streamed
            // ones with the particles' own positions
            let at = if streamed { Positions::split(&parts.r, &[]) } else { Positions::padded(&r4) };
            let w = simd::lj(at, lists.view(&parts.r[..n]), &c, &mut f, &mut u, true);
            let bits = |v: &[Real]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            (bits(f.as_flattened()), bits(&u), bits(&w))
        };
        let (stored, streamed) = (run(false), run(true));
        assert!(stored.0.iter().any(|&b| b != 0), "some force is not zero");
        assert_eq!(stored, streamed);
    }
}
