//! `--write-data PATH`: the final state as a LAMMPS data file (atom style atomic, metal
//! units), which `read_data` reads, ASE and OVITO open, and `--structure` continues from.
//!
//! Numbers have 17 significant digits, so every position and velocity reads back as the
//! same `f64` (positions wrapped into `[0, L)` with image flags; velocities in Å/ps, one
//! rounding away from the run's momenta). The file is written atomically once the run has
//! ended cleanly: it is complete or absent.

use crate::observer::{Frame, Observer};
use crate::output::format::e;
use anyhow::Context;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The text of the data file of `frame` (atoms of `species`).
pub fn render(frame: &Frame, species: &str) -> String {
    let frame = frame.wrapped();
    let n = |v: f64| e(v, 16);
    let amu = frame.mass / crate::constants::amu_to_internal_mass();
    let mut s = String::with_capacity(160 * frame.atoms.len() + 512);
    let _ = writeln!(s, "LAMMPS data file written by comd-rs: step {}, time {} fs (atom style atomic, metal units)\n", frame.step, frame.time());
    let _ = writeln!(s, "{} atoms\n1 atom types\n", frame.atoms.len());
    for (k, a) in ["x", "y", "z"].iter().enumerate() {
        let _ = writeln!(s, "{} {} {a}lo {a}hi", n(0.0), n(frame.box_max[k] - frame.box_min[k]));
    }
    let _ = writeln!(s, "\nMasses\n\n1 {} # {species}\n\nAtoms # atomic\n", n(amu));
    for a in &frame.atoms {
        let _ = writeln!(s, "{} 1 {} {} {} {} {} {}", a.gid as i64 + 1, n(a.r[0]), n(a.r[1]), n(a.r[2]), a.image[0], a.image[1], a.image[2]);
    }
    s.push_str("\nVelocities\n\n");
    // Å/fs → Å/ps
    let to_ps = 1000.0 / frame.mass;
    for a in &frame.atoms {
        let _ = writeln!(s, "{} {} {} {}", a.gid as i64 + 1, n(a.p[0] * to_ps), n(a.p[1] * to_ps), n(a.p[2] * to_ps));
    }
    s
}

/// An [`Observer`] that prepares the data file of the final frame and writes it on
/// [`DataWriter::commit`] (after the run ended cleanly; rank 0).
pub struct DataWriter {
    path: PathBuf,
    species: String,
    pending: Option<String>,
}

impl DataWriter {
    /// A writer to `path` for atoms of `species`.
    pub fn new(path: &Path, species: &str) -> DataWriter {
        DataWriter { path: path.to_path_buf(), species: species.to_string(), pending: None }
    }

    /// Writes the prepared file (no-op on ranks other than 0, and after a failed run).
    pub fn commit(&mut self) -> anyhow::Result<()> {
        match self.pending.take() {
            Some(text) => crate::files::write_atomically(&self.path, text.as_bytes()).with_context(|| format!("writing the data file {}", self.path.display())),
            None => Ok(()),
        }
    }
}

impl Observer for DataWriter {
    fn every(&self) -> Option<u64> {
        None
    }
    fn observe(&mut self, _frame: &Frame) -> anyhow::Result<()> {
        Ok(())
    }
    fn finish(&mut self, frame: &Frame) -> anyhow::Result<()> {
        let sound = frame.e_potential.is_finite() && frame.e_kinetic.is_finite() && frame.atoms.len() as i64 == frame.n_initial;
        self.pending = sound.then(|| render(frame, &self.species));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::AtomRecord;

    #[test]
    fn the_file_reads_back_as_written() {
        let m = 63.55 * crate::constants::amu_to_internal_mass();
        let a = AtomRecord { gid: 6, cell: 0, r: [10.5, -0.25, 3.0], p: [0.1 * m, 0.0, -1e-3 * m], f: [0.0; 3], u: 0.0, image: [0, 2, 0], r_ref: [0.0; 3] };
        let frame = Frame {
            step: 7,
            dt: 1.0,
            box_min: [0.0; 3],
            box_max: [10.0, 11.0, 12.0],
            n_ranks: 1,
            e_potential: -1.0,
            e_kinetic: 0.1,
            mass: m,
            species: "Cu".into(),
            u_unit: 1.0,
            pressure: 0.0,
            virial: [0.0; 6],
            e_initial: 0.0,
            n_initial: 1,
            atoms: vec![a],
            ranks: vec![0],
            target_temp: None,
            ensemble: Vec::new(),
        };
        let text = render(&frame, "Cu");
        let p = crate::structure::lammps_data::parse(&text).unwrap();
        assert_eq!(p.lengths, [10.0, 11.0, 12.0]);
        assert_eq!(p.atoms[0].gid, 6);
        // wrapped to [0.5, 10.75, 3] with images [1, 1, 0]: the same unwrapped position
        assert!(text.contains("7 1 5.0000000000000000e-01 1.0750000000000000e+01 3.0000000000000000e+00 1 1 0\n"), "{text}");
        assert_eq!(p.atoms[0].r, [10.5, -0.25 + 22.0, 3.0]);
        let v = p.atoms[0].v.unwrap();
        assert!((v[0] - 100.0).abs() < 1e-12 && (v[2] + 1.0).abs() < 1e-12, "{v:?}");
        assert_eq!(p.atoms[0].mass.map(|x| (x - 63.55).abs() < 1e-12), Some(true));
    }
}
