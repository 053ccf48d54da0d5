//! `--structure` through the binary: velocities from a file (ASE's temperature), `-T`
//! overriding them, both paths, restarts, decks, and the options it replaces.



use crate::common::*;
use std::path::Path;
use crate::common::structure::*;

/// A 4x4x4 crystal with two vacancies at 450 K (the potential's mass, 63.55 amu), written as
/// ASE's extended XYZ (momenta, masses), an OVITO-style XYZ (velo, Å/fs) and a LAMMPS data
/// file (velocities, Å/ps); prints ASE's temperature.
const HOT: &str = r#"
from ase.build import bulk
from ase.io import write
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
import ase.units, numpy as np
a = bulk('Cu', 'fcc', a=3.615, cubic=True).repeat((4, 4, 4))
del a[[5, 100]]
a.set_masses([63.55] * len(a))
MaxwellBoltzmannDistribution(a, temperature_K=450, rng=np.random.default_rng(3))
write('hot.xyz', a)
write('hot.data', a, format='lammps-data', atom_style='atomic', masses=True, velocities=True, units='metal')
v = a.get_velocities() * ase.units.fs
L = a.cell.lengths()
with open('ovito.xyz', 'w') as f:
    f.write('%d\nLattice="%r 0 0 0 %r 0 0 0 %r" Properties=species:S:1:pos:R:3:velo:R:3 pbc="T T T"\n' % (len(a), float(L[0]), float(L[1]), float(L[2])))
    for p, w in zip(a.positions, v):
        f.write('Cu %r %r %r %r %r %r\n' % tuple(float(x) for x in (*p, *w)))
print(repr(a.get_temperature()), repr(ase.units.kB))
"#;

/// comd's step-0 temperature for `args` in `dir`.
fn temperature(dir: &Path, args: &[&str]) -> f64 {
    let out = comd().args(args).args(["-N", "0", "--no-yaml", "--quiet"]).current_dir(dir).output().unwrap();
    assert_ok(&out);
    thermo(&stdout(&out))[0][5].parse().unwrap()
}

#[test]
fn velocities_from_a_file_give_ases_temperature() {
    let dir = tempfile::tempdir().unwrap();
    let Some(printed) = python(dir.path(), HOT) else { return };
    let v: Vec<f64> = printed.split_whitespace().map(|t| t.trim_start_matches("np.float64(").trim_end_matches(')').parse().unwrap()).collect();
    // ASE's temperature with comd's Boltzmann constant (8.6173324e-5 eV/K; ASE: CODATA 2014)
    let t_ase = v[0] * v[1] / 8.6173324e-5;
    for file in ["hot.xyz", "ovito.xyz", "hot.data"] {
        for path in [&[][..], &["--exact"][..]] {
            let t = temperature(dir.path(), &[&["--structure", file][..], path].concat());
            assert!((t - t_ase).abs() <= 0.6e-4, "{file} {path:?}: printed {t} K, ASE {} K (×kB ratio: {t_ase})", v[0]);
            // -T overrides the file's velocities (CoMD's per-gid draws, thermalised)
            let t = temperature(dir.path(), &[&["--structure", file, "-T", "300"][..], path].concat());
            assert_eq!(t, 300.0, "{file}");
        }
    }
}

#[test]
fn a_structure_without_velocities_is_thermalised_at_t_and_paths_agree() {
    let dir = tempfile::tempdir().unwrap();
    let script = "from ase.build import bulk\nfrom ase.io import write\na = bulk('Cu', 'fcc', a=3.615, cubic=True).repeat((4, 4, 4))\n\
a.translate([-20.0, 3.0, 100.0])\nwrite('far.xyz', a)\nwrite('far.data', a, format='lammps-data', atom_style='atomic', masses=True)\n";
    let Some(_) = python(dir.path(), script) else { return };
    let run = |args: &[&str]| {
        let out = comd().args(args).args(["-N", "20", "-n", "10", "--no-yaml", "--quiet"]).current_dir(dir.path()).output().unwrap();
        assert_ok(&out);
        thermo(&stdout(&out))
    };
    // a crystal outside its box (any origin, atoms in other periodic images) is CoMD's lattice
    let lattice = run(&["-x", "4", "-y", "4", "-z", "4", "-T", "700"]);
    for file in ["far.xyz", "far.data"] {
        let ours = run(&["--structure", file, "-T", "700"]);
        let exact = run(&["--structure", file, "-T", "700", "--exact"]);
        assert_eq!(ours[0][5], "700.0000");
        for (a, b) in ours.iter().zip(&exact) {
            // the default path agrees with --exact to ~1e-12 (the printed 12 decimals, within 2 units)
            let d = (a[3].parse::<f64>().unwrap() - b[3].parse::<f64>().unwrap()).abs();
            assert!(d <= 2e-12, "{file}: {a:?} vs {b:?}");
        }
        // ASE's origin shifts positions by whole lattice vectors plus rounding: same rows to ~1e-11
        for (a, b) in ours.iter().zip(&lattice) {
            let d = (a[2].parse::<f64>().unwrap() - b[2].parse::<f64>().unwrap()).abs();
            assert!(d <= 1e-10, "{file}: {a:?} vs lattice {b:?}");
        }
    }
}

#[test]
fn structure_runs_restart_and_run_from_decks() {
    let dir = tempfile::tempdir().unwrap();
    let Some(_) = python(dir.path(), HOT) else { return };
    let d = dir.path();
    let run = |args: &[&str]| comd().args(args).args(["--no-yaml", "--quiet", "-n", "10"]).current_dir(d).output().unwrap();
    let whole = run(&["--structure", "hot.xyz", "-N", "40"]);
    assert_ok(&whole);
    let first = run(&["--structure", "hot.xyz", "-N", "20", "--checkpoint", "ck"]);
    assert_ok(&first);
    let rest = run(&["--structure", "hot.xyz", "-N", "40", "--restart", "ck"]);
    assert_ok(&rest);
    assert_eq!(thermo(&stdout(&rest))[..], thermo(&stdout(&whole))[2..], "restart of a structure run");
    // the checkpoint belongs to the structure: without it, or with another box, it is refused
    assert_fails(&run(&["-N", "40", "--restart", "ck"]), 2, "--structure");
    std::fs::write(d.join("deck.toml"), "structure = \"hot.data\"\nnSteps = 20\n").unwrap();
    let deck = run(&["--deck", "deck.toml"]);
    assert_ok(&deck);
    let direct = run(&["--structure", "hot.data", "-N", "20"]);
    assert_eq!(thermo(&stdout(&deck)), thermo(&stdout(&direct)), "deck key `structure`");
    assert!(stdout(&deck).contains("Structure from hot.data: 254 atoms"), "{}", stdout(&deck));
    // the parameter block names the structure, not the lattice options that do not apply
    assert!(stdout(&deck).contains("  structure: hot.data\n") && !stdout(&deck).contains("  nx: ") && !stdout(&deck).contains("Lattice constant"), "{}", stdout(&deck));
}

#[test]
fn options_that_structures_replace_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.xyz");
    std::fs::write(&p, "1\nLattice=\"12 0 0 0 12 0 0 0 12\" Properties=species:S:1:pos:R:3\nCu 1 1 1\n").unwrap();
    let s = p.to_str().unwrap();
    for (args, needle) in [
        (vec!["--structure", s, "-x", "5"], "-x/--nx cannot be used with --structure"),
        (vec!["--structure", s, "-l", "3.6", "-z", "4"], "-z/--nz, -l/--lat cannot be used with --structure"),
        (vec!["--structure-format", "lammps"], "--structure-format needs --structure"),
        (vec!["--structure", s, "--write-data", s], "no output overwrites an input"),
        (vec!["--structure", s, "--structure-format", "pdb"], "invalid value 'pdb'"),
    ] {
        let (o, _) = run_in_tmp(&args);
        assert_fails(&o, 2, needle);
    }
}

#[cfg(feature = "mpi")]

use crate::common::mpirun as launch;

/// The default path gives the same bits for a structure on any rank grid.
#[cfg(feature = "mpi")]
#[test]
fn a_structure_runs_the_same_on_any_rank_grid() {
    let dir = tempfile::tempdir().unwrap();
    let script = "from ase.build import bulk\nfrom ase.io import write\na = bulk('Cu', 'fcc', a=3.615, cubic=True).repeat((7, 7, 4))\n\
del a[[3, 400, 401]]\na.rattle(0.05, seed=4)\nwrite('big.data', a, format='lammps-data', atom_style='atomic', masses=True)\n";
    let Some(_) = python(dir.path(), script) else { return };
    let d = dir.path();
    let args = ["--structure", "big.data", "-T", "3000", "-N", "30", "-n", "10", "--no-yaml", "--quiet"];
    let serial = comd().args(args).args(["--dump-state", "serial"]).current_dir(d).output().unwrap();
    assert_ok(&serial);
    for (np, g) in [(2, ["2", "1", "1"]), (4, ["2", "2", "1"])] {
        let name = format!("np{np}");
        let mut a = args.to_vec();
        a.extend_from_slice(&["-i", g[0], "-j", g[1], "-k", g[2], "--dump-state", &name]);
        let Some(run) = launch::mpirun(env!("CARGO_BIN_EXE_comd"), np, &a, Some(d)) else { return };
        assert!(run.status.is_some_and(|s| s.success()), "{}", run.describe());
        assert_eq!(thermo(&run.stdout), thermo(&stdout(&serial)), "grid {g:?}");
        assert!(std::fs::read(d.join(&name)).unwrap() == std::fs::read(d.join("serial")).unwrap(), "grid {g:?}: dump differs");
    }
    // a box too small for the ranks: today's message
    let mut a = args.to_vec();
    a.extend_from_slice(&["-i", "1", "-j", "1", "-k", "2"]);
    let Some(run) = launch::mpirun(env!("CARGO_BIN_EXE_comd"), 2, &a, Some(d)) else { return };
    assert_eq!(run.status.and_then(|s| s.code()), Some(2), "{}", run.describe());
    assert!(run.stderr.contains("the simulation is too small: the box is 14.46 Å along z"), "{}", run.describe());
}

/// `text` (a LAMMPS data file) with every atom id `n` renumbered `7n − 3`.
fn spread_ids(text: &str) -> String {
    let mut out = String::new();
    let mut in_section = false;
    let mut seen = false;
    for line in text.lines() {
        if line.starts_with("Atoms") || line.starts_with("Velocities") {
            (in_section, seen) = (true, false);
        } else if in_section && line.trim().is_empty() && seen {
            in_section = false;
        } else if in_section && !line.trim().is_empty() {
            seen = true;
            let mut t: Vec<String> = line.split_whitespace().map(String::from).collect();
            t[0] = (7 * t[0].parse::<i64>().unwrap() - 3).to_string();
            out += &(t.join(" ") + "\n");
            continue;
        }
        out += &(line.to_string() + "\n");
    }
    out
}

#[test]
fn lammps_ids_with_gaps_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let Some(_) = python(dir.path(), HOT) else { return };
    let d = dir.path();
    let text = std::fs::read_to_string(d.join("hot.data")).unwrap();
    std::fs::write(d.join("gaps.data"), spread_ids(&text)).unwrap();
    for path in [&[][..], &["--exact"][..]] {
        let run = |file: &str| {
            let out = comd().args(["--structure", file, "-N", "20", "-n", "10", "--no-yaml", "--quiet", "--write-data", "out.data"]).args(path).current_dir(d).output().unwrap();
            assert_ok(&out);
            thermo(&stdout(&out))
        };
        let plain = run("hot.data");
        let gaps = run("gaps.data");
        for (a, b) in gaps.iter().zip(&plain) {
            // the same atoms with the same velocities: the same energies (the default path
            // orders list entries by gid, so its sums may round differently)
            let (x, y): (f64, f64) = (a[2].parse().unwrap(), b[2].parse().unwrap());
            assert!((x - y).abs() <= 1e-11, "{path:?}: {a:?} vs {b:?}");
        }
        let written = std::fs::read_to_string(d.join("out.data")).unwrap();
        let ids: Vec<i64> = written.split("Atoms # atomic\n\n").nth(1).unwrap().lines().take_while(|l| !l.is_empty()).map(|l| l.split_whitespace().next().unwrap().parse().unwrap()).collect();
        assert_eq!(ids, (1..=254).map(|n| 7 * n - 3).collect::<Vec<i64>>(), "{path:?}: the written ids are the file's");
    }
}
