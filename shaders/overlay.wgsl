// Screen-space overlay: text (one small rectangle per lit pixel of the built-in 5x7 font),
// the colour legend and the panels behind them. Each instance is a rectangle in pixels
// (origin top-left) with an sRGB colour and alpha; drawn last, alpha-blended, no depth.

struct Camera {
    view: mat4x4<f32>,
    proj: mat4x4<f32>,
    viewport: vec4<f32>,
    params: vec4<f32>,
    light: vec4<f32>,
};

@group(0) @binding(0) var<uniform> cam: Camera;

struct RectOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) color: vec4<f32>,
};

@vertex
fn vs_rect(
    @builtin(vertex_index) vi: u32,
    @location(0) rect: vec4<f32>,
    @location(1) color: vec4<f32>,
) -> RectOut {
    let k = vec2<f32>(f32(vi & 1u), f32((vi >> 1u) & 1u));
    let px = rect.xy + k * rect.zw;
    var out: RectOut;
    out.clip = vec4<f32>(px.x * cam.viewport.z * 2.0 - 1.0, 1.0 - px.y * cam.viewport.w * 2.0, 0.0, 1.0);
    let c = color.rgb;
    let lin = select(pow((c + vec3<f32>(0.055)) / 1.055, vec3<f32>(2.4)), c / 12.92, c <= vec3<f32>(0.04045));
    out.color = vec4<f32>(lin, color.a);
    return out;
}

@fragment
fn fs_rect(in: RectOut) -> @location(0) vec4<f32> {
    return in.color;
}
