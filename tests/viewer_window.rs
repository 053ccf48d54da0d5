//! The real `comd --viewer` window under Xvfb, driven with xdotool (keys, mouse, `s`
//! screenshot, `a` GIF start/stop, `q`), via `tests/viewer_window.sh`. Needs xvfb, xdotool
//! and a Vulkan/GL driver: `.ci/run` installs them; elsewhere the test skips with a reason.
#![cfg(feature = "viewer")]

use std::process::Command;

#[test]
fn comd_viewer_window_screenshot_gif_and_quit() {
    let have = |t: &str| Command::new("sh").arg("-c").arg(format!("command -v {t}")).output().is_ok_and(|o| o.status.success());
    if !(have("Xvfb") && have("xdotool") && have("xwininfo")) {
        assert!(std::env::var_os("CI").is_none(), "CI must install xvfb, xdotool and x11-utils");
        eprintln!("skipping: Xvfb/xdotool/xwininfo not installed");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/viewer_window.sh");
    // a run long enough to drive the window (the script presses keys for ~15 s), small
    // enough that lavapipe renders quickly
    let out = Command::new("bash")
        .args([script, env!("CARGO_BIN_EXE_comd"), "-x", "6", "-y", "6", "-z", "6", "-N", "2000000", "-n", "1000", "--no-yaml", "--quiet"])
        .output()
        .expect("run the window script");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "window test failed:\n{text}");
    assert!(text.contains("ok: q closed the window"), "{text}");
}
