//! `--screenshot`, `--gif` and `--frames` without a display.
//!
//! [`OffscreenCapture`] owns a headless wgpu device (lavapipe on a machine without GPU), the
//! same [`Renderer`] the window uses, and an [`OffscreenTarget`] of `--size`. The run calls
//! [`OffscreenCapture::on_snapshot`] for every snapshot it produces; a GIF frame or a
//! numbered PNG is rendered when at least `--gif-every` / `--frames-every` steps have passed
//! since the previous one (so the cadence holds whatever the snapshot rate is). Encoding and
//! file writing happen on the [`Writer`] thread. [`OffscreenCapture::finish`] renders the
//! final state for `--screenshot`, closes the GIF and waits for every file to be complete.
//!
//! The camera frames the box of the first snapshot seen, from `--view`.

use crate::analysis::cna::label_snapshot;
use crate::image_out::writer::{Job, Writer};
use crate::image_out::CaptureError;
use crate::render::camera::OrbitCamera;
use crate::render::gpu::Gpu;
use crate::render::overlay::{hud_lines, Rates};
use crate::render::chart::History;
use crate::render::{DrawOptions, Image, OffscreenTarget, Overlay, Renderer, Scene};
use crate::snapshot::Snapshot;
use crate::cli::viewer::{ColorBy, ViewerArgs};
use std::path::PathBuf;
use std::time::Instant;

/// GIF frame display time, ms.
const GIF_DELAY_MS: u32 = 80;

/// Headless capture for a whole run.
pub struct OffscreenCapture {
    gpu: Gpu,
    renderer: Renderer,
    target: OffscreenTarget,
    args: ViewerArgs,
    opts: DrawOptions,
    camera: Option<OrbitCamera>,
    writer: Writer,
    last_gif_step: Option<u64>,
    last_frames_step: Option<u64>,
    frames_written: u64,
    last_seen: Option<(u64, Instant)>,
    steps_per_s: Option<f64>,
    history: History,
}

impl OffscreenCapture {
    /// Creates the device and the output directory (`--frames`) and starts the GIF (`--gif`).
    /// Call [`ViewerArgs::validate`] first for friendlier messages about paths.
    ///
    /// # Errors
    /// [`CaptureError::Gpu`] when there is no adapter, [`CaptureError::Io`] when the frames
    /// directory cannot be created.
    pub fn new(args: &ViewerArgs) -> Result<Self, CaptureError> {
        let gpu = Gpu::headless()?;
        let renderer = Renderer::new(&gpu.device);
        let target = OffscreenTarget::new(&gpu.device, args.size.width, args.size.height);
        if let Some(dir) = &args.frames {
            std::fs::create_dir_all(dir).map_err(|e| CaptureError::io(dir, e))?;
        }
        let writer = Writer::spawn_returning_errors(4);
        if let Some(path) = &args.gif {
            let (width, height) = (args.size.width, args.size.height);
            writer.submit(Job::GifStart {
                path: path.clone(),
                width,
                height,
                delay_ms: GIF_DELAY_MS,
            })?;
        }
        Ok(OffscreenCapture {
            gpu,
            renderer,
            target,
            args: args.clone(),
            opts: DrawOptions {
                mode: args.render_mode,
                show_box: true,
                cull: true,
            },
            camera: None,
            writer,
            last_gif_step: None,
            last_frames_step: None,
            frames_written: 0,
            last_seen: None,
            steps_per_s: None,
            history: History::default(),
        })
    }

    /// One-line description of the adapter in use.
    pub fn adapter(&self) -> String {
        self.gpu.describe()
    }

    /// Renders a GIF frame and/or a numbered PNG if one is due at `snap.step`.
    ///
    /// # Errors
    /// Readback failure or a stopped writer thread.
    pub fn on_snapshot(&mut self, snap: &Snapshot) -> Result<(), CaptureError> {
        let now = Instant::now();
        if let Some((step, t)) = self.last_seen {
            let dt = now.duration_since(t).as_secs_f64();
            if snap.step > step && dt > 0.0 {
                self.steps_per_s = Some((snap.step - step) as f64 / dt);
            }
        }
        self.last_seen = Some((snap.step, now));
        self.history.push(snap);

        let due = |last: Option<u64>, every: u64| {
            last.is_none_or(|l| snap.step >= l.saturating_add(every))
        };
        let gif_due = self.args.gif.is_some() && due(self.last_gif_step, self.args.gif_every);
        let frames_due =
            self.args.frames.is_some() && due(self.last_frames_step, self.args.frames_every());
        if !gif_due && !frames_due {
            return Ok(());
        }
        let frame = self.render(snap)?;
        if let (true, Some(dir)) = (frames_due, &self.args.frames) {
            let path = dir.join(format!("frame-{:05}.png", self.frames_written));
            self.writer.submit(Job::Png(path, frame.clone()))?;
            self.frames_written += 1;
            self.last_frames_step = Some(snap.step);
        }
        if gif_due {
            self.writer.submit(Job::GifFrame(frame))?;
            self.last_gif_step = Some(snap.step);
        }
        Ok(())
    }

    /// Renders `snap` at `--size` and returns the image (used for all outputs; handy in tests).
    ///
    /// # Errors
    /// [`CaptureError::Readback`] if the image cannot be read back.
    pub fn render(&mut self, snap: &Snapshot) -> Result<Image, CaptureError> {
        let (w, h) = self.target.size();
        let view = self.args.view();
        let camera = self.camera.get_or_insert_with(|| {
            OrbitCamera::for_view(snap.box_min, snap.box_max, &view, w as f32 / h as f32)
        });
        let color: ColorBy = self.args.color;
        let labelled;
        let snap = if color == ColorBy::Structure {
            let mut s = snap.clone();
            label_snapshot(&mut s);
            labelled = s;
            &labelled
        } else {
            snap
        };
        let scene = Scene { color, slice: self.args.slice, picked: None };
        self.renderer.set_snapshot(&self.gpu.device, &self.gpu.queue, snap, &scene);
        self.history.push(snap);
        let rates = Rates {
            steps_per_s: self.steps_per_s,
            frames_per_s: None,
        };
        let mut hud = hud_lines(snap, rates, None);
        if let Some(s) = &self.args.slice {
            hud.push(format!("{}: {} ATOMS", s.describe(), self.renderer.atom_count()));
        }
        let chart = self.args.strip_chart.then_some(&self.history);
        self.renderer.render(
            &self.gpu.device,
            &self.gpu.queue,
            self.target.target(),
            camera,
            &self.opts,
            &Overlay { lines: &hud, chart },
        );
        Ok(self.target.read(&self.gpu.device, &self.gpu.queue)?)
    }

    /// Writes `--screenshot` of `last`, closes the GIF and waits until every file is written.
    /// Returns the files produced (frames directory counted once).
    ///
    /// # Errors
    /// The first error met while rendering or writing.
    pub fn finish(mut self, last: &Snapshot) -> Result<Vec<PathBuf>, CaptureError> {
        let mut first_err = None;
        if let Some(path) = self.args.screenshot.clone() {
            match self.render(last) {
                Ok(frame) => {
                    if let Err(e) = self.writer.submit(Job::Png(path, frame)) {
                        first_err.get_or_insert(e);
                    }
                }
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        let errors = self.writer.finish();
        if let Some(e) = first_err.or_else(|| errors.into_iter().next()) {
            return Err(e);
        }
        let mut files: Vec<PathBuf> = Vec::new();
        files.extend(self.args.screenshot.iter().cloned());
        files.extend(self.args.gif.iter().cloned());
        files.extend(self.args.frames.iter().cloned());
        Ok(files)
    }
}
