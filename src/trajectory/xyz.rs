//! Extended XYZ frames (the format of ASE, OVITO, QUIP/GAP).
//!
//! One frame is the atom count, a comment line of `key=value` pairs and one line per atom:
//!
//! ```text
//! 4000
//! Lattice="72.3 0 0 0 72.3 0 0 0 72.3" Origin="0 0 0" Properties=species:S:1:pos:R:3:masses:R:1:momenta:R:3:velo:R:3:forces:R:3:energies:R:1:id:I:1 Time=10 Step=10 pbc="T T T" energy=-4972.4 stress="…" pressure=1.2 units="…"
//! Cu 1.8075000e+00 1.8075000e+00 … 0
//! ```
//!
//! Written so that ASE and OVITO read everything without options: positions Å (wrapped into
//! the box `[0, L)`); `masses` amu; `momenta` in ASE's units (amu · Å / ASE time unit, i.e.
//! `m · v / ase.units.fs` with v in Å/fs), which `ase.io.read` turns into the atoms' momenta,
//! so `get_velocities()` and `get_temperature()` work; `velo` the same velocities in Å/fs
//! (OVITO's Velocity); `forces` eV/Å and `energies` the per-atom potential energies in eV
//! (summing to `energy`, the total potential energy), which ASE serves as the frame's
//! calculator results. `stress` is ASE's stress in eV/Å³, the whole 3×3 tensor row by row
//! (ASE's sign: the mean of its diagonal is −pressure): the virial tensor and the kinetic
//! part `Σ m v_a v_b`, like `pressure` (GPa, which holds both too). `id` is
//! CoMD's 0-based global id (the same as in `--dump-state`), atoms in id order; time fs.

use super::{number, FrameScan};
use crate::observer::Frame;
use std::fmt::Write;

/// `ase.units.fs`: one femtosecond in ASE's time unit (Å·sqrt(amu/eV)), CODATA 2014 as ASE uses.
const ASE_FS: f64 = 0.09822694788464063;

/// Appends one frame to `out` with `digits` significant digits.
pub fn format_frame(out: &mut String, frame: &Frame, digits: usize) {
    let l = [0, 1, 2].map(|a| frame.box_max[a] - frame.box_min[a]);
    let o = frame.box_min;
    let v = frame.stress();
    // Voigt xx yy zz yz xz xy as the rows of the symmetric 3×3 matrix
    let s = [v[0], v[5], v[4], v[5], v[1], v[3], v[4], v[3], v[2]].map(|x| number(x, digits)).join(" ");
    let _ = writeln!(out, "{}", frame.atoms.len());
    let _ = writeln!(
        out,
        "Lattice=\"{} 0 0 0 {} 0 0 0 {}\" Origin=\"{} {} {}\" \
         Properties=species:S:1:pos:R:3:masses:R:1:momenta:R:3:velo:R:3:forces:R:3:energies:R:1:id:I:1 \
         Time={} Step={} pbc=\"T T T\" energy={} stress=\"{s}\" pressure={} \
         units=\"pos:Angstrom masses:amu momenta:ASE velo:Angstrom/fs forces:eV/Angstrom energies:eV time:fs energy:eV stress:eV/Angstrom^3 pressure:GPa\"",
        l[0], l[1], l[2], o[0], o[1], o[2], frame.time(), frame.step, frame.e_potential, frame.pressure
    );
    let inv_m = 1.0 / frame.mass;
    let amu = frame.mass / crate::constants::amu_to_internal_mass();
    let to_ase_momentum = amu / ASE_FS;
    let field = |out: &mut String, v: f64| {
        out.push(' ');
        out.push_str(&number(v, digits));
    };
    for a in &frame.atoms {
        out.push_str(&frame.species);
        let v = a.p.map(|p| p * inv_m);
        for x in a.r.into_iter().chain([amu]).chain(v.map(|x| x * to_ase_momentum)).chain(v).chain(a.f).chain([a.u * frame.u_unit]) {
            field(out, x);
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
