"""sim.render: an RGBA image from the offscreen renderer (Mesa's lavapipe in CI)."""

import numpy as np
import pytest

import comd


def test_render_returns_an_rgba_image_of_the_atoms():
    sim = comd.Simulation(nx=5, ny=5, nz=5, temp=600.0)
    sim.run(10)
    try:
        img = sim.render(width=320, height=200)
    except RuntimeError as e:
        if "CI" in __import__("os").environ:
            raise
        pytest.skip(f"no GPU adapter: {e}")
    assert img.shape == (200, 320, 4) and img.dtype == np.uint8
    assert np.all(img[..., 3] == 255)
    background = img[0, 0, :3]
    drawn = np.any(img[..., :3] != background, axis=-1)
    assert 0.05 < drawn.mean() < 0.95, drawn.mean()  # atoms cover part of the frame
    # colours by kinetic energy vary from atom to atom
    assert len(np.unique(img[drawn][:, :3], axis=0)) > 50
    # another colouring and another view give other pictures
    assert not np.array_equal(sim.render(320, 200, color="pe"), img)
    assert not np.array_equal(sim.render(320, 200, view=(0, 0, 1)), img)


def test_bad_render_options_are_value_errors():
    sim = comd.Simulation(nx=5, ny=5, nz=5)
    with pytest.raises(ValueError, match="comd: .*color"):
        sim.render(color="blue")
    with pytest.raises(ValueError, match="comd: invalid value '4x4' for '--size"):
        sim.render(width=4, height=4)
