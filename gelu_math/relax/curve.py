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
        self.parts = tuple(Piece(p.lo, p.hi, compile_arb(p.expr, x), compile_arb(sp.diff(p.expr, x), x),
                                 compile_arb(sp.diff(p.expr, x, 2), x)) for p in self.pieces.pieces)
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
        X = arb(p).union(arb(q)) if p != q else arb(p)
        M = arb((p + q) / 2)
        out = None
        for i in self.relevant(p, q):
            part = self.parts[i]
            plain = s * (part.f(X) - a * X)
            if p != q:
                d = part.d1(X)
                if d.is_finite():
                    mv = s * (part.f(M) - a * M) + s * (d - a) * (X - M)
                    if mv.is_finite():
                        plain = mv if not plain.is_finite() else _meet(plain, mv)
            out = plain if out is None else out.union(plain)
        for b, value in self.jumps:
            B = arb(fq(b)) if b.is_Rational else compile_arb(b)(arb(0))
            if not (B < arb(p)) and not (B > arb(q)):
                out = out.union(s * (value(B) - a * B))
        return out

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


def _meet(a: arb, b: arb) -> arb:
    try:
        return a.intersection(b)
    except ValueError:  # disjoint cannot happen for two valid enclosures; keep one
        return a


@functools.lru_cache(maxsize=64)
def _curve_cached(inst: Instance) -> Curve:
    return Curve(inst)


def curve(name_or_instance, params=None) -> Curve:
    """The (cached) Curve of a function name with parameters, or of an Instance."""
    inst = instance(name_or_instance, params)
    return _curve_cached(inst)
