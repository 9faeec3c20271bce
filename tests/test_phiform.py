"""Φ as a function of its own (definitions.normal.Phi) and the stated form of Gaussian closed forms
(gauss.phiform): values against mpmath, identities checked exactly and in ball arithmetic."""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp
from flint import arb
from hypothesis import given, settings
from hypothesis import strategies as st

from gelu_math.analysis.pieces import _is_zero
from gelu_math.certified.arbeval import const_ball
from gelu_math.certified.balls import precision
from gelu_math.definitions.normal import Phi
from gelu_math.definitions.symbols import x
from gelu_math.gauss import moments
from gelu_math.gauss.phiform import phi_form, tidy

R = sp.Rational


@pytest.mark.parametrize("z", [R(-40), R(-6), R(-1), R(-1, 1000000), R(1, 2), R(3), R(9)])
def test_phi_balls_contain_mpmath_ncdf(z):
    # reference: mpmath's ncdf at 80 digits (an independent implementation: erfc in mpmath)
    with mp.workdps(80), precision(300):
        ref = mp.ncdf(mp.mpf(z.p) / z.q)
        ball = const_ball(Phi(z))
        assert ball.rad() < abs(ball.mid()) * arb(10) ** -70
        assert bool(ball.overlaps(arb(mp.nstr(ref, 78), arb(10) ** -76 * abs(ball.mid())))), (z, ball, ref)
        assert abs(sp.Float(Phi(z).evalf(60), 60) - sp.Float(mp.nstr(ref, 60), 60)) <= abs(sp.Float(mp.nstr(ref, 5))) * 1e-55


def test_phi_identities():
    z = sp.Symbol("z", real=True)
    assert Phi(0) == R(1, 2) and Phi(sp.oo) == 1 and Phi(-sp.oo) == 0
    assert sp.simplify(sp.diff(Phi(z), z) - sp.exp(-z ** 2 / 2) / sp.sqrt(2 * sp.pi)) == 0  # Φ′ = φ
    assert sp.expand((Phi(z).rewrite(sp.erf) - Phi(z).rewrite(sp.erfc)).rewrite(sp.erf)) == 0
    assert Phi(R(-1)).is_positive and Phi(z).is_real
    assert sp.sstr(Phi(-1)) == "Phi(-1)" and sp.latex(Phi(-1)) == r"\Phi{\left(-1 \right)}"


def test_phi_form_uses_negative_arguments():
    s2 = sp.sqrt(2)
    assert phi_form(sp.erf(s2 / 2)) == 1 - 2 * Phi(-1)  # erf(1/√2) = P(|Z| < 1) = 1 − 2Φ(−1)
    assert phi_form(sp.erf(-3 * s2)) == 2 * Phi(-6) - 1
    assert phi_form(sp.erfc(s2)) == 2 * Phi(-2)
    assert phi_form(sp.erfc(-s2)) == 2 - 2 * Phi(-2)
    assert phi_form(sp.erf(x)) == sp.erf(x)  # not a constant: left alone


def test_elu_and_relu6_means_are_stated_with_phi():
    # derived by hand: E ELU(Z) = ∫_0^∞ zφ + ∫_{-∞}^0 (e^z − 1)φ = 1/√(2π) + e^{1/2}Φ(−1) − 1/2 (completing
    # the square); E ReLU6(Z) = ∫_0^6 zφ + 6·P(Z > 6) = φ(0) − φ(6) + 6Φ(−6)
    phi0 = 1 / sp.sqrt(2 * sp.pi)
    elu = moments("elu", digits=20).moments["mean"].value.exact
    assert sp.expand(elu - (phi0 + sp.exp(R(1, 2)) * Phi(-1) - R(1, 2))) == 0 and not elu.has(sp.erf)
    relu6 = moments("relu6", digits=20).moments["mean"].value.exact
    assert sp.expand(relu6 - (phi0 - phi0 * sp.exp(-18) + 6 * Phi(-6))) == 0


_consts = st.sampled_from([R(1, 2), R(1), R(3, 2), R(2), R(-1, 3), R(5, 7)])


@st.composite
def _closed_forms(draw):
    terms = []
    for _ in range(draw(st.integers(1, 4))):
        c = draw(st.integers(-5, 5)) * R(1, draw(st.integers(1, 4)))
        a = draw(_consts)
        kind = draw(st.sampled_from(["erf", "erfc", "exp_erf", "sqrtpi", "plain"]))
        term = {"erf": sp.erf(a * sp.sqrt(2)), "erfc": sp.erfc(a), "plain": sp.Integer(1),
                "exp_erf": sp.exp(a) * (R(1, 2) - sp.erf(a * sp.sqrt(2) / 2) / 2),
                "sqrtpi": sp.sqrt(2) * sp.exp(-a ** 2 / 2) / (2 * sp.sqrt(sp.pi))}[kind]
        terms.append(c * term)
    e = sp.Add(*terms)
    return e - draw(st.sampled_from([0, 1])) * (sp.Add(*terms[:2])) ** 2  # a variance-like square


@settings(max_examples=60, deadline=None, derandomize=True)
@given(_closed_forms())
def test_tidy_is_an_identity(e):
    out = tidy(e)
    assert not any(not f.free_symbols for f in out.atoms(sp.erf, sp.erfc))  # every constant erf became Φ
    # the same number: balls of both at 200 bits overlap, and where both are tight, agree to 50 digits
    with precision(400):
        a, b = const_ball(e), const_ball(out)
        assert bool(a.overlaps(b))
        assert abs(a - b) < arb(10) ** -50 * (1 + abs(a))
    # and exactly: the difference, Φ written back as erf, expands to 0 (polynomial in the atoms)
    assert sp.simplify(sp.expand((out - e).rewrite(sp.erf))) == 0


def test_is_zero_decides_exactly_and_falls_back():
    s2 = sp.sqrt(2)
    assert _is_zero(s2 * x * (s2 * x + 1) - 2 * x ** 2 - s2 * x)  # Q(√2)[x]: exact polynomial arithmetic
    assert not _is_zero(s2 * x * (s2 * x + 1) - 2 * x ** 2)
    assert not _is_zero(4 * sp.exp(x) / 5 - 4 * sp.exp(-R(1, 1000000)) / 5)  # settled by the probe at 1/3
    assert not _is_zero(sp.exp(x) - sp.exp(R(1, 3)))  # 0 at the probe: simplify decides
    assert _is_zero(sp.exp(x) * sp.exp(-x) - 1)


def test_phi_forms_cross_processes_and_parse_back():
    from gelu_math.definitions.parse import function_grammar, parse
    from gelu_math.transport import dumps, loads

    e = moments("elu", digits=20).moments["mean"].value.exact
    assert sp.srepr(loads(dumps(e))) == sp.srepr(e)  # a report worker's facts print as derived
    back = parse(sp.sstr(e), function_grammar())  # the JSON `exact` string, read by our own parser
    with precision(200):
        assert abs(const_ball(back) - const_ball(e)) < arb(10) ** -50


def test_extreme_mean_is_stated_without_cancellation():
    # independent review: at mean −30, E ReLU(Z) was stated as −15 + 15 erf(15√2) + …, which cancels
    # through 200 digits, and printed [1.5e-196 ± 1.6e-196]. Reference: E ReLU(μ + Z) = μΦ(μ) + φ(μ)
    # (the half-normal shift; mpmath ncdf/npdf at 300 digits), E ReLU(μ + Z)² = (μ² + 1)Φ(μ) + μφ(μ).
    m = moments("relu", mean=-30, digits=30).moments
    with mp.workdps(300), precision(1200):
        mu = mp.mpf(-30)
        refs = {"mean": mu * mp.ncdf(mu) + mp.npdf(mu), "second": (mu ** 2 + 1) * mp.ncdf(mu) + mu * mp.npdf(mu)}
        for key, ref in refs.items():
            b = m[key].value.ball
            assert m[key].value.exact.has(Phi) and not m[key].value.exact.has(sp.erf)
            assert b.rad() < abs(b.mid()) * arb(10) ** -30  # 30 digits, not a ball around 0
            assert abs(b.mid() - arb(mp.nstr(ref, 280))) <= b.rad() + abs(b.mid()) * arb(10) ** -250


def test_phi_prints_as_capital_phi_in_every_back_end():
    # independent review: the MathML printer lower-cased the defined function's name to "phi"
    from gelu_math.render.report.mathml import math_element

    m = math_element(sp.exp(R(1, 2)) * Phi(-1) + Phi(-3) ** 2)
    assert m.count("&#934;") == 2 and "phi" not in m.lower().replace("&#934;", "")
    assert sp.latex(Phi(-3) ** 2) == r"\Phi^{2}{\left(-3 \right)}"


def test_phi_evalf_does_not_cancel():
    # independent review: evalf through SymPy's erfc rewrote erfc(w) as 2 − erfc(−w) by the form of w and
    # returned 0 for Φ(−√2(10π − 1 − √2)) = 5.0455074026295967143e-368 (mpmath.ncdf at 30 digits)
    v = Phi(-sp.sqrt(2) * (10 * sp.pi - 1 - sp.sqrt(2))).evalf(20)
    assert abs(v / sp.Float("5.0455074026295967142608855750e-368", 30) - 1) < 1e-18


_ATOMS = st.sampled_from([sp.pi, sp.E, sp.sqrt(2), R(1, 3), Phi(R(-1)), sp.exp(R(-1, 2)), R(-2),
                          sp.log(2 * sp.pi * sp.sqrt(3), evaluate=False), sp.exp(sp.pi + sp.sqrt(2))])


@st.composite
def _constant_trees(draw, depth=3):
    if depth == 0 or draw(st.booleans()):
        return draw(_ATOMS)
    kind = draw(st.sampled_from(["add", "mul", "pow"]))
    if kind == "pow":
        return draw(_constant_trees(depth - 1)) ** draw(st.integers(2, 4))
    args = draw(st.lists(_constant_trees(depth - 1), min_size=2, max_size=3))
    return sp.Add(*args) if kind == "add" else sp.Mul(*args)


@settings(max_examples=60, deadline=None)
@given(_constant_trees())
def test_expansion_terms_bounds_the_expansion(e):
    # the bound tidy decides by before expanding: never below the number of terms SymPy's expand gives
    from gelu_math.analysis.pieces import expansion_terms

    assert len(sp.Add.make_args(sp.expand(e))) <= expansion_terms(e)


def test_tidy_does_not_expand_a_large_power_of_a_sum():
    # a closed form at a breakpoint π + e + 1/3 (a user's piecewise x⁴⁸): expanding (π + e + 1/3)^47 would
    # give C(49, 2) = 1176 terms per power; the form is kept as given
    from gelu_math.analysis.pieces import EXPAND_MAX_TERMS, expansion_terms

    c = sp.pi + sp.E + R(1, 3)
    e = 3 * c ** 47 * sp.exp(-c ** 2 / 2) + Phi(-c)
    assert expansion_terms(e) == 1176 + 1 > EXPAND_MAX_TERMS
    assert tidy(e) == e
