"""Derivatives, one-sided values, limits at ±∞ and asymptotes — exact, piece by piece."""

from __future__ import annotations

import contextlib
import functools
import sys
import types
from dataclasses import dataclass

import sympy as sp

from ..definitions.symbols import x
from ..errors import UnsupportedError
from ..timebox import attempt
from .pieces import Piece, Pieces, constant_form


_UNITS = "sympy.physics.units"


class _NoQuantity:
    """Stands for ``sympy.physics.units.Quantity`` while that package is not loaded: no expression
    can hold a Quantity then (making one loads the package), so ``expr.has(_NoQuantity)`` gives
    the same answer as ``expr.has(Quantity)`` — False."""


class _UnitsStub(types.ModuleType):
    """Any other public attribute loads the real package (and puts it in place of the stub); the
    import system's own questions (``__path__``, ...) are answered "absent"."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if sys.modules.get(_UNITS) is self:
            del sys.modules[_UNITS]
        import importlib

        return getattr(importlib.import_module(_UNITS), name)


@contextlib.contextmanager
def without_units_import():
    """SymPy's ``simplify`` imports ``sympy.physics.units`` on its first call only to ask whether
    the expression holds a physical Quantity — about 0.5 s, as long as importing SymPy itself and
    the largest single cost of a cold ``analyze``.  While the package is not loaded no expression
    can hold one, so inside this block that import finds a stub whose ``Quantity`` no expression
    contains: every answer is the one SymPy would give.  Any other use of the package inside the
    block loads the real one; outside it nothing changes.  Also a decorator
    (``@without_units_import()``) for the entry points that simplify (engine, envelope, gauss)."""
    if _UNITS in sys.modules:
        yield
        return
    stub = _UnitsStub(_UNITS)
    stub.Quantity = _NoQuantity
    sys.modules[_UNITS] = stub
    try:
        yield
    finally:
        if sys.modules.get(_UNITS) is stub:
            del sys.modules[_UNITS]


SIMPLIFY_MAX_OPS = 80  # measured: simplify on larger derivatives (tanh forms) runs for seconds to hours


_HYPERBOLIC = (sp.tanh, sp.sinh, sp.cosh, sp.sech, sp.csch, sp.coth)


def _rational_tidy(expr: sp.Expr) -> sp.Expr:
    """The shortest of ``expr``, its common factors pulled out, and its rational normal forms.

    For hyperbolic functions ``simplify`` spends its time in ``trigsimp``: measured, it finishes
    on some derivatives of the tanh and sigmoid forms in 0.4–1.2 s and not at all on others, so
    its answer would depend on the machine's speed.  These rational operations (tanh, exp, ...
    as generators) are deterministic and fast.  Hyperbolic functions of a logarithm (Mish's
    tanh(log(1 + e^x))) are left to ``simplify``, which turns them into rational functions quickly
    (0.3–0.7 s measured) and whose compact forms root isolation needs.
    """
    best = expr
    for step in (sp.factor_terms, sp.cancel, lambda e: sp.factor_terms(sp.together(e))):
        cand = attempt("rational tidy", step, expr)
        if cand is not None and (sp.count_ops(cand), sp.default_sort_key(cand)) < (sp.count_ops(best), sp.default_sort_key(best)):
            best = cand
    return best


LARGE_EXPONENT = 100


def has_large_exponential(expr: sp.Expr) -> bool:
    """Whether ``expr`` holds exp(c) of a rational constant |c| > 100 (exp(−5000): E ReLU(Z) at mean −100).
    Numeric sign tests on such forms — SymPy's simplify, its printer's term ordering — evaluate through
    cancellation of thousands of digits and take minutes; callers skip them."""
    return any(a.args[0].is_Rational and abs(a.args[0]) > LARGE_EXPONENT for a in sp.sympify(expr).atoms(sp.exp))


@functools.lru_cache(maxsize=4096)
def tidy(expr: sp.Expr) -> sp.Expr:
    """A simplified form of ``expr``; the unsimplified one if the expression is too large
    (:data:`SIMPLIFY_MAX_OPS`, decided before any work) or simplify makes it longer.

    Memoised: the same derivative is tidied by several steps (zeros, tails, profiles), and a
    repeated ``simplify`` would cost again for the same answer."""
    ops = sp.count_ops(expr)
    if ops > SIMPLIFY_MAX_OPS:
        return expr
    if any(not isinstance(h.args[0], sp.log) for h in expr.atoms(*_HYPERBOLIC)):
        return _rational_tidy(expr)
    with without_units_import():
        out = attempt("simplify", sp.simplify, expr)
    if sp.count_ops(out) > ops:
        return expr
    return out


@functools.lru_cache(maxsize=4096)
def proved_zero(expr: sp.Expr) -> bool:
    """Whether ``expr`` is *proved* identically zero (True) — False means only "not shown".

    :func:`tidy` first; then, for exponentials and hyperbolic functions, the rational normal form
    over exponentials (cancel(expand(rewrite(exp)))), which decides identities such as
    tanh² + sech² = 1 that rational tidying alone leaves alone.  A caller that needs "nonzero"
    must certify it (a ball that excludes 0), never infer it from False here.
    """
    if tidy(expr) == 0:
        return True
    if not expr.has(sp.exp, *_HYPERBOLIC):
        return False
    out = attempt("exp normal form", lambda: sp.cancel(sp.expand(expr.rewrite(sp.exp))))
    return out == 0


@functools.lru_cache(maxsize=256)
def derivative(pieces: Pieces, order: int) -> Pieces:
    """The ``order``-th derivative on each open piece, simplified (memoised: pieces are immutable).

    At a breakpoint the derivative gets a value only where it is proved to exist: F has a value
    there, both one-sided values of F are proved equal to it (F is continuous) and the one-sided
    values of F′ are proved equal (exactly, :func:`proved_zero`).  Then F′(b) is that common value
    (the derivative-limit theorem: F continuous at b, differentiable around it, and F′ → L on both
    sides give F′(b) = L).  Elsewhere no value is recorded: callers must not read "F′ does not
    exist at b" from that, only "not derived" (see ``certified.profile``)."""
    if order > 1:
        return derivative(derivative(pieces, order - 1), 1)
    d = pieces.map(lambda e: tidy(sp.diff(e, x, 1)))
    if not pieces.breakpoints:
        return d
    base_values = dict(pieces.point_values)
    values = []
    for i, bp in enumerate(pieces.breakpoints):
        if bp not in base_values:
            continue
        try:
            left, right = one_sided(pieces.pieces[i], bp), one_sided(pieces.pieces[i + 1], bp)
            dleft, dright = one_sided(d.pieces[i], bp), one_sided(d.pieces[i + 1], bp)
        except UnsupportedError:
            continue
        pv = base_values[bp]
        if proved_zero(left - pv) and proved_zero(right - pv) and proved_zero(dleft - dright):
            values.append((bp, dleft))
    return Pieces(d.pieces, tuple(values))


def as_piecewise(pieces: Pieces) -> sp.Expr:
    """One SymPy expression: the single piece, or a Piecewise with strict conditions.

    At a breakpoint a derivative need not exist; the strict conditions leave it
    undefined there (one-sided values are reported with the smoothness facts).
    """
    if len(pieces.pieces) == 1:
        return pieces.pieces[0].expr
    pairs = []
    for p in pieces.pieces:
        cond = sp.And(*(c for c in ((x > p.lo) if p.lo != -sp.oo else True,
                                     (x < p.hi) if p.hi != sp.oo else True) if c is not True))
        pairs.append((p.expr, cond))
    return sp.Piecewise(*pairs, evaluate=False)


@functools.lru_cache(maxsize=1024)
def limit(expr: sp.Expr, point: sp.Expr, direction: str = "+") -> sp.Expr:
    """SymPy's limit in a time box; raises UnsupportedError when it gives no answer.

    SymPy's limits at ±∞ are not always right (1.14 gives -oo for lim x(1 + erf(x + 1))
    at -oo, the truth being 0): :func:`gelu_math.certified.limits.checked_limit` guards them.
    """
    if point in (sp.oo, -sp.oo):
        work = _log_free_hyperbolic(expr)
        value = _by_parts(work, 1 if point == sp.oo else -1)
        if value is None:
            value = attempt("limit", sp.limit, work, x, point)
        if _unusable(value) and work.has(sp.LambertW):
            value = _limit_in_exp(work, point)
    else:
        value = attempt("limit", sp.limit, expr, x, point, direction)
    return _accept(value, expr, point)


def _unusable(value) -> bool:
    return value is None or isinstance(value, sp.Limit) or value.has(sp.AccumBounds) or value is sp.nan


def _limit_in_exp(expr: sp.Expr, point: sp.Expr):
    """The limit at ±∞ in the variable t = e^x (x = log t, t → 0⁺ or +∞): Gruntz does not expand
    W(e^x) at −∞, but SymPy knows W's series at 0 (x·W(e^x) → 0)."""
    t = sp.Symbol("t", positive=True)
    g = expr.subs(x, sp.log(t))
    return attempt("limit", sp.limit, g, t, 0 if point == -sp.oo else sp.oo, "+")


def _log_free_hyperbolic(expr: sp.Expr) -> sp.Expr:
    """``expr`` with each hyperbolic function of a logarithm written as the rational function it
    is (tanh(log u) = (u² − 1)/(u² + 1), Mish): an identity, and the limit laws then apply to the
    parts directly instead of sending tanh(log(1 + e^x)) to SymPy's Gruntz algorithm."""
    return expr.replace(lambda t: isinstance(t, _HYPERBOLIC) and isinstance(t.args[0], sp.log),
                        lambda t: sp.together(t.rewrite(sp.exp)))


_INF = (sp.oo, -sp.oo)
_AT_INF = {  # f(+oo), f(-oo) for the monotone special functions
    sp.exp: (sp.oo, sp.Integer(0)),
    sp.tanh: (sp.Integer(1), sp.Integer(-1)),
    sp.erf: (sp.Integer(1), sp.Integer(-1)),
    sp.erfc: (sp.Integer(0), sp.Integer(2)),
    sp.atan: (sp.pi / 2, -sp.pi / 2),
}


def _by_parts(expr: sp.Expr, side: int) -> sp.Expr | None:
    """lim at side·∞ by the limit laws where they apply (sum, product, power, continuous or
    monotone function of a limit); a term whose form is indeterminate (0·∞, ∞ − ∞) goes to
    SymPy on its own, which is much faster than SymPy on the whole expression.  None: undecided."""
    value = _parts(expr, side)
    return value if value is None or value in _INF or value.is_finite else None


def _parts(e: sp.Expr, side: int) -> sp.Expr | None:
    if not e.has(x):
        return e if e.is_finite else None
    if e == x:
        return sp.oo * side
    if e.is_polynomial(x):
        poly = sp.Poly(e, x)
        lc = poly.LC()
        if lc.free_symbols or not lc.is_real or lc.is_zero:
            return None
        sign = (1 if lc.is_positive else -1) * side ** poly.degree()
        return sp.oo if sign > 0 else -sp.oo
    if e.is_Add:
        values = [_term(a, side) for a in e.args]
        if any(v is None for v in values):
            return None
        inf = {v for v in values if v in _INF}
        if len(inf) > 1:  # ∞ − ∞: a common factor may resolve it (x·(1 + tanh) − x·(1 + erf) = x·(tanh − erf))
            g = sp.factor_terms(sp.expand(e))
            return None if g.is_Add or g == e else _parts(g, side)
        return inf.pop() if inf else sp.Add(*values)
    if e.is_Mul:
        values = [_parts(a, side) for a in e.args]
        if any(v is None for v in values):
            return None
        if any(v in _INF for v in values):
            if any(v == 0 for v in values):
                # 0·∞: zero when an exponentially small factor meets only polynomial growth
                small = [a for a, v in zip(e.args, values) if v == 0 and _exp_small(a, side)]
                big = [a for a, v in zip(e.args, values) if v in _INF]
                if small and all(_polynomial_growth(a) for a in big):
                    return sp.Integer(0)
                return None
            sign = 1
            for v in values:
                sign *= 1 if (v == sp.oo or (v not in _INF and v.is_positive)) else -1 if (
                    v == -sp.oo or v.is_negative) else 0
            return None if sign == 0 else (sp.oo if sign > 0 else -sp.oo)
        return sp.Mul(*values)
    if e.is_Pow and e.exp.is_Integer:
        b = _parts(e.base, side)
        n = int(e.exp)
        if b is None:
            return None
        if b in _INF:
            return sp.Integer(0) if n < 0 else (sp.oo if (b == sp.oo or n % 2 == 0) else -sp.oo)
        if n < 0 and b == 0:
            return None
        return b ** n
    if isinstance(e, sp.Function) and e.func in _AT_INF and len(e.args) == 1:
        u = _parts(e.args[0], side)
        if u is None:
            return None
        if u in _INF:
            return _AT_INF[e.func][0 if u == sp.oo else 1]
        return e.func(u)
    return None


def _poly_to_inf(u: sp.Expr, side: int) -> int:
    """+1 / −1 when u is a nonconstant polynomial tending to ±∞ at side·∞, else 0."""
    if not u.has(x) or not u.is_polynomial(x):
        return 0
    v = _parts(u, side)
    return 1 if v == sp.oo else -1 if v == -sp.oo else 0


def _polynomial_growth(a: sp.Expr) -> bool:
    return a.is_polynomial(x) or (a.is_Pow and a.exp.is_Integer and a.exp > 0 and a.base.is_polynomial(x))


def _exp_small(a: sp.Expr, side: int) -> bool:
    """a = O(e^{−c|x|}) at side·∞: e^{v} with v → −∞ polynomial; erfc(u), u → +∞; c + d·h(u)^m with
    h ∈ {tanh, erf}, u → ±∞ polynomial and c + d·h(±∞)^m = 0 (e.g. 1 − tanh(u)², 1 + erf(u) at −∞)."""
    if a.is_Pow and a.exp.is_Integer and a.exp > 0:
        return _exp_small(a.base, side)
    if isinstance(a, sp.exp):
        return _poly_to_inf(a.args[0], side) == -1
    if isinstance(a, sp.erfc):
        return _poly_to_inf(a.args[0], side) == 1
    if a.is_Add:  # Σ terms tending to a total of 0, each within O(e^{−c|x|}) of its own limit
        total = sp.Integer(0)
        for t in a.args:
            if not t.has(x):
                total += t
                continue
            if _exp_small(t, side):
                continue
            d, h = t.as_independent(x, as_Add=False)
            m = 1
            if h.is_Pow and h.exp.is_Integer and h.exp > 0:
                h, m = h.base, int(h.exp)
            if h.is_Pow and h.exp.is_Integer and h.base.is_Add:
                # B^n with B → b ≠ 0 and B − b exponentially small: B^n − b^n is exponentially small too
                b = _parts(h.base, side)
                if b is None or b in _INF or b == 0 or not _exp_small(sp.expand(h.base - b), side):
                    return False
                total += d * b ** (int(h.exp) * m)
                continue
            if not isinstance(h, (sp.tanh, sp.erf)):
                return False
            direction = _poly_to_inf(h.args[0], side)
            if direction == 0:
                return False
            total += d * sp.Integer(direction) ** m
        return sp.simplify(total) == 0
    return False


def _term(e: sp.Expr, side: int) -> sp.Expr | None:
    """One summand: by parts, else SymPy's limit of the summand alone (time-boxed)."""
    v = _parts(e, side)
    if v is not None:
        return v
    v = attempt("limit", sp.limit, e, x, sp.oo * side)
    if v is None or isinstance(v, sp.Limit) or v.has(sp.AccumBounds, sp.zoo) or v is sp.nan:
        return None
    return v


@functools.lru_cache(maxsize=1024)
def limit_mirrored(expr: sp.Expr, side: int) -> sp.Expr:
    """lim f(x) as x -> side*oo by a second route: t = side*x -> +oo, with every erf(v) written as
    erfc of an argument that tends to +oo (1 - erfc(v), or erfc(-v) - 1 kept unevaluated so SymPy
    does not fold it back), where SymPy's erfc asymptotics are reliable."""
    t = sp.Symbol("t", positive=True)

    def erfc_form(v):
        direction = attempt("limit", sp.limit, v, t, sp.oo)
        if direction == sp.oo:
            return 1 - sp.erfc(v)
        if direction == -sp.oo:
            return sp.erfc(sp.expand(-v), evaluate=False) - 1
        return sp.erf(v)

    g = expr.subs(x, side * t).replace(sp.erf, erfc_form)
    value = attempt("limit", sp.limit, g, t, sp.oo)
    return _accept(value, expr, sp.oo * side)


def _accept(value, expr, point) -> sp.Expr:
    if value is not None and value.has(sp.AccumBounds):  # SymPy: oscillates between the bounds
        lo, hi = (value.min, value.max) if isinstance(value, sp.AccumBounds) else ("?", "?")
        where = "+∞" if point == sp.oo else "−∞" if point == -sp.oo else sp.sstr(point)
        # the expression as a code span: a report sets it as code (never plain-text exponents in its prose)
        raise UnsupportedError(f"`{sp.sstr(expr)}` has no limit as x → {where}: SymPy finds "
                               f"that it oscillates between {lo} and {hi} (periodic terms); nothing that needs "
                               "that limit (an asymptote; a finite list of zeros, extrema or signs there) is stated")
    if value is None or isinstance(value, sp.Limit) or value is sp.nan:
        raise UnsupportedError(f"no limit found for {expr} as x -> {point}")
    if value.has(sp.zoo):
        raise UnsupportedError(f"limit of {expr} at {point} is complex infinity")
    return tidy(value)


def one_sided(piece: Piece, point: sp.Expr) -> sp.Expr:
    """Value at ``point`` (an end of the piece) of the piece's analytic expression."""
    direction = "+" if point == piece.lo else "-"
    value = piece.expr.subs(x, point)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_finite:
        return limit(piece.expr, point, direction)
    form = constant_form(value)
    return form if form is not None else tidy(value)


@dataclass(frozen=True)
class Asymptote:
    """y = slope*x + intercept as x -> side*∞, or None when there is none."""

    side: int
    slope: sp.Expr | None
    intercept: sp.Expr | None

    @property
    def kind(self) -> str:
        if self.slope is None:
            return "none"
        return "horizontal" if self.slope == 0 else "oblique"


def asymptote(pieces: Pieces, side: int, limit=limit) -> Asymptote:
    """Horizontal (finite limit) or oblique (lim f/x and lim f - m x finite) asymptote.

    ``limit`` may be replaced by a guarded version (the certified layer's ``checked_limit``).
    """
    piece = pieces.pieces[-1] if side > 0 else pieces.pieces[0]
    point = sp.oo * side
    # "no asymptote" needs a limit *known* to be infinite; a limit SymPy cannot find raises (the
    # fact is then not certified), and so does one that is neither finite nor ±∞
    lim = _finite_or_infinite(limit(piece.expr, point), piece.expr)
    if lim.is_finite:
        return Asymptote(side, sp.Integer(0), lim)
    slope = _finite_or_infinite(limit(piece.expr / x, point), piece.expr / x)
    if not slope.is_finite or slope == 0:
        return Asymptote(side, None, None)
    intercept = _finite_or_infinite(limit(tidy(piece.expr - slope * x), point), piece.expr - slope * x)
    if not intercept.is_finite:
        return Asymptote(side, None, None)
    return Asymptote(side, slope, intercept)


def _finite_or_infinite(value: sp.Expr, expr: sp.Expr) -> sp.Expr:
    if value.is_finite or value in (sp.oo, -sp.oo):
        return value
    raise UnsupportedError(f"the limit of {expr} ({value}) is neither shown finite nor infinite")
