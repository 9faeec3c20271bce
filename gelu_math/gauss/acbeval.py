"""Compile a SymPy expression in one variable into an integrand for ``acb.integral``.

``certified.arbeval`` compiles to real balls; ``acb.integral`` evaluates its integrand on
complex balls around the path and must be told where the function is not holomorphic: each
operation with a branch cut (log, roots and real powers, atan, LambertW, |·|, sign, max, min)
forwards the ``analytic`` flag, so a ball that touches a cut gives a non-finite value and the
integrator subdivides instead of integrating across it (python-flint's ``acb.integral``
documentation: "it *must* be checked for functions that are non-analytic in some regions").
Poles (tanh, sigmoid, rational pieces) need no flag: a ball containing one is non-finite.
"""

from __future__ import annotations

import functools
from typing import Callable

import sympy as sp
from flint import acb, arb, ctx

from ..certified.arbeval import const_ball
from ..errors import UnsupportedError

AcbFn = Callable[[acb, bool], acb]
_NAN = acb(arb("nan"), arb("nan"))


def _atan(z: acb, analytic: bool) -> acb:
    # atan z = (log(1 + iz) − log(1 − iz)) / (2i): its cuts are those of the two logs
    if not analytic:
        return z.atan()
    i = acb(0, 1)
    return ((1 + i * z).log(analytic=True) - (1 - i * z).log(analytic=True)) / (2 * i)


def _lambertw(z: acb, analytic: bool) -> acb:
    # principal branch: cut (−∞, −1/e]; refuse a ball that may touch it
    if analytic and z.imag.contains(0) and not bool(z.real > -arb(-1).exp()):
        return _NAN
    return z.lambertw()


_UNARY = {
    sp.exp: lambda u, a: u.exp(),
    sp.log: lambda u, a: u.log(analytic=a),
    sp.erf: lambda u, a: u.erf(),
    sp.erfc: lambda u, a: u.erfc(),
    sp.tanh: lambda u, a: u.tanh(),
    sp.sinh: lambda u, a: u.sinh(),
    sp.cosh: lambda u, a: u.cosh(),
    sp.sech: lambda u, a: u.sech(),
    sp.sin: lambda u, a: u.sin(),
    sp.cos: lambda u, a: u.cos(),
    sp.atan: _atan,
    sp.LambertW: _lambertw,
    sp.sign: lambda u, a: u.real_sgn(analytic=a),
    sp.Abs: lambda u, a: u.real_abs(analytic=a),
}


def _constant(e: sp.Expr) -> Callable:
    """A constant, evaluated once per working precision (the integrator calls it thousands of times)."""
    cache: dict = {}

    def value(z, a):
        v = cache.get(ctx.prec)
        if v is None:
            v = cache[ctx.prec] = acb(const_ball(e))
        return v
    return value


def _sum(parts: list) -> Callable:
    if len(parts) == 2:
        p, q = parts
        return lambda z, a: p(z, a) + q(z, a)
    if len(parts) == 3:
        p, q, r = parts
        return lambda z, a: p(z, a) + q(z, a) + r(z, a)
    return lambda z, a: functools.reduce(lambda s, p: s + p(z, a), parts[1:], parts[0](z, a))


def _product(parts: list) -> Callable:
    if len(parts) == 2:
        p, q = parts
        return lambda z, a: p(z, a) * q(z, a)
    if len(parts) == 3:
        p, q, r = parts
        return lambda z, a: p(z, a) * q(z, a) * r(z, a)
    return lambda z, a: functools.reduce(lambda s, p: s * p(z, a), parts[1:], parts[0](z, a))


def _build(e: sp.Expr, var: sp.Symbol) -> Callable:
    if e == var:
        return lambda z, a: z
    if not e.has(var):
        if e.free_symbols:
            raise UnsupportedError(f"cannot integrate with free symbols {sorted(map(str, e.free_symbols))}")
        return _constant(e)
    if e.is_Add or e.is_Mul:
        # the constant terms (factors) folded into one constant; two or three operands without a reduce
        # (the integrator calls this ~10^5 times per search: the Python overhead was half of the time)
        const = [p for p in e.args if not p.has(var)]
        rest = [p for p in e.args if p.has(var)]
        parts = [_build(p, var) for p in rest]
        if const:
            parts.append(_build(e.func(*const), var))  # a constant (free symbols refused there)
        return _sum(parts) if e.is_Add else _product(parts)
    if e.is_Pow:
        base, ex = e.args
        b = _build(base, var)
        if ex.is_Integer:
            n = int(ex)
            return (lambda z, a: b(z, a) ** n) if n >= 0 else (lambda z, a: 1 / b(z, a) ** (-n))
        if ex == sp.Rational(1, 2):
            return lambda z, a: b(z, a).sqrt(analytic=a)
        if ex == sp.Rational(-1, 2):
            return lambda z, a: b(z, a).rsqrt(analytic=a)
        g = _build(ex, var)
        return lambda z, a: b(z, a).pow(g(z, a), analytic=a)
    if isinstance(e, sp.Function) and e.func in _UNARY and len(e.args) == 1:
        inner, op = _build(e.args[0], var), _UNARY[e.func]
        return lambda z, a: op(inner(z, a), a)
    if isinstance(e, (sp.Max, sp.Min)):
        parts = [_build(p, var) for p in e.args]
        name = "real_max" if isinstance(e, sp.Max) else "real_min"
        return lambda z, a: functools.reduce(lambda s, p: getattr(s, name)(p(z, a), analytic=a),
                                             parts[1:], parts[0](z, a))
    raise UnsupportedError(f"cannot integrate {type(e).__name__} ({e}) in complex ball arithmetic")


@functools.lru_cache(maxsize=1024)
def compile_acb(expr: sp.Expr, var: sp.Symbol) -> AcbFn:
    """``f(z, analytic)`` for ``acb.integral``; cached by expression."""
    return _build(sp.sympify(expr), var)
