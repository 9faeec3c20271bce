"""The vectorised relaxations (gelu_math.relax.bounds) checked by bench/relax_soundness.py's independent
evaluator (SymPy tree → python-flint Arb, cancellation-free forms; nothing shared with gelu-math's Arb
compiler, float64 reference, curvature table or branch and bound): a small version of the sweep
(README "relax", soundness), with points decided in Arb and a few whole-interval proofs."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

from gelu_math.relax import bounds

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("relax_soundness", ROOT / "bench" / "relax_soundness.py")
sweep = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sweep)

# functions whose curvature table builds fast (< 1 s) and that the other soundness test does not cover
FUNCTIONS = ("mish", "selu", "i_gelu", "relu6", "logsigmoid", "snake")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_independent_point_and_proof_checks(name):
    r = sweep.run(name, 150, 2, seed=19)
    assert "skipped" not in r
    for mode, m in r["modes"].items():
        assert m["checks"] == 2 * 150 * sweep.POINTS
        assert m["violations"] == 0 and m["undecided"] == 0, (name, mode, m["bad"])
        assert m["proofs"]["violated"] == 0, (name, mode, m["bad"])
        assert m["proofs"]["proved"] >= 1


def test_the_checker_finds_a_crossing():
    """The same checks refute lines moved across f (so the test above can fail)."""
    ev, fl, point = sweep._setup("gelu")
    lo, hi = np.array([-1.0, 0.5]), np.array([2.0, 0.75])
    (al, bl), (au, bu) = bounds("gelu", lo, hi)
    lifted = ((al, bl + 0.05), (au, bu))  # the lower line lifted by 0.05: above GELU near its contact point
    _, _, bad, _, _ = sweep.check_points(point, fl, lo, hi, lifted)
    assert bad >= 1
    assert sweep.prove(ev, -1.0, 2.0, float(al[0]), float(bl[0]), -1) == "proved"
    assert sweep.prove(ev, -1.0, 2.0, float(al[0]), float(bl[0]) + 0.05, -1) == "violated"
    assert sweep.prove(ev, -1.0, 2.0, float(au[0]), float(bu[0]) - 0.05, 1) == "violated"


def test_exact_linear_pieces():
    """On one linear piece with float64 coefficients the lines are f itself (gap 0)."""
    (al, bl), (au, bu) = bounds("relu", np.array([1.0, -3.0, 0.0]), np.array([2.0, -1.0, 1e4]))
    assert list(al) == [1, 0, 1] and list(bl) == [0, 0, 0] and list(au) == list(al) and list(bu) == list(bl)
    (al, bl), (au, bu) = bounds("hardtanh", np.array([-0.5, 2.0]), np.array([0.5, 9.0]))
    assert list(al) == [1, 0] and list(bl) == [0, 1] and list(bu) == [0, 1]
