//! Per-atom colours: a continuous ramp for kinetic/potential energy, a categorical palette
//! for MPI ranks.
//!
//! Colours are computed on the CPU once per snapshot and uploaded with the positions as
//! 8-bit sRGB (16 bytes per atom in total). That keeps the shaders free of colour logic and
//! the instance buffer small; the loop costs about a millisecond for 256 000 atoms.
//!
//! The energy range is the 1st to 99th percentile of the snapshot, not min/max: one hot
//! atom would otherwise wash the whole crystal out to a single colour.

use crate::analysis::cna::Structure;
use crate::cli::viewer::ColorBy;
use crate::snapshot::{Snapshot, SnapshotAtom};

/// Mapping from an atom to a colour, fixed for one snapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColorScale {
    /// The quantity being shown.
    pub by: ColorBy,
    /// Value drawn with the first ramp colour, eV.
    pub lo: f32,
    /// Value drawn with the last ramp colour, eV.
    pub hi: f32,
    /// Number of ranks (colour-by-rank).
    pub n_ranks: u32,
    /// Fraction of atoms per structure class (by code; colour-by-structure).
    pub fractions: [f32; 5],
}

impl ColorScale {
    /// The scale for `snap`, robust to outliers (1st–99th percentile).
    pub fn for_snapshot(snap: &Snapshot, by: ColorBy) -> Self {
        let pick: fn(&SnapshotAtom) -> f32 = match by {
            ColorBy::Pe => |a| a.potential,
            _ => |a| a.kinetic,
        };
        let (lo, hi) = if matches!(by, ColorBy::Rank | ColorBy::Structure) || snap.atoms.is_empty() {
            (0.0, 1.0)
        } else {
            let mut v: Vec<f32> = snap
                .atoms
                .iter()
                .map(pick)
                .filter(|x| x.is_finite())
                .collect();
            percentile_range(&mut v, 0.01, 0.99)
        };
        let max_rank = snap.atoms.iter().map(|a| a.rank).max().unwrap_or(0);
        ColorScale {
            by,
            lo,
            hi,
            n_ranks: snap.n_ranks.max(max_rank + 1).max(1),
            fractions: structure_fractions(snap),
        }
    }

    /// Position of `value` on the ramp, clamped to [0, 1].
    pub fn unit(&self, value: f32) -> f32 {
        let span = self.hi - self.lo;
        if span > 0.0 {
            ((value - self.lo) / span).clamp(0.0, 1.0)
        } else {
            0.5
        }
    }

    /// sRGB colour (alpha 255) of one atom.
    pub fn color(&self, a: &SnapshotAtom) -> [u8; 4] {
        let [r, g, b] = match self.by {
            ColorBy::Ke => ramp(self.unit(a.kinetic)),
            ColorBy::Pe => ramp(self.unit(a.potential)),
            ColorBy::Rank => rank_color(a.rank),
            ColorBy::Structure => Structure::from_code(a.structure as u8).color(),
        };
        [r, g, b, 255]
    }
}

/// Fraction of the atoms of `snap` in each structure class (index = class code).
fn structure_fractions(snap: &Snapshot) -> [f32; 5] {
    let mut n = [0usize; 5];
    for a in &snap.atoms {
        n[Structure::from_code(a.structure as u8) as usize] += 1;
    }
    let total = snap.atoms.len().max(1) as f32;
    n.map(|k| k as f32 / total)
}

/// (lo, hi) percentiles of `v` (reordered in place); (0, 1) for an empty slice.
fn percentile_range(v: &mut [f32], lo_q: f64, hi_q: f64) -> (f32, f32) {
    if v.is_empty() {
        return (0.0, 1.0);
    }
    let last = v.len() - 1;
    let idx = |q: f64| ((q * last as f64).round() as usize).min(last);
    let (i_lo, i_hi) = (idx(lo_q), idx(hi_q));
    let lo = *v.select_nth_unstable_by(i_lo, f32::total_cmp).1;
    let hi = *v.select_nth_unstable_by(i_hi, f32::total_cmp).1;
    (lo, hi)
}

/// Blue → cyan → green → yellow → red ramp (sRGB), `t` in [0, 1].
pub fn ramp(t: f32) -> [u8; 3] {
    const STOPS: [[f32; 3]; 5] = [
        [0.17, 0.25, 0.78],
        [0.10, 0.68, 0.85],
        [0.30, 0.78, 0.35],
        [0.96, 0.83, 0.20],
        [0.86, 0.18, 0.13],
    ];
    let x = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f32;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f32;
    let mix = |k: usize| ((STOPS[i][k] * (1.0 - f) + STOPS[i + 1][k] * f) * 255.0).round() as u8;
    [mix(0), mix(1), mix(2)]
}

/// A distinct colour per rank (ten hues, repeating).
pub fn rank_color(rank: u32) -> [u8; 3] {
    const PALETTE: [[u8; 3]; 10] = [
        [66, 133, 244],
        [234, 67, 53],
        [251, 188, 5],
        [52, 168, 83],
        [171, 71, 188],
        [0, 172, 193],
        [255, 112, 67],
        [158, 157, 36],
        [92, 107, 192],
        [240, 98, 146],
    ];
    PALETTE[(rank % PALETTE.len() as u32) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_ends_and_monotone_red() {
        assert_eq!(ramp(0.0), [43, 64, 199]);
        assert_eq!(ramp(1.0), [219, 46, 33]);
        assert_eq!(ramp(-3.0), ramp(0.0));
        assert_eq!(ramp(7.0), ramp(1.0));
    }

    #[test]
    fn scale_ignores_outliers() {
        let mut snap = Snapshot::fcc_demo(3, 3.615);
        snap.atoms[5].kinetic = 1e6;
        let s = ColorScale::for_snapshot(&snap, ColorBy::Ke);
        assert!(s.hi < 1.0 && s.lo >= 0.05 && s.lo < s.hi, "{s:?}");
        assert_eq!(s.color(&snap.atoms[5]), [219, 46, 33, 255]);
        assert_eq!(s.n_ranks, 2);
        let r = ColorScale::for_snapshot(&snap, ColorBy::Rank);
        assert_eq!(r.color(&snap.atoms[0])[..3], rank_color(snap.atoms[0].rank));
    }

    #[test]
    fn flat_field_is_mid_ramp() {
        let s = ColorScale {
            by: ColorBy::Ke,
            lo: 1.0,
            hi: 1.0,
            n_ranks: 1,
            fractions: [0.0; 5],
        };
        assert_eq!(s.unit(1.0), 0.5);
        let mut v: Vec<f32> = vec![];
        assert_eq!(percentile_range(&mut v, 0.0, 1.0), (0.0, 1.0));
    }
}
