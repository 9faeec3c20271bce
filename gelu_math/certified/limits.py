"""Limits at ±∞ from SymPy, guarded by ball evaluation far out.

No finite computation proves a limit, but a wrong one can be caught: the value
SymPy returns must agree with the function at |x| = 16, 64, 256 (the error
shrinking, and small at 256; for ±∞, growing in the right direction).  When the
first route disagrees, a second route (the expanded f(±t), t → +∞) is tried; if
that disagrees too, the limit is refused with UnsupportedError rather than stated.
"""

from __future__ import annotations

import functools

import sympy as sp
from flint import arb

from ..analysis import calculus
from ..definitions.symbols import x
from ..errors import UnsupportedError
from .arbeval import compile_arb
from .balls import precision

POINTS = (16, 64, 256)


def _values(expr: sp.Expr, side: int) -> list[float] | None:
    try:
        f = compile_arb(expr, x)
    except UnsupportedError:
        return None
    out = []
    with precision(256):
        for t in POINTS:
            b = f(arb(side * t))
            if not b.is_finite():
                return None
            out.append(float(b.mid()))
    return out


def consistent(expr: sp.Expr, side: int, value: sp.Expr) -> bool:
    """Whether ``value`` agrees with ball evaluation of ``expr`` far out (no evidence: True)."""
    if expr.free_symbols - {x} or value.free_symbols:
        return True  # symbolic parameters: nothing to evaluate
    f = _values(expr, side)
    if f is None:
        return True
    if value in (sp.oo, -sp.oo):
        s = 1 if value == sp.oo else -1
        return s * f[2] > s * f[1] and s * f[2] > 0
    L = float(value)
    return abs(f[2] - L) <= abs(f[0] - L) + 1e-30 and abs(f[2] - L) < 0.1 * max(1.0, abs(L))


@functools.lru_cache(maxsize=1024)
def checked_limit(expr: sp.Expr, point: sp.Expr, direction: str = "+") -> sp.Expr:
    value = calculus.limit(expr, point, direction)
    if point not in (sp.oo, -sp.oo):
        return value
    side = 1 if point == sp.oo else -1
    if consistent(expr, side, value):
        return value
    try:
        alt = calculus.limit_mirrored(expr, side)
    except UnsupportedError:
        alt = None
    if alt is not None and consistent(expr, side, alt):
        return alt
    raise UnsupportedError(f"SymPy's limit {value} of {expr} at {point} is contradicted by evaluation far out")
