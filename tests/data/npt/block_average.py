#!/usr/bin/env python3
"""Block averages of the production samples written by in.npt.lmp.

usage: python3 block_average.py SAMPLES [NBLOCKS=10]
Columns of SAMPLES (fix ave/time): step a(A) T(K) P(GPa) V(A^3).
Prints the mean of each and the standard error of the mean from NBLOCKS
contiguous blocks (std of block means / sqrt(NBLOCKS)), plus the per-sample
relative standard deviation of a.
"""
import math
import sys

path = sys.argv[1]
nb = int(sys.argv[2]) if len(sys.argv) > 2 else 10
rows = []
with open(path) as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        rows.append([float(x) for x in line.split()[1:5]])
# the first row is step 0 of production (the state at the end of equilibration)
n = len(rows) - len(rows) % nb
rows = rows[len(rows) - n:]
names = ["a (A)", "T (K)", "P (GPa)", "V (A^3)"]
print(f"{n} samples, {nb} blocks of {n // nb}")
for j, name in enumerate(names):
    x = [r[j] for r in rows]
    mean = sum(x) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in x) / (n - 1))
    m = n // nb
    bm = [sum(x[k * m:(k + 1) * m]) / m for k in range(nb)]
    sem = math.sqrt(sum((b - mean) ** 2 for b in bm) / (nb - 1) / nb)
    print(f"{name:8s} mean {mean:.6f}  sem {sem:.6f}  per-sample sd {sd:.6f}"
          f"  (rel sd {sd / mean:.2e}, rel sem {sem / abs(mean) if mean else float('nan'):.2e})")
