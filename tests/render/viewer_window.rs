//! The real `comd --viewer` window under Xvfb.
//!
//! 1. Driven with xdotool (keys, mouse, `[`/`]` the thermostat's target, `s` screenshot, `a`
//!    GIF start/stop, `q`), via
//!    `tests/render/viewer_window.sh`.
//! 2. The window's own pixels (`xwd -id`), right after it opens and after a resize, without
//!    pressing any key, against an offscreen `--screenshot` of the same system, view and
//!    size. The two can never be identical (the atoms move between the two runs' frames,
//!    the window's overlay shows frame rates), so they are compared by coverage and by a
//!    coarse colour histogram, with tolerances explained at [`COVERAGE_TOL`].
//! 3. Ctrl-C with the window open ends the run and closes the window.
//!
//! Needs xvfb, xdotool, x11-utils, x11-apps (xwd) and a Vulkan/GL driver: `.ci/run` installs
//! them; elsewhere the tests skip with a reason.
#![cfg(feature = "viewer")]

mod pixels;
mod tools;
mod x11;

use comd::render::Image;
use pixels::{black, coverage, histogram, keep, load_png, tv_distance};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use x11::{tools_or_skip, Guarded, Xvfb};

#[test]
fn comd_viewer_window_screenshot_gif_and_quit() {
    let have = |t: &str| Command::new("sh").arg("-c").arg(format!("command -v {t}")).output().is_ok_and(|o| o.status.success());
    if !(have("Xvfb") && have("xdotool") && have("xwininfo")) {
        assert!(std::env::var_os("CI").is_none(), "CI must install xvfb, xdotool and x11-utils");
        eprintln!("skipping: Xvfb/xdotool/xwininfo not installed");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/render/viewer_window.sh");
    // a run long enough to drive the window (the script presses keys for ~15 s), small
    // enough that lavapipe renders quickly
    let out = Command::new("bash")
        .args([script, env!("CARGO_BIN_EXE_comd"), "-x", "6", "-y", "6", "-z", "6", "-N", "2000000", "-n", "1000", "--no-yaml", "--quiet", "--thermostat", "csvr", "--target-temp", "600"])
        .output()
        .expect("run the window script");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "window test failed:\n{text}");
    assert!(text.contains("ok: q closed the window"), "{text}");
    assert!(text.contains("ok: [ and ] moved the thermostat's target"), "{text}");
}

const BIN: &str = env!("CARGO_BIN_EXE_comd");
/// 864 atoms: lavapipe draws them in a few tens of ms, the box fills about a third of the view.
const SYSTEM: [&str; 6] = ["-x", "6", "-y", "6", "-z", "6"];
/// Largest |coverage(window) − coverage(offscreen)|. Measured differences were below 0.003:
/// the crystal vibrates (thermal displacements ≈ 0.1 Å against an atom radius of ≈ 1.3 Å),
/// so silhouettes change by a pixel here and there, and the window's overlay has a line
/// or two more text (frame rate) than the screenshot's. The bug this guards against (camera
/// fitted to a placeholder box, one atom filling the window) gave coverage 0.90–1.00 against 0.31–0.70.
const COVERAGE_TOL: f64 = 0.04;
/// Largest total-variation distance of the 64-bin colour histograms. Atoms are coloured
/// by kinetic energy between the snapshot's own 1st and 99th percentiles, so the colour
/// *distribution* is that of a thermal ensemble at any step, but with 864 atoms its sampling
/// noise and the different overlay text gave measured distances of 0.05–0.12 (the smaller
/// 640×480 view is the noisiest). One shaded sphere filling the window gave 0.64–0.87.
const HISTOGRAM_TOL: f64 = 0.2;

fn strings(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// `comd --screenshot` of SYSTEM after 200 steps at `size`, from `view`.
fn reference(dir: &Path, size: (u32, u32), view: Option<&str>) -> Image {
    let png = dir.join(format!("ref-{}x{}.png", size.0, size.1));
    let mut args = strings(&SYSTEM);
    args.extend(strings(&["-N", "200", "-n", "100", "--no-yaml", "--quiet", "--size", &format!("{}x{}", size.0, size.1)]));
    args.extend(["--screenshot".to_string(), png.display().to_string()]);
    if let Some(v) = view {
        args.extend(["--view".to_string(), v.to_string()]);
    }
    let env = [("XDG_RUNTIME_DIR", dir.display().to_string())];
    let mut run = Guarded::spawn(120, BIN, &args, &env, Stdio::null(), Stdio::piped());
    let status = run.wait_for(Duration::from_secs(130)).expect("the screenshot run did not end");
    assert_eq!(status, Some(0), "comd --screenshot failed");
    load_png(&png)
}

/// `comd --viewer` of SYSTEM (long enough to outlive the test) on `x`, its log in `dir`.
fn open_window(x: &Xvfb, dir: &Path, extra: &[&str]) -> (Guarded, String) {
    open_window_of(x, dir, &SYSTEM, extra)
}

/// `comd --viewer` of `system` (lattice flags or `--structure`), as [`open_window`].
fn open_window_of(x: &Xvfb, dir: &Path, system: &[&str], extra: &[&str]) -> (Guarded, String) {
    let mut args = strings(system);
    args.extend(strings(&["-N", "2000000", "-n", "1000", "--quiet", "--viewer"]));
    args.extend(strings(extra));
    let log = std::fs::File::create(dir.join("viewer.log")).expect("log file");
    let env = [("DISPLAY", x.display.clone()), ("XDG_RUNTIME_DIR", dir.display().to_string())];
    let app = Guarded::spawn(240, BIN, &args, &env, Stdio::from(log.try_clone().expect("log")), Stdio::from(log));
    let wid = x.find_window("comd-rs viewer");
    (app, wid)
}

/// The window's pixels once it shows the crystal: something was presented (not black),
/// atoms are drawn, and two grabs half a second apart agree (a snapshot has arrived).
fn settled_grab(x: &Xvfb, wid: &str, size: Option<(u32, u32)>) -> Image {
    let t0 = Instant::now();
    let mut prev: Option<Image> = None;
    while t0.elapsed() < Duration::from_secs(60) {
        let img = x.grab(wid);
        let drawn = black(&img) < 0.5 && coverage(&img) > 0.02 && size.is_none_or(|s| s == (img.width, img.height));
        if drawn {
            if let Some(p) = prev.filter(|p| (p.width, p.height) == (img.width, img.height)) {
                if (coverage(&p) - coverage(&img)).abs() < 0.02 {
                    eprintln!("window settled after {:.1} s", t0.elapsed().as_secs_f64());
                    return img;
                }
            }
            prev = Some(img);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("the window never showed a settled picture within 60 s");
}

fn compare(win: &Image, reference: &Image, label: &str) {
    keep(win, &format!("{label}-window"));
    keep(reference, &format!("{label}-offscreen"));
    assert_eq!((win.width, win.height), (reference.width, reference.height), "{label}: sizes");
    let (cw, cr) = (coverage(win), coverage(reference));
    let tv = tv_distance(&histogram(win), &histogram(reference));
    eprintln!("{label}: {}x{} coverage window {cw:.4} offscreen {cr:.4}, histogram distance {tv:.4}", win.width, win.height);
    assert!((cw - cr).abs() <= COVERAGE_TOL, "{label}: coverage {cw:.4} in the window, {cr:.4} offscreen");
    assert!(tv <= HISTOGRAM_TOL, "{label}: colour histograms differ by {tv:.4}");
}

/// Presses q and checks the run then ends normally.
fn quit(x: &Xvfb, wid: &str, app: &mut Guarded) {
    // focus then type: winit ignores the synthetic events of `xdotool key --window`
    x.client("xdotool", &["windowfocus", "--sync", wid]);
    x.client("xdotool", &["key", "--clearmodifiers", "q"]);
    assert_eq!(app.wait_for(Duration::from_secs(60)), Some(Some(0)), "q did not end the run with status 0");
}

#[test]
fn first_frame_and_resized_window_match_the_offscreen_view() {
    if !tools_or_skip(&["Xvfb", "xdotool", "xwd"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let x = Xvfb::start();
    let (mut app, wid) = open_window(&x, dir.path(), &[]);
    let first = settled_grab(&x, &wid, None);
    compare(&first, &reference(dir.path(), (first.width, first.height), None), "first");
    let out = x.client("xdotool", &["windowsize", &wid, "640", "480"]);
    assert!(out.status.success(), "xdotool windowsize failed");
    let resized = settled_grab(&x, &wid, Some((640, 480)));
    compare(&resized, &reference(dir.path(), (640, 480), None), "resized");
    quit(&x, &wid, &mut app);
}

#[test]
fn first_frame_follows_view_flag() {
    if !tools_or_skip(&["Xvfb", "xdotool", "xwd"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let x = Xvfb::start();
    let view = "60,10,1.6";
    let (mut app, wid) = open_window(&x, dir.path(), &["--view", view]);
    let first = settled_grab(&x, &wid, None);
    compare(&first, &reference(dir.path(), (first.width, first.height), Some(view)), "view");
    quit(&x, &wid, &mut app);
}

#[test]
fn ctrl_c_ends_the_run_and_closes_the_window() {
    if !tools_or_skip(&["Xvfb", "xdotool", "xwd"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let yaml = dir.path().join("run.yaml");
    let x = Xvfb::start();
    let (mut app, wid) = open_window(&x, dir.path(), &["--yaml", &yaml.display().to_string()]);
    settled_grab(&x, &wid, None);
    let t0 = Instant::now();
    let kill = Command::new("kill").args(["-INT", &app.program_pid().to_string()]).status().expect("kill");
    assert!(kill.success());
    let status = app.wait_for(Duration::from_secs(10));
    let log = std::fs::read_to_string(dir.path().join("viewer.log")).unwrap_or_default();
    eprintln!("exit {status:?} {:.2} s after SIGINT", t0.elapsed().as_secs_f64());
    assert_eq!(status, Some(Some(130)), "SIGINT with the window open must end comd with 130 within 10 s:\n{log}");
    assert!(log.contains("SIGINT received"), "{log}");
    assert!(yaml.exists(), "no YAML report after SIGINT:\n{log}");
    let left = x.client("xdotool", &["search", "--name", "comd-rs viewer"]);
    assert!(String::from_utf8_lossy(&left.stdout).trim().is_empty(), "the window is still there");
}
