#!/usr/bin/env python3
"""Speed of the Python package (issue 19), printed as a Markdown table for the README.

    python benches/python.py [--quick] [--comd target/release/comd]

1. 1 000 calls of run(1) against one run(1000), 32 000 atoms (LJ, default path);
2. reading sim.positions of 1 000 000 atoms (nx=ny=nz=63: 1 000 188 atoms);
3. the step rate from Python against the binary's (its "Timestep" timer), 32 000 atoms;
4. µs per atom-step at 4 000 atoms on one thread, beside Multitevo's published table
   (Mark Dewing's CoMD ports, 2015: one core of a Xeon E5-2630 v3, cell method, 4 000 atoms).

Each timing is the best of a few repeats (the machine is shared). --quick does fewer
repeats and steps (a smoke test, not numbers to publish).
"""

import argparse
import os
import re
import subprocess
import tempfile
import time

import numpy as np

import comd

MULTITEVO = [  # µs per atom-step, 4 000 atoms, one core of a Xeon E5-2630 v3 (2015)
    ("Python 2.7", 1014.0),
    ("PyPy 4.0", 30.0),
    ("Cython", 13.0),
    ("Julia 0.4", 6.1),
    ("Numba", 2.9),
    ("C (CoMD, gcc 4.8)", 2.3),
]


def best(f, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def step_overhead(repeats, steps):
    sim = comd.Simulation(nx=20, ny=20, nz=20)
    sim.run(20)  # warm up: lists built, pool started

    def many():
        for _ in range(steps):
            sim.run(1)

    t_many = best(many, repeats)
    t_one = best(lambda: sim.run(steps), repeats)
    return t_many, t_one


def read_positions(repeats):
    sim = comd.Simulation(nx=63, ny=63, nz=63, temp=600.0)
    sim.run(1)
    t = best(lambda: sim.positions, repeats)
    return sim.n_atoms, t


def binary_rate(comd_bin, steps, threads):
    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run(
            [comd_bin, "-x", "20", "-y", "20", "-z", "20", "-N", str(steps), "--no-yaml", "--threads", str(threads)],
            cwd=d, capture_output=True, text=True, check=True,
        ).stdout
    # "Timestep" row of the timer table: name, calls, avg/call (µs), total (s), ...
    m = re.search(r"^total\s+\d+\s+([\d.]+)\s+([\d.]+)", out, re.M)
    t = re.search(r"^timestep\s+\d+\s+[\d.]+\s+([\d.]+)", out, re.M | re.I)
    return float(t.group(1)) if t else float(m.group(2))


def python_rate(steps, threads, n=20):
    sim = comd.Simulation(nx=n, ny=n, nz=n, threads=threads)
    sim.run(10)
    t = best(lambda: sim.run(steps), 1)
    return t, sim.n_atoms


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--comd", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "comd"))
    a = ap.parse_args()
    repeats, steps = (1, 100) if a.quick else (3, 1000)

    t_many, t_one = step_overhead(repeats, steps)
    print(f"| {steps} x run(1), 32 000 atoms | {t_many:.3f} s | one run({steps}): {t_one:.3f} s | "
          f"overhead {100 * (t_many / t_one - 1):+.1f} % (limit +10 %) |")

    n, t = read_positions(3 if a.quick else 10)
    print(f"| read positions, {n} atoms | {1e3 * t:.2f} ms | | limit 5 ms |")

    for threads in (1, 2):
        n_steps = steps // 5
        t_bin = binary_rate(a.comd, n_steps, threads)
        t_py, atoms = python_rate(n_steps, threads)
        print(f"| {n_steps} steps, 32 000 atoms, {threads} thread(s) | Python {1e6 * t_py / (atoms * n_steps):.4f} µs/atom-step | "
              f"binary {1e6 * t_bin / (atoms * n_steps):.4f} µs/atom-step | ratio {t_py / t_bin:.3f} |")

    t_py, atoms = python_rate(steps // 2, 1, n=10)
    us = 1e6 * t_py / (atoms * (steps // 2))
    print("\n| CoMD port, 4 000 atoms | µs/atom-step |\n| --- | --- |")
    for name, v in MULTITEVO:
        print(f"| {name} (Xeon E5-2630 v3, 2015) | {v} |")
    print(f"| comd-rs from Python, 1 thread (this machine) | {us:.3f} |")
    t2, _ = python_rate(steps // 2, 2, n=10)
    print(f"| comd-rs from Python, 2 threads (this machine) | {1e6 * t2 / (atoms * (steps // 2)):.3f} |")


if __name__ == "__main__":
    main()
