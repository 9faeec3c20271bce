"""Exact Gaussian integrals ∫_α^β g(t) φ(t) dt for a class decided from the expression.

φ(t) = e^(−t²/2)/√(2π).  The class (no SymPy ``integrate``, no time box: every step is a
finite rewriting that always terminates):

* every term of the expanded integrand is c · t^n · exp(A t² + B t + C) · ∏ erf(a_j t + b_j)
  with c, A, B, C, a_j, b_j constants, 1 − 2A > 0 and at most two erf factors;
* erf factors on the whole line, or one unshifted erf(a t) on a half-line (0, ∞) or (−∞, 0);
  without erf any interval (ends ±∞ allowed, symbolic ends too).

The exponential is absorbed by completing the square, e^(At² + Bt + C) φ(t) =
e^(C + m²/(2v)) √v φ((t − m)/√v)/√v with v = 1/(1 − 2A), m = Bv, so every term becomes a
standard-normal expectation of a polynomial times erfs.  Those are reduced by

* ∫_α^β u^n φ = (n − 1) ∫_α^β u^(n−2) φ + α^(n−1) φ(α) − β^(n−1) φ(β)   (integration by parts);
* Stein's identity E[U^n G(U)] = (n − 1) E[U^(n−2) G(U)] + E[U^(n−1) G′(U)], where
  erf(au + b)′ = (2a/√π) e^(−(au+b)²) is again of the class with one erf fewer;
* E erf(aU + b) = erf(b/√(1 + 2a²));  E erf(a₁U) erf(a₂U) = (2/π) arcsin(2a₁a₂/√((1+2a₁²)(1+2a₂²)))
  [Owen 1980, "A table of normal integrals", 10,010.8 and 20,010.3 with erf(z) = 2Φ(√2 z) − 1].

Two erfs with nonzero shifts give Owen's T function, which is not elementary: outside the class
(:func:`gaussian_integral` returns None and the caller certifies numerically).
"""

from __future__ import annotations

import functools

import sympy as sp

t = sp.Symbol("t", real=True)
MAX_OPS = 400  # larger integrands are not expanded (decided before any work)
MAX_TERMS = 400  # terms after expansion


class _Outside(Exception):
    """The integrand is outside the class."""


def _phi(u: sp.Expr) -> sp.Expr:
    if u in (sp.oo, -sp.oo):
        return sp.Integer(0)
    return sp.exp(-u ** 2 / 2) / sp.sqrt(2 * sp.pi)


def _Phi(u: sp.Expr) -> sp.Expr:
    if u == sp.oo:
        return sp.Integer(1)
    if u == -sp.oo:
        return sp.Integer(0)
    return (1 + sp.erf(u / sp.sqrt(2))) / 2


def _moment(n: int, lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    """∫_lo^hi u^n φ(u) du, exactly."""
    if n == 0:
        return _Phi(hi) - _Phi(lo)
    if n == 1:
        return _phi(lo) - _phi(hi)
    edge = sp.Integer(0)
    for end, sign in ((lo, 1), (hi, -1)):
        if end not in (sp.oo, -sp.oo):
            edge += sign * end ** (n - 1) * _phi(end)
    return (n - 1) * _moment(n - 2, lo, hi) + edge


def _linear(arg: sp.Expr, degree: int) -> list[sp.Expr]:
    """Coefficients [c0, c1, (c2)] of ``arg`` as a polynomial in t of degree <= ``degree``."""
    try:
        p = sp.Poly(arg, t)
    except sp.PolynomialError:
        raise _Outside from None
    if p.degree() > degree:
        raise _Outside
    cs = p.all_coeffs()[::-1] + [sp.Integer(0)] * (degree + 1)
    if any(c.has(t) for c in cs):
        raise _Outside
    return cs[:degree + 1]


def _split(term: sp.Expr):
    """term = c · t^n · exp(A t² + B t + C) · ∏ erf(a t + b): (c, n, (A, B, C), ((a, b), ...))."""
    c, n, quad, erfs = sp.Integer(1), 0, [sp.Integer(0)] * 3, []
    for f in sp.Mul.make_args(term):
        if not f.has(t):
            c *= f
            continue
        base, ex = f.as_base_exp()
        if base == t and ex.is_Integer and ex >= 0:
            n += int(ex)
        elif isinstance(base, sp.exp) or base is sp.E:
            arg = (base.args[0] if isinstance(base, sp.exp) else sp.Integer(1)) * ex
            for i, k in enumerate(_linear(sp.expand(arg), 2)):
                quad[i] += k
        elif isinstance(base, sp.erf) and ex.is_Integer and ex > 0:
            a0, a1 = _linear(sp.expand(base.args[0]), 1)
            erfs.extend([(a1, a0)] * int(ex))
        else:
            raise _Outside
    if len(erfs) > 2:
        raise _Outside
    C, B, A = quad
    return c, n, (A, B, C), tuple(erfs)


def _positive(v: sp.Expr) -> bool:
    from ..definitions.domain import compare

    return compare(v, 0) == 1


def _term(c, n, quad, erfs, lo, hi) -> sp.Expr:
    """∫_lo^hi c t^n e^(A t² + B t + C) ∏ erf(a t + b) φ(t) dt."""
    A, B, C = quad
    w = 1 - 2 * A
    if A != 0 and not _positive(w):
        raise _Outside  # not integrable against φ (or undecided)
    v = 1 / w
    m = B * v
    scale = c * sp.exp(C + m ** 2 / (2 * v)) * sp.sqrt(v)
    r = sp.sqrt(v)
    shift = lambda e: e if e in (sp.oo, -sp.oo) else (e - m) / r  # noqa: E731
    # t = m + r u: t^n = Σ binom(n, k) m^(n−k) r^k u^k; erf(a t + b) = erf(a r u + (a m + b))
    new_erfs = tuple((a * r, a * m + b) for a, b in erfs)
    total = sp.Integer(0)
    for k in range(n + 1):
        coeff = sp.binomial(n, k) * m ** (n - k) * r ** k
        if coeff != 0:
            total += coeff * _standard(k, new_erfs, shift(lo), shift(hi))
    return scale * total


def _standard(n: int, erfs: tuple, lo, hi) -> sp.Expr:
    """∫_lo^hi u^n ∏ erf(a u + b) φ(u) du."""
    erfs = tuple((a, b) for a, b in erfs)
    if not erfs:
        return _moment(n, lo, hi)
    if (lo, hi) != (-sp.oo, sp.oo):
        return _half_line(n, erfs, lo, hi)
    if n >= 1:
        out = (n - 1) * _standard(n - 2, erfs, lo, hi) if n >= 2 else sp.Integer(0)
        for i, (a, b) in enumerate(erfs):  # G′ = Σ_i erf_i′ ∏_{j≠i} erf_j
            rest = erfs[:i] + erfs[i + 1:]
            # erf(a u + b)′ = (2a/√π) exp(−a² u² − 2ab u − b²)
            quad = (-a ** 2, -2 * a * b, -b ** 2)
            out += _term_u(2 * a / sp.sqrt(sp.pi), n - 1, quad, rest)
        return out
    if len(erfs) == 1:
        a, b = erfs[0]
        return sp.erf(b / sp.sqrt(1 + 2 * a ** 2))
    (a1, b1), (a2, b2) = erfs
    if b1 != 0 or b2 != 0:
        raise _Outside  # Owen's T function
    r = 2 * a1 * a2 / sp.sqrt((1 + 2 * a1 ** 2) * (1 + 2 * a2 ** 2))
    return 2 / sp.pi * sp.atan(r / sp.sqrt(1 - r ** 2))  # arcsin r, in a form Arb evaluates


def _half_line(n: int, erfs: tuple, lo, hi) -> sp.Expr:
    """∫ u^n erf(a u) φ(u) du over (0, ∞) or (−∞, 0): by parts down to n = 0, where
    ∫_0^∞ erf(a u) φ(u) du = atan(√2 a)/π (its a-derivative is √2/(π(1 + 2a²)), 0 at a = 0)."""
    if len(erfs) != 1 or erfs[0][1] != 0 or (lo, hi) not in ((0, sp.oo), (-sp.oo, 0)):
        raise _Outside
    a = erfs[0][0]
    if n == 0:
        return (1 if lo == 0 else -1) * sp.atan(sp.sqrt(2) * a) / sp.pi
    # ∫ u^n G φ = [−u^(n−1) G φ] + (n − 1) ∫ u^(n−2) G φ + ∫ u^(n−1) G′ φ; the bracket vanishes
    # (G(0) = erf(0) = 0, and u^(n−1) G φ → 0 at ±∞)
    out = (n - 1) * _standard(n - 2, erfs, lo, hi) if n >= 2 else sp.Integer(0)
    return out + _term(2 * a / sp.sqrt(sp.pi), n - 1, (-a ** 2, sp.Integer(0), sp.Integer(0)), (), lo, hi)


def _term_u(c, n, quad, erfs):
    return _term(c, n, quad, erfs, -sp.oo, sp.oo)


def _prepare(expr: sp.Expr) -> sp.Expr:
    if expr.has(sp.erfc):
        expr = expr.replace(sp.erfc, lambda z: 1 - sp.erf(z))
    allowed = (sp.exp, sp.erf)
    for f in expr.atoms(sp.Function):
        if f.has(t) and not isinstance(f, allowed):
            raise _Outside
    for p in expr.atoms(sp.Pow):
        if p.base.has(t) and not (p.exp.is_Integer and p.exp >= 0):
            raise _Outside  # t in a denominator or under a root
    # count_ops is at most twice the number of nodes (a node adds at most NEG and DIV: −3/7), so the
    # costly count is needed only for a large tree
    if 2 * sum(1 for _ in sp.preorder_traversal(expr)) > MAX_OPS and sp.count_ops(expr) > MAX_OPS:
        raise _Outside
    return expr


@functools.lru_cache(maxsize=None)
def _edge(n: int) -> tuple:
    """Coefficients (lowest first) of E_n with ∫_lo^hi u^n φ = (n − 1)!!·(Φ(hi) − Φ(lo)) [n even] +
    E_n(lo)φ(lo) − E_n(hi)φ(hi): E_0 = 0, E_1 = 1, E_n(u) = (n − 1)E_(n−2)(u) + u^(n−1) (by parts, as in
    :func:`_moment`)."""
    rows = [[], [1]]
    for k in range(2, n + 1):
        row = [(k - 1) * c for c in rows[k - 2]] + [0] * k
        row[k - 1] += 1
        rows.append(row[:k])
    return tuple(rows[n])  # memoised: _polynomial asks for every n up to the degree


MAX_DEGREE = 200  # a polynomial integrand of higher degree is left to the general path (and its limits)


def _coefficients(e: sp.Expr) -> list:
    """Coefficients (lowest first) of a polynomial ``e`` in t, by walking its tree: sums add, products
    and integer powers convolve, each product of coefficients expanded (faster than ``Poly`` over the
    expression domain, which an algebraic coefficient such as √2 forces)."""

    def walk(e):
        if not e.has(t):
            return [e]
        if e == t:
            return [sp.Integer(0), sp.Integer(1)]
        if e.is_Add:
            out = []
            for a in e.args:
                c = walk(a)
                out += [sp.Integer(0)] * (len(c) - len(out))
                out[:len(c)] = [u + v for u, v in zip(out, c)]
            return out
        if e.is_Mul:
            out = [sp.Integer(1)]
            for a in e.args:
                out = conv(out, walk(a))
            return out
        if e.is_Pow and e.exp.is_Integer and e.exp >= 0:
            base, out = walk(e.base), [sp.Integer(1)]
            for _ in range(int(e.exp)):
                out = conv(out, base)
            return out
        raise _Outside

    def conv(a, b):
        if len(a) + len(b) - 2 > MAX_DEGREE:
            raise _Outside
        out = [sp.Integer(0)] * (len(a) + len(b) - 1)
        for i, u in enumerate(a):
            if u != 0:
                for j, v in enumerate(b):
                    if v != 0:  # expanded at once: products of unexpanded sums nest, and their
                        out[i + j] += sp.expand(u * v)  # expansion at the end took minutes (i_gelu^8)
        return out

    return [sp.expand(c) for c in walk(e)]


def _polynomial(coeffs: list, lo, hi) -> sp.Expr:
    """∫_lo^hi p(t) φ(t) dt for p = Σ coeffs[n] tⁿ with constant coefficients, collected as
    a·(Φ(hi) − Φ(lo)) + Q(lo)φ(lo) − Q(hi)φ(hi) (the sum of :func:`_moment` over p's terms, built
    without expanding products of erfs and exponentials)."""
    a = sp.Integer(0)
    Q = [sp.Integer(0)] * max(len(coeffs) - 1, 1)
    for n, c in enumerate(coeffs):
        if c == 0:
            continue
        if n % 2 == 0:
            a += c * sp.factorial2(n - 1)
        for i, e in enumerate(_edge(n)):
            Q[i] += c * e
    total = a * (_Phi(hi) - _Phi(lo)) if a != 0 else sp.Integer(0)
    for end, sign in ((lo, 1), (hi, -1)):
        if end not in (sp.oo, -sp.oo) and any(c != 0 for c in Q):
            total += sign * _at(Q, end) * _phi(end)
    return total


def _at(Q: list, end: sp.Expr) -> sp.Expr:
    """Q(end) for coefficients Q (lowest first): expanded where powers of ``end`` stay single terms (a
    rational, 1769√2/1000); otherwise Σ Q_k·end^k with the powers left as powers — expanding (π + e + 1/3)^47
    would give a thousand terms."""
    end = sp.sympify(end)
    if not end.is_Add:
        value = sp.Integer(0)
        for c in reversed(Q):  # Horner's rule on expressions, expanded once (Poly.eval over the
            value = value * end + c  # expression domain cancels at every step: ten times slower)
        return sp.expand(value)
    return sp.Add(*(c * end ** k for k, c in enumerate(Q) if c != 0))


@functools.lru_cache(maxsize=1024)
def gaussian_integral(expr: sp.Expr, lo: sp.Expr = -sp.oo, hi: sp.Expr = sp.oo) -> sp.Expr | None:
    """∫_lo^hi expr(t) φ(t) dt exactly, or None when the integrand is outside the class.

    >>> gaussian_integral(t * (1 + sp.erf(t / sp.sqrt(2))) / 2)     # E GELU(Z)
    1/(2*sqrt(pi))
    """
    try:
        e = _prepare(sp.sympify(expr))
        if e.is_polynomial(t):  # the common case of piecewise polynomials (hard and integer kernels)
            return _polynomial(_coefficients(e), lo, hi)
        terms = sp.Add.make_args(sp.expand(e))
        if len(terms) > MAX_TERMS:
            return None
        total = sp.Integer(0)
        for term in terms:
            total += _term(*_split(term), lo, hi)
    except _Outside:
        return None
    return total
