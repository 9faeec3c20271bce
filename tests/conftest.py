"""Shared fixtures: one cached analysis per registered function, precision hygiene."""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess

# One BLAS thread per process, as the command line sets it (gelu_math/cli/__init__.py): several tests
# run worker pools, and OpenBLAS's threads on top of them spin against each other on a loaded machine.
# It takes effect only if numpy is not imported yet (gelu-math's own pytest plugin does not import it:
# gelu_math.testing loads its assertions lazily; tests/test_architecture.py checks that).
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

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

# The functions for which the engine states plainly what it cannot certify, with the reason it
# must give (a substring).  Every other function must have every fact (test_every_fact_derived
# checks both ways), and a test that needs a fact documented here is skipped, saying so.
_OSCILLATES = "oscillates"  # Snake: f′ = 1 + sin(2ax) has infinitely many zeros; no finite list is stated
_JUMPS = "discontinuous"  # xIELU: with ε < 0 it jumps at 0 by −α_n·expm1(ε)
_RESTS = "which is not certified"  # a derived property whose input is one of the above
UNCERTIFIED = {
    "xielu": {"monotonicity": _JUMPS, "convexity": _JUMPS, "parity": _JUMPS, "monotone": _RESTS},
    "snake": {"asymptotes": _OSCILLATES, "range": _OSCILLATES, "stationary_points": _OSCILLATES,
              "inflection_points": _OSCILLATES, "monotonicity": _OSCILLATES, "convexity": _OSCILLATES,
              "lipschitz": _OSCILLATES, "boundedness": _RESTS, "monotone": _RESTS, "negative_gradient": _RESTS},
}


def needs(name: str, *keys: str):
    """The analysis of ``name``; skips the test when one of ``keys`` is documented in UNCERTIFIED
    (and fails when a fact is missing that is not documented there)."""
    a = analysis(name)
    missing = [k for k in keys if k not in a.facts]
    undocumented = [k for k in missing if k not in UNCERTIFIED.get(name, {})]
    assert not undocumented, {k: a.failures.get(k) for k in undocumented}
    if missing:
        pytest.skip(f"{name}: {', '.join(missing)} documented as not certified ({UNCERTIFIED[name][missing[0]]})")
    return a


@pytest.fixture
def forget_user_functions():
    """User functions are process-global; a test using this starts and ends without them."""
    from gelu_math.definitions.registry import REGISTRY

    for name in REGISTRY.user_names():
        REGISTRY.remove_user(name)
    yield
    for name in REGISTRY.user_names():
        REGISTRY.remove_user(name)


@contextlib.contextmanager
def mounted_tmpfs(path, options: str):
    """Mount a tmpfs with ``options`` (e.g. "size=64k,ro") on the directory ``path`` for the block;
    yields False (nothing mounted) where mounting is not possible (not root, no permission)."""
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if r.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", str(path)], check=False)
