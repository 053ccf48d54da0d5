//! Structures from files (issue 16): extended XYZ and LAMMPS data read on both paths and under
//! MPI, checked against LAMMPS and ASE, bad files refused, readers fuzzed, --write-data round
//! trips, every written position wrapped.
mod bad;
mod capture;
mod data;
mod fuzz;
mod input;
mod lammps;
mod workflow_doc;
mod wrap;
