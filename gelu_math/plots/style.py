"""Publication style: the shipped style file, paper widths, palette, deterministic saving.

The style (``gelu.mplstyle``, package data next to this module) is applied on top of
matplotlib's defaults (``after_reset=True``), so a user's ``matplotlibrc`` never changes our
figures.  :func:`save` writes PDF, SVG or PNG (300 dpi) with fixed metadata and no dates, so
the same figure gives the same bytes on every run (for a given matplotlib version).

Example::

    >>> from gelu_math.plots.style import new_axes, save, style, width_inches
    >>> with style():
    ...     fig, ax = new_axes("single")
    >>> fig.get_size_inches()[0] == width_inches("single") == 3.5
    True
    >>> save(fig, "out.pdf")                        # writes a file  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import os
from importlib import resources

import matplotlib
import matplotlib.style
from matplotlib.figure import Figure

from .. import __version__
from ..atomicio import atomic_path
from ..errors import InputError

STYLE_FILE = "gelu.mplstyle"
WIDTHS = {"single": 3.5, "double": 7.0}  # inches: one and two journal columns
FORMATS = ("pdf", "svg", "png")
PNG_DPI = 300
GENERATOR = f"gelu-math {__version__} (matplotlib {matplotlib.__version__})"


@functools.lru_cache(maxsize=1)
def style_path() -> str:
    """Filesystem path of the shipped style file."""
    ref = resources.files(__package__) / STYLE_FILE
    with resources.as_file(ref) as path:  # a real file for every normal install
        return str(path)


@contextlib.contextmanager
def style():
    """Scoped gelu-math style on top of matplotlib's defaults (rcParams restored on exit)."""
    with matplotlib.style.context(style_path(), after_reset=True):
        yield


@functools.lru_cache(maxsize=1)
def palette() -> tuple[dict, ...]:
    """The (color, linestyle) pairs of the style's cycle: Okabe–Ito colours, distinct dashes."""
    params = matplotlib.rc_params_from_file(style_path(), use_default_template=False)
    return tuple(params["axes.prop_cycle"])


def look(i: int) -> dict:
    """Colour and line style of curve ``i`` (cycling)."""
    p = palette()
    return dict(p[i % len(p)])


def width_inches(width: str | float) -> float:
    """``"single"`` (3.5 in), ``"double"`` (7 in) or a number of inches."""
    if isinstance(width, str):
        if width not in WIDTHS:
            raise InputError(f"width must be one of {', '.join(WIDTHS)}, got {width!r}")
        return WIDTHS[width]
    if not (isinstance(width, (int, float)) and 0 < width <= 20):
        raise InputError(f"width must be a paper width name or inches in (0, 20], got {width!r}")
    return float(width)


def new_figure(width: str | float = "single", aspect: float = 0.75) -> Figure:
    """A Figure (no pyplot state, works headless) of the given width and height = aspect·width.

    Call inside :func:`style` so the figure picks up the style."""
    w = width_inches(width)
    return Figure(figsize=(w, w * aspect), layout="constrained")


def new_axes(width: str | float = "single", aspect: float = 0.75):
    fig = new_figure(width, aspect)
    return fig, fig.add_subplot()


def format_of(path: str | os.PathLike) -> str:
    ext = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if ext not in FORMATS:
        raise InputError(f"unsupported figure format {ext or '(none)'!r} for {os.fspath(path)!r}; "
                         f"use one of: {', '.join('.' + f for f in FORMATS)}")
    return ext


def _metadata(fmt: str) -> dict:
    # Dates removed and tool names fixed: the bytes depend only on the figure (and the
    # matplotlib version, which is named in the metadata).
    if fmt == "pdf":
        return {"Creator": "gelu-math", "Producer": GENERATOR, "CreationDate": None, "ModDate": None}
    if fmt == "svg":
        return {"Creator": GENERATOR, "Date": None}
    return {"Software": GENERATOR}


def save(fig: Figure, path: str | os.PathLike) -> str:
    """Write ``fig`` to ``path`` (.pdf, .svg or .png at 300 dpi), deterministically and atomically
    (an interrupted or failed save leaves the earlier file intact; errors name ``path``)."""
    fmt = format_of(path)
    with style(), atomic_path(path) as tmp:  # svg.hashsalt, pdf.fonttype, savefig.dpi are read at save time
        fig.savefig(tmp, format=fmt, metadata=_metadata(fmt), dpi=PNG_DPI)
    return os.fspath(path)
