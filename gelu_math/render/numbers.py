"""Numbers to strings: exact SymPy forms and decimal balls that contain the true value."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal, localcontext

import sympy as sp

from ..facts import Number


def decimal_ball(n: Number, digits: int) -> tuple[str, str]:
    """(mid, rad) decimal strings whose ball [mid − rad, mid + rad] contains the Number's ball.

    Arb's ``mid_rad_10exp`` rounds outward, so containment survives the conversion.
    """
    mid, rad, exp = n.ball.mid_rad_10exp(digits + 4)
    e = int(exp)
    return _dec(int(mid), e), _dec(int(rad), e)


def _dec(m: int, e: int) -> str:
    if m == 0:
        return "0"
    d = Decimal(f"{m}E{e}")  # exact: no context rounding
    text = format(d, "f") if -40 <= e <= 0 and abs(d.adjusted()) < 40 else str(d)
    return text.rstrip("0").rstrip(".") if "." in text and "E" not in text else text


def number_json(n: Number, digits: int):
    """The schema's number object: {exact, mid, rad}, or "-inf"/"+inf"."""
    if n.infinite:
        return "+inf" if n.infinite > 0 else "-inf"
    if n.ball is None:  # symbolic (parameters kept as symbols): exact form only
        return {"exact": sp.sstr(n.exact), "mid": None, "rad": None}
    mid, rad = decimal_ball(n, digits)
    return {"exact": None if n.exact is None else sp.sstr(n.exact), "mid": mid, "rad": rad}


def terminating_decimal(q: sp.Expr) -> str | None:
    """The exact decimal of a rational whose denominator is 2^a 5^b, else None."""
    if not isinstance(q, sp.Rational):
        return None
    den = int(q.q)
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den != 1:
        return None
    if q.q == 1:
        return str(int(q.p))
    digits = 0
    while 10**digits % int(q.q):
        digits += 1
    s = str(abs(int(q.p)) * 10**digits // int(q.q)).rjust(digits + 1, "0")
    return f"{'-' if q < 0 else ''}{s[:-digits]}.{s[-digits:]}"


def number_text(n: Number, digits: int) -> str:
    """One-line human form: exact form and ball, e.g. 'sqrt(2) = 1.41421356… ± 1e-32'; a
    rational with a terminating decimal is written exactly ('8943/200000 = 0.044715')."""
    if n.infinite:
        return "+inf" if n.infinite > 0 else "-inf"
    if n.ball is None:
        return sp.sstr(n.exact)
    exact = terminating_decimal(n.exact)
    if exact is not None and len(exact) <= 60:
        return exact if sp.sstr(n.exact) == exact else f"{sp.sstr(n.exact)} = {exact}"
    mid, rad = decimal_ball(n, digits)
    ball = mid if rad == "0" else f"[{mid} ± {short_upper(rad)}]"
    if n.exact is not None and sp.sstr(n.exact) != mid:
        return f"{sp.sstr(n.exact)} = {ball}"
    return ball


def short_upper(rad: str) -> str:
    """A radius with 2 significant digits, rounded up so the ball still contains the value."""
    with localcontext() as c:
        c.prec, c.rounding = 2, ROUND_CEILING
        return f"{+Decimal(rad):.1e}"
