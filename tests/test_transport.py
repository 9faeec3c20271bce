"""Facts across processes (gelu_math.transport): what a report worker derived is what the main
process renders.

Plain pickling re-evaluates SymPy expressions on load (``Piecewise((0, x < 0), (0, x > 0))`` comes
back merged, ``erfc(-z)`` as ``2 - erfc(z)``); these tests pin that the transport does not, on
expressions that SymPy would rewrite and on a whole derived report.
"""

from __future__ import annotations

import pickle

import pytest
import sympy as sp

from gelu_math.definitions import get
from gelu_math.definitions.registry import Activation
from gelu_math.transport import dumps, loads

x, t, m = sp.symbols("x t m")
f = sp.Function("f")

# expressions whose class constructor rewrites its arguments (so plain pickling changes them)
# (built unevaluated, as the engine's derivations build them)
REWRITTEN = [
    sp.Piecewise((0, x < 0), (0, x > 0), evaluate=False),
    sp.erfc(-x, evaluate=False),
    sp.Mul(sp.Rational(1, 2), x, sp.erfc(-x / sp.sqrt(2), evaluate=False), evaluate=False),
]


@pytest.mark.parametrize("expr", REWRITTEN, ids=lambda e: type(e).__name__)
def test_plain_pickle_rewrites_these_expressions(expr):
    # the premise of the transport: if SymPy stops rewriting on unpickling, this test says so
    assert sp.srepr(pickle.loads(pickle.dumps(expr))) != sp.srepr(expr)


@pytest.mark.parametrize("expr", REWRITTEN + [
    sp.Integral(sp.exp(-t**2 / 2) / sp.sqrt(2 * sp.pi), (t, -sp.oo, x)),
    f(x).diff(x, 2), sp.CRootOf(x**5 - x - 1, 0), sp.O(x**3), sp.Subs(f(x).diff(x), x, 0),
    sp.AccumBounds(-1, 1), sp.Sum((-1)**m * x**(-2 * m) * sp.factorial2(2 * m - 1), (m, 0, sp.oo)),
    sp.Eq(sp.Symbol("y"), 2 * x + 1), sp.LambertW(sp.exp(-1)),
], ids=lambda e: type(e).__name__)
def test_expressions_come_back_node_for_node(expr):
    back = loads(dumps(expr))
    assert sp.srepr(back) == sp.srepr(expr)
    assert back == expr and hash(back) == hash(expr)
    assert sp.latex(back) == sp.latex(expr)


def test_registered_activation_travels_by_name_and_an_unregistered_one_is_refused():
    inst = get("gelu")
    assert loads(dumps(inst)).activation is inst.activation
    stray = Activation("stray_function", lambda: x, "stray", "x")
    with pytest.raises(TypeError, match="not registered"):
        dumps(stray)


def test_a_transported_derivation_renders_byte_identically():
    from gelu_math.render.report import derive, render_derived

    d = derive("relu", approximations=False)
    here, _ = render_derived(d, ("md", "tex"))
    there, _ = render_derived(loads(dumps(d)), ("md", "tex"))
    assert here == there
