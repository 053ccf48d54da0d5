//! Comparing two pictures of the same view that cannot be pixel-identical (the atoms moved
//! between them, the overlay text differs): by coverage and by a coarse colour histogram.

use comd::render::{Image, BACKGROUND};

/// Within 2 levels of the renderer's background colour.
fn is_background(p: &[u8]) -> bool {
    (0..3).all(|k| p[k].abs_diff(BACKGROUND[k]) <= 2)
}

/// Fraction of pixels that are not background.
pub fn coverage(img: &Image) -> f64 {
    let n = img.rgba.chunks(4).filter(|p| !is_background(p)).count();
    n as f64 / (img.width as f64 * img.height as f64).max(1.0)
}

/// Fraction of pure black pixels (a window nothing was presented to yet).
pub fn black(img: &Image) -> f64 {
    let n = img.rgba.chunks(4).filter(|p| p[..3] == [0, 0, 0]).count();
    n as f64 / (img.width as f64 * img.height as f64).max(1.0)
}

/// Colours of the non-background pixels in 4×4×4 bins, normalised to sum 1.
pub fn histogram(img: &Image) -> [f64; 64] {
    let mut h = [0.0; 64];
    let mut n = 0.0;
    for p in img.rgba.chunks(4).filter(|p| !is_background(p)) {
        h[usize::from(p[0] >> 6) * 16 + usize::from(p[1] >> 6) * 4 + usize::from(p[2] >> 6)] += 1.0;
        n += 1.0;
    }
    h.map(|v| v / f64::max(n, 1.0))
}

/// Total-variation distance of two histograms: 0 identical, 1 disjoint.
pub fn tv_distance(a: &[f64; 64], b: &[f64; 64]) -> f64 {
    0.5 * a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>()
}

/// Reads a PNG written by `comd --screenshot`.
pub fn load_png(path: &std::path::Path) -> Image {
    let img = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgba8();
    Image { width: img.width(), height: img.height(), rgba: img.into_raw() }
}

/// Saves `img` as `$VIEWER_TEST_OUT/name.png` when that variable is set (to look at it).
pub fn keep(img: &Image, name: &str) {
    if let Some(dir) = std::env::var_os("VIEWER_TEST_OUT") {
        let dir = std::path::PathBuf::from(dir);
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("{name}.png"));
        if let Err(e) = image::save_buffer(&path, &img.rgba, img.width, img.height, image::ExtendedColorType::Rgba8) {
            eprintln!("could not save {}: {e}", path.display());
        }
    }
}
