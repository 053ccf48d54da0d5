//! The strip chart: temperature, total and potential energy per atom and pressure over the
//! last [`History::LEN`] snapshots, top right of the overlay (`g` in the window,
//! `--strip-chart` in captures).
//!
//! Each quantity gets its own small panel scaled to its own range over the window, with its
//! current value as the title, so a drift of 1e-4 eV/atom in the total energy shows as
//! clearly as a temperature rising by hundreds of kelvin. Samples are drawn as one square
//! each, font-pixel sized, with the same rectangle pipeline as the text (no new GPU code).

use super::font::{push_text, text_width, Rect, LINE_H};
use super::overlay::text_scale;
use crate::snapshot::Snapshot;
use std::collections::VecDeque;

/// The quantities charted: label, unit, line colour.
pub const SERIES: [(&str, &str, [u8; 4]); 4] = [
    ("T", "K", [255, 160, 60, 255]),
    ("E TOT", "EV", [90, 220, 120, 255]),
    ("E POT", "EV", [80, 200, 255, 255]),
    ("P", "GPA", [200, 140, 255, 255]),
];

const PANEL: [u8; 4] = [10, 12, 20, 170];
const DIM: [u8; 4] = [170, 178, 195, 255];

/// The last snapshots' figures, one row per step, oldest first.
#[derive(Debug, Clone, Default)]
pub struct History {
    rows: VecDeque<(u64, [f64; 4])>,
}

impl History {
    /// Rows kept.
    pub const LEN: usize = 300;

    /// Adds `snap`'s figures; a step already seen is ignored, an earlier one starts afresh.
    pub fn push(&mut self, snap: &Snapshot) {
        match self.rows.back() {
            Some(&(last, _)) if last == snap.step => return,
            Some(&(last, _)) if last > snap.step => self.rows.clear(),
            _ => {}
        }
        if self.rows.len() == Self::LEN {
            self.rows.pop_front();
        }
        self.rows.push_back((snap.step, [snap.temperature, snap.e_total, snap.e_potential, snap.pressure]));
    }

    /// Number of rows held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True before the first row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The values of series `k` (see [`SERIES`]), oldest first.
    pub fn series(&self, k: usize) -> impl Iterator<Item = f64> + '_ {
        self.rows.iter().map(move |r| r.1[k])
    }

    /// Appends the chart's rectangles for a `width`×`height` image: a panel per series in
    /// the top right corner; nothing in images under 240 px tall or before the first row.
    pub fn layout(&self, out: &mut Vec<Rect>, width: u32, height: u32) {
        if height < 240 || self.is_empty() {
            return;
        }
        let s = text_scale(height);
        let sf = s as f32;
        let (margin, pad, line_h) = (6.0 * sf, 4.0 * sf, (LINE_H * s) as f32);
        let plot_w = (width as f32 * 0.25).clamp(100.0 * sf, 200.0 * sf).min(width as f32 * 0.45);
        let plot_h = (height as f32 * 0.07).max(16.0 * sf);
        let panel_h = line_h + plot_h + 2.0 * pad;
        let x0 = width as f32 - margin - plot_w - 2.0 * pad;
        for (k, (label, unit, colour)) in SERIES.iter().enumerate() {
            let y0 = margin + k as f32 * (panel_h + 2.0 * sf);
            if y0 + panel_h > height as f32 - margin {
                break;
            }
            out.push(Rect { xywh: [x0, y0, plot_w + 2.0 * pad, panel_h], rgba: PANEL });
            let values: Vec<f64> = self.series(k).collect();
            let now = values.last().copied().unwrap_or(0.0);
            let title = format!("{label} {}", figure(now, unit));
            let title_w = text_width(&title, s) as f32;
            push_text(out, &title, x0 + pad + (plot_w - title_w).max(0.0), y0 + pad, s, DIM);
            let (lo, hi) = range(&values);
            let (px, py) = (x0 + pad, y0 + pad + line_h);
            let dx = plot_w / Self::LEN as f32;
            let x_end = px + plot_w - dx.max(sf);
            let n = values.len();
            let mut prev: Option<f32> = None;
            for (i, v) in values.iter().enumerate() {
                let u = if v.is_finite() { ((v - lo) / (hi - lo)) as f32 } else { 0.5 };
                let y = py + (1.0 - u.clamp(0.0, 1.0)) * (plot_h - sf);
                // newest at the right edge; a vertical run joins each sample to the one before
                let (top, bottom) = prev.map_or((y, y), |p| (p.min(y), p.max(y)));
                let x = x_end - (n - 1 - i) as f32 * dx;
                out.push(Rect { xywh: [x, top, dx.max(sf), bottom - top + sf], rgba: *colour });
                prev = Some(y);
            }
        }
    }
}

/// "612.3 K", "-3.53890 EV", "0.012 GPA": a current value with as many digits as it needs.
fn figure(v: f64, unit: &str) -> String {
    match unit {
        "K" => format!("{v:.1} {unit}"),
        "EV" => format!("{v:+.5} {unit}"),
        _ => format!("{v:+.3} {unit}"),
    }
}

/// The plotted range of `values`: their extremes, widened so a constant series sits in the
/// middle of its panel instead of dividing by zero.
fn range(values: &[f64]) -> (f64, f64) {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    let half = (0.5 * (hi - lo)).max(1e-9 * lo.abs().max(1.0));
    let mid = 0.5 * (hi + lo);
    (mid - 1.05 * half, mid + 1.05 * half)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(n: u64) -> History {
        let mut h = History::default();
        let mut snap = Snapshot::fcc_demo(1, 3.615);
        for step in 0..n {
            snap.step = step;
            snap.temperature = 300.0 + step as f64;
            h.push(&snap);
            h.push(&snap); // the same step twice counts once
        }
        h
    }

    #[test]
    fn keeps_the_last_rows_in_order() {
        let h = history(History::LEN as u64 + 20);
        assert_eq!(h.len(), History::LEN);
        let t: Vec<f64> = h.series(0).collect();
        assert_eq!(t[0], 320.0);
        assert!(t.windows(2).all(|w| w[1] > w[0]));
        let mut h = history(5);
        let mut snap = Snapshot::fcc_demo(1, 3.615);
        snap.step = 2; // a restart from an earlier step
        h.push(&snap);
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn chart_sits_top_right_inside_the_image() {
        let h = history(50);
        for (w, h_px) in [(1280, 720), (640, 480), (320, 240)] {
            let mut rects = Vec::new();
            h.layout(&mut rects, w, h_px);
            assert!(rects.len() > 4 * 50, "{} rects", rects.len());
            for r in &rects {
                let [x, y, rw, rh] = r.xywh;
                assert!(x >= 1.0 && x + rw <= w as f32 - 1.0 && y >= 1.0 && y + rh <= h_px as f32 - 1.0, "{r:?} in {w}x{h_px}");
                assert!(x > 0.4 * w as f32, "{r:?} not on the right");
            }
            // the rising temperature goes up the first panel: later samples are higher
            let t: Vec<&Rect> = rects.iter().filter(|r| r.rgba == SERIES[0].2).collect();
            assert!(t.last().unwrap().xywh[1] < t[0].xywh[1]);
        }
        let mut rects = Vec::new();
        h.layout(&mut rects, 200, 150);
        assert!(rects.is_empty(), "no chart in thumbnails");
    }

    #[test]
    fn ranges_never_divide_by_zero() {
        let (lo, hi) = range(&[5.0, 5.0]);
        assert!(lo < 5.0 && hi > 5.0);
        assert_eq!(range(&[f64::NAN]), (-1.0, 1.0));
        assert_eq!(figure(612.34, "K"), "612.3 K");
    }
}
