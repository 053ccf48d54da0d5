//! Extended XYZ, as ASE (`ase.io.write(..., format='extxyz')`) and OVITO write it: a count
//! line, a comment line of `key=value` pairs (`Lattice="ax ay az bx by bz cx cy cz"`,
//! `Properties=name:type:columns:...`, `pbc="T T T"`, optionally `Origin="x y z"`), and one
//! line per atom. In a file of several frames the last one is the structure, as
//! `ase.io.read` returns it; every frame is checked.

use super::{integer, real, FileAtom, Parsed, ReadError, VelocityUnit};

/// One column group of `Properties`.
#[derive(Debug, Clone, PartialEq)]
struct Property {
    name: String,
    kind: char,
    cols: usize,
}

/// Parses extended XYZ text: the last frame.
pub fn parse(text: &str) -> Result<Parsed, ReadError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let mut last = None;
    while let Some((n_line, count)) = lines.by_ref().find(|(_, l)| !l.trim().is_empty()) {
        let n = count_of(count, n_line, last.is_some())?;
        super::checks::atoms_fit(n).map_err(|e| ReadError::at(n_line, e.msg))?;
        let (h_line, header) = lines.next().ok_or_else(|| ReadError::at(n_line, "truncated: the file ends before the comment line of this frame"))?;
        let mut frame = header_of(header, h_line)?;
        frame.1.atoms.reserve(n.min(1 << 20));
        for i in 0..n {
            let (line, text) = lines.next().ok_or_else(|| {
                ReadError::at(n_line, format!("truncated: this frame has {n} atoms, the file ends after {i} of them"))
            })?;
            let atom = atom_of(text, line, i, &frame.0, &mut frame.1)?;
            frame.1.atoms.push(atom);
        }
        last = Some(frame.1);
    }
    last.ok_or_else(|| ReadError::at(0, "empty file: no frame (an atom count line, a comment line, the atoms)"))
}

/// The atom count of a frame.
fn count_of(line: &str, n_line: usize, after_frame: bool) -> Result<usize, ReadError> {
    let toks: Vec<&str> = line.split_whitespace().collect();
    match toks.as_slice() {
        [t] => match t.parse::<u64>() {
            Ok(n) if n <= i32::MAX as u64 => Ok(n as usize),
            Ok(n) => Err(ReadError::at(n_line, format!("{n} atoms: at most {} are supported (32-bit atom ids)", i32::MAX))),
            Err(_) => Err(ReadError::at(n_line, format!("the atom count is '{t}': not a non-negative integer"))),
        },
        _ if after_frame => Err(ReadError::at(
            n_line,
            format!("expected the atom count of the next frame, found '{}' (does the previous frame's count match its atoms?)", line.trim()),
        )),
        _ => Err(ReadError::at(n_line, format!("expected the atom count, found '{}'", line.trim()))),
    }
}

/// Splits a comment line into `key=value` pairs (values may be "quoted" or {braced}).
fn key_values(line: &str, n_line: usize) -> Result<Vec<(String, String)>, ReadError> {
    let mut out = Vec::new();
    let mut it = line.chars().peekable();
    loop {
        while it.peek().is_some_and(|c| c.is_whitespace()) {
            it.next();
        }
        if it.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(&c) = it.peek().filter(|c| !c.is_whitespace() && **c != '=') {
            key.push(c);
            it.next();
        }
        let mut value = String::new();
        if it.peek() == Some(&'=') {
            it.next();
            match it.peek().copied() {
                Some(q @ ('"' | '{')) => {
                    it.next();
                    let close = if q == '"' { '"' } else { '}' };
                    loop {
                        match it.next() {
                            Some('\\') if close == '"' => value.extend(it.next()),
                            Some(c) if c == close => break,
                            Some(c) => value.push(c),
                            None => return Err(ReadError::at(n_line, format!("the value of '{key}' has no closing {close}"))),
                        }
                    }
                }
                _ => {
                    while let Some(&c) = it.peek().filter(|c| !c.is_whitespace()) {
                        value.push(c);
                        it.next();
                    }
                }
            }
        }
        out.push((key, value));
    }
}

fn numbers<const N: usize>(value: &str, what: &str, line: usize) -> Result<[f64; N], ReadError> {
    let toks: Vec<&str> = value.split_whitespace().collect();
    if toks.len() != N {
        return Err(ReadError::at(line, format!("{what} has {} numbers, expected {N}", toks.len())));
    }
    let mut out = [0.0; N];
    for (o, t) in out.iter_mut().zip(&toks) {
        *o = real(t, what, line)?;
    }
    Ok(out)
}

/// The box, the column layout and the velocity unit of a frame.
fn header_of(line: &str, n_line: usize) -> Result<(Vec<Property>, Parsed), ReadError> {
    let kv = key_values(line, n_line)?;
    let get = |k: &str| kv.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)).map(|(_, v)| v.as_str());
    let lattice = get("Lattice").ok_or_else(|| ReadError::at(n_line, "no Lattice=\"...\": comd-rs needs the periodic box (a cell, as ASE writes it)"))?;
    let cell: [f64; 9] = numbers(lattice, "Lattice", n_line)?;
    let axes = ["x", "y", "z"];
    let mut lengths = [0.0; 3];
    for a in 0..3 {
        let row = &cell[3 * a..3 * a + 3];
        let scale = row.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if (0..3).any(|b| b != a && row[b].abs() > 1e-12 * scale.max(1.0)) {
            return Err(ReadError::at(n_line, format!("the cell is tilted (cell vector {} is [{} {} {}]): only orthorhombic boxes are supported", a + 1, row[0], row[1], row[2])));
        }
        if row[a] <= 0.0 {
            return Err(ReadError::at(n_line, format!("the box is empty along {} (length {} Å): lengths must be positive", axes[a], row[a])));
        }
        lengths[a] = row[a];
    }
    if let Some(pbc) = get("pbc") {
        let flags: Vec<&str> = pbc.split_whitespace().collect();
        if flags.len() != 3 {
            return Err(ReadError::at(n_line, format!("pbc is '{pbc}': expected three flags (T or F)")));
        }
        for (a, f) in flags.iter().enumerate() {
            match f.to_ascii_lowercase().as_str() {
                "t" | "true" | "1" => {}
                "f" | "false" | "0" => return Err(ReadError::at(n_line, format!("the box is not periodic along {} (pbc=\"{pbc}\"): comd-rs runs periodic boxes only", axes[a]))),
                _ => return Err(ReadError::at(n_line, format!("pbc flag '{f}': expected T or F"))),
            }
        }
    }
    let origin = match get("Origin") {
        Some(o) => numbers(o, "Origin", n_line)?,
        None => [0.0; 3],
    };
    let props = properties(get("Properties").unwrap_or("species:S:1:pos:R:3"), n_line)?;
    let has = |n: &str| props.iter().any(|p| p.name == n);
    let velocity_unit = if has("momenta") { VelocityUnit::AseMomenta } else { VelocityUnit::AngstromPerFs };
    if !has("pos") {
        return Err(ReadError::at(n_line, "Properties has no 'pos' column"));
    }
    if !has("species") && !has("Z") {
        return Err(ReadError::at(n_line, "Properties has no 'species' (or 'Z') column"));
    }
    Ok((props, Parsed { origin, lengths, species: Vec::new(), velocity_unit, atoms: Vec::new() }))
}

/// `Properties=name:type:cols:...`.
fn properties(value: &str, n_line: usize) -> Result<Vec<Property>, ReadError> {
    let parts: Vec<&str> = value.split(':').collect();
    if !parts.len().is_multiple_of(3) {
        return Err(ReadError::at(n_line, format!("Properties='{value}': expected name:type:columns triples")));
    }
    let mut out = Vec::new();
    for t in parts.chunks(3) {
        let kind = match t[1] {
            "S" | "R" | "I" | "L" => t[1].chars().next().unwrap_or('S'),
            k => return Err(ReadError::at(n_line, format!("Properties: column type '{k}' of '{}' (allowed: S, R, I, L)", t[0]))),
        };
        let cols = match t[2].parse::<usize>() {
            Ok(c) if (1..=64).contains(&c) => c,
            _ => return Err(ReadError::at(n_line, format!("Properties: '{}' has '{}' columns (1 to 64)", t[0], t[2]))),
        };
        let want = match t[0] {
            "pos" | "momenta" | "velo" | "vel" | "velocities" => Some((3, 'R')),
            "species" => Some((1, 'S')),
            "masses" => Some((1, 'R')),
            "Z" => Some((1, 'I')),
            _ => None,
        };
        if want.is_some_and(|w| w != (cols, kind)) {
            return Err(ReadError::at(n_line, format!("Properties: '{}' is {kind}:{cols}, expected {}:{}", t[0], want.unwrap().1, want.unwrap().0)));
        }
        out.push(Property { name: t[0].to_string(), kind, cols });
    }
    Ok(out)
}

/// One atom line of a frame.
fn atom_of(text: &str, line: usize, index: usize, props: &[Property], frame: &mut Parsed) -> Result<FileAtom, ReadError> {
    let toks: Vec<&str> = text.split_whitespace().collect();
    let want: usize = props.iter().map(|p| p.cols).sum();
    if toks.len() != want {
        return Err(ReadError::at(line, format!("{} columns, Properties describes {want} (is the atom count right?)", toks.len())));
    }
    let mut atom = FileAtom { gid: index as i64, line, kind: 0, r: [0.0; 3], v: None, mass: None };
    let mut species: Option<std::borrow::Cow<str>> = None;
    let mut col = 0;
    for p in props {
        let t = &toks[col..col + p.cols];
        col += p.cols;
        let vec3 = |what: &str| -> Result<[f64; 3], ReadError> { Ok([real(t[0], what, line)?, real(t[1], what, line)?, real(t[2], what, line)?]) };
        match p.name.as_str() {
            "pos" => atom.r = vec3("a position")?,
            "momenta" => atom.v = Some(vec3("a momentum")?),
            "velo" | "vel" | "velocities" if frame.velocity_unit == VelocityUnit::AngstromPerFs => atom.v = Some(vec3("a velocity")?),
            "species" => species = Some(t[0].into()),
            "Z" if species.is_none() => {
                let z = integer(t[0], "Z", line)?;
                species = Some(if z == 29 { "Cu".into() } else { format!("element Z={z}").into() });
            }
            "masses" => {
                let m = real(t[0], "a mass", line)?;
                if m <= 0.0 {
                    return Err(ReadError::at(line, format!("mass {m}: must be positive")));
                }
                atom.mass = Some(m);
            }
            _ if p.kind == 'R' => {
                for v in t {
                    real(v, &format!("column '{}'", p.name), line)?;
                }
            }
            _ => {}
        }
    }
    let name = species.unwrap_or_default();
    atom.kind = match frame.species.iter().position(|s| s.as_deref() == Some(&*name)) {
        Some(k) => k,
        None => {
            frame.species.push(Some(name.into_owned()));
            frame.species.len() - 1
        }
    };
    Ok(atom)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASE: &str = "2\nLattice=\"10.0 0.0 0.0 0.0 11.0 0.0 0.0 0.0 12.0\" Properties=species:S:1:pos:R:3:momenta:R:3 energy=-1.5 pbc=\"T T T\"\n\
Cu 1.0 2.0 3.0 0.1 0.0 0.0\nCu -1.0 12.0 3.0 0.0 0.2 0.0\n";

    #[test]
    fn reads_what_ase_writes() {
        let p = parse(ASE).unwrap();
        assert_eq!(p.lengths, [10.0, 11.0, 12.0]);
        assert_eq!(p.velocity_unit, VelocityUnit::AseMomenta);
        assert_eq!(p.atoms.len(), 2);
        assert_eq!(p.atoms[1].r, [-1.0, 12.0, 3.0]);
        assert_eq!(p.atoms[1].v, Some([0.0, 0.2, 0.0]));
        assert_eq!((p.atoms[1].gid, p.atoms[1].line), (1, 4));
        assert_eq!(p.species, vec![Some("Cu".to_string())]);
    }

    #[test]
    fn the_last_frame_counts() {
        let two = format!("{ASE}1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:velo:R:3:masses:R:1\nCu 1 1 1 0.01 0 0 63.55\n");
        let p = parse(&two).unwrap();
        assert_eq!((p.atoms.len(), p.lengths, p.velocity_unit), (1, [5.0; 3], VelocityUnit::AngstromPerFs));
        assert_eq!(p.atoms[0].mass, Some(63.55));
    }

    #[test]
    fn bad_files_name_the_line() {
        let cases = [
            (ASE.replace("Cu -1.0 12.0 3.0 0.0 0.2 0.0\n", ""), 1, "truncated"),
            (ASE.replace("2\n", "3\n"), 1, "truncated"),
            (ASE.replace("2.0 3.0 0.1", "2.0 abc 0.1"), 3, "not a number"),
            (ASE.replace("2.0 3.0 0.1", "2.0 nan 0.1"), 3, "not a finite"),
            (ASE.replace("0.0 11.0 0.0", "0.5 11.0 0.0"), 2, "tilted"),
            (ASE.replace("T T T", "T T F"), 2, "not periodic along z"),
            (ASE.replace("12.0\"", "0.0\""), 2, "empty along z"),
            (ASE.replace("2\n", "1\n"), 4, "expected the atom count of the next frame"),
            (ASE.replace(" 0.0 0.2 0.0\n", "\n"), 4, "columns"),
        ];
        for (text, line, needle) in cases {
            let e = parse(&text).unwrap_err();
            assert_eq!(e.line, line, "{needle}: {e:?}");
            assert!(e.msg.contains(needle), "{needle}: {e:?}");
        }
    }
}
