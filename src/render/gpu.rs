//! wgpu instance, adapter and device creation, shared by the window and offscreen capture.
//!
//! Instances are built with `InstanceDescriptor::…with_env()` so the usual wgpu variables
//! work (`WGPU_BACKEND=vulkan|gl`, `WGPU_ADAPTER_NAME`, `WGPU_POWER_PREF`). On a machine
//! without a GPU, Mesa's lavapipe (Vulkan) or llvmpipe (GL) are found like any adapter.
//! Failure to find one is an ordinary error ([`GpuError::NoAdapter`]) with a hint, never a
//! panic: a science run must be able to report it and carry on without pictures.

use std::fmt;

/// Why no device could be created.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    /// No adapter matched (no GPU driver and no software renderer installed).
    #[error("no graphics adapter found ({0}); install Mesa (apt-get install mesa-vulkan-drivers libvulkan1) or set WGPU_BACKEND=gl")]
    NoAdapter(String),
    /// An adapter exists but refused to create a device.
    #[error("graphics device creation failed on {adapter}: {reason}")]
    Device {
        /// Adapter description.
        adapter: String,
        /// wgpu's message.
        reason: String,
    },
}

/// An adapter, its device and queue.
pub struct Gpu {
    /// The instance the adapter came from (needed to create window surfaces).
    pub instance: wgpu::Instance,
    /// The chosen adapter.
    pub adapter: wgpu::Adapter,
    /// Logical device.
    pub device: wgpu::Device,
    /// Its queue.
    pub queue: wgpu::Queue,
}

impl fmt::Debug for Gpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Gpu {
    /// A device for offscreen rendering, no window system involved.
    ///
    /// # Errors
    /// [`GpuError`] when no adapter or device is available.
    pub fn headless() -> Result<Gpu, GpuError> {
        let mut failure = GpuError::NoAdapter("no backend to try".into());
        for instance in instances(wgpu::InstanceDescriptor::new_without_display_handle) {
            match Gpu::from_instance(instance, None) {
                Ok(gpu) => return Ok(gpu),
                Err(e) => failure = e,
            }
        }
        Err(failure)
    }

    /// A device from an existing instance, able to present to `surface` when given.
    ///
    /// # Errors
    /// [`GpuError`] when no adapter or device is available.
    pub fn from_instance(
        instance: wgpu::Instance,
        surface: Option<&wgpu::Surface<'_>>,
    ) -> Result<Gpu, GpuError> {
        // Honours WGPU_ADAPTER_NAME and WGPU_POWER_PREF, else the default adapter.
        let adapter = pollster::block_on(wgpu::util::initialize_adapter_from_env_or_default(
            &instance, surface,
        ))
        .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        let info = adapter.get_info();
        let adapter_name = format!("{} ({:?})", info.name, info.backend);
        // The adapter's own limits: big systems need vertex buffers beyond the 256 MiB default.
        let desc = wgpu::DeviceDescriptor {
            label: Some("comd viewer"),
            required_limits: adapter.limits(),
            ..Default::default()
        };
        let (device, queue) =
            pollster::block_on(adapter.request_device(&desc)).map_err(|e| GpuError::Device {
                adapter: adapter_name,
                reason: e.to_string(),
            })?;
        // wgpu's default handler panics; a viewer error must not take the run down with it.
        let reported = std::sync::atomic::AtomicU32::new(0);
        device.on_uncaptured_error(std::sync::Arc::new(move |e: wgpu::Error| {
            if reported.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 5 {
                eprintln!("comd: graphics error (the picture may be wrong): {e}");
            }
        }));
        Ok(Gpu {
            instance,
            adapter,
            device,
            queue,
        })
    }

    /// Whether the adapter draws on the CPU (lavapipe, llvmpipe, SwiftShader): its work
    /// competes with the simulation for the cores.
    pub fn is_software(&self) -> bool {
        self.adapter.get_info().device_type == wgpu::DeviceType::Cpu
    }

    /// One-line adapter description, e.g. `llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan)`.
    pub fn describe(&self) -> String {
        let info = self.adapter.get_info();
        format!("{} ({:?})", info.name, info.backend)
    }
}

/// The instances to try, in order, each from a fresh `descriptor()` with the usual wgpu
/// variables applied: Vulkan alone, then what `WGPU_BACKEND` or wgpu's default allows (only
/// the latter when `WGPU_BACKEND` is set: the user chose).
///
/// **Why Vulkan alone first.** An instance with the GL backend initialises EGL, and EGL's
/// teardown when the process exits (glvnd freeing its dispatch table in libEGL's destructor)
/// aborted capture runs now and then with a corrupted heap ("double free or corruption"),
/// after every file was written: two runs out of about forty in one CI run. Real GPUs and
/// lavapipe are found through Vulkan; GL (llvmpipe) stays the fallback.
pub fn instances(descriptor: impl Fn() -> wgpu::InstanceDescriptor) -> impl Iterator<Item = wgpu::Instance> {
    let first = std::env::var_os("WGPU_BACKEND").is_none().then_some(wgpu::Backends::VULKAN);
    first.into_iter().map(Some).chain([None]).map(move |backends| {
        let mut desc = descriptor().with_env();
        if let Some(b) = backends {
            desc.backends = b;
        }
        wgpu::Instance::new(desc)
    })
}

/// True when the `CI` environment variable is set: tests then treat a missing adapter as a
/// failure instead of a skip.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}
