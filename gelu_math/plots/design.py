"""Figure of the designed family: certified error of the minimax polynomials of GELU vs degree.

Every plotted value is a certified *upper bound* (the upper end of the certified ball of the
sup error, :func:`gelu_math.approximate.family.family`), on a log scale: on [LO, HI] for exact
and for float16 coefficients, one colour per interval; the de la Vallée Poussin lower bound on
the best possible error (exact coefficients) is drawn as small marks, so the gap between a
curve and its marks is the proved distance from optimal.

    >>> fig = error_vs_degree_figure(width="single")     # minutes: certifies 60 designs  # doctest: +SKIP
"""

from __future__ import annotations

from matplotlib.figure import Figure

from ..approximate.family import DEGREES, FORMATS, INTERVALS, family
from ..errors import InputError
from .style import look, new_figure, style


def _interval_label(on) -> str:
    lo, hi = on
    return f"$[{lo}, {hi}]$"


def error_vs_degree(ax, members) -> None:
    """Draw the upper bounds of sup on [LO, HI] vs degree (exact: solid; float16: dashed, open
    markers) and the proved lower bounds (ticks) on ``ax``."""
    intervals = list(dict.fromkeys(m.on for m in members))
    for i, on in enumerate(intervals):
        colour = look(i)["color"]
        for fmt, style_ in ((None, dict(linestyle="-", marker="o", markerfacecolor=colour)),
                            ("float16", dict(linestyle="--", marker="s", markerfacecolor="white"))):
            pts = [(m.degree, float(m.sup_on.ball.upper())) for m in members
                   if m.on == on and m.format == fmt and m.sup_on is not None]
            if not pts:
                continue
            xs, ys = zip(*pts)
            text = _interval_label(on) + (", float16 coefficients" if fmt else ", exact coefficients")
            (line,) = ax.plot(xs, ys, color=colour, markersize=3, markeredgewidth=0.6, label=text, **style_)
            line.set_gid(f"design:{on[0]},{on[1]}:{fmt or 'exact'}")
        low = [(m.degree, float(m.lower.ball.lower())) for m in members
               if m.on == on and m.format is None and m.lower is not None]
        if low:
            xs, ys = zip(*low)
            (marks,) = ax.plot(xs, ys, linestyle="none", marker="_", markersize=7, color="black",
                               label="best possible ≥ (proved)" if i == 0 else None)
            marks.set_gid(f"lower:{on[0]},{on[1]}")
    ax.set_yscale("log")
    ax.set_xlabel("degree $D$")
    ax.set_ylabel(r"certified $\sup\,|p_D - \mathrm{GELU}|$ on the interval")
    degrees = sorted({m.degree for m in members})
    ax.set_xticks(degrees[::2] if len(degrees) > 8 else degrees)
    ax.legend(loc="lower left", fontsize="small")


def error_vs_degree_figure(members=None, width="single") -> Figure:
    """The figure of :func:`error_vs_degree` (``members`` from ``family()``; computed when None)."""
    members = family(degrees=DEGREES, intervals=INTERVALS, formats=FORMATS) if members is None else members
    with style():
        fig = new_figure(width, 0.8 if width == "single" else 0.45)
        error_vs_degree(fig.add_subplot(), members)
    return fig


def design_figure(names, width: str) -> Figure:
    """The builder of ``gelu-math plot design`` (takes no names): the GELU family's error vs degree."""
    if names:
        raise InputError(f"plot design takes no function names, got {' '.join(names)}")
    return error_vs_degree_figure(width=width)


__all__ = ["design_figure", "error_vs_degree", "error_vs_degree_figure"]
