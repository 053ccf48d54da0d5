//! Frame times of the renderer offscreen (render + readback), both atom modes, with and
//! without hidden-atom culling (alternated frames), on a shaken lattice with one colour
//! per atom so that culling a visible atom would change pixels.
//!
//! `cargo run --release --example render_bench -- [WIDTHxHEIGHT] [n ...]`
//! (defaults: 1280x720, n = 10 20 40, i.e. 4 000, 32 000 and 256 000 atoms).

use comd::render::OffscreenTarget;
use comd::snapshot::Snapshot;
use comd::cli::viewer::{ColorBy, RenderMode, Size};
use comd::render::camera::OrbitCamera;
use comd::render::gpu::Gpu;
use comd::render::{DrawOptions, Overlay, Renderer, Scene, BACKGROUND};
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
        // shaken, one colour per atom: culling a visible atom would change pixels
        let snap = Snapshot::fcc_demo_shaken(n, 3.615, 0.3, 0x9e37_79b9);
        let aspect = size.width as f32 / size.height as f32;
        let camera = OrbitCamera::framing_box(snap.box_min, snap.box_max, 35.0, 25.0, 1.0, aspect);
        let t = Instant::now();
        renderer.set_snapshot(&gpu.device, &gpu.queue, &snap, &Scene { color: ColorBy::Ke, ..Scene::default() });
        let upload = t.elapsed().as_secs_f64() * 1e3;
        for mode in [RenderMode::Spheres, RenderMode::Points] {
            // culled and full frames alternate, so both see the same machine load
            let mut times = [Vec::new(), Vec::new()];
            let mut frames = [None, None];
            for i in 0..12 {
                let cull = i % 2 == 1;
                let opts = DrawOptions { mode, show_box: true, cull };
                let t = Instant::now();
                renderer.render(&gpu.device, &gpu.queue, target.target(), &camera, &opts, &Overlay { lines: &hud, chart: None });
                let frame = target.read(&gpu.device, &gpu.queue)?;
                if i > 1 {
                    times[cull as usize].push(t.elapsed().as_secs_f64() * 1e3); // first frames compile shaders
                }
                frames[cull as usize] = Some(frame);
            }
            let median = |t: &mut Vec<f64>| {
                t.sort_by(f64::total_cmp);
                t[t.len() / 2]
            };
            let (full, culled) = (median(&mut times[0]), median(&mut times[1]));
            let (a, b) = (frames[0].take().unwrap(), frames[1].take().unwrap());
            let (differ, covered) = (a.count_differing(&b, 24), a.count_unlike(BACKGROUND, 24));
            // unculled small points are one-pixel dots that let deeper atoms fill the gaps;
            // culled they stay quads, so only spheres compare pixel for pixel
            let diff = match mode {
                RenderMode::Spheres => format!("{:.3} % of {covered} px differ", 100.0 * differ as f64 / covered.max(1) as f64),
                _ => "-".to_string(),
            };
            let drawn: usize = renderer.drawn_ranges(&camera, true).iter().map(|r| r.len()).sum();
            println!(
                "{:>7} atoms  {:<8} all {:7.1} ms  culled {:7.1} ms  {:5.2}x  {:5.1} % drawn  {diff}  (colour+upload {upload:.1} ms)",
                snap.atoms.len(),
                format!("{mode:?}"),
                full,
                culled,
                full / culled,
                100.0 * drawn as f64 / snap.atoms.len() as f64,
            );
        }
    }
    Ok(())
}
