"""Property tests (hypothesis): identities in ball arithmetic, Arb compiler vs mpmath."""

from __future__ import annotations

import mpmath
import pytest
from flint import arb
from hypothesis import given, settings
from hypothesis import strategies as st

from gelu_math import get, names
from gelu_math.analysis.pieces import decompose
from gelu_math.certified.arbeval import compile_arb
from gelu_math.certified.balls import precision
from gelu_math.definitions.symbols import x

from .reference import mp_function, piece_at

reals = st.floats(min_value=-30, max_value=30, allow_nan=False).filter(lambda t: abs(t) > 1e-300 or t == 0)


@settings(max_examples=200, deadline=None)
@given(reals)
def test_gelu_odd_part_identity(t):
    """GELU(x) − GELU(−x) = x (ACTIVATIONS.md), checked in Arb: the ball of the difference contains x."""
    f = compile_arb(get("gelu").expr, x)
    with precision(200):
        diff = f(arb(t)) - f(arb(-t))
        assert diff.contains(arb(t)) and diff.rad() < arb("1e-50")


@settings(max_examples=100, deadline=None)
@given(reals)
def test_gelu_is_x_times_phi(t):
    """GELU(x) = x·Φ(x) with mpmath's ncdf as the independent Φ."""
    f = compile_arb(get("gelu").expr, x)
    mpmath.mp.dps = 50
    ref = mpmath.mpf(t) * mpmath.ncdf(mpmath.mpf(t))
    with precision(200):
        b = f(arb(t))
        lo = mpmath.mpf(b.lower().str(60, radius=False))
        hi = mpmath.mpf(b.upper().str(60, radius=False))
    tol = mpmath.mpf(10) ** -45 * max(1, abs(ref))  # mpmath's own rounding at 50 digits
    assert lo - tol <= ref <= hi + tol


@pytest.mark.parametrize("name", names())
@settings(max_examples=25, deadline=None)
@given(reals)
def test_arb_compiler_contains_mpmath(name, t):
    pieces = decompose(get(name).expr)
    try:
        i = piece_at(pieces, t)
    except ValueError:
        return
    mpmath.mp.dps = 50
    ref = mp_function(pieces.pieces[i].expr)(mpmath.mpf(t))
    with precision(256):
        b = compile_arb(pieces.pieces[i].expr, x)(arb(t))
        lo = mpmath.mpf(b.lower().str(60, radius=False))
        hi = mpmath.mpf(b.upper().str(60, radius=False))
    tol = mpmath.mpf(10) ** -40 * max(1, abs(ref))
    assert lo - tol <= ref <= hi + tol


def test_analyses_are_cached_per_key():
    from gelu_math import analyze

    a = analyze("relu", digits=12, order=2)
    assert analyze("relu", digits=12, order=2) is a
    assert analyze("relu", digits=13, order=2) is not a
    assert analyze("leaky_relu", {"negative_slope": "1/10"}, digits=12, order=2) is not \
        analyze("leaky_relu", digits=12, order=2)
