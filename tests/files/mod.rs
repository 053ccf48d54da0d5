//! Files the binary writes: no output clobbers an input or another output, special files
//! are written in place, every write is checked, outputs are probed before the run, stale
//! temporary files are cleaned up (issue 15).
mod safety;
