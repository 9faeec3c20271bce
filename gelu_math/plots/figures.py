"""The figure functions.  Each draws into ``ax`` (a new styled figure when ``ax`` is None) and
returns the Axes; the multi-panel figures (``*_figure``, :func:`grid`) return the Figure.

Curves come from :mod:`.curves` (exact definitions evaluated in Arb balls), marked points from
the certified facts of :func:`gelu_math.analyze`.  Every curve and mark carries a ``gid``
(``curve:NAME:ORDER``, ``mark:KIND``) so tests and users can find it.
"""

from __future__ import annotations

import math

import sympy as sp
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser

from ..definitions.registry import Instance, names as registered_names
from ..render.tex import latex
from .curves import Mark, curve, instance, marks
from .style import look, new_figure, style

COMPARE = ("gelu", "relu", "elu", "silu")
SIGMAS = ("1", "1/2", "1/4", "1/10")

BLACK = 6  # index of black in the palette (reference curves)


def label(name: str) -> str:
    """The function's name in legends (``Activation.display``); a name not registered as it is."""
    from ..definitions.registry import REGISTRY
    from ..errors import UnknownFunctionError

    try:
        return REGISTRY.get(name).display
    except UnknownFunctionError:  # an unregistered curve name labels itself
        return name


def order_label(order: int, f: str = "f") -> str:
    """Mathtext for the order-th derivative: $f$, $f′$, $f″$, $f‴$, $f^{(4)}$ (Unicode primes:
    STIX draws them at the right height, unlike mathtext's ASCII quote)."""
    return f"${f}{('', '′', '″', '‴')[order]}$" if order <= 3 else f"${f}^{{({order})}}$"


def _ax(ax: Axes | None, width="single", aspect=0.75) -> Axes:
    return new_figure(width, aspect).add_subplot() if ax is None else ax


def _plot(ax: Axes, inst: Instance, order: int, i: int, text: str, lo: float, hi: float, n: int = 401, **kw):
    c = curve(inst, order, lo, hi, n)
    (line,) = ax.plot(c.xs, c.ys, label=text, **{**look(i), **kw})
    line.set_gid(f"curve:{inst.name}:{order}")
    return line


def compare(names=COMPARE, order: int = 0, lo: float = -4.0, hi: float = 3.0, ax: Axes | None = None,
            width="single") -> Axes:
    """The classic comparison: the ``order``-th derivative of each named activation on [lo, hi].

    >>> ax = compare(("gelu", "relu", "elu", "silu"), order=1)   # their first derivatives
    >>> len(ax.get_legend().get_texts())
    4
    """
    with style():
        ax = _ax(ax, width)
        for i, name in enumerate(names):
            _plot(ax, instance(name), order, i, label(name), lo, hi)
        ax.set_xlabel("$x$")
        ax.set_ylabel(f"${order_label(order)[1:-1]}(x)$")
        ax.set_xlim(lo, hi)
        ax.legend(loc="upper left")
    return ax


def compare_figure(names=COMPARE, width="double") -> Figure:
    """Two panels: (a) the activations, (b) their first derivatives (side by side at double
    width, stacked at single width)."""
    with style():
        double = width == "double"
        fig = new_figure(width, 0.4 if double else 1.45)
        axes = fig.subplots(1, 2) if double else fig.subplots(2, 1)
        for ax, order, title in zip(axes, (0, 1), ("(a) activations", "(b) first derivatives")):
            compare(names, order, ax=ax)
            ax.set_title(title, loc="left")
    return fig


def _number_text(n) -> str:
    """Mathtext for a certified Number: its exact form when short and renderable, else 4 digits."""
    if n.exact is not None:
        text = latex(n.exact)
        if len(text) <= 24:
            try:
                MathTextParser("path").parse(f"${text}$")
                return text
            except ValueError:
                pass
    return f"\\approx {{{float(n.ball.mid()):.4f}}}"  # braces: a unary minus


_MARK_WORDS = {"minimum": ("minimum", "minima"), "maximum": ("maximum", "maxima"),
               "neither": ("stationary point", "stationary points"),
               "inflection": ("inflection point", "inflection points")}


MAX_LISTED = 2  # marks of one kind whose locations the legend spells out; more are only counted


def _mark_label(kind: str, ms: list[Mark]) -> str:
    """Legend text for the marks of one kind: their locations, or their number when there are more than
    MAX_LISTED (a legend listing every point of a function with many extrema grows wider than the
    figure, and the layout collapses)."""
    word = _MARK_WORDS[kind][len(ms) > 1]
    if len(ms) > MAX_LISTED:
        return f"{len(ms)} {word}"
    xs = [_number_text(m.x) for m in ms]
    (a, _), (b, _) = (ms[0].xy, ms[-1].xy)
    if len(ms) == 2 and b > 0 and abs(a + b) <= 1e-12 * b:  # a symmetric pair: x = ±t
        t = _number_text(ms[1].x)
        where = "x \\approx \\pm " + t[len("\\approx "):] if t.startswith("\\approx") else "x = \\pm " + t
    else:
        where = ",\\ ".join("x " + t if t.startswith("\\approx") else "x = " + t for t in xs)
    return f"{word} ${where}$"


MARK_STYLE = {
    "minimum": dict(marker="o", color="black", markerfacecolor="black"),
    "maximum": dict(marker="^", color="black", markerfacecolor="black"),
    "neither": dict(marker="D", color="black", markerfacecolor="white"),
    "inflection": dict(marker="s", color="black", markerfacecolor="white"),
}


def draw_marks(ax: Axes, inst: Instance, lo: float, hi: float, guides: bool = True) -> list:
    """Mark the certified stationary and inflection points of f on [lo, hi]; returns the lines."""
    out = []
    ms = [m for m in marks(inst) if lo <= m.xy[0] <= hi]
    for kind in ("minimum", "maximum", "neither", "inflection"):
        group = [m for m in ms if m.kind == kind]
        if not group:
            continue
        xs, ys = zip(*(m.xy for m in group))
        (line,) = ax.plot(xs, ys, linestyle="none", zorder=5, label=_mark_label(kind, group), **MARK_STYLE[kind])
        line.set_gid(f"mark:{kind}")
        out.append(line)
        if guides:
            for x0 in xs:
                ax.axvline(x0, color="0.5", linewidth=0.5, linestyle=(0, (1, 1.5)), zorder=1)
    return out


def derivatives(name: str | Instance = "gelu", order: int = 3, params: dict | None = None, lo: float = -4.0,
                hi: float = 3.0, ax: Axes | None = None, width="single") -> Axes:
    """f and its first ``order`` derivatives, with the certified extrema and inflection points of
    f marked (dotted guides: where f′ and f″ vanish).

    >>> ax = derivatives("gelu")   # minimum at x ≈ -0.7518, inflection points at x = ±√2
    >>> tuple(float(v) for v in ax.get_xlim())
    (-4.0, 3.0)
    """
    inst = instance(name, params)
    with style():
        ax = _ax(ax, width, 0.8)
        for k in range(order + 1):
            _plot(ax, inst, k, k, order_label(k), lo, hi)
        draw_marks(ax, inst, lo, hi)
        ax.axhline(0, color="0.3", linewidth=0.5, zorder=1)
        ax.set_xlim(lo, hi)
        ax.set_xlabel("$x$")
        ax.set_title(label(inst.name) + (" " + _params_text(inst) if not inst.is_default else ""), loc="left")
        ax.legend(loc="upper left", ncols=2)
    return ax


def _params_text(inst: Instance) -> str:
    return "(" + ", ".join(f"{k} = {v}" for k, v in inst.params) + ")"


def family(sigmas=SIGMAS, mu="0", lo: float = -2.0, hi: float = 2.0, ax: Axes | None = None,
           width="single") -> Axes:
    """GELU(μ, σ)(x) = x·Φ((x − μ)/σ) for several σ, with ReLU: as σ → 0 (μ = 0) GELU tends to
    ReLU.  For μ = 0, sup_x |GELU_σ − ReLU| = σ·|min GELU| (both differences are
    |x|·Φ(−|x|/σ) = σ·g(|x|/σ), g(t) = tΦ(−t), and max g = −min_u uΦ(u)), shown in the legend
    title with the certified minimum.
    """
    with style():
        ax = _ax(ax, width)
        for i, s in enumerate(sigmas):
            inst = instance("gelu", {"mu": mu, "sigma": s})
            _plot(ax, inst, 0, i, f"$\\sigma = {sp.sympify(inst.params[1][1])}$", lo, hi)
        _plot(ax, instance("relu"), 0, BLACK, "ReLU", lo, hi, linestyle=(0, (1, 1)))
        title = None
        if sp.sympify(mu) == 0:
            depth = -marks(instance("gelu"))[0].xy[1]  # |min GELU| from the certified fact
            title = f"$\\sup\\,|\\mathrm{{GELU}}_\\sigma - \\mathrm{{ReLU}}| = {depth:.4f}\\,\\sigma$"
        ax.set_xlim(lo, hi)
        ax.set_xlabel("$x$")
        ax.set_ylabel("$x\\,\\Phi((x-\\mu)/\\sigma)$")
        leg = ax.legend(loc="upper left", title=title)
        if title:
            leg.get_title().set_fontsize("small")
    return ax


def grid(names=None, width="double", lo: float = -4.0, hi: float = 4.0) -> Figure:
    """Every registered activation (or ``names``) in its own panel, with its first derivative.
    Returns the Figure."""
    names = list(registered_names() if names is None else names)
    insts = [instance(n) for n in names]
    cols = 5 if width == "double" else 3
    rows = math.ceil(len(insts) / cols)
    with style():
        fig = new_figure(width, 0.2 * rows + 0.05 if width == "double" else 0.34 * rows + 0.05)
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        for ax, inst in zip(axes, insts):
            _plot(ax, inst, 0, 0, order_label(0), lo, hi, n=241)
            _plot(ax, inst, 1, 1, order_label(1), lo, hi, n=241)
            ax.set_title(label(inst.name), fontsize="medium", pad=2)
            ax.set_xlim(lo, hi)
            ax.tick_params(labelsize="small", pad=1)
        for ax in axes[len(insts):]:
            ax.set_axis_off()
        handles, texts = axes[0].get_legend_handles_labels()
        fig.legend(handles, texts, loc="outside lower center", ncols=2)
    return fig
