"""Figure of a function's certified linear relaxations (the report's "Linear relaxations" section).

:func:`relaxations_figure` draws, for one function, one panel per example interval of
:mod:`gelu_math.extras.relaxations` ([−4, −1], [−1, 2], [0, 3]): f (exact definition evaluated in
Arb, :mod:`.curves`) a little beyond the interval, and its chebyshev lower and upper lines on the
interval (:func:`gelu_math.relax.relax`, the same lines and digits as the report's table), with
the band between them shaded.  Every artist has a ``gid``: ``curve:NAME:0``,
``relax:lower:L,U``, ``relax:upper:L,U``.

Example::

    >>> fig = relaxations_figure(("gelu",), "double")      # three panels
"""

from __future__ import annotations

import sympy as sp
from matplotlib.figure import Figure

from ..errors import InputError
from ..extras.relaxations import DIGITS, INTERVALS
from .curves import curve, instance
from .style import look, new_figure, style

MARGIN = 0.25  # f is drawn this fraction of the interval's width beyond each end


def relaxations_figure(names: tuple, width: str = "double") -> Figure:
    """f with its lower and upper chebyshev lines on each of the report's example intervals."""
    from ..relax import relax

    if len(names) != 1:
        raise InputError(f"the relax figure shows one function, got {len(names)}")
    inst = instance(names[0])
    with style():
        fig = new_figure(width, 0.34 if width == "double" else 0.5)
        axes = fig.subplots(1, len(INTERVALS))
        for k, (ax, (lo, hi)) in enumerate(zip(axes, INTERVALS)):
            L, U = sp.Rational(lo), sp.Rational(hi)
            r = relax(inst, L, U, mode="chebyshev", digits=DIGITS)
            w = float(U - L)
            c = curve(inst, 0, float(L) - MARGIN * w, float(U) + MARGIN * w, 301)
            (fl,) = ax.plot(c.xs, c.ys, label="$f$", **{**look(6), "linestyle": "-"})
            fl.set_gid(f"curve:{inst.name}:0")
            xs = [float(L), float(U)]
            low = [float(r.lower.slope) * t + float(r.lower.intercept) for t in xs]
            up = [float(r.upper.slope) * t + float(r.upper.intercept) for t in xs]
            ax.fill_between(xs, low, up, color=look(0)["color"], alpha=0.12, linewidth=0)
            (a,) = ax.plot(xs, low, label="lower", **look(0))
            (b,) = ax.plot(xs, up, label="upper", **{**look(1), "linestyle": "--"})
            a.set_gid(f"relax:lower:{lo},{hi}")
            b.set_gid(f"relax:upper:{lo},{hi}")
            ax.set_title(f"$[{lo}, {hi}]$")
            ax.set_xlabel("$x$")
            if k == 0:
                ax.legend(loc="best")
        return fig
