//! A background thread that encodes and writes images.
//!
//! PNG encoding takes ~10 ms per 720p frame and GIF quantisation ~60-130 ms; doing that on
//! the window thread would stall interaction, doing it on the simulation thread would slow
//! the physics. The thread owns at most one [`GifRecorder`] at a time and reports each file
//! it completes on stderr (`comd: wrote …`), plus every error (unless its caller reports
//! them, [`Writer::spawn_returning_errors`]), which it also keeps so [`Writer::finish`] can
//! return them to the caller.

use super::gif::GifRecorder;
use super::png::write_png;
use super::CaptureError;
use crate::render::Image;
use crossbeam_channel::{Sender, TrySendError};
use std::path::PathBuf;
use std::thread::JoinHandle;

/// Work for the writer thread.
#[derive(Debug)]
pub enum Job {
    /// Write one PNG.
    Png(PathBuf, Image),
    /// Start a GIF (finishing any GIF in progress first).
    GifStart {
        /// Final file name.
        path: PathBuf,
        /// Frame width, pixels.
        width: u32,
        /// Frame height, pixels.
        height: u32,
        /// Display time of each frame, ms.
        delay_ms: u32,
    },
    /// Append a frame to the GIF in progress (ignored when none).
    GifFrame(Image),
    /// Finish the GIF in progress.
    GifFinish,
}

/// Handle to the writer thread.
pub struct Writer {
    tx: Option<Sender<Job>>,
    handle: Option<JoinHandle<Vec<CaptureError>>>,
}

impl Writer {
    /// Starts the thread. `queue` bounds the number of pending jobs (frames are big).
    /// Errors are printed as they happen (the window has no other way to show them) and
    /// returned by [`Writer::finish`].
    pub fn spawn(queue: usize) -> Writer {
        Writer::start(queue, true)
    }

    /// [`Writer::spawn`] for a caller that reports the errors [`Writer::finish`] returns
    /// itself (offscreen capture: the run's one error line), so they are not printed twice.
    pub fn spawn_returning_errors(queue: usize) -> Writer {
        Writer::start(queue, false)
    }

    fn start(queue: usize, print_errors: bool) -> Writer {
        let (tx, rx) = crossbeam_channel::bounded::<Job>(queue.max(1));
        let handle = std::thread::Builder::new()
            .name("comd-capture".into())
            .spawn(move || {
                let mut errors = Vec::new();
                let mut gif: Option<GifRecorder> = None;
                let mut report = |r: Result<String, CaptureError>| match r {
                    Ok(msg) => eprintln!("comd: wrote {msg}"),
                    Err(e) => {
                        if print_errors {
                            eprintln!("comd: capture error: {e}");
                        }
                        errors.push(e);
                    }
                };
                let close = |g: GifRecorder| {
                    g.finish()
                        .map(|(p, n)| format!("{} ({n} frames)", p.display()))
                };
                for job in rx {
                    match job {
                        Job::Png(path, frame) => {
                            report(write_png(&path, &frame).map(|()| path.display().to_string()))
                        }
                        Job::GifStart {
                            path,
                            width,
                            height,
                            delay_ms,
                        } => {
                            if let Some(g) = gif.take() {
                                report(close(g));
                            }
                            match GifRecorder::create(&path, width, height, delay_ms) {
                                Ok(g) => gif = Some(g),
                                Err(e) => report(Err(e)),
                            }
                        }
                        Job::GifFrame(frame) => {
                            if let Some(g) = gif.as_mut() {
                                if let Err(e) = g.add(frame) {
                                    report(Err(e));
                                }
                            }
                        }
                        Job::GifFinish => {
                            if let Some(g) = gif.take() {
                                report(close(g));
                            }
                        }
                    }
                }
                if let Some(g) = gif.take() {
                    report(close(g));
                }
                errors
            });
        match handle {
            Ok(h) => Writer {
                tx: Some(tx),
                handle: Some(h),
            },
            // Could not start a thread: every submit will report WriterGone.
            Err(_) => Writer {
                tx: None,
                handle: None,
            },
        }
    }

    /// Queues a job, waiting if the queue is full.
    ///
    /// # Errors
    /// [`CaptureError::WriterGone`] if the thread has stopped.
    pub fn submit(&self, job: Job) -> Result<(), CaptureError> {
        let tx = self.tx.as_ref().ok_or(CaptureError::WriterGone)?;
        tx.send(job).map_err(|_| CaptureError::WriterGone)
    }

    /// Queues a job unless the queue is full; `Ok(false)` means the job was dropped.
    ///
    /// # Errors
    /// [`CaptureError::WriterGone`] if the thread has stopped.
    pub fn try_submit(&self, job: Job) -> Result<bool, CaptureError> {
        let tx = self.tx.as_ref().ok_or(CaptureError::WriterGone)?;
        match tx.try_send(job) {
            Ok(()) => Ok(true),
            Err(TrySendError::Full(_)) => Ok(false),
            Err(TrySendError::Disconnected(_)) => Err(CaptureError::WriterGone),
        }
    }

    /// Closes the queue, waits for all pending files and returns the errors met.
    pub fn finish(mut self) -> Vec<CaptureError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Vec<CaptureError> {
        drop(self.tx.take());
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(errors)) => errors,
            Some(Err(_)) => vec![CaptureError::WriterGone],
            None => Vec::new(),
        }
    }
}

impl Drop for Writer {
    /// Pending files are still completed when the handle is dropped.
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_png_and_gif_in_background() {
        let dir = tempfile::tempdir().unwrap();
        let w = Writer::spawn(2);
        w.submit(Job::Png(
            dir.path().join("a.png"),
            Image::filled(5, 4, [1, 2, 3, 255]),
        ))
        .unwrap();
        w.submit(Job::GifStart {
            path: dir.path().join("b.gif"),
            width: 6,
            height: 6,
            delay_ms: 50,
        })
        .unwrap();
        for _ in 0..4 {
            w.submit(Job::GifFrame(Image::filled(6, 6, [9, 9, 9, 255])))
                .unwrap();
        }
        w.submit(Job::GifFrame(Image::filled(7, 6, [9, 9, 9, 255])))
            .unwrap(); // wrong size
        w.submit(Job::Png(
            dir.path().join("no/dir/c.png"),
            Image::filled(1, 1, [0; 4]),
        ))
        .unwrap();
        let errors = w.finish();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(dir.path().join("a.png").exists() && dir.path().join("b.gif").exists());
    }
}
