//! comd-rs: a Rust port of CoMD 1.1, the ExMatEx/ECP classical molecular-dynamics proxy app.
//!
//! ```text
//! CLI flags ─► cli::Cli ─► config::RunConfig (validated)
//!                               │
//!   comm::Comm (Serial | Mpi) ──┤    forces::Potential (LJ | EAM)
//!                               ▼
//!   domain::Domain ─► cells::LinkCells ─► atoms::Atoms ─► lattice (FCC, temperature, displacement)
//!                               │
//!   simulation::run ── prolog: redistribute, force, kinetic energy
//!        loop every printRate: integrator::timestep(n):
//!                 kick ─► drift ─► redistribute (cells.update ─► halo::exchange(AtomPayload) ─► sort)
//!                      ─► potential force (EAM: halo::exchange(ForcePayload)) ─► kick
//!             output::screen / yaml (rank 0) ; snapshot ─► viewer / capture
//!        epilog: validation, timers, reports
//! ```
//!
//! Units: Å, eV, fs, K; masses in eV·fs²/Å². Verification values (CoMD's documentation):
//! cohesive energy at 0 K, LJ −1.243619295058 eV/atom, EAM Adams −3.538079224691,
//! EAM Mishin −3.539999969176.
#![warn(missing_docs)]
#![deny(unsafe_code)]

pub mod atoms;
pub mod cells;
pub mod checkpoint;
pub mod cli;
pub mod comm;
pub mod config;
pub mod constants;
pub mod domain;
pub mod engine;
pub mod error;
pub mod fast;
pub mod fixed;
pub mod forces;
pub mod halo;
pub mod integrator;
pub mod lattice;
pub mod observer;
pub mod output;
pub mod plot;
pub mod progress;
pub mod rng;
pub mod signals;
pub mod simulation;
pub mod snapshot;
pub mod system;
pub mod timers;
pub mod trajectory;
pub mod types;
pub mod viewer;

#[cfg(feature = "viewer")]
pub mod capture;
