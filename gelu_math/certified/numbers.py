"""Certified Numbers: exact forms to balls, values at roots, and certified comparison."""

from __future__ import annotations

import sympy as sp
from flint import arb

from ..analysis.calculus import tidy
from ..definitions.symbols import x
from ..errors import CertificationError
from ..facts import Number
from .arbeval import compile_arb
from .balls import bits_for, precision, tight_enough
from .zeros import Root, _lambert_identities, exact_ball


_HYPERBOLIC = (sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch)


def exact_constant(v: sp.Expr) -> sp.Expr:
    """A constant in its simplest exact form.  ``tidy`` leaves hyperbolic functions of
    logarithms alone (``simplify(tanh(log 2))`` is ``tanh(log 2)``); written with exponentials
    and cancelled they are algebraic: tanh(log 2) = (2 − 1/2)/(2 + 1/2) = 3/5 (mish′(0)), and
    tanh's f″ at log(2 + √3)/2 is 4√3/9 once the radicals leave the denominator.  The rewrite,
    the cancellation and the rationalisation are identities, so the result equals ``v``; it is kept
    only when it is smaller."""
    v = tidy(v)
    if v.free_symbols or not v.has(*_HYPERBOLIC):
        return v
    w = sp.radsimp(sp.cancel(sp.expand(v.rewrite(sp.exp))))  # radsimp: no radical left in a denominator
    return w if sp.count_ops(w) < sp.count_ops(v) else v


def exact_number(value: sp.Expr, digits: int) -> Number:
    """A Number for an exact SymPy value (±oo allowed)."""
    value = sp.sympify(value)
    if value in (sp.oo, -sp.oo):
        return Number.inf(1 if value == sp.oo else -1)
    return Number(value, exact_ball(value, digits))


def value_at_root(expr: sp.Expr, root: Root, digits: int) -> Number:
    """expr(root): exact when the root is, else a ball made tight by refining the root further."""
    if root.exact is not None:
        value = expr.subs(x, root.exact)
        if value.has(sp.LambertW):
            value = _lambert_identities(value)
        return exact_number(exact_constant(value), digits)  # tanh(log(2 + √3)/2) is algebraic: cancelled
    F = compile_arb(expr, x)
    for extra in (0, 10, 30, 100):
        with precision(bits_for(digits + extra)):
            b = F(root.ball(digits + extra))
        if tight_enough(b, digits):
            return Number(None, b)
    raise CertificationError(f"value at the root near {root.approx():.6g} did not reach {digits} digits")


def root_number(root: Root, digits: int) -> Number:
    return Number(root.exact, root.ball(digits))


def compare(a: Number, b: Number) -> int:
    """-1, 0, +1 for a < b, a = b, a > b — certified, or raise CertificationError."""
    if a is b:
        return 0
    if a.infinite or b.infinite:
        return (a.infinite > b.infinite) - (a.infinite < b.infinite)
    if a.ball is not None and b.ball is not None:  # separated balls decide it (no symbolic work)
        if a.ball < b.ball:
            return -1
        if a.ball > b.ball:
            return 1
    if a.exact is not None and b.exact is not None:
        d = tidy(a.exact - b.exact)
        if d == 0:
            return 0
        with precision(256):
            db = exact_ball(d, 20)
        if db > 0:
            return 1
        if db < 0:
            return -1
    raise CertificationError("cannot order two values whose balls overlap")


def _exactly(op, b: arb) -> arb:
    """Apply a sign operation (abs, neg) without rounding: Arb rounds to ctx.prec otherwise."""
    with precision(max(64, b.bits() + 16)):
        return op(b)


def abs_number(a: Number) -> Number:
    if a.infinite:
        return Number.inf(1)
    return Number(None if a.exact is None else sp.Abs(a.exact).doit(), _exactly(abs, a.ball))


def hull_extreme(a: Number, b: Number, direction: int) -> Number:
    """max (direction +1) or min (-1) of two finite values whose order is undecided: a certified ball."""
    with precision(max(64, a.ball.bits() + 16, b.ball.bits() + 16)):
        return Number(None, a.ball.max(b.ball) if direction > 0 else a.ball.min(b.ball))
