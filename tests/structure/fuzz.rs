//! Property tests: mutated extended XYZ and LAMMPS data files never panic the readers (or
//! the checks after them); they parse or give an error naming a line of the file.

use comd::cli::StructureFormat;
use comd::structure::{checks, parse};
use proptest::prelude::*;

const XYZ: &str = "4\nLattice=\"12.0 0.0 0.0 0.0 12.5 0.0 0.0 0.0 13.0\" Properties=species:S:1:pos:R:3:momenta:R:3:masses:R:1 energy=-3.2 pbc=\"T T T\"\n\
Cu 1.0 1.0 1.0 0.1 0.2 0.3 63.55\nCu 3.0 1.0 1.0 0.0 0.0 0.0 63.55\nCu 1.0 3.0 1.0 -0.1 0.0 0.0 63.55\nCu 11.9 12.4 12.9 0.0 0.0 0.1 63.55\n";
const DATA: &str = "title\n\n4 atoms\n1 atom types\n\n-1 11 xlo xhi\n0 12.5 ylo yhi\n0 13 zlo zhi\n\nMasses\n\n1 63.55 # Cu\n\nAtoms # atomic\n\n\
1 1 1 1 1 0 0 0\n2 1 3 1 1 1 -1 0\n3 1 1 3 1\n7 1 10.9 12.4 12.9\n\nVelocities\n\n1 1 2 3\n2 0 0 0\n3 -1 0 0\n7 0 0 5\n";

fn mutate(base: &str, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut b = base.as_bytes().to_vec();
    for &(pos, byte, kind) in edits {
        let i = pos % (b.len() + 1);
        match kind {
            0 if i < b.len() => b[i] = byte,
            1 => b.insert(i, byte),
            _ if i < b.len() => {
                b.remove(i);
            }
            _ => {}
        }
    }
    b
}

fn check(bytes: &[u8], format: StructureFormat) {
    let lines = bytes.iter().filter(|&&c| c == b'\n').count() + 1;
    match parse(bytes, format) {
        Ok(p) => {
            assert!(p.lengths.iter().all(|&l| l > 0.0 && l.is_finite()));
            assert!(p.atoms.iter().all(|a| a.r.iter().all(|x| x.is_finite()) && a.line >= 1 && a.line <= lines));
            let _ = checks::spacing(&p);
            let _ = checks::box_fits(&p, 2.0, [1, 1, 1]);
        }
        Err(e) => {
            assert!(e.line <= lines, "line {} of {lines}: {e:?}", e.line);
            assert!(!e.msg.is_empty() && !e.msg.contains('\n'), "{e:?}");
        }
    }
}

#[test]
fn the_unmutated_files_parse() {
    assert_eq!(parse(XYZ.as_bytes(), StructureFormat::Extxyz).unwrap().atoms.len(), 4);
    let p = parse(DATA.as_bytes(), StructureFormat::Lammps).unwrap();
    assert_eq!(p.atoms.iter().map(|a| a.gid).collect::<Vec<_>>(), vec![0, 1, 2, 6]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn mutated_extended_xyz_never_panics(edits in prop::collection::vec((0usize..600, any::<u8>(), 0u8..3), 1..8)) {
        check(&mutate(XYZ, &edits), StructureFormat::Extxyz);
    }

    #[test]
    fn mutated_lammps_data_never_panics(edits in prop::collection::vec((0usize..600, any::<u8>(), 0u8..3), 1..8)) {
        check(&mutate(DATA, &edits), StructureFormat::Lammps);
    }

    #[test]
    fn mutated_numbers_never_panic(pos in 0usize..400, tok in prop::sample::select(vec!["-1", "0", "1e308", "-1e308", "nan", "inf", "1e-320", "99999999999", "-99999999999", "#", "\"", "{", ":", "Atoms", "Masses"])) {
        for (base, format) in [(XYZ, StructureFormat::Extxyz), (DATA, StructureFormat::Lammps)] {
            let mut s = base.to_string();
            let mut i = pos % (s.len() + 1);
            while !s.is_char_boundary(i) { i -= 1; }
            s.insert_str(i, &format!(" {tok} "));
            check(s.as_bytes(), format);
        }
    }
}
