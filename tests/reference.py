"""Independent reference evaluation for the tests: SymPy -> mpmath (a code path separate
from gelu_math's Arb compiler), and numbers from decimal strings."""

from __future__ import annotations

from decimal import Decimal

import mpmath
import sympy as sp

from gelu_math.definitions.symbols import x


def mp_function(expr: sp.Expr):
    """f(t) in mpmath for one analytic SymPy expression (our own definitions only)."""
    return sp.lambdify(x, expr, modules="mpmath")


def piece_function(pieces, index: int):
    return mp_function(pieces.pieces[index].expr)


def piece_at(pieces, t: float) -> int:
    for i, p in enumerate(pieces.pieces):
        if (p.lo == -sp.oo or float(p.lo) < t) and (p.hi == sp.oo or t < float(p.hi)):
            return i
    raise ValueError(f"{t} is a breakpoint")


def ball(obj):
    """(mid, rad) as mpmath numbers from a schema number object."""
    return mpmath.mpf(obj["mid"]), mpmath.mpf(obj["rad"])


def in_ball(value, obj, slack=0) -> bool:
    mid, rad = ball(obj)
    return abs(mpmath.mpf(value) - mid) <= rad + slack


def samples(pieces, count: int = 9, span: float = 6.0):
    """Points strictly inside every piece (and on both sides of each breakpoint)."""
    pts = set()
    for i in range(count):
        pts.add(-span + 2 * span * (i + 0.37) / count)
    for bp in pieces.breakpoints:
        b = float(bp)
        pts.update({b - 1e-3, b + 1e-3, b - 0.4, b + 0.4})
    bps = {float(b) for b in pieces.breakpoints}
    return sorted(p for p in pts if all(abs(p - b) > 1e-9 for b in bps))


def dec(text: str) -> Decimal:
    return Decimal(text)
