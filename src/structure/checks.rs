//! Checks of a structure against the run, before anything is built: the file fits in memory,
//! the box holds two cutoffs per rank along every axis (as CoMD's sanity check asks of the
//! lattice), and no two atoms are closer than [`MIN_DISTANCE`] (a structure that would blow
//! up at the first step, usually two overlapping copies of a crystal).

use super::{Parsed, ReadError};
use crate::cli::StructureFormat;
use std::path::Path;

/// Closest allowed distance between two atoms, Å.
pub const MIN_DISTANCE: f64 = 0.5;

/// Bytes a run needs per atom, all copies together (parsing, the engine, a gather), a
/// generous estimate for the memory check.
const BYTES_PER_ATOM: u64 = 2048;

/// Reads the file, refusing one whose atoms would not fit in the available memory (a text
/// line per atom is at least ~10 bytes; a structure costs [`BYTES_PER_ATOM`] per atom).
pub fn read_bounded(path: &Path, format: StructureFormat) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.is_dir() {
        return Err("is a directory, expected a structure file".into());
    }
    if let Some(avail) = available_memory() {
        // a lower bound on the atoms: the shortest atom line ("Cu 0 0 0" / "1 1 0 0 0") is ~10 bytes
        let at_least = meta.len() / 10 / if format == StructureFormat::Lammps { 2 } else { 1 };
        if at_least.saturating_mul(BYTES_PER_ATOM) / 8 > avail {
            return Err(format!("{} bytes: more atoms than the available memory ({} MB) can hold", meta.len(), avail >> 20));
        }
    }
    std::fs::read(path).map_err(|e| format!("cannot read: {e}"))
}

/// `MemAvailable` of `/proc/meminfo`, bytes (`None` where there is none).
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb * 1024)
}

/// Refuses a structure with more atoms than the memory can hold.
pub fn atoms_fit(n: usize) -> Result<(), ReadError> {
    match available_memory() {
        Some(avail) if (n as u64).saturating_mul(BYTES_PER_ATOM) > avail => {
            Err(ReadError::at(0, format!("{n} atoms: more than the available memory ({} MB) can hold", avail >> 20)))
        }
        _ => Ok(()),
    }
}

/// Every rank's domain must be at least two cutoffs wide along every axis (CoMD's check of
/// the lattice, the same message).
pub fn box_fits(p: &Parsed, cutoff: f64, proc_grid: [usize; 3]) -> Result<(), ReadError> {
    let (names, procs) = (["x", "y", "z"], ["-i", "-j", "-k"]);
    for a in 0..3 {
        let min = 2.0 * cutoff * proc_grid[a] as f64;
        let cells_per_rank = (p.lengths[a] / proc_grid[a] as f64 / cutoff).floor();
        if p.lengths[a] < min || cells_per_rank < 2.0 {
            return Err(ReadError::at(
                0,
                format!(
                    "the simulation is too small: the box is {:.2} Å along {}, but each of the {} rank(s) along this axis ({}) \
                     needs at least 2 cutoffs ({:.2} Å); use a larger box or fewer ranks",
                    p.lengths[a], names[a], proc_grid[a], procs[a], 2.0 * cutoff
                ),
            ));
        }
    }
    atoms_fit(p.atoms.len())
}

/// No two atoms closer than [`MIN_DISTANCE`] (nearest periodic image): a cell list (bins at
/// least that wide, about one atom each), each atom against the atoms of its own and the
/// neighbouring bins. Reports the pair that comes first in the file.
pub fn spacing(p: &Parsed) -> Result<(), ReadError> {
    let l = p.lengths;
    let n = p.atoms.len().max(1) as f64;
    let width = (l[0] * l[1] * l[2] / n).cbrt().max(MIN_DISTANCE);
    let nb: [usize; 3] = std::array::from_fn(|k| ((l[k] / width).floor() as usize).clamp(1, 1 << 10));
    let wrapped: Vec<[f64; 3]> = p.atoms.iter().map(|a| std::array::from_fn(|k| (a.r[k] - p.origin[k]).rem_euclid(l[k]))).collect();
    let coord = |r: &[f64; 3]| -> [usize; 3] { std::array::from_fn(|k| ((r[k] / l[k] * nb[k] as f64) as usize).min(nb[k] - 1)) };
    let index = |c: [usize; 3]| c[0] + nb[0] * (c[1] + nb[1] * c[2]);
    // counting sort of the atoms by bin
    let mut start = vec![0usize; nb[0] * nb[1] * nb[2] + 1];
    let bins: Vec<usize> = wrapped.iter().map(|r| index(coord(r))).collect();
    bins.iter().for_each(|&b| start[b + 1] += 1);
    (1..start.len()).for_each(|b| start[b] += start[b - 1]);
    let mut order = vec![0usize; wrapped.len()];
    let mut fill = start.clone();
    for (i, &b) in bins.iter().enumerate() {
        order[fill[b]] = i;
        fill[b] += 1;
    }
    let mut worst: Option<(f64, usize, usize)> = None;
    let mut seen = Vec::with_capacity(27);
    for (i, r) in wrapped.iter().enumerate() {
        let c = coord(r);
        seen.clear();
        for d in 0..27usize {
            let o = [d % 3, (d / 3) % 3, d / 9];
            let key = index(std::array::from_fn(|k| (c[k] + nb[k] + o[k] - 1) % nb[k]));
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            for &j in order[start[key]..start[key + 1]].iter().filter(|&&j| j > i) {
                let d2: f64 = (0..3)
                    .map(|k| {
                        let x = r[k] - wrapped[j][k];
                        let x = x - l[k] * (x / l[k]).round();
                        x * x
                    })
                    .sum();
                if d2 < MIN_DISTANCE * MIN_DISTANCE && worst.is_none_or(|w| (p.atoms[i].line, p.atoms[j].line) < (p.atoms[w.1].line, p.atoms[w.2].line)) {
                    worst = Some((d2.sqrt(), i, j));
                }
            }
        }
    }
    match worst {
        Some((d, i, j)) => {
            let (a, b) = (&p.atoms[i], &p.atoms[j]);
            let (a, b) = if a.line <= b.line { (a, b) } else { (b, a) };
            Err(ReadError::at(
                a.line,
                format!(
                    "atoms {} and {} (lines {} and {}) are {d:.4} Å apart, closer than {MIN_DISTANCE} Å (overlapping atoms?)",
                    a.gid, b.gid, a.line, b.line
                ),
            ))
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::{FileAtom, VelocityUnit};

    fn parsed(rs: &[[f64; 3]]) -> Parsed {
        let atoms = rs.iter().enumerate().map(|(i, &r)| FileAtom { gid: i as i64, line: i + 3, kind: 0, r, v: None, mass: None }).collect();
        Parsed { origin: [0.0; 3], lengths: [12.0; 3], species: vec![None], velocity_unit: VelocityUnit::AngstromPerFs, atoms }
    }

    #[test]
    fn close_atoms_are_found_across_the_boundary() {
        assert!(spacing(&parsed(&[[1.0; 3], [2.0; 3], [11.0, 1.0, 1.0]])).is_ok());
        let e = spacing(&parsed(&[[5.0; 3], [0.1, 1.0, 1.0], [11.8, 1.0, 1.0]])).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.msg.contains("atoms 1 and 2 (lines 4 and 5) are 0.3000 Å apart"), "{e:?}");
        let e = spacing(&parsed(&[[5.0; 3], [5.0, 5.0, 5.4]])).unwrap_err();
        assert!(e.msg.contains("0.4000"), "{e:?}");
    }

    #[test]
    fn the_box_needs_two_cutoffs_per_rank() {
        let p = parsed(&[[1.0; 3]]);
        assert!(box_fits(&p, 5.0, [1, 1, 1]).is_ok());
        let e = box_fits(&p, 5.0, [1, 2, 1]).unwrap_err();
        assert!(e.msg.contains("along y") && e.msg.contains("2 rank(s)") && e.msg.contains("(-j)"), "{e:?}");
    }
}
