"""Dual (NNGP) kernels: k(ρ) = E f(u) f(v), k′(ρ) = E f′(u) f′(v), (u, v) ~ N(0, q[[1, ρ], [ρ, 1]])
(or variances q₁, q₂: u ~ N(0, q₁), v ~ N(0, q₂), correlation ρ).

Write u = √q₁ t and v = √q₂(ρt + √(1 − ρ²) w) with t, w independent standard normals.  Then

    k(ρ) = E_t[ f(√q₁ t) · h(t) ],   h(t) = E_w f(√q₂ ρ t + √(q₂(1 − ρ²)) w),

and h has a closed form whenever the pieces of f are in the exact class of :mod:`.closed`
(the w-integral has the symbolic shift √q ρ t; its piece ends become (b − √qρt)/√(q(1−ρ²))).
The outer one-dimensional integral is certified (:mod:`.integrate`) with the growth bound
|f(√q₁ t)|, |h(t)| <= |f(0)| + Lr + Lr|t| with r = max(√q₁, √q₂) (|f(x)| <= |f(0)| + L|x|
and E|W| <= 1), or
|f′|, |h′| <= L for k′; where sup|f′| is not certified finite (squared ReLU, xIELU: quadratic
growth; Snake: f″ oscillates) from a proved polynomial bound |f(x)| <= P(|x|) on all of ℝ
(:func:`.growth.global_bound`): |f(√q₁ t)| <= P(√q₁|t|) and |h(t)| <= E P(a|t| + b|W|) =
Σ_k p_k Σ_j C(k, j) a^j |t|^j b^(k−j) E|W|^(k−j), a = √q₂|ρ|, b = √(q₂(1 − ρ²)),
E|W|^i = 2^(i/2) Γ((i+1)/2)/√π; and it is exact where f(√q t)·h(t) is in the class again: ReLU gives
the arc-cosine kernel (Cho & Saul 2009), GELU an arcsin form (Tsuchida et al. 2021).
ρ = ±1 is one-dimensional (v = ±√(q₂/q₁) u).  A function whose inner expectation has no closed form
(tanh, SiLU, Mish, softsign, Snake, ...) goes to the certified Hermite (Mehler) series of
:mod:`.hermite` (|ρ| < 1, its quadratures split at the breakpoints); without a proved growth bound it
is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..analysis import calculus
from ..analysis.pieces import decompose
from ..certified.balls import DEFAULT_DIGITS, check_digits
from ..definitions.domain import compare
from ..definitions.symbols import x
from ..errors import CertificationError, InputError, UnsupportedError
from ..facts import Method, Number, Step
from .closed import gaussian_integral, t
from .integrate import Growth, abs_moment
from .moments import (Moment, _abs_upper, _lipschitz, _moment, almost_everywhere, derivative_pieces, exact_value,
                      instance_of, positive)

_s = sp.Symbol("s_outer", real=True)  # the outer variable while the inner integral is taken


@dataclass(frozen=True)
class Kernel:
    rho: sp.Expr
    q: sp.Expr
    value: Moment  # k(ρ)
    derivative: Moment  # k′(ρ)
    q2: sp.Expr = None  # variance of v (q1 = q of u)


def _inner(pieces, rho, q) -> sp.Expr:
    """h(t) = E_w f(√q ρ t + √(q(1−ρ²)) w) in closed form (q: the variance of v), or UnsupportedError."""
    a, b = sp.sqrt(q) * rho * _s, sp.sqrt(q * (1 - rho ** 2))
    total = sp.Integer(0)
    for p in pieces.pieces:
        lo = p.lo if p.lo == -sp.oo else (p.lo - a) / b
        hi = p.hi if p.hi == sp.oo else (p.hi - a) / b
        part = gaussian_integral(p.expr.subs(x, a + b * t), lo, hi)
        if part is None:
            raise UnsupportedError("the inner conditional expectation E[f(v) | u] has no closed form in the exact "
                                   "class (piecewise polynomial·exp, erf of linear arguments)")
        total += part
    return total.subs(_s, t)


def _outer_pieces(pieces, q, h, sign: int = 1) -> tuple:
    """((lo, hi, f(sign·√q t)·h(t)), ...) in t, in order (sign −1 mirrors: for ρ = −1)."""
    def end(e):
        return e if e in (-sp.oo, sp.oo) else e / sp.sqrt(q)

    out = []
    for p in (pieces.pieces if sign > 0 else reversed(pieces.pieces)):
        lo, hi = (end(p.lo), end(p.hi)) if sign > 0 else (-end(p.hi), -end(p.lo))
        out.append((lo, hi, p.expr.subs(x, sign * sp.sqrt(q) * t) * h))
    return tuple(out)


def _merge(a: tuple, b: tuple) -> tuple:
    """Pieces of the product of two piece lists over ℝ (breakpoints of both, ordered exactly)."""
    points = []
    for lst in (a, b):
        for lo, hi, e in lst[:-1]:
            if not any(compare(hi, p) == 0 for p in points):
                points.append(hi)
    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            c = compare(points[i], points[j])
            if c is None:
                raise UnsupportedError("cannot order the breakpoints of f(u) and f(−u)")
            if c > 0:
                points[i], points[j] = points[j], points[i]
    ends = [-sp.oo, *points, sp.oo]

    def expr_on(lst, lo, hi):
        for plo, phi, e in lst:
            if (plo == -sp.oo or compare(plo, lo) != 1) and (phi == sp.oo or (hi != sp.oo and compare(hi, phi) != 1)):
                return e
        raise UnsupportedError("pieces do not cover the line")

    return tuple((lo, hi, expr_on(a, lo, hi) * expr_on(b, lo, hi)) for lo, hi in zip(ends[:-1], ends[1:]))


def _one(pieces, rho, q1, q2, growth, digits, what) -> Moment:
    why = "sup|f′| is +inf, so no certified growth bound bounds the Gaussian tail"
    if rho == 1 or rho == -1:  # v = ±√(q2/q1) u: f(√q1 t)·f(±√q2 t)
        one = _outer_pieces(pieces, q1, sp.Integer(1))
        other = _outer_pieces(pieces, q2, sp.Integer(1), 1 if rho == 1 else -1)
        return _moment(_merge(one, other), growth, digits, what, why)
    try:
        h = _inner(pieces, rho, q2)
    except UnsupportedError as exc:
        return _hermite(pieces, rho, q1, q2, growth, digits, what, exc)
    return _moment(_outer_pieces(pieces, q1, h), growth, digits, what, why)


def _hermite(pieces, rho, q1, q2, growth, digits, what, why_not) -> Moment:
    """The certified Hermite (Mehler) series of :mod:`.hermite` (its quadratures split at the breakpoints),
    or, where it needs more than ``hermite.MAX_TERMS`` terms (|ρ| near 1), the nested quadrature of
    :mod:`.quad2d` — decided from ρ and the digits alone."""
    from .growth import X, global_bound
    from .hermite import MAX_TERMS, kernel_series, terms_needed

    bound = global_bound(pieces)
    if bound is None:
        L = _certified_lipschitz(pieces)
        if L == sp.oo:
            raise UnsupportedError(f"{why_not}; and no proved growth bound for the Hermite series")
        bound = _abs_upper(_at_zero(pieces)) + L * X
    if terms_needed(rho, digits) > MAX_TERMS:
        from .quad2d import nested

        if growth is None:
            raise UnsupportedError(f"{why_not}; and no proved growth bound for the nested quadrature")
        ball = nested(tuple((p.lo, p.hi, p.expr) for p in pieces.pieces), bound, growth, rho, q1, q2, digits)
        step = Step("Certified by nested Arb quadrature: {0} = ∫ φ(t) g(√q₁ t) ∫ φ(w) g(√q₂(ρt + √(1 − ρ²) w)) dw dt "
                    "(g = f for k, g = f′ for k′) on [−T, T] × [−W, W], both integrals Arb's Gauss–Legendre scheme "
                    "with certified error bounds, split wherever a piece of g changes; the inner integral is "
                    "certified holomorphic in t on the outer ellipses (every evaluation checked); the rest of the "
                    "plane is bounded by the proved growth |g(x)| ≤ P(|x|).", (sp.Symbol(what),))
        return Moment(Number(None, ball), Method.CERTIFIED, (step,))
    ball = kernel_series(pieces, rho, q1, q2, bound, digits)
    step = Step("Certified by the Hermite (Mehler) series {0} = Σ a_n b_n ρⁿ, a_n = E g(√q₁Z) He_n(Z)/√n!, "
                "each coefficient an Arb Gauss–Legendre quadrature with Bernstein-ellipse error bounds and a tail "
                "|t| > T bounded by Cramér's inequality; the series tail by |ρ|^(N+1)·√(R_a R_b), R = E g² − Σ a_n² "
                "(Parseval).", (sp.Symbol(what),))
    return Moment(Number(None, ball), Method.CERTIFIED, (step,))


def _polynomial_growth(pieces, rho, q1, q2) -> Growth | None:
    """|f(√q₁ t)·h(t)| <= P(√q₁|t|)·E P(a|t| + b|W|) for every t (see the module docstring), with P the
    proved global bound of f (None when there is none); coefficients rounded up to rationals."""
    from .growth import X, global_bound

    P = global_bound(pieces)
    if P is None:
        return None
    U = sp.Symbol("U", nonnegative=True)
    p = sp.Poly(P, X).all_coeffs()[::-1]
    a, b = sp.sqrt(q2) * sp.Abs(rho), sp.sqrt(q2 * (1 - rho ** 2))
    H = sp.Add(*(c * sp.binomial(k, j) * a ** j * U ** j * b ** (k - j) * abs_moment(k - j)
                 for k, c in enumerate(p) for j in range(k + 1)))
    F = sp.Add(*(c * (sp.sqrt(q1) * U) ** k for k, c in enumerate(p)))
    coeffs = sp.Poly(sp.expand(F * H), U).all_coeffs()[::-1]
    return Growth(tuple(_abs_upper(c) for c in coeffs), 1)


def _at_zero(pieces) -> sp.Expr:
    """f(0), or for derivative pieces (no breakpoint values) the value of a piece whose closure holds 0:
    the fallback runs only where f is continuous (a finite Lipschitz constant)."""
    try:
        return pieces.at(sp.Integer(0))
    except UnsupportedError:
        for p in pieces.pieces:
            if compare(p.lo, 0) in (-1, 0, None) and compare(p.hi, 0) in (1, 0, None) and p.lo != sp.oo:
                return p.expr.subs(x, 0)
        raise


def _certified_lipschitz(pieces) -> sp.Expr:
    """sup|f′| as :func:`.moments._lipschitz`, or +oo where the profile of f′ cannot be certified (Snake:
    f″ oscillates at ±∞)."""
    try:
        return _lipschitz(pieces)
    except (UnsupportedError, CertificationError):
        return sp.oo


@calculus.without_units_import()
def kernel(f, params=None, *, rho, q=1, q2=None, digits: int = DEFAULT_DIGITS) -> Kernel:
    """k(ρ) and k′(ρ), each exact or certified; u ~ N(0, q), v ~ N(0, q2) (default q2 = q), corr ρ.

    >>> kernel("relu", rho=0).value.value.exact    # q/(2π) (arc-cosine kernel at ρ = 0)
    1/(2*pi)
    """
    check_digits(digits)
    inst = instance_of(f, params)
    rho, q = exact_value(rho, "rho"), positive(q, "q")
    q2 = q if q2 is None else positive(q2, "q2")
    if compare(sp.Abs(rho), 1) not in (-1, 0):
        raise InputError(f"rho must satisfy |rho| <= 1, got {rho}")
    pieces = decompose(inst.expr)
    dpieces = derivative_pieces(pieces)
    L = _certified_lipschitz(pieces)
    if L == sp.oo:
        g, gp = _polynomial_growth(pieces, rho, q, q2), _polynomial_growth(dpieces, rho, q, q2)
    else:
        r = sp.Max(sp.sqrt(q), sp.sqrt(q2))
        A = _abs_upper(pieces.at(sp.Integer(0))) + L * r
        g, gp = Growth((A, L * r), 2), Growth((L,), 2)
    value = _one(pieces, rho, q, q2, g, digits, "k(rho)")
    deriv = almost_everywhere(_one(dpieces, rho, q, q2, gp, digits, "k'(rho)"), pieces)
    return Kernel(rho, q, value, deriv, q2)
