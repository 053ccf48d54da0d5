"""Thermostats and the barostat from Python: the binary's numbers, ramps, the thermo columns."""

import numpy as np
import pytest

import comd
from conftest import run_binary, thermo_fields


@pytest.mark.parametrize(
    "options,flags",
    [
        pytest.param(dict(thermostat="langevin", target_temp=300.0), ["--thermostat", "langevin", "--target-temp", "300"], id="langevin"),
        pytest.param(dict(thermostat="nhc", nhc_chain=2), ["--thermostat", "nhc", "--nhc-chain", "2"], id="nhc"),
        pytest.param(
            dict(thermostat="csvr", barostat="crescale", tau_p=200.0, target_press=1.0),
            ["--thermostat", "csvr", "--barostat", "crescale", "--tau-p", "200", "--target-press", "1"],
            id="csvr-crescale",
        ),
    ],
)
def test_ensemble_rows_and_positions_equal_the_binary(options, flags, comd_bin, pot_dir, tmp_path):
    out = run_binary(comd_bin, ["-e", "-d", str(pot_dir), "-x", "6", "-y", "6", "-z", "6", "-N", "100", "--seed", "4", *flags], tmp_path)
    assert out.returncode == 0, out.stderr
    expected = thermo_fields(out.stdout.splitlines())
    assert len(expected) == 11 and len(expected[0]) in (9, 11)
    sim = comd.Simulation("eam", pot_dir=pot_dir, nx=6, ny=6, nz=6, seed=4, n_steps=100, **options)
    for _ in range(4):
        sim.run(25)  # chunks do not change the bits
    assert thermo_fields(sim.thermo_lines()) == expected
    t = sim.thermo
    assert np.all(np.isfinite(t["conserved"])) and np.all(np.isfinite(t["target_temp"]))
    if "barostat" in options:
        assert np.all(np.isfinite(t["volume"])) and t["volume"][-1] != t["volume"][0]
        assert abs(np.prod(sim.cell) - t["volume"][-1]) < 1e-3


def test_a_ramp_is_a_tuple_and_reaches_its_end_at_n_steps():
    sim = comd.Simulation(nx=5, ny=5, nz=5, thermostat="csvr", target_temp=(300, 900), n_steps=60, print_rate=20)
    sim.run(80)
    assert np.allclose(sim.thermo["target_temp"], [300.0, 500.0, 700.0, 900.0, 900.0], rtol=0, atol=1e-9)


def test_constant_energy_has_no_ensemble_columns():
    sim = comd.Simulation(nx=4, ny=4, nz=4)
    sim.run(10)
    assert np.all(np.isnan(sim.thermo["target_temp"])) and np.all(np.isnan(sim.thermo["volume"]))
