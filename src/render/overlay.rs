//! Layout of the 2-D overlay: the text panel (top left) and the colour legend (bottom left).
//!
//! Everything becomes a list of [`Rect`]s in pixels, so the layout is plain CPU code that
//! can be tested without a GPU, and one instanced pipeline draws all of it. Text is scaled
//! by whole font pixels (`scale` = 1 up to 360 px tall images, 2 up to 1080, …) so glyphs
//! stay crisp. Panels keep a margin from the image border: the corners of every frame show
//! the background, which the offscreen test checks.

use crate::cli::viewer::ColorBy;
use super::colormap::{ramp, rank_color, ColorScale};
use crate::analysis::cna::Structure;
use super::font::{push_text, text_width, Rect, LINE_H};
use crate::snapshot::Snapshot;

const TEXT: [u8; 4] = [235, 238, 245, 255];
const DIM: [u8; 4] = [170, 178, 195, 255];
const PANEL: [u8; 4] = [10, 12, 20, 170];

/// Font pixel size for an image `height` pixels tall.
pub fn text_scale(height: u32) -> u32 {
    (height / 360).clamp(1, 4)
}

/// Rates measured by the caller, shown when known.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    /// Simulation time steps per wall-clock second.
    pub steps_per_s: Option<f64>,
    /// Frames drawn per second.
    pub frames_per_s: Option<f64>,
}

/// The standard overlay text for a snapshot (upper case: the built-in font has no lower case).
pub fn hud_lines(snap: &Snapshot, rates: Rates, status: Option<&str>) -> Vec<String> {
    let mut lines = vec![
        format!("STEP {:>8}   T = {:.2} FS", snap.step, snap.time_fs),
        match snap.target_temp {
            Some(t) => format!("TEMP {:10.2} K   TARGET {t:.0} K", snap.temperature),
            None => format!("TEMP {:10.2} K", snap.temperature),
        },
        format!("E TOT {:+.6} EV/ATOM", snap.e_total),
        format!("ATOMS {}", snap.atoms.len()),
    ];
    let mut speed = Vec::new();
    if let Some(s) = rates.steps_per_s {
        speed.push(format!("{s:.1} STEPS/S"));
    }
    if let Some(f) = rates.frames_per_s {
        speed.push(format!("{f:.1} FPS"));
    }
    if !speed.is_empty() {
        lines.push(speed.join("  "));
    }
    if let Some(s) = status {
        lines.push(s.to_string());
    }
    lines
}

/// Appends the rectangles of the text panel and the legend for a `width`×`height` image.
pub fn layout(out: &mut Vec<Rect>, lines: &[String], scale: &ColorScale, width: u32, height: u32) {
    let s = text_scale(height);
    let sf = s as f32;
    let margin = 6.0 * sf;
    let pad = 4.0 * sf;
    let line_h = (LINE_H * s) as f32;

    // Small images (GIF thumbnails) keep only the step line; never run off the bottom.
    let fit = ((height as f32 - 2.0 * (margin + pad) + 2.0 * sf) / line_h).max(0.0) as usize;
    let fit = if height < 240 { fit.min(1) } else { fit };
    let lines = &lines[..lines.len().min(fit)];
    if !lines.is_empty() {
        let w = lines.iter().map(|l| text_width(l, s)).max().unwrap_or(0) as f32;
        let h = lines.len() as f32 * line_h - 2.0 * sf;
        out.push(Rect {
            xywh: [margin, margin, w + 2.0 * pad, h + 2.0 * pad],
            rgba: PANEL,
        });
        for (i, line) in lines.iter().enumerate() {
            let colour = if i == 0 { TEXT } else { DIM };
            push_text(
                out,
                line,
                margin + pad,
                margin + pad + i as f32 * line_h,
                s,
                colour,
            );
        }
    }
    legend(out, scale, width, height, s);
}

/// Structure classes in the order of the legend's colour bar.
const LEGEND_ORDER: [Structure; 5] =
    [Structure::Fcc, Structure::Hcp, Structure::Bcc, Structure::Ico, Structure::Other];

/// "FCC 97.0% HCP 1.0% …": the structure fractions, in legend order.
pub fn structure_text(fractions: &[f32; 5]) -> String {
    let parts: Vec<String> = LEGEND_ORDER
        .iter()
        .map(|s| format!("{} {:.1}%", s.name(), 100.0 * fractions[*s as usize]))
        .collect();
    parts.join(" ")
}

/// Colour bar with its title and end labels, bottom left.
fn legend(out: &mut Vec<Rect>, scale: &ColorScale, width: u32, height: u32, s: u32) {
    let sf = s as f32;
    let margin = 6.0 * sf;
    let pad = 4.0 * sf;
    let bar_h = 6.0 * sf;
    let line_h = (LINE_H * s) as f32;
    let panel_h = line_h + bar_h + 2.0 * sf + line_h + 2.0 * pad - 2.0 * sf;
    let x0 = margin;
    let y0 = height as f32 - margin - panel_h;
    if y0 < margin {
        return; // image too small for a legend
    }
    let rank = scale.by == ColorBy::Rank;
    let n_ranks = scale.n_ranks.max(1);
    let structure = scale.by == ColorBy::Structure;
    let (left, right) = if rank {
        ("0".to_string(), format!("{}", n_ranks - 1))
    } else if structure {
        (structure_text(&scale.fractions), String::new())
    } else {
        (format!("{:.4}", scale.lo), format!("{:.4}", scale.hi))
    };
    // Wide enough for both end labels and the title, at most 30 % of the image (or 320 px).
    let (lw, rw) = (text_width(&left, s) as f32, text_width(&right, s) as f32);
    let need =
        (lw + rw + 3.0 * text_width("0", s) as f32).max(text_width(scale.by.label(), s) as f32);
    let bar_w = (width as f32 * 0.3).min(320.0 * sf).max(need);
    out.push(Rect {
        xywh: [x0, y0, bar_w + 2.0 * pad, panel_h],
        rgba: PANEL,
    });
    let (bx, by) = (x0 + pad, y0 + pad + line_h);
    push_text(out, scale.by.label(), bx, y0 + pad, s, DIM);

    let segments = if rank { n_ranks.min(64) } else if structure { 5 } else { 48 };
    let w = bar_w / segments as f32;
    for i in 0..segments {
        let [cr, cg, cb] = if rank {
            rank_color(i)
        } else if structure {
            LEGEND_ORDER[i as usize].color()
        } else {
            ramp((i as f32 + 0.5) / segments as f32)
        };
        // Overlap the next segment by a pixel so no background shows between them.
        let ww = if i + 1 < segments { w + 1.0 } else { w };
        out.push(Rect {
            xywh: [bx + i as f32 * w, by, ww, bar_h],
            rgba: [cr, cg, cb, 255],
        });
    }
    let ly = by + bar_h + 2.0 * sf;
    push_text(out, &left, bx, ly, s, TEXT);
    push_text(out, &right, bx + bar_w - rw, ly, s, TEXT);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_stays_inside_and_off_the_corners() {
        let snap = Snapshot::fcc_demo(2, 3.615);
        for by in [ColorBy::Ke, ColorBy::Pe, ColorBy::Rank] {
            for (w, h) in [(200, 150), (1280, 720), (64, 48)] {
                let scale = ColorScale::for_snapshot(&snap, by);
                let mut rects = Vec::new();
                let lines = hud_lines(
                    &snap,
                    Rates {
                        steps_per_s: Some(12.0),
                        frames_per_s: None,
                    },
                    None,
                );
                layout(&mut rects, &lines, &scale, w, h);
                assert!(!rects.is_empty());
                for r in &rects {
                    let [x, y, rw, rh] = r.xywh;
                    assert!(x >= 1.0 && y >= 1.0, "{r:?}");
                    assert!(y + rh <= h as f32 - 1.0, "{r:?} in {w}x{h}");
                    assert!(rw > 0.0 && rh > 0.0);
                }
            }
        }
    }

    #[test]
    fn hud_mentions_step_and_rates() {
        let mut snap = Snapshot::fcc_demo(1, 3.615);
        snap.step = 42;
        let lines = hud_lines(
            &snap,
            Rates {
                steps_per_s: Some(3.0),
                frames_per_s: Some(9.5),
            },
            Some("PAUSED"),
        );
        assert!(lines[0].contains("42"));
        assert!(lines.iter().any(|l| l.contains("9.5 FPS")));
        assert_eq!(lines.last().map(String::as_str), Some("PAUSED"));
    }
}
