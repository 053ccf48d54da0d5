//! The YAML report is valid YAML with CoMD's keys plus the thermo rows and validation.

use crate::common::*;

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
    // CoMD's parameters are numbers; its "number unit" strings stay, with the number beside
    let params = &y["Command Line Parameters"];
    assert_eq!(params["nx"].as_i64(), Some(5));
    assert_eq!(params["nSteps"].as_i64(), Some(20));
    assert_eq!(params["Time step"].as_str(), Some("1 fs"));
    assert_eq!(params["Time step (fs)"].as_f64(), Some(1.0));
    assert_eq!(params["Initial Temperature (K)"].as_f64(), Some(600.0));
    assert_eq!(y["Potential data"]["Mass (amu)"].as_f64(), Some(63.55));
    assert_eq!(y["Potential data"]["Species name"].as_str(), Some("Cu"));
    let v = &y["Simulation Validation"];
    assert_eq!(v["Final atom count"].as_i64(), Some(500));
    assert_eq!(v["Atoms lost"].as_i64(), Some(0));
    // a second run in the same second never overwrites the first
    let o2 = comd().args(["-x", "5", "-y", "5", "-z", "5", "-N", "0"]).current_dir(dir.path()).output().unwrap();
    assert_ok(&o2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn neighbor_list_builds_are_reported_on_the_default_path_only() {
    // hot enough that the lists are rebuilt within 100 steps
    let (o, dir) = run_in_tmp(&["-x", "5", "-y", "5", "-z", "5", "-N", "100", "-n", "50", "-T", "3000", "--yaml", "r.yaml"]);
    assert_ok(&o);
    let y: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(dir.path().join("r.yaml")).unwrap()).unwrap();
    let builds = y["Neighbor lists"]["Builds"].as_u64().expect("Neighbor lists: Builds");
    assert!(builds > 1, "a 3000 K run rebuilds its lists: {builds}");
    assert!(stdout(&o).contains(&format!("Neighbor list builds: {builds}\n")), "screen line");
    let (o, dir) = run_in_tmp(&["-x", "5", "-y", "5", "-z", "5", "-N", "10", "--exact", "--yaml", "r.yaml"]);
    assert_ok(&o);
    let y: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(dir.path().join("r.yaml")).unwrap()).unwrap();
    assert!(y.get("Neighbor lists").is_none() && !stdout(&o).contains("Neighbor list builds"), "--exact has no lists");
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

/// (potential energy per atom, pressure in GPa) of a perfect crystal at 0 K, from the YAML.
fn cold(lat: f64, extra: &[&str]) -> (f64, f64) {
    let l = lat.to_string();
    let mut a = vec!["-x", "5", "-y", "5", "-z", "5", "-N", "0", "-T", "0", "-l", &l, "--yaml", "r.yaml"];
    a.extend_from_slice(extra);
    let (o, dir) = run_in_tmp(&a);
    assert_ok(&o);
    let y: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(dir.path().join("r.yaml")).unwrap()).unwrap();
    let row = &y["Thermo"]["Rows"][0];
    (row[3].as_f64().unwrap(), row[8].as_f64().unwrap())
}

#[test]
fn virial_pressure_equals_minus_de_dv_at_zero_kelvin() {
    let pots = shared().map(|s| s.join("potentials").display().to_string());
    let mut cases: Vec<Vec<&str>> = vec![vec![], vec!["--exact"]];
    if let Some(p) = &pots {
        cases.push(vec!["-e", "--potDir", p]);
        cases.push(vec!["-e", "--potDir", p, "--exact"]);
    }
    for extra in cases {
        let (lat, h) = (3.58, 1e-4);
        let n_atoms = 500.0;
        let vol = |a: f64| (5.0 * a).powi(3);
        let (ep, _) = cold(lat + h, &extra);
        let (em, _) = cold(lat - h, &extra);
        let (_, p) = cold(lat, &extra);
        let de_dv = (ep - em) * n_atoms / (vol(lat + h) - vol(lat - h));
        let p_fd = -de_dv * 160.21766208;
        assert!((p - p_fd).abs() <= 1e-3 * (1.0 + p_fd.abs()), "{extra:?}: virial {p} GPa vs -dE/dV {p_fd} GPa");
    }
}
