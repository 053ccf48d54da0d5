//! One test per kind of broken potential file: each must give the expected error, naming the
//! file (and the line where there is one). The files are small synthetic tables written to
//! a temporary directory, so these tests need no third-party data.


use std::path::{Path, PathBuf};
use std::time::Instant;

use comd::potential::eam::{EamFileError, EamTables, PotentialFormat};
use crate::common::eam::shared_potential;

/// `n` made-up values, five per line.
fn values(n: usize, scale: f64) -> String {
    let mut s = String::new();
    for i in 0..n {
        s += &format!(" {:.16e}", scale * (1.0 + i as f64).recip());
        if i % 5 == 4 || i + 1 == n {
            s.push('\n');
        }
    }
    s
}

/// Lines 1-3 header, 4-5 F, 6-7 Z, 8-9 rho.
fn funcfl() -> String {
    format!(
        "Cu synthetic funcfl\n  29  63.550  3.6150  FCC\n  8  0.5  8  0.5  3.5\n{}{}{}",
        values(8, -1.0),
        values(8, 2.0),
        values(8, 0.01)
    )
}

/// Lines 1-6 header, 7-8 F, 9-10 rho, 11-12 r*phi.
fn setfl() -> String {
    format!(
        "comment 1\ncomment 2\ncomment 3\n 1 Cu\n 8 0.5 8 0.5 4.0\n 29 63.546 3.615 fcc\n{}{}{}",
        values(8, -1.0),
        values(8, 0.01),
        values(8, 3.0)
    )
}

fn write(text: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pot.eam");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn read(format: PotentialFormat, text: impl AsRef<[u8]>) -> Result<EamTables, EamFileError> {
    let (_dir, path) = write(text);
    EamTables::read(&path, format)
}

/// Reads `text`, expects an error whose message names the file and contains `needle`.
fn fails(format: PotentialFormat, text: impl AsRef<[u8]>, needle: &str) -> EamFileError {
    let (_dir, path) = write(text);
    let err = EamTables::read(&path, format).expect_err("the file should be rejected");
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()),
        "file not named: {msg}"
    );
    assert!(msg.contains(needle), "expected `{needle}` in: {msg}");
    err
}

fn replace_line(text: &str, line: usize, with: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines[line - 1] = with;
    lines.join("\n") + "\n"
}

use PotentialFormat::{Funcfl, Setfl};

#[test]
fn synthetic_files_are_valid() {
    let f = read(Funcfl, funcfl()).unwrap();
    assert_eq!((f.name.as_str(), f.phi.len(), f.embed.len()), ("Cu", 8, 8));
    let s = read(Setfl, setfl()).unwrap();
    assert_eq!(
        (s.name.as_str(), s.lattice_type.as_str(), s.cutoff),
        ("Cu", "fcc", 4.0)
    );
    for t in [&f, &s] {
        let p = t.phi.values();
        assert_eq!(p[0], p[1] + (p[1] - p[2]), "phi[0] rule");
    }
    // CRLF line ends and non-UTF-8 bytes in a comment are fine.
    read(Funcfl, funcfl().replace('\n', "\r\n")).unwrap();
    let mut latin1 = b"Cu \xc5ngstr\xf6m\n".to_vec();
    latin1.extend_from_slice(funcfl().split_once('\n').unwrap().1.as_bytes());
    read(Funcfl, latin1).unwrap();
}

#[test]
fn missing_file() {
    let path = Path::new("/nonexistent/dir/Cu_u6.eam");
    let err = EamTables::read(path, Funcfl).unwrap_err();
    assert!(matches!(err, EamFileError::Io { .. }));
    assert!(
        err.to_string()
            .contains("/nonexistent/dir/Cu_u6.eam: cannot read"),
        "{err}"
    );
}

#[test]
fn empty_file() {
    fails(Funcfl, "", "expected a comment line");
    fails(Setfl, "", "line 4");
}

#[test]
fn truncated_file() {
    let text = funcfl();
    let cut: Vec<&str> = text.lines().take(8).collect();
    let err = fails(
        Funcfl,
        cut.join("\n"),
        "truncated file: it ends at line 8 after 5 of the 8 values of rho(r)",
    );
    assert!(matches!(err, EamFileError::Truncated { .. }));
    let text = setfl();
    fails(Setfl, &text[..text.len() - 30], "values of r*phi(r)");
}

#[test]
fn count_larger_than_the_data() {
    fails(
        Funcfl,
        replace_line(&funcfl(), 3, "8 0.5 9 0.5 3.5"),
        "ends at line 9 after 7 of the 9 values of rho(r)",
    );
}

#[test]
fn count_smaller_than_the_data() {
    let err = fails(
        Funcfl,
        replace_line(&funcfl(), 3, "8 0.5 7 0.5 3.4"),
        ":9: 2 more value(s)",
    );
    assert!(err.to_string().contains("line 3 do not match"), "{err}");
    fails(
        Setfl,
        replace_line(&setfl(), 5, "7 0.5 8 0.5 3.5"),
        "line 5 do not match",
    );
}

#[test]
fn huge_count_fails_fast_without_allocating_it() {
    let start = Instant::now();
    fails(
        Funcfl,
        replace_line(&funcfl(), 3, "8 0.5 1000000000000000000 0.5 3.5"),
        "truncated file",
    );
    fails(
        Setfl,
        replace_line(&setfl(), 5, "18446744073709551615 0.5 8 0.5 3.5"),
        "truncated file",
    );
    fails(
        Funcfl,
        replace_line(&funcfl(), 3, "8 0.5 99999999999999999999999 0.5 3.5"),
        "nR (a non-negative integer)",
    );
    assert!(start.elapsed().as_secs_f64() < 2.0);
}

#[test]
fn non_numeric_token() {
    let text = replace_line(&funcfl(), 6, " 1.0 2.0 abc 4.0 5.0");
    let err = fails(
        Funcfl,
        text,
        ":6: expected a number for value 3 of 8 of Z(r), found `abc`",
    );
    assert!(matches!(err, EamFileError::NotANumber { line: 6, .. }));
    fails(
        Funcfl,
        replace_line(&funcfl(), 2, "29 63.5x 3.615 FCC"),
        ":2: expected a number for the mass",
    );
    // Fortran D exponents and C hex floats are not numbers here.
    fails(
        Setfl,
        replace_line(&setfl(), 7, " 1.0D+00 2 3 4 5"),
        "found `1.0D+00`",
    );
}

#[test]
fn non_finite_values() {
    for bad in ["nan", "NaN", "inf", "-infinity", "1e999"] {
        let text = replace_line(&funcfl(), 8, &format!(" 1 2 {bad} 4 5"));
        fails(
            Funcfl,
            text,
            &format!(":8: value 3 of 8 of rho(r) is `{bad}`, not a finite number"),
        );
    }
    fails(
        Setfl,
        replace_line(&setfl(), 5, "8 0.5 8 0.5 nan"),
        ":5: the cutoff is `nan`",
    );
}

#[test]
fn multi_element_setfl() {
    let err = fails(
        Setfl,
        replace_line(&setfl(), 4, " 2 Cu Ag"),
        ":4: the file describes 2 elements",
    );
    assert!(err
        .to_string()
        .contains("comd-rs, like CoMD 1.1, supports single-element setfl files only"));
    fails(
        Setfl,
        replace_line(&setfl(), 4, " 0"),
        "at least one element",
    );
}

#[test]
fn setfl_read_as_funcfl() {
    fails(Funcfl, setfl(), "looks like a setfl file: use -t setfl");
    if let Some(real) = shared_potential("Cu01.eam.alloy") {
        let err = EamTables::read(&real, Funcfl).unwrap_err();
        assert!(matches!(err, EamFileError::LooksLikeSetfl { .. }), "{err}");
    }
}

#[test]
fn funcfl_read_as_setfl() {
    fails(Setfl, funcfl(), "looks like a funcfl file: use -t funcfl");
    if let Some(real) = shared_potential("Cu_u6.eam") {
        let err = EamTables::read(&real, Setfl).unwrap_err();
        assert!(matches!(err, EamFileError::LooksLikeFuncfl { .. }), "{err}");
    }
}

#[test]
fn non_fcc_lattice() {
    let err = fails(
        Funcfl,
        replace_line(&funcfl(), 2, " 29 63.55 3.615 BCC"),
        ":2: Only FCC Lattice type supported, not BCC",
    );
    assert_eq!(err.comd_exit_code(), 4);
    fails(
        Setfl,
        replace_line(&setfl(), 6, " 26 55.8 2.87 bcc"),
        ":6: Only FCC Lattice type supported, not bcc",
    );
    read(Funcfl, replace_line(&funcfl(), 2, " 29 63.55 3.615 Fcc")).unwrap();
}

#[test]
fn header_line_with_the_wrong_shape() {
    fails(
        Funcfl,
        replace_line(&funcfl(), 3, "8 0.5 8 0.5"),
        ":3: expected `nRho dRho nR dR cutoff`",
    );
    fails(
        Funcfl,
        replace_line(&funcfl(), 2, "29 63.55 3.615"),
        ":2: expected `atomicNumber mass latticeConstant latticeType`",
    );
    fails(
        Setfl,
        replace_line(&setfl(), 6, "29 63.55 3.615 fcc extra"),
        ":6: expected `atomicNumber",
    );
    fails(
        Funcfl,
        replace_line(&funcfl(), 3, "8.0 0.5 8 0.5 3.5"),
        "nRho (a non-negative integer)",
    );
    fails(
        Funcfl,
        replace_line(&funcfl(), 2, "-29.5 63.55 3.615 FCC"),
        "the atomic number (an integer)",
    );
}

#[test]
fn bad_grid_spacing() {
    for bad in ["0", "-0.5", "1e-320", "0.0e0"] {
        let err = fails(
            Funcfl,
            replace_line(&funcfl(), 3, &format!("8 0.5 8 {bad} 3.5")),
            ":3: grid spacing dR",
        );
        assert!(matches!(err, EamFileError::BadSpacing { .. }));
    }
    fails(
        Setfl,
        replace_line(&setfl(), 5, "8 -1 8 0.5 3.5"),
        ":5: grid spacing dRho",
    );
}

#[test]
fn bad_cutoff() {
    for bad in ["0", "-1", "4.5"] {
        let err = fails(
            Funcfl,
            replace_line(&funcfl(), 3, &format!("8 0.5 8 0.5 {bad}")),
            ":3: cutoff",
        );
        assert!(err.to_string().contains("nR*dR = 4"), "{err}");
    }
    // Exactly at the end of the table is allowed (setfl files put it there).
    read(Funcfl, replace_line(&funcfl(), 3, "8 0.5 8 0.5 4.0")).unwrap();
}

#[test]
fn too_few_points() {
    let text = "Cu\n29 63.55 3.615 FCC\n3 0.5 3 0.5 1.0\n1 2 3\n4 5 6\n7 8 9\n";
    let err = fails(
        Funcfl,
        text,
        ":3: nRho = 3, but a table needs at least 4 points",
    );
    assert!(matches!(err, EamFileError::TooFewPoints { .. }));
}

#[test]
fn bad_mass_and_lattice_constant() {
    fails(
        Funcfl,
        replace_line(&funcfl(), 2, "29 -63.55 3.615 FCC"),
        ":2: the mass = -63.55 must be positive",
    );
    fails(
        Setfl,
        replace_line(&setfl(), 6, "29 63.55 0 fcc"),
        ":6: the lattice constant = 0 must be positive",
    );
}

#[test]
fn pair_table_overflow() {
    let text = replace_line(&funcfl(), 6, " 1e200 1e200 1e200 1e200 1e200");
    let err = fails(Funcfl, text, "phi(r) is not finite at grid point 1");
    assert!(matches!(err, EamFileError::DerivedNonFinite { .. }));
}

#[test]
fn names_fall_back_to_the_atomic_number() {
    let t = read(
        Funcfl,
        replace_line(&funcfl(), 1, "DATE: 2007-06-11 UNITS: metal"),
    )
    .unwrap();
    assert_eq!(t.name, "Cu");
    let t = read(Setfl, replace_line(&setfl(), 4, " 1")).unwrap();
    assert_eq!(t.name, "Cu");
    let t = read(Setfl, replace_line(&setfl(), 6, " 13 26.98 4.05 fcc")).unwrap();
    assert_eq!(t.name, "Cu", "line 4's symbol wins");
    let t = read(
        Setfl,
        replace_line(&replace_line(&setfl(), 4, " 1 X"), 6, " 13 26.98 4.05 fcc"),
    )
    .unwrap();
    assert_eq!(t.name, "Al");
}

#[test]
fn oversized_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.eam");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(comd::potential::eam::MAX_FILE_BYTES + 1).unwrap(); // sparse: costs no disk
    let err = EamTables::read(&path, Funcfl).unwrap_err();
    assert!(matches!(err, EamFileError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("too large for an EAM table"));
}

#[test]
fn a_directory_is_not_a_potential_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = EamTables::read(dir.path(), Setfl).unwrap_err();
    assert!(matches!(err, EamFileError::Io { .. }), "{err}");
}
