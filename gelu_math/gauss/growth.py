"""Proved polynomial growth bounds |e(x)| <= P(|x|) on an unbounded piece, read off the expression.

A bound is built bottom-up by rules that each hold for every real x of the piece's domain
(x <= h for the left piece, x >= l for the right one, ℝ for a single piece):

* constants: |c|; x: |x|; sums and products: the sums and products of the bounds; integer powers n >= 0;
* |tanh u|, |erf u|, |sin u|, |cos u|, |sign u|, |sech u| <= 1, |erfc u| <= 2, |atan u| <= 2;
* b^(−n) <= c^(−n) when b = c + (terms SymPy proves nonnegative for real x, or monomials c·x^k of
  one sign on the piece's half-line) with a constant c > 0 (1/(1 + e^u) <= 1; softsign's
  1/(1 − x) on x <= 0), and cosh(u)^(−n) <= 1;
* e^w · B^(−m) <= B^(−(m−1)) when B = e^w + nonnegative terms (0 < e^w/B <= 1);
* e^u for a polynomial u: degree 0; degree 2 with negative leading coefficient a (max at the
  vertex, c − b²/(4a)); degree 1, u = px + r, on a half-line where it is bounded above
  (x <= h with p > 0: e^(ph + r); x >= l with p < 0: e^(pl + r));
* log(1 + e^v) <= log 2 + |v| (it lies in (max(v, 0), log 2 + max(v, 0)]).

Anything else gives None (the caller falls back to the certified Lipschitz constant).  The
bound is only used beyond the outermost breakpoints, where it holds.
"""

from __future__ import annotations

import functools

import sympy as sp

from ..definitions.domain import compare
from ..definitions.symbols import x

X = sp.Symbol("X", nonnegative=True)  # stands for |x|
_ONE = (sp.tanh, sp.erf, sp.sin, sp.cos, sp.sign, sp.sech)


class _NoBound(Exception):
    pass


def _nonneg_const(c: sp.Expr) -> sp.Expr:
    return sp.Abs(c)


def _nonnegative_on(term: sp.Expr, side: int, end) -> bool:
    """Whether ``term`` >= 0 on the piece: SymPy proves it for every real x, or it is a monomial c·x^k
    on a half-line of one sign (x >= end >= 0, or x <= end <= 0: c·x^k has the sign of c·(±1)^k)."""
    if term.is_nonnegative is True:
        return True
    c, k = term.as_coeff_exponent(x)
    if end is None or c.has(x) or not (k.is_Integer and k > 0):
        return False
    if side > 0 and compare(end, 0) in (0, 1):
        return compare(c, 0) in (0, 1)
    if side < 0 and compare(end, 0) in (0, -1):
        return compare(c * (-1) ** k, 0) in (0, 1)
    return False


def _positive_part(b: sp.Expr, side: int = 0, end=None) -> sp.Expr:
    """c > 0 when b = c + (terms nonnegative on the piece, :func:`_nonnegative_on`), else raise."""
    c = sp.Integer(0)
    for term in sp.Add.make_args(b):
        if not term.has(x):
            c += term
        elif not _nonnegative_on(term, side, end):
            raise _NoBound
    if compare(c, 0) != 1:
        raise _NoBound
    return c


def _exp(u: sp.Expr, side: int, end: sp.Expr | None) -> sp.Expr:
    try:
        p = sp.Poly(sp.expand(u), x)
    except sp.PolynomialError:
        raise _NoBound from None
    if any(c.free_symbols for c in p.all_coeffs()):
        raise _NoBound
    d = p.degree()
    if d <= 0:
        return sp.exp(u)
    if d == 2:
        a, b, c = p.all_coeffs()
        if compare(a, 0) == -1:
            return sp.exp(c - b ** 2 / (4 * a))
        raise _NoBound
    if d == 1 and end is not None:
        slope, r = p.all_coeffs()
        s = compare(slope, 0)
        if (side < 0 and s == 1) or (side > 0 and s == -1):
            return sp.exp(slope * end + r)
    raise _NoBound


def _pair_sigmoids(factors: list) -> list:
    """Replace e^w · B^(−m) (B = e^w + terms proved nonnegative, m >= 1) by B^(−(m−1)):
    0 < e^w/B <= 1.  This bounds σ′ = e^(−x)/(1 + e^(−x))² and its relatives."""
    out = list(factors)
    changed = True
    while changed:
        changed = False
        for i, E in enumerate(out):
            if not isinstance(E, sp.exp):
                continue
            for j, P in enumerate(out):
                if j == i or not P.is_Pow or not (P.exp.is_Integer and P.exp < 0) or not P.base.is_Add:
                    continue
                terms = sp.Add.make_args(P.base)
                if E in terms and all(t_.is_nonnegative is True for t_ in terms if t_ != E):
                    rest = P.base ** (P.exp + 1)
                    out = [f for k, f in enumerate(out) if k not in (i, j)] + [rest]
                    changed = True
                    break
            if changed:
                break
    return out


def _bound(e: sp.Expr, side: int, end) -> sp.Expr:
    if not e.has(x):
        return _nonneg_const(e)
    if e == x:
        return X
    if e.is_Add:
        return sp.Add(*(_bound(a, side, end) for a in e.args))
    if e.is_Mul:
        return sp.Mul(*(_bound(a, side, end) for a in _pair_sigmoids(list(e.args))))
    if e.is_Pow:
        base, n = e.args
        if not n.is_Integer:
            raise _NoBound
        if n >= 0:
            return _bound(base, side, end) ** n
        if isinstance(base, sp.cosh):
            return sp.Integer(1)
        return _positive_part(base, side, end) ** n
    if isinstance(e, _ONE):
        return sp.Integer(1)
    if isinstance(e, sp.erfc):
        return sp.Integer(2)
    if isinstance(e, sp.atan):
        return sp.Integer(2)
    if isinstance(e, sp.exp):
        return _exp(e.args[0], side, end)
    if isinstance(e, sp.log):
        w = e.args[0]
        terms = sp.Add.make_args(w)
        if len(terms) == 2 and sp.Integer(1) in terms:
            other = terms[0] if terms[1] == 1 else terms[1]
            if isinstance(other, sp.exp):
                return sp.log(2) + _bound(other.args[0], side, end)
        raise _NoBound
    raise _NoBound


@functools.lru_cache(maxsize=1024)
def polynomial_bound(e: sp.Expr, side: int, end: sp.Expr | None) -> sp.Expr | None:
    """P(X) with nonnegative coefficients and |e(x)| <= P(|x|) on the piece, or None.

    ``side`` −1: the piece is x < end; +1: x > end; 0: all of ℝ (``end`` None).  Memoised: the mean
    and the second moment bound the same pieces."""
    e = sp.sympify(e)
    P = _checked(e, side, end)
    if e.is_rational_function(x) and (P is None or sp.degree(P, X) > 0):
        # term by term the bound can be loose where the terms cancel: softsign′ on x >= 0 is
        # 1/(1 + x) − x/(1 + x)² = 1/(1 + x)², bounded by 1, not by 1 + |x|
        Q = _checked(sp.cancel(e), side, end)
        if Q is not None and (P is None or sp.degree(Q, X) < sp.degree(P, X)):
            return Q
    return P


def _checked(e: sp.Expr, side: int, end) -> sp.Expr | None:
    try:
        P = sp.expand(_bound(e, side, end))
    except _NoBound:
        return None
    try:
        poly = sp.Poly(P, X)
    except sp.PolynomialError:
        return None
    if any(c.has(x) or c.free_symbols for c in poly.all_coeffs()):
        return None
    return P


def global_bound(pieces) -> sp.Expr | None:
    """P(X) with nonnegative coefficients and |f(x)| <= P(|x|) for *every* real x, or None.

    The outer pieces' bounds (each valid on its half-line) and the middle pieces' constants
    sup|piece| on their bounded intervals are combined coefficient by coefficient (the maximum of
    polynomials with nonnegative coefficients bounds each of them); a middle constant is an upper
    end of the Arb enclosure of the piece over the interval ball [lo, hi] (interval arithmetic
    contains the range).  The kernel needs a bound on all of ℝ: the inner expectation
    E_w f(a t + b w) sees every piece for every t."""
    from flint import arb

    from ..certified.arbeval import compile_arb, const_ball
    from ..certified.balls import dyadic

    ps = pieces.pieces
    if len(ps) == 1:
        return polynomial_bound(ps[0].expr, 0, None)
    outer = [polynomial_bound(ps[0].expr, -1, ps[0].hi), polynomial_bound(ps[-1].expr, 1, ps[-1].lo)]
    if None in outer:
        return None
    rows = [sp.Poly(P, X).all_coeffs()[::-1] for P in outer]
    coeffs = [sp.Max(*(r[i] if i < len(r) else sp.Integer(0) for r in rows)) for i in range(max(map(len, rows)))]
    for p in ps[1:-1]:
        lo, hi = const_ball(p.lo), const_ball(p.hi)
        ball = (lo + hi) / 2 + arb(0, ((hi - lo) / 2).upper())  # contains [lo, hi]
        top = abs(compile_arb(p.expr, x)(ball))
        if not top.is_finite():
            return None
        coeffs[0] = sp.Max(coeffs[0], dyadic(arb(top.upper())))
    return sp.Add(*(c * X ** i for i, c in enumerate(coeffs)))
