//! `--plot PATH.svg`: the thermo rows of a run drawn against time, four panels — total,
//! potential and kinetic energy per atom (eV) and temperature (K).
//!
//! Drawn with `plotters`' SVG backend only: text is written as SVG `<text>` and laid out by
//! the viewer, so no font files or system font libraries are needed. PNG is not offered (the
//! bitmap backend would need fonts to rasterise labels); convert the SVG if you need pixels
//! (`rsvg-convert -o run.png run.svg`). The file is written atomically.

use crate::error::usage;
use crate::output::ThermoRow;
use anyhow::Context;
use plotters::prelude::*;
use std::path::Path;

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
        let panels = root.split_evenly((2, 2));
        type Pick = fn(&ThermoRow) -> f64;
        let series: [(&str, &str, Pick, RGBColor); 4] = [
            ("total energy", "eV/atom", |r| r.e_total, RGBColor(0x1f, 0x77, 0xb4)),
            ("potential energy", "eV/atom", |r| r.e_potential, RGBColor(0x2c, 0xa0, 0x2c)),
            ("kinetic energy", "eV/atom", |r| r.e_kinetic, RGBColor(0xd6, 0x27, 0x28)),
            ("temperature", "K", |r| r.temperature, RGBColor(0x94, 0x67, 0xbd)),
        ];
        let (t0, t1) = span(rows.iter().map(|r| r.time));
        for (area, (name, unit, pick, color)) in panels.iter().zip(series) {
            let (y0, y1) = span(rows.iter().map(pick));
            let mut chart = ChartBuilder::on(area)
                .caption(name, ("sans-serif", 16))
                .margin(10)
                .x_label_area_size(36)
                .y_label_area_size(80)
                .build_cartesian_2d(t0..t1, y0..y1)
                .map_err(|e| err(&e))?;
            chart.configure_mesh().x_desc("time (fs)").y_desc(unit).draw().map_err(|e| err(&e))?;
            chart
                .draw_series(LineSeries::new(rows.iter().map(|r| (r.time, pick(r))), color.stroke_width(2)))
                .map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

/// Range of the values with a little margin (never empty).
fn span(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5 * lo.abs().max(1e-3) };
    (lo - pad, hi + pad)
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
            })
            .collect();
        let svg = render(&rows, "test").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..100]);
        assert!(svg.contains("<polyline") || svg.contains("<path"));
    }
}
