"""Shared fixtures: one cached analysis per registered function, precision hygiene."""

from __future__ import annotations

import contextlib
import functools
import subprocess

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
