"""Curve data for the figures, from the exact definitions; marks from the certified facts.

:func:`curve` samples f^(k) on a grid: f^(k) is the exact SymPy derivative of each analytic
piece of the registered definition (:mod:`gelu_math.analysis`), evaluated in Arb ball
arithmetic (:mod:`gelu_math.certified.arbeval`) at 128 bits and more until the ball is
narrower than 1e-12 relative; the plotted float is the ball's midpoint.  No formula is retyped
here.  Each piece is drawn on its closed interval: where neighbouring pieces meet with the same
value the line continues, where f^(k) jumps (ReLU′ at 0) the line breaks (a NaN in the data).

:func:`marks` returns the stationary and inflection points stated by
:func:`gelu_math.analyze` (certified balls; the plot uses their midpoints).

Example::

    >>> from gelu_math.definitions import get
    >>> c = curve(get("gelu"), order=1, lo=-4, hi=4, n=401)
    >>> m = marks(get("gelu"))      # minimum at x = -0.75179152469356..., inflections ±√2
    >>> [round(p.xy[0], 6) for p in m if p.kind == "minimum"]
    [-0.751792]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp
from flint import arb

from ..analysis.pieces import Pieces, decompose
from ..certified.arbeval import compile_arb
from ..certified.balls import precision
from ..definitions.registry import Instance, resolve
from ..definitions.symbols import x
from ..engine import analyze
from ..errors import CertificationError
from ..facts import Number

PRECISIONS = (128, 256, 512, 1024)  # bits, tried in turn until the ball is tight
REL_TOL = 1e-12  # ball radius / max(1, |mid|) accepted for a plotted value (floats keep ~1e-16)
JOIN_TOL = 1e-9  # neighbouring pieces whose values at the breakpoint agree this well are joined


def instance(name: str | Instance, params: dict | None = None) -> Instance:
    return resolve(name, params)


@functools.lru_cache(maxsize=512)
def derivative_pieces(expr: sp.Expr, order: int) -> Pieces:
    """The order-th derivative of ``expr``, piece by piece (exact; not simplified — ball
    evaluation does not need it, and simplifying all 22 definitions takes seconds)."""
    p = decompose(expr)
    return p if order == 0 else p.map(lambda e: sp.diff(e, x, order))


@dataclass(frozen=True)
class Curve:
    """Sampled f^(order): ``xs``, ``ys`` float arrays; NaN in ``ys`` separates pieces at a jump."""

    xs: np.ndarray
    ys: np.ndarray


def _point(t) -> arb:
    """Ball for a grid float (exact) or an exact SymPy breakpoint (at the current precision)."""
    if isinstance(t, float):
        return arb(t)
    return compile_arb(sp.sympify(t))(arb(0))


def evaluate(expr: sp.Expr, points: list) -> np.ndarray:
    """Midpoints of Arb balls of ``expr`` (one variable) at ``points`` (floats or exact SymPy
    numbers), each ball narrower than REL_TOL·max(1, |mid|)."""
    fn = compile_arb(expr, x)
    out = np.full(len(points), np.nan)
    todo = list(range(len(points)))
    for bits in PRECISIONS:
        if not todo:
            break
        left = []
        with precision(bits):
            for i in todo:
                y = fn(_point(points[i]))
                if y.is_finite() and float(y.rad()) <= REL_TOL * max(1.0, abs(float(y.mid()))):
                    out[i] = float(y.mid())
                else:
                    left.append(i)
        todo = left
    if todo:
        raise CertificationError(f"could not evaluate {expr} at x = {points[todo[0]]} to plotting accuracy")
    return out


@functools.lru_cache(maxsize=512)
def _curve(inst: Instance, order: int, lo: float, hi: float, n: int) -> Curve:
    pieces = derivative_pieces(inst.expr, order)
    grid = np.linspace(lo, hi, n)
    xs: list[float] = []
    ys: list[float] = []
    for piece in pieces.pieces:
        a = -np.inf if piece.lo == -sp.oo else float(piece.lo)
        b = np.inf if piece.hi == sp.oo else float(piece.hi)
        if b < lo or a > hi:
            continue
        # the exact breakpoints themselves plus the grid points strictly inside the piece
        pts: list = [float(t) for t in grid if a + 1e-12 < t < b - 1e-12]
        if np.isfinite(a) and a >= lo:
            pts.insert(0, piece.lo)
        if np.isfinite(b) and b <= hi:
            pts.append(piece.hi)
        if not pts:
            continue
        vals = evaluate(piece.expr, pts)
        px = [p if isinstance(p, float) else float(sp.N(p, 20)) for p in pts]
        if xs and isinstance(pts[0], sp.Basic) and xs[-1] == px[0]:
            if abs(ys[-1] - vals[0]) <= JOIN_TOL * max(1.0, abs(vals[0])):
                px, vals = px[1:], vals[1:]  # continuous here: one line through the breakpoint
            else:
                xs.append(px[0])
                ys.append(np.nan)  # a jump: break the line
        xs.extend(px)
        ys.extend(vals)
    arr_x, arr_y = np.array(xs), np.array(ys)
    arr_x.flags.writeable = arr_y.flags.writeable = False  # cached: shared between callers
    return Curve(arr_x, arr_y)


def curve(inst: Instance, order: int = 0, lo: float = -4.0, hi: float = 4.0, n: int = 401) -> Curve:
    """f^(order) of ``inst`` sampled on ``n`` equally spaced points of [lo, hi] plus the
    breakpoints (see the module docstring)."""
    return _curve(inst, int(order), float(lo), float(hi), int(n))


@dataclass(frozen=True)
class Mark:
    """A certified point to mark: kind ("minimum", "maximum", "neither", "inflection"), its
    location and value as stated by the analysis (Numbers), and their midpoints for drawing."""

    kind: str
    x: Number
    value: Number

    @property
    def xy(self) -> tuple[float, float]:
        return float(self.x.ball.mid()), float(self.value.ball.mid())


@functools.lru_cache(maxsize=64)
def marks(inst: Instance, digits: int = 20) -> tuple[Mark, ...]:
    """Isolated stationary points and inflection points of ``inst`` from the certified facts
    (constant stretches are not marked; a part the analysis could not certify is left out)."""
    a = analyze(inst, digits=digits, order=1, parts=("stationary_points", "inflection_points"))
    out = []
    if "stationary_points" in a.facts:
        out += [Mark(d["kind"], d["x"], d["value"]) for d in a.facts["stationary_points"].value if "x" in d]
    if "inflection_points" in a.facts:
        out += [Mark("inflection", d["x"], d["value"]) for d in a.facts["inflection_points"].value]
    return tuple(out)
