#!/usr/bin/env python3
"""Reads comd-rs trajectories with ASE and checks them against the final --dump-state.

usage: ase_check.py XYZ LAMMPS_DUMP STATE_DUMP MASS STEP[,STEP...]

XYZ and LAMMPS_DUMP must be written with --full-precision; STATE_DUMP is the --dump-state of
the final step; MASS is the atom mass in comd-rs internal units (eV fs^2 / A^2); STEPS the
steps the frames are expected at. Exit status 0 when everything matches, 1 otherwise.
"""
import sys

import ase.io
import ase.units
import numpy as np


def fail(msg):
    print(f"ase_check: FAIL: {msg}")
    sys.exit(1)


def close(a, b, what, rtol=1e-14, atol=1e-14):
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        fail(f"{what}: shapes {a.shape} and {b.shape} differ")
    if not np.allclose(a, b, rtol=rtol, atol=atol):
        k = np.argmax(np.abs(a - b))
        fail(f"{what}: largest difference {np.abs(a - b).flat[k]:.3e} ({a.flat[k]!r} vs {b.flat[k]!r})")


def main():
    xyz, lmp, state, mass, steps = sys.argv[1:6]
    mass = float(mass)
    steps = [int(s) for s in steps.split(",")]
    rows = [l.split() for l in open(state) if not l.startswith("#")]
    gid = np.array([int(r[0]) for r in rows])
    r = np.array([[float(x) for x in row[2:5]] for row in rows])
    p = np.array([[float(x) for x in row[5:8]] for row in rows])
    v = p / mass  # A/fs

    fx = ase.io.read(xyz, index=":", format="extxyz")
    fl = ase.io.read(lmp, index=":", format="lammps-dump-text")
    if len(fx) != len(steps) or len(fl) != len(steps):
        fail(f"expected {len(steps)} frames, ASE read {len(fx)} (xyz) and {len(fl)} (lammps)")
    got = [int(a.info["Step"]) for a in fx]
    if got != steps:
        fail(f"xyz steps {got}, expected {steps}")
    for a, b in zip(fx, fl):
        close(a.cell.array, b.cell.array, "cell (xyz vs lammps)")
        close(a.positions, b.positions, "positions (xyz vs lammps)")
        close(a.arrays["velo"] * 1000.0, b.get_velocities() * ase.units.fs * 1000.0, "velocities (xyz vs lammps)", rtol=1e-12, atol=1e-12)
    a, b = fx[-1], fl[-1]
    if list(a.arrays["id"]) != list(gid):
        fail("xyz ids differ from the dump's gids")
    close(a.positions, r, "final xyz positions vs --dump-state", rtol=0, atol=0)
    close(a.arrays["velo"], v, "final xyz velocities vs --dump-state", rtol=1e-15, atol=0)
    close(b.positions, r, "final lammps positions vs --dump-state", rtol=1e-15, atol=1e-15)
    close(b.get_velocities() * ase.units.fs * 1000.0, v * 1000.0, "final lammps velocities (A/ps) vs --dump-state", rtol=1e-12, atol=1e-12)
    if any(set(f.get_chemical_symbols()) != {"Cu"} for f in fx):
        fail("species is not Cu everywhere")
    print(f"ase_check: OK: {len(fx)} frames, {len(gid)} atoms, ASE {ase.__version__}")


if __name__ == "__main__":
    main()
