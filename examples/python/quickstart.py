"""comd-rs from Python in a few lines: CoMD's default problem, arrays, a callback, a checkpoint.

    pip install ./python && python examples/python/quickstart.py
"""

import comd

sim = comd.Simulation(nx=20, ny=20, nz=20, temp=600.0, verbose=True)   # 32 000 atoms, LJ
sim.run(100, every=50, callback=lambda s: print(f"step {s.step}: T = {s.temperature:.1f} K, P = {s.pressure:.3f} GPa"))
r, v, f = sim.positions, sim.velocities, sim.forces                    # numpy, gid order
print(r.shape, r.dtype, "read-only:", not r.flags.writeable)
print("last thermo row:", sim.thermo[-1])
sim.checkpoint("quickstart.ckpt")                                       # comd --restart reads it too
again = comd.Simulation.restart("quickstart.ckpt")
print("restarted at step", again.step)
