"""Bad options raise the documented exceptions with the binary's one-line message."""

import pytest

import comd
from conftest import run_binary


def binary_message(comd_bin, args, tmp_path):
    out = run_binary(comd_bin, args, tmp_path)
    assert out.returncode == 2, out.stderr
    lines = [l for l in out.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, out.stderr
    return lines[0]


def test_unknown_keyword_is_a_value_error():
    with pytest.raises(ValueError, match=r"comd: unknown option 'thermostatt'; allowed: .*thermostat"):
        comd.Simulation(thermostatt="langevin")


def test_an_unknown_thermostat_is_the_binarys_value_error(comd_bin, tmp_path):
    line = binary_message(comd_bin, ["--thermostat=berendsen"], tmp_path)
    with pytest.raises(ValueError) as e:
        comd.Simulation(thermostat="berendsen")
    assert str(e.value) == line


def test_negative_nx_is_the_binarys_value_error(comd_bin, tmp_path):
    line = binary_message(comd_bin, ["--nx=-3"], tmp_path)
    with pytest.raises(ValueError) as e:
        comd.Simulation(nx=-3)
    assert str(e.value) == line
    assert "-3" in line


def test_missing_table_is_the_binarys_os_error(comd_bin, tmp_path):
    line = binary_message(comd_bin, ["-e", "-p", "NoSuch.eam", "-d", str(tmp_path)], tmp_path)
    with pytest.raises(OSError) as e:
        comd.Simulation("eam", pot_name="NoSuch.eam", pot_dir=tmp_path)
    assert str(e.value) == line
    assert "NoSuch.eam" in line


def test_too_small_a_box_and_bad_potential_are_value_errors(comd_bin, tmp_path):
    line = binary_message(comd_bin, ["-x", "2"], tmp_path)
    with pytest.raises(ValueError) as e:
        comd.Simulation(nx=2)
    assert str(e.value) == line
    with pytest.raises(ValueError, match="potential must be 'lj' or 'eam'"):
        comd.Simulation("morse")


def test_an_unstable_run_is_a_runtime_error():
    sim = comd.Simulation(nx=5, ny=5, nz=5, dt=200.0, temp=3000.0)
    with pytest.raises(RuntimeError, match="comd: error: .*unstable"):
        sim.run(200)


def test_an_unwritable_checkpoint_and_a_missing_restart_are_os_errors(tmp_path):
    sim = comd.Simulation(nx=5, ny=5, nz=5)
    with pytest.raises(OSError, match="comd: error: .*does not exist"):
        sim.checkpoint(tmp_path / "no" / "such" / "dir" / "ck.bin")
    with pytest.raises(OSError, match="comd: error: --restart .*missing.bin: cannot read"):
        comd.Simulation.restart(tmp_path / "missing.bin")
