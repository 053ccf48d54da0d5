//! Embedded-atom-method potential (spec §4.2, §8.2).
//!
//! This part holds what does not depend on the engine: the funcfl/setfl file readers
//! ([`file`](mod@file)), CoMD's interpolation tables ([`table`]), the file search ([`search`]), the
//! reader errors ([`error`]) and the byte encoding used to broadcast the tables ([`wire`]).

mod elements;
pub mod error;
pub mod file;
mod lexer;
pub mod search;
pub mod table;
pub mod wire;

pub use error::EamFileError;
pub use file::{EamTables, PotentialFormat, MAX_FILE_BYTES};
pub use search::{load, locate, locate_in, search_dirs};
pub use table::{InterpolationTable, TableError, MIN_TABLE_POINTS};
pub use wire::WIRE_VERSION;
