"""The figures hook: make figures when the plotting module is available, embed what exists.

``make_figures(dir)`` calls ``gelu_math.plots.write_all(dir)`` (the figures issue); the report runs
it as one more worker task when ``figures_available()`` (matplotlib and the module import),
otherwise it says why and writes the reports without figures.  ``figure_blocks(name, dir, out)``
embeds ``<dir>/<name>.svg`` and ``<dir>/<name>-*.svg`` (sorted; the comparison gets ``compare`` and
``grid``, GELU also ``envelopes`` and ``sweeps``): inline SVG in HTML (ids prefixed so several
figures share a page), a relative link in Markdown, ``\\includegraphics`` of the PDF next to the
SVG in LaTeX.  Every figure carries a caption saying what
it shows (:data:`CAPTIONS`), the same in every format.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
from pathlib import Path

from .model import Figure


def figures_available() -> tuple[bool, str]:
    """Whether :func:`make_figures` can run here, and why not."""
    if importlib.util.find_spec("matplotlib") is None:
        return False, "matplotlib is not installed (pip install 'gelu-math[plots]')"
    if importlib.util.find_spec("gelu_math.plots") is None:
        return False, "this version of gelu-math has no figures module (gelu_math.plots)"
    return True, ""


def make_figures(outdir: str, only: tuple[str, ...] | None = None) -> list[str]:
    """Write the figure set (or the stems ``only``) into ``outdir`` (``gelu_math.plots.write_all``);
    the written paths."""
    return list(importlib.import_module("gelu_math.plots").write_all(outdir, only))


def figure_stems() -> tuple[str, ...]:
    """The stems of the figure set (``gelu_math.plots.gallery.FIGURES``), one report task each."""
    return tuple(importlib.import_module("gelu_math.plots.gallery").FIGURES)


def make_design_figure(outdir: str, members) -> list[str]:
    """Write ``approximations-degree.{pdf,svg}`` (certified error vs degree) into ``outdir`` from the
    Approximations report's family ``members`` (``gelu_math.plots.design``); the written paths."""
    design = importlib.import_module("gelu_math.plots.design")
    save = importlib.import_module("gelu_math.plots.style").save
    fig = design.error_vs_degree_figure(members, "single")
    return [save(fig, os.path.join(outdir, f"approximations-degree.{ext}")) for ext in ("pdf", "svg")]


# figures of documents other than <name>.svg / <name>-*.svg (the figures module's multi-function plots)
EXTRA_FIGURES = {"comparison": ("compare", "grid", "gauss"), "gelu": ("gelu", "envelopes", "sweeps", "gauss-network"),
                 "relu": ("relu", "gauss-network"), "elu": ("elu", "gauss-network")}

# what each figure of gelu_math.plots.gallery.FIGURES shows (by file stem)
CAPTIONS = {
    "compare": "GELU, ReLU, ELU and SiLU on [−4, 3]: (a) the functions, (b) their first derivatives.",
    "grid": "Every registered activation function on [−4, 4], one panel each, with its first derivative.",
    "envelopes": "Error of the tanh and sigmoid approximations of GELU against exact GELU: (a) absolute error, "
                 "(b) absolute error of the derivative, with the certified maximisers over ℝ marked; "
                 "(c) relative error, (d) relative error of the derivative (curves only).",
    "sweeps": "Sup over x of |approximation − GELU| as the coefficient varies (grid estimate): (a) tanh form, "
              "coefficient a; (b) sigmoid form, coefficient k; the published and the certified optimal "
              "coefficients are marked.",
    "gelu-family": "GELU with mean μ = 0 and σ = 1, 1/2, 1/4, 1/10, with ReLU: as σ → 0 GELU tends to ReLU "
                   "uniformly; the legend gives the certified sup |GELU_σ − ReLU|.",
    "approximations-degree": "Certified upper bounds of the sup error on the interval of the minimax polynomials "
                             "of GELU of degree D = 2…16 on [−4, 4] and [−8, 8], with exact and with float16 "
                             "coefficients (log scale); black marks: the proved lower bounds on the best possible "
                             "error of any polynomial of degree D (de la Vallée Poussin).",
}
CAPTIONS.update({
    "gauss-variance-maps": "Variance maps V(q) = σ_w² E f(√q Z)² + σ_b² (σ_w² = 2, σ_b² = 1/10) against the identity, "
                           "with the certified fixed points (curves: Gauss–Hermite estimates).",
    "gauss-chi1": "χ₁ = σ_w² E f′(√q* Z)² at the attracting fixed point against σ_w (σ_b = 1/10), with the certified "
                  "edge-of-chaos points χ₁ = 1 (curves: Gauss–Hermite estimates).",
    "gauss-kernels": "Dual kernels k(ρ) = E f(u)f(v) at q = 1 on [−1, 1], with certified values at ρ = −1/2, 0, 1/2 "
                     "(curves: Gauss–Hermite estimates).",
    "gauss-network": "An MLP of MNIST's shape (784 → 8 × 128, standard Gaussian inputs) at initialisation: predicted q_l and |δ_l|²/|δ_8|² "
                     "(lines, certified) against a Monte Carlo estimate (mean ± sd over 10 seeds), for PyTorch's "
                     "default, He and rms-gain initialisations.",
})
# figures <name>-<kind> made for one function (gelu_math.plots.gallery kinds)
KIND_CAPTIONS = {
    "derivatives": "{name} and its first three derivatives, with the certified extrema and inflection points "
                   "of {name} marked (dotted guides where f′ and f″ vanish).",
    "relax": "{name} with its certified chebyshev lower and upper lines (the band between them shaded) on "
             "[−4, −1], [−1, 2] and [0, 3]: the lines of the table of the section Linear relaxations.",
}


def caption(stem: str) -> str:
    """What the figure ``stem`` shows."""
    if stem in CAPTIONS:
        return CAPTIONS[stem]
    name, _, kind = stem.partition("-")
    if kind in KIND_CAPTIONS:
        return KIND_CAPTIONS[kind].format(name=name)
    return f"{name}: {kind} plot." if kind else f"Graph of {name}."


def figure_blocks(name: str, figdir: str, outdir: str) -> tuple[Figure, ...]:
    """Figures for document ``name``: ``<name>.svg``, ``<name>-*.svg`` (``compare``/``grid`` for the
    matrix); LaTeX includes the PDF of the same name (``gelu_math.plots`` writes both)."""
    d = Path(figdir)
    if not d.is_dir():
        return ()
    stems = EXTRA_FIGURES.get(name, (name,))
    paths = sorted({p for s in stems for p in (*d.glob(f"{s}.svg"), *d.glob(f"{s}-*.svg"))}, key=lambda p: p.name)
    return tuple(Figure(_scoped(p.read_text(encoding="utf-8"), p.stem), Path(os.path.relpath(p, outdir)).as_posix(),
                        caption(p.stem)) for p in paths)


def _scoped(svg: str, prefix: str) -> str:
    """Prefix the SVG's ids (and references to them) so several figures can share one HTML page."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if not ids:
        return svg
    pat = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    svg = re.sub(r'\bid="(' + pat + r')"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    return re.sub(r"#(" + pat + r")\b(?=[\")\s])", lambda m: f"#{prefix}-{m.group(1)}", svg)
