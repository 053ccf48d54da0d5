//! What the keys do to the window's [`App`]: camera resets, colouring, pause/step/throttle of
//! the run, `s`/`a` captures, help, and the status lines they leave in the overlay.
//!
//! Kept apart from `window` so that file is the event loop and the frame, this one the
//! meaning of each [`Action`].

use super::{App, GIF_DELAY_MS};
use crate::image_out::next_free_name;
use crate::image_out::writer::Job;
use crate::viewer::keys::{help_lines, next_delay, Action, TARGET_STEP_K};
use std::path::Path;
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
