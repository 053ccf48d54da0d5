//! Structures built by ASE run in comd and their step-0 potential energies agree with LAMMPS
//! reading the same LAMMPS data file (`read_data`): Lennard-Jones to 1e-10 relative on both
//! paths, EAM setfl to 1e-9; EAM funcfl within LAMMPS's other unit constants (5.4e-4, see
//! docs/performance.md). The extended XYZ of each structure gives the energy of its own
//! positions (ASE writes them with 8 decimals there), checked against LAMMPS reading the
//! data file ASE makes of that XYZ file.



use crate::common::*;
use std::path::Path;
use crate::common::structure::*;

/// Writes `<name>.data`, `<name>.xyz` and `<name>.xyz.data` (the XYZ as ASE reads it back).
const BUILD: &str = r#"
from ase.build import bulk, fcc100
from ase.io import read, write
import numpy as np
def save(name, a):
    write(name + '.data', a, format='lammps-data', atom_style='atomic', masses=True)
    write(name + '.xyz', a)
    write(name + '.xyz.data', read(name + '.xyz'), format='lammps-data', atom_style='atomic', masses=True)
vac = bulk('Cu', 'fcc', a=3.615, cubic=True).repeat((5, 5, 5))
del vac[[0, 77, 250]]
vac.rattle(0.03, seed=1)
save('vacancies', vac)
ortho = bulk('Cu', 'fcc', a=3.615, orthorhombic=True).repeat((6, 6, 4))
ortho.set_cell(np.diag(ortho.cell.lengths()) * [1.013, 0.991, 1.021], scale_atoms=True)
ortho.rattle(0.05, seed=2)
save('ortho', ortho)
slab = fcc100('Cu', size=(5, 5, 6), vacuum=7.5, periodic=True)
slab.rattle(0.02, seed=3)
save('slab', slab)
print(ortho.cell.lengths(), slab.cell.lengths())
"#;

fn comd_energy(dir: &Path, file: &str, extra: &[&str]) -> f64 {
    let dump = format!("{file}.dump");
    let mut args = vec!["--structure", file, "-N", "0", "--no-yaml", "--quiet", "--dump-state", &dump];
    args.extend_from_slice(extra);
    let out = comd().args(&args).current_dir(dir).output().unwrap();
    assert_ok(&out);
    assert!(stdout(&out).contains(&format!("Structure from {file}")), "{}", stdout(&out));
    dump_energies(&dir.join(&dump)).0
}

fn check(dir: &Path, pot: &[&str], pair: &str, tol: f64) -> Vec<f64> {
    let mut worst = Vec::new();
    for name in ["vacancies", "ortho", "slab"] {
        let Some(theirs) = lammps_energy(dir, &format!("{name}.data"), pair) else { return worst };
        let Some(theirs_xyz) = lammps_energy(dir, &format!("{name}.xyz.data"), pair) else { return worst };
        let mut paths: Vec<Vec<&str>> = vec![pot.to_vec()];
        if pot.is_empty() {
            paths.push(vec!["--exact"]);
        }
        for args in paths {
            for (file, want) in [(format!("{name}.data"), theirs), (format!("{name}.xyz"), theirs_xyz)] {
                let ours = comd_energy(dir, &file, &args);
                let rel = ((ours - want) / want).abs();
                assert!(rel <= tol, "{file} {args:?}: comd {ours} eV, LAMMPS {want} eV, relative difference {rel:e} > {tol:e}");
                worst.push(rel);
            }
        }
    }
    worst
}

#[test]
fn ase_structures_have_lammps_energies() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let Some(printed) = python(dir.path(), BUILD) else { return };
    eprintln!("boxes: {printed}");
    let setfl = shared.join("potentials/Cu01.eam.alloy");
    let funcfl = shared.join("potentials/Cu_u6.eam");
    let pots = shared.join("potentials");
    let pots = pots.to_str().unwrap();
    let lj = check(dir.path(), &[], &lammps_pair(None), 1e-10);
    let eam = check(dir.path(), &["-e", "-t", "setfl", "-d", pots], &lammps_pair(Some(("setfl", &setfl))), 1e-9);
    let fl = check(dir.path(), &["-e", "-d", pots], &lammps_pair(Some(("funcfl", &funcfl))), 1e-3);
    let max = |v: &[f64]| v.iter().cloned().fold(0.0, f64::max);
    eprintln!("largest relative differences: LJ {:e}, setfl {:e}, funcfl {:e}", max(&lj), max(&eam), max(&fl));
    // funcfl: LAMMPS converts the tables with 27.2 eV and 0.529 Å, CoMD with CODATA values
    assert!(fl.iter().all(|&d| d > 1e-5), "funcfl differs by LAMMPS's unit constants: {fl:?}");
}
