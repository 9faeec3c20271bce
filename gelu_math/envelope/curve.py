"""Error curves for plots and scans: e(x) on a grid, evaluated in ball arithmetic.

These are *estimates* (a finite grid says nothing between its points); the
certified supremum is :func:`gelu_math.envelope.envelope`.  Each value is the
midpoint of an Arb ball computed at 128 bits from the exact error expression and
rounded to float64, so the curve is correct to float64 even where the naive
float formula cancels (relative error far in the tails).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
from flint import arb, fmpq

from ..certified.arbeval import compile_arb
from ..certified.balls import precision
from ..definitions.registry import resolve
from ..definitions.symbols import x
from ..errors import InputError, ParameterError
from .error import _error_function
from .spec import EnvelopeSpec, spec_of

CURVE_BITS = 128
MAX_POINTS = 200_001


@dataclass(frozen=True)
class ErrorProfile:
    """Signed error (approx − ref, or approx/ref − 1) at ``xs``; an estimate, not a certificate."""

    approximation: str
    reference: str
    metric: str
    derivative: int
    target: str
    xs: np.ndarray
    errors: np.ndarray
    spec: EnvelopeSpec | None = None


def _grid(lo: float, hi: float, n: int) -> list[fmpq]:
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_POINTS:
        raise InputError(f"n must be an integer 2..{MAX_POINTS}, got {n!r}")
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise InputError(f"need finite lo < hi, got {lo}, {hi}")
    a, b = fmpq(*float(lo).as_integer_ratio()), fmpq(*float(hi).as_integer_ratio())
    return [a + (b - a) * fmpq(i, n - 1) for i in range(n)]


def _evaluate(pieces, grid: list[fmpq]) -> np.ndarray:
    fns = [(p, compile_arb(p.expr, x)) for p in pieces.pieces]
    point_values = {sp.Rational(bp): v for bp, v in pieces.point_values if bp.is_Rational}
    out = np.empty(len(grid))
    for i, t in enumerate(grid):
        st = sp.Rational(int(t.p), int(t.q))
        fn = compile_arb(point_values[st]) if st in point_values else next(
            (f for p, f in fns if p.contains(st)), None)
        out[i] = np.nan if fn is None else _float(fn, t)  # None: a breakpoint where e is undefined (a gap)
    return out


def _float(fn, t: fmpq) -> float:
    """fn(t) to float64: precision rises until the ball pins the value (cancellation far out)."""
    for bits in (CURVE_BITS, 512, 2048, 8192):
        with precision(bits):
            b = fn(arb(t))
            if b.is_finite() and (b.is_zero() or b.rad() < abs(b.mid()) * arb(2) ** -60):
                return float(b.mid())
    return float("nan")  # no value to float64 accuracy: plotted as a gap, never as a wrong number


def error_profile(approx, reference="gelu", metric: str = "abs", derivative: int = 0, lo: float = -8.0,
                  hi: float = 8.0, n: int = 2001, params=None, ref_params=None, target: str = "gelu") -> ErrorProfile:
    """The signed error on ``n`` equally spaced points of [lo, hi] (float64 arrays).

    ``approx`` is an :class:`~.spec.EnvelopeSpec` (its domain is not used: the grid is [lo, hi])
    or the approximation of the keyword form."""
    spec = spec_of(approx, reference, metric, derivative, target, params, ref_params)
    err = _error_function(spec, False, False)
    grid = _grid(lo, hi, n)
    xs = np.array([float(t) for t in grid])
    return ErrorProfile(err.approximation.name, err.reference.name, spec.metric, spec.derivative, spec.target, xs,
                        _evaluate(err.E, grid), spec)


def sweep(approx, coefficient: str, values, target: str = "gelu", metric: str = "abs", reference="gelu",
          lo: float = -10.0, hi: float = 10.0, n: int = 4001) -> np.ndarray:
    """Estimated sup|error| on a dense grid of [lo, hi] for each value of ``coefficient``.

    An estimate for plots ("sup error vs coefficient"); :func:`~gelu_math.envelope.fit`
    certifies the optimum.  ``approx`` may be an :class:`~.spec.EnvelopeSpec` (then ``target``,
    ``metric``, ``reference`` stay at their defaults); its ``coefficient`` takes each value.
    """
    spec = spec_of(approx, reference, metric, 0, target)
    inst = resolve(spec.approximation, {})
    if coefficient not in dict(inst.params):
        a = spec.approximation
        raise ParameterError(f"{a if isinstance(a, str) else inst.name} has no coefficient {coefficient!r} "
                             f"(its parameters: {', '.join(dict(inst.params)) or 'none'})")
    grid = _grid(lo, hi, n)
    out = []
    for v in values:
        value = sp.Rational(str(v)) if not isinstance(v, sp.Expr) else v
        err = _error_function(spec.with_params({coefficient: value}), False, False)
        out.append(float(np.nanmax(np.abs(_evaluate(err.E, grid)))))
    return np.array(out)
