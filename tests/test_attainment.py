"""Every "attained" / "not attained" of every registered function, checked by an independent route.

The engine states, for inf f, sup f, sup|f′| and sup|f″|, whether the extremum is attained.
Here, with mpmath only (the *original* SymPy definition lambdified, mpmath.diff for one-sided
derivatives — not gelu_math's pieces, limits or Arb compiler):

* "attained": some candidate the engine names is a point x where the function (or |f^(k)|)
  exists and equals the extremum — evaluated there (one-sided derivatives from both sides must
  agree, so the derivative exists);
* "not attained": every named candidate is only approached — a limit at ±∞ that far-out values
  approach strictly from one side, or a one-sided value at a breakpoint where f^(k) does not exist
  (its numerical one-sided derivatives differ); and a dense sample stays strictly on one side.

softsign (C¹ with f′(0) = 1 = sup|f′|) used to be reported "not attained"; it is the regression.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from gelu_math.definitions.registry import get
from gelu_math.definitions.symbols import x

from .conftest import ALL, needs

pytestmark = pytest.mark.parametrize("name", ALL)

TOL = mpmath.mpf(10) ** -15


def _f(name):
    return sp.lambdify(x, get(name).expr, modules=["mpmath", {"Heaviside": lambda t, h=0.5: mpmath.mpf(1) if t > 0
                                                            else (mpmath.mpf(0) if t < 0 else mpmath.mpf(h))}])


def _deriv(f, t, k, direction):
    if k == 0:
        return f(t)
    return mpmath.diff(f, t, k, direction=direction, h=mpmath.mpf(10) ** -20)


def _value_at(f, t, k):
    """f^(k)(t) if it exists (both one-sided numerical derivatives agree), else None."""
    if k == 0:
        return f(t)
    left, right = _deriv(f, t, k, -1), _deriv(f, t, k, 1)
    if abs(left - right) > mpmath.mpf(10) ** -10 * max(1, abs(left)):
        return None
    return (left + right) / 2


def _extrema(a):
    r = a.facts["range"].value
    yield "inf f", 0, -1, False, r["inf"]
    yield "sup f", 0, 1, False, r["sup"]
    lip = a.facts["lipschitz"].value
    for key, k in (("f", 1), ("fprime", 2)):
        v = lip[key]
        if not v["value"].infinite:
            from gelu_math.certified.profile import Extremum
            yield f"sup|f^({k})|", k, 1, True, Extremum(v["value"], v["attained"], v["where"])


def _target(extremum):
    return mpmath.mpf(extremum.value.ball.mid().str(40, radius=False))


def _interior(c):
    return mpmath.mpf(c.location.ball.mid().str(40, radius=False)) + (mpmath.mpf("0.5") if c.where.startswith("constant piece") else 0)


def test_attained_extrema_are_values(name):
    a = needs(name, "range", "lipschitz")
    with mpmath.workdps(50):
        f = _f(name)
        for label, k, direction, absolute, e in _extrema(a):
            if not e.attained:
                continue
            target = _target(e)
            hits = []
            for c in e.where:
                if c.attained is not True:
                    continue
                if c.location is None:  # a constant piece on (−∞, b): any point of it
                    t = mpmath.mpf(-10 ** 6)
                else:
                    t = _interior(c) if c.where.startswith("constant piece") else mpmath.mpf(c.location.ball.mid().str(40, radius=False))
                v = _value_at(f, t, k)
                if v is not None:
                    hits.append(abs(v) if absolute else v)
            assert any(abs(h - target) <= TOL * max(1, abs(target)) for h in hits), (label, e, hits)


def test_unattained_extrema_are_only_approached(name):
    a = needs(name, "range", "lipschitz")
    with mpmath.workdps(50):
        f = _f(name)
        for label, k, direction, absolute, e in _extrema(a):
            if e.attained:
                continue
            if e.value.infinite:  # an infinite extremum is a limit at ±∞ that grows without bound
                assert all(c.where.startswith("limit at") for c in e.where), (label, e)
                for c in e.where:
                    side = -1 if "-inf" in c.where else 1
                    vals = [f(mpmath.mpf(side * 2 ** j)) for j in (4, 8, 16)]
                    assert direction * e.value.infinite > 0 and all(direction * (w - v) > 0 for v, w in zip(vals, vals[1:]))
                continue
            target = _target(e)

            def g(t):
                v = _value_at(f, t, k)
                return None if v is None else (abs(v) if absolute else v)

            for c in e.where:
                assert c.attained is False, (label, c)
                if c.where.startswith("limit at"):
                    side = -1 if "-inf" in c.where else 1
                    vals = [g(mpmath.mpf(side * 2 ** j)) for j in (1, 2, 3)]
                    assert all(v is not None and direction * (target - v) > 0 for v in vals), (label, vals)
                else:  # a one-sided value at a breakpoint: f^(k) must not exist there
                    t = mpmath.mpf(c.location.ball.mid().str(40, radius=False))
                    assert _value_at(f, t, k) is None or (k == 0 and abs(f(t) - target) > TOL), (label, c)
            for j in range(-200, 201):  # and nothing on a dense grid reaches it
                t = mpmath.mpf(j) / 10 + mpmath.mpf(1) / 997
                v = g(t)
                if v is not None and v == target:  # equal to 50 digits (erf(−20) = −1 + 5e−176): resolve it
                    with mpmath.workdps(400):
                        v, target_ = g(t), mpmath.mpf(e.value.ball.mid().str(40, radius=False))
                        assert direction * (target_ - v) > 0, (label, j, v, target_)
                elif v is not None:
                    assert direction * (target - v) > 0, (label, j, v, target)
