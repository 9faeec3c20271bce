"""Limits at ±∞ by the limit laws (analysis.calculus._by_parts) against independent values.

Each expected value is elementary (stated in the comment) and is also checked by mpmath far out.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from gelu_math.analysis.calculus import _by_parts
from gelu_math.definitions.symbols import x

S2 = sp.sqrt(2)
CASES = [
    # x·(1 + erf(x + 1)) → 0 at −∞ (x·erfc(|x|) ~ e^{−x²}); SymPy 1.14's limit says −∞
    (x * (1 + sp.erf(x + 1)), -1, 0),
    # GELU − x → 0 at +∞ (x·erfc(x/√2)/2)
    (x / 2 * (1 + sp.erf(x / S2)) - x, 1, 0),
    # tanh form − GELU → 0 on both sides (difference of exponentially small terms, times x)
    (x / 2 * (1 + sp.tanh(x + x**3 / 20)) - x / 2 * (1 + sp.erf(x / S2)), 1, 0),
    (x / 2 * (1 + sp.tanh(x + x**3 / 20)) - x / 2 * (1 + sp.erf(x / S2)), -1, 0),
    # x²·sech²(x) → 0
    (x**2 * (1 - sp.tanh(x) ** 2), 1, 0),
    # x·σ(x) − x → 0 at +∞: x/(1 + e^{−x}) − x
    (x / (1 + sp.exp(-x)) - x, 1, 0),
    # polynomial and monotone limits
    (x**3 - 5 * x, -1, -sp.oo),
    (sp.tanh(x) + sp.erf(x) + 3, -1, 1),
    (sp.exp(-x**2) * x**5, 1, 0),
]


@pytest.mark.parametrize("expr,side,want", CASES)
def test_by_parts(expr, side, want):
    got = _by_parts(expr, side)
    assert got == want
    if sp.sympify(want).is_finite:
        f = sp.lambdify(x, expr, "mpmath")
        with mpmath.workdps(60):
            assert abs(f(mpmath.mpf(side * 30)) - float(want)) < 1e-3


@pytest.mark.parametrize("expr,side", [
    (x * sp.exp(x) - x**2, 1),          # ∞ − ∞ with exponential growth: left to SymPy
    (x * sp.sin(x), 1),                 # no limit
    (sp.exp(x) * (1 - sp.tanh(x)), 1),  # e^x · 2e^{−2x}: 0·∞ with exponential growth: left to SymPy
])
def test_by_parts_declines_what_it_cannot_decide(expr, side):
    # each is an indeterminate form the limit laws cannot settle part by part: the rule must decline
    # (None) and leave it to SymPy's Gruntz algorithm, never guess
    assert _by_parts(expr, side) is None
