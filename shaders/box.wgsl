// The periodic box: 12 edges drawn as a line list with depth testing, so atoms in front
// hide the back edges.

struct Camera {
    view: mat4x4<f32>,
    proj: mat4x4<f32>,
    viewport: vec4<f32>,
    params: vec4<f32>,
    light: vec4<f32>,
};

@group(0) @binding(0) var<uniform> cam: Camera;

@vertex
fn vs_box(@location(0) pos: vec3<f32>) -> @builtin(position) vec4<f32> {
    return cam.proj * cam.view * vec4<f32>(pos, 1.0);
}

@fragment
fn fs_box() -> @location(0) vec4<f32> {
    return vec4<f32>(0.55, 0.6, 0.7, 1.0);
}
