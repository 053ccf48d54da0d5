//! Offscreen capture through the `comd` binary: `--gif` and `--screenshot` give files that
//! decode, with the expected frame count and size. Needs a Vulkan or GL driver (CI installs
//! Mesa); without one the run must fail cleanly (exit 2), which outside CI ends the test.
#![cfg(feature = "viewer")]

use crate::common::*;
use image::AnimationDecoder;

/// Outside CI, a run that failed for want of a graphics adapter: prints why the test skips.
fn no_adapter(out: &std::process::Output) -> bool {
    let missing = !out.status.success() && std::env::var_os("CI").is_none() && stderr(out).contains("adapter");
    if missing {
        eprintln!("skipping: no graphics adapter ({})", stderr(out).trim());
    }
    missing
}

/// The frames of the GIF at `path`, decoded with the `image` crate.
fn gif_frames(path: impl AsRef<std::path::Path>) -> Vec<image::Frame> {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    image::codecs::gif::GifDecoder::new(file).unwrap().into_frames().collect_frames().unwrap()
}

#[test]
fn gif_and_screenshot_from_the_binary_decode() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n).display().to_string();
    let (gif, png) = (d("run.gif"), d("final.png"));
    let out = comd()
        .args(["-x", "4", "-y", "4", "-z", "4", "-N", "40", "-n", "10", "--no-yaml", "--quiet"])
        .args(["--gif", &gif, "--gif-every", "10", "--screenshot", &png, "--size", "160x120", "--color", "rank"])
        .env("XDG_RUNTIME_DIR", dir.path())
        .output()
        .unwrap();
    if no_adapter(&out) {
        return;
    }
    assert_ok(&out);
    let frames = gif_frames(&gif);
    // steps 0, 10, 20, 30 while running, plus the final state
    assert!((4..=5).contains(&frames.len()), "{} frames", frames.len());
    for f in &frames {
        assert_eq!(f.buffer().dimensions(), (160, 120));
    }
    let shot = image::open(&png).unwrap();
    assert_eq!((shot.width(), shot.height()), (160, 120));
    // the crystal is there: not all pixels are the background
    let rgba = shot.to_rgba8();
    let corner = *rgba.get_pixel(0, 0);
    let differing = rgba.pixels().filter(|p| **p != corner).count();
    assert!(differing > 160 * 120 / 10, "only {differing} non-background pixels");
}

#[test]
fn gif_every_on_the_command_line_beats_the_deck_even_at_its_default() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("d.toml");
    std::fs::write(&deck, "nx = 4\nny = 4\nnz = 4\nnSteps = 20\nno-yaml = true\nquiet = true\ngif-every = 5\nsize = \"96x64\"\n").unwrap();
    let gif = dir.path().join("run.gif");
    let out = comd()
        .args(["--deck", deck.to_str().unwrap(), "--gif", gif.to_str().unwrap(), "--gif-every", "10"])
        .env("XDG_RUNTIME_DIR", dir.path())
        .output()
        .unwrap();
    if no_adapter(&out) {
        return;
    }
    assert_ok(&out);
    let frames = gif_frames(&gif);
    // every 10 steps: 0, 10 and the final state (every 5 would give 4 or 5 frames)
    assert!((2..=3).contains(&frames.len()), "{} frames", frames.len());
    // the deck's size, which the command line did not give, applies
    assert_eq!(frames[0].buffer().dimensions(), (96, 64));
}

/// Rows spanned by strongly coloured pixels (atoms coloured by the map; not the grey box
/// lines or text) in the columns right of the text panel and the legend.
fn atom_rows(img: &image::RgbaImage) -> (u32, u32, usize) {
    let (w, h) = img.dimensions();
    let mut rows = (u32::MAX, 0, 0);
    for (x, y, p) in img.enumerate_pixels() {
        let (hi, lo) = (p[0].max(p[1]).max(p[2]), p[0].min(p[1]).min(p[2]));
        if x > w * 2 / 5 && x < w * 19 / 20 && y < h && hi - lo > 60 {
            rows = (rows.0.min(y), rows.1.max(y), rows.2 + 1);
        }
    }
    rows
}

#[test]
fn slice_and_strip_chart_show_in_a_screenshot() {
    let dir = tempfile::tempdir().unwrap();
    let shot = |name: &str, extra: &[&str]| {
        let png = dir.path().join(name);
        let out = comd()
            .args(["-x", "8", "-y", "8", "-z", "8", "-N", "30", "-n", "5", "--no-yaml", "--quiet", "--size", "480x360"])
            .args(["--screenshot", png.to_str().unwrap()])
            .args(extra)
            .env("XDG_RUNTIME_DIR", dir.path())
            .output()
            .unwrap();
        (!no_adapter(&out)).then(|| {
            assert_ok(&out);
            image::open(&png).unwrap().to_rgba8()
        })
    };
    let Some(full) = shot("full.png", &[]) else { return };
    // a 4 Å slab normal to y (the screen's vertical) through the middle of the 28.9 Å box
    let sliced = shot("slice.png", &["--slice", "y,14.46,4"]).unwrap();
    let charted = shot("chart.png", &["--strip-chart"]).unwrap();
    let (f, s) = (atom_rows(&full), atom_rows(&sliced));
    eprintln!("atom pixels: full rows {}..{} ({} px), slice rows {}..{} ({} px)", f.0, f.1, f.2, s.0, s.1, s.2);
    // seen from 25° above, the slab shows its whole top face: about a third of the crystal's
    // pixels (0.36 measured), not 4/28.9 of them
    assert!(s.2 * 2 < f.2, "a 4 Å slab of 28.9 Å should cover far fewer pixels: {} vs {}", s.2, f.2);
    assert!(s.2 > f.2 / 30, "the slab is missing: {} px", s.2);
    // seen from 25° above, a horizontal slab is a thin band in the middle of the crystal
    assert!((s.1 - s.0) * 2 < f.1 - f.0, "slab rows {}..{} against {}..{}", s.0, s.1, f.0, f.1);
    assert!(s.0 > f.0 && s.1 < f.1);
    // the chart's line colours in the top right corner, only with --strip-chart
    let chart_px = |img: &image::RgbaImage| {
        img.enumerate_pixels()
            .filter(|(x, y, p)| *x > 300 && *y < 200 && comd::render::chart::SERIES.iter().any(|c| (0..3).all(|k| p[k].abs_diff(c.2[k]) <= 6)))
            .count()
    };
    assert!(chart_px(&charted) > 60, "{} chart pixels", chart_px(&charted));
    assert!(chart_px(&full) < 10, "{} chart-coloured pixels without --strip-chart", chart_px(&full));
}
