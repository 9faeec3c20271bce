"""A function as Arb-evaluable analytic pieces, and enclosures of s·(f(x) − a·x) on boxes.

:func:`curve` resolves a registered or user function (a name with parameters, or an
:class:`~gelu_math.definitions.registry.Instance`) the way the engine does, splits its exact
definition into analytic pieces (:func:`gelu_math.analysis.pieces.decompose`) and compiles each
piece, its first and second derivative to ball functions
(:func:`gelu_math.certified.arbeval.compile_arb`).

:meth:`Curve.enclose` returns a ball containing s·(f(x) − a·x) for every x of a box [p, q]
(s = ±1, a rational): on each piece whose closure meets the box, the tighter of the plain ball
evaluation and the mean-value form g(m) + g′(X)·(X − m) (valid because the piece's expression
is differentiable on X whenever the derivative's ball is finite), joined over those pieces.  f
is continuous on each closed piece, so there f equals the piece's expression; at a jump the value
f(b) itself is joined to every box holding b (f need not be continuous).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp
from flint import arb, fmpq

from ..analysis.pieces import Pieces, decompose
from ..analysis.smoothness import smoothness
from ..certified.arbeval import ArbFn, compile_arb
from ..definitions.registry import Instance, resolve
from ..definitions.symbols import x
from ..errors import ParameterError


def instance(name_or_instance, params=None) -> Instance:
    """The Instance to relax: a registered or user-defined name (with parameters) or an Instance."""
    inst = resolve(name_or_instance, params)
    if not inst.is_numeric:
        raise ParameterError(f"{inst.name}: relaxations need numeric parameter values")
    return inst


def fq(value) -> fmpq:
    """An exact rational (SymPy Rational, int, Fraction) as fmpq."""
    value = sp.Rational(value)
    return fmpq(int(value.p), int(value.q))


@dataclass(frozen=True)
class Piece:
    lo: sp.Expr  # exact ends (±oo allowed) of the open interval where ``expr`` is f
    hi: sp.Expr
    f: ArbFn
    d1: ArbFn
    d2: ArbFn
    lo_q: fmpq | None = None  # the ends as exact rationals where they are rational (None: ±oo or irrational)
    hi_q: fmpq | None = None
    line: tuple | None = None  # (m, c) as fmpq where the piece is the line m·x + c (ReLU's x, hardtanh's 1)


class Curve:
    """f as compiled pieces; ``kinks`` are the breakpoints where f′ jumps (f stays continuous)."""

    def __init__(self, inst: Instance):
        self.instance = inst
        self.pieces: Pieces = decompose(inst.expr)
        sm = smoothness(self.pieces)
        # at a jump f(b) may differ from both one-sided limits: boxes holding b add the value f(b)
        self.continuous = sm.k is None or sm.k >= 0
        self.jumps = () if self.continuous else tuple(
            (bp.x, compile_arb(sp.sympify(v), x)) for bp in sm.breakpoints if not bp.continuous or bp.order == 0
            for b, v in self.pieces.point_values if b == bp.x)
        self.parts = tuple(Piece(p.lo, p.hi, compile_arb(p.expr, x), _tight(sp.diff(p.expr, x)),
                                 _tight(sp.diff(p.expr, x, 2)), _rational_end(p.lo), _rational_end(p.hi),
                                 _line(p.expr))
                           for p in self.pieces.pieces)
        self.breakpoints = self.pieces.breakpoints
        self.kinks = tuple(bp.x for bp in sm.breakpoints if bp.order == 1)
        self.rational_breaks = tuple(fq(b) for b in self.breakpoints if b.is_Rational)
        self._bp_balls: dict[int, tuple] = {}

    @property
    def name(self) -> str:
        return self.instance.name

    def _balls(self) -> tuple:
        from flint import ctx

        prec = ctx.prec
        if prec not in self._bp_balls:
            self._bp_balls[prec] = tuple(arb(fq(b)) if b.is_Rational else compile_arb(b)(arb(0))
                                         for b in self.breakpoints)
        return self._bp_balls[prec]

    def relevant(self, p: fmpq, q: fmpq) -> list[int]:
        """Indices of the pieces whose closure may meet [p, q]."""
        if len(self.parts) == 1:
            return [0]
        balls = self._balls()
        P, Q = arb(p), arb(q)
        out = []
        for i in range(len(self.parts)):
            left_ok = i == 0 or not (balls[i - 1] > Q)  # piece i starts at breakpoint i-1
            right_ok = i == len(self.parts) - 1 or not (balls[i] < P)
            if left_ok and right_ok:
                out.append(i)
        return out

    def piece_at(self, t: fmpq) -> list[int]:
        return self.relevant(t, t)

    def enclose(self, p: fmpq, q: fmpq, a: arb, s: int) -> arb:
        """A ball containing s·(f(x) − a·x) for all x in [p, q]."""
        r = self.bounds(p, q, a, s)
        return r.ball if r.ball is not None else r.lo.union(r.hi)

    def bounds(self, p: fmpq, q: fmpq, a: arb, s: int) -> "Bounds":
        """Exact points lo ≤ s·(f(x) − a·x) ≤ hi for all x in [p, q].

        Per piece: the tighter of the plain ball and the mean-value form; where the derivative's ball
        shows g = s·(f − a·x) monotone on the box, g's values at the box's ends bound it (points
        evaluated at full precision, so a linear piece gives its values to the working precision and
        not to the 30-bit radius of a ball).  Each piece is evaluated only on the part of the box inside
        its closed interval where that piece's ends are rational (exact clipping: ReLU's 0 on [−1, 0]
        is exactly 0, not the ball of x)."""
        lo = hi = None
        single = None
        at = None  # (argmin, argmax) when one piece covers the box and g is strictly monotone on it
        count = 0
        for i in self.relevant(p, q):
            part = self.parts[i]
            pp = part.lo_q if part.lo_q is not None and p < part.lo_q else p
            qq = part.hi_q if part.hi_q is not None and q > part.hi_q else q
            if pp > qq:  # the box misses this piece's closed interval
                continue
            if pp == qq and p != q and not self.continuous:
                # the box touches this piece only at the piece's own end b: there the expression gives a
                # one-sided limit, not a value of f on the box (xIELU on [−1, 0]: the limit 0 from the right
                # is no value of f on [−1, 0]); f(b) itself is joined below, from the jumps
                continue
            # a piece met only at a shared end adds no other extremiser where f is continuous
            count += 1 if (pp != qq or not self.continuous) else 0
            X = arb(pp).union(arb(qq)) if pp != qq else arb(pp)
            plain = s * (part.f(X) - a * X)
            l, h = (plain.lower(), plain.upper()) if plain.is_finite() else (None, None)
            if pp != qq:
                d = part.d1(X)
                if d.is_finite():
                    M = arb((pp + qq) / 2)
                    mv = s * (part.f(M) - a * M) + s * (d - a) * (X - M)
                    if mv.is_finite():
                        l = mv.lower() if l is None else arb.max(l, mv.lower())
                        h = mv.upper() if h is None else arb.min(h, mv.upper())
                    slope = s * (d - a)
                    if slope >= 0 or slope <= 0:  # monotone on the box: the ends bound it
                        P, Q = arb(pp), arb(qq)
                        gp, gq = s * (part.f(P) - a * P), s * (part.f(Q) - a * Q)
                        if gp.is_finite() and gq.is_finite():
                            if slope >= 0:
                                el, eh = gp.lower(), gq.upper()
                            else:
                                el, eh = gq.lower(), gp.upper()
                            l = el if l is None else arb.max(l, el)
                            h = eh if h is None else arb.min(h, eh)
                            if slope > 0 or slope < 0:  # strictly: the extremes are attained at the ends only
                                at = (pp, qq) if slope > 0 else (qq, pp)
            exact = _on_line(part.line, pp, qq, a, s)
            if exact is not None:  # g is linear with rational ends: its exact values there (a 0 gap stays 0)
                (gp, gq), plain = exact, arb(exact[0])
                l, h = arb(min(gp, gq)).lower(), arb(max(gp, gq)).upper()
                if pp != qq and gp != gq:
                    at = (pp, qq) if gp < gq else (qq, pp)
            if l is None or h is None:
                return Bounds(arb("nan"), arb("nan"), None)
            single = plain if single is None and pp == qq else None
            lo = l if lo is None else arb.min(lo, l)
            hi = h if hi is None else arb.max(hi, h)
        if lo is None:  # cannot happen (relevant() and the clipping use the same exact ends); never guess
            raise ValueError(f"{self.name}: no piece meets [{p}, {q}]")
        for b, value in self.jumps:
            B = arb(fq(b)) if b.is_Rational else compile_arb(b)(arb(0))
            if not (B < arb(p)) and not (B > arb(q)):
                v = s * (value(B) - a * B)
                if not v.is_finite():
                    return Bounds(arb("nan"), arb("nan"), None)
                lo, hi = arb.min(lo, v.lower()), arb.max(hi, v.upper())
                single = None
                count += 1
        return Bounds(lo, hi, single if p == q else None, at if count == 1 and p != q else None)

    def point(self, t: fmpq, a: arb, s: int) -> arb:
        """A ball containing s·(f(t) − a·t): at a jump the value f(t) alone, never joined with the limits."""
        for b, value in self.jumps:
            if b.is_Rational and fq(b) == t:
                T = arb(t)
                return s * (value(T) - a * T)
        return self.enclose(t, t, a, s)

    def value(self, t: fmpq) -> arb:
        """A ball containing f(t)."""
        return self.point(t, arb(0), 1)

    def derivative(self, t: fmpq, order: int = 1) -> arb:
        """A ball containing f′(t) (f″ for order 2) on the piece containing t (joined when undecided)."""
        T = arb(t)
        out = None
        for i in self.piece_at(t):
            fn = self.parts[i].d1 if order == 1 else self.parts[i].d2
            v = fn(T)
            out = v if out is None else out.union(v)
        return out

    def one_sided_derivatives(self, t: fmpq) -> tuple[arb, arb]:
        """f′(t−) and f′(t+) (equal balls where no breakpoint is at t)."""
        idx = self.piece_at(t)
        T = arb(t)
        return self.parts[idx[0]].d1(T), self.parts[idx[-1]].d1(T)


@dataclass(frozen=True)
class Bounds:
    """lo ≤ g ≤ hi on a box (exact arb points; NaN when not finite); ``ball``: the ball at a single point."""

    lo: arb
    hi: arb
    ball: arb | None = None
    at: tuple | None = None  # (argmin, argmax) exact points when g is strictly monotone on the box

    def is_finite(self) -> bool:
        return self.lo.is_finite() and self.hi.is_finite()

    def lower(self) -> arb:
        return self.lo

    def upper(self) -> arb:
        return self.hi


def _line(expr: sp.Expr) -> tuple | None:
    """(m, c) as exact rationals when ``expr`` is m·x + c with rational m and c, else None."""
    if not expr.is_polynomial(x):
        return None
    poly = sp.Poly(expr, x)
    if poly.degree() > 1 or not all(co.is_Rational for co in poly.all_coeffs()):
        return None
    m, c = (poly.all_coeffs() if poly.degree() == 1 else [sp.Integer(0), *poly.all_coeffs()])[-2:]
    return fq(m), fq(c)


def _on_line(line: tuple | None, p: fmpq, q: fmpq, a: arb, s: int) -> tuple | None:
    """The exact values (g(p), g(q)) of g = s·(m·x + c − a·x) when the piece is a line and the slope ``a``
    an exact point (a printed decimal), else None: a ball evaluation of x − x at a non-dyadic end is
    [0 ± 2^−prec], which the outward rounding would turn into a gap of 10^−digits on an exact line."""
    if line is None or a.rad() != 0 or not a.is_finite():
        return None
    man, e = a.mid().man_exp()
    A = fmpq(int(man) * 2 ** int(e)) if int(e) >= 0 else fmpq(int(man), 2 ** -int(e))
    m, c = line
    gp, gq = (m - A) * p + c, (m - A) * q + c
    return (gp, gq) if s > 0 else (-gp, -gq)


def _tight(expr: sp.Expr) -> ArbFn:
    """A derivative compiled to Arb; where it is a rational function of x and one exponential, also in its
    logistic form (the same function: :func:`gelu_math.certified.logistic.logistic_form`) and the two balls
    intersected — SymPy's form of softplus″ = eˣ/(1 + eˣ)² on [30, 31] is a ball of radius ~1 (the
    terms cancel), the logistic form σ(x)·σ(−x) is tight."""
    from ..certified.logistic import logistic_form

    plain = compile_arb(expr, x)
    alt = logistic_form(expr)
    if alt is None:
        return plain
    other = compile_arb(alt, x)

    def both(X: arb) -> arb:
        a, b = plain(X), other(X)
        if not a.is_finite():
            return b
        if not b.is_finite():
            return a
        try:
            return a.intersection(b)
        except ValueError:  # two enclosures of one value cannot be disjoint; keep one
            return a
    return both


def _rational_end(e) -> fmpq | None:
    return fq(e) if e.is_Rational else None


@functools.lru_cache(maxsize=64)
def _curve_cached(inst: Instance) -> Curve:
    return Curve(inst)


def curve(name_or_instance, params=None) -> Curve:
    """The (cached) Curve of a function name with parameters, or of an Instance."""
    inst = instance(name_or_instance, params)
    return _curve_cached(inst)
