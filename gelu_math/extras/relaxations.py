"""The registered property "relaxations" (computed by gelu_math.relax): certified linear bounds of f on example intervals.

An extended property (computed by the reports, ``analyze --extended`` and when named): the
chebyshev-optimal sound lines a·x + b ≤ f(x) ≤ c·x + d on a few intervals, with their largest gaps,
as a table in every report ("Linear relaxations") and in the analysis JSON.
"""

from __future__ import annotations

import sympy as sp

from ..certified.numbers import exact_number
from ..facts import Fact, Method, Step
from ..properties import Property, register
from ..values import Table

INTERVALS = (("-4", "-1"), ("-1", "2"), ("0", "3"))  # where verifiers meet GELU-like functions most
DIGITS = 12  # the lines are exact decimals; their gaps are certified enclosures


def _upper_bound(n, significant: int = 6) -> sp.Rational:
    """An exact decimal ≥ every point of the Number's ball, with ``significant`` digits: the largest
    gap as a bound that holds as printed (its enclosure is ``gelu-math relax``'s output)."""
    m, e = n.ball.upper().mid().man_exp()
    q = sp.Rational(int(m)) * sp.Rational(2) ** int(e)
    if q <= 0:
        return sp.Integer(0)
    k = sp.floor(sp.log(q, 10)) - significant + 1
    return sp.ceiling(q / sp.Rational(10) ** k) * sp.Rational(10) ** k


def _relaxations(ctx) -> Fact:
    from ..relax.linear import relax  # imported when derived (numpy, scipy: not at start-up)

    rows = []
    for lo, hi in INTERVALS:
        r = relax(ctx.instance, lo, hi, mode="chebyshev", digits=DIGITS)
        n = lambda q: exact_number(q, ctx.digits)  # noqa: E731  exact decimals, shown as such
        rows.append({"on": sp.Interval(sp.Rational(lo), sp.Rational(hi)), "slope": n(r.lower.slope),
                     "lower_intercept": n(r.lower.intercept), "upper_intercept": n(r.upper.intercept),
                     "gap_lower": n(_upper_bound(r.lower.gap_max)), "gap_upper": n(_upper_bound(r.upper.gap_max))})
        assert r.lower.slope == r.upper.slope  # chebyshev mode: one slope (the minimax line's)
    table = Table(rows, (("on", "interval [L, U]"), ("slope", "slope a"), ("lower_intercept", "b₁ (lower line)"),
                         ("upper_intercept", "b₂ (upper line)"), ("gap_lower", "max gap ≤ (lower)"),
                         ("gap_upper", "max gap ≤ (upper)")))
    steps = (Step("Each line has a decimal slope; its intercept is the certified minimum (lower line) or maximum "
                  "(upper line) of f(x) − a·x over the interval (branch and bound in Arb on the exact definition), "
                  "rounded outward to the printed decimal, so the lines are sound as printed."),
             Step("Chebyshev mode: both lines share the slope of the minimax line of f on the interval, so each "
                  "line's largest gap is within a certified factor of the best possible (gelu-math relax prints "
                  "the factor). The largest gaps are shown as decimal upper bounds of their certified enclosures."))
    return Fact("relaxations", "Sound linear bounds a·x + b₁ ≤ f(x) ≤ a·x + b₂ for x in [L, U], on "
                "{0} intervals (Chebyshev mode: one slope a per interval):",
                table, Method.CERTIFIED, steps, (sp.Integer(len(rows)),))


PROPERTY = register(Property("relaxations", "Linear relaxations (for verifiers)", "Linear relaxations",
                             _relaxations, extended=True))
