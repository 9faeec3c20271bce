"""Taylor series at 0 (with a general term when SymPy's fps finds one) and parity."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..definitions.symbols import x
from ..errors import UnsupportedError
from ..timebox import attempt
from sympy.series.formal import FormalPowerSeries
from .calculus import proved_zero, tidy
from .pieces import Pieces

n = sp.Symbol("n", integer=True, nonnegative=True)


@dataclass(frozen=True)
class Taylor:
    order: int
    polynomial: sp.Expr | None  # Taylor polynomial of degree `order` at 0 (None at a breakpoint)
    general_term: sp.Expr | None  # a_n x^(...) in terms of n, summed over n >= 0 (plus `extra`)
    extra: sp.Expr  # finitely many terms outside the general pattern
    left: sp.Expr | None = None  # one-sided expansions when 0 is a breakpoint
    right: sp.Expr | None = None


def _series(e: sp.Expr, order: int) -> sp.Expr:
    """The Taylor polynomial of ``e`` at 0 to ``order``; UnsupportedError when SymPy cannot
    expand it or the expansion is not a power series (√x, x^(1/3), log x, 1/x: not analytic)."""
    s = attempt("series", lambda: sp.series(e, x, 0, order + 1).removeO())
    s = sp.expand(s)
    if not s.is_polynomial(x):
        raise UnsupportedError(f"{e} is not analytic at 0: its expansion {s} is not a power series")
    if not e.has(sp.LambertW):
        return sp.Add(*(tidy(s.coeff(x, k).rewrite(sp.exp)) * x**k for k in range(order + 1)))
    derivatives = [e]
    for _ in range(order):
        derivatives.append(sp.diff(derivatives[-1], x))
    return sp.Add(*(_coefficient(derivatives[k], s, k) * x**k for k in range(order + 1)))


def _coefficient(dk: sp.Expr, s: sp.Expr, k: int) -> sp.Expr:
    """The k-th Taylor coefficient: SymPy's series coefficient, checked against f^(k)(0)/k!.

    SymPy's series of LambertW at a nonzero argument is wrong (1.14: LambertW(e^x) expands as
    −x − 3x²/2, but W(e^x) = W(1) + W(1)/(1 + W(1))·x + …), so for expressions with LambertW the
    derivative ``dk`` = f^(k) at 0, where it is finite, decides: it is plain calculus, and when the
    two are not proved equal its value is the coefficient.  (Checked for every expression, this
    would triple the time of order-12 analyses of the tanh forms.)"""
    c = tidy(s.coeff(x, k).rewrite(sp.exp))
    d = dk.subs(x, 0) / sp.factorial(k)
    if d.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not d.is_finite:
        return c  # 0 lies on a removable singularity of the form: only the series sees it
    return c if proved_zero(c - d) else tidy(d.rewrite(sp.exp))


_HYPERBOLIC_TRIG = (sp.tanh, sp.coth, sp.sech, sp.csch, sp.tan, sp.cot, sp.sec, sp.csc)


def _has_exp_of_x(e: sp.Expr) -> bool:
    return any(isinstance(t, sp.exp) and t.has(x) for t in sp.preorder_traversal(e))


def holonomic_candidate(e: sp.Expr) -> bool:
    """False when ``e`` is certainly not holonomic (D-finite), so ``fps`` cannot find a term.

    A holonomic function has finitely many singularities; tanh, sec, ... of a non-constant
    argument, a reciprocal of a sum with exponentials (1/(1 + e^(−x)): the logistic sigmoid) and
    log of such a sum have infinitely many poles or branch points.  Skipping them saves fps's
    time box; any other expression is tried.
    """
    for a in sp.preorder_traversal(e):
        if not a.has(x):
            continue
        if isinstance(a, _HYPERBOLIC_TRIG):
            return False
        if a.is_Pow and a.exp.is_negative and a.base.is_Add and _has_exp_of_x(a.base):
            return False
        if isinstance(a, sp.log) and a.args[0].is_Add and _has_exp_of_x(a.args[0]):
            return False
    return True


def _fps_term(e: sp.Expr):
    """General term c·a_k·x^(k+m) of one product term, as (expr in n, parity) or None."""
    coeff, power, rest = sp.Integer(1), 0, []
    for f in sp.Mul.make_args(e):
        if f == x:
            power += 1
        elif f.is_Pow and f.base == x and f.exp.is_Integer:
            power += int(f.exp)
        elif not f.has(x):
            coeff *= f
        else:
            rest.append(f)
    if not rest:
        return None
    inner = sp.Mul(*rest)
    if not holonomic_candidate(inner):
        return None
    try:
        s = attempt("fps", sp.fps, inner, x, 0)
    except UnsupportedError:  # SymPy's fps gives up or fails (erf(x/e), silu's 1/(1+e^(−x/1000))): no general term
        return None
    if not isinstance(s, FormalPowerSeries):
        return None
    ak = s.ak.formula
    k = s.ak.variables[0] if hasattr(s.ak, "variables") else next(iter(ak.free_symbols - {x}))
    if isinstance(ak, sp.Piecewise):
        # fps writes odd/even-only series as Piecewise((a_k, Eq(Mod(k, 2), r)), (0, True))
        (expr, cond), rest_ = ak.args[0], ak.args[1:]
        if not (len(rest_) == 1 and rest_[0].expr == 0 and isinstance(cond, sp.Eq)):
            return None
        r = sp.Integer(1) if cond.rhs == 1 or cond.lhs == 1 else sp.Integer(0)
        sub = 2 * n + r
        term = coeff * expr.subs(k, sub) * x ** (sub + power)
    else:
        term = coeff * ak.subs(k, n) * x ** (n + power)
    term = attempt("simplify term", lambda: sp.simplify(sp.combsimp(term)))
    return term, coeff * x**power * s.ind


def taylor(pieces: Pieces, order: int) -> Taylor:
    """Taylor polynomial of degree ``order`` at 0, and a general term where one is found."""
    inner = [p for p in pieces.pieces if p.contains(sp.Integer(0))]
    if not inner:  # 0 is a breakpoint: one-sided expansions only
        i = pieces.breakpoints.index(0)
        return Taylor(order, None, None, sp.Integer(0), _series(pieces.pieces[i].expr, order),
                      _series(pieces.pieces[i + 1].expr, order))
    e = inner[0].expr
    poly = _series(e, order)
    poly_part, terms, extras = sp.Integer(0), [], sp.Integer(0)
    for t in sp.Add.make_args(sp.expand(e)):
        if t.is_polynomial(x):
            poly_part += t
            continue
        got = _fps_term(t)
        if got is None:
            return Taylor(order, poly, None, sp.Integer(0))
        terms.append(got[0])
        extras += got[1]
    if not terms:
        return Taylor(order, poly, None, sp.Integer(0))
    general = tidy(sp.Add(*terms))
    # fps may start its pattern after a first term; keep whichever variant reproduces the series
    for extra in (poly_part, poly_part + extras):
        partial = sp.expand(extra + sum(general.subs(n, j) for j in range(order + 2)))
        partial = sp.Add(*(partial.coeff(x, d) * x**d for d in range(order + 1)))
        if tidy(partial - poly) == 0:
            return Taylor(order, poly, general, tidy(extra))
    return Taylor(order, poly, None, sp.Integer(0))


@dataclass(frozen=True)
class Parity:
    even: sp.Expr  # (f(x) + f(-x))/2
    odd: sp.Expr  # (f(x) - f(-x))/2
    difference: sp.Expr  # f(x) - f(-x), simplified (e.g. x for GELU)
    decided: bool = True  # False: neither part proved 0 nor certified nonzero (symbolic parameters)

    @property
    def kind(self) -> str:
        """"even"/"odd" when the other part is proved 0; "neither" once the engine has certified
        both parts nonzero somewhere; else "undecided"."""
        if self.odd == 0:
            return "even"
        if self.even == 0:
            return "odd"
        return "neither" if self.decided else "undecided"


def parity(pieces: Pieces) -> Parity:
    """Even and odd parts of f, region by region between the breakpoints and their mirrors.

    On each region both f(x) and f(−x) are single analytic pieces, so no
    Piecewise is ever simplified; equal regional results are merged.
    """
    cuts = sorted({c for b in pieces.breakpoints for c in (b, -b)}, key=lambda v: float(v))
    bounds = [-sp.oo, *cuts, sp.oo]
    parts = {1: [], -1: []}
    for lo, hi in zip(bounds, bounds[1:]):
        if lo == -sp.oo and hi == sp.oo:
            probe = sp.Rational(1, 3)
        else:
            probe = lo + 1 if hi == sp.oo else (hi - 1 if lo == -sp.oo else (lo + hi) / 2)
        here = next(p.expr for p in pieces.pieces if p.contains(probe))
        there = next(p.expr for p in pieces.pieces if p.contains(-probe)).subs(x, -x)
        for sign in (1, -1):
            part = tidy((here + sign * there) / 2)
            parts[sign].append((sp.Integer(0) if part != 0 and proved_zero(part) else part, lo, hi))

    def join(regions):
        exprs = [e for e, _, _ in regions]
        if all(proved_zero(e - exprs[0]) for e in exprs[1:]):
            return exprs[0]
        pairs = [(e, (x < hi) if hi != sp.oo else True) for e, _, hi in regions]
        return sp.Piecewise(*pairs)

    odd = join(parts[-1])
    difference = 2 * odd if odd.has(sp.Piecewise) else tidy(2 * odd)
    return Parity(join(parts[1]), odd, difference)
