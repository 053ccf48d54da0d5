//! Trajectories read back by ASE and MDAnalysis, every column on both paths.
mod columns;
