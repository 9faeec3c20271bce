"""Dual kernels without a closed inner expectation, by the Hermite (Mehler) expansion, certified.

For g(√q Z) with E g(√q Z)² < ∞, the normalised Hermite coefficients a_n = E g(√q Z) h_n(Z),
h_n = He_n/√n! (probabilists' Hermite polynomials), satisfy Parseval's identity Σ a_n² = E g(√q Z)²,
and Mehler's formula gives, for (Z₁, Z₂) standard normal with correlation ρ,

    E g(√q₁ Z₁) g(√q₂ Z₂) = Σ_n a_n b_n ρⁿ,                        (Daniely et al. 2016, §4)

with b_n the coefficients at q₂.  The tail after N terms is bounded by Cauchy–Schwarz and |ρ| <= 1:
|Σ_{n>N} a_n b_n ρⁿ| <= |ρ|^(N+1) √(R_a R_b), R_a = E g(√q₁ Z)² − Σ_{n<=N} a_n² >= 0 — every term
certified: the coefficients a_0 … a_N come from one Gauss–Legendre pass over unit intervals of
[−T, T] (h_n by its three-term recurrence h_(n+1) = (z h_n − √n h_(n−1))/√(n+1) at every node),
each interval's error bounded on a Bernstein ellipse, and E g² from Arb's ``acb.integral``; the tails
|t| > T are bounded in closed form from the proved growth |g(x)| <= P(|x|) and Cramér's inequality
|He_n(t)| <= K √n! e^(t²/4).  A piecewise g (softsign, the hard functions, xIELU) is integrated piece
by piece, every quadrature split at the breakpoints t = b/√q.  N grows until the tail bound is below
the target, so the series converges fast for |ρ| < 1 and smooth g (tanh, SiLU, Mish: analytic in a
strip, coefficients decaying like e^(−c√n)); a kink makes the coefficients decay like a power of n,
so the tail then rests on |ρ|^(N+1) alone.  |ρ| = 1 is one-dimensional and handled by
:mod:`.kernel`.  k′(ρ) = E f′(u) f′(v) is
the same series for g = f′.
"""

from __future__ import annotations

import functools

import sympy as sp
from flint import acb, arb

from ..certified.arbeval import const_ball
from ..certified.balls import bits_for, dyadic, precision, tight_enough
from ..definitions.symbols import x
from ..errors import CertificationError, UnsupportedError
from .acbeval import compile_acb
from .integrate import Growth, between, tail_bound

MAX_TERMS = 400


class Coefficients:
    """a_n = E g(√q Z) h_n(Z) for g given as analytic pieces and one q, certified.

    ``pieces``: ((lo, hi, expr in x), ...) in order, covering ℝ; ``bound``: P(X) with |g(x)| <= P(|x|)
    on all of ℝ.  Every quadrature is split at the breakpoints t = b/√q, so each part integrates one
    analytic expression (a kink makes the coefficients decay slowly, not the quadrature fail)."""

    def __init__(self, pieces: tuple, bound: sp.Expr, q: sp.Expr, bits: int):
        from .growth import X

        self.parts = [compile_acb(e, x) for _, _, e in pieces]
        self.F = self.parts[0] if len(self.parts) == 1 else None
        self.cuts = [sp.sympify(hi) / sp.sqrt(q) for _, hi, _ in pieces[:-1]]  # breakpoints in t, in order
        self.q, self.bits = q, bits
        self.P = [const_ball(c) for c in sp.Poly(sp.expand(bound), X).all_coeffs()[::-1]]  # |g(x)| <= P(|x|)
        with precision(bits):
            self.r = arb(const_ball(q)).sqrt()
        self.tol = arb(2) ** (-bits + 8)
        self._cramer = self._growth([sp.Integer(1)], arb(1), sp.sqrt(2) * sp.sqrt(q))  # P(√(2q)|s|)
        self.target = arb(2) ** (-bits + 12)

    def _segments(self, points: list) -> list:
        """[(a, b, F)] covering [points[0], points[-1]] (exact integers, increasing): the intervals
        between consecutive points, cut again at every breakpoint strictly inside; F is the compiled
        piece on that part.  Breakpoints are ordered against the points exactly (:func:`compare`)."""
        from ..definitions.domain import compare

        lo, hi = points[0], points[-1]
        inner = []
        index = 0  # the piece that holds points[0]: the number of breakpoints <= lo
        for c in self.cuts:
            below, above = compare(c, lo), compare(c, hi)
            if below is None or above is None:
                raise CertificationError(f"cannot place the breakpoint {c} against the quadrature range")
            if below != 1:
                index += 1
            elif above == -1:
                inner.append(c)
        def order(m1, m2):
            c = compare(m1[0], m2[0])
            if c is None:
                raise CertificationError(f"cannot order the breakpoints {m1[0]} and {m2[0]}")
            return c or m1[1] - m2[1]

        marks = sorted([(sp.Integer(p), 0) for p in points] + [(c, 1) for c in inner], key=functools.cmp_to_key(order))
        out, prev = [], None
        for value, is_cut in marks:
            if prev is not None and compare(value, prev) == 1:
                out.append((prev, value, index))
            if is_cut:
                index += 1
            prev = value if prev is None or compare(value, prev) == 1 else prev
        return [(const_ball(a), const_ball(b), self.parts[i]) for a, b, i in out]

    def _growth(self, extra: list, scale: arb, q_root=None) -> Growth:
        """Rational upper coefficients of P(r|t|)·Σ extra_k |t|^k·scale, r = √q (or ``q_root``);
        all coefficients are >= 0."""
        with precision(self.bits + 32):
            r = self.r if q_root is None else arb(const_ball(q_root))
            p = [c * r ** i for i, c in enumerate(self.P)]
            prod = [arb(0)] * (len(p) + len(extra) - 1)
            for i, a in enumerate(p):
                for j, b in enumerate(extra):
                    if b != 0:
                        prod[i + j] += a * arb(const_ball(b)) * scale
            return Growth(tuple(dyadic(arb(c.upper())) for c in prod), 1)

    def _integral(self, integrand_of, growth: Growth, tail=tail_bound) -> arb:
        """∫ over [−T, T] of ``integrand_of(F)`` piece by piece (ball ends as :func:`.integrate.between`),
        plus the tail bound beyond ±T."""
        T = 6
        with precision(self.bits):
            while not tail(growth, arb(T)) < self.target:
                T += 1 + T // 8
                if T > 4000:
                    raise CertificationError("the Hermite coefficient's tail bound does not fall below the target")
            total = arb(0)
            for a, b, F in self._segments([-T, T]):
                total += between(integrand_of(F), a, b, self.tol, lambda: CertificationError(
                    "the Arb integrator did not converge on a Hermite coefficient"))
            return total + arb(0, tail(growth, arb(T)))

    @staticmethod
    def _cramer_bound(growth: Growth, T: arb) -> arb:
        with precision(max(64, T.bits() if hasattr(T, "bits") else 64)):
            s = T / arb(2).sqrt()
            return arb((arb("1.086436") * arb(2).sqrt() * tail_bound(growth, arb(s.lower()))).upper())

    def all_coefficients(self, N: int) -> list[arb]:
        """a_0, …, a_N at once: Gauss–Legendre on unit pieces of [−T, T] with every h_n from one
        recurrence per node, each piece's error bounded by the Bernstein-ellipse estimate
        |I − I_d| <= (b − a)/2 · 64 M / (15 (R² − 1) R^(2d)) (Trefethen, Approximation Theory and
        Approximation Practice, Thm 19.3) with M = sup |integrand| on the ellipse, enclosed by
        evaluating on a complex box containing it; the tail |t| > T by Cramér's inequality."""
        with precision(self.bits):
            T = 6
            while not self._cramer_bound(self._cramer, arb(T)) < self.target:
                T += 1
                if T > 400:
                    raise CertificationError("the Hermite coefficients' tail bound does not fall below the target")
            tail = self._cramer_bound(self._cramer, arb(T))
            total = [arb(0, tail)] * (N + 1)
            segments = self._segments(list(range(-T, T + 1)))
            budget = self.target / len(segments)
            for a, b, F in segments:
                # a ball end (a breakpoint b/√q): integrate from its exact midpoint and add
                # rad · sup|integrand| on the end's ball, for every n (as :func:`.integrate.between`)
                for piece in self._pieces(arb(a.mid()), arb(b.mid()), N, budget, 0, F):
                    total = [u + v for u, v in zip(total, piece)]
                for end in (a, b):
                    if end.rad() != 0:
                        vals = self._values(acb(end), N, F, False)
                        if not all(v.is_finite() for v in vals):
                            raise CertificationError("a Hermite integrand is not finite next to a breakpoint")
                        total = [u + arb(0, (abs(v) * end.rad()).upper()) for u, v in zip(total, vals)]
            return total

    def _values(self, z: acb, N: int, F=None, analytic: bool = True) -> list:
        c = 1 / (2 * arb.pi()).sqrt()
        base = (F or self.F)(acb(self.r) * z, analytic) * (-(z * z) / 2).exp() * c
        out, h0, h1 = [base], acb(1), z
        if N >= 1:
            out.append(base * z)
        for k in range(1, N):
            h0, h1 = h1, (z * h1 - self._roots[k] * h0) / self._roots[k + 1]
            out.append(base * h1)
        return out

    def _pieces(self, a: arb, b: arb, N: int, budget: arb, depth: int, F):
        """Yield the enclosures (lists over n) of ∫_a^b on [a, b], split when no ellipse works."""
        if not hasattr(self, "_roots") or len(self._roots) < N + 2:
            self._roots = [arb(k).sqrt() for k in range(N + 2)]
        mid, hw = (a + b) / 2, (b - a) / 2
        for R in (arb(4), arb(2), arb(3) / 2):
            box = acb(arb(mid, (hw * (R + 1 / R) / 2).upper()), arb(0, (hw * (R - 1 / R) / 2).upper()))
            vals = self._values(box, N, F)
            if not all(v.is_finite() for v in vals):
                continue
            M = max((abs(v).upper() for v in vals), key=lambda u: float(u.mid()))
            if M == 0:  # the integrand is exactly 0 on the whole box (a zero piece: max(0, tanh x) for x < 0)
                yield [arb(0)] * (N + 1)
                return
            # smallest d with hw·64M/(15(R²−1)R^(2d)) <= budget
            need = (hw * 64 * arb(M) / (15 * (R * R - 1) * budget)).log() / (2 * R.log())
            d = max(4, int(float(need.upper().mid())) + 1)
            if d > 240:
                continue
            err = [arb(0, (hw * 64 * abs(v).upper() / (15 * (R * R - 1) * R ** (2 * d))).upper()) for v in vals]
            nodes = _gauss_legendre(d, self.bits)
            acc = [arb(0)] * (N + 1)
            for xk, wk in nodes:
                vs = self._values(acb(mid + hw * xk), N, F)
                acc = [s_ + wk * v.real for s_, v in zip(acc, vs)]
            yield [hw * s_ + e for s_, e in zip(acc, err)]
            return
        if depth >= 8:
            raise CertificationError("no analytic neighbourhood of the real line found for the Hermite quadrature")
        yield from self._pieces(a, a + hw, N, budget / 2, depth + 1, F)
        yield from self._pieces(a + hw, b, N, budget / 2, depth + 1, F)

    def second(self) -> arb:
        """E g(√q Z)² (Parseval's total)."""
        with precision(self.bits):
            r, c = acb(self.r), 1 / (2 * arb.pi()).sqrt()

        def integrand_of(F):
            def integrand(z, analytic):
                v = F(r * z, analytic)
                return v * v * (-(z * z) / 2).exp() * c
            return integrand

        # P(√q|t|)² = P(√q|t|)·(coefficients of P(√q|t|)), already scaled: square via _growth with extra = P·r^i
        with precision(self.bits + 32):
            extra = [dyadic(arb((c * self.r ** i).upper())) for i, c in enumerate(self.P)]
        return self._integral(integrand_of, self._growth(extra, arb(1)))


_NODES: dict = {}


def _gauss_legendre(d: int, bits: int) -> list:
    """Gauss–Legendre nodes and weights on (−1, 1), as Arb balls (cached per degree and precision)."""
    key = (d, bits)
    if key not in _NODES:
        _NODES[key] = [arb.legendre_p_root(d, k, weight=True) for k in range(d)]
    return _NODES[key]


def terms_needed(rho: sp.Expr, digits: int) -> arb:
    """The terms the series needs when the coefficients do not decay at all: |ρ|^N <= 10^-(digits+2)
    (an upper bound; 0 for ρ = 0).  Above :data:`MAX_TERMS` the series is refused (the kernel then uses the
    nested quadrature of :mod:`.quad2d`)."""
    with precision(64):
        r = abs(arb(const_ball(rho)))
        if not r < 1:
            raise UnsupportedError("the Hermite series needs |rho| < 1 (|rho| = 1 is one-dimensional)")
        return (arb(10).log() * (digits + 2) / -r.log()).upper() if r > 0 else arb(0)


def series(pieces: tuple, bound: sp.Expr, rho: sp.Expr, q1: sp.Expr, q2: sp.Expr, digits: int) -> arb:
    """E g(√q₁ Z₁) g(√q₂ Z₂) for correlation ρ (|ρ| < 1), certified to ``digits`` (module text);
    ``pieces`` ((lo, hi, expr in x), ...) cover ℝ in order and ``bound`` is P with |g(x)| <= P(|x|) on ℝ."""
    pessimistic = terms_needed(rho, digits)
    if pessimistic > MAX_TERMS:
        raise UnsupportedError(f"|rho| = {sp.sstr(sp.Abs(rho))} is too close to 1 for the Hermite series at {digits} "
                               f"digits (up to {int(float(pessimistic)) + 1} terms; the limit is {MAX_TERMS})")
    for guard in (8, 24):
        bits = bits_for(digits + guard)
        A = Coefficients(pieces, bound, q1, bits)
        B = A if q2 == q1 else Coefficients(pieces, bound, q2, bits)
        with precision(bits):
            rb = arb(const_ball(rho))
            Ra, Rb = A.second(), (A.second() if B is A else B.second())
            target = arb(10) ** (-(digits + 2))
            total, power = arb(0), arb(1)
            N, ca, cb = 0, [], []
            for n in range(MAX_TERMS):
                if n >= len(ca):  # coefficients in batches (one quadrature gives a whole batch)
                    N = max(2 * N, 24)
                    ca = A.all_coefficients(N)
                    cb = ca if B is A else B.all_coefficients(N)
                a, b = ca[n], cb[n]
                total += a * b * power
                Ra, Rb = Ra - a * a, Rb - b * b
                power *= rb
                ra, rbb = arb.max(Ra, arb(0)).upper(), arb.max(Rb, arb(0)).upper()
                tail = abs(power) * (arb(ra) * arb(rbb)).sqrt()
                if n >= 2 and tail < target * arb.max(arb(1), abs(total)) / 4:
                    out = total + arb(0, arb(tail.upper()))
                    if tight_enough(out, digits):
                        return out
                    break
            else:
                raise CertificationError(f"the Hermite series did not converge within {MAX_TERMS} terms "
                                         "(|ρ| too close to 1 or g not smooth)")
    raise CertificationError(f"the Hermite series did not reach {digits} digits")


def kernel_series(pieces, rho, q1, q2, bound, digits: int) -> arb:
    """The series for a function given as :class:`~gelu_math.analysis.pieces.Pieces`."""
    return series(tuple((p.lo, p.hi, p.expr) for p in pieces.pieces), bound, rho, q1, q2, digits)
