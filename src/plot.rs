//! `--plot PATH.svg`: the thermo rows of a run drawn against time, four panels — total,
//! potential and kinetic energy per atom (eV) and temperature (K) — with a thermostat's
//! target beside the temperature, and a fifth for the volume when a barostat changes it.
//!
//! Drawn with `plotters`' SVG backend only: text is written as SVG `<text>` and laid out by
//! the viewer, so no font files or system font libraries are needed. PNG is not offered (the
//! bitmap backend would need fonts to rasterise labels); convert the SVG if you need pixels
//! (`rsvg-convert -o run.png run.svg`). The file is written atomically.

use crate::error::usage;
use crate::output::ThermoRow;
use anyhow::Context;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::path::Path;

/// Tick labels per axis at most (plotters picks "nice" ticks, 1, 2 or 5 × 10^k apart).
const TICKS: usize = 6;

/// Checks that `path` names an SVG file (before the run starts).
pub fn check_path(path: &Path) -> anyhow::Result<()> {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("svg") => crate::config::check_writable(path),
        _ => Err(usage(format!("--plot {}: only .svg is supported (convert it for PNG, e.g. rsvg-convert)", path.display()))),
    }
}

/// The SVG text of the plot of `rows`.
pub fn render(rows: &[ThermoRow], title: &str) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, 720)).into_drawing_area();
        let err = |e: &dyn std::fmt::Display| anyhow::anyhow!("drawing the plot: {e}");
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let root = root.titled(title, ("sans-serif", 20)).map_err(|e| err(&e))?;
        let volume = rows.iter().any(|r| r.ensemble.is_some_and(|e| e.volume.is_some()));
        let panels = root.split_evenly(if volume { (3, 2) } else { (2, 2) });
        type Pick = fn(&ThermoRow) -> f64;
        let mut series: Vec<(&str, &str, Pick, RGBColor)> = vec![
            ("total energy", "eV/atom", |r| r.e_total, RGBColor(0x1f, 0x77, 0xb4)),
            ("potential energy", "eV/atom", |r| r.e_potential, RGBColor(0x2c, 0xa0, 0x2c)),
            ("kinetic energy", "eV/atom", |r| r.e_kinetic, RGBColor(0xd6, 0x27, 0x28)),
            ("temperature", "K", |r| r.temperature, RGBColor(0x94, 0x67, 0xbd)),
        ];
        if volume {
            series.push(("volume", "Å³", |r| r.ensemble.and_then(|e| e.volume).unwrap_or(f64::NAN), RGBColor(0x8c, 0x56, 0x4b)));
        }
        let target: Option<Pick> = rows.iter().any(|r| r.ensemble.is_some()).then_some(|r| r.ensemble.map_or(f64::NAN, |e| e.target_temp));
        let (t0, t1) = span(rows.iter().map(|r| r.time), 1.0);
        let xt = Ticks::new(t0, t1);
        for (area, (name, unit, pick, color)) in panels.iter().zip(series) {
            let extra = target.filter(|_| unit == "K");
            let (y0, y1) = span(rows.iter().map(pick).chain(rows.iter().filter_map(|r| extra.map(|t| t(r)))), if unit == "eV/atom" { 1e-3 } else { 1.0 });
            let yt = Ticks::new(y0, y1);
            let mut chart = ChartBuilder::on(area)
                .caption(name, ("sans-serif", 16))
                .margin(10)
                .x_label_area_size(36)
                .y_label_area_size(80)
                .build_cartesian_2d(t0..t1, y0..y1)
                .map_err(|e| err(&e))?;
            chart
                .configure_mesh()
                .x_labels(TICKS)
                .y_labels(TICKS)
                .x_label_formatter(&|v| xt.label(*v))
                .y_label_formatter(&|v| yt.label(*v))
                .x_desc(xt.title("time (fs)"))
                .y_desc(yt.title(unit))
                .draw()
                .map_err(|e| err(&e))?;
            let points = rows.iter().map(|r| (r.time, pick(r)));
            chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(2))).map_err(|e| err(&e))?.label(name).legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2)));
            if rows.len() < 2 {
                // a line needs two points: a run of -N 0 has one row
                chart.draw_series(points.map(|p| Circle::new(p, 4, color.filled()))).map_err(|e| err(&e))?;
            }
            if let Some(t) = extra {
                let grey = RGBColor(0x60, 0x60, 0x60);
                chart
                    .draw_series(LineSeries::new(rows.iter().map(|r| (r.time, t(r))), grey.stroke_width(1)))
                    .map_err(|e| err(&e))?
                    .label("target (of 3N−3 degrees of freedom)")
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], grey.stroke_width(1)));
                chart.configure_series_labels().position(SeriesLabelPosition::UpperLeft).background_style(WHITE.mix(0.8)).border_style(BLACK).draw().map_err(|e| err(&e))?;
            }
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

/// Range of the values with a little margin; a single value gets `±min_pad` around it
/// (never an empty range, never one narrower than the data's units make sense of).
fn span(values: impl Iterator<Item = f64>, min_pad: f64) -> (f64, f64) {
    let (lo, hi) = values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo { 0.05 * (hi - lo) } else { min_pad.max(1e-3 * lo.abs()) };
    (lo - pad, hi + pad)
}

/// How one axis writes its tick labels: rounded to the decimals that tell neighbouring ticks
/// apart, and, when that would take more than 7 significant digits (a total energy that
/// drifts by 1e-7 eV), in offset notation: `label × scale + offset`, stated in the axis title.
struct Ticks {
    decimals: usize,
    offset: f64,
    scale: f64,
}

impl Ticks {
    fn new(lo: f64, hi: f64) -> Ticks {
        let keys = RangedCoordf64::from(lo..hi).key_points(TICKS);
        let step = keys.windows(2).map(|w| w[1] - w[0]).fold(hi - lo, f64::min);
        let k = (step.log10() + 1e-9).floor();
        // 1, 2 or 5 × 10^k needs -k decimals; a step like 2.5 × 10^k one more
        let fractional = |m: f64| usize::from((m - m.round()).abs() > 1e-6);
        let decimals = (-k).max(0.0) as usize + fractional(step / 10f64.powf(k));
        let magnitude = lo.abs().max(hi.abs());
        let digits = magnitude.log10().floor().max(0.0) as usize + 1 + decimals;
        if digits <= 7 || !magnitude.is_finite() {
            return Ticks { decimals, offset: 0.0, scale: 1.0 };
        }
        let scale = 10f64.powf(k);
        let unit = scale * 1000.0;
        Ticks { decimals: fractional(step / scale), offset: ((lo + hi) / 2.0 / unit).round() * unit, scale }
    }

    fn label(&self, v: f64) -> String {
        let s = format!("{:.*}", self.decimals, (v - self.offset) / self.scale);
        if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { s.trim_start_matches('-').to_string() } else { s }
    }

    fn title(&self, unit: &str) -> String {
        if self.scale == 1.0 {
            return unit.to_string();
        }
        let sign = if self.offset < 0.0 { '−' } else { '+' };
        match self.offset {
            0.0 => format!("{unit} = label × {:e}", self.scale),
            o => {
                let decimals = (-(self.scale * 1000.0).log10().round()).max(0.0) as usize;
                format!("{unit} = label × {:e} {sign} {:.*}", self.scale, decimals, o.abs())
            }
        }
    }
}

/// Draws `rows` into `path` (SVG), atomically.
pub fn write(path: &Path, rows: &[ThermoRow], title: &str) -> anyhow::Result<()> {
    let svg = render(rows, title)?;
    crate::files::write_atomically(path, svg.as_bytes()).with_context(|| format!("writing the plot {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_an_svg_with_lines() {
        let rows: Vec<ThermoRow> = (0..5)
            .map(|i| ThermoRow {
                step: i * 10,
                time: i as f64 * 10.0,
                e_total: -1.166,
                e_potential: -1.24 + 0.01 * i as f64,
                e_kinetic: 0.07 - 0.01 * i as f64,
                temperature: 600.0 - 50.0 * i as f64,
                perf: 0.0,
                n_atoms: 32,
                pressure: 0.0,
                ensemble: None,
            })
            .collect();
        let svg = render(&rows, "test").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..100]);
        assert!(svg.contains("<polyline") || svg.contains("<path"));
    }

    /// The labels plotters would print for the ticks of `lo..hi`.
    fn labels(lo: f64, hi: f64) -> (Vec<String>, String) {
        let t = Ticks::new(lo, hi);
        let keys = RangedCoordf64::from(lo..hi).key_points(TICKS);
        (keys.iter().map(|&v| t.label(v)).collect(), t.title("eV/atom"))
    }

    #[test]
    fn tick_labels_are_distinct_and_rounded_for_any_range() {
        for (lo, hi) in [(-1.0885123, -1.0885119), (-1.0885, -1.0884), (0.0, 1000.0), (599.2, 600.4), (-1e-9, 1e-9), (1e6, 1e6 + 3.0), (-0.0005, 0.0005)] {
            let (l, title) = labels(lo, hi);
            eprintln!("{lo}..{hi}: {l:?} ({title})");
            assert!(l.len() >= 2, "{lo}..{hi}: {l:?}");
            let mut d = l.clone();
            d.dedup();
            assert_eq!(d.len(), l.len(), "{lo}..{hi}: repeated labels {l:?}");
            assert!(l.iter().all(|s| s.len() <= 9), "{lo}..{hi}: labels too long {l:?} ({title})");
        }
        // a tiny range around a large value is written as an offset
        let (l, title) = labels(-1.0885123, -1.0885119);
        assert!(title.contains("− 1.088"), "{title} {l:?}");
        assert_eq!(labels(0.0, 1000.0).0[..2], ["0".to_string(), "200".to_string()]);
    }

    #[test]
    fn a_single_row_is_drawn_as_a_point_on_a_sensible_axis() {
        let row = ThermoRow { step: 0, time: 0.0, e_total: -1.166, e_potential: -1.24, e_kinetic: 0.077, temperature: 600.0, perf: 0.0, n_atoms: 32, pressure: 0.0, ensemble: None };
        let svg = render(&[row], "one row").unwrap();
        assert_eq!(svg.matches("<circle").count(), 4, "one marker per panel");
        assert!(!svg.contains("0.0005"), "the time axis spans ±1 fs, not ±0.0005");
    }
}
