//! `--write-data`: the final state as a LAMMPS data file that LAMMPS, ASE and `--structure`
//! read back — the same energy in LAMMPS, the same temperature in ASE, and a run continued
//! from it prints the rows of the uninterrupted run, digit for digit, for 100 steps.



use crate::common::*;
use crate::common::structure::*;

#[test]
fn a_data_file_continues_the_run_digit_for_digit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let script = "from ase.build import bulk\nfrom ase.io import write\na = bulk('Cu', 'fcc', a=3.615, cubic=True).repeat((5, 5, 5))\n\
del a[[1, 60]]\na.rattle(0.04, seed=5)\nwrite('s.xyz', a)\n";
    let Some(_) = python(d, script) else { return };
    for path in [&[][..], &["--exact"][..]] {
        let run = |args: &[&str]| {
            let out = comd().args(args).args(path).args(["-n", "10", "--no-yaml", "--quiet", "-T", "1500"]).current_dir(d).output().unwrap();
            assert_ok(&out);
            thermo(&stdout(&out))
        };
        let whole = run(&["--structure", "s.xyz", "-N", "200"]);
        let first = run(&["--structure", "s.xyz", "-N", "100", "--write-data", "w.data", "--dump-state", "w.dump"]);
        assert_eq!(first[..], whole[..11]);
        // the file's velocities are used as they are (no -T: an explicit -T would redraw them)
        let out = comd().args(["--structure", "w.data", "-N", "100", "-n", "10", "--no-yaml", "--quiet"]).args(path).current_dir(d).output().unwrap();
        assert_ok(&out);
        let cont = thermo(&stdout(&out));
        for (k, (a, b)) in cont.iter().zip(&whole[10..]).enumerate() {
            // step and time restart at 0; energies, temperature and atom count are equal
            assert_eq!(a[2..], b[2..], "{path:?}: row {k} of the continued run");
        }
        assert_eq!(cont.len(), 11);
        // the data file holds the dump's state: wrapped positions, image flags, Å/ps
        let text = std::fs::read_to_string(d.join("w.data")).unwrap();
        assert!(text.contains("498 atoms\n1 atom types\n") && text.contains("Masses\n\n1 6.3549999999999997e+01 # Cu\n"), "{text:.400}");
        let dump = dump_rows(&d.join("w.dump"));
        let atoms: Vec<Vec<&str>> = text.split("Atoms # atomic\n\n").nth(1).unwrap().lines().take_while(|l| !l.is_empty()).map(|l| l.split_whitespace().collect()).collect();
        assert_eq!(atoms.len(), dump.len());
        for (a, (gid, row)) in atoms.iter().zip(&dump) {
            assert_eq!(a[0].parse::<i64>().unwrap(), gid + 1);
            for k in 0..3 {
                assert_eq!(a[2 + k].parse::<f64>().unwrap(), row[k], "gid {gid}: the data file's position is the dump's");
            }
        }
    }
}

#[test]
fn lammps_and_ase_read_the_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let script = "from ase.build import fcc100\nfrom ase.io import write\na = fcc100('Cu', size=(5, 5, 6), vacuum=7.5, periodic=True)\n\
write('slab.xyz', a)\n";
    let Some(_) = python(d, script) else { return };
    let out = comd().args(["--structure", "slab.xyz", "-N", "50", "-T", "2000", "--no-yaml", "--quiet", "--write-data", "w.data", "--dump-state", "w.dump"]).current_dir(d).output().unwrap();
    assert_ok(&out);
    let rows = thermo(&stdout(&out));
    let (e_pot, _) = dump_energies(&d.join("w.dump"));
    let Some(theirs) = lammps_energy(d, "w.data", &lammps_pair(None)) else { return };
    assert!(((theirs - e_pot) / e_pot).abs() < 1e-10, "LAMMPS {theirs} eV, comd {e_pot} eV");
    let check = "from ase.io import read\nimport ase.units\na = read('w.data', format='lammps-data', atom_style='atomic', units='metal')\n\
print(len(a), a.get_chemical_symbols()[0], repr(a.get_temperature() * ase.units.kB / 8.6173324e-5))\n";
    // the file's positions are wrapped ([0, L)); ASE unwraps them with the image flags
    let text = std::fs::read_to_string(d.join("w.data")).unwrap();
    let l: Vec<f64> = text.lines().filter(|l| l.ends_with("hi")).map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap()).collect();
    let atoms = text.split("Atoms # atomic\n\n").nth(1).unwrap().lines().take_while(|l| !l.is_empty());
    let mut images = 0;
    for a in atoms {
        let t: Vec<f64> = a.split_whitespace().map(|v| v.parse().unwrap()).collect();
        assert!((0..3).all(|k| t[2 + k] >= 0.0 && t[2 + k] < l[k]), "{a}");
        images += (5..8).filter(|&k| t[k] != 0.0).count();
    }
    assert!(images > 0, "atoms crossed the boundaries in 50 steps at 2000 K: some image flags are not 0");
    let Some(printed) = python(d, check) else { return };
    let v: Vec<&str> = printed.split_whitespace().collect();
    assert_eq!(v[..2], ["150", "Cu"]);
    let t: f64 = v[2].trim_start_matches("np.float64(").trim_end_matches(')').parse().unwrap();
    let printed_t: f64 = rows.last().unwrap()[5].parse().unwrap();
    assert!((t - printed_t).abs() < 0.6e-4, "ASE {t} K, comd {printed_t} K");
}
