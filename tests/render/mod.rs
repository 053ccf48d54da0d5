//! Rendering (feature `viewer`): shaders validate, offscreen capture, PNG/GIF from the binary,
//! and the live window under Xvfb read back by its pixels.
mod capture_cli;
mod cna;
mod cull;
mod offscreen;
mod shaders;
mod viewer_window;
