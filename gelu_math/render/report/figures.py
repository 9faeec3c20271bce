"""The figures hook: make figures when the plotting module is available, embed what exists.

``make_figures(dir)`` calls ``gelu_math.plots.write_all(dir)`` (the figures issue) when that module
and matplotlib can be imported; otherwise it reports why and the reports are written without
figures.  ``figure_blocks(name, dir, out)`` embeds ``<dir>/<name>.svg`` and ``<dir>/<name>-*.svg``
(sorted): inline SVG in HTML, a relative link in Markdown, a reference in LaTeX.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path

from .model import Figure


def make_figures(outdir: str) -> tuple[bool, str]:
    if importlib.util.find_spec("matplotlib") is None:
        return False, "matplotlib is not installed (pip install 'gelu-math[plots]')"
    if importlib.util.find_spec("gelu_math.plots") is None:
        return False, "this version of gelu-math has no figures module (gelu_math.plots)"
    plots = importlib.import_module("gelu_math.plots")
    plots.write_all(outdir)
    return True, ""


def figure_blocks(name: str, figdir: str, outdir: str) -> tuple[Figure, ...]:
    d = Path(figdir)
    if not d.is_dir():
        return ()
    paths = sorted([*d.glob(f"{name}.svg"), *d.glob(f"{name}-*.svg")], key=lambda p: p.name)
    return tuple(Figure(p.read_text(encoding="utf-8"), Path(os.path.relpath(p, outdir)).as_posix(), p.stem)
                 for p in paths)
