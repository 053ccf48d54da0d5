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
//! ITEM: ATOMS id type element x y z ix iy iz vx vy vz fx fy fz pe
//! 1 1 Cu 1.8075000e+00 … 0 0 0 -1.2e+00 … -3.5e+00
//! ```
//!
//! LAMMPS `metal` units: positions Å (wrapped; unwrapped = x + ix·Lx), velocities Å/ps (the
//! internal Å/fs times 1000), forces eV/Å, `pe` the per-atom potential energy in eV. Ids are
//! CoMD's global id plus one (LAMMPS ids start at 1); every atom is type 1, and the `element`
//! column names it, so OVITO names the type and ASE reads the species (and its mass) with no
//! `specorder`. With `time` (`--dump-time`) each frame starts with `ITEM: TIME` and the time in
//! ps, as LAMMPS's `dump_modify time yes` writes it (OVITO reads it; MDAnalysis's dump reader
//! expects `ITEM: TIMESTEP` first and fails on it, so it is off by default).

use super::{number, FrameScan};
use crate::observer::Frame;
use std::fmt::Write;

/// Appends one frame to `out` with `digits` significant digits; `time` writes `ITEM: TIME`.
pub fn format_frame(out: &mut String, frame: &Frame, digits: usize, time: bool) {
    if time {
        let _ = write!(out, "ITEM: TIME\n{}\n", number(frame.time() / 1000.0, digits));
    }
    let _ = write!(out, "ITEM: TIMESTEP\n{}\nITEM: NUMBER OF ATOMS\n{}\nITEM: BOX BOUNDS pp pp pp\n", frame.step, frame.atoms.len());
    for a in 0..3 {
        let _ = writeln!(out, "{} {}", frame.box_min[a], frame.box_max[a]);
    }
    out.push_str("ITEM: ATOMS id type element x y z ix iy iz vx vy vz fx fy fz pe\n");
    let to_a_per_ps = 1000.0 / frame.mass;
    let field = |out: &mut String, v: f64| {
        out.push(' ');
        out.push_str(&number(v, digits));
    };
    for a in &frame.atoms {
        let _ = write!(out, "{} 1 {}", i64::from(a.gid) + 1, frame.species);
        for v in a.r {
            field(out, v);
        }
        let _ = write!(out, " {} {} {}", a.image[0], a.image[1], a.image[2]);
        for v in a.p.map(|p| p * to_a_per_ps).into_iter().chain(a.f).chain([a.u * frame.u_unit]) {
            field(out, v);
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
        let mut first = lines.next();
        if first == Some("ITEM: TIME") {
            let _time = lines.next();
            first = lines.next();
        }
        if first != Some("ITEM: TIMESTEP") {
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
