//! Offscreen rendering and capture on a real wgpu adapter (lavapipe in CI, no display).
//!
//! Without an adapter these tests fail when `CI` is set (CI installs Mesa) and otherwise
//! print why they did nothing.
#![cfg(feature = "viewer")]

use comd::capture::{CaptureError, OffscreenCapture};
use comd::render::gpu::in_ci;
use comd::render::{Image, BACKGROUND};
use comd::snapshot::Snapshot;
use comd::cli::viewer::{ColorBy, RenderMode, Size, ViewerArgs};
use image::AnimationDecoder;

fn capture_or_skip(args: &ViewerArgs) -> Option<OffscreenCapture> {
    match OffscreenCapture::new(args) {
        Ok(c) => {
            eprintln!("adapter: {}", c.adapter());
            Some(c)
        }
        Err(CaptureError::Gpu(e)) if !in_ci() => {
            eprintln!("SKIPPED (no graphics adapter, CI not set): {e}");
            None
        }
        Err(e) => panic!("offscreen capture unavailable: {e}"),
    }
}

fn small() -> ViewerArgs {
    ViewerArgs {
        size: Size {
            width: 200,
            height: 150,
        },
        ..Default::default()
    }
}

fn is_background(p: [u8; 4]) -> bool {
    (0..3).all(|k| p[k].abs_diff(BACKGROUND[k]) <= 2) && p[3] == 255
}

fn coverage(f: &Image) -> f64 {
    let n = f
        .rgba
        .chunks(4)
        .filter(|p| !is_background([p[0], p[1], p[2], p[3]]))
        .count();
    n as f64 / (f.width * f.height) as f64
}

#[test]
fn fcc_crystal_renders_with_background_corners() {
    let snap = Snapshot::fcc_demo(4, 3.615);
    for mode in [RenderMode::Spheres, RenderMode::Points] {
        let args = ViewerArgs {
            render_mode: mode,
            ..small()
        };
        let Some(mut cap) = capture_or_skip(&args) else {
            return;
        };
        let f = cap.render(&snap).unwrap();
        assert_eq!((f.width, f.height, f.rgba.len()), (200, 150, 200 * 150 * 4));
        for (x, y) in [(0, 0), (199, 0), (0, 149), (199, 149)] {
            assert!(
                is_background(f.pixel(x, y)),
                "{mode:?}: corner ({x},{y}) is {:?}",
                f.pixel(x, y)
            );
        }
        // About 0.5 at 200x150: ~0.4 crystal + ~0.1 overlay (an empty scene gives ~0.08).
        let c = coverage(&f);
        eprintln!("{mode:?}: coverage {c:.3}");
        assert!(
            (0.30..0.65).contains(&c),
            "{mode:?}: coverage {c:.3} outside the expected range"
        );
        // The centre of the crystal is covered by atoms, not background.
        assert!(
            !is_background(f.pixel(100, 75)),
            "{mode:?}: centre pixel is background"
        );
    }
}

#[test]
fn colouring_changes_the_picture() {
    let snap = Snapshot::fcc_demo(3, 3.615);
    let mut frames = Vec::new();
    for color in [ColorBy::Ke, ColorBy::Pe, ColorBy::Rank] {
        let Some(mut cap) = capture_or_skip(&ViewerArgs { color, ..small() }) else {
            return;
        };
        frames.push(cap.render(&snap).unwrap());
    }
    assert_ne!(frames[0], frames[1]);
    assert_ne!(frames[1], frames[2]);
}

#[test]
fn gif_frames_and_screenshot_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("run.gif");
    let png = dir.path().join("final.png");
    let frames_dir = dir.path().join("frames");
    let args = ViewerArgs {
        gif: Some(gif.clone()),
        gif_every: 2,
        screenshot: Some(png.clone()),
        frames: Some(frames_dir.clone()),
        frames_every: Some(5),
        ..small()
    };
    args.validate().unwrap();
    let Some(mut cap) = capture_or_skip(&args) else {
        return;
    };
    let base = Snapshot::fcc_demo(3, 3.615);
    let mut last = base.clone();
    for step in 0..=10 {
        last = Snapshot {
            step,
            ..base.clone()
        };
        last.atoms[0].pos[0] += step as f32 * 0.1;
        cap.on_snapshot(&last).unwrap();
    }
    let files = cap.finish(&last).unwrap();
    assert_eq!(files.len(), 3);

    // GIF: steps 0, 2, 4, 6, 8, 10.
    let reader = std::io::BufReader::new(std::fs::File::open(&gif).unwrap());
    let decoded = image::codecs::gif::GifDecoder::new(reader)
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    assert_eq!(decoded.len(), 6);
    assert!(decoded
        .iter()
        .all(|f| f.buffer().dimensions() == (200, 150)));

    // Screenshot.
    let shot = image::open(&png).unwrap().to_rgba8();
    assert_eq!(shot.dimensions(), (200, 150));

    // Frames: steps 0, 5, 10.
    let mut names: Vec<_> = std::fs::read_dir(&frames_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["frame-00000.png", "frame-00001.png", "frame-00002.png"]
    );
    // No temporary files left anywhere.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(!name.ends_with(".tmp"), "{name}");
    }
}
