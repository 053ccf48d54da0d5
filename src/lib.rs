//! comd-rs: a Rust port of CoMD 1.1, the ExMatEx/ECP classical molecular-dynamics proxy app.
#![warn(missing_docs)]
#![deny(unsafe_code)]

pub mod comm;
pub mod constants;
pub mod snapshot;
pub mod types;
pub mod viewer;

#[cfg(feature = "viewer")]
pub mod capture;
