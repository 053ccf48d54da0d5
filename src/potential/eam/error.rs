//! Errors of the EAM file readers and the file search.
//!
//! CoMD 1.1 checks almost nothing when it reads a potential file (spec §16 item 10): a wrong
//! or truncated file gives garbage tables, a segfault or a hang (spec §14). comd-rs checks
//! every field and reports the file, the line and what it expected there, so a user can fix
//! the file or the command line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::types::Real;

/// Everything that can go wrong while locating, reading or decoding EAM tables.
#[derive(Debug, thiserror::Error)]
pub enum EamFileError {
    /// The file is in none of the searched places.
    #[error("cannot find the EAM potential file `{name}` (looked for {}); {hint}",
        list_paths(.searched))]
    NotFound {
        /// File name as given (`-p`) or defaulted.
        name: String,
        /// Every path tried, in order.
        searched: Vec<PathBuf>,
        /// Where to get the file.
        hint: String,
    },
    /// The path exists but is a directory, a FIFO, a device or a socket.
    #[error("{}: is {kind}, not an EAM potential file; name the table's file with --potName (-p) and its folder with --potDir (-d)", .path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is ("a directory", "a FIFO", …).
        kind: &'static str,
    },
    /// The file exists (or was named explicitly) but could not be read.
    #[error("{}: cannot read the EAM potential file: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The file is implausibly large for an EAM table.
    #[error("{}: the file is larger than {max} bytes, too large for an EAM table", .path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The size limit in bytes.
        max: u64,
    },
    /// A header line does not have the expected fields.
    #[error("{}:{line}: expected {expected}, found `{found}`", .path.display())]
    BadHeader {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What the line should contain.
        expected: String,
        /// The line as found (shortened).
        found: String,
    },
    /// A token that should be a number is not one.
    #[error("{}:{line}: expected a number for {what}, found `{token}`", .path.display())]
    NotANumber {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Which field or table entry.
        what: String,
        /// The token (shortened).
        token: String,
    },
    /// A number is NaN or infinite (or overflows to infinity).
    #[error("{}:{line}: {what} is `{token}`, not a finite number", .path.display())]
    NonFinite {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Which field or table entry.
        what: String,
        /// The token (shortened).
        token: String,
    },
    /// The file ends before the tables the header announced are complete.
    #[error("{}: truncated file: it ends at line {line} after {found} of the {expected} \
        values of {what} announced by the header", .path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Last line of the file.
        line: usize,
        /// Which table was being read.
        what: String,
        /// Values of that table found.
        found: usize,
        /// Values of that table expected.
        expected: usize,
    },
    /// Numbers are left over after the last table.
    #[error("{}:{line}: {count} more value(s) after the last table: the point counts on \
        line {header_line} do not match the data", .path.display())]
    ExtraValues {
        /// The file.
        path: PathBuf,
        /// Line of the first extra value.
        line: usize,
        /// How many extra tokens.
        count: usize,
        /// Line holding nRho and nR.
        header_line: usize,
    },
    /// A table has fewer points than interpolation needs.
    #[error("{}:{line}: {what} = {count}, but a table needs at least {min} points",
        .path.display())]
    TooFewPoints {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// `nRho` or `nR`.
        what: &'static str,
        /// The count found.
        count: usize,
        /// The minimum ([`super::MIN_TABLE_POINTS`]).
        min: usize,
    },
    /// A grid spacing is not finite and positive.
    #[error("{}:{line}: grid spacing {what} = {value:e} must be finite and positive",
        .path.display())]
    BadSpacing {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// `dRho` or `dR`.
        what: &'static str,
        /// The spacing found.
        value: Real,
    },
    /// The cutoff is not finite and positive, or lies beyond the r tables.
    #[error("{}:{line}: cutoff = {value} must be positive and not beyond the end of the r \
        tables (nR*dR = {table_end})", .path.display())]
    BadCutoff {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The cutoff found.
        value: Real,
        /// `nR*dR`.
        table_end: Real,
    },
    /// Mass or lattice constant is not positive.
    #[error("{}:{line}: {what} = {value} must be positive", .path.display())]
    NotPositive {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Which field.
        what: &'static str,
        /// The value found.
        value: Real,
    },
    /// A setfl file for an alloy.
    #[error("{}:{line}: the file describes {count} elements; comd-rs, like CoMD 1.1, \
        supports single-element setfl files only", .path.display())]
    MultiElement {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Number of elements in the file.
        count: usize,
    },
    /// A setfl file given to the funcfl reader.
    #[error("{}: this is not a funcfl file ({reason}); it looks like a setfl file: use -t setfl",
        .path.display())]
    LooksLikeSetfl {
        /// The file.
        path: PathBuf,
        /// Why it is not funcfl.
        reason: String,
    },
    /// A funcfl file given to the setfl reader.
    #[error("{}: this is not a setfl file ({reason}); it looks like a funcfl file: use -t funcfl",
        .path.display())]
    LooksLikeFuncfl {
        /// The file.
        path: PathBuf,
        /// Why it is not setfl.
        reason: String,
    },
    /// The lattice is not FCC (CoMD's message, plus file and line).
    #[error("{}:{line}: Only FCC Lattice type supported, not {lattice}", .path.display())]
    NotFcc {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The lattice type found.
        lattice: String,
    },
    /// A table built from the file has a non-finite value (e.g. `Z*Z/r` overflows).
    #[error("{}: {what} is not finite at grid point {index}", .path.display())]
    DerivedNonFinite {
        /// The file.
        path: PathBuf,
        /// Which table.
        what: &'static str,
        /// Grid index.
        index: usize,
    },
    /// A table could not be built from values the reader accepted (should not happen: the
    /// readers check the same conditions first).
    #[error("{}: cannot build the {what} table: {source}", .path.display())]
    Table {
        /// The file.
        path: PathBuf,
        /// Which table.
        what: &'static str,
        /// Why.
        #[source]
        source: super::table::TableError,
    },
    /// A broadcast buffer could not be decoded ([`super::EamTables::from_bytes`]).
    #[error("cannot decode broadcast EAM tables: {0}")]
    Decode(String),
}

impl EamFileError {
    /// The exit status CoMD 1.1 uses for the nearest equivalent failure (spec §14): 4 for a
    /// non-FCC lattice (a sanity-check failure), 255 (`exit(-1)`) for everything else.
    pub fn comd_exit_code(&self) -> i32 {
        match self {
            EamFileError::NotFcc { .. } => 4,
            _ => 255,
        }
    }
}

fn list_paths(paths: &[PathBuf]) -> String {
    let mut s = String::new();
    for (k, p) in paths.iter().enumerate() {
        let _ = write!(s, "{}{}", if k > 0 { ", " } else { "" }, p.display());
    }
    s
}

/// Shortens a token or line for an error message (at most 60 characters).
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    let s = s.trim();
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}...")
    }
}

/// Convenience for the readers: an [`EamFileError::Io`] for `path`.
pub(crate) fn io_error(path: &Path, source: std::io::Error) -> EamFileError {
    EamFileError::Io {
        path: path.to_path_buf(),
        source,
    }
}
