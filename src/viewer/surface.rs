//! The window's GPU side: surface, device, renderer, and the offscreen copy used for
//! screenshots and GIF frames.
//!
//! Kept apart from the event handling in `window` so that file stays about input and
//! timing. The surface prefers an sRGB format (the renderer writes linear colour), and
//! captures never read the swapchain image back (not `COPY_SRC` on the GL backend): they
//! render the same view again into an [`OffscreenTarget`].

use crate::render::camera::OrbitCamera;
use crate::render::gpu::{instances, Gpu};
use crate::render::{DrawOptions, Image, OffscreenTarget, Overlay, ReadbackError, RenderTarget, Renderer};
use anyhow::{anyhow, Context};
use std::sync::Arc;
use winit::dpi::PhysicalSize;
use winit::event_loop::{ActiveEventLoop, OwnedDisplayHandle};
use winit::window::Window;

/// Result of drawing to the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presented {
    /// The frame is on screen.
    Yes,
    /// No frame this time (surface outdated, timeout, occluded): try again later.
    Retry,
}

/// GPU objects that exist once the window does.
pub(crate) struct Gfx {
    pub window: Arc<Window>,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    pub gpu: Gpu,
    pub renderer: Renderer,
    offscreen: Option<OffscreenTarget>,
}

impl Gfx {
    /// Opens the window and sets up its surface on a compatible adapter.
    pub fn new(event_loop: &ActiveEventLoop, display: &OwnedDisplayHandle) -> anyhow::Result<Gfx> {
        let attrs = Window::default_attributes()
            .with_title("comd-rs viewer")
            .with_inner_size(PhysicalSize::new(1024u32, 640u32));
        let window = Arc::new(
            event_loop
                .create_window(attrs)
                .context("cannot create the window")?,
        );
        let (gpu, surface) = Self::connect(&window, display)?;
        let size = window.inner_size();
        let caps = surface.get_capabilities(&gpu.adapter);
        let format = caps
            .formats
            .iter()
            .copied()
            .find(|f| f.is_srgb())
            .or_else(|| caps.formats.first().copied())
            .ok_or_else(|| {
                anyhow!(
                    "the surface supports no texture format on {}",
                    gpu.describe()
                )
            })?;
        let mut config = surface
            .get_default_config(&gpu.adapter, size.width.max(1), size.height.max(1))
            .ok_or_else(|| anyhow!("the surface is not supported by {}", gpu.describe()))?;
        config.format = format;
        config.present_mode = wgpu::PresentMode::AutoVsync;
        surface.configure(&gpu.device, &config);
        let renderer = Renderer::new(&gpu.device);
        eprintln!(
            "comd: viewer on {} ({}x{}); press h for keys",
            gpu.describe(),
            size.width,
            size.height
        );
        Ok(Gfx {
            window,
            surface,
            config,
            gpu,
            renderer,
            offscreen: None,
        })
    }

    /// Surface size in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.config.width, self.config.height)
    }

    /// Follows a window resize (zero sizes, e.g. minimised, are ignored).
    pub fn resize(&mut self, width: u32, height: u32) {
        if width > 0 && height > 0 {
            self.config.width = width;
            self.config.height = height;
            self.surface.configure(&self.gpu.device, &self.config);
        }
    }

    /// An instance, surface and device for `window`: Vulkan first, then the other backends
    /// ([`instances`]).
    fn connect(window: &Arc<Window>, display: &OwnedDisplayHandle) -> anyhow::Result<(Gpu, wgpu::Surface<'static>)> {
        let mut failure = None;
        // The display handle is what the GL backend needs on X11 (Vulkan ignores it).
        for instance in instances(|| wgpu::InstanceDescriptor::new_with_display_handle(Box::new(display.clone()))) {
            let attempt = instance
                .create_surface(window.clone())
                .context("cannot create a drawing surface")
                .and_then(|surface| Ok((Gpu::from_instance(instance, Some(&surface))?, surface)));
            match attempt {
                Ok(made) => return Ok(made),
                Err(e) => failure = Some(e),
            }
        }
        Err(failure.unwrap_or_else(|| anyhow::anyhow!("no graphics backend to try")))
    }

    /// Draws the current snapshot to the window and presents it.
    pub fn present(
        &mut self,
        camera: &OrbitCamera,
        opts: &DrawOptions,
        overlay: &Overlay<'_>,
    ) -> Presented {
        let frame = match self.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(f)
            | wgpu::CurrentSurfaceTexture::Suboptimal(f) => f,
            wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
                self.surface.configure(&self.gpu.device, &self.config);
                return Presented::Retry;
            }
            _ => return Presented::Retry, // timeout, occluded, validation error
        };
        let view = frame
            .texture
            .create_view(&wgpu::TextureViewDescriptor::default());
        let (width, height) = self.size();
        let target = RenderTarget {
            view: &view,
            format: self.config.format,
            width,
            height,
        };
        self.renderer
            .render(&self.gpu.device, &self.gpu.queue, target, camera, opts, overlay);
        self.window.pre_present_notify();
        self.gpu.queue.present(frame);
        Presented::Yes
    }

    /// Renders the same view offscreen at `size` and reads it back.
    ///
    /// # Errors
    /// [`ReadbackError`] if the copy fails.
    pub fn grab(
        &mut self,
        size: (u32, u32),
        camera: &OrbitCamera,
        opts: &DrawOptions,
        overlay: &Overlay<'_>,
    ) -> Result<Image, ReadbackError> {
        let off = match self.offscreen.take() {
            Some(off) if off.size() == size => off,
            _ => OffscreenTarget::new(&self.gpu.device, size.0, size.1),
        };
        self.renderer.render(
            &self.gpu.device,
            &self.gpu.queue,
            off.target(),
            camera,
            opts,
            overlay,
        );
        let frame = off.read(&self.gpu.device, &self.gpu.queue);
        self.offscreen = Some(off);
        frame
    }
}
