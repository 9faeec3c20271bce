"""Assertions for test suites and the pytest plugin (see :mod:`gelu_math.testing.assertions`).

The names are loaded on first use (PEP 562), so that importing the pytest plugin
(:mod:`gelu_math.testing.plugin`, loaded by pytest wherever gelu-math is installed) imports
neither numpy nor SymPy: a test session can still choose numpy's settings (e.g. its BLAS
threads) in its ``conftest.py``.
"""

from __future__ import annotations

import importlib

__all__ = ["Undecided", "assert_bounded", "assert_convex", "assert_envelope_below", "assert_fact",
           "assert_lipschitz", "assert_matches", "assert_minimum_in", "assert_monotone", "instance", "reference"]


def __getattr__(name: str):
    if name in __all__:
        return getattr(importlib.import_module(".assertions", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
