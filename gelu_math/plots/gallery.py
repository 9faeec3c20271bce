"""The committed figure set and the plot kinds of the command line.

:data:`KINDS` maps each ``gelu-math plot KIND`` to a builder ``(names, width) -> Figure``;
:data:`FIGURES` lists the files of ``figures/`` and :func:`write_all` regenerates them (the
report command calls it).  Builders validate their names (unknown names raise
UnknownFunctionError through the registry).
"""

from __future__ import annotations

import os
from typing import Callable

from matplotlib.figure import Figure

from ..definitions.registry import get
from ..errors import InputError
from . import approx as A
from . import design as D
from . import figures as F
from . import gauss as G
from .relax import relaxations_figure
from .style import new_figure, save, style


def _no_names(kind: str, names) -> None:
    if names:
        raise InputError(f"plot {kind} takes no function names, got {' '.join(names)}")


def _single(kind: str, names, default: str) -> str:
    if len(names) > 1:
        raise InputError(f"plot {kind} takes at most one function name, got {' '.join(names)}")
    name = names[0] if names else default
    get(name)  # validate early: unknown names raise UnknownFunctionError
    return name


def _checked(names) -> tuple[str, ...]:
    for n in names:
        get(n)
    return tuple(names)


def _axes_figure(draw, width: str, aspect: float = 0.75) -> Figure:
    with style():
        fig = new_figure(width, aspect)
        draw(fig.add_subplot())
    return fig


def _compare(names, width):
    return F.compare_figure(_checked(names) or F.COMPARE, width)


def _derivatives(names, width):
    name = _single("derivatives", names, "gelu")
    return _axes_figure(lambda ax: F.derivatives(name, ax=ax), width, 0.8 if width == "single" else 0.5)


def _family(names, width):
    _no_names("family", names)
    return _axes_figure(lambda ax: F.family(ax=ax), width, 0.75 if width == "single" else 0.45)


def _grid(names, width):
    return F.grid(_checked(names) or None, width)


def _envelope(names, width):
    return A.envelopes_figure(_checked(names) or A.APPROXIMATIONS, width)


def _sweep(names, width):
    for n in names:
        if n not in A.SWEEPS:
            get(n)
            raise InputError(f"plot sweep supports {', '.join(A.SWEEPS)}, got {n!r}")
    return A.sweeps_figure(tuple(names) or tuple(A.SWEEPS), width)


def _relax(names, width):
    return relaxations_figure(_checked(names) or ("gelu",), width)


KINDS: dict[str, Callable[[tuple, str], Figure]] = {
    "compare": _compare,
    "derivatives": _derivatives,
    "family": _family,
    "grid": _grid,
    "envelope": _envelope,
    "sweep": _sweep,
    "design": D.design_figure,  # error vs degree of the minimax family (the report draws it from its facts)
    "relax": _relax,
    "variance-maps": G.variance_maps_figure,
    "chi1": G.chi1_figure,
    "kernels": G.kernels_figure,
    "network": G.network_builder,
}

# figures/ : file stem -> (kind, names, width, formats)
FIGURES: dict[str, tuple[str, tuple, str, tuple[str, ...]]] = {
    "compare": ("compare", (), "double", ("pdf", "svg", "png")),
    "gelu-derivatives": ("derivatives", ("gelu",), "single", ("pdf", "svg", "png")),
    "gelu-family": ("family", (), "single", ("pdf", "svg")),
    "grid": ("grid", (), "double", ("pdf", "svg")),
    "envelopes": ("envelope", (), "double", ("pdf", "svg")),
    "sweeps": ("sweep", (), "double", ("pdf", "svg")),
    "gelu-relax": ("relax", ("gelu",), "double", ("pdf", "svg")),
    "silu-relax": ("relax", ("silu",), "double", ("pdf", "svg")),
    "mish-relax": ("relax", ("mish",), "double", ("pdf", "svg")),
    "gelu_tanh-relax": ("relax", ("gelu_tanh",), "double", ("pdf", "svg")),
    "gauss-variance-maps": ("variance-maps", (), "single", ("pdf", "svg")),
    "gauss-chi1": ("chi1", (), "single", ("pdf", "svg")),
    "gauss-kernels": ("kernels", (), "single", ("pdf", "svg")),
    "gauss-network": ("network", (), "double", ("pdf", "svg", "png")),
}
# figures/ made by `gelu-math report` from the certified facts it has just derived (not by write_all,
# which would derive them again): file stem -> formats
REPORT_FIGURES: dict[str, tuple[str, ...]] = {"approximations-degree": ("pdf", "svg")}


def build(kind: str, names=(), width: str = "single") -> Figure:
    """The Figure of ``gelu-math plot KIND NAME... --width WIDTH``."""
    if kind not in KINDS:
        raise InputError(f"unknown plot kind {kind!r}; kinds: {', '.join(KINDS)}")
    if width not in ("single", "double"):
        raise InputError(f"width must be single or double, got {width!r}")
    return KINDS[kind](tuple(names), width)


def write_all(outdir: str | os.PathLike, only: tuple[str, ...] | None = None) -> list[str]:
    """Regenerate the committed figure set (:data:`FIGURES`, or the stems in ``only``) into
    ``outdir``; returns the written paths, in order.  ``outdir`` is checked writable first."""
    from ..atomicio import check_writable_dir

    check_writable_dir(outdir, "figures directory")
    written = []
    for stem, (kind, names, width, formats) in FIGURES.items():
        if only is not None and stem not in only:
            continue
        fig = build(kind, names, width)
        for fmt in formats:
            written.append(save(fig, os.path.join(outdir, f"{stem}.{fmt}")))
    return written
