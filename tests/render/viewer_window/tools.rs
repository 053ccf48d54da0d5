//! The window's tools, driven as a user drives them and checked on the window's pixels and
//! log: a slice (`x`, arrows), the strip chart (`g`), and picking an atom with a click at a
//! position the test projects itself from the camera.

use super::pixels::coverage;
use super::x11::{tools_or_skip, Xvfb};
use super::{open_window_of, quit, settled_grab, SYSTEM};
use comd::cli::viewer::ViewSpec;
use comd::render::camera::OrbitCamera;
use comd::render::Image;
use std::path::Path;
use std::time::{Duration, Instant};

/// Types `keys` into the window (focus first: winit ignores `xdotool key --window`).
fn press(x: &Xvfb, wid: &str, keys: &[&str]) {
    x.client("xdotool", &["windowfocus", "--sync", wid]);
    for k in keys {
        assert!(x.client("xdotool", &["key", "--clearmodifiers", k]).status.success(), "xdotool key {k}");
    }
}

/// Grabs until `ok` holds (the window redraws at most 10 times a second), or panics.
fn grab_until(x: &Xvfb, wid: &str, what: &str, ok: impl Fn(&Image) -> bool) -> Image {
    let t0 = Instant::now();
    loop {
        let img = x.grab(wid);
        if ok(&img) {
            return img;
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "{what}: not seen in 30 s (coverage {:.4})", coverage(&img));
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Pixels of `img` in the rectangle `[x0, x1) × [y0, y1)` (fractions of the size) for which `f` holds.
fn count_in(img: &Image, (x0, x1): (f64, f64), (y0, y1): (f64, f64), f: impl Fn(&[u8]) -> bool) -> usize {
    let (w, h) = (img.width as usize, img.height as usize);
    let (xa, xb) = ((x0 * w as f64) as usize, (x1 * w as f64) as usize);
    let (ya, yb) = ((y0 * h as f64) as usize, (y1 * h as f64) as usize);
    (ya..yb).flat_map(|y| (xa..xb).map(move |x| (y * w + x) * 4)).filter(|&i| f(&img.rgba[i..i + 4])).count()
}

/// Near one of the strip chart's line colours.
fn chart_colour(p: &[u8]) -> bool {
    comd::render::chart::SERIES.iter().any(|(_, _, c)| (0..3).all(|k| p[k].abs_diff(c[k]) <= 6))
}

#[test]
fn slice_keys_hide_atoms_and_g_shows_the_strip_chart() {
    if !tools_or_skip(&["Xvfb", "xdotool", "xwd"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let x = Xvfb::start();
    let (mut app, wid) = open_window_of(&x, dir.path(), &SYSTEM, &[]);
    let full = settled_grab(&x, &wid, None);
    let c_full = coverage(&full);
    // x: a 5 Å slab of a 21.7 Å box, about a quarter of the atoms (the box lines stay)
    press(&x, &wid, &["x"]);
    let sliced = grab_until(&x, &wid, "a slice", |img| coverage(img) < 0.7 * c_full);
    let c_slice = coverage(&sliced);
    // up arrow three times: 5 -> 9.8 Å, more atoms again, still fewer than all
    press(&x, &wid, &["Up", "Up", "Up"]);
    let wider = grab_until(&x, &wid, "a wider slice", |img| coverage(img) > c_slice * 1.2);
    assert!(coverage(&wider) < 0.95 * c_full, "a 9.8 Å slab shows everything");
    press(&x, &wid, &["x"]);
    grab_until(&x, &wid, "the slice switched off", |img| (coverage(img) - c_full).abs() < 0.04);
    eprintln!("coverage: all {c_full:.4}, 5 Å slice {c_slice:.4}, 9.8 Å slice {:.4}", coverage(&wider));
    // g: the chart's lines appear in the top right corner, and go again
    let right_top = |img: &Image| count_in(img, (0.6, 1.0), (0.0, 0.6), chart_colour);
    assert!(right_top(&full) < 20, "chart colours before g: {}", right_top(&full));
    press(&x, &wid, &["g"]);
    grab_until(&x, &wid, "the strip chart", |img| right_top(img) > 100);
    press(&x, &wid, &["g"]);
    grab_until(&x, &wid, "the strip chart gone", |img| right_top(img) < 20);
    let log = std::fs::read_to_string(dir.path().join("viewer.log")).unwrap_or_default();
    assert!(log.contains("slice x 10.8 a width 5.0 a") && log.contains("slice off"), "{log}");
    quit(&x, &wid, &mut app);
}

/// A still FCC crystal (4 atoms a cell, `n` cells a side, lattice 3.615 Å) as extended XYZ,
/// atom ids in file order: returns the box length and the positions.
fn still_crystal(path: &Path, n: usize) -> (f32, Vec<[f32; 3]>) {
    let a = 3.615f32;
    let mut pos = Vec::new();
    for (i, j, k) in (0..n).flat_map(|i| (0..n).flat_map(move |j| (0..n).map(move |k| (i, j, k)))) {
        for b in [[0.25, 0.25, 0.25], [0.25, 0.75, 0.75], [0.75, 0.25, 0.75], [0.75, 0.75, 0.25]] {
            pos.push([(i as f32 + b[0]) * a, (j as f32 + b[1]) * a, (k as f32 + b[2]) * a]);
        }
    }
    let l = n as f32 * a;
    let mut text = format!("{}\nLattice=\"{l} 0 0 0 {l} 0 0 0 {l}\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n", pos.len());
    for p in &pos {
        text.push_str(&format!("Cu {} {} {}\n", p[0], p[1], p[2]));
    }
    std::fs::write(path, text).expect("write the structure");
    (l, pos)
}

#[test]
fn a_click_picks_the_atom_under_the_cursor() {
    if !tools_or_skip(&["Xvfb", "xdotool", "xwd"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let xyz = dir.path().join("crystal.xyz");
    let (l, pos) = still_crystal(&xyz, 6);
    let x = Xvfb::start();
    let system = ["--structure", xyz.to_str().unwrap(), "-T", "0"];
    let (mut app, wid) = open_window_of(&x, dir.path(), &system, &[]);
    let img = settled_grab(&x, &wid, None);
    // the test's own camera: the window opens on --view's framing (the default) of the box
    let (w, h) = (img.width, img.height);
    let cam = OrbitCamera::for_view([0.0; 3], [l; 3], &ViewSpec::default(), w as f32 / h as f32);
    let eye = cam.eye();
    let dist = |p: &[f32; 3]| (nalgebra::Point3::from(*p) - eye).norm();
    // the atom nearest to the eye: nothing can be in front of it along its pixel's ray
    let gid = (0..pos.len()).min_by(|&i, &j| dist(&pos[i]).total_cmp(&dist(&pos[j]))).unwrap();
    let (px, py) = cam.project(pos[gid], w, h).expect("the atom is in front of the camera");
    eprintln!("clicking atom {gid} at {:?}, pixel ({px:.1}, {py:.1}) of {w}x{h}", pos[gid]);
    assert!(px > 0.35 * w as f32 && py > 0.2 * h as f32 && py < 0.8 * h as f32, "the chosen atom is under the overlay");
    click(&x, &wid, px, py);
    let log_path = dir.path().join("viewer.log");
    let picked = format!("picked atom {gid} at");
    wait_log(&log_path, &picked);
    // highlighted where the test clicked: magenta pixels around (px, py)
    let magenta = |p: &[u8]| p[0] > 120 && p[2] > 120 && p[1] < p[0] / 2;
    let near = |img: &Image| count_in(img, ((px - 15.0) as f64 / w as f64, (px + 15.0) as f64 / w as f64), ((py - 15.0) as f64 / h as f64, (py + 15.0) as f64 / h as f64), magenta);
    grab_until(&x, &wid, "the highlight", |img| near(img) > 30);
    // empty space (the right edge, mid height) clears it
    click(&x, &wid, w as f32 - 8.0, 0.5 * h as f32);
    wait_log(&log_path, "selection cleared");
    grab_until(&x, &wid, "the highlight gone", |img| near(img) == 0);
    quit(&x, &wid, &mut app);
}

fn click(x: &Xvfb, wid: &str, px: f32, py: f32) {
    let (sx, sy) = (format!("{}", px.round()), format!("{}", py.round()));
    let out = x.client("xdotool", &["mousemove", "--sync", "--window", wid, &sx, &sy, "click", "1"]);
    assert!(out.status.success(), "xdotool click: {}", String::from_utf8_lossy(&out.stderr));
}

fn wait_log(path: &Path, what: &str) {
    let t0 = Instant::now();
    loop {
        let log = std::fs::read_to_string(path).unwrap_or_default();
        if log.contains(what) {
            return;
        }
        assert!(t0.elapsed() < Duration::from_secs(20), "'{what}' not in the log within 20 s:\n{log}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
