"""Facts: the unit of everything gelu-math derives.

A :class:`Fact` is a statement about a function together with its value, how
the value was obtained (:class:`Method`) and the derivation steps.  Values that
are numbers are :class:`Number` objects: an exact SymPy form where one is known,
and a certified Arb ball (midpoint + radius) that contains the true value.

These are plain data.  They never format themselves: the renderers in
:mod:`gelu_math.render` turn them into text, JSON, LaTeX or Markdown.  A
:class:`Step` therefore keeps its mathematics as SymPy objects or Numbers in
``math`` and refers to them from its prose as ``{0}``, ``{1}``, ... .
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import sympy as sp


class Method(str, enum.Enum):
    """How a value was obtained."""

    EXACT = "exact"  # a symbolic derivation; no rounding anywhere
    CERTIFIED = "certified"  # interval (ball) arithmetic; the ball contains the true value
    CITED = "cited"  # rests on a cited result; the steps say what was derived or checked here
    ESTIMATE = "estimate"  # floating-point or sampled; no guarantee


@dataclass(frozen=True)
class Number:
    """A real number: exact SymPy form and/or certified ball, or ±∞.

    ``ball`` is a ``flint.arb`` whose interval contains the value.  ``infinite``
    is +1 or -1 for ±∞ (then ``exact`` is ``sp.oo``/``-sp.oo`` and ``ball`` None).
    """

    exact: sp.Expr | None
    ball: Any = None
    infinite: int = 0

    @staticmethod
    def inf(sign: int) -> "Number":
        return Number(sp.oo if sign > 0 else -sp.oo, None, 1 if sign > 0 else -1)

    @property
    def is_finite(self) -> bool:
        return self.infinite == 0

    def __reduce__(self):
        """Pickle without loss: the ball as its exact binary midpoint and radius (mantissa,
        exponent), so worker processes return facts that are the same balls."""
        if self.ball is None:
            return (Number, (self.exact, None, self.infinite))
        m, e = self.ball.mid().man_exp()
        r, re_ = self.ball.rad().man_exp()
        return (_number_from_parts, (self.exact, int(m), int(e), int(r), int(re_), self.infinite))

    def __repr__(self) -> str:
        """The ball with every digit it certifies (flint's own repr would print 53-bit digits)."""
        if self.ball is None:
            return f"Number(exact={self.exact!r}, ball=None, infinite={self.infinite})"
        acc = self.ball.rel_accuracy_bits()
        digits = max(17, min(10 ** 5, int(acc * 0.30103) + 3)) if acc < 10 ** 6 else 17
        return f"Number(exact={self.exact!r}, ball={self.ball.str(digits, radius=True)})"


def _number_from_parts(exact, m: int, e: int, r: int, re_: int, infinite: int) -> Number:
    """The Number whose ball is exactly [m·2^e ± r·2^re_] (Arb stores both exactly)."""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = max(64, abs(m).bit_length(), abs(r).bit_length()) + 16  # products by 2^k are then exact
    try:
        ball = flint.arb(_dyadic(m, e), _dyadic(r, re_))
    finally:
        flint.ctx.prec = old
    return Number(exact, ball, infinite)


def _dyadic(m: int, e: int):
    """m·2^e as an exact rational (Arb represents it exactly at the caller's precision)."""
    import flint

    return flint.fmpq(m << e) if e >= 0 else flint.fmpq(m, 1 << -e)


@dataclass(frozen=True)
class Step:
    """One derivation step: prose with ``{i}`` placeholders for ``math[i]``."""

    text: str
    math: tuple = ()


@dataclass(frozen=True)
class Fact:
    """A derived statement with its value, method, steps and references."""

    key: str  # machine name, e.g. "stationary_points"
    statement: str  # one sentence of prose (may use {i} placeholders for value parts)
    value: Any
    method: Method
    steps: tuple[Step, ...] = ()
    math: tuple = ()
    references: tuple[str, ...] = field(default=())


def weakest(*methods: Method) -> Method:
    """The weakest of several methods: exact > certified > cited > estimate."""
    order = [Method.EXACT, Method.CERTIFIED, Method.CITED, Method.ESTIMATE]
    return max(methods, key=order.index) if methods else Method.EXACT
