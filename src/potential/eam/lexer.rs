//! Line and token access to a potential file, with the line numbers error messages need.
//!
//! CoMD reads the header lines with `fgets` + `sscanf` and the tables with `fscanf("%lg")`,
//! which skips any whitespace, newlines included. Here the header is addressed by line
//! number and the tables are a stream of whitespace-separated tokens that remembers which
//! line each token came from. Numbers are parsed with `str::parse::<f64>`, which rounds
//! correctly, like glibc's `strtod` behind `%lg`, so both give the same double for every
//! decimal number in a table. Unlike `%lg`, a token must be a number as a whole (`1.5abc` is
//! an error, not 1.5) and hexadecimal floats are not accepted.

use std::path::Path;
use std::str::SplitAsciiWhitespace;

use super::error::{shorten, EamFileError};
use crate::types::Real;

/// A file split into lines (1-based numbering, as editors and error messages count).
pub(crate) struct Source<'a> {
    pub path: &'a Path,
    lines: Vec<&'a str>,
}

impl<'a> Source<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        Self {
            path,
            lines: text.lines().collect(),
        }
    }

    /// Line `no` (1-based), if the file has it.
    pub fn line(&self, no: usize) -> Option<&'a str> {
        no.checked_sub(1).and_then(|i| self.lines.get(i)).copied()
    }

    /// Whitespace-separated fields of line `no` (empty past the end of the file).
    pub fn fields(&self, no: usize) -> Vec<&'a str> {
        self.line(no)
            .map(|l| l.split_ascii_whitespace().collect())
            .unwrap_or_default()
    }

    /// Number of lines.
    pub fn n_lines(&self) -> usize {
        self.lines.len()
    }

    /// Whether line `no` matches `pattern`, one character per field: `i` an integer, `f` a
    /// number, `w` a word that is not a number. Used to recognise the file format.
    pub fn has_shape(&self, no: usize, pattern: &str) -> bool {
        let fields = self.fields(no);
        fields.len() == pattern.len()
            && fields.iter().zip(pattern.chars()).all(|(t, c)| match c {
                'i' => t.parse::<i64>().is_ok(),
                'f' => t.parse::<Real>().is_ok(),
                _ => t.parse::<Real>().is_err(),
            })
    }

    /// "expected ... found ..." for line `no`.
    pub fn bad_header(&self, no: usize, expected: &str) -> EamFileError {
        EamFileError::BadHeader {
            path: self.path.to_path_buf(),
            line: no,
            expected: expected.to_string(),
            found: self
                .line(no)
                .map_or_else(|| "end of file".to_string(), shorten),
        }
    }

    /// Parses a non-negative integer count (`nRho`, `nR`, number of elements).
    pub fn count(&self, no: usize, token: &str, what: &str) -> Result<usize, EamFileError> {
        token
            .parse::<usize>()
            .map_err(|_| EamFileError::NotANumber {
                path: self.path.to_path_buf(),
                line: no,
                what: format!("{what} (a non-negative integer)"),
                token: shorten(token),
            })
    }

    /// Parses an integer (the atomic number).
    pub fn integer(&self, no: usize, token: &str, what: &str) -> Result<i32, EamFileError> {
        token.parse::<i32>().map_err(|_| EamFileError::NotANumber {
            path: self.path.to_path_buf(),
            line: no,
            what: format!("{what} (an integer)"),
            token: shorten(token),
        })
    }

    /// Parses a finite floating-point number.
    pub fn real(&self, no: usize, token: &str, what: &str) -> Result<Real, EamFileError> {
        parse_real(self.path, no, token, what)
    }

    /// A token stream over the lines after line `after`.
    pub fn values_after(&self, after: usize) -> Values<'a, '_> {
        Values {
            src: self,
            next_line: after,
            current: "".split_ascii_whitespace(),
            line: after,
        }
    }
}

/// Parses a finite number, with the error naming file, line and field.
pub(crate) fn parse_real(
    path: &Path,
    line: usize,
    token: &str,
    what: &str,
) -> Result<Real, EamFileError> {
    match token.parse::<Real>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(EamFileError::NonFinite {
            path: path.to_path_buf(),
            line,
            what: what.to_string(),
            token: shorten(token),
        }),
        Err(_) => Err(EamFileError::NotANumber {
            path: path.to_path_buf(),
            line,
            what: what.to_string(),
            token: shorten(token),
        }),
    }
}

/// The whitespace-separated tokens after the header, with their line numbers.
pub(crate) struct Values<'a, 's> {
    src: &'s Source<'a>,
    /// Index (0-based) of the next line to split, = 1-based number of the current line.
    next_line: usize,
    current: SplitAsciiWhitespace<'a>,
    line: usize,
}

impl<'a> Values<'a, '_> {
    /// The next token and its (1-based) line number.
    pub fn next_token(&mut self) -> Option<(&'a str, usize)> {
        loop {
            if let Some(t) = self.current.next() {
                return Some((t, self.line));
            }
            let text = self.src.lines.get(self.next_line)?;
            self.next_line += 1;
            self.line = self.next_line;
            self.current = text.split_ascii_whitespace();
        }
    }

    /// Reads the `n` values of table `what`. The allocation is bounded by the file size, so
    /// a huge count in the header cannot exhaust memory; it ends in [`EamFileError::Truncated`].
    pub fn table(
        &mut self,
        what: &str,
        n: usize,
        size_bound: usize,
    ) -> Result<Vec<Real>, EamFileError> {
        let mut out = Vec::with_capacity(n.min(size_bound / 2 + 1));
        for i in 0..n {
            let Some((tok, line)) = self.next_token() else {
                return Err(EamFileError::Truncated {
                    path: self.src.path.to_path_buf(),
                    line: self.src.n_lines(),
                    what: what.to_string(),
                    found: i,
                    expected: n,
                });
            };
            let label = format!("value {} of {n} of {what}", i + 1);
            out.push(parse_real(self.src.path, line, tok, &label)?);
        }
        Ok(out)
    }

    /// Fails if any token is left (the header's counts disagree with the data).
    pub fn expect_end(&mut self, header_line: usize) -> Result<(), EamFileError> {
        if let Some((_, line)) = self.next_token() {
            let mut count = 1;
            while self.next_token().is_some() {
                count += 1;
            }
            return Err(EamFileError::ExtraValues {
                path: self.src.path.to_path_buf(),
                line,
                count,
                header_line,
            });
        }
        Ok(())
    }
}
