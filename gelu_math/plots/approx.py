"""Figures of the approximation errors: error envelopes and sup error vs coefficient.

The curves are the envelope API's estimates (:func:`gelu_math.envelope.error_profile`,
:func:`gelu_math.envelope.sweep`: exact error expressions evaluated in Arb balls on a grid);
the marked points are certified: the maximisers and the supremum from
:func:`gelu_math.envelope.envelope` over ℝ (ball midpoints), the published and optimal
coefficients from :func:`gelu_math.envelope.fit`.

Example::

    >>> ax = error_envelope(("gelu_tanh", "gelu_sigmoid"), metric="abs", derivative=1)
    >>> ax = sup_vs_coefficient("gelu_tanh")      # doctest: +SKIP
    >>> # a, with a = 0.044715 and the optimum marked: two certified fits, ~10 s; the committed figure
    >>> # "sweeps" draws it, and tests/test_plots.py regenerates that figure and compares it byte for byte
"""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..definitions.registry import approximations, get
from ..envelope import EnvelopeSpec, envelope, error_profile, fit, sweep
from ..errors import CertificationError, InputError, SymbolicTimeout, UnsupportedError
from ..facts import Number
from .curves import instance, marks
from .figures import label
from .style import look, new_figure, style

APPROXIMATIONS = tuple(name for name, _ in approximations())  # Activation.fitted
ENVELOPE_DIGITS = 10  # plenty for a plotted float; the envelope's balls are certified to this
# coefficient swept for each form, and the plotted range (exact decimals)
SWEEPS = {"gelu_tanh": ("a", "0.040", "0.049"), "gelu_sigmoid": ("k", "1.60", "1.90")}
SWEEP_POINTS = 31
SWEEP_GRID = (-6.0, 6.0, 601)  # x grid of the estimated sup (the maximisers lie within ±3)


def sci(v: float, digits: int = 4) -> str:
    """Mathtext scientific notation: 4.732\\times10^{-4}."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    e = math.floor(math.log10(abs(v)))
    m = v / 10**e
    if round(abs(m), digits - 1) >= 10:
        m, e = m / 10, e + 1
    if -2 <= e <= 2:
        return f"{v:.{max(digits - 1 - e, 0)}f}"
    return f"{m:.{digits - 1}f}\\times 10^{{{e}}}"


def certified_envelope(name, metric: str = "abs", derivative: int = 0):
    """(Envelope, "") or (None, reason) when it cannot be certified; ``name`` is an
    :class:`~gelu_math.envelope.EnvelopeSpec` or an approximation (against GELU over ℝ, with
    ``metric`` and ``derivative``).  Memoised: the certification takes seconds."""
    return _certified(name if isinstance(name, EnvelopeSpec) else EnvelopeSpec(name, metric=metric,
                                                                                derivative=derivative))


@functools.lru_cache(maxsize=64)
def _certified(spec: EnvelopeSpec):
    try:
        return envelope(spec, digits=ENVELOPE_DIGITS), ""
    except (CertificationError, UnsupportedError, SymbolicTimeout) as exc:
        return None, str(exc)


@functools.lru_cache(maxsize=64)
def _profile(spec: EnvelopeSpec, lo, hi, n):
    p = error_profile(spec, lo=lo, hi=hi, n=n)
    return p.xs, np.abs(p.errors)


def error_label(metric: str, derivative: int) -> str:
    prime = ("", "′", "″", "‴", "^{(4)}")[derivative]
    if metric == "abs":
        return f"$|A{prime}(x) - \\mathrm{{GELU}}{prime}(x)|$"
    return f"$|A{prime}(x)/\\mathrm{{GELU}}{prime}(x) - 1|$"


def error_envelope(names=APPROXIMATIONS, metric: str = "abs", derivative: int = 0, lo: float = -6.0,
                   hi: float = 6.0, n: int = 1201, certify: bool = True, floor: float = 1e-9,
                   ax: Axes | None = None, width="single") -> Axes:
    """|error| of each approximation A against GELU on a log scale (``metric`` "abs": A − GELU,
    "rel": A/GELU − 1, of the ``derivative``-th derivative), with the certified maximisers over ℝ
    marked at the certified supremum (``certify``; skipped where the envelope cannot be
    certified — the legend then says so).  The relative error of f′ (f″) has poles where GELU′
    (GELU″) vanishes; those points, from GELU's certified facts, are drawn as vertical lines.
    """
    with style():
        ax = new_figure(width).add_subplot() if ax is None else ax
        for i, name in enumerate(names):
            get(name)
            spec = EnvelopeSpec(name, metric=metric, derivative=derivative)
            xs, ys = _profile(spec, float(lo), float(hi), int(n))
            text = label(name)
            env = None
            if certify:
                env, _ = certified_envelope(spec)
                if env is None:
                    text += " (sup not certified)"
                elif env.unbounded:
                    text += " (unbounded on ℝ)"
            (line,) = ax.plot(xs, ys, label=text, **look(i))
            line.set_gid(f"error:{name}:{metric}:{derivative}")
            if env is not None and env.sup is not None:
                pts = [float(a.ball.mid()) for a in env.argmax]
                pts = [p for p in pts if lo <= p <= hi]
                if pts and env.attained:
                    sup = float(env.sup.ball.mid())
                    (m,) = ax.plot(pts, [sup] * len(pts), linestyle="none", marker="o", markersize=3.5,
                                   color=look(i)["color"], markeredgecolor="black", markeredgewidth=0.5,
                                   zorder=5, label=f"sup ${sci(sup)}$")
                    m.set_gid(f"max:{name}:{metric}:{derivative}")
        if metric == "rel" and derivative in (1, 2):
            _poles(ax, derivative, lo, hi)
        ax.set_yscale("log", nonpositive="mask")
        ax.set_ylim(bottom=floor)  # the error vanishes at x = 0 (and dips at sign changes)
        ax.set_xlim(lo, hi)
        ax.set_xlabel("$x$")
        ax.set_ylabel(error_label(metric, derivative))
        ax.legend(loc="lower center" if metric == "abs" else "upper right", ncols=2 if metric == "abs" else 1,
                  fontsize="small")
    return ax


def _poles(ax: Axes, derivative: int, lo: float, hi: float) -> None:
    kinds = ("minimum", "maximum") if derivative == 1 else ("inflection",)
    xs = [m.xy[0] for m in marks(instance("gelu")) if m.kind in kinds and lo <= m.xy[0] <= hi]
    for i, x0 in enumerate(xs):
        line = ax.axvline(x0, color="0.4", linewidth=0.6, linestyle=(0, (4, 2)), zorder=1,
                          label=f"$\\mathrm{{GELU}}{'′' if derivative == 1 else '″'} = 0$" if i == 0 else None)
        line.set_gid(f"pole:{derivative}")


def envelopes_figure(names=APPROXIMATIONS, width="double") -> Figure:
    """Four panels: absolute error of f and f′ (certified maximisers over ℝ marked), relative
    error of f and f′ (curves only: far in the left tail the relative error of these forms tends
    to a constant or grows without bound, so there is no maximiser to mark, and the envelope
    does not certify these tails within a plot's time)."""
    with style():
        double = width == "double"
        fig = new_figure(width, 0.75 if double else 2.6)
        axes = fig.subplots(2, 2) if double else fig.subplots(4, 1)
        panels = (("abs", 0, "(a) absolute error"), ("abs", 1, "(b) absolute error, derivative"),
                  ("rel", 0, "(c) relative error"), ("rel", 1, "(d) relative error, derivative"))
        for ax, (metric, k, title) in zip(np.ravel(axes), panels):
            error_envelope(names, metric, k, certify=metric == "abs", ax=ax)
            ax.set_title(title, loc="left")
    return fig


@functools.lru_cache(maxsize=16)
def certified_fit(name: str, coefficient: str, target: str = "gelu", metric: str = "abs"):
    """(:func:`gelu_math.envelope.fit`, "") or (None, reason) when it cannot be certified
    (memoised: certifying an optimum takes 10-30 s)."""
    try:
        return fit(name, coefficient, target=target, metric=metric, digits=ENVELOPE_DIGITS), ""
    except (CertificationError, UnsupportedError, SymbolicTimeout) as exc:
        return None, str(exc)


@functools.lru_cache(maxsize=16)
def _sweep(name, coefficient, values, target, metric):
    lo, hi, n = SWEEP_GRID
    return sweep(name, coefficient, [sp.Rational(v) for v in values], target=target, metric=metric, lo=lo, hi=hi,
                 n=n)


def sweep_values(lo: str, hi: str, count: int, extra=()) -> tuple[str, ...]:
    """``count`` equally spaced exact decimals in [lo, hi], plus ``extra`` exact values (sorted)."""
    a, b = sp.Rational(lo), sp.Rational(hi)
    vals = {a + (b - a) * sp.Rational(i, count - 1) for i in range(count)} | {sp.Rational(e) for e in extra}
    return tuple(str(v) for v in sorted(vals))


def sup_vs_coefficient(name: str = "gelu_tanh", coefficient: str | None = None, lo: str | None = None,
                       hi: str | None = None, target: str = "gelu", metric: str = "abs", points: int = SWEEP_POINTS,
                       ax: Axes | None = None, width="single") -> Axes:
    """Estimated sup_x |A_c(x) − GELU(x)| as a function of the coefficient c of the tanh (a) or
    sigmoid (k) form (dense-grid estimate, log scale), with the published value and the certified
    optimum of :func:`gelu_math.envelope.fit` marked at their certified sup errors.  When the fit
    cannot be certified the legend says so and only the published value is marked (with its
    certified envelope, when that succeeds)."""
    if name not in SWEEPS and coefficient is None:
        raise InputError(f"no coefficient sweep defined for {name!r}; forms: {', '.join(SWEEPS)}")
    c, dlo, dhi = SWEEPS.get(name, (coefficient, lo, hi))
    coefficient, lo, hi = coefficient or c, lo or dlo, hi or dhi
    res, _ = certified_fit(name, coefficient, target, metric)
    published = Number(dict(get(name).params)[coefficient])  # the registry default is the published value
    marked = []  # (gid, coefficient Number, its float, certified sup Number, marker style)
    if res is not None:
        marked = [("published", published, float(published.exact), res.published_envelope.sup,
                   dict(marker="s", markerfacecolor="white")),
                  ("optimal", res.optimum, float(res.optimum.ball.mid()), res.sup_error,
                   dict(marker="o", markerfacecolor="black"))]
    elif target == "gelu" and metric == "abs":  # no certified optimum: still the published envelope
        env, _ = certified_envelope(name, "abs", 0)
        if env is not None and env.sup is not None:
            marked = [("published", published, float(published.exact), env.sup,
                       dict(marker="s", markerfacecolor="white"))]
    extra = [published.exact] + ([res.estimate] if res is not None else [])  # curve passes through these
    values = sweep_values(lo, hi, points, [e for e in extra if sp.Rational(lo) <= e <= sp.Rational(hi)])
    sups = _sweep(name, coefficient, values, target, metric)
    with style():
        ax = new_figure(width).add_subplot() if ax is None else ax
        (line,) = ax.plot([float(sp.Rational(v)) for v in values], sups, label="sup error (grid estimate)",
                          **look(0))
        line.set_gid(f"sweep:{name}:{coefficient}")
        for gid, value, cx, sup, mark_style in marked:
            cy = float(sup.ball.mid())
            (m,) = ax.plot([cx], [cy], linestyle="none", color="black", zorder=5, **mark_style,
                           label=f"{gid} ${coefficient} {_coef_text(value)}$, sup ${sci(cy)}$")
            m.set_gid(f"{gid}:{name}:{coefficient}")
            ax.axvline(cx, color="0.5", linewidth=0.5, linestyle=(0, (1, 1.5)), zorder=1)
        if res is None:
            ax.plot([], [], linestyle="none", label="optimum not certified")
        ax.set_yscale("log")
        ax.set_xlabel(f"${coefficient}$")
        ax.set_ylabel(f"$\\sup_x\\,|\\mathrm{{GELU}}_{{{coefficient}}}(x) - \\mathrm{{GELU}}(x)|$"
                      if target == "gelu" else "sup error")
        ax.set_title(label(name), loc="left")
        ax.legend(loc="upper center", fontsize="small")
    return ax


def _coef_text(n) -> str:
    """'= 0.044715' for an exact decimal, '\\approx 0.0443829' for a ball."""
    if n.exact is not None and n.exact.is_Rational:
        return "= " + (str(n.exact) if n.exact.q == 1 else str(sp.Float(n.exact, 15)).rstrip("0"))
    return f"\\approx {float(n.ball.mid()):.6g}"


def sweeps_figure(names=tuple(SWEEPS), width="double") -> Figure:
    """One panel per form (tanh: a; sigmoid: k), side by side (double) or stacked (single)."""
    with style():
        double = width == "double"
        fig = new_figure(width, 0.4 if double else 1.5)
        axes = fig.subplots(1, len(names)) if double else fig.subplots(len(names), 1)
        for ax, name, tag in zip(np.ravel(axes), names, "abcdefgh"):
            sup_vs_coefficient(name, ax=ax)
            ax.set_title(f"({tag}) {label(name)}", loc="left")
    return fig
