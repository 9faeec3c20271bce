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


# Reference: mpmath 1.3 nested tanh-sinh quadrature at 35 digits, E_t[tanh(t) E_w tanh(t/2 + (√3/2) w)]
# with both integrals over (−∞, 0] ∪ [0, ∞) against the normal density (computed for this test; 8 minutes).
TANH_HALF = "0.186324413203448086106782889972409"


def test_tanh_kernel_by_hermite_series_against_2d_quadrature():
    k = kernel("tanh", rho="1/2", digits=12)
    assert k.value.method.value == "certified"
    b = k.value.value.ball
    assert bool(b.overlaps(arb(TANH_HALF, "1e-33"))) and b.rad() < 1e-12
    # odd f: k(−ρ) = −k(ρ), proved by the balls
    assert bool((kernel("tanh", rho="-1/2", digits=12).value.value.ball + b).contains(0))


# Reference: mpmath nested tanh-sinh quadrature at 16 digits of E_t[SiLU(t) E_w SiLU(t/2 + (√3/2) w)]
# (the same scheme as TANH_HALF; 7 minutes).
SILU_HALF = "0.1831696630881595"


def test_silu_kernel_by_hermite_series_against_2d_quadrature():
    b = kernel("silu", rho="1/2", digits=8).value.value.ball
    assert bool(b.overlaps(arb(SILU_HALF, "1e-15"))) and b.rad() < 1e-8
