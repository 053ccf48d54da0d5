//! What the keys and clicks do to the window's [`App`]: camera resets, colouring, slices,
//! picking, pause/step/throttle of the run, `s`/`a` captures, help, and the status lines
//! they leave in the overlay.
//!
//! Kept apart from `window` so that file is the event loop and the frame, this one the
//! meaning of each [`Action`].

use super::{App, GIF_DELAY_MS};
use crate::cli::viewer::Slice;
use crate::render::pick::{describe, pick};
use crate::image_out::next_free_name;
use crate::image_out::writer::Job;
use crate::viewer::keys::{help_lines, next_delay, Action, SLICE_STEP_A, SLICE_WIDEN, TARGET_STEP_K};
use std::path::Path;

/// Width of a slice when `x`, `y` or `z` first turns one on, Å (about three (001) planes of copper).
const DEFAULT_SLICE_A: f32 = 5.0;
use winit::event_loop::ActiveEventLoop;

impl App {
    pub(super) fn handle_action(&mut self, action: Action, event_loop: &ActiveEventLoop) {
        self.input_dirty = true;
        match action {
            Action::Quit => event_loop.exit(),
            Action::ResetView => {
                // New framing from --view, same projection.
                let ortho = self.camera.as_ref().is_some_and(|c| c.ortho);
                self.camera = None;
                self.reset_ortho = ortho;
            }
            Action::ToggleOrtho => {
                if let Some(c) = self.camera.as_mut() {
                    c.ortho = !c.ortho;
                }
            }
            Action::ToggleBox => self.opts.show_box = !self.opts.show_box,
            Action::CycleColor => {
                self.color = self.color.next();
                self.fresh = true; // re-upload colours
            }
            Action::TogglePause => {
                let paused = !self.control.is_paused();
                self.control.set_paused(paused);
                eprintln!(
                    "comd: simulation {}",
                    if paused { "paused" } else { "resumed" }
                );
            }
            Action::Step => {
                if !self.control.is_paused() {
                    self.control.set_paused(true);
                    eprintln!("comd: simulation paused");
                }
                self.control.request_step();
            }
            Action::Faster | Action::Slower => {
                let d = next_delay(self.control.delay_us(), action == Action::Slower);
                self.control.set_delay_us(d);
                eprintln!("comd: throttle {} ms per step", d as f64 / 1000.0);
            }
            Action::Cooler | Action::Hotter => {
                let dk = if action == Action::Hotter { TARGET_STEP_K } else { -TARGET_STEP_K };
                match self.snapshot.as_ref().and_then(|s| s.target_temp) {
                    Some(t) => {
                        self.control.nudge_target(dk);
                        eprintln!("comd: target temperature {:.0} K -> {:.0} K", t, (t + dk).max(0.0));
                    }
                    None => eprintln!("comd: this run has no thermostat (--thermostat): [ and ] do nothing"),
                }
            }
            Action::ToggleChart => self.show_chart = !self.show_chart,
            Action::Slice(_) | Action::MoveSlice(_) | Action::WidenSlice(_) => self.change_slice(action),
            Action::Screenshot => self.screenshot_requested = true,
            Action::ToggleGif => self.toggle_gif(),
            Action::Help => {
                self.show_help = !self.show_help;
                if self.show_help {
                    eprintln!("comd viewer keys:\n  {}", help_lines().join("\n  "));
                }
            }
        }
    }

    /// `x`/`y`/`z` (on, another axis, off), arrows (move, widen); colours are re-uploaded.
    fn change_slice(&mut self, action: Action) {
        let (lo, hi) = self.snapshot.as_ref().map_or(([0.0; 3], [1.0; 3]), |s| (s.box_min, s.box_max));
        let length = |k: usize| (hi[k] - lo[k]).max(f32::MIN_POSITIVE);
        self.slice = match (action, self.slice) {
            (Action::Slice(k), Some(s)) if s.axis == k => None,
            (Action::Slice(k), old) => Some(Slice { axis: k, pos: 0.5 * length(k), width: old.map_or(DEFAULT_SLICE_A, |s| s.width) }),
            (Action::MoveSlice(up), Some(s)) => {
                let step = if up { SLICE_STEP_A } else { -SLICE_STEP_A };
                Some(Slice { pos: (s.pos + step).rem_euclid(length(s.axis)), ..s })
            }
            (Action::WidenSlice(wider), Some(s)) => {
                let f = if wider { SLICE_WIDEN } else { 1.0 / SLICE_WIDEN };
                Some(Slice { width: (s.width * f).clamp(0.2, 2.0 * length(s.axis)), ..s })
            }
            (_, s) => s,
        };
        match &self.slice {
            Some(s) => eprintln!("comd: {}", s.describe().to_lowercase()),
            None => eprintln!("comd: slice off"),
        }
        self.fresh = true;
    }

    /// Left button down/up: a release less than a few pixels from the press is a click,
    /// which picks the atom under the cursor (or clears the pick on empty space).
    pub(super) fn on_left_button(&mut self, down: bool) {
        self.mouse.left = down;
        if down {
            self.mouse.press = self.mouse.pos.map(|p| (p, 0.0));
            return;
        }
        if let Some(((x, y), moved)) = self.mouse.press.take() {
            if moved < 4.0 {
                self.pick_at(x as f32, y as f32);
            }
        }
    }

    fn pick_at(&mut self, x: f32, y: f32) {
        let (Some(snap), Some(cam), Some(gfx)) = (self.snapshot.as_ref(), self.camera.as_ref(), self.gfx.as_ref()) else {
            return;
        };
        let hit = pick(snap, self.slice.as_ref(), cam, gfx.size(), x, y, gfx.renderer.radius());
        let before = self.picked;
        self.picked = hit.map(|i| snap.atoms[i].gid);
        match hit {
            Some(i) => {
                let a = &snap.atoms[i];
                eprintln!("comd: picked atom {} at ({:.3}, {:.3}, {:.3}) A", a.gid, a.pos[0], a.pos[1], a.pos[2]);
            }
            None if before.is_some() => eprintln!("comd: selection cleared"),
            None => {}
        }
        self.fresh = true; // re-upload colours with (or without) the highlight
        self.input_dirty = true;
    }

    /// The overlay lines of the slice and of the picked atom.
    pub(super) fn scene_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(s) = &self.slice {
            let shown = self.snapshot.as_ref().map_or(0, |snap| snap.atoms.iter().filter(|a| s.contains(a.pos, snap.box_min, snap.box_max)).count());
            lines.push(format!("{}: {shown} ATOMS", s.describe()));
        }
        let found = self.picked.zip(self.snapshot.as_ref()).and_then(|(gid, snap)| {
            let i = snap.atoms.binary_search_by_key(&gid, |a| a.gid).ok()?;
            Some(describe(snap, i))
        });
        if let Some(d) = found {
            lines.push(String::new());
            lines.extend(d);
        }
        lines
    }

    fn toggle_gif(&mut self) {
        let Some(writer) = self.writer.as_ref() else {
            return;
        };
        if self.recording.take().is_some() {
            let _ = writer.submit(Job::GifFinish);
            if self.dropped_gif_frames > 0 {
                eprintln!(
                    "comd: {} GIF frames skipped (encoder busy)",
                    self.dropped_gif_frames
                );
            }
            return;
        }
        let Some(gfx) = self.gfx.as_ref() else { return };
        let (width, height) = gfx.size();
        let path = next_free_name(
            Path::new("."),
            "animation",
            "gif",
            &mut self.name_counters.1,
        );
        eprintln!("comd: recording {} (press a to stop)", path.display());
        if writer
            .submit(Job::GifStart {
                path,
                width,
                height,
                delay_ms: GIF_DELAY_MS,
            })
            .is_ok()
        {
            self.recording = Some((width, height));
            self.dropped_gif_frames = 0;
            self.fresh = true; // first frame now
        }
    }

    pub(super) fn status(&self) -> Vec<String> {
        let mut s = Vec::new();
        if self.finished {
            s.push("RUN FINISHED".to_string());
        } else if self.control.is_paused() {
            s.push("PAUSED (SPACE: RESUME, .: STEP)".to_string());
        }
        if self.control.delay_us() > 0 {
            s.push(format!(
                "THROTTLE {} MS/STEP",
                self.control.delay_us() as f64 / 1000.0
            ));
        }
        if self.recording.is_some() {
            s.push("* REC GIF (A: STOP)".to_string());
        }
        s
    }
}
