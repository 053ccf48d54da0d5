//! Orbit camera: pure math, no GPU types, unit-tested.
//!
//! The camera circles a target point (the box centre at start). Azimuth turns about the
//! world `+y` axis, elevation lifts the eye towards `+y`; the eye looks at the target with
//! `+y` up. Distance sets perspective zoom; the orthographic projection uses the same
//! distance to size its view volume, so toggling `o` keeps the apparent scale at the target.
//!
//! Projections follow wgpu's clip-space convention: right-handed view space looking down
//! `-z`, normalised device depth `z ∈ [0, 1]` (Direct3D/Vulkan style, not OpenGL's
//! `[-1, 1]`, which is what nalgebra's `Perspective3` produces). The matrices are therefore
//! written out here rather than taken from nalgebra.

use crate::cli::viewer::ViewSpec;
use nalgebra::{Matrix4, Point3, Vector3};

/// An orbit camera around a target point.
#[derive(Debug, Clone, PartialEq)]
pub struct OrbitCamera {
    /// Point looked at, world units (Å).
    pub target: Point3<f32>,
    /// Rotation about `+y`, degrees.
    pub azimuth_deg: f32,
    /// Angle above the `xz` plane, degrees, clamped to ±89.
    pub elevation_deg: f32,
    /// Eye-to-target distance, world units.
    pub distance: f32,
    /// Vertical field of view (perspective), degrees.
    pub fovy_deg: f32,
    /// Orthographic instead of perspective projection.
    pub ortho: bool,
    /// Radius of the scene around the target, used to place the near and far planes.
    pub scene_radius: f32,
}

/// Largest |elevation|: at exactly ±90° the `+y` up vector is parallel to the view direction.
const MAX_ELEVATION: f32 = 89.0;

impl OrbitCamera {
    /// A camera that frames a box `[min, max]` from the given angles; `zoom` 1 means the
    /// box's bounding sphere just fits the smaller side of a viewport of `aspect` = w/h.
    pub fn framing_box(
        min: [f32; 3],
        max: [f32; 3],
        az: f32,
        el: f32,
        zoom: f32,
        aspect: f32,
    ) -> Self {
        let lo = Point3::from(min);
        let hi = Point3::from(max);
        let radius = (0.5 * (hi - lo).norm()).max(1e-3);
        let mut cam = OrbitCamera {
            target: nalgebra::center(&lo, &hi),
            azimuth_deg: az,
            elevation_deg: el.clamp(-MAX_ELEVATION, MAX_ELEVATION),
            distance: 1.0,
            fovy_deg: 35.0,
            ortho: false,
            scene_radius: radius,
        };
        cam.distance = cam.fit_distance(aspect) / zoom.max(1e-3);
        cam
    }

    /// The framing of `--view` (and of `r`) for a box `[min, max]` in a viewport of
    /// `aspect` = w/h. The window and offscreen capture both start from this, so a
    /// `--screenshot` shows what the window opens on.
    pub fn for_view(min: [f32; 3], max: [f32; 3], view: &ViewSpec, aspect: f32) -> Self {
        Self::framing_box(min, max, view.azimuth_deg, view.elevation_deg, view.zoom, aspect)
    }

    /// Keeps the framing when the viewport's aspect changes from `from` to `to`: the
    /// distance is scaled as [`OrbitCamera::fit_distance`] is, so a camera fitted at `from`
    /// becomes the one fitted at `to`, and a zoom the user chose is kept relative to it.
    pub fn refit_aspect(&mut self, from: f32, to: f32) {
        let (a, b) = (self.fit_distance(from), self.fit_distance(to));
        if a.is_finite() && b.is_finite() && a > 0.0 {
            self.distance *= b / a;
        }
    }

    /// Distance at which the scene sphere fits both the vertical and horizontal field of view.
    pub fn fit_distance(&self, aspect: f32) -> f32 {
        let half_v = 0.5 * self.fovy_deg.to_radians();
        let half_h = (half_v.tan() * aspect.max(1e-3)).atan();
        self.scene_radius / half_v.min(half_h).sin() * 1.02
    }

    /// Unit vector from the target to the eye.
    pub fn eye_dir(&self) -> Vector3<f32> {
        let (az, el) = (
            self.azimuth_deg.to_radians(),
            self.elevation_deg.to_radians(),
        );
        Vector3::new(el.cos() * az.sin(), el.sin(), el.cos() * az.cos())
    }

    /// Eye position, world units.
    pub fn eye(&self) -> Point3<f32> {
        self.target + self.eye_dir() * self.distance
    }

    /// World → view transform (right-handed, camera looks down `-z`).
    pub fn view(&self) -> Matrix4<f32> {
        Matrix4::look_at_rh(&self.eye(), &self.target, &Vector3::y())
    }

    /// Near and far plane distances enclosing the scene sphere (with a margin).
    pub fn near_far(&self) -> (f32, f32) {
        let r = self.scene_radius * 1.5;
        let far = self.distance + r;
        let near = (self.distance - r).max(far * 1e-3);
        (near, far)
    }

    /// Half the height of the visible region at the target distance, world units.
    pub fn half_height_at_target(&self) -> f32 {
        self.distance * (0.5 * self.fovy_deg.to_radians()).tan()
    }

    /// View → clip transform for a viewport of `aspect` = width / height.
    pub fn projection(&self, aspect: f32) -> Matrix4<f32> {
        let (near, far) = self.near_far();
        if self.ortho {
            let h = self.half_height_at_target();
            orthographic_zo(-h * aspect, h * aspect, -h, h, near, far)
        } else {
            perspective_zo(self.fovy_deg.to_radians(), aspect, near, far)
        }
    }

    /// The ray under pixel (`px`, `py`) of a `w`×`h` viewport (origin top left): a point on
    /// the near plane and the unit direction into the scene.
    pub fn ray(&self, px: f32, py: f32, w: u32, h: u32) -> Option<(Point3<f32>, Vector3<f32>)> {
        let inv = (self.projection(w as f32 / h.max(1) as f32) * self.view()).try_inverse()?;
        let (x, y) = (2.0 * px / w.max(1) as f32 - 1.0, 1.0 - 2.0 * py / h.max(1) as f32);
        let near = inv.transform_point(&Point3::new(x, y, 0.0));
        let far = inv.transform_point(&Point3::new(x, y, 1.0));
        let dir = (far - near).try_normalize(0.0)?;
        Some((near, dir))
    }

    /// The pixel (origin top left) where world point `p` appears in a `w`×`h` viewport, or
    /// `None` behind the eye.
    pub fn project(&self, p: [f32; 3], w: u32, h: u32) -> Option<(f32, f32)> {
        let clip = self.projection(w as f32 / h.max(1) as f32) * self.view() * nalgebra::Vector4::new(p[0], p[1], p[2], 1.0);
        if clip.w <= 0.0 {
            return None;
        }
        let (x, y) = (clip.x / clip.w, clip.y / clip.w);
        Some(((x + 1.0) * 0.5 * w as f32, (1.0 - y) * 0.5 * h as f32))
    }

    /// Orbit by a mouse drag of (`dx`, `dy`) pixels (0.3° per pixel).
    pub fn orbit(&mut self, dx: f32, dy: f32) {
        self.azimuth_deg = (self.azimuth_deg - 0.3 * dx).rem_euclid(360.0);
        self.elevation_deg = (self.elevation_deg + 0.3 * dy).clamp(-MAX_ELEVATION, MAX_ELEVATION);
    }

    /// Zoom by `factor` (> 1 moves closer).
    pub fn zoom(&mut self, factor: f32) {
        if factor.is_finite() && factor > 0.0 {
            self.distance =
                (self.distance / factor).clamp(1e-2 * self.scene_radius, 1e3 * self.scene_radius);
        }
    }

    /// Pan by a drag of (`dx`, `dy`) pixels in a viewport `height` pixels tall: the point
    /// under the cursor (at target depth) follows the cursor.
    pub fn pan(&mut self, dx: f32, dy: f32, height: f32) {
        let world_per_px = 2.0 * self.half_height_at_target() / height.max(1.0);
        let forward = -self.eye_dir();
        let right = forward.cross(&Vector3::y()).normalize();
        let up = right.cross(&forward);
        self.target += (-dx * right + dy * up) * world_per_px;
    }
}

/// Right-handed perspective projection with depth in `[0, 1]` (near → 0, far → 1).
pub fn perspective_zo(fovy: f32, aspect: f32, near: f32, far: f32) -> Matrix4<f32> {
    let f = 1.0 / (0.5 * fovy).tan();
    #[rustfmt::skip]
    let m = Matrix4::new(
        f / aspect, 0.0, 0.0,                 0.0,
        0.0,        f,   0.0,                 0.0,
        0.0,        0.0, far / (near - far),  near * far / (near - far),
        0.0,        0.0, -1.0,                0.0,
    );
    m
}

/// Right-handed orthographic projection with depth in `[0, 1]` (near → 0, far → 1).
pub fn orthographic_zo(l: f32, r: f32, b: f32, t: f32, near: f32, far: f32) -> Matrix4<f32> {
    #[rustfmt::skip]
    let m = Matrix4::new(
        2.0 / (r - l), 0.0,           0.0,                 -(r + l) / (r - l),
        0.0,           2.0 / (t - b), 0.0,                 -(t + b) / (t - b),
        0.0,           0.0,           1.0 / (near - far),  near / (near - far),
        0.0,           0.0,           0.0,                 1.0,
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::Vector4;

    fn ndc(m: &Matrix4<f32>, p: Vector3<f32>) -> Vector3<f32> {
        let c = m * Vector4::new(p.x, p.y, p.z, 1.0);
        c.xyz() / c.w
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-4 * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn perspective_maps_near_far_to_zero_one() {
        let p = perspective_zo(60f32.to_radians(), 1.5, 0.5, 20.0);
        assert!(close(ndc(&p, Vector3::new(0.0, 0.0, -0.5)).z, 0.0));
        assert!(close(ndc(&p, Vector3::new(0.0, 0.0, -20.0)).z, 1.0));
        // A point on the top edge of the frustum maps to y = 1.
        let y = 3.0 * 30f32.to_radians().tan();
        assert!(close(ndc(&p, Vector3::new(0.0, y, -3.0)).y, 1.0));
        assert!(close(ndc(&p, Vector3::new(1.5 * y, 0.0, -3.0)).x, 1.0));
    }

    #[test]
    fn orthographic_maps_box_to_unit_cube() {
        let o = orthographic_zo(-2.0, 2.0, -1.0, 1.0, 1.0, 9.0);
        let a = ndc(&o, Vector3::new(-2.0, -1.0, -1.0));
        let b = ndc(&o, Vector3::new(2.0, 1.0, -9.0));
        assert!(close(a.x, -1.0) && close(a.y, -1.0) && close(a.z, 0.0));
        assert!(close(b.x, 1.0) && close(b.y, 1.0) && close(b.z, 1.0));
    }

    #[test]
    fn target_is_centred_and_inside_depth_range() {
        let cam =
            OrbitCamera::framing_box([0.0; 3], [10.0, 20.0, 30.0], 40.0, 30.0, 1.0, 16.0 / 9.0);
        for ortho in [false, true] {
            let cam = OrbitCamera {
                ortho,
                ..cam.clone()
            };
            let m = cam.projection(16.0 / 9.0) * cam.view();
            let c = ndc(&m, cam.target.coords);
            assert!(c.x.abs() < 1e-4 && c.y.abs() < 1e-4, "{c:?}");
            assert!(c.z > 0.0 && c.z < 1.0);
            // Every box corner is on screen and between the clip planes.
            for i in 0..8 {
                let p = Vector3::new(
                    if i & 1 == 0 { 0.0 } else { 10.0 },
                    if i & 2 == 0 { 0.0 } else { 20.0 },
                    if i & 4 == 0 { 0.0 } else { 30.0 },
                );
                let q = ndc(&m, p);
                assert!(q.x.abs() <= 1.0 && q.y.abs() <= 1.0, "corner {i}: {q:?}");
                assert!(q.z > 0.0 && q.z < 1.0, "corner {i}: {q:?}");
            }
        }
    }

    #[test]
    fn eye_follows_angles() {
        let mut cam = OrbitCamera::framing_box([-1.0; 3], [1.0; 3], 0.0, 0.0, 1.0, 1.0);
        assert!(cam.eye().z > 0.0 && cam.eye().x.abs() < 1e-5);
        cam.azimuth_deg = 90.0;
        assert!(cam.eye().x > 0.0 && cam.eye().z.abs() < 1e-4);
        cam.orbit(0.0, 1e6);
        assert_eq!(cam.elevation_deg, MAX_ELEVATION);
        assert!(cam.view().iter().all(|v| v.is_finite()));
        assert!(close((cam.eye() - cam.target).norm(), cam.distance));
    }

    #[test]
    fn zoom_and_pan() {
        let mut cam = OrbitCamera::framing_box([0.0; 3], [4.0; 3], 10.0, 10.0, 1.0, 1.0);
        let d = cam.distance;
        cam.zoom(2.0);
        assert!(close(cam.distance, d / 2.0));
        cam.zoom(0.0);
        assert!(close(cam.distance, d / 2.0));
        // Panning right by the full viewport height moves the target by the visible height.
        let before = cam.target;
        let h = 2.0 * cam.half_height_at_target();
        cam.pan(-100.0, 0.0, 100.0);
        assert!(close((cam.target - before).norm(), h));
        let view_shift = cam.view().transform_point(&before);
        assert!(close(view_shift.x, -h) && view_shift.y.abs() < 1e-4);
    }

    #[test]
    fn refit_aspect_equals_a_fresh_fit() {
        let (lo, hi) = ([0.0; 3], [10.0, 20.0, 30.0]);
        for (from, to) in [(1.6, 0.5), (0.5, 2.0), (1.0, 1.0), (1e-6, 1.6)] {
            let mut cam = OrbitCamera::framing_box(lo, hi, 30.0, 20.0, 1.5, from);
            cam.refit_aspect(from, to);
            let fresh = OrbitCamera::framing_box(lo, hi, 30.0, 20.0, 1.5, to);
            assert!(close(cam.distance, fresh.distance), "{from}->{to}");
        }
    }

    #[test]
    fn zoom_argument_scales_distance() {
        let a = OrbitCamera::framing_box([0.0; 3], [1.0; 3], 0.0, 0.0, 1.0, 2.0);
        let b = OrbitCamera::framing_box([0.0; 3], [1.0; 3], 0.0, 0.0, 4.0, 2.0);
        assert!(close(a.distance / b.distance, 4.0));
    }
}
