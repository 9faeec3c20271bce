"""``torch.nn.init.calculate_gain`` against the certified gains.

Torch's values, hard-coded from its documentation (torch/nn/init.py, ``calculate_gain``
docstring table, PyTorch 2.x; torch need not be installed): linear / identity 1, sigmoid 1,
tanh 5/3, relu √2, leaky_relu √(2/(1 + negative_slope²)), selu 3/4.  The relu and leaky_relu
values are He et al.'s (2015) 1/√E f(Z)² — the rms gain here; tanh's 5/3 and selu's 3/4 were
chosen by experiment (PyTorch issue 24991, PR 50664).  GELU, SiLU, Mish are "Unsupported
nonlinearity" there.  Each of torch's values is compared with the std, rms and grad gains:
equal (proved: the exact difference simplifies to 0) or not (certified: the ratio's ball
excludes 1), and by how much (torch / ours − 1, a ball).
"""

from __future__ import annotations

import sympy as sp

from ..analysis import calculus
from ..certified.balls import bits_for, precision
from ..certified.numbers import exact_number
from ..definitions.symbols import x
from ..errors import CertificationError
from ..facts import Number
from .phiform import tidy

SOURCE = "torch.nn.init.calculate_gain (torch/nn/init.py docstring table, PyTorch 2.x)"


def torch_gain(inst) -> tuple[str, sp.Expr] | None:
    """(torch's nonlinearity name, its gain) for an instance torch knows, else None."""
    name = inst.name
    if name == "leaky_relu":
        s = dict(inst.params)["negative_slope"]
        return "leaky_relu", sp.sqrt(2 / (1 + s ** 2))
    table = {"relu": sp.sqrt(2), "tanh": sp.Rational(5, 3), "sigmoid": sp.Integer(1), "selu": sp.Rational(3, 4)}
    if name in table:
        return name, table[name]
    if sp.simplify(inst.expr - x) == 0 if sp.count_ops(inst.expr) < 20 else False:
        return "linear", sp.Integer(1)
    return None


def compare_gain(torch_value: sp.Expr, ours: Number, digits: int) -> dict:
    """{"agree": bool, "relative_difference": Number} of torch's value against one gain."""
    if ours.infinite:
        return {"agree": False, "relative_difference": Number.inf(1)}
    if ours.exact is not None:
        d = tidy(torch_value / ours.exact - 1)
        n = exact_number(d, digits)
        if d != 0 and n.ball.contains(0):
            d = calculus.tidy(d)  # SymPy's simplify, only where the cheap form leaves an undecided 0
            n = exact_number(d, digits)
        if d == 0:
            return {"agree": True, "relative_difference": exact_number(sp.Integer(0), digits)}
    else:
        with precision(bits_for(digits) + 32):
            n = Number(None, exact_number(torch_value, digits + 10).ball / ours.ball - 1)
    if n.ball.contains(0):
        raise CertificationError("cannot decide whether torch's gain equals the certified one")
    return {"agree": False, "relative_difference": n}


def comparison(inst, gains: dict, digits: int) -> dict | None:
    """Torch's gain for ``inst`` against each of ``gains`` (std, rms, grad Moments), or None."""
    known = torch_gain(inst)
    if known is None:
        return None
    name, value = known
    return {"nonlinearity": name, "value": exact_number(value, digits), "source": SOURCE,
            "against": {k: compare_gain(value, g.value, digits) for k, g in gains.items()}}
