"""Shared helpers: the `comd` binary the package is compared with, the EAM tables, and
the parsing of thermo tables."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IN_CI = bool(os.environ.get("CI"))


def _missing(what):
    if IN_CI:
        pytest.fail(f"{what} is missing, but CI must have it")
    pytest.skip(f"{what} not found")


@pytest.fixture(scope="session")
def comd_bin():
    """The release binary built from this repository (`cargo build --release`)."""
    p = Path(os.environ.get("COMD_BIN", REPO / "target" / "release" / "comd"))
    if not p.is_file():
        _missing(f"the comd binary {p}")
    return p


@pytest.fixture(scope="session")
def pot_dir():
    """A directory holding Cu_u6.eam (LAMMPS's, as CI installs it, or ../shared)."""
    for d in (Path("/usr/share/lammps/potentials"), REPO.parent / "shared" / "potentials"):
        if (d / "Cu_u6.eam").is_file():
            return d
    _missing("Cu_u6.eam")


def run_binary(comd_bin, args, cwd):
    return subprocess.run([str(comd_bin), *args, "--no-yaml"], cwd=cwd, capture_output=True, text=True, timeout=300)


def thermo_fields(lines):
    """Thermo rows as lists of printed fields, without the timing column."""
    rows = []
    for line in lines:
        f = line.split()
        if line.startswith(" ") and len(f) in (8, 10, 12) and f[0].isdigit():
            del f[6]
            rows.append(f)
    return rows
