"""The same numbers as the binary: thermo rows to every printed digit, positions bit for bit."""

import numpy as np
import pytest

import comd
from conftest import run_binary, thermo_fields

CASES = [
    pytest.param(dict(potential="lj"), [], id="lj-default"),
    pytest.param(dict(potential="lj", exact=True), ["--exact"], id="lj-exact"),
    # streamed lists from Python, stored ones in the binary: the same bits
    pytest.param(dict(potential="lj", lists="streamed"), [], id="lj-streamed"),
    pytest.param(dict(potential="eam"), ["-e"], id="eam-default"),
    pytest.param(dict(potential="eam", exact=True), ["-e", "--exact"], id="eam-exact"),
]


def read_dump(path):
    """gid, positions of a `--dump-state` file (`%.17e`: exact)."""
    a = np.loadtxt(path, comments="#")
    return a[:, 0].astype(np.int64), a[:, 2:5]


@pytest.mark.parametrize("options,flags", CASES)
def test_thermo_rows_and_positions_equal_the_binary(options, flags, comd_bin, pot_dir, tmp_path):
    size = dict(nx=6, ny=6, nz=6, temp=800.0, delta=0.05)
    if options["potential"] == "eam":
        options = dict(options, pot_dir=pot_dir)
        flags = flags + ["-d", str(pot_dir)]
    out = run_binary(comd_bin, ["-x", "6", "-y", "6", "-z", "6", "-T", "800", "-r", "0.05", "-N", "100", "--dump-state", "d.txt", *flags], tmp_path)
    assert out.returncode == 0, out.stderr
    expected = thermo_fields(out.stdout.splitlines())
    assert len(expected) == 11

    sim = comd.Simulation(**options, **size)
    sim.run(100)
    got = thermo_fields(sim.thermo_lines())
    assert got == expected
    ids, r = read_dump(tmp_path / "d.txt")
    assert np.array_equal(sim.ids, ids)
    assert np.array_equal(sim.positions, r)  # bit for bit (%.17e round-trips)
    # the structured array holds the same values as the printed rows
    t = sim.thermo
    assert list(t["step"]) == list(range(0, 101, 10))
    assert np.allclose(t["temperature"], [float(f[5]) for f in expected], rtol=0, atol=5e-5)


def test_many_short_runs_give_the_bits_of_one_long_run():
    a = comd.Simulation(nx=5, ny=5, nz=5, temp=600.0, seed=3)
    b = comd.Simulation(nx=5, ny=5, nz=5, temp=600.0, seed=3)
    for _ in range(37):
        a.run(1)
    a.run(23, every=7, callback=lambda s: None)
    b.run(60)
    assert a.step == b.step == 60
    assert np.array_equal(a.positions, b.positions)
    assert np.array_equal(a.velocities, b.velocities)
    assert a.thermo_lines() != [] and [l.split()[:6] for l in a.thermo_lines()] == [l.split()[:6] for l in b.thermo_lines()]


def test_checkpoint_restart_continues_bit_for_bit(tmp_path, comd_bin):
    ref = comd.Simulation(nx=5, ny=5, nz=5, exact=True)
    ref.run(40)
    sim = comd.Simulation(nx=5, ny=5, nz=5, exact=True)
    sim.run(20)
    sim.checkpoint(tmp_path / "ck.bin")
    again = comd.Simulation.restart(tmp_path / "ck.bin")
    assert again.step == 20
    again.run(20)
    assert np.array_equal(again.positions, ref.positions)
    # the binary continues the package's checkpoint with the same rows
    out = run_binary(comd_bin, ["-x", "5", "-y", "5", "-z", "5", "--exact", "-N", "40", "--restart", "ck.bin"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert thermo_fields(out.stdout.splitlines())[-1] == thermo_fields(ref.thermo_lines())[-1]
