"""Signal propagation at the edge of chaos (Poole et al. 2016; Schoenholz et al. 2017).

For a deep network with weights N(0, σ_w²/n) and biases N(0, σ_b²), the pre-activation variance
follows V(q) = σ_w² S(q) + σ_b² with S(q) = E f(√q Z)², and χ₁ = σ_w² D(q*) with
D(q) = E f′(√q Z)² at a fixed point q* = V(q*).  The edge of chaos for a given σ_b is the set of
(q*, σ_w) with q* = V(q*) and χ₁ = 1.  With σ_w² = 1/D(q) (D > 0) the two equations are
equivalent to one in q,

    G(q) = q − S(q)/D(q) − σ_b² = 0,     σ_w = D(q)^(−1/2),

so each solution (q*, σ_w) is a zero of G and conversely: a proof about G over a q-range is a
proof about the two-variable system over that q-range (σ_w > 0 free).  G is certified on
intervals Q = [a, b] of q by Arb quadrature in x with the Gaussian weight at a ball-valued q
(every evaluation an enclosure for all q in Q), and its derivative without any derivative of f
by the heat-equation identity ∂_q φ_q(x) = φ_q(x)(x²/q − 1)/(2q):

    S′(q) = E[f(√q Z)² (Z² − 1)]/(2q),   D′(q) = E[f′(√q Z)² (Z² − 1)]/(2q).

Zeros are isolated by bisection over the search range with the interval Newton operator
N(Q) = m − G(m)/G′(Q): G(Q) ∌ 0 excludes Q; N(Q) ⊂ int Q proves exactly one zero in Q (then
refined to the requested digits); N(Q) ∩ Q = ∅ excludes Q.  Every part of the range is either
excluded or holds a proved unique zero, so the list is complete on the range.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from flint import acb, arb

from ..analysis import calculus
from ..analysis.pieces import decompose
from ..certified.balls import DEFAULT_DIGITS, bits_for, check_digits, dyadic, precision, tight_enough
from ..certified.arbeval import const_ball
from ..definitions.symbols import x
from ..errors import CertificationError, InputError
from ..facts import Number
from .acbeval import compile_acb
from .growth import X, polynomial_bound
from .integrate import Growth, between, tail_bound
from .moments import _abs_upper, _lipschitz, derivative_pieces, exact_value, instance_of

SEARCH = (sp.Rational(1, 100), sp.Integer(100))
MAX_BOXES = 400
BOX_BITS = 96
# the box tests need G to far fewer bits than they carry: the width of G over a box comes from the
# ball of q, not from the quadrature.  Quadrature and tail to 2^-48 halve the cost (measured: gelu at
# σ_b = 1/10 12.1 s -> 8.3 s, elu 2.9 -> 2.3 s, tanh 1.5 -> 1.0 s; the same 146, 116, 50 boxes and points).
BOX_TOL_BITS = 48


class WideBox(CertificationError):
    """G could not be enclosed for every q in a box (the quadrature with a ball of q did not converge, or
    D's enclosure reaches 0): the search splits the box; raised to the caller only for a point."""


class _TFails(CertificationError):
    """The quadrature in the variable t did not converge: :func:`_search` redoes the whole computation in
    x; a caller outside it (the network model's point evaluations) reports it as not certified."""

    def __init__(self):
        super().__init__("the Arb integrator did not converge (in the variable t)")


@dataclass(frozen=True)
class Criticality:
    sigma_b: sp.Expr
    search: tuple
    points: tuple  # ({"q_star", "sigma_w", "chi1"} Numbers), in increasing q*
    boxes: int  # boxes examined (the exclusion proof's size; 0 for the exact homogeneous case)
    continuum: dict | None = None  # every q* in the range is critical: {"sigma_w": Number}
    method: str = "certified"
    reason: str = ""


def is_homogeneous(pieces) -> bool:
    """Pieces k·x on (−∞, 0) and (0, ∞) (ReLU, leaky ReLU): positively homogeneous, so
    S(q) = q S(1), D(q) = D(1).  ``pieces``: a :class:`~gelu_math.analysis.pieces.Pieces`."""
    if any(e not in (-sp.oo, sp.oo, 0) for p in pieces.pieces for e in (p.lo, p.hi)):
        return False
    for p in pieces.pieces:
        try:
            poly = sp.Poly(p.expr, x)
        except sp.PolynomialError:
            return False
        if poly.degree() > 1 or poly.coeff_monomial(1) != 0 or poly.free_symbols - {x}:
            return False
    return True


def _homogeneous(inst, sb, lo, hi, digits: int) -> Criticality | None:
    """Positively homogeneous f (pieces k·x on (−∞, 0) and (0, ∞)): S(q) = q S(1), D(q) = D(1),
    so G(q) = q (1 − S(1)/D(1)) − σ_b² is linear and solved exactly."""
    from ..certified.numbers import exact_number
    from .moments import moments

    if not is_homogeneous(decompose(inst.expr)):
        return None
    m = moments(inst, digits=digits).moments
    S1, D1 = m["second"].value.exact, m["fprime_second"].value.exact
    slope = sp.simplify(1 - S1 / D1)
    sw = exact_number(sp.simplify(1 / sp.sqrt(D1)), digits)
    why = (f"f is positively homogeneous, so E f(√q Z)² = q·{sp.sstr(S1)} and E f′(√q Z)² = {sp.sstr(D1)}: "
           + (f"G(q) = q·({sp.sstr(slope)}) − σ_b²" if slope != 0 else "G(q) = −σ_b² (the q terms cancel)"))
    if slope == 0:
        if sb == 0:
            return Criticality(sb, (lo, hi), (), 0, {"sigma_w": sw}, "exact", why + ", so G ≡ 0: every q* is critical")
        return Criticality(sb, (lo, hi), (), 0, None, "exact", why + " ≠ 0 for every q: no critical point")
    qs = sp.simplify(sb ** 2 / slope)
    pts = ()
    if sp.simplify(qs - lo) >= 0 and sp.simplify(hi - qs) >= 0:
        pts = ({"q_star": exact_number(qs, digits), "sigma_w": sw, "chi1": exact_number(sp.Integer(1), digits)},)
    return Criticality(sb, (lo, hi), pts, 0, None, "exact", why + f": the one zero is q* = {sp.sstr(qs)}")


class Integrals:
    """S, D and their q-derivatives at a ball of q, certified."""

    def __init__(self, inst, variable: str = "t"):
        self.variable = variable
        self.pieces = decompose(inst.expr)
        self.dpieces = derivative_pieces(self.pieces)
        self.bounds = [self._poly(p) for p in (self.pieces, self.dpieces)]
        if None in self.bounds:
            L = _lipschitz(self.pieces)
            if L == sp.oo:
                raise CertificationError("no growth bound: the unbounded pieces are not covered by the proved rules "
                                         "and sup|f′| is not finite")
            f0 = _abs_upper(self.pieces.at(sp.Integer(0)))
            lip = [(f0 + L * X, sp.Integer(0)), (L + 0 * X, sp.Integer(0))]
            self.bounds = [b or lip[i] for i, b in enumerate(self.bounds)]
        self.compiled = [[(p.lo, p.hi, compile_acb(p.expr, x)) for p in P.pieces] for P in (self.pieces, self.dpieces)]
        self._coeffs = [tuple(sp.Poly(b[0], X).all_coeffs()[::-1]) for b in self.bounds]  # P's, lowest first
        self._growths = {}
        self._cache: dict = {}

    @staticmethod
    def _poly(P):
        ps = P.pieces
        sides = [(ps[0], 0, None)] if len(ps) == 1 else [(ps[0], -1, ps[0].hi), (ps[-1], 1, ps[-1].lo)]
        bounds = []
        for piece, side, end in sides:
            b = polynomial_bound(piece.expr, side, end)
            if b is None:
                return None
            bounds.append(b)
        start = sp.Integer(0) if len(ps) == 1 else sp.Max(_abs_upper(ps[0].hi), _abs_upper(ps[-1].lo))
        return sp.expand(bounds[0] + bounds[-1]) if len(bounds) > 1 else bounds[0], start

    def _tail_growth(self, which: int, slope: bool, qlo, qhi) -> Growth:
        """Growth with rational coefficients >= those of P(√qhi U)²·((U² + 1)/(2 qlo) if slope): the
        polynomial products in Arb (every coefficient of P is >= 0), each rounded up to a rational
        (a SymPy expansion per call cost more than the quadrature)."""
        key = (which, slope, qlo, qhi)
        if key in self._growths:
            return self._growths[key]
        cs = [const_ball(c) for c in self._coeffs[which]]
        with precision(128):
            r = arb(const_ball(qhi)).sqrt()
            cs = [c * r ** i for i, c in enumerate(cs)]
            sq = [arb(0)] * (2 * len(cs) - 1)
            for i, a in enumerate(cs):
                for j, b in enumerate(cs):
                    sq[i + j] += a * b
            if slope:  # times (U² + 1)/(2 qlo)
                w = 1 / (2 * arb(const_ball(qlo)))
                sq = [(sq[i] if i < len(sq) else 0) * w + (sq[i - 2] * w if i >= 2 else 0) for i in range(len(sq) + 2)]
            g = Growth(tuple(dyadic(arb(c.upper())) for c in sq), 1)
        if len(self._growths) > 4096:
            self._growths.clear()
        self._growths[key] = g
        return g

    def integral(self, which: int, slope: bool, qlo: sp.Rational, qhi: sp.Rational, bits: int,
                 tol_bits: int | None = None) -> arb:
        """E[g(√q Z)² w(Z)] for every q in [qlo, qhi] (g = f or f′; w = 1 or (Z² − 1)/(2q)), in the variable
        t (:meth:`integral_t`, faster: measured 7 s against 22 s for GELU's search) or x
        (:meth:`integral_x`, which converges where t does not: SiLU, sigmoid, Mish); see :func:`_search`."""
        key = (self.variable, which, slope, qlo, qhi, bits, tol_bits)
        if key not in self._cache:  # the search asks for G(m) and then for G′ on the box around m
            way = self.integral_t if self.variable == "t" else self.integral_x
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = way(which, slope, qlo, qhi, bits, tol_bits)
        return self._cache[key]

    def integral_t(self, which: int, slope: bool, qlo: sp.Rational, qhi: sp.Rational, bits: int,
                   tol_bits: int | None = None) -> arb:
        """E[g(√q Z)² w(Z)] for every q in [qlo, qhi] (g = f or f′; w = 1 or (Z² − 1)/(2q)), in the
        variable t = x/√q, where the weight φ(t) does not depend on q and a ball of q enters
        only through g(√q t) and the piece ends b/√q.  The quadrature and the tail aim at an error
        of 2^-(bits − 8), or of 2^-tol_bits when that is given (the result is an enclosure either way)."""
        goal = bits - 8 if tol_bits is None else min(bits - 8, tol_bits)
        with precision(bits):
            q = arb(const_ball(qlo)).union(arb(const_ball(qhi)))
            r = acb(q.sqrt())
            c = 1 / (2 * arb.pi()).sqrt()
            cq = acb(2 * q)

            def integrand(F):
                if slope:
                    return lambda z, an: F(r * z, an) ** 2 * (-(z * z) / 2).exp() * c * (z * z - 1) / cq
                return lambda z, an: F(r * z, an) ** 2 * (-(z * z) / 2).exp() * c

            # tail |t| > T with T >= start/√qlo: there |g(√q t)| <= P(√qhi |t|)
            T, total = self._tail(which, slope, qlo, qhi, bits, goal)
            tol = arb(2) ** (-goal)
            rr = q.sqrt()
            for lo, hi, F in self.compiled[which]:
                fn = integrand(F)
                ends = []
                for e, inf in ((lo, -T), (hi, T)):
                    ends.append(arb(inf) if e in (-sp.oo, sp.oo) else arb(const_ball(e)) / rr)
                a, b = ends
                if bool(b < -T) or bool(a > T):
                    continue
                if not (bool(a > -T) or a.rad() == 0) or not (bool(b < T) or b.rad() == 0):
                    raise _TFails()  # a piece end b/√q straddles ±T: in x the ends do not move
                a, b = arb.max(a, arb(-T)), arb.min(b, arb(T))
                total += between(fn, a, b, tol, _TFails)
            return total

    def integral_x(self, which: int, slope: bool, qlo: sp.Rational, qhi: sp.Rational, bits: int,
                   tol_bits: int | None = None) -> arb:
        """As :meth:`integral`, in the variable x = √q t: then q enters only through the Gaussian weight
        φ(x/√q)/√q (entire in x) and the piece ends do not depend on q, so a ball of q moves no pole of g (the
        t-form's g(√q t) has the poles of a sigmoid at iπ(2k+1)/√q, which a ball of q smears towards the
        path, and the quadrature does not converge)."""
        goal = bits - 8 if tol_bits is None else min(bits - 8, tol_bits)
        with precision(bits):
            q = arb(const_ball(qlo)).union(arb(const_ball(qhi)))
            c = 1 / (2 * arb.pi() * q).sqrt()
            h = acb(1 / (2 * q))
            iq, cc = acb(1 / q), acb(c)

            def integrand(F):
                if slope:
                    return lambda z, an: F(z, an) ** 2 * (-(z * z) * h).exp() * cc * (z * z * iq - 1) * h
                return lambda z, an: F(z, an) ** 2 * (-(z * z) * h).exp() * cc

            # the tail |x| > X with X >= T√qhi lies in |t| = |x|/√q > T, where |g(√q t)| <= P(√qhi |t|)
            T, total = self._tail(which, slope, qlo, qhi, bits, goal)
            X = int((arb(T) * const_ball(sp.sqrt(qhi))).upper().ceil().unique_fmpz())
            tol = arb(2) ** (-goal)
            for lo, hi, F in self.compiled[which]:
                fn = integrand(F)
                a = arb(-X) if lo == -sp.oo else const_ball(lo)
                b = arb(X) if hi == sp.oo else const_ball(hi)
                if bool(b < -X) or bool(a > X):
                    continue
                a, b = arb.max(a, arb(-X)), arb.min(b, arb(X))
                total += between(fn, a, b, tol, lambda: WideBox("the Arb integrator did not converge"))
            return total

    def _tail(self, which: int, slope: bool, qlo, qhi, bits: int, goal: int) -> tuple[int, arb]:
        """T >= start/√qlo with the tail |t| > T below 2^-(goal − 8) (there |g(√q t)| <= P(√qhi |t|)),
        and that bound as a ball around 0."""
        start = self.bounds[which][1]
        g = self._tail_growth(which, slope, qlo, qhi)
        target = arb(2) ** (-goal + 8)
        T = max(int((2 * 0.7 * bits) ** 0.5) + 2,
                int((const_ball(start) / const_ball(sp.sqrt(qlo))).upper().ceil().unique_fmpz()) + 1)
        while not tail_bound(g, arb(T)) < target:
            T += 1 + T // 8
        return T, arb(0, tail_bound(g, arb(T)))

    def G(self, qlo, qhi, sigma_b2: arb, bits: int, derivative: bool = False, tol_bits: int | None = None) -> arb:
        """G(q) = q − S/D − σ_b² (or G′ = 1 − (S′D − SD′)/D²) for every q in [qlo, qhi].  On a box, S and D
        are the mean-value forms S(m) + S′(Q)(Q − m) (m = :func:`_mid`, the point the search evaluates G
        at anyway; S′(Q) is needed for G′ regardless): tighter than S over a ball of q, and two
        quadratures fewer (measured at σ_b = 1/10: SiLU's search 258 → 216 boxes, Mish 258 → 214, GELU 146 → 130)."""
        I = lambda w, sl, a, b: self.integral(w, sl, a, b, bits, tol_bits)  # noqa: E731
        box = qlo != qhi
        if derivative:
            dS, dD = I(0, True, qlo, qhi), I(1, True, qlo, qhi)
        if derivative and box:
            m = _mid(qlo, qhi)
            Sm, Dm = I(0, False, m, m), I(1, False, m, m)
        else:
            S, D = I(0, False, qlo, qhi), I(1, False, qlo, qhi)
        with precision(bits):
            q = arb(const_ball(qlo)).union(arb(const_ball(qhi)))
            if derivative and box:
                dq = q - arb(const_ball(m))
                S, D = Sm + dS * dq, Dm + dD * dq
            if not D > 0:
                raise WideBox("cannot certify E f′(√q Z)² > 0 on the search range")
            if not derivative:
                return q - S / D - sigma_b2
            return 1 - (dS * D - S * dD) / (D * D)


def _mid(a: sp.Rational, b: sp.Rational) -> sp.Rational:
    # geometric-ish split for a range over decades: the mean of a and b, rounded to a short rational
    m = (a + b) / 2
    return sp.Rational(int(m * 2 ** 20), 2 ** 20) if b - a > sp.Rational(1, 2 ** 18) else m


@calculus.without_units_import()
def criticality(f, params=None, *, sigma_b, search=SEARCH, digits: int = DEFAULT_DIGITS) -> Criticality:
    """All (q*, σ_w) on the edge of chaos for bias variance σ_b², q* in ``search`` (proved complete)."""
    check_digits(digits)
    inst = instance_of(f, params)
    sb = exact_value(sigma_b, "sigma_b")
    if sb < 0:
        raise InputError(f"sigma_b must be >= 0, got {sb}")
    lo, hi = (exact_value(v, "search") for v in search)
    if not (lo.is_Rational and hi.is_Rational and 0 < lo < hi):
        raise InputError(f"search must be rational 0 < lo < hi, got {lo}, {hi}")
    h = _homogeneous(inst, sb, lo, hi, digits)
    if h is not None:
        return h
    sb2s: dict = {}

    def sb2(bits: int) -> arb:  # σ_b² at the working precision (a fixed 96-bit ball capped the digits)
        if bits not in sb2s:
            with precision(bits):
                sb2s[bits] = arb(const_ball(sb ** 2))
        return sb2s[bits]

    def run(I: Integrals) -> Criticality:
        def G(a, b, bits, derivative=False):
            return I.G(a, b, sb2(bits), bits, derivative=derivative)

        def G_box(a, b, bits, derivative=False):
            return I.G(a, b, sb2(bits), bits, derivative=derivative, tol_bits=BOX_TOL_BITS)

        roots, boxes = isolate(G_box, lo, hi)
        points = []
        for Q, D, bits in _refined(I, G, roots, digits):
            with precision(bits):
                points.append({"q_star": Number(None, Q), "sigma_w": Number(None, D.rsqrt()),
                               "chi1": Number(sp.Integer(1), arb(1))})  # σ_w = D(q*)^(−1/2): χ₁ = 1 by construction
        return Criticality(sb, (lo, hi), tuple(points), boxes)

    return _search(inst, run)


def _refined(I: Integrals, F, roots, digits: int):
    """For each box with a proved unique zero of F: (the zero refined to ``digits`` by interval Newton,
    D = E f′(√q Z)² on it, the working precision)."""
    for a, b in roots:
        Q, bits, a, b = refine(F, a, b, digits)
        yield Q, I.integral(1, False, a, b, bits), bits


def _search(inst, run):
    """``run(Integrals)`` with the integrals in the variable t; if a quadrature there does not converge
    (a ball of q smears a sigmoid's poles iπ(2k+1)/√q towards the path), all of it again in x.  Arb's
    quadrature is deterministic (its limits count evaluations, not seconds), so which variable is
    used, and the result, are the same on every machine."""
    I = Integrals(inst, "t")
    try:
        return run(I)
    except _TFails:
        I.variable = "x"
        return run(I)


def isolate(G, lo: sp.Rational, hi: sp.Rational) -> tuple[list, int]:
    """Every zero of G on [lo, hi] in a box with a proved unique zero, and the number of boxes.

    ``G(a, b, bits, derivative)`` encloses G (or G′) for every q in [a, b].  Boxes are split at
    powers of 2 first (relatively narrow boxes over decades), then bisected: the mean-value form
    G(m) + G′(Q)(Q − m) ∌ 0 excludes Q (the naive G(Q) loses the dependence between q and S(q);
    for ReLU, S(q)/D(q) = q exactly), N(Q) = m − G(m)/G′(Q) ∩ Q = ∅ excludes it, N(Q) ⊂ int Q
    proves exactly one zero in Q."""
    edges = [lo]
    e = sp.Integer(2) ** int(sp.floor(sp.log(lo, 2)) + 1)
    while e < hi:
        edges.append(e)
        e *= 2
    edges.append(hi)
    stack = list(zip(edges[:-1], edges[1:]))[::-1]
    roots, boxes, wide = [], 0, 0
    while stack:
        a, b = stack.pop()
        boxes += 1
        if boxes > MAX_BOXES:
            why = ("G stays too close to 0 on some boxes to decide its sign there: a zero on an interval, a double "
                   "zero, or G tending to 0 at the end of the range") + (
                f"; {wide} boxes were split because G could not be enclosed on them" if wide else "")
            raise CertificationError(f"the search did not finish within {MAX_BOXES} boxes ({why})")
        m = _mid(a, b)
        try:
            dg = G(a, b, BOX_BITS, True)
            gm = G(m, m, BOX_BITS)
        except WideBox:
            if b - a < (b + a) * sp.Rational(1, 2 ** 40):  # too narrow to split further
                raise
            wide += 1
            stack.extend([(m, b), (a, m)])
            continue
        with precision(BOX_BITS):
            Q = arb(const_ball(a)).union(arb(const_ball(b)))
            g = gm + dg * (Q - arb(const_ball(m)))
            if not g.contains(0):
                continue
            if not dg.contains(0):
                N = arb(const_ball(m)) - gm / dg
                if not N.overlaps(Q):
                    continue
                # N ⊂ (a, b), against the exact ends (Q's ball is rounded outward and may reach past
                # them): then the one zero lies strictly inside, never on an end another box shares
                if bool(N > arb(const_ball(a))) and bool(N < arb(const_ball(b))):
                    roots.append((a, b))
                    continue
        stack.extend([(m, b), (a, m)])
    return roots, boxes


def refine(G, a, b, digits: int) -> tuple[arb, int, sp.Rational, sp.Rational]:
    """Interval Newton from a box with a proved unique zero to ``digits``: each step keeps
    N(Q) ∩ Q, which contains the zero.  Returns (the ball Q, the working precision, Q's rational ends)."""
    bits = bits_for(digits) + 16
    for _ in range(80):
        with precision(bits):
            Q = arb(const_ball(a)).union(arb(const_ball(b)))
            if tight_enough(Q, digits):
                return Q, bits, a, b
        m = (a + b) / 2
        dg = G(a, b, bits, True)
        with precision(bits):
            N = (arb(const_ball(m)) - G(m, m, bits) / dg).intersection(Q)
            a, b = dyadic(N.lower()), dyadic(N.upper())
    raise CertificationError("interval Newton did not reach the requested digits")


def fixed_points(f, params=None, *, sigma_w2, sigma_b2, search=SEARCH, digits: int = DEFAULT_DIGITS) -> tuple:
    """Every fixed point q* = V(q*) of the variance map V(q) = σ_w² E f(√q Z)² + σ_b² with q* in
    ``search``, as balls with χ₁ = σ_w² E f′(√q* Z)² (the list is complete on the range: :func:`isolate`).

    >>> [round(float(p["q_star"].ball.mid()), 6) for p in fixed_points("tanh", sigma_w2=2, sigma_b2="1/10", digits=10)]
    [0.814644]
    """
    check_digits(digits)
    inst = instance_of(f, params)
    sw2, sb2 = exact_value(sigma_w2, "sigma_w2"), exact_value(sigma_b2, "sigma_b2")
    if sw2 <= 0 or sb2 < 0:
        raise InputError(f"need sigma_w2 > 0 and sigma_b2 >= 0, got {sw2}, {sb2}")
    lo, hi = (exact_value(v, "search") for v in search)
    if not (lo.is_Rational and hi.is_Rational and 0 < lo < hi):
        raise InputError(f"search must be rational 0 < lo < hi, got {lo}, {hi}")
    def run(I: Integrals) -> tuple:
        def H(a, b, bits, derivative=False):  # H(q) = V(q) − q
            S = I.integral(0, derivative, a, b, bits)
            with precision(bits):
                w, c = arb(const_ball(sw2)), arb(const_ball(sb2))
                if derivative:
                    return w * S - 1
                return w * S + c - arb(const_ball(a)).union(arb(const_ball(b)))

        roots, _ = isolate(H, lo, hi)
        out = []
        for Q, D, bits in _refined(I, H, roots, digits):
            with precision(bits):
                out.append({"q_star": Number(None, Q), "chi1": Number(None, arb(const_ball(sw2)) * D)})
        return tuple(out)

    return _search(inst, run)


