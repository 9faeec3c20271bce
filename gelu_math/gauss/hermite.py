"""Dual kernels without a closed inner expectation, by the Hermite (Mehler) expansion, certified.

For g(√q Z) with E g(√q Z)² < ∞, the normalised Hermite coefficients a_n = E g(√q Z) h_n(Z),
h_n = He_n/√n! (probabilists' Hermite polynomials), satisfy Parseval's identity Σ a_n² = E g(√q Z)²,
and Mehler's formula gives, for (Z₁, Z₂) standard normal with correlation ρ,

    E g(√q₁ Z₁) g(√q₂ Z₂) = Σ_n a_n b_n ρⁿ,                        (Daniely et al. 2016, §4)

with b_n the coefficients at q₂.  The tail after N terms is bounded by Cauchy–Schwarz and |ρ| <= 1:
|Σ_{n>N} a_n b_n ρⁿ| <= |ρ|^(N+1) √(R_a R_b), R_a = E g(√q₁ Z)² − Σ_{n<=N} a_n² >= 0 — every term
certified: each a_n and E g² is an Arb quadrature (``acb.integral``, h_n by its three-term
recurrence h_(n+1) = (z h_n − √n h_(n−1))/√(n+1)) on [−T, T] plus a tail |t| > T bounded in closed
form from the proved growth |g(x)| <= P(|x|) and |h_n(t)| <= Σ_k |c_nk| |t|^k (the absolute
coefficients).  N grows until the tail bound is below the target, so the series converges fast
for |ρ| < 1 and smooth g (tanh, SiLU, Mish: analytic in a strip, coefficients decaying like
e^(−c√n)); |ρ| = 1 is one-dimensional and handled by :mod:`.kernel`.  k′(ρ) = E f′(u) f′(v) is
the same series for g = f′.
"""

from __future__ import annotations


import sympy as sp
from flint import acb, arb

from ..certified.arbeval import const_ball
from ..certified.balls import bits_for, precision, tight_enough
from ..definitions.symbols import x
from ..errors import CertificationError, UnsupportedError
from .acbeval import compile_acb
from .integrate import Growth, tail_bound

MAX_TERMS = 400


def _rational(v: arb) -> sp.Rational:
    m, e = v.man_exp()
    return sp.Integer(int(m)) * sp.Integer(2) ** int(e)


class Coefficients:
    """a_n = E g(√q Z) h_n(Z) for one expression g (one analytic piece on ℝ) and one q, certified."""

    def __init__(self, expr: sp.Expr, bound: sp.Expr, q: sp.Expr, bits: int):
        from .growth import X

        self.F = compile_acb(expr, x)
        self.q, self.bits = q, bits
        self.P = [const_ball(c) for c in sp.Poly(sp.expand(bound), X).all_coeffs()[::-1]]  # |g(x)| <= P(|x|)
        with precision(bits):
            self.r = arb(const_ball(q)).sqrt()
        self.tol = arb(2) ** (-bits + 8)
        self._cramer = self._growth([sp.Integer(1)], arb(1), sp.sqrt(2) * sp.sqrt(q))  # P(√(2q)|s|)
        self.target = arb(2) ** (-bits + 12)

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
            return Growth(tuple(_rational(arb(c.upper())) for c in prod), 1)

    def _integral(self, integrand, growth: Growth, tail=tail_bound) -> arb:
        T = 6
        with precision(self.bits):
            while not tail(growth, arb(T)) < self.target:
                T += 1 + T // 8
                if T > 4000:
                    raise CertificationError("the Hermite coefficient's tail bound does not fall below the target")
            res = acb.integral(integrand, -T, T, rel_tol=self.tol, abs_tol=self.tol)
            if not res.real.is_finite():
                raise CertificationError("the Arb integrator did not converge on a Hermite coefficient")
            return res.real + arb(0, tail(growth, arb(T)))

    @staticmethod
    def _cramer_bound(growth: Growth, T: arb) -> arb:
        with precision(max(64, T.bits() if hasattr(T, "bits") else 64)):
            s = T / arb(2).sqrt()
            return arb((arb("1.086436") * arb(2).sqrt() * tail_bound(growth, arb(s.lower()))).upper())

    def coefficient(self, n: int) -> arb:
        """a_n, with the tail |t| > T bounded by Cramér's inequality |He_n(t)| <= K √n! e^(t²/4),
        K = 1.086435 (Abramowitz & Stegun 22.14.17, for H_n(t) = 2^(n/2) He_n(√2 t)):
        |∫_{|t|>T} g(√q t) h_n(t) φ(t) dt| <= K √2 ∫_{|s|>T/√2} P(√(2q)|s|) φ(s) ds."""
        F = self.F
        with precision(self.bits):
            r = acb(self.r)
            c = 1 / (2 * arb.pi()).sqrt()
            roots = [arb(k).sqrt() for k in range(n + 2)]

        def integrand(z, analytic):
            h0, h1 = acb(1), z
            for k in range(1, n):
                h0, h1 = h1, (z * h1 - roots[k] * h0) / roots[k + 1]
            h = h0 if n == 0 else h1
            return F(r * z, analytic) * h * (-(z * z) / 2).exp() * c

        return self._integral(integrand, self._cramer, self._cramer_bound)

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
            budget = self.target / (2 * T)
            for k in range(-T, T):
                for piece in self._pieces(arb(k), arb(k + 1), N, budget, 0):
                    total = [u + v for u, v in zip(total, piece)]
            return total

    def _values(self, z: acb, N: int) -> list:
        c = 1 / (2 * arb.pi()).sqrt()
        base = self.F(acb(self.r) * z, True) * (-(z * z) / 2).exp() * c
        out, h0, h1 = [base], acb(1), z
        if N >= 1:
            out.append(base * z)
        for k in range(1, N):
            h0, h1 = h1, (z * h1 - self._roots[k] * h0) / self._roots[k + 1]
            out.append(base * h1)
        return out

    def _pieces(self, a: arb, b: arb, N: int, budget: arb, depth: int):
        """Yield the enclosures (lists over n) of ∫_a^b on [a, b], split when no ellipse works."""
        if not hasattr(self, "_roots") or len(self._roots) < N + 2:
            self._roots = [arb(k).sqrt() for k in range(N + 2)]
        mid, hw = (a + b) / 2, (b - a) / 2
        for R in (arb(4), arb(2), arb(3) / 2):
            box = acb(arb(mid, (hw * (R + 1 / R) / 2).upper()), arb(0, (hw * (R - 1 / R) / 2).upper()))
            vals = self._values(box, N)
            if not all(v.is_finite() for v in vals):
                continue
            M = max((abs(v).upper() for v in vals), key=lambda u: float(u.mid()))
            # smallest d with hw·64M/(15(R²−1)R^(2d)) <= budget
            need = (hw * 64 * arb(M) / (15 * (R * R - 1) * budget)).log() / (2 * R.log())
            d = max(4, int(float(need.upper().mid())) + 1)
            if d > 240:
                continue
            err = [arb(0, (hw * 64 * abs(v).upper() / (15 * (R * R - 1) * R ** (2 * d))).upper()) for v in vals]
            nodes = _gauss_legendre(d, self.bits)
            acc = [arb(0)] * (N + 1)
            for xk, wk in nodes:
                vs = self._values(acb(mid + hw * xk), N)
                acc = [s_ + wk * v.real for s_, v in zip(acc, vs)]
            yield [hw * s_ + e for s_, e in zip(acc, err)]
            return
        if depth >= 8:
            raise CertificationError("no analytic neighbourhood of the real line found for the Hermite quadrature")
        yield from self._pieces(a, a + hw, N, budget / 2, depth + 1)
        yield from self._pieces(a + hw, b, N, budget / 2, depth + 1)

    def second(self) -> arb:
        """E g(√q Z)² (Parseval's total)."""
        F = self.F
        with precision(self.bits):
            r, c = acb(self.r), 1 / (2 * arb.pi()).sqrt()

        def integrand(z, analytic):
            v = F(r * z, analytic)
            return v * v * (-(z * z) / 2).exp() * c

        # P(√q|t|)² = P(√q|t|)·(coefficients of P(√q|t|)), already scaled: square via _growth with extra = P·r^i
        with precision(self.bits + 32):
            extra = [_rational(arb((c * self.r ** i).upper())) for i, c in enumerate(self.P)]
        return self._integral(integrand, self._growth(extra, arb(1)))


_NODES: dict = {}


def _gauss_legendre(d: int, bits: int) -> list:
    """Gauss–Legendre nodes and weights on (−1, 1), as Arb balls (cached per degree and precision)."""
    key = (d, bits)
    if key not in _NODES:
        _NODES[key] = [arb.legendre_p_root(d, k, weight=True) for k in range(d)]
    return _NODES[key]


def series(expr: sp.Expr, bound: sp.Expr, rho: sp.Expr, q1: sp.Expr, q2: sp.Expr, digits: int) -> arb:
    """E g(√q₁ Z₁) g(√q₂ Z₂) for correlation ρ (|ρ| < 1), certified to ``digits`` (module text)."""
    with precision(64):
        r = abs(arb(const_ball(rho)))
        if not r < 1:
            raise UnsupportedError("the Hermite series needs |rho| < 1 (|rho| = 1 is one-dimensional)")
        # terms needed when the coefficients did not decay at all: |ρ|^N <= 10^-(digits+2)
        pessimistic = (arb(10).log() * (digits + 2) / -r.log()).upper() if r > 0 else arb(0)
    if pessimistic > MAX_TERMS:
        raise UnsupportedError(f"|rho| = {sp.sstr(sp.Abs(rho))} is too close to 1 for the Hermite series at {digits} "
                               f"digits (up to {int(float(pessimistic)) + 1} terms; the limit is {MAX_TERMS})")
    for guard in (8, 24):
        bits = bits_for(digits + guard)
        A = Coefficients(expr, bound, q1, bits)
        B = A if q2 == q1 else Coefficients(expr, bound, q2, bits)
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
    """The series for a function given as pieces: one analytic piece on ℝ only."""
    if len(pieces.pieces) != 1:
        raise UnsupportedError("the Hermite series needs one analytic piece on ℝ (a kink makes it converge slowly)")
    return series(pieces.pieces[0].expr, bound, rho, q1, q2, digits)
