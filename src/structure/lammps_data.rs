//! LAMMPS data files (`read_data`'s format) of atom style atomic in an orthogonal box:
//! a title line, a header (`N atoms`, `T atom types`, `xlo xhi`, `ylo yhi`, `zlo zhi`; a
//! tilt line `xy xz yz` only with zero tilts), then sections: `Masses` (T lines),
//! `Atoms` (N lines `id type x y z [ix iy iz]`), optionally `Velocities` (N lines
//! `id vx vy vz`, metal units: Å/ps). Other sections (e.g. `Pair Coeffs`) are skipped.
//! Comments (`#`) are ignored, except a `Masses` comment naming the species (`1 63.546 # Cu`,
//! as ASE and LAMMPS write it) and the style hint after `Atoms`.

use super::{integer, real, FileAtom, Parsed, ReadError, VelocityUnit};

/// What the header declares.
#[derive(Debug, Default)]
struct Header {
    n_atoms: Option<usize>,
    atoms_line: usize,
    n_types: Option<usize>,
    bounds: [Option<(f64, f64)>; 3],
}

/// A line iterator that skips blank and comment-only lines.
struct Lines<'a> {
    it: std::iter::Peekable<std::iter::Enumerate<std::str::Lines<'a>>>,
    last: usize,
}

impl<'a> Lines<'a> {
    /// The next non-blank line: (line number, text without comment, comment).
    fn next(&mut self) -> Option<(usize, &'a str, &'a str)> {
        for (i, l) in self.it.by_ref() {
            self.last = i + 1;
            let (code, comment) = l.split_once('#').unwrap_or((l, ""));
            if !code.trim().is_empty() {
                return Some((i + 1, code.trim(), comment.trim()));
            }
        }
        None
    }
}

/// Parses LAMMPS data text.
pub fn parse(text: &str) -> Result<Parsed, ReadError> {
    let mut lines = Lines { it: text.lines().enumerate().peekable(), last: 0 };
    if lines.it.next().is_none() {
        return Err(ReadError::at(0, "empty file: a LAMMPS data file starts with a title line, then its header"));
    }
    let mut h = Header::default();
    let mut section = None;
    while let Some((n, code, comment)) = lines.next() {
        if starts_section(code) {
            section = Some((n, code, comment));
            break;
        }
        header_line(&mut h, code, n)?;
    }
    let n_atoms = h.n_atoms.ok_or_else(|| ReadError::at(lines.last, "the header has no 'N atoms' line"))?;
    super::checks::atoms_fit(n_atoms).map_err(|e| ReadError::at(h.atoms_line, e.msg))?;
    let n_types = h.n_types.unwrap_or(1);
    let axes = ["x", "y", "z"];
    let mut origin = [0.0; 3];
    let mut lengths = [0.0; 3];
    for a in 0..3 {
        let (lo, hi) = h.bounds[a].ok_or_else(|| ReadError::at(lines.last, format!("the header has no '{0}lo {0}hi' line", axes[a])))?;
        if hi <= lo {
            return Err(ReadError::at(0, format!("the box is empty along {}: {0}lo {lo} ≥ {0}hi {hi}", axes[a])));
        }
        (origin[a], lengths[a]) = (lo, hi - lo);
    }
    let mut out = Parsed { origin, lengths, species: vec![None; n_types], velocity_unit: VelocityUnit::AngstromPerPs, atoms: Vec::new() };
    let mut masses: Vec<Option<f64>> = vec![None; n_types];
    let mut velocities: Option<Velocities> = None;
    let mut seen_atoms = false;
    while let Some((n, code, comment)) = section {
        let name = code.split_whitespace().collect::<Vec<_>>().join(" ");
        section = match name.as_str() {
            "Masses" => read_masses(&mut lines, n_types, &mut masses, &mut out.species)?,
            "Atoms" => {
                let style = comment.split_whitespace().next().unwrap_or("atomic");
                if style != "atomic" {
                    return Err(ReadError::at(n, format!("atom style '{style}': only atom style atomic (id type x y z [ix iy iz]) is supported")));
                }
                seen_atoms = true;
                read_atoms(&mut lines, n_atoms, n_types, &out.lengths, &mut out.atoms)?
            }
            "Velocities" => {
                let (v, next) = read_velocities(&mut lines, n_atoms)?;
                velocities = Some(v);
                next
            }
            _ => skip_section(&mut lines),
        };
    }
    if !seen_atoms {
        return Err(ReadError::at(lines.last, "no Atoms section"));
    }
    let mut ids: Vec<(i64, usize)> = out.atoms.iter().map(|a| a.gid).zip(0..).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0].0 == w[1].0) {
        let line = out.atoms[w[0].1.max(w[1].1)].line;
        return Err(ReadError::at(line, format!("atom id {} appears twice", w[0].0 + 1)));
    }
    for a in &mut out.atoms {
        a.mass = masses[a.kind];
    }
    if let Some(v) = velocities {
        for a in &mut out.atoms {
            let k = v.binary_search_by_key(&a.gid, |e| e.0).map_err(|_| ReadError::at(a.line, format!("atom id {} has no line in the Velocities section", a.gid + 1)))?;
            a.v = Some(v[k].1);
        }
    }
    Ok(out)
}

/// Whether a header-free line opens a section (it starts with a letter).
fn starts_section(code: &str) -> bool {
    code.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

fn header_line(h: &mut Header, code: &str, n: usize) -> Result<(), ReadError> {
    let toks: Vec<&str> = code.split_whitespace().collect();
    let count = |t: &str| -> Result<usize, ReadError> {
        let v = integer(t, "a count", n)?;
        if v < 0 || v > i32::MAX as i64 {
            return Err(ReadError::at(n, format!("count {v}: must be between 0 and {} (32-bit atom ids)", i32::MAX)));
        }
        Ok(v as usize)
    };
    match toks.as_slice() {
        [c, "atoms"] => (h.n_atoms, h.atoms_line) = (Some(count(c)?), n),
        [c, "atom", "types"] => h.n_types = Some(count(c)?.max(1)),
        [c, "bonds" | "angles" | "dihedrals" | "impropers" | "ellipsoids" | "lines" | "triangles" | "bodies"] => {
            if count(c)? > 0 {
                return Err(ReadError::at(n, format!("'{code}': atom style atomic has no {}", toks[1])));
            }
        }
        [_, "bond" | "angle" | "dihedral" | "improper", "types"] | [_, "extra", ..] => {}
        [lo, hi, l, h2] if l.len() == 3 && l.ends_with("lo") && h2.ends_with("hi") && l[..1] == h2[..1] => {
            let a = match &l[..1] {
                "x" => 0,
                "y" => 1,
                "z" => 2,
                _ => return Err(ReadError::at(n, format!("unknown header line '{code}'"))),
            };
            h.bounds[a] = Some((real(lo, l, n)?, real(hi, h2, n)?));
        }
        [a, b, c, "xy", "xz", "yz"] => {
            let t = [real(a, "xy", n)?, real(b, "xz", n)?, real(c, "yz", n)?];
            if t.iter().any(|&v| v != 0.0) {
                return Err(ReadError::at(n, format!("the box is tilted (xy xz yz = {a} {b} {c}): only orthogonal boxes are supported")));
            }
        }
        _ => return Err(ReadError::at(n, format!("unknown header line '{code}' (expected e.g. 'N atoms', 'T atom types', 'xlo xhi')"))),
    }
    Ok(())
}

type Next<'a> = Option<(usize, &'a str, &'a str)>;

/// The next line after `count` entries of a section, which must open a section (or be the end).
fn after_entries<'a>(lines: &mut Lines<'a>, name: &str, count: usize) -> Result<Next<'a>, ReadError> {
    match lines.next() {
        Some((n, code, _)) if !starts_section(code) => {
            Err(ReadError::at(n, format!("the {name} section has more than {count} lines (the header's count), or a section name is missing")))
        }
        other => Ok(other),
    }
}

fn entry<'a>(lines: &mut Lines<'a>, name: &str, count: usize, i: usize) -> Result<(usize, Vec<&'a str>, &'a str), ReadError> {
    match lines.next() {
        Some((n, code, comment)) if !starts_section(code) => Ok((n, code.split_whitespace().collect(), comment)),
        Some((n, code, _)) => Err(ReadError::at(n, format!("the {name} section has {i} lines before '{code}', the header says {count}"))),
        None => Err(ReadError::at(lines.last, format!("truncated: the {name} section has {i} of its {count} lines"))),
    }
}

fn read_masses<'a>(lines: &mut Lines<'a>, n_types: usize, masses: &mut [Option<f64>], species: &mut [Option<String>]) -> Result<Next<'a>, ReadError> {
    for i in 0..n_types {
        let (n, toks, comment) = entry(lines, "Masses", n_types, i)?;
        let [t, m] = toks.as_slice() else { return Err(ReadError::at(n, "a Masses line is 'type mass'")) };
        let t = atom_type(t, n_types, n)?;
        let m = real(m, "the mass", n)?;
        if m <= 0.0 {
            return Err(ReadError::at(n, format!("mass {m}: must be positive")));
        }
        masses[t] = Some(m);
        species[t] = comment.split_whitespace().next().filter(|s| s.chars().all(|c| c.is_ascii_alphabetic())).map(String::from);
    }
    after_entries(lines, "Masses", n_types)
}

fn atom_type(t: &str, n_types: usize, n: usize) -> Result<usize, ReadError> {
    match integer(t, "the atom type", n)? {
        v if v >= 1 && v as usize <= n_types => Ok(v as usize - 1),
        v => Err(ReadError::at(n, format!("atom type {v}: the header declares types 1 to {n_types}"))),
    }
}

fn atom_id(t: &str, n: usize) -> Result<i64, ReadError> {
    match integer(t, "the atom id", n)? {
        v if v >= 1 && v <= i32::MAX as i64 + 1 => Ok(v - 1),
        v => Err(ReadError::at(n, format!("atom id {v}: ids must be between 1 and {}", i32::MAX as i64 + 1))),
    }
}

fn read_atoms<'a>(lines: &mut Lines<'a>, count: usize, n_types: usize, l: &[f64; 3], atoms: &mut Vec<FileAtom>) -> Result<Next<'a>, ReadError> {
    atoms.reserve(count.min(1 << 20));
    for i in 0..count {
        let (n, toks, _) = entry(lines, "Atoms", count, i)?;
        if toks.len() != 5 && toks.len() != 8 {
            return Err(ReadError::at(n, format!("{} columns: atom style atomic is 'id type x y z' or 'id type x y z ix iy iz'", toks.len())));
        }
        let gid = atom_id(toks[0], n)?;
        let kind = atom_type(toks[1], n_types, n)?;
        let mut r = [real(toks[2], "x", n)?, real(toks[3], "y", n)?, real(toks[4], "z", n)?];
        if toks.len() == 8 {
            for k in 0..3 {
                let im = integer(toks[5 + k], "an image flag", n)?;
                if im.abs() > 1 << 30 {
                    return Err(ReadError::at(n, format!("image flag {im}: too large")));
                }
                r[k] += im as f64 * l[k];
            }
        }
        atoms.push(FileAtom { gid, line: n, kind, r, v: None, mass: None });
    }
    after_entries(lines, "Atoms", count)
}

/// Velocities by atom id, sorted by id.
type Velocities = Vec<(i64, [f64; 3])>;

fn read_velocities<'a>(lines: &mut Lines<'a>, count: usize) -> Result<(Velocities, Next<'a>), ReadError> {
    let mut v = Vec::with_capacity(count.min(1 << 20));
    let mut line_of = Vec::with_capacity(count.min(1 << 20));
    for i in 0..count {
        let (n, toks, _) = entry(lines, "Velocities", count, i)?;
        let [id, x, y, z] = toks.as_slice() else { return Err(ReadError::at(n, format!("{} columns: a Velocities line is 'id vx vy vz'", toks.len()))) };
        v.push((atom_id(id, n)?, [real(x, "vx", n)?, real(y, "vy", n)?, real(z, "vz", n)?]));
        line_of.push(n);
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_unstable_by_key(|&i| v[i].0);
    if let Some(w) = order.windows(2).find(|w| v[w[0]].0 == v[w[1]].0) {
        return Err(ReadError::at(line_of[w[0].max(w[1])], format!("atom id {} appears twice in the Velocities section", v[w[0]].0 + 1)));
    }
    let sorted = order.iter().map(|&i| v[i]).collect();
    Ok((sorted, after_entries(lines, "Velocities", count)?))
}

/// Skips a section this reader does not use: up to the next line that opens one.
fn skip_section<'a>(lines: &mut Lines<'a>) -> Next<'a> {
    while let Some(l) = lines.next() {
        if starts_section(l.1) {
            return Some(l);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = "title\n\n3 atoms\n1 atom types\n\n-1.0 9.0 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\nMasses\n\n1 63.546 # Cu\n\n\
Atoms # atomic\n\n1 1 0.5 0.5 0.5\n5 1 2.5 0.5 0.5 1 0 -1\n3 1 4.5 0.5 0.5\n\nVelocities\n\n5 1 2 3\n1 0 0 0\n3 -1 0 0\n";

    #[test]
    fn reads_ids_images_masses_and_velocities() {
        let p = parse(DATA).unwrap();
        assert_eq!((p.origin, p.lengths), ([-1.0, 0.0, 0.0], [10.0; 3]));
        assert_eq!(p.atoms.iter().map(|a| a.gid).collect::<Vec<_>>(), vec![0, 4, 2]);
        assert_eq!(p.atoms[1].r, [12.5, 0.5, -9.5]);
        assert_eq!(p.atoms[1].v, Some([1.0, 2.0, 3.0]));
        assert_eq!(p.atoms[1].mass, Some(63.546));
        assert_eq!(p.species, vec![Some("Cu".into())]);
        assert_eq!(p.atoms[1].line, 17);
    }

    #[test]
    fn bad_files_name_the_line() {
        let cases = [
            (DATA.replace("3 atoms", "4 atoms"), 20, "has 3 lines before 'Velocities'"),
            (DATA.replace("3 atoms", "2 atoms"), 18, "more than 2 lines"),
            (DATA.replace("2.5 0.5 0.5 1 0 -1", "2.5 x 0.5 1 0 -1"), 17, "not a number"),
            (DATA.replace("2.5 0.5 0.5 1 0 -1", "2.5 inf 0.5 1 0 -1"), 17, "not a finite"),
            (DATA.replace("0 10 zlo", "5 5 zlo"), 0, "empty along z"),
            (DATA.replace("\nMasses", "0.5 0 0 xy xz yz\nMasses"), 9, "tilted"),
            (DATA.replace("Atoms # atomic", "Atoms # full"), 14, "atom style 'full'"),
            (DATA.replace("3 1 4.5", "1 1 4.5"), 18, "appears twice"),
            (DATA.replace("3 -1 0 0\n", ""), 23, "truncated"),
            (DATA.replace("5 1 2.5", "5 2 2.5"), 17, "atom type 2"),
        ];
        for (text, line, needle) in cases {
            let e = parse(&text).unwrap_err();
            assert!(e.msg.contains(needle), "{needle}: {e:?}");
            assert_eq!(e.line, line, "{needle}: {e:?}");
        }
    }
}
