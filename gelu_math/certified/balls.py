"""Ball helpers: precision scoping, digit targets, and exact endpoints."""

from __future__ import annotations

import contextlib
import math

import sympy as sp
from flint import arb, ctx, fmpq

from ..errors import PrecisionError

MIN_DIGITS, MAX_DIGITS = 1, 1000
DEFAULT_DIGITS = 30


def check_digits(digits: int) -> int:
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise PrecisionError(f"digits must be an integer, got {digits!r}")
    if not MIN_DIGITS <= digits <= MAX_DIGITS:
        raise PrecisionError(f"digits must be between {MIN_DIGITS} and {MAX_DIGITS}, got {digits}")
    return digits


def bits_for(digits: int) -> int:
    """Working precision in bits for a target of ``digits`` decimal digits (with guard bits)."""
    return int(math.ceil(digits * 3.3219280948873626)) + 32


@contextlib.contextmanager
def precision(bits: int):
    """Scoped Arb precision: restored on exit, never left mutated."""
    old = ctx.prec
    ctx.prec = bits
    try:
        yield
    finally:
        ctx.prec = old


def tight_enough(b: arb, digits: int) -> bool:
    """rad <= 10^-(digits+2) * max(1, |mid|): two digits of slack for decimal output."""
    if not b.is_finite():
        return False
    bound = arb(10) ** (-(digits + 2)) * arb.max(arb(1), abs(arb(b.mid())))
    return bool(arb(b.rad()) <= bound)


def q(value) -> fmpq:
    """An exact rational (fmpq) from a SymPy rational or Python int/Fraction."""
    value = sp.Rational(value)
    return fmpq(int(value.p), int(value.q))


def dyadic(v: arb) -> sp.Rational:
    """An exact arb (a ball's endpoint: ``lower()``, ``upper()``) as the SymPy rational m·2^e it is."""
    m, e = v.man_exp()
    return sp.Integer(int(m)) * sp.Integer(2) ** int(e)


def ball_between(lo: fmpq, hi: fmpq) -> arb:
    """The smallest ball at the current precision containing [lo, hi]."""
    return arb(lo).union(arb(hi))


def sign_of(b: arb) -> int | None:
    """+1, -1 when the ball excludes 0; 0 for an exact zero; None when undecided."""
    if b > 0:
        return 1
    if b < 0:
        return -1
    if b.is_zero():
        return 0
    return None


