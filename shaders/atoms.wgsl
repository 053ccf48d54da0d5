// Atoms, drawn as one instanced quad (4-vertex triangle strip) per atom.
//
// vs_sphere/fs_sphere: ray-traced sphere impostors. The quad faces the eye and is just big
// enough to cover the sphere's silhouette cone; the fragment shader intersects the view ray
// with the sphere, discards misses, shades the hit (Lambert + Blinn-Phong specular) and
// writes its true depth, so overlapping atoms intersect correctly.
//
// vs_point/fs_point: the cheap mode for very large systems. A flat, view-aligned square
// with a slight radial darkening; no discard and no frag_depth, so early depth testing
// stays on and each fragment costs a few instructions. vs_dot: the same as a one-pixel
// point (point list), used when atoms are less than ~3 pixels in radius on screen.

struct Camera {
    view: mat4x4<f32>,
    proj: mat4x4<f32>,
    // width, height, 1/width, 1/height (pixels)
    viewport: vec4<f32>,
    // x: atom radius, y: 1 if orthographic, z: point-mode size factor, w: unused
    params: vec4<f32>,
    // view-space unit vector towards the light
    light: vec4<f32>,
};

@group(0) @binding(0) var<uniform> cam: Camera;

struct Instance {
    @location(0) pos: vec3<f32>,
    // sRGB colour, 8 bits per channel
    @location(1) color: vec4<f32>,
};

fn srgb_to_linear(c: vec3<f32>) -> vec3<f32> {
    let lo = c / 12.92;
    let hi = pow((c + vec3<f32>(0.055)) / 1.055, vec3<f32>(2.4));
    return select(hi, lo, c <= vec3<f32>(0.04045));
}

// Corner of the unit quad for vertex 0..3 of a triangle strip: (-1,-1) (1,-1) (-1,1) (1,1).
fn corner(vi: u32) -> vec2<f32> {
    return vec2<f32>(f32(vi & 1u) * 2.0 - 1.0, f32((vi >> 1u) & 1u) * 2.0 - 1.0);
}

struct SphereOut {
    @builtin(position) clip: vec4<f32>,
    // point on the billboard, view space
    @location(0) view_pos: vec3<f32>,
    @location(1) @interpolate(flat) center: vec3<f32>,
    @location(2) @interpolate(flat) color: vec3<f32>,
};

@vertex
fn vs_sphere(@builtin(vertex_index) vi: u32, inst: Instance) -> SphereOut {
    var out: SphereOut;
    let r = cam.params.x;
    let c = (cam.view * vec4<f32>(inst.pos, 1.0)).xyz;
    let k = corner(vi);
    var p: vec3<f32>;
    if cam.params.y > 0.5 {
        p = c + vec3<f32>(k * r, 0.0);
    } else {
        let d = length(c);
        if d <= r * 1.001 {
            // Eye inside the atom: emit a degenerate (culled) quad.
            out.clip = vec4<f32>(2.0, 2.0, 2.0, 1.0);
            return out;
        }
        let w = -c / d;
        var up = vec3<f32>(0.0, 1.0, 0.0);
        if abs(w.y) > 0.99 {
            up = vec3<f32>(1.0, 0.0, 0.0);
        }
        let u = normalize(cross(up, w));
        let v = cross(w, u);
        // Radius of the silhouette cone where it crosses the plane through the centre.
        let big_r = r * d / sqrt(d * d - r * r);
        p = c + (u * k.x + v * k.y) * big_r;
    }
    out.clip = cam.proj * vec4<f32>(p, 1.0);
    out.view_pos = p;
    out.center = c;
    out.color = srgb_to_linear(inst.color.rgb);
    return out;
}

struct SphereFrag {
    @location(0) color: vec4<f32>,
    @builtin(frag_depth) depth: f32,
};

@fragment
fn fs_sphere(in: SphereOut) -> SphereFrag {
    let r = cam.params.x;
    var ro: vec3<f32>;
    var rd: vec3<f32>;
    if cam.params.y > 0.5 {
        rd = vec3<f32>(0.0, 0.0, -1.0);
        ro = vec3<f32>(in.view_pos.xy, in.center.z + 2.0 * r);
    } else {
        rd = normalize(in.view_pos);
        ro = vec3<f32>(0.0);
    }
    let oc = ro - in.center;
    let b = dot(oc, rd);
    let h = b * b - (dot(oc, oc) - r * r);
    if h < 0.0 {
        discard;
    }
    let t = -b - sqrt(h);
    let hit = ro + t * rd;
    let n = (hit - in.center) / r;
    let l = cam.light.xyz;
    let ndl = max(dot(n, l), 0.0);
    let half_v = normalize(l - rd);
    let spec = pow(max(dot(n, half_v), 0.0), 48.0) * 0.45 * step(0.0, ndl);
    var out: SphereFrag;
    out.color = vec4<f32>(in.color * (0.22 + 0.78 * ndl) + vec3<f32>(spec), 1.0);
    let clip = cam.proj * vec4<f32>(hit, 1.0);
    out.depth = clamp(clip.z / clip.w, 0.0, 1.0);
    return out;
}

struct PointOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) uv: vec2<f32>,
    @location(1) @interpolate(flat) color: vec3<f32>,
};

@vertex
fn vs_point(@builtin(vertex_index) vi: u32, inst: Instance) -> PointOut {
    var out: PointOut;
    let c = (cam.view * vec4<f32>(inst.pos, 1.0)).xyz;
    let k = corner(vi);
    let p = c + vec3<f32>(k * cam.params.x * cam.params.z, 0.0);
    out.clip = cam.proj * vec4<f32>(p, 1.0);
    out.uv = k;
    out.color = srgb_to_linear(inst.color.rgb);
    return out;
}

// Point-list variant: one vertex per atom, one pixel, for atoms smaller than a pixel or two.
@vertex
fn vs_dot(inst: Instance) -> PointOut {
    var out: PointOut;
    out.clip = cam.proj * cam.view * vec4<f32>(inst.pos, 1.0);
    out.uv = vec2<f32>(0.0);
    out.color = srgb_to_linear(inst.color.rgb);
    return out;
}

@fragment
fn fs_point(in: PointOut) -> @location(0) vec4<f32> {
    let shade = 1.0 - 0.3 * dot(in.uv, in.uv);
    return vec4<f32>(in.color * shade, 1.0);
}
