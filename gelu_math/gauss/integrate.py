"""Certified Gaussian integrals: Arb quadrature on a bounded core plus a proved tail bound.

For an integrand given as analytic pieces in the standard-normal variable t, the integral
∫ g(t) φ(t) dt is split at ±T: the core [−T, T] is integrated piece by piece (split at the
breakpoints inside it) by python-flint's ``acb.integral`` (Petras' Gauss–Legendre scheme with
certified error bounds, Arb documentation "acb_calc"), and the two tails are bounded by a
closed form in Q(T) = erfc(T/√2)/2 and φ(T) from a proved growth bound |g(t)| ≤ (Σ C_i|t|^i)^k
for |t| ≥ t₀ (e.g. (A + B|t|)² for f² with |f(x)| ≤ |f(0)| + L|x|):

    ∫_{|t|>T} (A + B|t|)² φ = 2(A² Q(T) + 2AB φ(T) + B² (T φ(T) + Q(T)))

(∫_T^∞ t φ = φ(T), ∫_T^∞ t² φ = T φ(T) + Q(T), by parts; in general M_j below).  T grows until the tail is below
the target; the core is retried at a higher precision until its ball is tight enough.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp
from flint import acb, arb

from ..certified.arbeval import const_ball
from ..certified.balls import bits_for, precision, tight_enough
from ..errors import CertificationError
from .acbeval import compile_acb
from .closed import t

PHI_T = sp.exp(-t ** 2 / 2) / sp.sqrt(2 * sp.pi)
GUARDS = (6, 20, 60)  # extra digits of working precision, tried in turn


@dataclass(frozen=True)
class Growth:
    """|g(t)| <= (Σ_i C_i |t|^i)^k for |t| >= start (C_i >= 0 and start >= 0 exact constants)."""

    coeffs: tuple
    k: int
    start: sp.Expr = sp.Integer(0)


@functools.lru_cache(maxsize=4096)
def _power_coeffs(coeffs: tuple, k: int) -> tuple:
    """The coefficients D_j of (Σ C_i u^i)^k, exact constants, lowest degree first: repeated
    convolution, without SymPy's polynomial expansion (the criticality search bounds a tail on every box,
    and an expansion per call cost a quarter of its time)."""
    out = (sp.Integer(1),)
    for _ in range(k):
        prod = [sp.Integer(0)] * (len(out) + len(coeffs) - 1)
        for i, a in enumerate(out):
            for j, c in enumerate(coeffs):
                prod[i + j] += a * c
        out = tuple(prod)
    return out


def abs_moment(i: int) -> sp.Expr:
    """E|W|^i for W ~ N(0, 1): 2^(i/2) Γ((i + 1)/2)/√π (exact)."""
    return sp.Integer(2) ** sp.Rational(i, 2) * sp.gamma(sp.Rational(i + 1, 2)) / sp.sqrt(sp.pi)


def tail_bound(growth: Growth, T: arb) -> arb:
    """Upper bound (a ball's upper end) of ∫_{|t|>T} (Σ C_i |t|^i)^k φ(t) dt, T >= start:
    2 Σ_j D_j M_j(T) with D the coefficients of the k-th power and M_j(T) = ∫_T^∞ u^j φ, from
    M_0 = Q(T), M_1 = φ(T), M_j = (j − 1) M_(j−2) + T^(j−1) φ(T) (by parts)."""
    D = _power_coeffs(growth.coeffs, growth.k)
    phi = (-T * T / 2).exp() / (2 * arb.pi()).sqrt()
    M = [(T / arb(2).sqrt()).erfc() / 2, phi]
    while len(M) < len(D):
        j = len(M)
        M.append((j - 1) * M[j - 2] + T ** (j - 1) * phi)
    b = arb(0)
    for d, m in zip(D, M):
        if d != 0:
            b += const_ball(d) * m
    return arb((2 * b).upper())


def _cut(growth: Growth, digits: int) -> tuple[int, arb]:
    """An integer T >= start with the tail below 10^-(digits+3), and the bound."""
    target = arb(10) ** (-(digits + 3))
    T = max(int((2 * 2.302585 * (digits + 3)) ** 0.5) + 2, int(const_ball(growth.start).upper().ceil().unique_fmpz()) + 1)
    for _ in range(4000):
        b = tail_bound(growth, arb(T))
        if b < target:
            return T, b
        T += 1 + T // 8
    raise CertificationError("the Gaussian tail bound does not fall below the target")


def _inside(value: sp.Expr, T: int) -> int | None:
    """+1 when -T < value < T is certified, 0 when |value| > T, None when undecided."""
    b = const_ball(value)
    if bool(b > -T) and bool(b < T):
        return 1
    if bool(b > T) or bool(b < -T):
        return 0
    return None


def _segment(expr: sp.Expr, lo, hi, tol: arb) -> arb:
    """∫_lo^hi expr(t) φ(t) dt for ball ends: quadrature between the ends' exact midpoints, plus
    |∫ between an end and its midpoint| <= rad · sup |integrand| on the end's ball."""
    g = sp.sympify(expr) * PHI_T
    return between(compile_acb(g, t), lo, hi, tol,
                   lambda: CertificationError(f"the Arb integrator did not converge on [{lo.mid()}, {hi.mid()}]"))


def between(F, lo: arb, hi: arb, tol: arb, fails) -> arb:
    """∫ F from lo to hi (F an ``acb.integral`` integrand, real on the real line; the ends balls): Arb's
    quadrature between the ends' exact midpoints (``fails()`` is raised when it does not converge) plus
    |∫ between an end and its midpoint| <= rad · sup |F| on the end's ball."""
    r = acb.integral(F, arb(lo.mid()), arb(hi.mid()), rel_tol=tol, abs_tol=tol)
    if not (r.real.is_finite() and r.imag.is_finite()):
        raise fails()
    value = r.real
    for end in (lo, hi):
        if end.rad() != 0:
            # the complex compiler at a real ball (flint's arb ** n is nan on a ball containing 0)
            m = abs(F(acb(end), False))
            if not m.is_finite():
                raise CertificationError("the integrand is not finite next to a breakpoint")
            value += arb(0, (m * end.rad()).upper())
    return value


def certified_integral(pieces: tuple, growth: Growth, digits: int) -> arb:
    """A ball of ∫ g φ over ℝ with rad <= 10^-(digits+2)·max(1, |mid|) (see the module text).

    ``pieces``: ((lo, hi, expr in t), ...) in order, covering ℝ (lo of the first −∞, hi of the last +∞).
    """
    for guard in GUARDS:
        bits = bits_for(digits + guard)
        with precision(bits):
            T, tail = _cut(growth, digits + guard // 2)
            for _ in range(8):
                flags = [_inside(hi, T) for lo, hi, e in pieces[:-1]]
                if None not in flags:
                    break
                T += 1
                tail = tail_bound(growth, arb(T))
            else:
                raise CertificationError("cannot place the breakpoints relative to the core")
            tol = arb(2) ** (-bits + 8)
            total = arb(0, tail)
            lo_ball = arb(-T)
            for (lo, hi, e), inside in zip(pieces, flags + [1]):
                if hi == sp.oo:
                    hi_ball = arb(T)
                elif inside:
                    hi_ball = const_ball(hi)
                else:
                    if bool(const_ball(hi) < -T):
                        continue  # the whole piece lies in the left tail
                    hi_ball = arb(T)  # beyond T: the rest is in the right tail
                total += _segment(e, lo_ball, hi_ball, tol)
                lo_ball = hi_ball
                if hi != sp.oo and not inside:
                    break  # the rest of the line lies in the right tail
            if tight_enough(total, digits):
                return total
    raise CertificationError(f"the Gaussian integral did not reach {digits} digits")
