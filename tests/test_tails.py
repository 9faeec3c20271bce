"""Tail sign proofs agree with independent evaluation far beyond their cut points."""

from __future__ import annotations

import mpmath
import pytest

from gelu_math.certified.zeros import all_zeros

from .conftest import ALL, needs
from .reference import mp_function


@pytest.mark.parametrize("name", ALL)
def test_tail_proofs_match_far_signs(name):
    a = needs(name, "stationary_points", "inflection_points")  # the zeros of f′ and f″ are memoised by it
    mpmath.mp.dps = 60
    for k in (1, 2):
        for pz in all_zeros(a.derivatives[k], a.derivatives[k + 1]):
            for tail in pz.tails:
                g = mp_function(tail.expr)
                start = 1 if tail.cut is None else abs(int(tail.cut)) + 1
                for t in (start, 2 * start + 3, 10 * start + 7):
                    v = g(mpmath.mpf(tail.side * t))
                    if v == 0:  # underflow far out is not a counter-example
                        continue
                    assert (1 if v > 0 else -1) == tail.sign, (name, k, tail.side, t, v)
                assert tail.steps, "a tail proof must carry its derivation"
