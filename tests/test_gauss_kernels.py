"""Dual kernels k(ρ) = E f(u) f(v), k′(ρ) = E f′(u) f′(v): neural-tangents' closed forms, and the
certified Hermite (Mehler) series for functions without a closed inner expectation.

neural-tangents' formulas are written out below from google/neural-tangents,
neural_tangents/_src/stax/elementwise.py (``Gelu``, ``ABRelu`` with a = 0, b = 1, i.e. ``Relu``, and
``Erf`` with a = b = 1, c = 0; their NTK factor ``dot_sigma`` is our k′), in their variables
cov1 = q₁, cov2 = q₂, nngp = c = ρ√(q₁q₂), and evaluated with mpmath at 40 digits.
"""

from __future__ import annotations

import mpmath as mp
import pytest
from flint import arb

from gelu_math.gauss.kernel import kernel

POINTS = [("1", "1", "1/2"), ("2", "1/2", "-1/3")]  # (q1, q2, rho)


def _nt_gelu(q1, q2, c):
    prod, prod1 = q1 * q2, (q1 + 1) * (q2 + 1)
    d2 = prod1 - c ** 2
    d = mp.sqrt(d2)
    ang = mp.atan2(c, d)
    k = ((c ** 2 + prod * d2) / (prod1 * d) + c * ang) / (2 * mp.pi) + c / 4
    dk = (1 / d2 + (1 - prod) / prod1 + 1) * c / d / (2 * mp.pi) + mp.mpf(1) / 4 + ang / (2 * mp.pi)
    return k, dk


def _nt_relu(q1, q2, c):
    s = mp.sqrt(q1 * q2 - c ** 2)
    ang = mp.atan2(s, c)
    dot = mp.mpf(1) / 2 - ang / (2 * mp.pi)
    return s / (2 * mp.pi) + dot * c, dot


def _nt_erf(q1, q2, c):
    s = mp.sqrt((1 + 2 * q1) * (1 + 2 * q2) - 4 * c ** 2)
    return 2 / mp.pi * mp.atan2(2 * c, s), 4 / mp.pi / s


def _in(number, ref) -> bool:
    return bool(number.ball.overlaps(arb(mp.nstr(ref, 38, strip_zeros=False), "1e-36"))) and number.ball.rad() < 1e-18


@pytest.mark.parametrize("name, nt", [("gelu", _nt_gelu), ("relu", _nt_relu), ("erf", _nt_erf)])
@pytest.mark.parametrize("q1, q2, rho", POINTS)
def test_closed_forms_agree_with_neural_tangents(name, nt, q1, q2, rho):
    k = kernel(name, rho=rho, q=q1, q2=q2, digits=20)
    with mp.workdps(40):
        a, b, r = (mp.mpf(mp.fraction(*map(int, v.split("/"))) if "/" in v else v) for v in (q1, q2, rho))
        ref, dref = nt(a, b, r * mp.sqrt(a * b))
    assert _in(k.value.value, ref) and _in(k.derivative.value, dref)
    assert k.value.method.value == "exact"  # ours are closed forms too (and certified)


# References, (u, v) ~ N(0, [[1, ρ], [ρ, 1]]): k = E f(u)f(v), k′ = E f′(u)f′(v), computed for these tests
# (2026-12-01) by two independent methods that agree to 40 digits: (1) the 2-D trapezoid rule in
# python-flint ball arithmetic at 240 bits on |x| <= 15 (the integrands are analytic in a strip of
# half-width π/2 (tanh) or π (SiLU), so the step error is ~exp(−2πd/h)), steps 1/10 and 1/20 in (t, w)
# with v = ρt + √(1−ρ²)w and 1/10, 1/16 on a rotated grid, agreeing to 3e−45; (2) nested mpmath
# tanh-sinh quadrature at 42 digits, split at 0 and ±4 (mpmath's error estimates 1e−47).  The first
# value also reproduces an earlier 33-digit nested-quadrature value 0.186324413203448086106782889972409.
KERNEL_REFERENCES = [  # (name, rho, k, k′)
    ("tanh", "1/2", "0.18632441320344808610678288997240866246", "0.38474702844103890153146806936358089260"),
    ("silu", "1/2", "0.18316966308815954082462507053071595991", "0.31227961529353979910938584983929798127"),
    ("silu", "-1/3", "-0.033784858191317826698481863634389278729", None),
    ("tanh", "-1/3", None, "0.37447512277362965565122159482026460643"),
]


@pytest.mark.parametrize("name, rho, k_ref, dk_ref", KERNEL_REFERENCES)
def test_hermite_series_kernels_against_2d_quadrature(name, rho, k_ref, dk_ref):
    k = kernel(name, rho=rho, digits=16)
    low = kernel(name, rho=rho, digits=8)
    assert k.value.method.value == "certified" and k.derivative.method.value == "certified"
    for ref, fine, coarse in ((k_ref, k.value.value.ball, low.value.value.ball),
                              (dk_ref, k.derivative.value.ball, low.derivative.value.ball)):
        assert fine.rad() < 1e-16 and coarse.rad() < 1e-8
        assert bool(coarse.overlaps(fine))  # rising digits: the enclosures agree
        if ref is not None:
            assert bool(fine.overlaps(arb(ref, "1e-38"))), (name, rho, fine, ref)
    if name == "tanh":  # odd f: k(−ρ) = −k(ρ), proved by the balls
        assert bool((kernel("tanh", rho=f"-{rho}" if not rho.startswith("-") else rho[1:], digits=8).value.value.ball
                     + low.value.value.ball).contains(0))


# --- functions without a certified Lipschitz constant: a proved polynomial growth bound ---------


def _arc_cosine_2(q1, q2, rho):
    """E relu(u)² relu(v)² and E (2 relu(u))(2 relu(v)) from Cho & Saul, Kernel Methods for Deep Learning,
    NIPS 2009, eq. (6)–(7): k_n = (1/π)|x|ⁿ|y|ⁿ J_n(θ), J_1 = sin θ + (π − θ) cos θ,
    J_2 = 3 sin θ cos θ + (π − θ)(1 + 2cos²θ), θ = arccos ρ (their k_n carries a factor 2: E = k_n/2)."""
    th = mp.acos(rho)
    j1 = mp.sin(th) + (mp.pi - th) * mp.cos(th)
    j2 = 3 * mp.sin(th) * mp.cos(th) + (mp.pi - th) * (1 + 2 * mp.cos(th) ** 2)
    return q1 * q2 * j2 / (2 * mp.pi), 4 * mp.sqrt(q1 * q2) * j1 / (2 * mp.pi)


def _mp(s: str) -> mp.mpf:
    """A rational literal "p/q" as an mpf at the current precision."""
    num, _, den = s.partition("/")
    return mp.mpf(int(num)) / (int(den) if den else 1)


@pytest.mark.parametrize("q1, q2, rho", [*POINTS, ("1", "1", "99/100"), ("2", "1/2", "1"), ("1", "1", "-1")])
def test_squared_relu_kernel_is_the_degree_two_arc_cosine_kernel(q1, q2, rho):
    # sup|f′| = +∞ for relu(x)²: the tail is bounded by the proved growth x² instead (it was refused, exit 3)
    with mp.workdps(40):
        ref = _arc_cosine_2(_mp(q1), _mp(q2), _mp(rho))
    k = kernel("relu2", rho=rho, q=q1, q2=q2, digits=30)
    assert k.value.method.value == "exact" and k.derivative.method.value == "exact"
    assert _in(k.value.value, ref[0]) and _in(k.derivative.value, ref[1]), (k.value.value.exact, ref)


# Nested mpmath quadrature (mpmath 1.3 quad, tanh-sinh, dps 20, inner E_w split at the breakpoints
# (b − √q ρ t)/√(q(1 − ρ²)), outer split at b/√q), v = ρt + √(1 − ρ²)w, q = 1, ρ = 1/2: snake(x) =
# x + sin²x, xIELU with its defaults (α_p = α_n = 4/5, β = 1/2, ε = −10⁻⁶), softsign x/(1 + |x|).
# They were refused (exit 3): no certified Lipschitz constant (Snake's f″ oscillates; xIELU grows like
# x²), or no closed inner expectation and two pieces (softsign: the Hermite series took one piece only).
PIECEWISE_OR_FAST_GROWING = [  # (name, k, k′)
    ("snake", "0.69955911280835353534", "1.0664282655299731667"),
    ("xielu", "0.86139491098647822033", "1.4428736915507694644"),
    ("softsign", "0.086354393549956816558", "0.17770993605950984184"),
]


@pytest.mark.parametrize("name, k_ref, dk_ref", PIECEWISE_OR_FAST_GROWING)
def test_kernels_of_piecewise_or_fast_growing_functions(name, k_ref, dk_ref):
    k = kernel(name, rho="1/2", digits=16)
    low = kernel(name, rho="1/2", digits=8)
    for ref, fine, coarse in ((k_ref, k.value.value.ball, low.value.value.ball),
                              (dk_ref, k.derivative.value.ball, low.derivative.value.ball)):
        assert fine.rad() < 1e-16 and coarse.rad() < 1e-8 and bool(coarse.overlaps(fine))
        assert bool(fine.overlaps(arb(ref, "2e-20"))), (name, fine, ref)


def test_derivative_kernel_of_a_jump_says_it_is_taken_almost_everywhere(capsys):
    # xIELU jumps at 0 (ε < 0): E f′(u)f′(v) is over f′ a.e. (autograd's), as for E f′(Z)², and says so
    import json

    from gelu_math.cli import main

    assert main(["gauss", "xielu", "--rho", "1/2", "--digits", "8", "--json"]) == 0
    notes = json.loads(capsys.readouterr().out)["kernel"]["notes"]
    assert set(notes) == {"derivative"} and "almost everywhere" in notes["derivative"]
    assert main(["gauss", "gelu", "--rho", "1/2", "--digits", "8", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kernel"]["notes"] == {}


def test_hermite_series_with_a_piece_that_is_identically_zero(forget_user_functions):
    # independent review: max(0, tanh x) crashed (exit 4: log of a zero bound on the x < 0 segments) once the
    # series split at breakpoints. Reference: nested mpmath quad (dps 15, inner split at −ρt/√(1−ρ²)),
    # k = 0.127011965516334, k′ = 0.110225071243681.
    from gelu_math.definitions.user import define

    inst = define("relu_tanh_zero_piece", "max(0, tanh(x))")
    k = kernel(inst, rho="1/2", digits=12)
    assert bool(k.value.value.ball.overlaps(arb("0.127011965516334", "2e-15")))
    assert bool(k.derivative.value.ball.overlaps(arb("0.110225071243681", "2e-15")))


# --- |ρ| near 1: nested quadrature (the Hermite series would need more than MAX_TERMS terms) -------

# References: nested mpmath tanh-sinh quadrature at 30 digits (mp.quad of φ(w) g(√q₂(ρt + √(1−ρ²)w)) over w,
# split at ±2, ±4 and, for softsign, at its breakpoint w = −√q₂ρt/d and ±1 around it, inside mp.quad over t
# split at 0, ±1, ±2, ±4; mpmath's error estimates <= 4e−32).  A first run without the splits around the
# moving breakpoint was off by 2e−10 — the reason the test keeps it.
NESTED_REFERENCES = [  # (name, rho, q1, q2, k, k′)
    ("tanh", "19/20", "1", "2", "0.4236599414456617343465032896", "0.3797168031241352270965294497"),
    ("softsign", "-97/100", "2", "2", "-0.238940303712000347137204147952", "0.1581665452713053441181741266"),
]


@pytest.mark.parametrize("name, rho, q1, q2, k_ref, dk_ref", NESTED_REFERENCES)
def test_kernels_near_rho_one_by_nested_quadrature(name, rho, q1, q2, k_ref, dk_ref):
    from gelu_math.gauss.hermite import MAX_TERMS, terms_needed

    import sympy as sp
    assert terms_needed(sp.Rational(rho), 16) > MAX_TERMS  # the series is refused here: the nested route runs
    k = kernel(name, rho=rho, q=q1, q2=q2, digits=16)
    for moment, ref in ((k.value, k_ref), (k.derivative, dk_ref)):
        assert moment.method.value == "certified" and "nested Arb quadrature" in moment.steps[0].text
        ball = moment.value.ball
        assert ball.rad() < 1e-16
        assert bool(ball.overlaps(arb(ref, "1e-28"))), (name, rho, ball, ref)


def test_nested_quadrature_agrees_with_the_hermite_series():
    """Two independent routes at ρ = 4/5, where both apply: the Mehler series and the nested quadrature."""
    import importlib

    import sympy as sp

    from gelu_math.analysis.pieces import decompose
    from gelu_math.definitions.registry import get
    from gelu_math.gauss.growth import global_bound
    from gelu_math.gauss.quad2d import nested

    K = importlib.import_module("gelu_math.gauss.kernel")
    rho, q = sp.Rational(4, 5), sp.Integer(2)
    pieces = decompose(get("softsign").expr)
    bound = global_bound(pieces)
    L = K._certified_lipschitz(pieces)
    growth = K.Growth((K._abs_upper(pieces.at(sp.Integer(0))) + L * sp.sqrt(q), L * sp.sqrt(q)), 2)
    two_d = nested(tuple((p.lo, p.hi, p.expr) for p in pieces.pieces), bound, growth, rho, q, q, 14)
    series = kernel("softsign", rho=rho, q=q, digits=14).value.value.ball
    assert two_d.rad() < 1e-14 and series.rad() < 1e-14
    assert bool(two_d.overlaps(series)), (two_d, series)
