//! Structure analysis of a snapshot's atoms, shared by the live viewer and offscreen
//! capture. It imports nothing from `render/` or `viewer/`: both front ends call it and
//! colour the result themselves.

pub mod cna;
mod grid;
pub mod lattices;
