//! A private Xvfb server, the processes started on it, and grabbing a window's own pixels
//! with `xwd -id` (parsed here: XWD is a flat header plus raw pixels, no library needed).
//!
//! Every process runs under `timeout -s KILL` and is also killed (by its own pid) when its
//! guard is dropped, so a failing assertion never leaves a server, a window or a run behind.

use comd::render::Image;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// True when `tool` is on the PATH.
pub fn have(tool: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success())
}

/// True when every tool is there; otherwise fails in CI and explains the skip elsewhere.
pub fn tools_or_skip(tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "CI must install {missing:?} (.ci/run PKGS)");
    eprintln!("skipping: {missing:?} not installed (apt-get install xvfb xdotool x11-utils x11-apps)");
    false
}

/// A process started under `timeout -s KILL`, killed on drop if still running.
pub struct Guarded {
    pub child: Child,
}

impl Guarded {
    /// Starts `program args` under `timeout -s KILL secs`.
    pub fn spawn(secs: u32, program: &str, args: &[String], env: &[(&str, String)], out: Stdio, err: Stdio) -> Guarded {
        let mut cmd = Command::new("timeout");
        cmd.args(["-s", "KILL", &secs.to_string(), program]).args(args).stdout(out).stderr(err);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Guarded { child: cmd.spawn().unwrap_or_else(|e| panic!("cannot start {program}: {e}")) }
    }

    /// The pid of the program itself (the child of `timeout`), waiting briefly for it.
    pub fn program_pid(&self) -> u32 {
        let t = self.child.id();
        let path = format!("/proc/{t}/task/{t}/children");
        for _ in 0..100 {
            if let Some(pid) = std::fs::read_to_string(&path).ok().and_then(|s| s.split_whitespace().next()?.parse().ok()) {
                return pid;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("{path}: timeout started no program");
    }

    /// Waits up to `limit` for the exit; the status code, or `None` when still running.
    pub fn wait_for(&mut self, limit: Duration) -> Option<Option<i32>> {
        let t0 = Instant::now();
        while t0.elapsed() < limit {
            if let Ok(Some(s)) = self.child.try_wait() {
                return Some(s.code());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // kill the program; `timeout` then reaps it and exits (no zombie left behind)
            let t = self.child.id();
            if let Ok(kids) = std::fs::read_to_string(format!("/proc/{t}/task/{t}/children")) {
                for pid in kids.split_whitespace() {
                    let _ = Command::new("kill").args(["-KILL", pid]).status();
                }
            }
            if self.wait_for(Duration::from_secs(3)).is_none() {
                let _ = self.child.kill();
            }
            let _ = self.child.wait();
        }
    }
}

/// A private X server on a display number it picks itself (`-displayfd`: no race with
/// other tests or other developers' servers).
pub struct Xvfb {
    _server: Guarded,
    /// `:N`.
    pub display: String,
}

impl Xvfb {
    /// Starts `Xvfb -screen 0 1280x800x24` and waits until it has a display.
    pub fn start() -> Xvfb {
        let args = ["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"].map(String::from);
        let mut server = Guarded::spawn(300, "Xvfb", &args, &[], Stdio::piped(), Stdio::null());
        let stdout = server.child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let n: u32 = line.trim().parse().unwrap_or_else(|_| panic!("Xvfb gave no display number ({line:?})"));
        Xvfb { _server: server, display: format!(":{n}") }
    }

    /// Runs an X client (`xdotool`, `xwd`, ...) on this display under a 30 s timeout.
    pub fn client(&self, program: &str, args: &[&str]) -> std::process::Output {
        Command::new("timeout")
            .args(["-s", "KILL", "30", program])
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    /// The id of the first window called `name`, waiting up to 30 s for it.
    pub fn find_window(&self, name: &str) -> String {
        let out = self.client("xdotool", &["search", "--sync", "--name", name]);
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines().next().unwrap_or_else(|| panic!("no window {name:?} within 30 s")).trim().to_string()
    }

    /// The window's own pixels (`xwd -id`), as RGBA with alpha 255.
    pub fn grab(&self, window: &str) -> Image {
        let out = self.client("xwd", &["-silent", "-id", window]);
        assert!(out.status.success(), "xwd failed: {}", String::from_utf8_lossy(&out.stderr));
        parse_xwd(&out.stdout).unwrap_or_else(|e| panic!("xwd output: {e}"))
    }
}

/// Decodes a 24/32-bit TrueColor ZPixmap XWD file (what `xwd` gives on Xvfb's default screen).
pub fn parse_xwd(b: &[u8]) -> Result<Image, String> {
    let word = |i: usize| -> Result<u32, String> {
        b.get(4 * i..4 * i + 4).map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]])).ok_or_else(|| "short header".to_string())
    };
    let (header_size, format, width, height) = (word(0)? as usize, word(2)?, word(4)?, word(5)?);
    let (lsb_first, bpp, bpl) = (word(7)? == 0, word(11)?, word(12)? as usize);
    let masks = [word(14)?, word(15)?, word(16)?];
    let ncolors = word(19)? as usize;
    if format != 2 || bpp != 32 || masks.contains(&0) {
        return Err(format!("unsupported XWD: format {format}, {bpp} bits per pixel, masks {masks:x?}"));
    }
    let start = header_size + 12 * ncolors;
    let data = b.get(start..start + bpl * height as usize).ok_or("short pixel data")?;
    let mut rgba = Vec::with_capacity(4 * (width * height) as usize);
    for row in data.chunks(bpl) {
        for px in row[..4 * width as usize].chunks(4) {
            let v = if lsb_first { u32::from_le_bytes([px[0], px[1], px[2], px[3]]) } else { u32::from_be_bytes([px[0], px[1], px[2], px[3]]) };
            for m in masks {
                rgba.push(((v & m) >> m.trailing_zeros()) as u8);
            }
            rgba.push(255);
        }
    }
    Ok(Image { width, height, rgba })
}
