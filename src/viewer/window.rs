//! The live window: a winit 0.30 [`ApplicationHandler`] around the shared [`Renderer`].
//!
//! **Threads.** The window runs on the calling (main) thread; the simulation runs elsewhere
//! and sends [`Snapshot`]s on a crossbeam channel. The window never blocks on it: it drains
//! the channel with `try_recv` and keeps only the newest snapshot. Controls flow back
//! through [`RunControl`] atomics (pause, single step, throttle), so the simulation never
//! waits for the window either.
//!
//! **CPU budget.** Without a GPU, lavapipe renders on the same two cores as the simulation.
//! The window therefore redraws only when something changed (new snapshot, input, resize),
//! leaves idle time after each frame in proportion to its cost (see [`super::pacing`]) and
//! sleeps in between (`ControlFlow::WaitUntil`), waking every 50 ms to look at the channel.
//!
//! **Closing.** `q`, Esc or the window's close button close the window; `comd` then asks
//! the run to stop (it finishes the current step and writes its reports, see `main.rs`).
//! The other way round, a stop requested while the window is open (Ctrl-C: the signal
//! thread sets [`RunControl::request_stop`]) closes the window, so one Ctrl-C ends
//! everything. On closing, the window un-pauses the simulation and removes any throttle,
//! so a run paused in the viewer cannot hang.
//!
//! **Camera.** The camera is fitted, from `--view`, to the box of the *first snapshot*
//! (the placeholder drawn while waiting for it gets a throw-away camera): fitting it to the
//! placeholder's unit box once put the eye next to an atom, one sphere filling the window.
//! A resize rescales the distance for the new aspect ([`OrbitCamera::refit_aspect`]), so
//! the window always shows what `r` and an offscreen `--screenshot` of that size show.
//!
//! **Captures.** `s` and `a` render offscreen at the window size (the swapchain is not
//! readable on every backend) and hand the image to the capture writer thread, which prints
//! the file name (`screenshot-NNN.png`, `animation-NNN.gif` in the current directory,
//! never overwriting an existing file).

use crate::cli::viewer::{ColorBy, Slice, ViewerArgs};
use super::keys::{action_for, help_lines};
use super::pacing::{FrameKind, Pacer, RateMeter};
use super::structure::StructureCache;
use super::surface::{Gfx, Presented};
use crate::image_out::next_free_name;
use crate::image_out::writer::{Job, Writer};
use crate::render::camera::OrbitCamera;
use crate::render::overlay::{hud_lines, Rates};
use crate::render::chart::History;
use crate::render::{DrawOptions, Overlay, Scene};
use crate::snapshot::{RunControl, Snapshot};
use anyhow::anyhow;
use crossbeam_channel::{Receiver, TryRecvError};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use winit::application::ApplicationHandler;
use winit::event::{ElementState, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop, OwnedDisplayHandle};
use winit::window::WindowId;

mod actions;

const GIF_DELAY_MS: u32 = 100;

/// Runs the window until it is closed. See [`crate::viewer::run_window`].
pub(crate) fn run(
    args: &ViewerArgs,
    rx: Receiver<Snapshot>,
    control: Arc<RunControl>,
) -> anyhow::Result<()> {
    let event_loop = EventLoop::new().map_err(|e| anyhow!("cannot open a window: {e}"))?;
    let mut app = App::new(args, rx, control.clone(), event_loop.owned_display_handle());
    let result = event_loop
        .run_app(&mut app)
        .map_err(|e| anyhow!("window event loop failed: {e}"));
    // Whatever happened, never leave the simulation paused or throttled.
    control.set_paused(false);
    control.set_delay_us(0);
    let errors = app.writer.take().map(Writer::finish).unwrap_or_default();
    result?;
    if let Some(e) = app.fatal.take() {
        return Err(e);
    }
    if let Some(e) = errors.into_iter().next() {
        return Err(anyhow!("viewer capture failed: {e}"));
    }
    Ok(())
}

/// Width over height of a viewport in pixels.
fn aspect((w, h): (u32, u32)) -> f32 {
    w as f32 / h.max(1) as f32
}

#[derive(Default)]
struct Mouse {
    pos: Option<(f64, f64)>,
    left: bool,
    right: bool,
    /// Where the left button went down and how far the cursor moved since (a click
    /// picks, a drag orbits).
    press: Option<((f64, f64), f64)>,
}

struct App {
    args: ViewerArgs,
    rx: Receiver<Snapshot>,
    control: Arc<RunControl>,
    display: OwnedDisplayHandle,
    gfx: Option<Gfx>,
    fatal: Option<anyhow::Error>,
    snapshot: Option<Snapshot>,
    fresh: bool,
    finished: bool,
    camera: Option<OrbitCamera>,
    color: ColorBy,
    opts: DrawOptions,
    mouse: Mouse,
    input_dirty: bool,
    pacer: Pacer,
    fps: RateMeter,
    frames_drawn: u64,
    steps_per_s: RateMeter,
    show_help: bool,
    writer: Option<Writer>,
    screenshot_requested: bool,
    recording: Option<(u32, u32)>,
    dropped_gif_frames: u64,
    name_counters: (u32, u32),
    reset_ortho: bool,
    cna: StructureCache,
    slice: Option<Slice>,
    picked: Option<u32>,
    show_chart: bool,
    history: History,
}

impl App {
    fn new(
        args: &ViewerArgs,
        rx: Receiver<Snapshot>,
        control: Arc<RunControl>,
        display: OwnedDisplayHandle,
    ) -> Self {
        App {
            args: args.clone(),
            rx,
            control,
            display,
            gfx: None,
            fatal: None,
            snapshot: None,
            fresh: false,
            finished: false,
            camera: None,
            color: args.color,
            opts: DrawOptions {
                mode: args.render_mode,
                show_box: true,
                cull: true,
            },
            mouse: Mouse::default(),
            input_dirty: true,
            pacer: Pacer::new(Instant::now()),
            fps: RateMeter::default(),
            frames_drawn: 0,
            steps_per_s: RateMeter::default(),
            show_help: false,
            writer: Some(Writer::spawn(3)),
            screenshot_requested: false,
            recording: None,
            dropped_gif_frames: 0,
            name_counters: (0, 0),
            reset_ortho: false,
            cna: StructureCache::default(),
            slice: args.slice,
            picked: None,
            show_chart: args.strip_chart,
            history: History::default(),
        }
    }

    /// Takes the newest snapshot from the channel; notes when the sender is gone.
    fn poll_channel(&mut self) {
        loop {
            match self.rx.try_recv() {
                Ok(s) => {
                    self.history.push(&s);
                    self.snapshot = Some(s);
                    self.fresh = true;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if !self.finished {
                        self.finished = true;
                        self.input_dirty = true;
                    }
                    break;
                }
            }
        }
    }

    /// The overlay's lines: the run's figures (or that it has not sent any yet), the
    /// `status` lines and, with `h`, the key list.
    fn overlay(&self, status: Vec<String>) -> Vec<String> {
        let mut hud = match self.snapshot.as_ref() {
            Some(snap) => {
                let rates = Rates { steps_per_s: self.steps_per_s.rate(), frames_per_s: self.fps.rate() };
                hud_lines(snap, rates, None)
            }
            None => vec!["WAITING FOR THE SIMULATION...".to_string()],
        };
        hud.extend(status);
        hud.extend(self.scene_lines());
        if self.show_help {
            hud.push(String::new());
            hud.extend(help_lines());
        }
        hud
    }

    fn redraw(&mut self) {
        let t0 = Instant::now();
        let was_fresh = std::mem::take(&mut self.fresh);
        let status = self.status();
        if let (true, ColorBy::Structure, Some(s)) = (was_fresh, self.color, self.snapshot.as_mut()) {
            self.cna.label(s);
        }
        if let (true, Some(s)) = (was_fresh, self.snapshot.as_ref()) {
            self.steps_per_s.observe(s.step, t0);
        }
        let hud = self.overlay(status);
        let Some(gfx) = self.gfx.as_mut() else { return };
        let (w, h) = gfx.size();
        let empty = Snapshot {
            box_max: [1.0; 3],
            ..Default::default()
        };
        let snap = self.snapshot.as_ref().unwrap_or(&empty);
        if was_fresh {
            let scene = Scene { color: self.color, slice: self.slice, picked: self.picked };
            gfx.renderer.set_snapshot(&gfx.gpu.device, &gfx.gpu.queue, snap, &scene);
        }
        let (view, ortho) = (self.args.view(), self.reset_ortho);
        let fit = |s: &Snapshot| OrbitCamera {
            ortho,
            ..OrbitCamera::for_view(s.box_min, s.box_max, &view, aspect((w, h)))
        };
        let waiting;
        let camera: &OrbitCamera = match self.snapshot.as_ref() {
            Some(s) => self.camera.get_or_insert_with(|| fit(s)),
            None => {
                waiting = fit(snap);
                &waiting
            }
        };
        let overlay = Overlay { lines: &hud, chart: self.show_chart.then_some(&self.history) };
        if gfx.present(camera, &self.opts, &overlay) == Presented::Retry {
            self.input_dirty = true;
            return;
        }

        // Captures re-render offscreen with the same camera and overlay.
        let mut grab = |size| match gfx.grab(size, camera, &self.opts, &overlay) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("comd: capture failed: {e}");
                None
            }
        };
        if std::mem::take(&mut self.screenshot_requested) {
            let counter = &mut self.name_counters.0;
            let path = next_free_name(Path::new("."), "screenshot", "png", counter);
            if let (Some(f), Some(wr)) = (grab((w, h)), self.writer.as_ref()) {
                let _ = wr.submit(Job::Png(path, f));
            }
        }
        if let (Some(size), true) = (self.recording, was_fresh) {
            if let (Some(f), Some(wr)) = (grab(size), self.writer.as_ref()) {
                if !matches!(wr.try_submit(Job::GifFrame(f)), Ok(true)) {
                    self.dropped_gif_frames += 1;
                }
            }
        }

        let now = Instant::now();
        self.frames_drawn += 1;
        self.fps.observe(self.frames_drawn, now);
        let kind = if self.mouse.left || self.mouse.right {
            FrameKind::Drag
        } else if was_fresh {
            FrameKind::Snapshot
        } else {
            FrameKind::Input
        };
        self.pacer.frame_done(t0, now, kind);
    }

    fn on_cursor(&mut self, x: f64, y: f64) {
        if let (Some((px, py)), Some(cam)) = (self.mouse.pos, self.camera.as_mut()) {
            let (dx, dy) = ((x - px) as f32, (y - py) as f32);
            if let Some((_, moved)) = self.mouse.press.as_mut() {
                *moved += f64::from(dx.abs() + dy.abs());
            }
            if self.mouse.left {
                cam.orbit(dx, dy);
                self.input_dirty = true;
            } else if self.mouse.right {
                let h = self.gfx.as_ref().map_or(1, |g| g.size().1) as f32;
                cam.pan(dx, dy, h);
                self.input_dirty = true;
            }
        }
        self.mouse.pos = Some((x, y));
    }
}

impl ApplicationHandler for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.gfx.is_some() {
            return;
        }
        match Gfx::new(event_loop, &self.display) {
            Ok(g) => {
                self.pacer.set_software(g.gpu.is_software());
                self.gfx = Some(g);
            }
            Err(e) => {
                self.fatal = Some(e);
                event_loop.exit();
            }
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        match event {
            WindowEvent::CloseRequested => event_loop.exit(),
            WindowEvent::Resized(size) => {
                if let Some(g) = self.gfx.as_mut() {
                    let before = g.size();
                    g.resize(size.width, size.height);
                    if let Some(c) = self.camera.as_mut() {
                        c.refit_aspect(aspect(before), aspect(g.size()));
                    }
                    self.input_dirty = true;
                }
            }
            WindowEvent::KeyboardInput { event, .. }
                if event.state == ElementState::Pressed && !event.repeat =>
            {
                if let Some(a) = action_for(&event.logical_key) {
                    self.handle_action(a, event_loop);
                }
            }
            WindowEvent::MouseInput { state, button, .. } => {
                let down = state == ElementState::Pressed;
                match button {
                    MouseButton::Left => self.on_left_button(down),
                    MouseButton::Right => self.mouse.right = down,
                    _ => {}
                }
            }
            WindowEvent::CursorMoved { position, .. } => self.on_cursor(position.x, position.y),
            WindowEvent::CursorLeft { .. } => self.mouse = Mouse::default(),
            WindowEvent::MouseWheel { delta, .. } => {
                let lines = match delta {
                    MouseScrollDelta::LineDelta(_, y) => y,
                    MouseScrollDelta::PixelDelta(p) => p.y as f32 / 40.0,
                };
                if let Some(c) = self.camera.as_mut() {
                    c.zoom(1.12f32.powf(lines));
                    self.input_dirty = true;
                }
            }
            WindowEvent::RedrawRequested => {
                self.input_dirty = false;
                self.redraw();
            }
            _ => {}
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        if self.control.stop_requested() {
            event_loop.exit(); // Ctrl-C: the run is stopping, the window goes with it
            return;
        }
        let now = Instant::now();
        // Take a snapshot only when one can be drawn: while the channel holds one, the
        // simulation gathers no new frame (`WindowFeed::wants_frame`).
        if self.snapshot.is_none() || self.pacer.due(now) {
            self.poll_channel();
        }
        let asked = self.input_dirty || self.screenshot_requested;
        let wants = self.fresh || asked;
        if wants && (self.pacer.due(now) || (asked && self.pacer.input_due(now))) {
            if let Some(g) = self.gfx.as_ref() {
                g.window.request_redraw();
            }
        }
        event_loop.set_control_flow(ControlFlow::WaitUntil(self.pacer.wake_at(now, wants)));
    }

    fn exiting(&mut self, _event_loop: &ActiveEventLoop) {
        if self.recording.take().is_some() {
            if let Some(w) = self.writer.as_ref() {
                let _ = w.submit(Job::GifFinish);
            }
        }
    }
}
