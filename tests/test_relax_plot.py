"""The relaxation figure (gelu_math.plots.relax): built, not written; its lines are the certified ones."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

pytest.importorskip("matplotlib")

from gelu_math.errors import InputError  # noqa: E402
from gelu_math.extras.relaxations import INTERVALS  # noqa: E402
from gelu_math.plots.relax import relaxations_figure  # noqa: E402


def test_relaxation_figure_shows_sound_lines():
    fig = relaxations_figure(("gelu",), "double")
    axes = fig.get_axes()
    assert len(axes) == len(INTERVALS)
    for ax, (lo, hi) in zip(axes, INTERVALS):
        lines = {ln.get_gid(): ln for ln in ax.get_lines()}
        assert set(lines) == {"curve:gelu:0", f"relax:lower:{lo},{hi}", f"relax:upper:{lo},{hi}"}
        xs, low = lines[f"relax:lower:{lo},{hi}"].get_data()
        _, up = lines[f"relax:upper:{lo},{hi}"].get_data()
        assert list(xs) == [float(lo), float(hi)]
        # independent check: the drawn lines stay below / above GELU = x·ncdf(x) (mpmath) on [lo, hi]
        for t in np.linspace(float(lo), float(hi), 61):
            f = float(t * mp.ncdf(t))
            lv = low[0] + (low[1] - low[0]) * (t - xs[0]) / (xs[1] - xs[0])
            uv = up[0] + (up[1] - up[0]) * (t - xs[0]) / (xs[1] - xs[0])
            assert lv <= f + 1e-12 and f <= uv + 1e-12


def test_relaxation_figure_takes_one_function():
    with pytest.raises(InputError):
        relaxations_figure(("gelu", "silu"), "single")
