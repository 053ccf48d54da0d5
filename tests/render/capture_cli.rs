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
