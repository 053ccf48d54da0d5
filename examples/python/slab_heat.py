# %% [markdown]
# # Heating a copper slab with comd-rs from Python
#
# A notebook-style script (the `# %%` cells open as a notebook in VS Code or Jupytext; it
# also runs as a plain script): build a Cu(100) slab in ASE, heat it with ASE's Langevin
# thermostat driving comd-rs's EAM forces (`comd.ase.CoMD`), show frames from the offscreen
# renderer and plot the temperature with Matplotlib.
#
#     pip install ./python matplotlib        # from the repository root
#     python examples/python/slab_heat.py    # writes slab_frames.png and slab_temperature.png
#
# EAM needs `Cu_u6.eam` (Debian's `lammps-data`, or `pot_dir=` the folder holding it).

# %%
import os

import matplotlib

if not os.environ.get("DISPLAY") and "ipykernel" not in os.environ.get("_", ""):
    matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from ase import units
from ase.build import fcc100
from ase.md.langevin import Langevin

import comd
from comd.ase import CoMD

# %% [markdown]
# ## The slab: 6 x 6 x 8 layers of Cu(100), 8 Å of vacuum on each side
# The engines need a periodic orthorhombic box: the vacuum separates the slab from its images.

# %%
slab = fcc100("Cu", size=(6, 6, 8), a=3.615, vacuum=8.0, orthogonal=True)
slab.pbc = True
slab.calc = CoMD("eam", pot_dir=os.environ.get("COMD_POT_DIR"))
print(len(slab), "atoms, cell", slab.cell.lengths().round(2), "Å")
print("surface energy per atom vs bulk:", slab.get_potential_energy() / len(slab), "eV")

# %% [markdown]
# ## Heat it to 900 K with ASE's Langevin thermostat (2 fs steps), rendering as it goes

# %%
steps, every = 1500, 50
times, temps, frames = [], [], []
dyn = Langevin(slab, timestep=2 * units.fs, temperature_K=900, friction=0.02, fixcm=False, rng=np.random.default_rng(1))


def record():
    times.append(dyn.get_time() / units.fs)
    temps.append(slab.get_temperature())
    if len(times) % 10 == 1:
        frames.append(comd.Simulation.from_ase(slab, "eam", pot_dir=os.environ.get("COMD_POT_DIR")).render(480, 300, view=(30, 10, 1.2)))


dyn.attach(record, interval=every)
dyn.run(steps)
print(f"final temperature {slab.get_temperature():.0f} K after {steps} steps")

# %% [markdown]
# ## Frames from the offscreen renderer (coloured by kinetic energy)

# %%
fig, axes = plt.subplots(1, len(frames), figsize=(4 * len(frames), 3))
for ax, img, t in zip(np.atleast_1d(axes), frames, times[::10]):
    ax.imshow(img)
    ax.set_title(f"t = {t:.0f} fs")
    ax.axis("off")
fig.tight_layout()
fig.savefig("slab_frames.png", dpi=80)

# %% [markdown]
# ## Temperature

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(times, temps, label="slab")
ax.axhline(900, color="k", ls="--", lw=1, label="thermostat")
ax.set_xlabel("time (fs)")
ax.set_ylabel("temperature (K)")
ax.legend()
fig.tight_layout()
fig.savefig("slab_temperature.png", dpi=100)
plt.show()
