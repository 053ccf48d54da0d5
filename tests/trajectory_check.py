#!/usr/bin/env python3
"""Reads a comd-rs run's trajectories back with the tools users use and checks every column.

usage: trajectory_check.py XYZ LAMMPS_DUMP STATE_DUMP SCREEN_OUTPUT

XYZ and LAMMPS_DUMP are written with --full-precision, STATE_DUMP is the final --dump-state,
SCREEN_OUTPUT the run's stdout (its thermo rows). Checked:
- ASE reads the extended XYZ with species, masses, velocities and temperature (equal to the
  printed one within the two codes' Boltzmann constants, 2.4e-7 relative), per-atom energies
  summing to the frame's energy, forces equal to the state dump's;
- ASE reads the LAMMPS dump with no specorder: Cu, its forces and pe equal the xyz's;
- MDAnalysis reads the LAMMPS dump (positions equal);
- every position lies in [0, L).
Prints "trajectory_check: OK" and exits 0 when everything holds.
"""
import sys
import warnings

import ase.io
from ase import units
import numpy as np

warnings.simplefilter("ignore")


def fail(msg):
    print(f"trajectory_check: FAIL: {msg}")
    sys.exit(1)


def close(a, b, what, rtol, atol=0.0):
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape or not np.allclose(a, b, rtol=rtol, atol=atol):
        d = np.abs(a - b).max() if a.shape == b.shape else f"shapes {a.shape} {b.shape}"
        fail(f"{what}: largest difference {d}")


def l_is_row(f):
    """A thermo row: step, time, three energies, temperature, performance, atoms."""
    return f[0].isdigit() and f[-1].isdigit() and "." in f[1]


def main():
    xyz, lmp, state, screen = sys.argv[1:5]
    rows = [l.split() for l in open(state) if not l.startswith("#")]
    force = np.array([[float(x) for x in r[8:11]] for r in rows])
    temps = {}
    for f in (l.split() for l in open(screen)):
        try:
            if len(f) == 8 and l_is_row(f):
                temps[int(f[0])] = float(f[5])
        except ValueError:
            pass
    fx = ase.io.read(xyz, index=":", format="extxyz")
    fl = ase.io.read(lmp, index=":", format="lammps-dump-text")
    for a, b in zip(fx, fl):
        step = int(a.info["Step"])
        if set(a.get_chemical_symbols()) != {"Cu"} or set(b.get_chemical_symbols()) != {"Cu"}:
            fail(f"step {step}: species are not Cu (xyz {set(a.get_chemical_symbols())}, lammps {set(b.get_chemical_symbols())})")
        close(a.get_masses(), np.full(len(a), 63.55), "xyz masses", rtol=1e-12)
        if step in temps:
            close(a.get_temperature(), temps[step], f"step {step}: ASE's temperature vs the printed one", rtol=5e-7, atol=1e-4)
        e = a.get_potential_energy()
        close(a.get_potential_energies().sum(), e, f"step {step}: per-atom energies vs energy", rtol=1e-12)
        close(b.get_forces(), a.get_forces(), f"step {step}: lammps forces vs xyz", rtol=1e-14, atol=1e-14)
        close(b.get_velocities(), a.get_velocities(), f"step {step}: lammps velocities vs xyz", rtol=1e-10, atol=1e-12)
        for f in (a, b):
            x, lengths = f.positions, f.cell.lengths()
            if (x < 0).any() or (x >= lengths).any():
                fail(f"step {step}: a position lies outside [0, L)")
        # ASE's stress (Voigt, eV/Å³, the sign of a tension): −tr/3 is the frame's pressure
        s = a.get_stress()
        if not np.isfinite(s).all() or np.abs(s[3:]).max() == 0 or s[0] == s[1]:
            fail(f"step {step}: stress {s} is not the tensor of a thermal crystal")
        close(-s[:3].mean() / units.GPa, a.info["pressure"], f"step {step}: stress vs pressure", rtol=1e-6, atol=1e-6)
    close(fx[-1].get_forces(), force, "final forces vs --dump-state", rtol=1e-15, atol=1e-15)
    # ASE does not keep extra dump columns: the last frame's pe column read directly
    lines = open(lmp).read().split("ITEM: ATOMS ")[-1].splitlines()
    cols = lines[0].split()
    pe = np.array([float(l.split()[cols.index("pe")]) for l in lines[1:]])
    close(pe, fx[-1].get_potential_energies(), "lammps pe vs xyz energies", rtol=1e-14)
    import MDAnalysis

    u = MDAnalysis.Universe(lmp, format="LAMMPSDUMP")
    if len(u.trajectory) != len(fx):
        fail(f"MDAnalysis read {len(u.trajectory)} frames, ASE {len(fx)}")
    u.trajectory[-1]
    close(u.atoms.positions, fx[-1].positions, "MDAnalysis positions vs ASE", rtol=1e-6, atol=1e-5)
    print(f"trajectory_check: OK: {len(fx)} frames, {len(fx[0])} atoms, ASE {ase.__version__}, MDAnalysis {MDAnalysis.__version__}")


if __name__ == "__main__":
    main()
