//! Trajectory files: extended XYZ ([`xyz`]) and LAMMPS text dumps ([`lammps`]), written by
//! an [`Observer`] every `--dump-every` steps, at step 0 and at the final step.
//!
//! Each frame is written whole, and a failed write cuts the file back to its complete frames
//! ([`file`]), so a file always ends with complete frames unless the process is killed in
//! the middle of one. On a restart the file is scanned, everything from the first frame at
//! or after the checkpoint's step (and any incomplete tail) is cut off, and the run appends
//! from there: a run interrupted and restarted writes the same file as an uninterrupted one.
//! Frames missing before the restart step are stated on stderr.
//!
//! Only rank 0 opens files; other ranks hold a writer without a file (observers must exist
//! on every rank because their cadence drives a collective gather).

mod file;
pub mod lammps;
pub mod xyz;

use crate::observer::{Frame, Observer};
use std::path::{Path, PathBuf};

/// Trajectory file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Extended XYZ.
    Xyz,
    /// LAMMPS text dump.
    Lammps,
}

/// The complete frames found in an existing file.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameScan {
    /// `(byte offset, step)` of every complete frame.
    pub frames: Vec<(usize, u64)>,
    /// Length of the prefix made of complete frames.
    pub complete_len: usize,
}

impl FrameScan {
    /// Bytes to keep so that only frames before `step` remain.
    pub fn keep_before(&self, step: u64) -> usize {
        self.frames.iter().find(|(_, s)| *s >= step).map_or(self.complete_len, |(o, _)| *o)
    }
}

/// Newline-terminated lines with their offsets (a last line without `\n` is incomplete and
/// is not returned).
pub(crate) struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lines { text, pos: 0 }
    }
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let rest = &self.text[self.pos..];
        let end = rest.find('\n')?;
        self.pos += end + 1;
        Some(rest[..end].trim_end_matches('\r'))
    }
}

/// `v` in C `%.{digits-1}e` form (`digits` significant digits).
pub(crate) fn number(v: f64, digits: usize) -> String {
    crate::output::format::e(v, digits.saturating_sub(1))
}

/// Significant digits by default and with `--full-precision`.
pub const DEFAULT_DIGITS: usize = 8;
/// Enough digits to read back every `f64` exactly.
pub const FULL_DIGITS: usize = 17;

/// An [`Observer`] appending frames to a trajectory file.
pub struct TrajectoryWriter {
    format: Format,
    path: PathBuf,
    out: Option<file::TrajectoryFile>,
    rank0: bool,
    resume_at: Option<u64>,
    every: u64,
    digits: usize,
    /// LAMMPS dumps: `ITEM: TIME` before each frame.
    time: bool,
    last_step: Option<u64>,
    buf: String,
    failed: bool,
}

impl TrajectoryWriter {
    /// Opens `path` for a run writing every `every` steps. With `resume_at` (a restart from
    /// that step) an existing file is cut back to its frames before that step and appended
    /// to; otherwise it is created or truncated. `rank0`: only rank 0 touches the file. The
    /// file is opened when the first frame arrives, so a run that fails to start leaves it
    /// alone.
    pub fn create(path: &Path, format: Format, every: u64, full_precision: bool, resume_at: Option<u64>, rank0: bool) -> anyhow::Result<Self> {
        Ok(TrajectoryWriter {
            format,
            path: path.to_path_buf(),
            out: None,
            rank0,
            resume_at,
            every: every.max(1),
            digits: if full_precision { FULL_DIGITS } else { DEFAULT_DIGITS },
            time: false,
            last_step: None,
            buf: String::new(),
            failed: false,
        })
    }

    /// LAMMPS dumps: start each frame with `ITEM: TIME` (ps) when `time` (`--dump-time`).
    pub fn with_time(mut self, time: bool) -> Self {
        self.time = time;
        self
    }

    fn write(&mut self, frame: &Frame, last: bool) -> anyhow::Result<()> {
        if self.failed {
            return Ok(()); // reported once, when it happened; the file keeps whole frames
        }
        let res = self.write_frame(frame, last);
        self.failed = res.is_err();
        res
    }

    fn write_frame(&mut self, frame: &Frame, last: bool) -> anyhow::Result<()> {
        if self.last_step == Some(frame.step) {
            return match (&mut self.out, last) {
                (Some(out), true) => out.append(b"", true),
                _ => Ok(()),
            };
        }
        self.buf.clear();
        let frame = &frame.wrapped(); // positions in [0, L), image flags moved with them
        match self.format {
            Format::Xyz => xyz::format_frame(&mut self.buf, frame, self.digits),
            Format::Lammps => lammps::format_frame(&mut self.buf, frame, self.digits, self.time),
        }
        if self.rank0 && self.out.is_none() {
            self.out = Some(file::TrajectoryFile::open(&self.path, self.format, self.resume_at, self.every)?);
        }
        if let Some(out) = &mut self.out {
            out.append(self.buf.as_bytes(), last)?;
        }
        self.last_step = Some(frame.step);
        Ok(())
    }
}

impl Observer for TrajectoryWriter {
    fn every(&self) -> Option<u64> {
        Some(self.every)
    }
    fn observe(&mut self, frame: &Frame) -> anyhow::Result<()> {
        self.write(frame, false)
    }
    fn finish(&mut self, frame: &Frame) -> anyhow::Result<()> {
        self.write(frame, true)
    }
    fn notes(&self) -> Vec<String> {
        self.out.as_ref().and_then(|f| f.note.clone()).into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::AtomRecord;

    fn frame(step: u64) -> Frame {
        let a = AtomRecord { gid: 0, cell: 0, r: [1.0, 2.0, 3.0], p: [2.0, 0.0, -2.0], f: [0.0; 3], u: 0.0, image: [1, 0, -1], r_ref: [1.0, 2.0, 3.0] };
        Frame {
            step,
            dt: 1.0,
            box_min: [0.0; 3],
            box_max: [5.0; 3],
            n_ranks: 1,
            e_potential: -1.0,
            e_kinetic: 0.5,
            mass: 2.0,
            species: "Cu".into(),
            u_unit: 1.0,
            pressure: 0.0,
            virial: [0.0; 6],
            e_initial: 0.0,
            n_initial: 2,
            atoms: vec![a, AtomRecord { gid: 1, ..a }],
            ranks: vec![0, 0],
            target_temp: None,
            ensemble: Vec::new(),
        }
    }

    #[test]
    fn scans_find_complete_frames_and_cut_partial_tails() {
        for (fmt, scan) in [(Format::Xyz, xyz::scan as fn(&str) -> FrameScan), (Format::Lammps, lammps::scan)] {
            let mut s = String::new();
            for step in [0, 10, 20] {
                match fmt {
                    Format::Xyz => xyz::format_frame(&mut s, &frame(step), 8),
                    Format::Lammps => lammps::format_frame(&mut s, &frame(step), 8, step == 10),
                }
            }
            let full = scan(&s);
            assert_eq!(full.frames.iter().map(|f| f.1).collect::<Vec<_>>(), vec![0, 10, 20]);
            assert_eq!(full.complete_len, s.len());
            assert_eq!(full.keep_before(10), full.frames[1].0);
            let cut = scan(&s[..s.len() - 5]);
            assert_eq!(cut.frames.len(), 2);
            assert_eq!(cut.keep_before(99), full.frames[2].0);
        }
    }

    #[test]
    fn velocities_are_in_stated_units() {
        let mut s = String::new();
        lammps::format_frame(&mut s, &frame(0), 8, false);
        assert!(s.contains("1 1 Cu 1.0000000e+00 2.0000000e+00 3.0000000e+00 1 0 -1 1.0000000e+03 0.0000000e+00 -1.0000000e+03"), "{s}");
        s.clear();
        xyz::format_frame(&mut s, &frame(0), 17);
        // pos, masses (amu), momenta (ASE units), velo (Å/fs), forces, energies, id
        let atom = s.lines().nth(2).unwrap();
        assert!(atom.starts_with("Cu 1.0000000000000000e+00 2.0000000000000000e+00 3.0000000000000000e+00 "), "{atom}");
        let f: Vec<f64> = atom.split_whitespace().skip(1).map(|x| x.parse().unwrap()).collect();
        assert_eq!(f.len(), 3 + 1 + 3 + 3 + 3 + 1 + 1, "{atom}");
        assert_eq!(f[7..10], [1.0, 0.0, -1.0], "velo in Å/fs: {atom}");
        let amu = 2.0 / crate::constants::amu_to_internal_mass();
        assert!((f[3] - amu).abs() < 1e-15 * amu && (f[4] - amu / 0.09822694788464063).abs() < 1e-12 * f[4], "{atom}");
    }
}
