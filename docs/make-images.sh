#!/usr/bin/env bash
# Makes the README's pictures of structure colouring, a slice and the strip chart with
# comd-rs itself (offscreen, no display needed).
#
# The crystal: 4 680 atoms of EAM copper (Foiles's Cu_u6.eam) in a periodic box with [111]
# along z, built with ASE: every tenth (111) layer the stacking slips by one position
# (ABCABAB...: an intrinsic stacking fault, two layers in an HCP environment; three faults,
# so the stacking stays periodic), and a spherical void of radius 7 Å at the centre. The
# pictures: a-CNA colours after 400 steps at 300 K (faults red, FCC green, the void's
# surface white), the same frame cut by a 7 Å slab through the void seen face-on, and a
# run heated from 300 K to 900 K by a CSVR thermostat with the strip chart on.
#
# Usage: docs/make-images.sh    (env: COMD=path/to/comd, COMD_POT_DIR=dir with Cu_u6.eam,
#                                PYTHON=a python with ASE; default: .ci/run's venv, else python3)
# Output: docs/img/structure.png, docs/img/slice.png, docs/img/strip-chart.png (~30 s).
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh

COMD=${COMD:-$(build_comd)}
POT_DIR=$(find_pot_dir) || { echo "error: Cu_u6.eam not found (set COMD_POT_DIR)" >&2; exit 1; }
PYTHON=${PYTHON:-$( [ -x target/ci-venv/bin/python3 ] && echo target/ci-venv/bin/python3 || echo python3)}
OUT=docs/img
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

"$PYTHON" - "$WORK/fault.xyz" <<'PY'
import sys
import numpy as np
from ase.build import fcc111
atoms = fcc111("Cu", size=(16, 10, 30), a=3.615, orthogonal=True, periodic=True)
z = np.round(atoms.positions[:, 2], 3)
layer = np.searchsorted(np.unique(z), z)
# the in-plane step from a layer-0 site to the nearest layer-1 site: one stacking position
p0 = atoms.positions[layer == 0][0]
p1 = atoms.positions[layer == 1]
step = p1[np.argmin(np.linalg.norm(p1[:, :2] - p0[:2], axis=1))] - p0
atoms.positions[:, :2] += np.outer((layer + 5) // 10, step[:2])  # slips at layers 5, 15, 25
atoms.wrap()
centre = atoms.cell.lengths() / 2
del atoms[np.linalg.norm(atoms.positions - centre, axis=1) < 7.0]
del atoms.arrays["tags"]
atoms.write(sys.argv[1], format="extxyz")
PY

run=(-e -d "$POT_DIR" --structure "$WORK/fault.xyz" -T 600 -n 10 --no-yaml --quiet --size 800x500)
"$COMD" "${run[@]}" -N 400 --color structure --screenshot "$OUT/structure.png" >/dev/null
"$COMD" "${run[@]}" -N 400 --color structure --slice y,11,7 --view 0,89,1.0 --screenshot "$OUT/slice.png" >/dev/null
"$COMD" "${run[@]}" -N 3000 --thermostat csvr --target-temp 300:900 --color structure --strip-chart \
  --screenshot "$OUT/strip-chart.png" >/dev/null
ls -l "$OUT"/structure.png "$OUT"/slice.png "$OUT"/strip-chart.png
