"""Arb ball evaluation of the float forms (with Piecewise and the helper functions).

The forms of :mod:`gelu_math.floats.forms` are cancellation-free, which is what makes
ball evaluation cheap too: ``x·erfc(−x/√2)/2`` at x = −10^30 is a tiny, tight ball, where
``x(1 + erf(x/√2))/2`` would need thousands of bits.  Pieces are selected by deciding the
(exact) input against each breakpoint in ball arithmetic.
"""

from __future__ import annotations

import functools

import sympy as sp
from flint import arb, ctx

from ..certified.arbeval import compile_arb, const_ball
from ..definitions.symbols import x
from ..errors import UnsupportedError
from ..floats.forms import Erfc, Expm1, Log1p, Sigmoid, Softplus


def _sigmoid(z: arb) -> arb:
    return 1 / (1 + (-z).exp())


def _softplus(t: arb) -> arb:
    if t < 0:
        return t.exp().log1p()
    return t + (-t).exp().log1p()


_HELPERS = {
    Erfc: lambda z: z.erfc(),
    Sigmoid: _sigmoid,
    Softplus: _softplus,
    Expm1: lambda z: z.expm1(),
    Log1p: lambda z: z.log1p(),
}


def _build(e: sp.Expr):
    if isinstance(e, sp.Piecewise):
        pieces = []
        for piece, cond in e.args:
            pieces.append((_build(piece), _condition(cond)))

        def pw(t):
            for f, c in pieces:
                if c(t):
                    return f(t)
            raise UnsupportedError("no piece of the Piecewise applies")

        return pw
    if e.func in _HELPERS:
        inner = _build(e.args[0])
        op = _HELPERS[e.func]
        return lambda t: op(inner(t))
    if not any(e.has(h) for h in _HELPERS) and not e.has(sp.Piecewise):
        return compile_arb(e, x)
    parts = [_build(a) for a in e.args]
    if e.is_Add:
        return lambda t: functools.reduce(lambda s, p: s + p(t), parts[1:], parts[0](t))
    if e.is_Mul:
        return lambda t: functools.reduce(lambda s, p: s * p(t), parts[1:], parts[0](t))
    if e.is_Pow and e.exp.is_Integer:
        n = int(e.exp)
        b = parts[0]
        return (lambda t: b(t) ** n) if n >= 0 else (lambda t: 1 / b(t) ** (-n))
    if isinstance(e, sp.Function) and len(e.args) == 1:
        outer = compile_arb(e.func(x), x)
        inner = parts[0]
        return lambda t: outer(inner(t))
    raise UnsupportedError(f"cannot evaluate {e} in ball arithmetic")


def _sign_decider(diff, cond):
    """Decide ``cond`` at t from the sign of the ball ``diff(t)`` (lhs − rhs), doubling the precision
    until the ball excludes 0 or is exactly 0."""
    op = cond.rel_op

    def decide(t):
        prec = ctx.prec
        try:
            while True:
                v = diff(t)
                if v < 0:
                    return op in ("<", "<=", "!=")
                if v > 0:
                    return op in (">", ">=", "!=")
                if v.rad() == 0 and v == 0:
                    return op in ("<=", ">=", "==")
                if ctx.prec > 1 << 16:
                    raise UnsupportedError(f"cannot decide {cond} at {t}")
                ctx.prec *= 2
        finally:
            ctx.prec = prec

    return decide


def _condition(cond):
    """A decision procedure for ``x op c`` or ``g(x) op c`` at an exact point (True/False, never
    'unknown'); ``g(x) op c`` is the sign test of :func:`..floats.forms.stable_form`'s sin rule."""
    if cond is sp.true:
        return lambda t: True
    if isinstance(cond, sp.core.relational.Relational) and not cond.rhs.has(x):
        if cond.lhs == x:
            c = cond.rhs
            return _sign_decider(lambda t: t - const_ball(c), cond)
        return _sign_decider(_build(cond.lhs - cond.rhs), cond)
    raise UnsupportedError(f"unsupported piece condition {cond}")


@functools.lru_cache(maxsize=256)
def compile_form(form: sp.Expr):
    """Ball function t -> f(t) for a float form (t an exact ball)."""
    return _build(form)
