//! Hidden-atom culling changes no picture: frames drawn with and without it, from many
//! views, through the library's renderer on a real adapter (lavapipe in CI).
//!
//! Each atom gets its own random colour, so an atom left out that could have been seen shows
//! as a changed pixel (its neighbours' colours differ from it by more than the threshold for
//! most atoms). Three frames: a crystal shaken by thermal noise, the same with a spherical
//! void open to the front faces, and a uniform random gas at the crystal's density (more
//! transparent than any liquid, since nothing keeps its atoms apart).
#![cfg(feature = "viewer")]

use comd::cli::viewer::{ColorBy, RenderMode};
use comd::render::camera::OrbitCamera;
use comd::render::gpu::{in_ci, Gpu};
use comd::render::{DrawOptions, Image, OffscreenTarget, Overlay, Renderer, Scene, BACKGROUND};
use comd::snapshot::Snapshot;

const N: usize = 22;
const A: f32 = 3.615;

fn thermal_crystal() -> Snapshot {
    Snapshot::fcc_demo_shaken(N, A, 0.3, 7)
}

fn with_open_void() -> Snapshot {
    let mut snap = thermal_crystal();
    // a sphere of 15 Å radius whose centre is 9 Å inside the top, front corner region
    let c = [N as f32 * A - 9.0, N as f32 * A - 9.0, N as f32 * A * 0.5];
    snap.atoms.retain(|a| (0..3).map(|k| (a.pos[k] - c[k]).powi(2)).sum::<f32>() > 15.0f32.powi(2));
    snap
}

fn gas() -> Snapshot {
    let mut snap = Snapshot::fcc_demo(N, A);
    let mut seed = 11;
    let mut next = || comd::rng::lcg61(&mut seed) as f32;
    let l = N as f32 * A;
    for a in &mut snap.atoms {
        a.pos = [next() * l, next() * l, next() * l];
        a.kinetic = next();
    }
    snap
}

fn frame(r: &mut Renderer, gpu: &Gpu, target: &OffscreenTarget, cam: &OrbitCamera, cull: bool) -> Image {
    let opts = DrawOptions { mode: RenderMode::Spheres, show_box: false, cull };
    r.render(&gpu.device, &gpu.queue, target.target(), cam, &opts, &Overlay { lines: &[], chart: None });
    target.read(&gpu.device, &gpu.queue).unwrap()
}

/// (pixels that differ, pixels covered by atoms in the full frame)
fn difference(full: &Image, culled: &Image) -> (usize, usize) {
    (full.count_differing(culled, 24), full.count_unlike(BACKGROUND, 24))
}

#[test]
fn culling_buried_atoms_changes_no_picture() {
    let gpu = match Gpu::headless() {
        Ok(g) => g,
        Err(e) if !in_ci() => return eprintln!("SKIPPED (no graphics adapter, CI not set): {e}"),
        Err(e) => panic!("no adapter in CI: {e}"),
    };
    let (w, h) = (480, 360);
    let target = OffscreenTarget::new(&gpu.device, w, h);
    let mut r = Renderer::new(&gpu.device);
    // (azimuth, elevation, orthographic, distance factor, pixels in a thousand that may
    // differ): the default view, a face and a <110> axis head-on, grazing, from below,
    // orthographic, and close with the eye in the box (then nothing may be culled).
    // Head-on along <100> or <110>, a crystal of spheres drawn at 0.4 of the neighbour
    // distance has straight channels (0.26 Å wide between <100> columns): rays near the
    // axis pass through the whole crystal, and the deep atoms seen down them as single
    // pixels become background when culled (2.8 and 8.4 in a thousand measured)
    let views = [
        (35.0, 25.0, false, 1.0, 1),
        (0.0, 0.0, false, 1.0, 10),
        (45.0, 0.0, false, 1.0, 12),
        (80.0, 5.0, false, 1.0, 1),
        (-120.0, -40.0, false, 1.0, 1),
        (35.0, 25.0, true, 1.0, 1),
        (35.0, 25.0, false, 0.1, 0),
    ];
    for (name, snap) in [("thermal crystal", thermal_crystal()), ("crystal with an open void", with_open_void()), ("random gas", gas())] {
        r.set_snapshot(&gpu.device, &gpu.queue, &snap, &Scene { color: ColorBy::Ke, ..Scene::default() });
        for &(az, el, ortho, zoom, per_mille) in &views {
            let mut cam = OrbitCamera::framing_box(snap.box_min, snap.box_max, az, el, 1.0, w as f32 / h as f32);
            cam.ortho = ortho;
            cam.distance *= zoom;
            let drawn: usize = r.drawn_ranges(&cam, true).iter().map(|r| r.len()).sum();
            let (full, culled) = (frame(&mut r, &gpu, &target, &cam, false), frame(&mut r, &gpu, &target, &cam, true));
            if let Ok(d) = std::env::var("CULL_DUMP") {
                for (img, kind) in [(&full, "full"), (&culled, "culled")] {
                    let path = std::path::Path::new(&d).join(format!("{az}_{el}_{kind}.png"));
                    image::RgbaImage::from_raw(w, h, img.rgba.clone()).unwrap().save(path).unwrap();
                }
            }
            let (differ, covered) = difference(&full, &culled);
            let share = drawn as f64 / snap.atoms.len() as f64;
            eprintln!("{name:26} az {az:6} el {el:4} ortho {ortho:5} zoom {zoom}: {:5.1} % of atoms drawn, {differ} of {covered} pixels differ", 100.0 * share);
            assert!(covered > (w * h / 20) as usize, "{name}: almost nothing drawn ({covered} px)");
            assert!(differ * 1000 <= covered * per_mille, "{name} az {az} el {el}: {differ} of {covered} pixels changed by culling");
            if zoom < 1.0 {
                assert_eq!(drawn, snap.atoms.len(), "{name}: the eye is inside the box, so all atoms are drawn");
            } else if name == "thermal crystal" {
                assert!(share < 0.6, "{name} az {az} el {el}: culling left {:.0} % of the atoms", 100.0 * share);
            }
        }
    }
}
