"""Known values from the literature and independent computation, with sources.

Reference digits below were computed independently with mpmath 1.3 at 40 digits
(findroot on Φ(x) + xφ(x) with mpmath's ncdf/npdf; lambertw), as noted per value.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from gelu_math import analyze
from gelu_math.render.json_out import analysis_json

from .conftest import analysis
from .reference import in_ball

# mpmath 1.3, mp.dps = 40: findroot(lambda x: ncdf(x) + x*npdf(x), -0.75)
GELU_ARGMIN = "-0.7517915246935644574579049467795240396645"
# same run: x*ncdf(x) at the root (ACTIVATIONS.md: "≈ -0.1700")
GELU_MIN = "-0.1699712074799036616938684709824339228329"
# mpmath: -1 - lambertw(1/e) and -lambertw(1/e) (ACTIVATIONS.md: SiLU's minimum is -W(1/e))
SILU_ARGMIN = "-1.278464542761073795109358739022980155439"
SILU_MIN = "-0.2784645427610737951093587390229801554395"
# mpmath: findroot of diff(x*tanh(log1p(exp(x)))) at -1.19 (Misra 2019 reports minimum ≈ -0.30884)
MISH_ARGMIN = "-1.192431214515495212137588340420739405601"
MISH_MIN = "-0.3088434130172504066287602290419537284596"


def _only(points):
    assert len(points) == 1
    return points[0]


def test_gelu_minimum():
    j = analysis_json(analysis("gelu"))
    p = _only(j["stationary_points"])
    assert p["kind"] == "minimum"
    assert in_ball(mpmath.mpf(GELU_ARGMIN), p["x"]) and in_ball(mpmath.mpf(GELU_MIN), p["value"])
    assert j["range"]["inf_attained"] and j["range"]["sup"] == "+inf"


def test_gelu_closed_forms():
    a = analysis("gelu")
    x = sp.Symbol("x", real=True)
    phi = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
    Phi = (1 + sp.erf(x / sp.sqrt(2))) / 2
    d1, d2 = (a.facts["derivatives"].value[k][1] for k in (0, 1))
    assert sp.simplify(d1 - (Phi + x * phi)) == 0  # GELU' = Φ + xφ (ACTIVATIONS.md)
    assert sp.simplify(d2 - (2 - x**2) * phi) == 0  # GELU'' = (2 − x²)φ
    infl = [p["x"].exact for p in a.facts["inflection_points"].value]
    assert infl == [-sp.sqrt(2), sp.sqrt(2)]
    lip = a.facts["lipschitz"].value
    # sup|GELU'| = GELU'(√2) = Φ(√2) + √2 φ(√2); sup|GELU''| = GELU''(0) = 2φ(0) = √(2/π)
    assert sp.simplify(lip["f"]["value"].exact - (Phi + x * phi).subs(x, sp.sqrt(2))) == 0
    assert sp.simplify(lip["fprime"]["value"].exact - sp.sqrt(2 / sp.pi)) == 0
    par = a.facts["parity"].value
    assert sp.simplify(2 * par.odd - x) == 0  # GELU(x) − GELU(−x) = x
    s = a.facts["smoothness"].value
    assert s.k is None and s.analytic and s.entire


@pytest.mark.parametrize("name,k", [("silu", sp.Integer(1)), ("gelu_sigmoid", sp.Rational(851, 500))])
def test_sigmoid_gated_minimum_is_lambert_w(name, k):
    # x·σ(kx) = silu(kx)/k: minimum at kx = −1 − W(1/e) with value −W(1/e)/k (Elfwing et al. 2018)
    a = analysis(name)
    p = _only(a.facts["stationary_points"].value)
    W = sp.LambertW(sp.exp(-1))
    assert sp.simplify(p["x"].exact - (-1 - W) / k) == 0 and sp.simplify(p["value"].exact + W / k) == 0
    j = analysis_json(a)
    with mpmath.workdps(50):
        inv_k = mpmath.mpf(k.q) / k.p
        assert in_ball(mpmath.mpf(SILU_ARGMIN) * inv_k, j["stationary_points"][0]["x"])
        assert in_ball(mpmath.mpf(SILU_MIN) * inv_k, j["stationary_points"][0]["value"])


def test_mish_minimum():
    j = analysis_json(analysis("mish"))
    p = _only(j["stationary_points"])
    assert in_ball(mpmath.mpf(MISH_ARGMIN), p["x"]) and in_ball(mpmath.mpf(MISH_MIN), p["value"])


@pytest.mark.parametrize("name,params,cls", [
    ("elu", {}, "C1"), ("elu", {"alpha": "2"}, "C0"), ("celu", {}, "C1"), ("celu", {"alpha": "2"}, "C1"),
    ("selu", {}, "C0"), ("relu", {}, "C0"), ("softsign", {}, "C1"), ("hardswish", {}, "C0"),
    ("gelu", {}, "Cinf"), ("i_gelu", {}, "C0"),
])
def test_smoothness_classes(name, params, cls):
    # Clevert et al. 2016 (ELU C1 iff alpha = 1); Barron 2017 (CELU C1 for all alpha)
    a = analyze(name, params, digits=10, order=1, parts=("smoothness",))
    assert analysis_json(a)["smoothness"]["class"] == cls


def test_relu_flat_piece_and_breakpoint():
    j = analysis_json(analysis("relu"))
    flat = _only(j["stationary_points"])
    assert flat["interval"][0] == "-inf" and flat["interval"][1]["exact"] == "0" and flat["kind"] == "constant"
    bp = _only(j["smoothness"]["breakpoints"])
    assert (bp["order"], bp["left"]["exact"], bp["right"]["exact"]) == (1, "0", "1")
    assert j["lipschitz"]["f"]["exact"] == "1" and j["lipschitz"]["fprime"] == "+inf"


def test_sigmoid_range_not_attained():
    j = analysis_json(analysis("sigmoid"))
    r = j["range"]
    assert (r["inf"]["exact"], r["sup"]["exact"], r["inf_attained"], r["sup_attained"]) == ("0", "1", False, False)
    assert j["stationary_points"] == [] and j["lipschitz"]["f"]["exact"] == "1/4"


def test_hardtanh_range_attained_on_flat_pieces():
    j = analysis_json(analysis("hardtanh"))
    assert j["range"]["inf_attained"] and j["range"]["sup_attained"]
    assert [m["direction"] for m in j["monotonicity"]] == ["constant", "increasing", "constant"]


def test_gelu_sigma_parameter_changes_minimum():
    # GELU with σ = 1/2: x·Φ(2x); substituting u = 2x, the minimiser halves and so does the value
    a = analysis_json(analyze("gelu", {"sigma": "1/2"}, digits=20, parts=("stationary_points",)))
    p = _only(a["stationary_points"])
    assert in_ball(mpmath.mpf(GELU_ARGMIN) / 2, p["x"]) and in_ball(mpmath.mpf(GELU_MIN) / 2, p["value"])


def test_symbolic_parameters_give_symbolic_facts():
    # GELU(x; σ) = x Φ(x/σ): GELU″ = (2/σ − x²/σ³) φ(x/σ) (differentiate x Φ(x/σ) twice by hand)
    s = sp.Symbol("sigma", positive=True)
    x = sp.Symbol("x", real=True)
    a = analyze("gelu", {"sigma": s}, order=2)
    phi = sp.exp(-x**2 / (2 * s**2)) / sp.sqrt(2 * sp.pi)
    assert sp.simplify(a.facts["derivatives"].value[1][1] - (2 / s - x**2 / s**3) * phi) == 0
    assert sp.simplify(2 * a.facts["parity"].value.odd - x) == 0
    assert a.facts["parity"].value.kind == "undecided"  # no ball can show a symbolic part is nonzero
    assert "stationary_points" in a.failures and "stationary_points" not in a.facts
    j = analysis_json(a)
    assert j["limits"]["-inf"] == {"exact": "0", "mid": "0", "rad": "0"}  # a number: exact ball
    assert j["parameters"]["sigma"] == {"exact": "sigma", "mid": None, "rad": None}


def test_wide_brackets_do_not_misplace_sign_samples():
    # regression (review): isolation brackets can be wide; GELU(x; σ=10) = 10·GELU(x/10) has its
    # minimum at 10 × GELU_ARGMIN, and SiLU with β = 1/20 at 20·(−1 − W(1/e))
    j = analysis_json(analyze("gelu", {"sigma": "10"}, digits=20, parts=("stationary_points", "monotonicity")))
    p = _only(j["stationary_points"])
    assert p["kind"] == "minimum" and in_ball(10 * mpmath.mpf(GELU_ARGMIN), p["x"])
    assert [m["direction"] for m in j["monotonicity"]] == ["decreasing", "increasing"]
    j = analysis_json(analyze("silu", {"beta": "1/20"}, digits=20, parts=("stationary_points", "inflection_points")))
    assert in_ball(20 * mpmath.mpf(SILU_ARGMIN), _only(j["stationary_points"])["x"])
    assert len(j["inflection_points"]) == 2


def test_gelu_negative_mu_limit_and_minimum():
    # SymPy 1.14 alone gives lim_{x→−∞} x·Φ(x + 1) = −∞ (the truth is 0); the guarded second route
    # must give 0, and the minimum must match mpmath (findroot of Φ(x+1) + xφ(x+1), 40 digits)
    a = analyze("gelu", {"mu": "-1"}, digits=20, parts=("limits", "asymptotes", "range", "stationary_points"))
    assert a.failures == {}
    j = analysis_json(a)
    assert j["limits"]["-inf"]["exact"] == "0" and j["asymptotes"]["-inf"]["kind"] == "horizontal"
    mpmath.mp.dps = 40
    xm = mpmath.findroot(lambda t: mpmath.ncdf(t + 1) + t * mpmath.npdf(t + 1), -1.13)
    p = _only(j["stationary_points"])
    assert in_ball(xm, p["x"]) and in_ball(xm * mpmath.ncdf(xm + 1), p["value"])
    assert in_ball(xm * mpmath.ncdf(xm + 1), j["range"]["inf"])


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_piecewise_linear_with_convex_kink_is_convex_on_r(name):
    # max(0, x) and max(αx, x) (0 < α < 1) are maxima of linear functions, hence convex on ℝ
    # (Boyd & Vandenberghe, Convex Optimization, §3.2.3); regression: two linear pieces were
    # once merged across the kink as "linear"
    conv = analysis(name)["convexity"].value
    assert [iv.label for iv in conv] == ["convex"]
    assert conv[0].lo.infinite == -1 and conv[0].hi.infinite == 1
