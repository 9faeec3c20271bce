"""Claims every function gets, derived from the engine's facts (for the comparison matrix).

* ``slope_at_0``: f′(0) = lim of the difference quotient, exact (or the two one-sided slopes when
  0 is a breakpoint of f′, e.g. ReLU: 0 and 1).
* ``boundedness``: bounded below/above iff inf/sup of the range fact is finite.
* ``monotone``: increasing / non-decreasing / … on ℝ, read off the monotonicity fact.
* ``negative_gradient``: whether f′ ≠ 0 on x < 0 apart from isolated points (no "dying" interval,
  Lee 2023's comparison), and lim f′ at −∞.

Example: for GELU, ``slope_at_0`` is 1/2, f′ has one isolated zero at x* ≈ −0.7518 on x < 0 and
f′ → 0 at −∞.
"""

from __future__ import annotations

import sympy as sp

from ..analysis import calculus
from ..analysis.calculus import one_sided, tidy
from ..certified.limits import checked_limit
from ..certified.numbers import compare, exact_constant, exact_number
from ..definitions.symbols import x
from ..facts import Fact, Method, Number, Step, weakest
from ..properties import Column, Property
from ..values import Phrase, Record
from ..references import LEE

_F = sp.Function("f")
_SLOPE = sp.Subs(sp.Derivative(_F(x), x), x, 0)  # f′(0), as statements print it




def _slope_at_0(a) -> Fact:
    d1 = calculus.derivative(a.pieces, 1)
    zero = sp.Integer(0)
    if zero not in a.pieces.breakpoints:
        piece = next(p for p in d1.pieces if p.contains(zero))
        raw = tidy(piece.expr.subs(x, zero))
        v = exact_constant(raw)
        steps = (Step("f is analytic near 0; substitute x = 0 into f′ = {0}.", (piece.expr,)),)
        if v != raw:
            a_ = sp.Symbol("a", positive=True)
            steps += (Step("At x = 0 this is {0} = {1} (written with exponentials, {2}, and cancelled).",
                           (raw, v, sp.Eq(sp.exp(sp.log(a_, evaluate=False), evaluate=False), a_, evaluate=False))),)
        n = exact_number(v, a.digits)
        return Fact("slope_at_0", "{0} = {1}", Record(value=n), Method.EXACT, steps, (_SLOPE, n))
    i = a.pieces.breakpoints.index(zero)
    left, right = exact_constant(one_sided(d1.pieces[i], zero)), exact_constant(one_sided(d1.pieces[i + 1], zero))
    nl, nr = exact_number(left, a.digits), exact_number(right, a.digits)
    from ..analysis.smoothness import discontinuities

    if any(calculus.proved_zero(j) for j in discontinuities(a.pieces)):
        return _slope_at_a_jump(a, i, d1, nl, nr)
    same = calculus.proved_zero(left - right)
    if not same:
        compare(nl, nr)  # "not shown equal" is no proof: the balls must separate (CertificationError if not)
    steps = (Step("0 is a breakpoint: the one-sided slopes come from the adjacent pieces, f′ = {0} on the left and "
                  "f′ = {1} on the right, evaluated (or their one-sided limits taken) at 0.",
                  (d1.pieces[i].expr, d1.pieces[i + 1].expr)),)
    if same:
        return Fact("slope_at_0", "{0} = {1}", Record(value=nl), Method.EXACT,
                    steps + (Step("Both one-sided slopes equal {0}, so f is differentiable at 0.", (left,)),),
                    (_SLOPE, nl))
    return Fact("slope_at_0", "f′(0) does not exist: f′(0−) = {0}, f′(0+) = {1}", Record(left=nl, right=nr),
                Method.EXACT, steps + (Step("The one-sided slopes differ, so f is not differentiable at 0."),),
                (nl, nr))


def _slope_at_a_jump(a, i: int, d1, nl, nr) -> Fact:
    """f itself jumps at 0 (xIELU with ε < 0, a step): f′(0) does not exist.  The one-sided derivatives
    are what the difference quotients (f(h) − f(0))/h do: from a side where f is continuous at 0 the
    limit of f′ there (mean value theorem: the quotient is f′(ξ) with ξ between 0 and h); from a side
    whose limit L differs from f(0), ±∞ — the sign of (L − f(0))/h, certified by ordering L and f(0).
    The limits of f′ themselves (finite or not) are stated apart: they are not slopes of f."""
    zero = sp.Integer(0)
    pieces = a.pieces
    steps = [Step("f is discontinuous at 0 (see Smoothness), so it is not differentiable there. The adjacent "
                  "pieces give the one-sided limits of f′: {0} on the left and {1} on the right, evaluated (or "
                  "their one-sided limits taken) at 0.", (d1.pieces[i].expr, d1.pieces[i + 1].expr))]
    values = dict(pieces.point_values)
    if zero not in values:  # f has no value at 0: no difference quotient either
        return Fact("slope_at_0", "f′(0) does not exist (f is not defined at 0); lim f′ as x → 0⁻ is {0}, as "
                    "x → 0⁺ is {1}", Record(limit_left=nl, limit_right=nr), Method.EXACT, tuple(steps), (nl, nr))
    f0 = values[zero]
    sides = []
    for piece, limit_fp, h_sign, where in ((pieces.pieces[i], nl, -1, "left"), (pieces.pieces[i + 1], nr, 1, "right")):
        lim = exact_constant(one_sided(piece, zero))
        if calculus.proved_zero(lim - f0):
            sides.append(limit_fp)
            steps.append(Step(f"From the {where}, f tends to f(0) = {{0}}: f is continuous from that side, so the "
                              "one-sided derivative is the limit of f′ there (mean value theorem), {1}.", (f0, limit_fp)))
            continue
        order = compare(exact_number(lim, a.digits), exact_number(f0, a.digits))  # certified: L > f(0) or L < f(0)
        sides.append(Number.inf(order * h_sign))
        steps.append(Step(f"From the {where}, f tends to {{0}} ≠ f(0) = {{1}}: the difference quotient (f(h) − f(0))/h "
                          f"behaves like ({{0}} − {{1}})/h with h → 0{'⁻' if h_sign < 0 else '⁺'}, so the one-sided "
                          f"derivative is {{2}}.", (lim, f0, sides[-1])))
    return Fact("slope_at_0", "f′(0) does not exist (f jumps at 0): the one-sided derivatives are {0} (left) and "
                "{1} (right); lim f′ as x → 0⁻ is {2}, as x → 0⁺ is {3}",
                Record(left=sides[0], right=sides[1], limit_left=nl, limit_right=nr), Method.EXACT, tuple(steps),
                (sides[0], sides[1], nl, nr))


def _boundedness(a) -> Fact | None:
    if "range" not in a.facts:
        return None
    r = a.facts["range"]
    inf, sup = r.value["inf"].value, r.value["sup"].value
    value = Record(below=inf.is_finite, above=sup.is_finite)
    return Fact("boundedness", "bounded below: {0}; bounded above: {1}", value, r.method,
                (Step("f is bounded below (above) exactly when the infimum (supremum) of the range fact is finite."),),
                (value["below"], value["above"]), (LEE,))


_MONO = {frozenset({"increasing"}): "increasing", frozenset({"decreasing"}): "decreasing",
         frozenset({"increasing", "constant"}): "non-decreasing",
         frozenset({"decreasing", "constant"}): "non-increasing", frozenset({"constant"}): "constant"}


def _monotone(a) -> Fact | None:
    if "monotonicity" not in a.facts:
        return None
    m = a.facts["monotonicity"]
    labels = [iv.label for iv in m.value]
    kind = _MONO.get(frozenset(labels), "not monotone")  # merged intervals: one label per direction
    return Fact("monotone", "f is {0} on ℝ", kind, m.method,
                (Step("Read off the monotonicity intervals covering ℝ: " + ", ".join(labels) + ". f is monotone on ℝ "
                      "when no two intervals have opposite strict directions."),), (kind,), (LEE,))


def _count(n: int, noun: str) -> str:
    """"1 interval", "3 intervals"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _negative_gradient(a) -> Fact | None:
    if "stationary_points" not in a.facts:
        return None
    st = a.facts["stationary_points"]
    zero = exact_number(sp.Integer(0), a.digits)
    flat, zeros = [], []
    for s in st.value:
        if "interval" in s:
            lo = s["interval"][0]
            if not lo.is_finite or compare(lo, zero) < 0:
                flat.append(s["interval"])
        elif compare(s["x"], zero) < 0:
            zeros.append(s["x"])
    d1 = calculus.derivative(a.pieces, 1)
    lim = checked_limit(d1.pieces[0].expr, -sp.oo)
    value = Record(nonzero=not flat, flat=[list(iv) for iv in flat], isolated_zeros=zeros,
                   limit_minus_inf=exact_number(lim, a.digits))
    steps = [Step("From the stationary-points fact (all zeros of f′ on ℝ, certified complete): "
                  + (f"f′ vanishes on {_count(len(flat), 'interval')} meeting x < 0, so the gradient is zero there"
                     + (f"; it also has {_count(len(zeros), 'isolated zero')} with x < 0." if zeros else ".")
                     if flat else
                     "f′ has no zero with x < 0, so f′(x) ≠ 0 for every x < 0." if not zeros else
                     f"f′ has {_count(len(zeros), 'isolated zero')} with x < 0 and vanishes on no interval, so "
                     "f′(x) ≠ 0 for every other x < 0."))]
    steps.append(Step("lim f′ as x → −∞ of the leftmost piece {0} is {1} (SymPy limit, checked by ball evaluation "
                      "far out).", (d1.pieces[0].expr, lim)))
    return Fact("negative_gradient", "f′(x) ≠ 0 for x < 0 except at isolated points: {0}; {1} = {2}", value,
                weakest(st.method, Method.EXACT), tuple(steps),
                (not flat, sp.Limit(sp.Derivative(_F(x), x), x, -sp.oo), value["limit_minus_inf"]), (LEE,))


def _slope_cell(fact, facts):
    v = fact.value
    if "value" in v:
        return v["value"]
    if "left" not in v:  # f not defined at 0
        return Phrase("none (not defined at 0)", ())
    return Phrase("none: {0} / {1}", (v["left"], v["right"]))  # the one-sided derivatives


PROPERTIES = (
    Property("slope_at_0", "Slope at 0", "Value and slope at 0", _slope_at_0, order=1,
             columns=(Column("f′(0)", _slope_cell, 2),)),
    Property("boundedness", "Boundedness", "Range and extrema", _boundedness, depends=("range",), order=1,
             columns=(Column.at("bounded below", "below", 4), Column.at("bounded above", "above", 5))),
    Property("monotone", "Monotone on ℝ?", "Monotonicity", _monotone, depends=("monotonicity",), order=1,
             columns=(Column.at("monotonic", "", 6),)),
    Property("negative_gradient", "Gradient for x < 0", "Monotonicity", _negative_gradient,
             depends=("stationary_points",), order=2,
             columns=(Column.at("f′ ≠ 0 a.e. on x\u00a0<\u00a00", "nonzero", 16),
                      Column.at("lim f′ at −∞", "limit_minus_inf", 17))),
)
