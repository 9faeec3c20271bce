"""The definitions document (gelu_math/definitions/ACTIVATIONS.md) lists every registered function,
with its registered defaults; and the four additions of modern use are defined as their sources say."""

from __future__ import annotations

import re
from pathlib import Path

import mpmath
import pytest
import sympy as sp

from gelu_math import names
from gelu_math.definitions import get
from gelu_math.definitions.symbols import x

DOC = (Path(__file__).resolve().parent.parent / "gelu_math" / "definitions" / "ACTIVATIONS.md").read_text("utf-8")


def test_every_registered_function_is_documented():
    listed = set(re.findall(r"^\| ([a-z0-9_]+)(?: \(alias [a-z_]+\))? \|", DOC, re.M))
    assert set(names()) <= listed, set(names()) - listed


@pytest.mark.parametrize("t", ["-3.5", "-1e-7", "-0.5e-6", "0.25", "2"])
def test_additions_match_their_sources(t):
    # written out by hand from the sources (So et al. 2021; Huang 2024 with HF defaults; Liu et al. 2020)
    v = mpmath.mpf(t)
    with mpmath.workdps(40):
        eps, ap, an, beta = mpmath.mpf("-0.000001"), mpmath.mpf("0.8"), mpmath.mpf("0.8"), mpmath.mpf("0.5")
        want = {
            "relu2": max(v, 0) ** 2,
            "xielu": ap * v * v + beta * v if v > 0 else an * (mpmath.expm1(min(v, eps)) - v) + beta * v,
            "erf": mpmath.erf(v),
            "snake": v + mpmath.sin(v) ** 2,
        }
        for name, w in want.items():
            got = get(name).expr
            val = got if not isinstance(got, sp.Piecewise) else \
                next(e for e, c in got.args if bool(c.subs(x, sp.Rational(t))))
            assert abs(sp.lambdify(x, val, "mpmath")(v) - w) <= mpmath.mpf(10) ** -35 * max(1, abs(w)), name
