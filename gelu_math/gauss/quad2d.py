"""Dual kernels near |ρ| = 1 by nested certified quadrature (where the Hermite series needs too many terms).

With u = √q₁ t and v = √q₂(ρt + s w), s = √(1 − ρ²), t and w independent standard normals,

    k = ∫ φ(t) g(a t) G(t) dt,   G(t) = ∫ φ(w) g(c t + d w) dw,   a = √q₁, c = √q₂ ρ, d = √q₂ s.

Both integrals are python-flint's ``acb.integral`` (Petras' Gauss–Legendre scheme with certified error
bounds).  The outer one needs G holomorphic in t near the path and a bound of |G| on complex boxes (its
Bernstein ellipses); G is given as

* at a point t (a ball of radius below 2^(−p/2)): ``acb.integral`` over the inner path, whose error is
  inside the returned ball;
* on a wider box (or when the outer integrator asks for holomorphy): the path cut into cells, each cell
  enclosed by the rectangle hull of its ends and |∫ over the cell| <= length · sup |φ(w) g(ct + dw)| on
  it, every evaluation with the ``analytic`` check — so a finite bound also certifies that every piece is
  holomorphic on every (t, w) the path can reach from the box, hence G is holomorphic there.

The inner path runs over [−W, W] in w, cut where a piece of g changes: w_β(t) = (β − c t)/d for a
breakpoint β.  The outer range [−T, T] is cut at the breakpoints β/a of g(a t) and where some w_β(t)
crosses ±W, so that on each outer segment the same breakpoints lie inside (−W, W) and G is one analytic
expression of t (its path ends move with t; complex t gives complex ends).  Each segment, with its own
layout and its own piece of g(a t), is integrated by :func:`.integrate.between`: between the exact
midpoints of its end cuts' balls, plus rad · sup|integrand| on each end's ball — which covers the stretch
between an exact cut and its midpoint on either side, so on every exact segment the layout is the right
one (at outer breakpoints and at crossings of ±W alike).

The rest of the plane is bounded by the proved growth |g(x)| <= P(|x|) (:func:`.growth.global_bound`,
nonnegative coefficients):

* |t| > T: ∫ φ(t) P(a|t|) E P(|c||t| + d|W|) dt (the Growth the caller passes, from
  :func:`.kernel._polynomial_growth`), bounded by :func:`.integrate.tail_bound`;
* |t| <= T, |w| > W: E P(a|Z|) · ∫_{|w|>W} φ(w) P(|c| T + d|w|) dw, bounded with slack as
  3 · E P(a|Z|) · ∫_{|w|>W−1} φ(w) P(|c| T + d|w|) dw.
"""

from __future__ import annotations

import functools

import sympy as sp
from flint import acb, arb

from ..certified.arbeval import const_ball
from ..certified.balls import bits_for, dyadic, precision, tight_enough
from ..definitions.domain import compare
from ..definitions.symbols import x
from ..errors import CertificationError
from .acbeval import compile_acb
from .integrate import Growth, abs_moment, between, tail_bound

CELLS = 32  # cells per inner path segment in a box bound
GUARDS = (8, 24)


class _Nested:
    """The nested quadrature for one (ρ, q₁, q₂) at one working precision (module text)."""

    def __init__(self, pieces: tuple, bound: sp.Expr, rho, q1, q2, bits: int):
        from .growth import X

        self.bits = bits
        self.cuts = [sp.sympify(hi) for _, hi, _ in pieces[:-1]]  # breakpoints β of g, in order
        self.parts = [compile_acb(e, x) for _, _, e in pieces]
        self.P = sp.Poly(sp.expand(bound), X).all_coeffs()[::-1]
        self.a, self.c = sp.sqrt(q1), sp.sqrt(q2) * rho
        self.d = sp.sqrt(q2 * (1 - rho ** 2))
        with precision(bits):
            self.A, self.C, self.D = (acb(const_ball(v)) for v in (self.a, self.c, self.d))
            self.betas = [acb(const_ball(b)) for b in self.cuts]
            self.phi_c = 1 / (2 * arb.pi()).sqrt()
            self.EP = const_ball(sp.Add(*(p * self.a ** k * abs_moment(k) for k, p in enumerate(self.P))))  # E P(a|Z|)
        self.wide = arb(2) ** (-(bits // 2))

    # --- bounds of the rest of the plane ---------------------------------------------------------

    def inner_tail(self, T: int, W: int) -> arb:
        """3 · E P(a|Z|) · ∫_{|w|>W−1} φ(w) P(|c| T + d|w|) dw, a bound with slack of the part |t| <= T,
        |w| > W (module text)."""
        U = sp.Symbol("U", nonnegative=True)
        poly = sp.Poly(sp.expand(sp.Add(*(p * (sp.Abs(self.c) * T + self.d * U) ** k for k, p in enumerate(self.P)))), U)
        growth = Growth(tuple(dyadic(arb(const_ball(co).upper())) for co in poly.all_coeffs()[::-1]), 1)
        return 3 * self.EP * tail_bound(growth, arb(W - 1))

    # --- the inner integral G(t) ------------------------------------------------------------------
    def _layout(self, t_mid: sp.Expr, W: int) -> tuple[int, list[int]]:
        """(index of the piece at w = −W, indices of the breakpoints inside (−W, W)) at an exact t."""
        first, inside = 0, []
        for j, beta in enumerate(self.cuts):
            w = (beta - self.c * t_mid) / self.d
            lo, hi = compare(w, -W), compare(w, W)
            if lo is None or hi is None:
                raise CertificationError("cannot place a breakpoint of the inner integral against its range")
            if lo != 1:
                first = j + 1
            elif hi == -1:
                inside.append(j)
        return first, inside

    def _path(self, t: acb, layout, W: int) -> list[tuple[acb, acb, int]]:
        first, inside = layout
        ends = [acb(-W)] + [(self.betas[j] - self.C * t) / self.D for j in inside] + [acb(W)]
        return [(ends[i], ends[i + 1], first + i) for i in range(len(ends) - 1)]

    def _integrand(self, t: acb, k: int):
        F, C, D, c0 = self.parts[k], self.C * t, self.D, self.phi_c

        def h(w, analytic):
            return (-(w * w) / 2).exp() * c0 * F(C + D * w, analytic)
        return h

    def G(self, t: acb, analytic: bool, layout, W: int, tol: arb) -> acb:
        path = self._path(t, layout, W)
        if analytic or not (t.real.rad() < self.wide and t.imag.rad() < self.wide):
            return self._box_bound(t, path)
        total = acb(0)
        for p0, p1, k in path:
            h = self._integrand(t, k)
            m0, m1 = acb(p0.real.mid(), p0.imag.mid()), acb(p1.real.mid(), p1.imag.mid())
            r = acb.integral(h, m0, m1, rel_tol=tol, abs_tol=tol)
            if not (r.real.is_finite() and r.imag.is_finite()):
                raise CertificationError("the Arb integrator did not converge on the inner integral of the kernel")
            total += r
            for end, m in ((p0, m0), (p1, m1)):  # |∫ between a ball end and its midpoint| <= |end − m| · sup
                gap = abs(end - m).upper()
                if gap != 0:
                    v = abs(h(end.union(m), True))
                    if not v.is_finite():
                        raise CertificationError("the inner integrand is not finite next to a breakpoint")
                    total += acb(arb(0, (gap * v).upper()), arb(0, (gap * v).upper()))
        return total

    def _box_bound(self, t: acb, path) -> acb:
        """0 ± a bound of |G| for every t in the box, certifying holomorphy on the way (module text)."""
        bound = arb(0)
        for p0, p1, k in path:
            h = self._integrand(t, k)
            step = (p1 - p0) / CELLS
            for j in range(CELLS):
                cell = (p0 + step * j).union(p0 + step * (j + 1))
                v = h(cell, True)
                if not (v.real.is_finite() and v.imag.is_finite()):
                    return acb(arb("nan"), arb("nan"))
                bound += abs(step) * abs(v)
        b = arb(0, bound.upper())
        return acb(b, b)

    # --- the outer integral -----------------------------------------------------------------------
    def _outer_cuts(self, T: int, W: int) -> list[sp.Expr]:
        """Cut points strictly inside (−T, T), ordered, without repeats: the breakpoints β/a of g(a t) and the
        t where some w_β(t) crosses ±W."""
        cand = [b / self.a for b in self.cuts]
        if self.c != 0:
            cand += [(b - s * self.d * W) / self.c for b in self.cuts for s in (-1, 1)]
        inside = []
        for v in cand:
            lo, hi = compare(v, -T), compare(v, T)
            if lo is None or hi is None:
                raise CertificationError("cannot place a cut point of the kernel's quadrature")
            if lo == 1 and hi == -1:
                inside.append(v)

        def order(p, q):
            r = compare(p, q)
            if r is None:
                raise CertificationError("cannot order the cut points of the kernel's quadrature")
            return r
        inside.sort(key=functools.cmp_to_key(order))
        out = []
        for v in inside:
            if not (out and compare(out[-1], v) == 0):
                out.append(v)
        return out

    def integral(self, growth: Growth, target: arb) -> arb:
        with precision(self.bits):
            T = 6
            while not tail_bound(growth, arb(T)) < target / 4:
                T += 1 + T // 8
                if T > 4000:
                    raise CertificationError("the kernel's tail bound does not fall below the target")
            W = 6
            while not self.inner_tail(T, W) < target / 4:
                W += 1 + W // 8
                if W > 4000:
                    raise CertificationError("the kernel's inner tail bound does not fall below the target")
            ends = [sp.Integer(-T), *self._outer_cuts(T, W), sp.Integer(T)]
            n = len(ends) - 1
            tol = target / (8 * n)
            inner_tol = target / (8 * arb.max(arb(1), self.EP))
            total = arb(0, (tail_bound(growth, arb(T)) + self.inner_tail(T, W)).upper())
            for lo, hi in zip(ends[:-1], ends[1:]):
                mid = (lo + hi) / 2
                layout = self._layout(mid, W)
                order = [compare(b / self.a, mid) for b in self.cuts]
                if None in order:
                    raise CertificationError("cannot place a breakpoint of g(a t) against an outer segment")
                k = sum(1 for c in order if c == -1)  # the piece of g(a t)
                F, A, c0 = self.parts[k], self.A, self.phi_c

                def outer(t, analytic, F=F, layout=layout):
                    g = self.G(t, analytic, layout, W, inner_tol)
                    return F(A * t, analytic) * (-(t * t) / 2).exp() * c0 * g

                lo_b, hi_b = const_ball(lo), const_ball(hi)
                total += between(outer, lo_b, hi_b, tol, lambda: CertificationError(
                    "the Arb integrator did not converge on the kernel's outer integral"))
            return total


def nested(pieces: tuple, bound: sp.Expr, growth: Growth, rho, q1, q2, digits: int) -> arb:
    """E g(√q₁ Z₁) g(√q₂ Z₂) for correlation ρ (0 < |ρ| < 1), certified to ``digits`` (module text).

    ``pieces`` ((lo, hi, expr in x), ...) cover ℝ in order; ``bound`` is P with |g(x)| <= P(|x|) on ℝ;
    ``growth`` bounds |g(√q₁ t) E_w g(...)| for the outer tail."""
    for guard in GUARDS:
        bits = bits_for(digits + guard)
        with precision(bits):
            target = arb(10) ** (-(digits + 3))
            out = _Nested(pieces, bound, rho, q1, q2, bits).integral(growth, target)
        if tight_enough(out, digits):
            return out
    raise CertificationError(f"the nested quadrature of the kernel did not reach {digits} digits")
