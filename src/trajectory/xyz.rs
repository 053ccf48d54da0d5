//! Extended XYZ frames (the format of ASE, OVITO, QUIP/GAP).
//!
//! One frame is the atom count, a comment line of `key=value` pairs and one line per atom:
//!
//! ```text
//! 4000
//! Lattice="72.3 0 0 0 72.3 0 0 0 72.3" Origin="0 0 0" Properties=species:S:1:pos:R:3:velo:R:3:id:I:1 Time=10 Step=10 pbc="T T T" energy=-4972.4 units="pos:Angstrom velo:Angstrom/fs time:fs energy:eV"
//! Cu 1.8075000e+00 1.8075000e+00 … 0
//! ```
//!
//! Units: positions Å (wrapped into the box `[0, L)`), velocities Å/fs (`p / mass`), time fs,
//! `energy` the total potential energy in eV. `id` is CoMD's 0-based global id (the same as in
//! `--dump-state`), atoms in id order.

use super::{number, FrameScan};
use crate::observer::Frame;
use std::fmt::Write;

/// Appends one frame to `out` with `digits` significant digits.
pub fn format_frame(out: &mut String, frame: &Frame, digits: usize) {
    let l = [0, 1, 2].map(|a| frame.box_max[a] - frame.box_min[a]);
    let o = frame.box_min;
    let _ = writeln!(out, "{}", frame.atoms.len());
    let _ = writeln!(
        out,
        "Lattice=\"{} 0 0 0 {} 0 0 0 {}\" Origin=\"{} {} {}\" Properties=species:S:1:pos:R:3:velo:R:3:id:I:1 \
         Time={} Step={} pbc=\"T T T\" energy={} units=\"pos:Angstrom velo:Angstrom/fs time:fs energy:eV\"",
        l[0], l[1], l[2], o[0], o[1], o[2], frame.time(), frame.step, frame.e_potential
    );
    let inv_m = 1.0 / frame.mass;
    for a in &frame.atoms {
        out.push_str("Cu");
        for v in a.r.iter().copied().chain(a.p.iter().map(|p| p * inv_m)) {
            out.push(' ');
            out.push_str(&number(v, digits));
        }
        let _ = writeln!(out, " {}", a.gid);
    }
}

/// Complete frames of an XYZ file: byte offset of each and its `Step=`.
pub fn scan(text: &str) -> FrameScan {
    let mut frames = Vec::new();
    let mut lines = super::Lines::new(text);
    let mut complete = 0;
    loop {
        let start = lines.offset();
        let Some(count) = lines.next() else { break };
        let Ok(n) = count.trim().parse::<usize>() else { break };
        let Some(comment) = lines.next() else { break };
        let Some(step) = comment.split_whitespace().find_map(|kv| kv.strip_prefix("Step=")).and_then(|s| s.parse().ok()) else {
            break;
        };
        if (0..n).any(|_| lines.next().is_none()) {
            break;
        }
        frames.push((start, step));
        complete = lines.offset();
    }
    FrameScan { frames, complete_len: complete }
}
