"""The deterministic gates in front of SymPy's expensive steps: which equations go to ``solve``,
which series to ``fps``, which expressions to ``simplify``.  A gate only saves time; the tests
check both that the solvable cases still reach SymPy (and get their closed forms) and that the
hopeless ones are recognised."""

from __future__ import annotations

import pytest
import sympy as sp

from gelu_math.analysis.calculus import tidy
from gelu_math.analysis.series import holonomic_candidate
from gelu_math.certified.zeros import _exact_candidates, solvable_class
from gelu_math.definitions.symbols import x


@pytest.mark.parametrize("expr", [
    2 - x**2,                                     # GELU'' = 0  ->  ±√2
    x + sp.exp(x) + 1,                            # SiLU' = 0: Lambert W
    sp.Rational(851, 500) * x + sp.exp(sp.Rational(851, 500) * x) + 1,
    sp.cosh(x) - 2,                               # sigmoid''' = 0: a polynomial in e^x
    sp.tanh(x / 2) ** 2 - sp.Rational(1, 4),      # a polynomial in one exponential, no x outside
    1 - sp.tanh(x**3 + x) ** 2,                   # 4/(e^u + e^-u)^2: the numerator is constant
    (x + 2) * sp.exp(3 * x) - 5,                  # Lambert type (a·x + b)·E = c
    sp.sqrt(x**2 + 1) - 2,                        # radical equations
    sp.sqrt(x**2 + 1) - x / 2 - 1,
    sp.atan(x) - 1,                               # one function of a polynomial
    sp.log(x**2 + 1) - 2,
])
def test_solvable_classes_reach_solve(expr):
    assert solvable_class(expr)


@pytest.mark.parametrize("expr", [
    sp.sqrt(2) * x * sp.exp(-x**2 / 2) / sp.sqrt(sp.pi) + sp.erf(sp.sqrt(2) * x / 2) + 1,  # GELU'
    x * sp.tanh(x**3 + x) - 1,                   # the tanh forms
    x**3 + x + sp.exp(x**3 + x) + 1,             # polynomial against e^(cubic)
    x * sp.cosh(x) - 2 * x - sp.exp(x),          # two exponentials e^x, e^-x with x outside
    x**2 + sp.exp(x),                            # Lambert needs degree 1 in x
    x * (1 - sp.exp(x)) + 1 + sp.exp(x),           # E = (x + 1)/(x − 1): not Lambert type (gelu_sigmoid'')
    1 - sp.tanh(sp.Rational(997355701, 10**9) * x) ** 2,  # e^(p/q x) of large height (gelu_fast)
])
def test_hopeless_equations_skip_solve(expr):
    assert not solvable_class(expr)


def test_closed_forms_still_found():
    # independent: x + e^x + 1 = 0  <=>  (x + 1) e^(x+1) = -e^... ; x = -1 - W(1/e) (SiLU's argmin)
    cands = [c for _, c in _exact_candidates((x + sp.exp(x) + 1) / (1 + sp.exp(-x)))]
    assert any(sp.simplify(c - (-1 - sp.LambertW(sp.exp(-1)))) == 0 for c in cands)
    cands = [c for _, c in _exact_candidates(sp.exp(-x**2 / 2) * (2 - x**2))]
    assert sorted(cands, key=float) == [-sp.sqrt(2), sp.sqrt(2)]


@pytest.mark.parametrize("expr,expected", [
    (sp.erf(x / sp.sqrt(2)), True),               # GELU: fps gives the general term
    (sp.exp(-x**2), True),
    (sp.tanh(x**3 + x), False),                   # infinitely many poles: not holonomic
    (1 / (1 + sp.exp(-x)), False),                # the logistic sigmoid
    (sp.log(1 + sp.exp(x)), False),               # softplus: infinitely many branch points
    (sp.tanh(sp.log(1 + sp.exp(x))), False),      # Mish
    (1 / (x**2 + sp.exp(2)), True),               # a constant exp is no singularity generator
    (sp.log(x + sp.exp(2)), True),
])
def test_holonomic_gate(expr, expected):
    assert holonomic_candidate(expr) is expected


def test_hyperbolic_tidy_is_rational_and_deterministic():
    # the tanh form's f' (trigsimp-bound for simplify): tidied by rational steps only, equal to it
    u = sp.sqrt(2 / sp.pi) * (x + sp.Rational(8943, 200000) * x**3)
    d = sp.diff(x / 2 * (1 + sp.tanh(u)), x)
    t = tidy(d)
    assert t.atoms(sp.cosh, sp.sinh, sp.sech) <= d.atoms(sp.cosh, sp.sinh, sp.sech)  # no trig rewriting
    assert sp.count_ops(t) <= sp.count_ops(d)
    for v in (-3, sp.Rational(1, 7), 2):
        assert abs(sp.N((t - d).subs(x, v), 30)) < sp.Float("1e-25")
    assert tidy.__wrapped__(d) == t  # the same answer without the memo


# --- "not shown equal" is never taken as "different" (review 2026-11-26) -----------------------

def test_hyperbolic_identity_is_no_jump():
    # |x − 1|·(x − 2 + tanh² + sech²) = |x − 1|·(x − 1): C¹ with f″ jumping from −2 to 2 at 1
    from gelu_math import analyze
    from gelu_math.definitions.user import define

    inst = define("jumpfree", "abs(x-1)*(x - 2 + tanh(x)^2 + 1/cosh(x)^2)").instance({})
    a = analyze(inst, digits=15, order=2, parts=("smoothness",))
    s = a.facts["smoothness"].value
    assert s.k == 1 and s.breakpoints[0].order == 2
    bp = s.breakpoints[0]
    assert abs(sp.N(bp.left + 2, 30)) < 1e-25 and abs(sp.N(bp.right - 2, 30)) < 1e-25


def test_hyperbolic_identity_in_parity():
    from gelu_math import analyze
    from gelu_math.definitions.user import define

    inst = define("pe", "x*(tanh(x)^2 + 1/cosh(x)^2 - 1) + x^2").instance({})  # = x², even
    assert analyze(inst, digits=15, order=2, parts=("parity",)).facts["parity"].value.kind == "even"


def test_undecidable_difference_is_a_failure_not_a_claim(monkeypatch):
    # if neither symbolic zero nor separated balls: the part is refused, never stated "neither"
    import gelu_math.engine as engine
    from gelu_math import analyze
    from gelu_math.definitions.user import define

    monkeypatch.setattr(engine, "_differs", lambda a, c, digits: False)
    inst = define("odd_cube", "x^3 + x^2").instance({})
    a = analyze(inst, digits=15, order=2, parts=("parity",))
    assert "parity" not in a.facts and "not identically 0" in a.failures["parity"]


def test_fit_without_a_tail_proof_is_one_clean_line(capsys):
    # fit works over ℝ: a tail it cannot prove is "not certified" (exit 3, one line), and the envelope's
    # remedy (a bounded --domain) is not offered, fit having no such option
    from gelu_math.cli import main

    assert main(["fit", "--expr", "x*sigmoid(k*x) + erf(x)*exp(-x^2)*log(1+x^2)/10^6", "--param", "k=1.702",
                 "--coefficient", "k"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no sign proof" in err and "over all of ℝ" in err
    assert "--domain" not in err


def test_fit_scan_uses_balls_where_math_lacks_a_function():
    # lambdify(modules="math") accepts LambertW and fails only when called (NameError): the scan's grid
    # magnitudes then come from Arb balls; reference |c·e^(−t²)·W(1)| by mpmath (W(1) = 0.56714329040978...)
    import mpmath as mp

    from gelu_math.certified.arbeval import compile_arb
    from gelu_math.envelope.fit import _Scan

    c = sp.Symbol("c_k", real=True)
    E = c * sp.exp(-x ** 2) * sp.LambertW(1)
    scan = _Scan(c, E, sp.diff(E, x), sp.diff(E, x, 2))
    assert scan._float is not None  # created without complaint: the failure comes at the call
    mags = scan._magnitudes(sp.Rational(3, 2), compile_arb(E.subs(c, sp.Rational(3, 2)), x))
    for t, m in zip(scan.grid[::100], mags[::100]):
        ref = mp.mpf(3) / 2 * mp.exp(-(mp.mpf(int(t.p)) / int(t.q)) ** 2) * mp.lambertw(1).real
        assert abs(m - float(ref)) <= 1e-15 * float(ref) + 1e-300
