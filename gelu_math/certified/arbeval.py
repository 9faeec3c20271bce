"""Compile a SymPy expression in one variable into a function on Arb balls.

The compiled function walks a fixed tree of closures (no ``eval``, no
``lambdify``): every operation is python-flint's ball arithmetic, so the result
ball contains f(t) for every t in the argument ball.  Constants are rebuilt at
the working precision each call (``arb(fmpq)``, ``arb.pi()``), so the same
compiled function serves every precision.

Example::

    >>> import sympy as sp
    >>> from flint import arb
    >>> from gelu_math.definitions.symbols import x
    >>> f = compile_arb(x * sp.erf(x))
    >>> erf1 = arb("0.84270079294971486934122063508 +/- 1e-29")   # erf(1) (DLMF tables; mpmath)
    >>> f(arb(1)).overlaps(erf1), f(arb(1)).rad() < 1e-15      # both balls contain erf(1)
    (True, True)
"""

from __future__ import annotations

import functools
from typing import Callable

import sympy as sp
from flint import arb, fmpq

from ..definitions.normal import Phi
from ..errors import UnsupportedError

ArbFn = Callable[[arb], arb]


def _tanh(u: arb) -> arb:
    return u.tanh()


_UNARY = {
    sp.exp: lambda u: u.exp(),
    sp.log: lambda u: u.log(),
    sp.erf: lambda u: u.erf(),
    sp.erfc: lambda u: u.erfc(),
    sp.tanh: _tanh,
    sp.sinh: lambda u: u.sinh(),
    sp.cosh: lambda u: u.cosh(),
    sp.sech: lambda u: u.sech(),
    sp.sin: lambda u: u.sin(),
    sp.cos: lambda u: u.cos(),
    sp.atan: lambda u: u.atan(),
    sp.LambertW: lambda u: u.lambertw(),
    sp.sign: lambda u: u.sgn(),
    sp.Abs: lambda u: abs(u),
    Phi: lambda u: (-u * arb(2).rsqrt()).erfc() / 2,  # Φ(u) = erfc(−u/√2)/2: accurate in the lower tail
}


def _ipow(u: arb, n: int) -> arb:
    """u**n; python-flint 0.9 returns nan for an integer power of a ball that contains 0
    (``arb(0, 1e-40)**2``), so such a power is formed by squaring and multiplying (an even power
    of a ball around 0 then keeps the sign information: [0, r^n] from |u|)."""
    v = u ** n
    if v.is_finite() or not u.is_finite():
        return v
    base = abs(u) if n % 2 == 0 else u
    out, sq = arb(1), base
    while n:
        if n & 1:
            out = out * sq
        sq = sq * sq
        n >>= 1
    return out


def _const(value: sp.Expr) -> Callable[[], arb]:
    if isinstance(value, sp.Integer):
        n = int(value)
        return lambda: arb(n)
    if isinstance(value, sp.Rational):
        q = fmpq(int(value.p), int(value.q))
        return lambda: arb(q)
    if value is sp.pi:
        return arb.pi
    if value is sp.E:
        return arb.const_e
    if value is sp.EulerGamma:
        return arb.const_euler
    raise UnsupportedError(f"cannot evaluate constant {value} in ball arithmetic")


def _build(e: sp.Expr, var: sp.Symbol) -> Callable:
    """Return g(t) computing ``e`` at the ball t."""
    if e == var:
        return lambda t: t
    if not e.has(var) and (e.is_Number or e in (sp.pi, sp.E, sp.EulerGamma)):
        c = _const(e)
        return lambda t: c()
    if e.is_Add:
        parts = [_build(a, var) for a in e.args]
        return lambda t: functools.reduce(lambda s, p: s + p(t), parts[1:], parts[0](t))
    if e.is_Mul:
        parts = [_build(a, var) for a in e.args]
        return lambda t: functools.reduce(lambda s, p: s * p(t), parts[1:], parts[0](t))
    if e.is_Pow:
        base, ex = e.args
        b = _build(base, var)
        if ex.is_Integer:
            n = int(ex)
            if n >= 0:
                return lambda t: _ipow(b(t), n)
            return lambda t: 1 / _ipow(b(t), -n)
        if ex == sp.Rational(1, 2):
            return lambda t: b(t).sqrt()
        if ex == sp.Rational(-1, 2):
            return lambda t: b(t).rsqrt()
        if ex.is_Rational:
            p, q = int(ex.p), int(ex.q)
            return lambda t: b(t).root(q) ** p if p >= 0 else 1 / (b(t).root(q) ** (-p))
        g = _build(ex, var)
        return lambda t: (g(t) * b(t).log()).exp()
    if isinstance(e, sp.Function) and e.func in _UNARY and len(e.args) == 1:
        inner = _build(e.args[0], var)
        op = _UNARY[e.func]
        return lambda t: op(inner(t))
    if isinstance(e, (sp.Max, sp.Min)):
        parts = [_build(a, var) for a in e.args]
        pick = arb.max if isinstance(e, sp.Max) else arb.min
        return lambda t: functools.reduce(lambda s, p: pick(s, p(t)), parts[1:], parts[0](t))
    if isinstance(e, sp.CRootOf) and e.is_real:
        return lambda t: _real_root(e)
    if e.is_Number or e.is_NumberSymbol:
        c = _const(e)
        return lambda t: c()
    raise UnsupportedError(f"cannot evaluate {type(e).__name__} ({e}) in ball arithmetic")


def _real_root(r: sp.CRootOf) -> arb:
    """A ball of a real root of a polynomial (SymPy's ``CRootOf``) at the working precision: SymPy
    isolates it in exact rational arithmetic and ``eval_rational(dx)`` is within dx of it."""
    from flint import ctx

    dx = sp.Rational(1, 2 ** (ctx.prec + 8))
    q = r.eval_rational(dx=dx, dy=dx)
    return arb(fmpq(int(q.p), int(q.q)), arb(fmpq(int(dx.p), int(dx.q))))


@functools.lru_cache(maxsize=4096)
def compile_arb(expr: sp.Expr, var: sp.Symbol | None = None) -> ArbFn:
    """Compile ``expr`` (one free variable) into a ball function; cached by expression."""
    expr = sp.sympify(expr)
    if var is None:
        free = expr.free_symbols
        if len(free) > 1:
            raise UnsupportedError(f"expression has several free symbols: {sorted(map(str, free))}")
        var = next(iter(free)) if free else sp.Symbol("x", real=True)
    return _build(expr, var)


def const_ball(value: sp.Expr) -> arb:
    """Ball of a closed-form real constant at the current precision."""
    value = sp.sympify(value)
    if value.free_symbols:
        raise UnsupportedError(f"{value} is not a constant")
    return compile_arb(value)(arb(0))
