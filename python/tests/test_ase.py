"""comd.ase.CoMD under ASE: agreement with ASE's own calculators, gradients, dynamics, relaxation."""

import numpy as np
import pytest
from ase import units
from ase.build import bulk
from ase.calculators.eam import EAM
from ase.calculators.lj import LennardJones
from ase.md.langevin import Langevin
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
from ase.md.verlet import VelocityVerlet
from ase.optimize import BFGS

import comd
from comd.ase import CoMD


def crystal(n=5, rattle=0.05, a=3.615):
    atoms = bulk("Cu", "fcc", a=a, cubic=True).repeat((n, n, n))
    if rattle:
        atoms.rattle(rattle, seed=1)
    return atoms


def evaluate(atoms, calc):
    atoms = atoms.copy()
    atoms.calc = calc
    return atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress(), atoms


def strained(atoms, stretch=(1.01, 0.985, 1.0)):
    """``atoms`` with each edge of the box scaled by its own factor (an orthorhombic strain)."""
    b = atoms.copy()
    b.set_cell(np.diag(np.diag(atoms.cell) * np.asarray(stretch)), scale_atoms=True)
    return b


def test_lj_equals_ases_lennard_jones():
    # CoMD's LJ copper, shifted to zero at the cutoff as ASE's LennardJones (smooth=False) is
    ref = LennardJones(sigma=2.315, epsilon=0.167, rc=5.7875)
    e1, f1, s1, _ = evaluate(crystal(), ref)
    e2, f2, s2, a = evaluate(crystal(), CoMD("lj"))
    assert abs(e2 - e1) < 1e-11 * abs(e1)
    assert np.abs(f2 - f1).max() < 1e-10
    assert np.allclose(s2, s1, rtol=1e-9, atol=1e-12)
    assert np.isclose(a.get_potential_energies().sum(), e2, rtol=1e-12)


def test_lj_stress_tensor_equals_ases_under_an_anisotropic_strain():
    # stretched along x, compressed along y: the diagonal differs per axis, and the rattle
    # gives the shear components something to show; ASE sums the pairs its own way
    ref = LennardJones(sigma=2.315, epsilon=0.167, rc=5.7875)
    atoms = strained(crystal(rattle=0.1))
    _, _, s1, _ = evaluate(atoms, ref)
    _, _, s2, _ = evaluate(atoms, CoMD("lj"))
    assert abs(s1[0] - s1[1]) > 1e-3 and np.abs(s1[3:]).max() > 1e-6, s1  # worth comparing
    assert np.abs(s2 - s1).max() < 1e-9 * np.abs(s1).max(), (s1, s2)


def test_eam_agrees_with_ases_eam_reading_the_same_table(pot_dir):
    # Unit constants: CoMD converts funcfl's Z(r) with hartreeToEv*bohrToAngs =
    # 27.21138505 * 0.52917721092, ASE with Hartree*Bohr (CODATA 2014) = 14.3996453520; they
    # differ by ~1e-8 relative. What remains is interpolation: CoMD's tables against ASE's
    # cubic splines, measured at 2.8e-6 eV/atom and 2.0e-3 eV/Å on this crystal.
    assert abs(27.21138505 * 0.52917721092 / (units.Hartree * units.Bohr) - 1) < 1e-7
    e1, f1, s1, a = evaluate(crystal(), EAM(potential=str(pot_dir / "Cu_u6.eam")))
    e2, f2, s2, _ = evaluate(crystal(), CoMD("eam", pot_dir=pot_dir))
    n = len(a)
    assert abs(e2 - e1) / n < 1e-5
    assert np.abs(f2 - f1).max() < 5e-3
    assert np.abs(f1).max() > 1.0  # the rattle makes forces worth comparing
    # the tensor to the same interpolation accuracy (measured below 1e-5 eV/Å³ per component)
    assert np.abs(s2 - s1).max() < 2e-4, (s1, s2)
    _, _, s1, _ = evaluate(strained(crystal()), EAM(potential=str(pot_dir / "Cu_u6.eam")))
    _, _, s2, _ = evaluate(strained(crystal()), CoMD("eam", pot_dir=pot_dir))
    assert abs(s1[0] - s1[1]) > 1e-3, s1
    assert np.abs(s2 - s1).max() < 2e-4, (s1, s2)


@pytest.mark.parametrize("potential,tol", [("lj", 1e-6), ("eam", 2e-3)])
def test_forces_are_minus_the_gradient_of_the_energy(potential, tol, pot_dir):
    # EAM: CoMD's forces interpolate the derivative tables, not the energy's interpolant,
    # so they agree with the finite difference to the tables' accuracy (measured 6e-4 eV/Å)
    atoms = crystal()
    atoms.calc = CoMD(potential, pot_dir=pot_dir) if potential == "eam" else CoMD(potential)
    f = atoms.get_forces()
    h = 1e-4
    for i in (0, 7, 99, 250):
        for k in range(3):
            r = atoms.get_positions()
            r[i, k] += h
            atoms.set_positions(r)
            ep = atoms.get_potential_energy()
            r[i, k] -= 2 * h
            atoms.set_positions(r)
            em = atoms.get_potential_energy()
            r[i, k] += h
            atoms.set_positions(r)
            assert abs(-(ep - em) / (2 * h) - f[i, k]) < tol, (i, k)


def test_lj_stress_is_the_strain_derivative_of_the_energy():
    # σ_kk = (1/V) ∂E/∂ε_kk, for each axis on its own (a strained, rattled crystal: the three
    # differ), by central differences; a small step, so that no pair crosses the cutoff,
    # where the force jumps (at 1e-5 one does along x: an error of 2e-7 eV/Å³; measured 3e-12
    # at 1e-6)
    atoms = strained(crystal())
    _, _, s, _ = evaluate(atoms, CoMD("lj"))
    eps = 1e-6
    for k in range(3):
        e = []
        for x in (1 + eps, 1 - eps):
            stretch = np.ones(3)
            stretch[k] = x
            e.append(evaluate(strained(atoms, stretch), CoMD("lj"))[0])
        assert abs((e[0] - e[1]) / (2 * eps) / atoms.get_volume() - s[k]) < 1e-9, k
    assert abs(s[0] - s[1]) > 1e-3


def test_velocity_verlet_conserves_energy():
    atoms = crystal(4, rattle=0)
    atoms.calc = CoMD("lj")
    MaxwellBoltzmannDistribution(atoms, temperature_K=300, rng=np.random.default_rng(2))
    n = len(atoms)
    e0 = atoms.get_total_energy()
    energies = []
    dyn = VelocityVerlet(atoms, timestep=1.0 * units.fs)
    dyn.attach(lambda: energies.append(atoms.get_total_energy()), interval=50)
    dyn.run(1000)
    drift = max(abs(e - e0) for e in energies) / n
    assert drift < 1e-4, drift  # measured 1.3e-5 eV/atom
    assert atoms.get_temperature() > 50  # it really moved


def test_langevin_heats_a_cold_crystal_towards_its_target():
    atoms = crystal(4, rattle=0)
    atoms.calc = CoMD("lj")
    dyn = Langevin(atoms, timestep=2.0 * units.fs, temperature_K=600, friction=0.05, fixcm=False, rng=np.random.default_rng(3))
    dyn.run(300)
    assert 300 < atoms.get_temperature() < 900


def test_bfgs_relaxes_a_vacancy(pot_dir):
    atoms = crystal(4, rattle=0)
    del atoms[0]
    atoms.calc = CoMD("eam", pot_dir=pot_dir)
    e0 = atoms.get_potential_energy()
    assert BFGS(atoms, logfile=None).run(fmax=0.01, steps=300)
    assert np.linalg.norm(atoms.get_forces(), axis=1).max() < 0.01
    assert atoms.get_potential_energy() < e0


def test_to_ase_and_from_ase():
    sim = comd.Simulation(nx=5, ny=5, nz=5, temp=450.0)
    sim.run(10)
    atoms = sim.to_ase()
    # ASE's k_B (CODATA 2014) and time unit differ from CoMD's constants by ~1e-7
    assert np.isclose(atoms.get_temperature(), sim.temperature, rtol=1e-6, atol=0)
    assert np.array_equal(atoms.get_positions(), sim.positions)
    assert np.allclose(atoms.cell.lengths(), sim.cell)
    back = comd.Simulation.from_ase(atoms)
    assert np.array_equal(back.positions, sim.positions)
    assert np.allclose(back.velocities, sim.velocities, rtol=1e-12, atol=1e-18)
    assert np.isclose(back.potential_energy, sim.potential_energy, rtol=1e-12)
    with pytest.raises(ValueError, match="copper only"):
        comd.Simulation.from_ase(bulk("Al", "fcc", a=4.05, cubic=True).repeat((5, 5, 5)))
    with pytest.raises(ValueError, match="orthorhombic"):
        comd.Simulation.from_ase(bulk("Cu", "fcc", a=3.615).repeat((6, 6, 6)))


def test_from_ase_keeps_zero_momenta_and_draws_without_them():
    atoms = crystal(5, rattle=0)
    drawn = comd.Simulation.from_ase(atoms, temp=300.0)
    assert np.isclose(drawn.temperature, 300.0, rtol=1e-9)
    atoms.set_momenta(np.zeros((len(atoms), 3)))
    still = comd.Simulation.from_ase(atoms, temp=300.0)
    assert still.temperature == 0.0
