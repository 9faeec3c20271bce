"""Figures of the Gaussian-measure analysis: variance maps, χ₁ against σ_w, dual kernels, and the
seeds' MNIST network at initialisation (predicted against measured).

Curves are estimates for drawing — Gauss–Hermite quadrature (``NODES`` nodes, probabilists'
weights) on the derived float64 implementations of f and f′ (:mod:`gelu_math.floats.impl`); the
marked points are certified (ball midpoints): the fixed points of the variance map and the edge
of chaos from :mod:`gelu_math.gauss.criticality` (complete on their search range), kernel values
from :func:`gelu_math.gauss.kernel`, the network's predicted layers from :mod:`gelu_math.gauss.network`
(its Monte Carlo points are estimates, drawn with their spread over seeds as error bars).  Each
builder has the gallery's signature ``(names, width) -> Figure``.

Example::

    >>> fig = variance_maps_figure(("tanh",), "single")       # V(q), the identity, the fixed point
    >>> [a.get_gid() for a in fig.axes]
    ['variance-maps']
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.figure import Figure

from ..definitions.registry import get
from .figures import label
from .style import look, new_figure, style

NODES = 160
SIGMA_W2, SIGMA_B2 = 2, "1/10"  # the variance maps' weight and bias variances (He scale, a small bias)
SIGMA_B = "1/10"  # χ₁ against σ_w at this σ_b (σ_b² = 1/100)
VARIANCE_NAMES = ("gelu", "relu", "elu", "tanh")
CHI_NAMES = ("tanh", "gelu", "elu", "relu")
KERNEL_NAMES = ("relu", "gelu", "elu", "tanh")
KERNEL_MARKS = ("-1/2", "0", "1/2")
NETWORK_NAMES = ("gelu", "relu", "elu")
MARK_DIGITS = 8


@functools.lru_cache(maxsize=1)
def _nodes():
    z, w = np.polynomial.hermite_e.hermegauss(NODES)
    return z, w / np.sqrt(2 * np.pi)


@functools.lru_cache(maxsize=32)
def _impl(name: str):
    from ..floats.impl import implementation

    get(name)
    return implementation(name, 0).evaluate, implementation(name, 1).evaluate


def S_D(name: str, q: float) -> tuple[float, float]:
    """Gauss–Hermite estimates of E f(√q Z)² and E f′(√q Z)² (for drawing only)."""
    f, fp = _impl(name)
    z, w = _nodes()
    u = np.sqrt(q) * z
    return float(np.dot(w, f(u) ** 2)), float(np.dot(w, fp(u) ** 2))


def _stable_q(name: str, sw2: float, sb2: float, steps: int = 400) -> float:
    """The smallest fixed point of V, reached by iterating V from q = σ_b² (V is increasing and V >= σ_b²,
    so the iterates rise to it; nan when they grow past 10⁴: no fixed point).  From q = 1 the iteration
    missed GELU's small fixed point for σ_w > 1.5 and the curve stopped short of its certified
    edge-of-chaos mark at σ_w ≈ 1.727."""
    q = sb2
    for _ in range(steps):
        S, _ = S_D(name, q)
        new = sw2 * S + sb2
        if new > 1e4:
            return float("nan")
        if abs(new - q) <= 1e-13 * max(1.0, q):
            return new
        q = new
    return q


def variance_maps(names=VARIANCE_NAMES, ax=None, width="single", qmax: float = 3.0):
    """V(q) = σ_w² E f(√q Z)² + σ_b² on [0, qmax] with the identity line and the certified fixed points."""
    from fractions import Fraction

    from ..gauss.criticality import fixed_points

    sw2, sb2 = float(SIGMA_W2), float(Fraction(SIGMA_B2))
    with style():
        ax = ax if ax is not None else new_figure(width).add_subplot()
        qs = np.linspace(1e-3, qmax, 121)
        ax.plot(qs, qs, color="0.5", linestyle=":", linewidth=0.8, label="identity")
        for i, name in enumerate(names):
            vs = [sw2 * S_D(name, q)[0] + sb2 for q in qs]
            (ln,) = ax.plot(qs, vs, label=label(name), **look(i))
            ln.set_gid(f"curve:{name}:variance-map")
            for p in fixed_points(name, sigma_w2=SIGMA_W2, sigma_b2=SIGMA_B2, search=("1/100", str(qmax)),
                                  digits=MARK_DIGITS):
                qq = float(p["q_star"].ball.mid())
                m = ax.plot([qq], [qq], marker="o", markersize=4, linestyle="none", color=look(i)["color"])[0]
                m.set_gid(f"mark:fixed-point:{name}")
        ax.set_xlabel("$q$")
        ax.set_ylabel("$V(q)$")
        ax.set_xlim(0, qmax)
        ax.set_ylim(0, None)
        ax.set_title(f"$\\sigma_w^2 = {SIGMA_W2}$, $\\sigma_b^2 = {_tex(SIGMA_B2)}$", loc="left")
        ax.legend(loc="upper left")
        ax.set_gid("variance-maps")
    return ax


def _tex(r: str) -> str:
    a, _, b = r.partition("/")
    return f"{a}/{b}" if b else a


def chi1(names=CHI_NAMES, ax=None, width="single", lo: float = 0.5, hi: float = 3.0):
    """χ₁ = σ_w² E f′(√q* Z)² at the attracting fixed point q* of V, against σ_w (σ_b fixed), with
    χ₁ = 1 and the certified edge-of-chaos points."""
    from fractions import Fraction

    from ..errors import CertificationError
    from ..gauss.criticality import criticality

    sb2 = float(Fraction(SIGMA_B)) ** 2
    with style():
        ax = ax if ax is not None else new_figure(width).add_subplot()
        ws = np.linspace(lo, hi, 76)
        ax.axhline(1.0, color="0.5", linestyle=":", linewidth=0.8)
        for i, name in enumerate(names):
            ys = []
            for w in ws:
                q = _stable_q(name, w * w, sb2)
                ys.append(w * w * S_D(name, q)[1] if q == q else float("nan"))
            (ln,) = ax.plot(ws, ys, label=label(name), **look(i))
            ln.set_gid(f"curve:{name}:chi1")
            try:
                pts = criticality(name, sigma_b=SIGMA_B, digits=MARK_DIGITS).points
            except CertificationError:
                pts = ()
            for p in pts:
                w = float(p["sigma_w"].ball.mid())
                if lo <= w <= hi:
                    m = ax.plot([w], [1.0], marker="o", markersize=4, linestyle="none", color=look(i)["color"])[0]
                    m.set_gid(f"mark:edge-of-chaos:{name}")
        ax.set_xlabel("$\\sigma_w$")
        ax.set_ylabel("$\\chi_1$")
        ax.set_yscale("log")
        ax.set_title(f"$\\sigma_b = {_tex(SIGMA_B)}$", loc="left")
        ax.legend(loc="lower right")  # the upper left holds the curves and the χ₁ = 1 line
        ax.set_gid("chi1")
    return ax


def kernels(names=KERNEL_NAMES, ax=None, width="single"):
    """k(ρ) = E f(u) f(v), (u, v) ~ N(0, [[1, ρ], [ρ, 1]]), on [−1, 1], with certified values marked."""
    from ..errors import CertificationError, UnsupportedError
    from ..gauss.kernel import kernel

    z, w = _nodes()
    with style():
        ax = ax if ax is not None else new_figure(width).add_subplot()
        rhos = np.linspace(-1.0, 1.0, 81)
        for i, name in enumerate(names):
            f, _ = _impl(name)
            fz = f(z)
            ys = []
            for r in rhos:  # E_t[f(t) E_w f(ρt + √(1−ρ²) w)] on the tensor grid
                inner = f(r * z[:, None] + np.sqrt(max(0.0, 1 - r * r)) * z[None, :]) @ w
                ys.append(float(np.dot(w, fz * inner)))
            (ln,) = ax.plot(rhos, ys, label=label(name), **look(i))
            ln.set_gid(f"curve:{name}:kernel")
            for r in KERNEL_MARKS:
                try:
                    k = kernel(name, rho=r, digits=MARK_DIGITS).value.value
                except (CertificationError, UnsupportedError):
                    continue
                from fractions import Fraction

                m = ax.plot([float(Fraction(r))], [float(k.ball.mid())], marker="o", markersize=4, linestyle="none",
                            color=look(i)["color"])[0]
                m.set_gid(f"mark:kernel:{name}")
        ax.set_xlabel("$\\rho$")
        ax.set_ylabel("$k(\\rho)$")
        ax.set_xlim(-1, 1)
        ax.set_title("$q = 1$", loc="left")
        ax.legend(loc="upper left")
        ax.set_gid("kernels")
    return ax


def network_figure(names=NETWORK_NAMES, width="double", seeds=None) -> Figure:
    """The seeds' MNIST network: per layer, predicted q_l and |δ_l|²/|δ_L|² (lines, certified) and the
    Monte Carlo estimate (points with the spread over seeds), one column per initialisation."""
    from ..gauss.network import INITS, SEEDS, network

    seeds = SEEDS if seeds is None else seeds
    with style():
        fig = new_figure(width, 0.62 if width == "double" else 1.6)
        axes = fig.subplots(2, len(INITS), squeeze=False, sharex=True)
        for j, key in enumerate(INITS):
            for i, name in enumerate(names):
                n = network(name, init=key, seeds=seeds)
                ls = np.array([L.layer for L in n.layers], dtype=float)
                for row, (pred, mc, sd) in enumerate((("q", "q_mc", "q_sd"), ("ratio", "ratio_mc", "ratio_sd"))):
                    ax = axes[row][j]
                    ys = [float(getattr(L, pred).ball.mid()) for L in n.layers]
                    (ln,) = ax.plot(ls, ys, label=label(name), **look(i))
                    ln.set_gid(f"curve:{name}:{key}:{pred}")
                    eb = ax.errorbar(ls + 0.12 * (i - 1), [getattr(L, mc) for L in n.layers],
                                     yerr=[getattr(L, sd) for L in n.layers], fmt="o", markersize=2.5,
                                     color=look(i)["color"], elinewidth=0.8, capsize=1.5)
                    eb[0].set_gid(f"mark:monte-carlo:{name}:{key}:{pred}")
            axes[0][j].set_title(INITS[key].title, loc="left", fontsize="small")
            axes[0][j].set_yscale("log")
            axes[1][j].set_yscale("log")
            axes[1][j].set_xlabel("layer $l$")
        axes[0][0].set_ylabel("$q_l$")
        axes[1][0].set_ylabel("$|\\delta_l|^2/|\\delta_8|^2$")
        axes[0][0].legend(loc="lower left", fontsize="x-small")
    return fig


def _figure(draw, names, default, width, aspect=0.75) -> Figure:
    for n in names:
        get(n)
    with style():
        fig = new_figure(width, aspect)
        draw(tuple(names) or default, ax=fig.add_subplot())
    return fig


def variance_maps_figure(names=(), width="single") -> Figure:
    return _figure(variance_maps, names, VARIANCE_NAMES, width)


def chi1_figure(names=(), width="single") -> Figure:
    return _figure(chi1, names, CHI_NAMES, width)


def kernels_figure(names=(), width="single") -> Figure:
    return _figure(kernels, names, KERNEL_NAMES, width)


def network_builder(names=(), width="double") -> Figure:
    for n in names:
        get(n)
    return network_figure(tuple(names) or NETWORK_NAMES, width)
