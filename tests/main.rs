//! The integration suite, one test crate with a module per area (mirroring `src/`), sharing
//! the helpers in `common`. Most tests drive the `comd` binary as a user would; some build
//! engines through the library's factory. nextest runs every test in its own process.
mod common;

mod architecture;
mod cli;
mod engine;
mod ensemble;
mod files;
mod mpi;
mod potential;
mod render;
mod structure;
mod trajectory;
