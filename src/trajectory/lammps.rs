//! LAMMPS text dump frames (`dump custom`), readable by OVITO, VMD, ASE and LAMMPS's own
//! `read_dump` / `rerun`.
//!
//! ```text
//! ITEM: TIMESTEP
//! 10
//! ITEM: NUMBER OF ATOMS
//! 4000
//! ITEM: BOX BOUNDS pp pp pp
//! 0 72.3
//! …
//! ITEM: ATOMS id type x y z ix iy iz vx vy vz
//! 1 1 1.8075000e+00 … 0 0 0 -1.2e+00 …
//! ```
//!
//! LAMMPS `metal` units: positions Å (wrapped; unwrapped = x + ix·Lx), velocities Å/ps (the
//! internal Å/fs times 1000). Ids are CoMD's global id plus one (LAMMPS ids start at 1);
//! every atom is type 1 (copper).

use super::{number, FrameScan};
use crate::observer::Frame;
use std::fmt::Write;

/// Appends one frame to `out` with `digits` significant digits.
pub fn format_frame(out: &mut String, frame: &Frame, digits: usize) {
    let _ = write!(out, "ITEM: TIMESTEP\n{}\nITEM: NUMBER OF ATOMS\n{}\nITEM: BOX BOUNDS pp pp pp\n", frame.step, frame.atoms.len());
    for a in 0..3 {
        let _ = writeln!(out, "{} {}", frame.box_min[a], frame.box_max[a]);
    }
    out.push_str("ITEM: ATOMS id type x y z ix iy iz vx vy vz\n");
    let to_a_per_ps = 1000.0 / frame.mass;
    for a in &frame.atoms {
        let _ = write!(out, "{} 1", i64::from(a.gid) + 1);
        for v in a.r {
            out.push(' ');
            out.push_str(&number(v, digits));
        }
        let _ = write!(out, " {} {} {}", a.image[0], a.image[1], a.image[2]);
        for p in a.p {
            out.push(' ');
            out.push_str(&number(p * to_a_per_ps, digits));
        }
        out.push('\n');
    }
}

/// Complete frames of a dump file: byte offset of each and its timestep.
pub fn scan(text: &str) -> FrameScan {
    let mut frames = Vec::new();
    let mut lines = super::Lines::new(text);
    let mut complete = 0;
    loop {
        let start = lines.offset();
        if lines.next() != Some("ITEM: TIMESTEP") {
            break;
        }
        let Some(step) = lines.next().and_then(|s| s.trim().parse::<u64>().ok()) else { break };
        if lines.next() != Some("ITEM: NUMBER OF ATOMS") {
            break;
        }
        let Some(n) = lines.next().and_then(|s| s.trim().parse::<usize>().ok()) else { break };
        // box header + 3 bounds + atoms header + n atoms
        if (0..5 + n).any(|_| lines.next().is_none()) {
            break;
        }
        frames.push((start, step));
        complete = lines.offset();
    }
    FrameScan { frames, complete_len: complete }
}
