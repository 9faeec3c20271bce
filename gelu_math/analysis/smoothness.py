"""Smoothness class C^k and analyticity, from one-sided derivatives at breakpoints.

At each breakpoint c the one-sided values of f, f′, f″, … are computed from the
analytic expression of each adjacent piece (substitution, or a one-sided limit
of that piece), never from SymPy's Piecewise.  The first order whose two sides
differ is the jump order: f is C^(k−1) there.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from ..definitions.symbols import x
from .calculus import derivative, one_sided, proved_zero
from .pieces import Pieces

MAX_ORDER = 6
# functions entire in their argument: a composition of these, sums, products and
# non-negative integer powers is an entire function
_ENTIRE = (sp.exp, sp.erf, sp.erfc, sp.sin, sp.cos, sp.sinh, sp.cosh)


@dataclass(frozen=True)
class Breakpoint:
    x: sp.Expr
    order: int | None  # first derivative order that jumps; None: no jump up to MAX_ORDER
    left: sp.Expr | None
    right: sp.Expr | None
    continuous: bool  # f itself is continuous at x (its limits agree with each other and with its value there)
    value: sp.Expr | None = None  # f(x) where the definition gives a value at the breakpoint, else None
    limits: tuple[sp.Expr, sp.Expr] | None = None  # the one-sided limits of f at x (left, right)

    @property
    def removable(self) -> bool:
        """f's one-sided limits agree (no order-0 jump) but its own value there differs from them."""
        return not self.continuous and self.order != 0 and self.value is not None


@dataclass(frozen=True)
class Smoothness:
    k: int | None  # None means C^infinity; -1 means discontinuous
    lower_bound_only: bool  # True when no jump was found up to MAX_ORDER at some breakpoint
    analytic: bool
    entire: bool | None  # None: not decided
    breakpoints: tuple[Breakpoint, ...]


def _is_entire(e: sp.Expr) -> bool:
    if not e.has(x) or e == x:
        return True
    if e.is_Add or e.is_Mul:
        return all(_is_entire(a) for a in e.args)
    if e.is_Pow:
        return e.exp.is_Integer and e.exp >= 0 and _is_entire(e.base)
    if isinstance(e, sp.Function) and e.func in _ENTIRE:
        return _is_entire(e.args[0])
    return False


def _analytic_on_reals(e: sp.Expr) -> bool:
    """A sufficient check: every division and log argument is positive for real x."""
    for sub in sp.preorder_traversal(e):
        if sub.is_Pow and sub.exp.is_negative and sub.base.has(x):
            if not (sub.base.is_positive or sub.base.is_negative):
                return False
        if sub.is_Pow and not sub.exp.is_Integer and sub.base.has(x) and not sub.base.is_positive:
            return False
        if isinstance(sub, sp.log) and not sub.args[0].is_positive:
            return False
        if isinstance(sub, (sp.Abs, sp.sign, sp.Max, sp.Min, sp.Piecewise, sp.Heaviside)):
            return False
    return True


def derivatives_up_to(pieces: Pieces, order: int) -> list[Pieces]:
    out = [pieces]
    for _ in range(order):
        out.append(derivative(out[-1], 1))
    return out


@functools.lru_cache(maxsize=128)
def discontinuities(pieces: Pieces) -> tuple[sp.Expr, ...]:
    """The breakpoints where f itself jumps (its one-sided limits differ, or its value there differs
    from them) — those of :func:`smoothness` with order 0 or not continuous, without deriving f′, f″, …"""
    values = dict(pieces.point_values)
    out = []
    for i, c in enumerate(pieces.breakpoints):
        left, right = one_sided(pieces.pieces[i], c), one_sided(pieces.pieces[i + 1], c)
        if not proved_zero(left - right) or (c in values and not (proved_zero(left - values[c])
                                                                  and proved_zero(right - values[c]))):
            out.append(c)
    return tuple(out)


@functools.lru_cache(maxsize=128)
def smoothness(pieces: Pieces) -> Smoothness:
    """Class C^k of f on ℝ, with every breakpoint's first jumping derivative."""
    if not pieces.breakpoints:
        e = pieces.pieces[0].expr
        return Smoothness(None, False, _analytic_on_reals(e), True if _is_entire(e) else None, ())
    derivs = derivatives_up_to(pieces, MAX_ORDER)
    values = dict(pieces.point_values)
    bps = []
    for i, c in enumerate(pieces.breakpoints):
        found = None
        continuous = True
        value = values.get(c)
        limits = None
        for k in range(MAX_ORDER + 1):
            left = one_sided(derivs[k].pieces[i], c)
            right = one_sided(derivs[k].pieces[i + 1], c)
            if k == 0:
                limits = (left, right)
                if value is not None:
                    continuous = proved_zero(left - value) and proved_zero(right - value)
            if not proved_zero(left - right):  # a jump: the engine certifies left ≠ right with balls
                found = Breakpoint(c, k, left, right, continuous and k > 0, value, limits)
                break
        # sign(x)²: no jump of any order, yet f(0) differs from its limits
        bps.append(found or Breakpoint(c, None, None, None, continuous, value, limits))
    jumps = [b.order for b in bps if b.order is not None]
    k = (min(jumps) - 1) if jumps else MAX_ORDER
    if any(not b.continuous for b in bps):
        k = -1
    return Smoothness(k, not jumps, False, False, tuple(bps))
