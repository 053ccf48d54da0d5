//! Frame times of the renderer offscreen (render + readback), both atom modes.
//!
//! `cargo run --release --example render_bench -- [WIDTHxHEIGHT] [n ...]`
//! (defaults: 1280x720, n = 10 20 40, i.e. 4 000, 32 000 and 256 000 atoms).

use comd::render::OffscreenTarget;
use comd::snapshot::Snapshot;
use comd::cli::viewer::{ColorBy, RenderMode, Size};
use comd::render::camera::OrbitCamera;
use comd::render::gpu::Gpu;
use comd::render::{DrawOptions, Overlay, Renderer, Scene};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).peekable();
    let size: Size = match args.peek().filter(|a| a.contains('x')) {
        Some(_) => args
            .next()
            .unwrap_or_default()
            .parse()
            .map_err(anyhow::Error::msg)?,
        None => Size::default(),
    };
    let ns: Vec<usize> = args.map(|a| a.parse()).collect::<Result<_, _>>()?;
    let ns = if ns.is_empty() { vec![10, 20, 40] } else { ns };
    let gpu = Gpu::headless()?;
    println!("adapter: {}  size: {size}", gpu.describe());
    let mut renderer = Renderer::new(&gpu.device);
    let target = OffscreenTarget::new(&gpu.device, size.width, size.height);
    let hud = vec!["STEP 0".to_string()];
    for n in ns {
        let snap = Snapshot::fcc_demo(n, 3.615);
        let aspect = size.width as f32 / size.height as f32;
        let camera = OrbitCamera::framing_box(snap.box_min, snap.box_max, 35.0, 25.0, 1.0, aspect);
        let t = Instant::now();
        renderer.set_snapshot(&gpu.device, &gpu.queue, &snap, &Scene { color: ColorBy::Ke, ..Scene::default() });
        let upload = t.elapsed().as_secs_f64() * 1e3;
        for mode in [RenderMode::Spheres, RenderMode::Points] {
            let opts = DrawOptions {
                mode,
                show_box: true,
            };
            let mut times = Vec::new();
            for i in 0..6 {
                let t = Instant::now();
                renderer.render(
                    &gpu.device,
                    &gpu.queue,
                    target.target(),
                    &camera,
                    &opts,
                    &Overlay { lines: &hud, chart: None },
                );
                let frame = target.read(&gpu.device, &gpu.queue)?;
                if i > 0 {
                    times.push(t.elapsed().as_secs_f64() * 1e3); // first frame compiles shaders
                }
                std::hint::black_box(frame);
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{:>7} atoms  {:<8} median {:7.1} ms  min {:7.1} ms  (colour+upload {:.1} ms)",
                snap.atoms.len(),
                format!("{mode:?}"),
                times[times.len() / 2],
                times[0],
                upload
            );
        }
    }
    Ok(())
}
