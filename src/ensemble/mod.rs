//! The ensembles of issue 17 (thermostats and a barostat on the default path).
//!
//! So far: [`stream`], the counter-based random numbers keyed by (seed, gid, step) that
//! keep thermostat noise identical across threads, ranks and restarts.

pub mod stream;
