"""Exact values of piecewise-rational functions at a float, in FLINT's exact rationals (``fmpq``).

hardsigmoid (x/6 + 1/2), hardswish (x(x + 3)/6), relu6, hardtanh and their derivatives are
rational on each piece.  Their exact values at a float are rationals, often exactly on a rounding
boundary of the target format (a tie), where no ball of nonzero radius can decide the rounding.
:func:`rational_evaluator` compiles such a definition once (polynomial coefficients and the
piece conditions as exact rationals) so that a tie costs microseconds instead of a SymPy
substitution (``fmpq`` rather than ``fractions.Fraction``: the same exact values, several times
faster; exhaustive float32 runs decide millions of ties); anything it does not recognise makes
it return None for that input, and the caller falls back to SymPy.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp
from flint import fmpq

from ..definitions.symbols import x

_RELATIONS = {
    sp.StrictLessThan: lambda a, b: a < b, sp.LessThan: lambda a, b: a <= b,
    sp.StrictGreaterThan: lambda a, b: a > b, sp.GreaterThan: lambda a, b: a >= b,
}


def _fraction(c) -> fmpq | None:
    return fmpq(int(c.p), int(c.q)) if isinstance(c, sp.Rational) else None


def exact(xv: float) -> fmpq:
    """The float ``xv`` as an exact rational."""
    return fmpq(*float(xv).as_integer_ratio())


def _condition(cond) -> Callable[[fmpq], bool] | None:
    """An exact test of ``cond`` (True, x ⋚ rational, And/Or of those), or None."""
    if cond is sp.true:
        return lambda q: True
    if cond is sp.false:
        return lambda q: False
    if type(cond) in _RELATIONS:
        rel = _RELATIONS[type(cond)]
        if cond.lhs == x and _fraction(cond.rhs) is not None:
            c = _fraction(cond.rhs)
            return lambda q: rel(q, c)
        if cond.rhs == x and _fraction(cond.lhs) is not None:
            c = _fraction(cond.lhs)
            return lambda q: rel(c, q)
        return None
    if isinstance(cond, (sp.And, sp.Or)):
        parts = [_condition(a) for a in cond.args]
        if any(p is None for p in parts):
            return None
        return (lambda q: all(p(q) for p in parts)) if isinstance(cond, sp.And) else (lambda q: any(p(q) for p in parts))
    return None


def _polynomial(e) -> list[fmpq] | None:
    if not e.is_polynomial(x):
        return None
    coeffs = [_fraction(c) for c in sp.Poly(e, x).all_coeffs()]
    return None if any(c is None for c in coeffs) else coeffs


def _horner(coeffs: list[fmpq], q: fmpq) -> fmpq:
    v = fmpq(0)
    for c in coeffs:
        v = v * q + c
    return v


def rational_evaluator(definition: sp.Expr) -> Callable[[float], fmpq | None] | None:
    """``f(xv) -> fmpq`` for the pieces of ``definition`` that are rational functions with
    rational coefficients (None for an input on any other piece, or where the denominator
    vanishes); None when no piece is rational or a condition is not understood."""
    pw = sp.piecewise_fold(definition)
    pairs = pw.args if isinstance(pw, sp.Piecewise) else ((pw, sp.true),)
    compiled = []
    for expr, cond in pairs:
        test = _condition(cond)
        if test is None:
            return None
        num, den = sp.fraction(sp.together(expr))
        pn, pd = _polynomial(num), _polynomial(den)
        compiled.append((test, None if pn is None or pd is None else (pn, pd)))
    if all(r is None for _, r in compiled):
        return None

    def evaluate(xv: float) -> fmpq | None:
        q = exact(xv)
        for test, rational in compiled:
            if test(q):
                if rational is None:
                    return None
                d = _horner(rational[1], q)
                return None if d == 0 else _horner(rational[0], q) / d
        return None

    return evaluate
