//! Per-atom state dump in the format of `reference/comd/state-dumps` (header line, column
//! line, one row per atom sorted by gid, `%.17e` numbers), so any two runs — or a run and
//! CoMD — can be compared bit for bit. Rank 0 gathers the atoms and writes the file
//! atomically (temporary file, then rename): it is complete or absent.

use super::format::e;
use crate::files::write_atomically;
use crate::records::AtomRecord;
use std::path::Path;

/// Writes the dump of `atoms` (any order) at `step` to `path`, atomically.
pub fn write(path: &Path, step: u64, e_pot: f64, e_kin: f64, atoms: &mut [AtomRecord]) -> std::io::Result<()> {
    atoms.sort_unstable_by_key(|a| a.gid);
    let mut s = String::with_capacity(atoms.len() * 260);
    s += &format!("# step {step} nAtoms {} ePotential {} eKinetic {}\n", atoms.len(), e(e_pot, 17), e(e_kin, 17));
    s += "# gid box rx ry rz px py pz fx fy fz U\n";
    for a in atoms.iter() {
        s += &format!("{} {}", a.gid, a.cell);
        for v in a.r.iter().chain(&a.p).chain(&a.f).chain(std::iter::once(&a.u)) {
            s.push(' ');
            s += &e(*v, 17);
        }
        s.push('\n');
    }
    write_atomically(path, s.as_bytes())
}
