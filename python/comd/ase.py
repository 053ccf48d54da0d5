"""ASE integration: the :class:`CoMD` calculator and conversions to and from ``ase.Atoms``.

``CoMD(potential="lj"|"eam", **options)`` computes ``energy``, ``forces``, ``stress`` and
``energies`` (per atom) of any orthorhombic, periodic copper ``Atoms`` with comd-rs's engine,
so ASE's dynamics and optimisers (``VelocityVerlet``, ``Langevin``, ``BFGS``, ...) drive it.
The options are :class:`comd.Simulation`'s (``pot_dir``, ``pot_name``, ``pot_type``, ``exact``,
``threads``, ``skin``); the lattice options do not apply.

Units are ASE's: Å, eV, eV/Å, eV/Å³. Lennard-Jones is CoMD's (σ = 2.315 Å, ε = 0.167 eV,
cutoff 2.5σ, shifted to zero at the cutoff). The stress is the virial stress
``-W_ab / V`` (Voigt order ``xx yy zz yz xz xy``, from the engines' exact sums of the virial
tensor ``W_ab = Σ d_a f_b`` over pairs), without the kinetic term, as ASE calculators return
it (``Atoms.get_stress(include_ideal_gas=True)`` adds it).

The box must be at least two cutoffs wide along every axis (the engines' link cells), e.g.
5x5x5 unit cells of copper for LJ and 4x4x4 for ``Cu_u6.eam``.
"""

import numpy as np
from ase import Atoms, units
from ase.calculators.calculator import Calculator, all_changes

from . import Simulation, _argv, _comd, _wrap

__all__ = ["CoMD", "atoms_arrays", "to_atoms"]


def _lengths(atoms):
    """The box lengths of an orthorhombic, periodic copper ``Atoms``."""
    if not all(atoms.pbc):
        raise ValueError("comd: the Atoms must be periodic along x, y and z (pbc=True)")
    cell = np.asarray(atoms.cell.array, dtype=np.float64)
    if np.any(cell != np.diag(np.diag(cell))) or np.any(np.diag(cell) <= 0):
        raise ValueError("comd: the cell must be orthorhombic (a diagonal cell matrix with positive lengths)")
    symbols = set(atoms.get_chemical_symbols())
    if symbols - {"Cu"}:
        raise ValueError(f"comd: comd-rs models copper only; these Atoms hold {sorted(symbols)}")
    return np.diag(cell).copy()


def atoms_arrays(atoms):
    """(positions wrapped into the box, origin, lengths, velocities in Å/fs or None) of
    ``atoms``; velocities if the Atoms have momenta (even all zero), else None (drawn for
    the temperature)."""
    lengths = _lengths(atoms)
    r = _wrap(np.asarray(atoms.get_positions(), dtype=np.float64), lengths)
    v = None
    if atoms.has("momenta"):
        v = np.ascontiguousarray(atoms.get_velocities() * units.fs)  # Å per ASE time unit -> Å/fs
    return r, (0.0, 0.0, 0.0), tuple(lengths), v


def to_atoms(sim):
    """The state of ``sim`` as copper ``Atoms`` with the potential's mass and the velocities."""
    lengths = sim.cell
    origin = np.asarray(sim._e.cell[0])
    atoms = Atoms(symbols=["Cu"] * sim.n_atoms, positions=sim.positions - origin, cell=lengths, pbc=True)
    atoms.set_masses(np.full(sim.n_atoms, sim.mass))
    atoms.set_velocities(sim.velocities / units.fs)
    return atoms


class CoMD(Calculator):
    """comd-rs as an ASE calculator (``energy``, ``free_energy``, ``forces``, ``stress``,
    ``energies``)."""

    implemented_properties = ["energy", "free_energy", "energies", "forces", "stress"]
    nolabel = True

    def __init__(self, potential="lj", **options):
        super().__init__()
        for key in ("structure", "nx", "ny", "nz", "lat", "temp", "delta", "verbose"):
            if key in options:
                raise ValueError(f"comd: {key!r} does not apply to the calculator: the Atoms give the structure")
        self._argv = _argv(dict(options, potential=potential))  # checks the options now
        self.sim = None

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        lengths = _lengths(self.atoms)
        r = _wrap(np.asarray(self.atoms.get_positions(), dtype=np.float64), lengths)
        still = np.zeros_like(r)
        same = self.sim is not None and self.sim.n_atoms == len(r) and np.array_equal(self.sim.cell, lengths)
        if same and not ({"numbers", "cell", "pbc"} & set(system_changes)):
            self.sim._e.set_state(r, still)
        else:
            engine = _comd.Engine(self._argv, r, (0.0, 0.0, 0.0), tuple(lengths), still)
            self.sim = Simulation._of(engine, False)
        e = self.sim._e
        energy = e.energies[0]
        _, _, _, forces, per_atom = e.arrays()
        stress = -np.asarray(e.virial) / float(np.prod(lengths))
        self.results = {
            "energy": energy,
            "free_energy": energy,
            "forces": forces,
            "energies": per_atom,
            "stress": stress,
        }
