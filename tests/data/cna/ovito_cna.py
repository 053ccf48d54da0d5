"""OVITO's adaptive CNA class per atom for the a-CNA test frames.

Frames: `cargo run --release --example cna_frames -- tests/data/cna` writes <name>.xyz.
Run (in a virtual environment with `pip install ovito`): python tests/data/cna/ovito_cna.py tests/data/cna
Writes <name>.ovito.txt: one class code per line (0 other, 1 FCC, 2 HCP, 3 BCC, 4 ICO),
in file order. Measured once with `pip install ovito` (3.17.2) and stored beside the test.
"""
import sys, pathlib
from ovito.io import import_file
from ovito.modifiers import CommonNeighborAnalysisModifier

d = pathlib.Path(sys.argv[1])
for xyz in sorted(d.glob("*.xyz")):
    pipe = import_file(str(xyz))
    pipe.modifiers.append(CommonNeighborAnalysisModifier(mode=CommonNeighborAnalysisModifier.Mode.AdaptiveCutoff))
    data = pipe.compute()
    classes = data.particles["Structure Type"][...]
    out = xyz.with_suffix(".ovito.txt")
    out.write_text("".join(f"{int(c)}\n" for c in classes))
    counts = {n: int((classes == n).sum()) for n in range(5)}
    print(xyz.stem, len(classes), counts)
