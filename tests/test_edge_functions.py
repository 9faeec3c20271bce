"""User functions at the edges of the engine's rules: removable discontinuities, jumps, SymPy's
series of LambertW, slowly settling limits.  Each was found by an independent soundness review;
each must be stated right or refused, never stated wrong.  References: mpmath (lambertw, taylor),
and the definitions (sign(0) = 0).
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from gelu_math import analyze
from gelu_math.definitions.user import define

pytestmark = pytest.mark.usefixtures("forget_user_functions")


def _analyze(expr: str, order: int = 2, parts=None):
    define("u", expr)
    return analyze("u", digits=10, order=order, parts=parts)


def test_equal_pieces_do_not_merge_over_a_point_of_their_own():
    # sign(x)² is 1 beside 0 and 0 at 0: not the constant 1, not C^∞, no Lipschitz constant
    a = _analyze("sign(x)^2")
    assert a["value_at_0"].value.exact == 0
    assert a["smoothness"].value.k == -1
    assert a["lipschitz"].value["f"]["value"].infinite == 1
    r = a["range"].value
    assert r["inf"].value.exact == 0 and r["inf"].attained and r["sup"].value.exact == 1
    for key in ("monotonicity", "convexity", "parity"):
        assert "discontinuous" in a.failures[key]
    b = _analyze("x^2 + sign(x)^2 - 1")
    assert b["value_at_0"].value.exact == -1 and b["smoothness"].value.k == -1
    assert b["range"].value["inf"].value.exact == -1  # attained at 0 only


def test_no_shape_or_parity_claims_across_a_jump():
    # x + sign(x) is not linear on ℝ (f(−0.1) = −1.1, f(0) = 0, f(1) = 2) and f(x) − f(−x) is 0
    # at 0, not the 2 that the open pieces give: refused, not stated
    a = _analyze("x + sign(x)")
    for key in ("convexity", "monotonicity", "parity"):
        assert key not in a.facts and "discontinuous at x = 0" in a.failures[key]


def test_taylor_series_of_lambertw_is_checked_against_the_derivatives():
    # SymPy 1.14's series of LambertW(e^x) at 0 is wrong (−x − 3x²/2); reference: mpmath.taylor of
    # the principal branch, 30 digits
    a = _analyze("LambertW(exp(x))", order=3, parts=("taylor",))
    x = sp.Symbol("x", real=True)
    poly = sp.Poly(a["taylor"].value.polynomial, x)
    assert poly.degree() == 3
    with mpmath.workdps(30):
        want = mpmath.taylor(lambda t: mpmath.lambertw(mpmath.e ** t).real, 0, 3)
        for k, w in enumerate(want):
            got = mpmath.mpf(str(sp.N(poly.coeff_monomial(x ** k), 30)))
            assert abs(got - w) < mpmath.mpf(10) ** -25, (k, got, w)


def test_a_function_creeping_to_a_finite_limit_is_never_called_infinite():
    # W(e^x) − x + log(x² + 1)/2 − 5 → −5 as x → +∞ (W(e^t) = t − log t + o(1)); SymPy says −∞,
    # and its values only creep down (−4.99796 at 2^12, −4.999999995 at 2^32): refused, not −∞
    a = _analyze("LambertW(exp(x)) - x + log(x^2 + 1)/2 - 5", order=1, parts=("limits",))
    lim = a.facts.get("limits")
    assert lim is None or lim.value[1].exact == -5
    if lim is None:
        assert "contradicted" in a.failures["limits"]


def test_a_double_root_with_a_transcendental_cofactor_is_divided_out():
    # f = x³(2 + tanh x): f′ = x²(6 + 3 tanh x + x sech² x) has a double zero at 0 (no sign change),
    # which bisection alone cannot separate ("cannot separate roots near -3.5e-14" before)
    a = _analyze("x^3*(2 + tanh(x))", parts=("stationary_points",))
    pts = a["stationary_points"].value
    assert [(p["x"].exact, p["kind"]) for p in pts] == [(0, "neither")]
    assert any(s.text.startswith("The numerator has the factor") for s in a["stationary_points"].steps)


@pytest.mark.parametrize("name,params,part", [
    ("silu", {"beta": "1/1000"}, "stationary_points"),  # settles only beyond |x| ~ 10^4 (limit guard ladder)
    ("gelu", {"sigma": "1/1000"}, "inflection_points"),  # exp(−500000x²) factor divided out before bisection
    ("gelu", {"sigma": "e"}, "stationary_points"),       # SymPy's fps crashed on erf(x/e)
])
def test_extreme_and_transcendental_parameters(name, params, part):
    a = analyze(name, params, digits=15, order=2, parts=("limits", part, "taylor"))
    assert not a.failures, a.failures
    with mpmath.workdps(40):
        if name == "silu":  # minimum at β·x = −1 − W(1/e) (SiLU: x·σ(βx)); reference: mpmath.lambertw
            want = -1000 * (1 + mpmath.lambertw(1 / mpmath.e).real)
            (p,) = a[part].value
        elif params["sigma"] == "e":  # GELU(x/σ)·σ scaling: the σ = 1 minimum −0.75179… times e
            g = lambda t: t * mpmath.ncdf(t / mpmath.e)  # noqa: E731
            want = mpmath.findroot(lambda t: mpmath.diff(g, t), -2.0)
            (p,) = a[part].value
        else:  # inflection points ±√2·σ, exact
            assert [q["x"].exact for q in a[part].value] == [-sp.sqrt(2) / 1000, sp.sqrt(2) / 1000]
            return
        assert abs(mpmath.mpf(p["x"].ball.mid().str(30, radius=False)) - want) < mpmath.mpf(10) ** -12 * abs(want)
        lo, hi = (mpmath.mpf(v.str(40, radius=False)) for v in (p["x"].ball.lower(), p["x"].ball.upper()))
        assert lo <= want <= hi, (lo, want, hi)  # the certified ball contains the reference


def _sup_abs_mpmath(fn, lo, hi, n=4000):
    """max |fn| on [lo, hi]: a dense grid, then golden-section refinement around the best point
    (mpmath at 40 digits; an independent route: no Arb, no SymPy derivative forms)."""
    with mpmath.workdps(40):
        xs = [mpmath.mpf(lo) + (mpmath.mpf(hi) - lo) * k / n for k in range(n + 1)]
        best = max(xs, key=lambda t: abs(fn(t)))
        step = (mpmath.mpf(hi) - lo) / n
        g = lambda t: -abs(fn(t))  # noqa: E731
        a, b = best - step, best + step
        for _ in range(120):
            c, d = a + (b - a) * 0.381966, a + (b - a) * 0.618034
            a, b = (a, d) if g(c) < g(d) else (c, b)
        return abs(fn((a + b) / 2))


@pytest.mark.parametrize("expr,f2,lo,hi", [
    # x·σ(16x): f″ = 16σ′(16x)(2 + 16x(1 − 2σ(16x))); its maximum is f″(0) = 16/2 = 8 (SiLU's 1/2, scaled)
    ("x*sigmoid(16*x)", lambda t: mpmath.diff(lambda s: s / (1 + mpmath.exp(-16 * s)), t, 2), -2, 2),
    ("x*(1+tanh(x^3))/2", lambda t: mpmath.diff(lambda s: s * (1 + mpmath.tanh(s ** 3)) / 2, t, 2), -3, 3),
])
def test_lipschitz_of_fprime_where_the_symbolic_derivatives_cancel(expr, f2, lo, hi):
    # f‴ in SymPy's exp/cosh form cancels catastrophically on boxes (±198 around 0.15 for x·σ(16x)
    # on a box of width 1/100): root isolation ran out of boxes after minutes; the logistic form
    # (certified/logistic.py) makes both certified in seconds
    a = _analyze(expr, order=2, parts=("lipschitz",))
    got = a["lipschitz"].value["fprime"]["value"]
    want = _sup_abs_mpmath(f2, lo, hi)
    mid, rad = mpmath.mpf(got.ball.mid().str(30, radius=False)), mpmath.mpf(got.ball.rad().str(5, radius=False))
    assert abs(mid - want) <= rad + mpmath.mpf(10) ** -15, (got, want)  # the maximiser is found to ~1e-20
    assert a["lipschitz"].value["fprime"]["attained"] is True


def test_a_removable_discontinuity_is_stated_with_the_value_and_the_limits(capsys):
    # f = x below 0, x² above, 3 at 0 (the definition's last branch): both one-sided limits are 0
    # (lim x and lim x² at 0), f(0) = 3, so f is discontinuous at 0 although no order-0 jump exists;
    # every renderer must say why (before: only "derivative of order 1 jumps from 1 to 0")
    import json

    from gelu_math.claims import check_claims, claims_from_toml
    from gelu_math.cli import main

    s = _analyze("piecewise(x<0, x, x>0, x^2, 3)", parts=("smoothness",))["smoothness"].value
    (bp,) = s.breakpoints
    assert s.k == -1 and not bp.continuous and bp.order == 1
    assert (bp.value, bp.limits) == (3, (0, 0))
    step = _analyze("piecewise(x<0, 0, x>0, 1, 1/2)", parts=("smoothness",))["smoothness"].value.breakpoints[0]
    assert (step.order, step.value, step.limits, step.continuous) == (0, sp.Rational(1, 2), (0, 1), False)
    cont = _analyze("piecewise(x<0, x, x>0, x^2, 0)", parts=("smoothness",))["smoothness"].value.breakpoints[0]
    assert cont.continuous and cont.value == 0  # the same pieces with the value 0 there: continuous

    assert main(["analyze", "--expr", "piecewise(x<0, x, x>0, x^2, 3)"]) == 0
    assert "x = 0: f = 3 there, its one-sided limits are both 0: a removable discontinuity" in capsys.readouterr().out
    assert main(["analyze", "--expr", "piecewise(x<0, x, x>0, x^2, 3)", "--json"]) == 0
    (j,) = json.loads(capsys.readouterr().out)["smoothness"]["breakpoints"]
    assert j["continuous"] is False and j["value"]["exact"] == "3" and j["order"] == 1
    define("u", "piecewise(x<0, x, x>0, x^2, 3)")
    (v,) = check_claims(claims_from_toml('[[claim]]\nid = "c"\nsource = "t"\ntext = "t"\nkind = "property"\n'
                                         'function = "u"\nproperty = "continuous"\n'))
    assert v.verdict == "false" and "f = {1} at x = {0}" in v.evidence.text and v.evidence.math[1] == 3, v


@pytest.mark.parametrize("expr, left, right, limits", [
    # independent review: these printed "left: 0, right: 0" (the limits of f′) as the slopes.  References:
    # the difference quotients (f(h) − f(0))/h by hand — a step 0 | 1 with f(0) = 1: (0 − 1)/h → +∞ as
    # h → 0⁻, (1 − 1)/h = 0; sign: (∓1 − 0)/h → +∞ from both sides; f = x except f(0) = 5: (h − 5)/h
    # → +∞ as h → 0⁻ and −∞ as h → 0⁺
    ("piecewise(x<0,0,1)", sp.oo, 0, (0, 0)),
    ("sign(x)", sp.oo, sp.oo, (0, 0)),
    ("piecewise(x<0,x,x>0,x,5)", sp.oo, -sp.oo, (1, 1)),
])
def test_one_sided_derivatives_at_a_jump_at_0(expr, left, right, limits):
    fact = _analyze(expr, order=1, parts=("slope_at_0",))["slope_at_0"]
    v = fact.value
    assert (v["left"].exact, v["right"].exact) == (left, right)
    assert (v["limit_left"].exact, v["limit_right"].exact) == limits
    assert fact.statement.startswith("f′(0) does not exist (f jumps at 0): the one-sided derivatives are")


@pytest.mark.parametrize("expr, k, roots", [
    # independent review: tanh(5x), tanh(10x), sigmoid(100x) ran for minutes (SymPy's solve substitutes
    # e^(x/q): tanh(10x)'‴ became a polynomial of degree 40).  The zeros of f‴ by hand: tanh(kx)‴ ∝
    # sech²(kx)(3 tanh²(kx) − 1) gives x = ±atanh(1/√3)/k; σ(kx)‴ ∝ σ(1 − σ)(6σ² − 6σ + 1) gives
    # σ = (3 ± √3)/6, x = log(σ/(1 − σ))/k
    ("tanh(10*x)", 10, lambda: [mpmath.atanh(1 / mpmath.sqrt(3)) / 10 * s for s in (-1, 1)]),
    ("sigmoid(100*x)", 100, lambda: [mpmath.log(s / (1 - s)) / 100
                                     for s in ((3 - mpmath.sqrt(3)) / 6, (3 + mpmath.sqrt(3)) / 6)]),
])
def test_zeros_of_a_polynomial_in_one_exponential_rate_in_closed_form(expr, k, roots):
    from gelu_math.certified.zeros import _exact_candidates

    mpmath.mp.dps = 30
    define("u", expr)
    f3 = sp.diff(analyze("u", digits=10, parts=("value_at_0",)).instance.expr, sp.Symbol("x", real=True), 3)
    got = sorted({c for _, c in _exact_candidates(f3)}, key=lambda c: float(c))
    assert len(got) == 2 and all(not c.has(sp.CRootOf) for c in got)
    for c, want in zip(got, roots()):
        assert abs(mpmath.mpf(str(sp.N(c, 40))) - want) < mpmath.mpf("1e-28")
    a = _analyze(expr, order=2, parts=("lipschitz",))
    # sup|f″|: tanh: k²·4/(3√3) at tanh² = 1/3; σ: k²·√3/18 at σ = (3 ± √3)/6
    ref = k ** 2 * (4 / (3 * mpmath.sqrt(3)) if expr.startswith("tanh") else mpmath.sqrt(3) / 18)
    sup = a["lipschitz"].value["fprime"]
    assert abs(mpmath.mpf(sup["value"].ball.mid().str(25, radius=False)) - ref) < mpmath.mpf("1e-8") * ref
    assert all(c.location.exact is not None for c in sup["where"])  # attained at the closed-form zeros of f‴
