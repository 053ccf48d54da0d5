//! The YAML report is valid YAML with CoMD's keys plus the thermo rows and validation.

mod common;
use common::*;

#[test]
fn yaml_report_parses_and_holds_thermo_and_validation() {
    let (o, dir) = run_in_tmp(&["-x", "5", "-y", "5", "-z", "5", "-N", "20", "-n", "10"]);
    assert_ok(&o);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("comd-rs.") && name.ends_with(".yaml") && !name.contains(':'), "{name}");
    let y: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    for key in ["Mini-Application Name", "Command Line Parameters", "Simulation data", "Decomposition data", "Potential data", "Performance Results", "Performance Global Update Rates"] {
        assert!(y.get(key).is_some(), "missing {key}");
    }
    let rows = y["Thermo"]["Rows"].as_sequence().unwrap();
    assert_eq!(rows.len(), 3);
    let screen = thermo(&stdout(&o));
    for (r, s) in rows.iter().zip(&screen) {
        assert_eq!(r[0].as_u64().unwrap().to_string(), s[0]);
        assert_eq!(format!("{:.12}", r[2].as_f64().unwrap()), s[2]);
    }
    let v = &y["Simulation Validation"];
    assert_eq!(v["Final atom count"].as_i64(), Some(500));
    assert_eq!(v["Atoms lost"].as_i64(), Some(0));
    // a second run in the same second never overwrites the first
    let o2 = comd().args(["-x", "5", "-y", "5", "-z", "5", "-N", "0"]).current_dir(dir.path()).output().unwrap();
    assert_ok(&o2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn yaml_path_and_no_yaml() {
    let (o, dir) = run_in_tmp(&["-x", "5", "-y", "5", "-z", "5", "-N", "0", "--yaml", "r.yaml"]);
    assert_ok(&o);
    assert!(dir.path().join("r.yaml").is_file());
    let (o, dir) = run_in_tmp(&["-x", "5", "-y", "5", "-z", "5", "-N", "0", "--no-yaml"]);
    assert_ok(&o);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
