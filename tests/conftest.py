"""Shared fixtures: one cached analysis per registered function, precision hygiene."""

from __future__ import annotations

import functools

import mpmath
import pytest
from flint import ctx

from gelu_math import analyze, names

DIGITS = 25


@functools.lru_cache(maxsize=None)
def analysis(name: str, digits: int = DIGITS):
    return analyze(name, digits=digits, order=3)


@pytest.fixture(autouse=True)
def _restore_precision():
    """No test may leave Arb's or mpmath's global precision changed."""
    prec, dps = ctx.prec, mpmath.mp.dps
    yield
    assert ctx.prec == prec, "Arb precision leaked out of a scope"
    ctx.prec = prec
    mpmath.mp.dps = dps


ALL = names()
