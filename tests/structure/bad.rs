//! Bad structures are one-line errors (exit status 2) naming the file and the line, the
//! problem and what is allowed; never a panic.


use crate::common::*;

const XYZ: &str = "3\nLattice=\"12.0 0 0 0 12.5 0 0 0 13.0\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nCu 1 1 1\nCu 3 1 1\nCu 1 3 1\n";
const DATA: &str = "title\n\n3 atoms\n1 atom types\n\n0 12 xlo xhi\n0 12.5 ylo yhi\n0 13 zlo zhi\n\nMasses\n\n1 63.55\n\nAtoms # atomic\n\n\
1 1 1 1 1\n2 1 3 1 1\n3 1 1 3 1\n";

fn fails(name: &str, text: &str, extra: &[&str], needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let mut args = vec!["--structure", name, "-N", "1", "--no-yaml"];
    args.extend_from_slice(extra);
    let out = comd().args(&args).current_dir(dir.path()).output().unwrap();
    assert_fails(&out, 2, needle);
}

#[test]
fn bad_extended_xyz_files() {
    fails("a.xyz", &XYZ.replace("Cu 1 3 1\n", ""), &[], "a.xyz:1: truncated: this frame has 3 atoms, the file ends after 2 of them");
    fails("a.xyz", &XYZ.replace("3\n", "2\n"), &[], "a.xyz:5: expected the atom count of the next frame, found 'Cu 1 3 1'");
    fails("a.xyz", &XYZ.replace("Cu 3 1 1", "Cu 3 x 1"), &[], "a.xyz:4: a position is 'x': not a number");
    fails("a.xyz", &XYZ.replace("Cu 3 1 1", "Cu 3 inf 1"), &[], "a.xyz:4: a position is 'inf': not a finite number");
    fails("a.xyz", &XYZ.replace("Cu 1 3 1", "Cu 1.2 1.3 1.1"), &[], "a.xyz:3: atoms 0 and 2 (lines 3 and 5) are 0.3742 Å apart, closer than 0.5 Å");
    fails("a.xyz", &XYZ.replace("12.5 0", "0 0"), &[], "a.xyz:2: the box is empty along y");
    fails("a.xyz", &XYZ.replace("0 0 13.0", "0.5 0 13.0"), &[], "a.xyz:2: the cell is tilted");
    fails("a.xyz", &XYZ.replace("T T T", "T F T"), &[], "a.xyz:2: the box is not periodic along y");
    fails("a.xyz", &XYZ.replace("Cu 3", "Ag 3"), &[], "a.xyz:4: species 'Ag': the potential describes Cu only");
    fails("a.xyz", &XYZ.replace("13.0\"", "13.0 1\""), &[], "a.xyz:2: Lattice has 10 numbers, expected 9");
    fails("a.xyz", "", &[], "a.xyz: empty file");
    fails("a.xyz", &XYZ.replace("12.0", "10.0"), &[], "a.xyz: the simulation is too small: the box is 10.00 Å along x, but each of the 1 rank(s) along this axis (-i) needs at least 2 cutoffs");
    fails("a.xyz", &XYZ.replace("3\n", "4000000000\n"), &[], "at most 2147483647 are supported");
    fails("a.xyz", &XYZ.replace("3\n", "2000000000\n"), &[], "more than the available memory");
    fails("a.txt", XYZ, &[], "unknown extension 'txt'");
}

#[test]
fn bad_lammps_data_files() {
    fails("a.data", &DATA.replace("3 1 1 3 1\n", ""), &[], "a.data:17: truncated: the Atoms section has 2 of its 3 lines");
    fails("a.data", &DATA.replace("3 atoms", "2 atoms"), &[], "a.data:18: the Atoms section has more than 2 lines");
    fails("a.data", &DATA.replace("2 1 3 1 1", "2 1 3 a 1"), &[], "a.data:17: y is 'a': not a number");
    fails("a.data", &DATA.replace("2 1 3 1 1", "2 1 3 nan 1"), &[], "a.data:17: y is 'nan': not a finite number");
    fails("a.data", &DATA.replace("3 1 1 3 1", "3 1 12.9 1 1"), &[], "a.data:16: atoms 0 and 2 (lines 16 and 18) are 0.1000 Å apart");
    fails("a.data", &DATA.replace("0 13 zlo", "13 13 zlo"), &[], "a.data: the box is empty along z");
    fails("a.data", &DATA.replace("\nMasses", "1 0 0 xy xz yz\nMasses"), &[], "a.data:9: the box is tilted");
    fails("a.data", &DATA.replace("# atomic", "# charge"), &[], "a.data:14: atom style 'charge'");
    fails("a.data", &DATA.replace("2 1 3 1 1", "2 1 3 1"), &[], "a.data:17: 4 columns: atom style atomic is 'id type x y z'");
    fails("a.data", &DATA.replace("3 1 1 3 1", "2 1 1 3 1"), &[], "a.data:18: atom id 2 appears twice");
    fails("a.data", &DATA.replace("63.55", "63.55 # Ag"), &[], "a.data:16: species 'Ag'");
    fails("a.lmp", &DATA.replace("0 12.5 ylo", "0 20 ylo"), &["-j", "2"], "a.lmp: the simulation is too small: the box is 20.00 Å along y, but each of the 2 rank(s) along this axis (-j)");
    fails("a.data", &DATA.replace("3 atoms", "2000000000 atoms"), &[], "a.data:3: 2000000000 atoms: more than the available memory");
    let (o, _) = run_in_tmp(&["--structure", "nothere.data", "--no-yaml"]);
    assert_fails(&o, 2, "--structure nothere.data: cannot read");
}

#[test]
fn a_mass_other_than_the_potentials_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.data"), DATA.replace("63.55", "60.0")).unwrap();
    let out = comd().args(["--structure", "m.data", "-N", "0", "--no-yaml"]).current_dir(dir.path()).output().unwrap();
    assert_ok(&out);
    assert!(stderr(&out).contains("warning: line 16: the file's mass 60 amu differs from the potential's 63.55"), "{}", stderr(&out));
}
