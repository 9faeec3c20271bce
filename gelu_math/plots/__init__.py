"""Layer 5: publication figures (a renderer of the exact definitions and certified facts).

Needs matplotlib (``pip install 'gelu-math[plots]'``).  Everything is drawn on plain
``matplotlib.figure.Figure`` objects (no pyplot state; works headless) in the shipped style
(``gelu.mplstyle``), and :func:`save` writes deterministic PDF/SVG/PNG.

    >>> from gelu_math import plots
    >>> ax = plots.derivatives("gelu")          # f, f', f'', f''' with certified marks
    >>> len(ax.get_lines()) >= 4
    True
    >>> plots.save(ax.figure, "gelu.pdf")       # writes a file  # doctest: +SKIP
    >>> plots.write_all("figures")              # the committed set, about a minute  # doctest: +SKIP

See the README section "Figures".
"""

from __future__ import annotations

try:
    import matplotlib  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    from ..errors import UnsupportedError

    raise UnsupportedError("figures need matplotlib: pip install 'gelu-math[plots]'") from exc

from .approx import envelopes_figure, error_envelope, sup_vs_coefficient, sweeps_figure
from .curves import Curve, Mark, curve, marks
from .figures import compare, compare_figure, derivatives, family, grid
from .gallery import FIGURES, KINDS, build, write_all
from .style import WIDTHS, new_axes, new_figure, palette, save, style, style_path

__all__ = [
    "Curve", "FIGURES", "KINDS", "Mark", "WIDTHS", "build", "compare", "compare_figure", "curve", "derivatives",
    "envelopes_figure", "error_envelope", "family", "grid", "marks", "new_axes", "new_figure", "palette", "save",
    "style", "style_path", "sup_vs_coefficient", "sweeps_figure", "write_all",
]
