"""Arrays: shapes, dtypes, read-only copies in id order; setters."""

import numpy as np
import pytest

import comd
from conftest import run_binary, thermo_fields


@pytest.fixture
def sim():
    s = comd.Simulation(nx=5, ny=5, nz=5, temp=300.0)
    s.run(10)
    return s


def test_shapes_dtypes_and_read_only_flags(sim):
    n = sim.n_atoms
    assert n == 500
    for name, shape, dtype in [
        ("positions", (n, 3), np.float64),
        ("velocities", (n, 3), np.float64),
        ("forces", (n, 3), np.float64),
        ("energies", (n,), np.float64),
        ("ids", (n,), np.int64),
    ]:
        a = getattr(sim, name)
        assert a.shape == shape and a.dtype == dtype, name
        assert not a.flags.writeable, name
        assert a.flags.c_contiguous and a.flags.owndata or a.base is not None
        with pytest.raises(ValueError):
            a[0] = 0
    assert np.array_equal(sim.ids, np.arange(n))
    # copies: reading twice gives equal, distinct arrays; stepping does not change a copy
    r = sim.positions
    sim.run(5)
    assert not np.array_equal(r, sim.positions)


def test_scalars_agree_with_the_arrays(sim):
    n = sim.n_atoms
    assert sim.time == sim.step * 1.0 == 10.0
    assert np.isclose(sim.energies.sum(), sim.potential_energy, rtol=1e-12)
    v = sim.velocities
    ke = 0.5 * sim.mass * comd._comd.AMU_TO_INTERNAL_MASS * (v * v).sum()
    assert np.isclose(ke, sim.kinetic_energy, rtol=1e-12)
    assert np.isclose(sim.temperature, sim.kinetic_energy / n / (1.5 * comd._comd.KB_EV), rtol=1e-12)
    assert np.isclose(sim.thermo["temperature"][-1], sim.temperature, rtol=1e-12)
    assert np.all(np.isfinite(sim.forces)) and np.abs(sim.forces).max() > 0


def test_setting_velocities_then_run_0_changes_the_temperature(sim):
    t0 = sim.temperature
    sim.velocities = 2.0 * sim.velocities
    sim.run(0)
    assert np.isclose(sim.temperature, 4.0 * t0, rtol=1e-12)
    sim.velocities = np.zeros((sim.n_atoms, 3))
    assert sim.temperature == 0.0 and sim.kinetic_energy == 0.0


def test_setting_positions_recomputes_forces(sim):
    perfect = comd.Simulation(nx=5, ny=5, nz=5, temp=0.0)
    assert np.abs(perfect.forces).max() < 1e-10
    perfect.positions = sim.positions
    assert np.allclose(perfect.forces, sim.forces, rtol=0, atol=1e-10)
    assert np.isclose(perfect.potential_energy, sim.potential_energy, rtol=1e-12)
    # positions outside the box are wrapped back in, energies unchanged
    perfect.positions = sim.positions + perfect.cell
    assert np.isclose(perfect.potential_energy, sim.potential_energy, rtol=1e-12)
    with pytest.raises(ValueError, match="comd: "):
        perfect.positions = np.zeros((3, 3))


def test_structure_from_arrays_starts_as_the_lattice(sim):
    lattice = comd.Simulation(nx=5, ny=5, nz=5, temp=0.0)
    arrays = comd.Simulation(structure=(lattice.positions, lattice.cell), temp=0.0)
    assert arrays.n_atoms == lattice.n_atoms
    assert np.isclose(arrays.potential_energy, lattice.potential_energy, rtol=1e-13)


def write_xyz(path, positions, lengths, velocities=None):
    """An extended XYZ file (atoms are numbered in file order), with velocities (Å/fs) if given."""
    props = "species:S:1:pos:R:3" + (":velo:R:3" if velocities is not None else "")
    lines = [str(len(positions)), f'Lattice="{float(lengths[0])!r} 0 0 0 {float(lengths[1])!r} 0 0 0 {float(lengths[2])!r}" Properties={props} pbc="T T T"']
    rows = positions if velocities is None else np.hstack([positions, velocities])
    lines += ["Cu " + " ".join(repr(float(x)) for x in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("potential", ["lj", "eam"])
def test_structure_from_a_file_runs_as_the_binary(potential, tmp_path, comd_bin, pot_dir):
    """structure=PATH reads the file as the binary's --structure: a crystal with a vacancy
    and displaced atoms gives the binary's rows to every printed digit."""
    lattice = comd.Simulation(nx=5, ny=5, nz=5, temp=0.0)
    rng = np.random.default_rng(5)
    r = np.delete(lattice.positions, 17, axis=0) + rng.normal(0, 0.05, (lattice.n_atoms - 1, 3))
    path = tmp_path / "crystal.xyz"
    write_xyz(path, r, lattice.cell)
    opts, flags = (dict(potential="eam", pot_dir=pot_dir), ["-e", "-d", str(pot_dir)]) if potential == "eam" else ({}, [])
    out = run_binary(comd_bin, ["--structure", str(path), "-T", "600", "-N", "50", *flags], tmp_path)
    assert out.returncode == 0, out.stderr
    sim = comd.Simulation(**opts, structure=path, temp=600.0)
    sim.run(50)
    assert sim.n_atoms == len(r)
    assert np.array_equal(sim.ids, np.arange(len(r)))
    assert thermo_fields(sim.thermo_lines()) == thermo_fields(out.stdout.splitlines())
    assert len(thermo_fields(sim.thermo_lines())) == 6
    # the file gives the box: lattice options are refused as by the binary, a missing file is an OSError
    with pytest.raises(ValueError, match="cannot be used with --structure"):
        comd.Simulation(structure=path, nx=5)
    with pytest.raises(OSError, match="comd: error: --structure .*missing.xyz"):
        comd.Simulation(structure=tmp_path / "missing.xyz")


def test_structure_file_velocities_are_kept_without_temp(tmp_path, comd_bin):
    """Without temp=, a file's velocities start the run, as with the binary's --structure."""
    lattice = comd.Simulation(nx=5, ny=5, nz=5, temp=0.0)
    v = np.random.default_rng(9).normal(0, 0.004, (lattice.n_atoms, 3))  # Å/fs, ~500 K
    v -= v.mean(axis=0)
    path = tmp_path / "moving.xyz"
    write_xyz(path, lattice.positions, lattice.cell, v)
    out = run_binary(comd_bin, ["--structure", str(path), "-N", "30"], tmp_path)
    assert out.returncode == 0, out.stderr
    sim = comd.Simulation(structure=path)
    assert np.allclose(sim.velocities, v, rtol=1e-12, atol=0)
    sim.run(30)
    assert thermo_fields(sim.thermo_lines()) == thermo_fields(out.stdout.splitlines())
    # given a temperature, the file's velocities are replaced (binary and package alike)
    assert not np.allclose(comd.Simulation(structure=path, temp=100.0).velocities, v)
