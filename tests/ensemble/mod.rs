//! Thermostats and the barostat through the binary: options and their errors, canonical
//! statistics, NPT against LAMMPS, and bitwise determinism across threads, ranks and
//! restarts.
mod determinism;
mod npt;
mod options;
mod slab;
mod statistics;
