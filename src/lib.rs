//! comd-rs: a Rust port of CoMD 1.1, the ExMatEx/ECP classical molecular-dynamics proxy app.
//!
//! ```text
//! command line / deck ─► cli::Cli ─► config::RunConfig (validated; no potential, no engine)
//!                                          │
//!   comm::init() ─► Box<dyn Comm> (Serial | Mpi)      potential::build ─► Potential (LJ | EAM tables)
//!                                          ▼
//!   engine::start(&RunConfig, &Potential, Start::{Lattice, Atoms, Checkpoint}) ─► Box<dyn Engine>
//!        lattice (sites + per-gid draws) ─► engine stage: thermalise, displace, first force
//!        EngineKind::{Exact ─► engine::exact (link cells, CoMD's loops), Default ─► engine::fast (lists)}
//!                                          │
//!   simulation::run ── prolog: sanity checks, engine, setup report
//!        loop: print a row (output::screen / yaml, rank 0) ─► notify observers ─► advance:
//!              engine::verlet::timestep: kick ─► drift ─► redistribute ─► force ─► kick (each engine's stages)
//!        observers: trajectory, checkpoint, observer::feeds ─► Snapshot ─► viewer (window) / capture (offscreen)
//!                                                         both on render (GPU, renderer, camera) and image_out (PNG, GIF)
//!        epilog: validation, final dump and frame, timers, YAML
//! ```
//!
//! Units: Å, eV, fs, K; masses in eV·fs²/Å². Verification values (CoMD's documentation):
//! cohesive energy at 0 K, LJ −1.243619295058 eV/atom, EAM Adams −3.538079224691,
//! EAM Mishin −3.539999969176.
#![warn(missing_docs)]
#![deny(unsafe_code)]

pub mod analysis;
pub mod app;
pub mod checkpoint;
pub mod cli;
pub mod comm;
pub mod config;
pub mod constants;
pub mod domain;
pub mod engine;
pub mod ensemble;
pub mod error;
pub mod files;
pub mod fixed;
pub mod lattice;
pub mod memory;
pub mod observer;
pub mod output;
pub mod paths;
pub mod plot;
pub mod potential;
pub mod progress;
pub mod records;
pub mod rng;
pub mod session;
pub mod signals;
pub mod simulation;
pub mod snapshot;
pub mod stream;
pub mod structure;
pub mod timers;
pub mod trajectory;
pub mod types;
pub mod viewer;

#[cfg(feature = "viewer")]
pub mod capture;
#[cfg(feature = "viewer")]
pub mod image_out;
#[cfg(feature = "viewer")]
pub mod render;
