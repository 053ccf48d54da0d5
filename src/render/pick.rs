//! Picking: which atom is under a pixel. Pure CPU geometry, the same as the picture: the
//! sphere impostors are ray-traced spheres of [`atom_radius`](super::renderer::atom_radius),
//! so the atom hit first by the pixel's ray is the one drawn there. Atoms a slice hides
//! cannot be picked.

use super::camera::OrbitCamera;
use crate::cli::viewer::Slice;
use crate::snapshot::Snapshot;

/// Index in `snap.atoms` of the nearest atom (sphere of `radius`) under pixel (`px`, `py`)
/// of a `size` = (w, h) viewport seen by `camera`, among those `slice` shows.
pub fn pick(snap: &Snapshot, slice: Option<&Slice>, camera: &OrbitCamera, size: (u32, u32), px: f32, py: f32, radius: f32) -> Option<usize> {
    let (origin, dir) = camera.ray(px, py, size.0, size.1)?;
    let r2 = radius * radius;
    let mut best: Option<(f32, usize)> = None;
    for (i, a) in snap.atoms.iter().enumerate() {
        if slice.is_some_and(|s| !s.contains(a.pos, snap.box_min, snap.box_max)) {
            continue;
        }
        let oc = nalgebra::Point3::from(a.pos) - origin;
        let along = oc.dot(&dir);
        let perp2 = oc.norm_squared() - along * along;
        if perp2 > r2 {
            continue;
        }
        let t = along - (r2 - perp2).sqrt();
        if t > 0.0 && best.is_none_or(|(bt, _)| t < bt) {
            best = Some((t, i));
        }
    }
    best.map(|(_, i)| i)
}

/// The overlay lines describing atom `i` of `snap` (upper case: the font has no lower case).
pub fn describe(snap: &Snapshot, i: usize) -> Vec<String> {
    let a = &snap.atoms[i];
    let structure = crate::analysis::cna::Structure::from_code(a.structure as u8).name();
    let v = a.vel;
    vec![
        format!("ATOM {}  RANK {}  {}", a.gid, a.rank, structure),
        format!("R {:.3} {:.3} {:.3} A", a.pos[0], a.pos[1], a.pos[2]),
        format!("V {:+.5} {:+.5} {:+.5} A/FS", v[0], v[1], v[2]),
        format!("KE {:.5} EV  PE {:.5} EV", a.kinetic, a.potential),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::viewer::ViewSpec;
    use crate::render::renderer::atom_radius;

    #[test]
    fn the_atom_projected_to_a_pixel_is_picked_there() {
        let snap = Snapshot::fcc_demo(4, 3.615);
        let cam = OrbitCamera::for_view(snap.box_min, snap.box_max, &ViewSpec::default(), 1.6);
        let size = (800, 500);
        // the atom nearest to the eye is in front of everything along its pixel's ray
        let eye = cam.eye();
        let near = (0..snap.atoms.len())
            .min_by(|&i, &j| {
                let d = |k: usize| (nalgebra::Point3::from(snap.atoms[k].pos) - eye).norm();
                d(i).total_cmp(&d(j))
            })
            .unwrap();
        let (x, y) = cam.project(snap.atoms[near].pos, size.0, size.1).unwrap();
        let r = atom_radius(&snap);
        assert_eq!(pick(&snap, None, &cam, size, x, y, r), Some(near));
        assert_eq!(pick(&snap, None, &cam, size, 2.0, 2.0, r), None, "a corner is empty space");
        // hidden by a slice elsewhere: something else (or nothing) is picked
        let far_slice = Slice { axis: 0, pos: snap.atoms[near].pos[0] + 6.0, width: 1.0 };
        assert_ne!(pick(&snap, Some(&far_slice), &cam, size, x, y, r), Some(near));
        assert!(describe(&snap, near)[0].starts_with(&format!("ATOM {}", snap.atoms[near].gid)));
    }
}
