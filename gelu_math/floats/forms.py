"""Cancellation-free forms of the exact definitions, derived by rewriting (never retyped).

:func:`stable_form` rewrites a SymPy expression in ``x`` into an equal expression whose
floating-point evaluation has no catastrophic cancellation.  The rules, each an identity:

* ``c + c·erf(z)  -> c·erfc(-z)``  and  ``c - c·erf(z) -> c·erfc(z)``      [DLMF 7.2.2]
* ``c + c·tanh(u) -> 2c·S(2u)``,  ``c - c·tanh(u) -> 2c·S(-2u)``,
  ``c - c·tanh(u)² -> 4c·S(2u)·S(-2u)`` with S(z) = 1/(1 + e^(−z)) the logistic sigmoid
* ``(1 + e^w)^(−n) -> S(−w)^n``  and  ``e^w·S(−w) -> S(w)``                 (e^w/(1+e^w) = S(w))
* ``c + c·sin(u) -> c·cos(u)²/(1 − sin(u))`` where sin(u) < 0, and ``c − c·sin(u)`` likewise
  where sin(u) > 0 (2·sin(v)·cos(v) counts as sin(2v)): 1 + sin u = cos²u/(1 − sin u), and cos u
  keeps full relative accuracy near its zeros, where 1 + sin u cancels (Snake's f′ = 1 + sin 2ax)
* ``log(1 + e^t) -> softplus(t)``  (evaluated as ``logaddexp(0, t)``)
* ``c·e^w − c -> c·expm1(w)``,  ``log(1 + t) -> log1p(t)``
* rational pieces are put over one denominator and factored (``x/(1−x)² + 1/(1−x) -> 1/(x−1)²``).

:func:`expand_helpers` maps the helper functions back to elementary ones, so that the
rewrite can be checked against the definition (see :mod:`.impl`, ``check_form``).

Example::

    >>> stable_form(x*(sp.erf(sp.sqrt(2)*x/2)/2 + sp.Rational(1, 2)))
    x*Erfc(-sqrt(2)*x/2)/2
"""

from __future__ import annotations

import sympy as sp

from ..definitions.symbols import x


class Sigmoid(sp.Function):
    """S(z) = 1/(1 + e^(−z)), a placeholder evaluated by ``scipy.special.expit``."""

    nargs = 1


class Softplus(sp.Function):
    """log(1 + e^t), evaluated by ``numpy.logaddexp(0, t)``."""

    nargs = 1


class Erfc(sp.Function):
    """erfc(z) = 1 − erf(z), kept unevaluated (SymPy would turn erfc(−z) into 2 − erfc(z));
    evaluated by ``scipy.special.erfc``."""

    nargs = 1


class Expm1(sp.Function):
    """e^t − 1, evaluated by ``numpy.expm1``."""

    nargs = 1


class Log1p(sp.Function):
    """log(1 + t), evaluated by ``numpy.log1p``."""

    nargs = 1


def _coeff_of(term: sp.Expr, func) -> tuple[sp.Expr, sp.Expr] | None:
    """``term = k·func(z)`` with numeric k: return (k, z), else None."""
    k, rest = term.as_coeff_Mul()
    if isinstance(rest, func):
        return k, rest.args[0]
    return None


def _coeff_of_square(term: sp.Expr, func) -> tuple[sp.Expr, sp.Expr] | None:
    k, rest = term.as_coeff_Mul()
    if rest.is_Pow and rest.exp == 2 and isinstance(rest.base, func):
        return k, rest.base.args[0]
    return None


def _rewrite_add(e: sp.Add) -> sp.Expr:
    consts = [a for a in e.args if a.is_Number]
    if len(consts) != 1:
        return e
    c = consts[0]
    others = [a for a in e.args if a is not c]
    for i, term in enumerate(others):
        rest = others[:i] + others[i + 1:]
        hit = _coeff_of(term, sp.erf)
        if hit:
            k, z = hit
            if k == c:
                return sp.Add(k * Erfc(-z), *rest)
            if k == -c:
                return sp.Add(c * Erfc(z), *rest)
        hit = _coeff_of(term, sp.tanh)
        if hit:
            k, u = hit
            if k == c:
                return sp.Add(2 * c * Sigmoid(2 * u), *rest)
            if k == -c:
                return sp.Add(2 * c * Sigmoid(-2 * u), *rest)
        hit = _coeff_of_square(term, sp.tanh)
        if hit and hit[0] == -c:
            u = hit[1]
            return sp.Add(4 * c * Sigmoid(2 * u) * Sigmoid(-2 * u), *rest)
        hit = _coeff_of(term, sp.exp)
        if hit and hit[0] == -c:
            return sp.Add(hit[0] * Expm1(hit[1]), *rest)
    return e


def _rewrite_pow(e: sp.Pow) -> sp.Expr:
    base, n = e.args
    if n.is_Integer and n < 0 and base.is_Add and len(base.args) == 2 and sp.S.One in base.args:
        other = base.args[0] if base.args[1] is sp.S.One else base.args[1]
        if isinstance(other, sp.exp):
            return Sigmoid(-other.args[0]) ** (-n)
    return e


def _rewrite_log(e: sp.log) -> sp.Expr:
    arg = e.args[0]
    if arg.is_Add and len(arg.args) == 2 and sp.S.One in arg.args:
        other = arg.args[0] if arg.args[1] is sp.S.One else arg.args[1]
        if isinstance(other, sp.exp):
            return Softplus(other.args[0])
        return Log1p(other)
    return e


def _rewrite_mul(e: sp.Mul) -> sp.Expr:
    """e^w · S(−w)^n -> S(w) · S(−w)^(n−1)."""
    args = list(e.args)
    for i, a in enumerate(args):
        if not isinstance(a, sp.exp):
            continue
        w = a.args[0]
        for j, b in enumerate(args):
            base, n = (b.base, b.exp) if b.is_Pow else (b, sp.S.One)
            if isinstance(base, Sigmoid) and n.is_Integer and n > 0 and sp.expand(base.args[0] + w) == 0:
                new = [t for k, t in enumerate(args) if k not in (i, j)]
                return sp.Mul(Sigmoid(w), Sigmoid(-w) ** (n - 1), *new)
    return e


def _bottom_up(e: sp.Expr) -> sp.Expr:
    if e.is_Atom:
        return e
    if isinstance(e, sp.Piecewise):
        return sp.Piecewise(*[(_stable_form(p), c) for p, c in e.args])
    e = e.func(*[_bottom_up(a) for a in e.args])
    for _ in range(8):  # rules may enable one another (Pow -> Sigmoid -> Mul rule)
        before = e
        if e.is_Add:
            e = _rewrite_add(e)
        elif e.is_Pow:
            e = _rewrite_pow(e)
        elif isinstance(e, sp.log):
            e = _rewrite_log(e)
        elif e.is_Mul:
            e = _rewrite_mul(e)
        if e == before:
            break
        if not e.is_Atom:
            e = e.func(*[_bottom_up(a) for a in e.args])
    return e


def _coeff_of_sin_cos(term: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
    """``term = k·sin(v)·cos(v)`` (what SymPy's derivative of sin² gives): return (k/2, 2v)."""
    k, rest = term.as_coeff_Mul()
    if rest.is_Mul and len(rest.args) == 2:
        s, c = sorted(rest.args, key=lambda f: not isinstance(f, sp.sin))
        if isinstance(s, sp.sin) and isinstance(c, sp.cos) and s.args == c.args:
            return k / 2, 2 * s.args[0]
    return None


def _one_plus_sin(e: sp.Expr) -> sp.Expr:
    """``c ± c·sin(u)`` -> the branch without cancellation (applied once, by ``xreplace``, so that
    the unchanged branch is not rewritten again)."""
    table = {}
    for a in sp.preorder_traversal(e):
        if not a.is_Add or a in table:
            continue
        consts = [t for t in a.args if t.is_Number]
        if len(consts) != 1:
            continue
        c = consts[0]
        for term in a.args:
            hit = _coeff_of(term, sp.sin) or _coeff_of_sin_cos(term)
            if hit and abs(hit[0]) == abs(c):
                s = hit[0] / c  # +1: c + c·sin(u), −1: c − c·sin(u)
                u = hit[1]
                rest = [t for t in a.args if t is not c and t is not term]
                safe = c * sp.cos(u) ** 2 / (1 - s * sp.sin(u))
                table[a] = sp.Add(sp.Piecewise((safe, s * sp.sin(u) < 0), (c + c * s * sp.sin(u), True)), *rest)
                break
    return e.xreplace(table) if table else e


def stable_form(expr: sp.Expr) -> sp.Expr:
    """A cancellation-free expression equal to ``expr`` (see the module docstring)."""
    return _one_plus_sin(_stable_form(expr))


def _stable_form(expr: sp.Expr) -> sp.Expr:
    expr = sp.sympify(expr)
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(_stable_form(p), c) for p, c in expr.args])
    if expr.has(sp.Piecewise):  # c·Piecewise(...): move the factor inside
        expr = sp.piecewise_fold(expr)
        if isinstance(expr, sp.Piecewise):
            return _stable_form(expr)
    if expr.free_symbols <= {x} and expr.is_rational_function(x) and sp.denom(sp.together(expr)).has(x):
        return sp.factor(sp.cancel(expr))  # a rational function: one fraction, no cancelling terms
    return _bottom_up(expr)


def expand_helpers(expr: sp.Expr) -> sp.Expr:
    """Replace Sigmoid/Softplus/Expm1/Log1p by their elementary definitions."""
    return expr.replace(Erfc, sp.erfc).replace(Sigmoid, lambda z: 1 / (1 + sp.exp(-z))).replace(
        Softplus, lambda t: sp.log(1 + sp.exp(t))).replace(
        Expm1, lambda t: sp.exp(t) - 1).replace(Log1p, lambda t: sp.log(1 + t))


def magnitude_form(expr: sp.Expr) -> sp.Expr:
    """|expr| with every sum outside function arguments replaced by the sum of |terms|.

    For a computation without cancellation the rounding error is a modest multiple of
    eps·|f|; where terms cancel (near a zero of f′, say) it is a multiple of eps times
    this magnitude, which is what the reference's error bound uses.
    """

    def mag(e):
        if isinstance(e, sp.Piecewise):
            return sp.Piecewise(*[(mag(p), c) for p, c in e.args])
        if e.is_Add:
            return sp.Add(*[mag(a) for a in e.args])
        if e.is_Mul:
            return sp.Mul(*[mag(a) for a in e.args])
        if e.is_Pow and e.exp.is_Integer:
            return mag(e.base) ** e.exp
        return sp.Abs(e)

    return mag(sp.sympify(expr))
