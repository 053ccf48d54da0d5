"""comd-rs from Python: CoMD 1.1 molecular dynamics (Lennard-Jones and EAM copper) in Rust.

    >>> import comd
    >>> sim = comd.Simulation(nx=10, ny=10, nz=10)      # 4 000 atoms of LJ copper at 600 K
    >>> sim.run(100)                                      # GIL released, Ctrl-C stops it
    >>> sim.thermo["temperature"][-1], sim.positions.shape

The engine is the ``comd`` Rust library itself (no second implementation): the options are
the binary's command-line options, checked by the same code, so the numbers are the binary's
to every printed digit and errors carry its one-line messages (``ValueError`` for bad
options, ``OSError`` for files, ``RuntimeError`` for an unstable run).

Units: Å, eV, fs, K, GPa; velocities in Å/fs. One process, threads only: MPI runs stay with
the ``comd`` binary. ``python -m comd ARGS`` runs the binary's command line.
"""

import os
import warnings

import numpy as np

from . import _comd

__all__ = ["Simulation", "THERMO_DTYPE", "main"]

#: The fields of :attr:`Simulation.thermo`, one record per printed row.
THERMO_DTYPE = np.dtype(
    [
        ("step", np.int64),
        ("time", np.float64),
        ("e_total", np.float64),
        ("e_potential", np.float64),
        ("e_kinetic", np.float64),
        ("temperature", np.float64),
        ("perf", np.float64),
        ("n_atoms", np.int64),
        ("pressure", np.float64),
        ("target_temp", np.float64),
        ("conserved", np.float64),
        ("volume", np.float64),
    ]
)

# keyword -> the binary's long option (values are passed as --option=VALUE)
_OPTIONS = {
    "pot_type": "potType",
    "pot_dir": "potDir",
    "pot_name": "potName",
    "nx": "nx",
    "ny": "ny",
    "nz": "nz",
    "lat": "lat",
    "temp": "temp",
    "delta": "delta",
    "dt": "dt",
    "print_rate": "printRate",
    "seed": "seed",
    "threads": "threads",
    "skin": "skin",
    "lists": "lists",
    "n_steps": "nSteps",
    "thermostat": "thermostat",
    "target_temp": "target-temp",
    "tau": "tau",
    "nhc_chain": "nhc-chain",
    "barostat": "barostat",
    "barostat_axes": "barostat-axes",
    "target_press": "target-press",
    "tau_p": "tau-p",
    "compressibility": "compressibility",
}
_EAM_ONLY = ("pot_type", "pot_dir", "pot_name")
_DEFAULTS = dict(
    potential="lj", pot_type="funcfl", pot_dir=None, pot_name=None, nx=20, ny=20, nz=20, lat=None,
    temp=600.0, delta=0.0, dt=1.0, print_rate=10, seed=None, exact=False, threads=None, skin=None,
    lists=None, n_steps=None, thermostat=None, target_temp=None, tau=None, nhc_chain=None, barostat=None, barostat_axes=None,
    target_press=None, tau_p=None, compressibility=None,
)


def _value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)  # round-trips: the binary reads the same bits
    if isinstance(v, tuple) and len(v) == 2:
        return f"{_value(v[0])}:{_value(v[1])}"  # a ramp, target_temp=(300, 1800)
    return os.fspath(v) if isinstance(v, os.PathLike) else str(v)


def _argv(options, structure_file=None):
    """The binary's command line for keyword options (unknown keywords are refused); with
    ``structure_file``, its ``--structure`` (the file gives the box: the lattice defaults
    ``nx``/``ny``/``nz``/``lat`` are left out, and refused as by the binary if given; ``temp``
    only when given, so velocities in the file are kept otherwise, as by the binary)."""
    unknown = sorted(set(options) - set(_DEFAULTS))
    if unknown:
        allowed = ", ".join(sorted(_DEFAULTS) + ["structure", "verbose"])
        raise ValueError(f"comd: unknown option {unknown[0]!r}; allowed: {allowed}")
    o = dict(_DEFAULTS, **options)
    argv = ["comd"]
    if structure_file is not None:
        # the file gives the box, and its velocities unless a temperature is given
        for key in ("nx", "ny", "nz", "lat", "temp"):
            if options.get(key) is None:
                del o[key]
        argv.append(f"--structure={os.fspath(structure_file)}")
    pot = o.pop("potential")
    if pot not in ("lj", "eam"):
        raise ValueError(f"comd: potential must be 'lj' or 'eam', not {pot!r}")
    if pot == "eam":
        argv.append("--doeam")
    elif any(options.get(k) is not None for k in ("pot_dir", "pot_name")):
        warnings.warn("comd: pot_dir, pot_name ignored: they apply to EAM only (potential='eam')")
    if o.pop("exact"):
        argv.append("--exact")
    for key, value in o.items():
        if value is None or (pot != "eam" and key in _EAM_ONLY):
            continue
        argv.append(f"--{_OPTIONS[key]}={_value(value)}")
    return argv


def _structure(structure):
    """(positions, origin, lengths, momenta or None) of an ase.Atoms or (positions, cell)."""
    if hasattr(structure, "get_positions") and hasattr(structure, "get_cell"):
        from .ase import atoms_arrays  # needs ASE, which an ase.Atoms implies

        return atoms_arrays(structure)
    try:
        positions, cell = structure
    except (TypeError, ValueError):
        raise ValueError("comd: structure must be an ase.Atoms or a (positions, cell) pair") from None
    r = np.ascontiguousarray(positions, dtype=np.float64)
    c = np.asarray(cell, dtype=np.float64)
    if c.shape == (3, 3):
        if np.any(c != np.diag(np.diag(c))):
            raise ValueError("comd: the cell must be orthorhombic (a diagonal 3x3 matrix or 3 lengths)")
        c = np.diag(c)
    if c.shape != (3,) or np.any(~np.isfinite(c)) or np.any(c <= 0):
        raise ValueError(f"comd: the cell must be 3 positive lengths (Å), got {c!r}")
    if r.ndim != 2 or r.shape[1] != 3:
        raise ValueError(f"comd: positions must have shape (n, 3), not {r.shape}")
    return _wrap(r, c), (0.0, 0.0, 0.0), tuple(c), None


def _wrap(r, lengths):
    """Positions wrapped into [0, L) per axis."""
    w = np.mod(r, lengths)
    w[w >= lengths] = 0.0
    return np.ascontiguousarray(w)


def _readonly(a):
    a.setflags(write=False)
    return a


class Simulation:
    """A comd-rs run, advanced from Python.

    Options are the binary's (``comd --help``): ``potential`` ("lj" or "eam", the binary's
    ``-e``), ``pot_type``/``pot_dir``/``pot_name`` (EAM tables), ``nx``/``ny``/``nz`` (FCC unit
    cells), ``lat`` (Å), ``temp`` (K), ``delta`` (Å), ``dt`` (fs), ``print_rate`` (steps between
    thermo rows), ``seed``, ``exact`` (CoMD's loop order, to the bit), ``threads`` (this
    simulation's own thread pool), ``skin`` (Å), ``lists`` ("auto", "stored" or "streamed":
    how the neighbour lists are kept; streamed ones take about a third of the memory, same results,
    several times slower). ``structure`` starts from an ``ase.Atoms``,
    ``(positions, cell)`` arrays or a file path (extended XYZ or LAMMPS data, read as the
    binary's ``--structure``: file ids, velocities if the file has them) instead of CoMD's
    lattice; an ``Atoms`` with momenta keeps them, otherwise the atoms get Maxwell-Boltzmann
    velocities for ``temp``. ``verbose=True`` writes the binary's screen output
    (header, thermo rows) to ``sys.stdout``.

    Ensembles (the binary's ``--thermostat`` … options): ``thermostat`` ("langevin", "csvr",
    "nhc"), ``target_temp`` (K, or a linear ramp ``(300, 1800)`` from step 0 to step
    ``n_steps``, default 100, then constant), ``tau`` (fs), ``nhc_chain``, ``barostat`` ("crescale"),
    ``barostat_axes`` (only "xyz" so far), ``target_press`` (GPa), ``tau_p`` (fs),
    ``compressibility`` (1/GPa); :attr:`thermo` then has the target, the conserved quantity
    and (with a barostat) the volume.
    """

    def __init__(self, potential="lj", *, structure=None, verbose=False, **options):
        options["potential"] = potential
        self._verbose = bool(verbose)
        is_file = isinstance(structure, (str, os.PathLike))
        argv = _argv(options, structure_file=structure if is_file else None)
        if structure is None or is_file:
            self._e = _comd.Engine(argv)
        else:
            r, origin, lengths, p = _structure(structure)
            self._e = _comd.Engine(argv, r, origin, lengths, p)
        self._argv = argv
        self._flush()

    @classmethod
    def _of(cls, engine, verbose):
        sim = cls.__new__(cls)
        sim._e, sim._verbose = engine, bool(verbose)
        sim._flush()
        return sim

    @classmethod
    def from_deck(cls, path, verbose=False):
        """A simulation of a TOML deck (the binary's ``--deck``; its run length is ignored:
        call :meth:`run`)."""
        return cls._of(_comd.Engine(["comd", f"--deck={os.fspath(path)}"]), verbose)

    @classmethod
    def from_ase(cls, atoms, potential="lj", **options):
        """A simulation starting from an orthorhombic, periodic copper ``ase.Atoms``."""
        return cls(potential, structure=atoms, **options)

    @classmethod
    def restart(cls, path, verbose=False, **options):
        """Continues the checkpoint at ``path`` (:meth:`checkpoint` or the binary's
        ``--checkpoint``) bit for bit. Its physics options come from the file; ``options`` may
        give ``pot_dir``, ``threads``, ``print_rate``, ``skin``."""
        options.setdefault("potential", "lj")
        return cls._of(_comd.Engine(_argv(options), restart=os.fspath(path)), verbose)

    def _flush(self):
        out = self._e.take_output()
        if self._verbose and out:
            import sys

            sys.stdout.write(out)
            sys.stdout.flush()

    # --- stepping -------------------------------------------------------------------------
    def run(self, n, every=None, callback=None):
        """Advances ``n`` steps with the GIL released. With ``callback``, calls
        ``callback(self)`` every ``every`` steps (default: ``print_rate``) with the GIL held.
        Ctrl-C raises ``KeyboardInterrupt`` within a fraction of a second, the state left at a
        whole step."""
        n = int(n)
        if n < 0:
            raise ValueError(f"comd: run needs a number of steps >= 0, not {n}")
        if every is not None and int(every) < 1:
            raise ValueError(f"comd: every must be at least 1, not {every}")
        if callback is not None and every is None:
            every = self._e.print_rate
        end = self.step + n
        while self.step < end:
            chunk = end - self.step if every is None else min(int(every), end - self.step)
            try:
                self._e.advance(chunk, self._verbose)
            finally:
                self._flush()
            if callback is not None:
                callback(self)
        return self

    # --- scalars --------------------------------------------------------------------------
    @property
    def step(self):
        """Steps taken (a restart continues its checkpoint's count)."""
        return self._e.step

    @property
    def time(self):
        """Simulated time, fs."""
        return self._e.step * self._e.dt

    @property
    def n_atoms(self):
        return self._e.n_atoms

    @property
    def potential_energy(self):
        """Potential energy of the whole system, eV."""
        return self._e.energies[0]

    @property
    def kinetic_energy(self):
        """Kinetic energy of the whole system, eV."""
        return self._e.energies[1]

    @property
    def temperature(self):
        """Temperature, K (``2 E_kin / 3 N k_B``, CoMD's k_B)."""
        return self._e.temperature

    @property
    def pressure(self):
        """Pressure from the virial theorem, GPa."""
        return self._e.pressure()

    @property
    def cell(self):
        """Edge lengths of the periodic orthorhombic box, Å (a numpy array)."""
        return np.array(self._e.cell[1])

    @property
    def mass(self):
        """Atom mass, amu."""
        return self._e.mass_amu

    @property
    def thermo(self):
        """The printed thermo rows (step 0 and every ``print_rate`` steps) as a numpy
        structured array of :data:`THERMO_DTYPE`."""
        a = self._e.thermo()
        out = np.empty(len(a), dtype=THERMO_DTYPE)
        for i, name in enumerate(THERMO_DTYPE.names):
            out[name] = a[:, i]
        return out

    def thermo_lines(self):
        """The thermo rows exactly as the binary prints them."""
        return list(self._e.thermo_lines())

    # --- arrays (read-only copies in atom-id order) ---------------------------------------
    def _arrays(self):
        return self._e.arrays()

    @property
    def ids(self):
        """Atom ids, int64, shape (n,)."""
        return _readonly(self._arrays()[0])

    @property
    def positions(self):
        """Positions, Å, float64, shape (n, 3), read-only."""
        return _readonly(self._e.positions())

    @positions.setter
    def positions(self, r):
        _, _, p, _, _ = self._arrays()
        self._e.set_state(np.ascontiguousarray(r, dtype=np.float64), p)

    @property
    def velocities(self):
        """Velocities, Å/fs, float64, shape (n, 3), read-only."""
        return _readonly(self._arrays()[2] / self._e.mass)

    @velocities.setter
    def velocities(self, v):
        v = np.asarray(v, dtype=np.float64)
        self._e.set_state(self._e.positions(), np.ascontiguousarray(v * self._e.mass))

    @property
    def forces(self):
        """Forces, eV/Å, float64, shape (n, 3), read-only."""
        return _readonly(self._arrays()[3])

    @property
    def energies(self):
        """Per-atom potential energies, eV, float64, shape (n,), read-only."""
        return _readonly(self._arrays()[4])

    def set_state(self, positions, velocities):
        """Sets positions (Å) and velocities (Å/fs) together; forces are recomputed."""
        r = np.ascontiguousarray(positions, dtype=np.float64)
        p = np.ascontiguousarray(np.asarray(velocities, dtype=np.float64) * self._e.mass)
        self._e.set_state(r, p)

    # --- files, ASE, pictures -------------------------------------------------------------
    def checkpoint(self, path):
        """Writes a checkpoint (complete or absent); :meth:`restart` and the binary's
        ``--restart`` continue from it bit for bit."""
        self._e.checkpoint(os.fspath(path))

    def to_ase(self):
        """The current state as an ``ase.Atoms`` (copper, periodic, velocities set)."""
        from .ase import to_atoms

        return to_atoms(self)

    def render(self, width=640, height=400, view=None, color="ke"):
        """An RGBA ``uint8`` image of shape (height, width, 4) from the offscreen renderer
        (the binary's ``--screenshot``); ``view`` is ``"AZIMUTH,ELEVATION,ZOOM"`` or a
        3-tuple, ``color`` is ``"ke"``, ``"pe"`` or ``"rank"``."""
        if view is not None and not isinstance(view, str):
            view = ",".join(str(float(x)) for x in view)
        return self._e.render(int(width), int(height), view, color)

    def __repr__(self):
        return (
            f"<comd.Simulation {self.n_atoms} atoms, step {self.step}, "
            f"T = {self.temperature:.2f} K, E_pot = {self.potential_energy:.6f} eV>"
        )


def main(argv=None):
    """Runs the ``comd`` command line ``argv`` (without the program name); returns the
    binary's exit status."""
    import sys

    argv = sys.argv[1:] if argv is None else list(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    return _comd.main(["comd", *map(str, argv)])
