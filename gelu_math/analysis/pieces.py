"""Split a (possibly piecewise) definition into analytic pieces on open intervals.

SymPy gets derivatives and one-sided limits of ``Piecewise`` wrong at the
breakpoints, so nothing downstream differentiates a ``Piecewise``: a function
is a sorted tuple of :class:`Piece` objects (open interval + analytic
expression) plus the values it takes at the breakpoints themselves.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import sympy as sp

from ..definitions.domain import compare
from ..definitions.symbols import x
from ..errors import UnsupportedError
from ..timebox import attempt


@dataclass(frozen=True)
class Piece:
    """``expr`` on the open interval (lo, hi); lo may be -oo and hi +oo."""

    lo: sp.Expr
    hi: sp.Expr
    expr: sp.Expr

    def contains(self, point: sp.Expr) -> bool:
        return bool(self.lo < point) and bool(point < self.hi)


@dataclass(frozen=True)
class Pieces:
    """A function of x on ℝ as analytic pieces joined at breakpoints."""

    pieces: tuple[Piece, ...]
    point_values: tuple[tuple[sp.Expr, sp.Expr], ...] = ()  # (breakpoint, value there)

    @property
    def breakpoints(self) -> tuple[sp.Expr, ...]:
        return tuple(p.hi for p in self.pieces[:-1])

    def at(self, point: sp.Expr) -> sp.Expr:
        """Exact value of the function at ``point`` (a breakpoint uses its own value)."""
        for bp, value in self.point_values:
            if sp.simplify(bp - point) == 0:
                return value
        for p in self.pieces:
            if p.contains(point):
                return p.expr.subs(x, point)
        raise UnsupportedError(f"no value at {point}")

    def map(self, fn) -> "Pieces":
        """Apply ``fn`` to each piece expression; breakpoint values are dropped (``fn`` need not
        preserve them: :func:`~gelu_math.analysis.calculus.derivative` derives its own)."""
        return Pieces(tuple(Piece(p.lo, p.hi, fn(p.expr)) for p in self.pieces))


def _rewrite(expr: sp.Expr) -> sp.Expr:
    if expr.has(sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside):
        expr = expr.rewrite(sp.Piecewise)
    return sp.piecewise_fold(expr) if expr.has(sp.Piecewise) else expr


NONZERO_PROBE = sp.Rational(1, 3)


def _is_zero(e: sp.Expr) -> bool:
    """Whether ``e`` is identically 0: decided exactly where SymPy's ``simplify`` only costs time (a
    rational number; a polynomial in x with coefficients in Q or a number field such as Q(√2), in
    SymPy's exact polynomial arithmetic: the pieces of i-GELU, ReLU6, the hard functions), by
    ``simplify`` otherwise — each after one SymPy evaluation at x = 1/3 (SymPy's ``evalf`` with
    ``strict``, which raises rather than return fewer digits than asked) that, when it is clearly away
    from 0, settles "not identically 0" at once (xIELU's pieces e^x and x²: 0.4 s of simplify; the
    polynomial test over Q(√2) costs milliseconds, the probe a tenth of that).  The answer
    only decides whether two adjacent pieces merge; "not 0" for equal pieces would keep an extra
    breakpoint, never merge different ones."""
    e = sp.sympify(e)
    if e.is_Rational:
        return e == 0
    if e.free_symbols == {x}:  # a value clearly away from 0 at one point settles "not identically 0"
        try:
            v = e.subs(x, NONZERO_PROBE).evalf(30, strict=True)
        except (sp.PrecisionExhausted, TypeError, ValueError, ZeroDivisionError):
            v = None
        if v is not None and v.is_real and v.is_finite and abs(v) > 1e-10:
            return False
    if e.is_polynomial(x):
        try:
            p = sp.Poly(e, x, extension=True)  # coefficients in Q or a number field Q(√2): exact arithmetic
        except (sp.PolynomialError, sp.CoercionFailed, NotImplementedError):
            p = None
        if p is not None and (p.domain.is_QQ or p.domain.is_ZZ or p.domain.is_AlgebraicField):
            return p.is_zero
    return sp.simplify(e) == 0


def _continues(point_value, expr: sp.Expr, at: sp.Expr) -> bool:
    """Whether the value a definition gives at the point ``at`` (None: none of its own) is that of
    ``expr`` there, so that two equal pieces may merge across ``at`` (sign(x)² is 1 beside 0 but 0
    at 0: its pieces must not merge)."""
    return point_value is None or _is_zero(point_value.subs(x, at) - expr.subs(x, at))


EXPAND_MAX_TERMS = 400  # an expansion bounded above by more terms than this is not tried


def expansion_terms(e: sp.Expr) -> int:
    """An upper bound of the number of terms of ``sp.expand(e)``, from the tree: a sum adds its terms'
    bounds, a product multiplies them, a power of a sum of k terms to n has at most C(n + k − 1, k − 1)
    (the multinomial count); a function counts one (exp(a + b) expands to the single term exp(a)·exp(b)),
    or more than :data:`EXPAND_MAX_TERMS` when an argument's own expansion would pass that (expand works
    inside arguments).  Decided before any expansion: (π + e + 1/3)^47 bounds 1,176 terms."""
    if e.is_Add:
        return sum(expansion_terms(a) for a in e.args)
    if e.is_Mul:
        out = 1
        for a in e.args:
            out *= expansion_terms(a)
        return out
    if e.is_Pow:
        k = expansion_terms(e.base)
        n = e.exp
        if k > 1 and n.is_Integer and n > 1:
            return math.comb(int(n) + k - 1, k - 1) if n < 10 ** 4 else EXPAND_MAX_TERMS + 1
        return k
    inner = max([1, *(expansion_terms(a) for a in e.args if isinstance(a, sp.Expr))])
    if inner > EXPAND_MAX_TERMS:
        return inner
    return len(sp.Mul.make_args(e.args[0])) if isinstance(e, sp.log) else 1  # log(ab) = log a + log b


def constant_form(v: sp.Expr) -> sp.Expr | None:
    """The stated form of a real constant: the shortest (``count_ops``; the first on a tie) of its
    expansion, the expansion over one denominator and the form given; None for what is not a number.
    For every constant the registered functions' analysis and moments meet (breakpoint values, one-sided
    limits: 336 of them, 17 with exp or erf) this is what SymPy's ``simplify`` gives, at a hundredth of
    its cost; for others it may be less simplified, never a different value."""
    if v.is_Rational:
        return v
    if not v.is_number:
        return None
    if expansion_terms(v) > EXPAND_MAX_TERMS:
        return v  # (√2 + √3 + √5 + √7)^64 would expand for seconds into thousands of terms
    ex = sp.expand(v)
    shapes = [ex, sp.together(ex), v]
    sizes = [sp.count_ops(s) for s in shapes]
    return shapes[sizes.index(min(sizes))]


def _point_value(v: sp.Expr) -> sp.Expr:
    """The stated value of a definition at a breakpoint."""
    form = constant_form(v)
    return form if form is not None else sp.simplify(v)


def _half_line(cond) -> sp.Set | None:
    """The set of x where ``cond`` holds, when it is True or x compared with a real constant
    (x < c, x <= c, x > c, x >= c, either way round); None otherwise."""
    if cond is sp.true:
        return sp.S.Reals
    if not isinstance(cond, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)):
        return None
    lhs, rhs = cond.lhs, cond.rhs
    if rhs == x and lhs != x:
        cond = cond.reversed
        lhs, rhs = cond.lhs, cond.rhs
    if lhs != x or rhs.free_symbols or not rhs.is_extended_real:
        return None
    if isinstance(cond, (sp.StrictLessThan, sp.LessThan)):
        return sp.Interval(-sp.oo, rhs, True, isinstance(cond, sp.StrictLessThan))
    return sp.Interval(rhs, sp.oo, isinstance(cond, sp.StrictGreaterThan), True)


def _expr_set_pairs(pw: sp.Piecewise):
    """(expression, set where it applies) for each branch — ``pw.as_expr_set_pairs(Reals)``, computed
    directly when every condition is a half-line (:func:`_half_line`): the branch's half-line less
    those of the branches before it.  SymPy's general method solves each inequality (0.5 s for i-GELU)."""
    sets = [_half_line(c) for _, c in pw.args]
    if any(s is None for s in sets):
        return attempt("piecewise decomposition", pw.as_expr_set_pairs, sp.S.Reals)
    try:
        return _half_line_pairs(pw, sets)
    except _Undecided as exc:  # SymPy's set algebra cannot decide it either (it raised TypeError)
        a, b = exc.args
        raise UnsupportedError(f"cannot decide the order of the breakpoints {sp.sstr(a)} and {sp.sstr(b)} "
                               "(equal or too close to separate); write them in one form") from None


class _Undecided(Exception):
    """Two ends of half-lines whose order is not proved (args: the two ends)."""


def _order(a: sp.Expr, b: sp.Expr) -> int:
    """sign(a − b) for ends in ℝ ∪ {±∞}, proved (:func:`~gelu_math.definitions.domain.compare`)."""
    if a == b:
        return 0
    if a == -sp.oo or b == sp.oo:
        return -1
    if a == sp.oo or b == -sp.oo:
        return 1
    c = compare(a, b)
    if c is None:
        raise _Undecided(a, b)
    return c


def _meet(i: tuple, h: sp.Interval) -> tuple:
    """The interval ``i`` = (lo, hi, left open, right open) intersected with the interval ``h``."""
    lo, hi, lo_open, hi_open = i
    c = _order(h.start, lo)
    if c > 0 or c == 0 and h.left_open:
        lo, lo_open = h.start, h.left_open
    c = _order(h.end, hi)
    if c < 0 or c == 0 and h.right_open:
        hi, hi_open = h.end, h.right_open
    return lo, hi, lo_open, hi_open


def _as_set(i: tuple) -> sp.Set:
    lo, hi, lo_open, hi_open = i
    c = _order(lo, hi)
    if c > 0 or c == 0 and (lo_open or hi_open):
        return sp.S.EmptySet
    return sp.FiniteSet(lo) if c == 0 else sp.Interval(lo, hi, lo_open, hi_open)


def _half_line_pairs(pw: sp.Piecewise, sets: list) -> list:
    """:func:`_expr_set_pairs` by interval arithmetic: what is left after the branches before is an
    interval (ℝ less half-lines), and ℝ less a half-line is the other half-line — no SymPy set
    algebra (its Intersection and Complement compare symbolic ends at every step: 17 ms for i-GELU)."""
    left, pairs = (-sp.oo, sp.oo, True, True), []
    for (value, _), where in zip(pw.args, sets):
        pairs.append((value, _as_set(_meet(left, where))))
        if where is sp.S.Reals:
            left = (sp.oo, -sp.oo, True, True)  # nothing is left
        elif where.start == -sp.oo:
            left = _meet(left, sp.Interval(where.end, sp.oo, not where.right_open, True))
        else:
            left = _meet(left, sp.Interval(-sp.oo, where.start, True, not where.left_open))
    return pairs


@functools.lru_cache(maxsize=256)
def decompose(expr: sp.Expr) -> Pieces:
    """Pieces of ``expr`` over ℝ, in order, with adjacent equal pieces merged."""
    expr = _rewrite(sp.sympify(expr))
    if not expr.has(sp.Piecewise):
        return Pieces((Piece(-sp.oo, sp.oo, expr),))
    if not isinstance(expr, sp.Piecewise):
        raise UnsupportedError(f"cannot split {expr} into pieces")
    pairs = _expr_set_pairs(expr)
    if pairs is None:
        raise UnsupportedError("piecewise decomposition timed out")
    intervals, points = [], []
    for value, where in pairs:
        for part in (where.args if isinstance(where, sp.Union) else (where,)):
            if isinstance(part, sp.Interval):
                intervals.append((part.start, part.end, value, part.left_open, part.right_open))
            elif isinstance(part, sp.FiniteSet):
                points.extend((pt, value) for pt in part)  # value is substituted below
            elif part is sp.S.EmptySet:
                continue
            else:
                raise UnsupportedError(f"piece condition gives an unsupported set {part}")
    intervals.sort(key=lambda t: (t[0] != -sp.oo, float(t[0]) if t[0] != -sp.oo else 0.0))
    pieces: list[Piece] = []
    point_values = dict(points)
    for lo, hi, value, lopen, ropen in intervals:
        if not lopen and lo.is_finite:
            point_values.setdefault(lo, value)
        if not ropen and hi.is_finite:
            point_values.setdefault(hi, value)
        if pieces and _is_zero(pieces[-1].expr - value) and _continues(point_values.get(lo), value, lo):
            pieces[-1] = Piece(pieces[-1].lo, hi, pieces[-1].expr)  # the same expression on both sides of lo
            continue
        if pieces and not _is_zero(pieces[-1].hi - lo):
            raise UnsupportedError(f"pieces leave a gap between {pieces[-1].hi} and {lo}")
        pieces.append(Piece(lo, hi, value))
    inner = {p.hi for p in pieces[:-1]}
    values = tuple((bp, _point_value(point_values[bp].subs(x, bp)))
                   for bp in sorted(inner, key=float) if bp in point_values)
    return Pieces(tuple(pieces), values)
