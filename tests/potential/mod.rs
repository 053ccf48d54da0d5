//! EAM tables: built as CoMD builds them, malformed files refused, readers fuzzed.
mod eam_fuzz;
mod eam_malformed;
mod eam_tables;
