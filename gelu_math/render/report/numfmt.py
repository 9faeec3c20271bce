"""How a Number appears in a report: exact form, exact decimal, and/or a certified decimal ball.

Every decimal printed in a report comes from :func:`parts` applied to a Number taken from a
fact (or a parameter value), so the tests can trace each printed number back to a fact.

* ±∞ → infinite; a rational with a terminating decimal expansion that is shorter than the
  fraction → that decimal, exactly (8943/200000 prints 0.044715, 1/100 prints 0.01), while a
  fraction no longer than its decimal stays a fraction (1/2, −3/8, 1/20); other exact values →
  the SymPy form plus the ball;
  certified values → ``mid ± rad`` where [mid − rad, mid + rad] contains the Number's ball
  (Arb's outward rounding, :func:`gelu_math.render.numbers.decimal_ball`) and rad has two
  significant digits rounded up.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ...facts import Number
from ..numbers import short_upper, supported_ball, terminating_decimal

SHORT_DIGITS = 6  # comparison tables
SHORT_OPS = 3  # comparison tables show an exact form alone when it is this small
SHORT_DECIMAL = 14  # … and an exact decimal when it is this short (else a short ball)


@dataclass(frozen=True)
class NumParts:
    infinite: int = 0
    exact: sp.Expr | None = None  # shown as math
    decimal: str | None = None  # an exact terminating decimal (replaces the exact form)
    mid: str | None = None  # the midpoint's decimal mantissa (times 10^mid_exp)
    rad: tuple[str, str] | None = None  # (mantissa, exponent): rad = mantissa · 10^exponent
    mid_exp: str | None = None  # a midpoint beyond 10^±40 is printed as mantissa · 10^mid_exp


def parts(n: Number, digits: int, short: bool = False) -> NumParts:
    if n.infinite:
        return NumParts(infinite=n.infinite)
    shown = n.exact
    if n.exact is not None:
        dec = terminating_decimal(n.exact)
        if dec is not None and not (n.exact.is_Integer or len(dec) < len(sp.sstr(n.exact))):
            return NumParts(exact=n.exact)  # a fraction no longer than its decimal: 1/2, −3/8, 1/20
        if dec is not None:
            if not (short and len(dec) > SHORT_DECIMAL and n.ball is not None):
                return NumParts(decimal=dec)
            shown = None  # a long exact decimal in a table: the short ball alone
        elif n.ball is None or isinstance(n.exact, sp.Rational) or (short and sp.count_ops(n.exact) <= SHORT_OPS):
            return NumParts(exact=n.exact)  # (no ball: symbolic parameters)
    # no more digits than the ball supports (a wide enclosure prints a short midpoint)
    supported = max(1, int(n.ball.rel_accuracy_bits() * 0.30103))
    mid, rad = supported_ball(n, min(SHORT_DIGITS if short else digits, supported))
    r = None
    if rad != "0":
        mant, _, exp = short_upper(rad).partition("e")
        r = (mant, str(int(exp)))
    mid, _, mid_exp = mid.partition("E")  # decimal_ball writes 1.2E-41 for tiny (or huge) midpoints
    return NumParts(exact=shown, mid=mid, rad=r, mid_exp=str(int(mid_exp)) if mid_exp else None)


def strings(n: Number, digits: int) -> set[str]:
    """Every decimal string a report may print for ``n`` (both lengths), for tracing tests."""
    out = set()
    for short in (False, True):
        p = parts(n, digits, short)
        out.update(s for s in (p.decimal, p.mid) if s)
        if p.rad:
            out.update(p.rad)
    return out
