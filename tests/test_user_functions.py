"""User-defined activations: --expr, [function.NAME] TOML tables, the Python API, hostile input."""

from __future__ import annotations

import json
import os

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gelu_math as gm
from gelu_math.cli import main
from gelu_math.definitions.registry import REGISTRY, Activation
from gelu_math.definitions.symbols import x
from gelu_math.definitions.user import define, functions_from_toml, load_functions, user_function
from gelu_math.errors import ExpressionError, InputError, ParameterError

from .reference import in_ball


pytestmark = pytest.mark.usefixtures("forget_user_functions")  # user functions are process-global


def test_expression_builds_the_catalog_definition():
    # the parser's Phi/sigmoid are the catalog's: x*Phi(x) is GELU, x*sigmoid(1.702*x) is QuickGELU
    assert sp.simplify(user_function("g", "x*Phi(x)").instance().expr - gm.get("gelu").expr) == 0
    assert user_function("q", "x*sigmoid(k*x)", {"k": "1.702"}).instance().expr == gm.get("quick_gelu").expr
    # built-in activations are callable by name, with their default parameters
    assert user_function("d", "gelu(x) - x*Phi(x)").instance().expr == 0
    assert user_function("m", "max(0, x) + min(x, 0, -1)").instance().expr == sp.Max(0, x) + sp.Min(x, -1)


def test_parameters_defaults_and_overrides():
    act = define("swish_b", "x*sigmoid(b*x)", {"b": "2"})
    assert isinstance(act, Activation) and gm.get("swish_b").expr == x / (1 + sp.exp(-2 * x))
    assert gm.get("swish_b", {"b": "3/2"}).expr == x / (1 + sp.exp(-sp.Rational(3, 2) * x))
    with pytest.raises(ParameterError):
        gm.get("swish_b", {"c": 1})
    with pytest.raises(ParameterError):  # a parameter value that makes the expression undefined
        user_function("inv", "x/s", {"s": 1}).instance({"s": 0})
    assert "swish_b" in REGISTRY.user_names() and "swish_b" not in gm.names()


def test_analysis_of_a_user_function_matches_calculus():
    # f = x^2 - 2x: f' = 2x - 2 vanishes at x = 1, f(1) = -1 (minimum); f'' = 2 > 0: convex
    define("parab", "x^2 - 2*x")
    a = gm.analyze("parab", digits=20, order=2)
    (p,) = a["stationary_points"].value
    assert p["kind"] == "minimum" and p["x"].exact == 1 and p["value"].exact == -1
    assert [i.label for i in a["convexity"].value] == ["convex"]


@pytest.mark.parametrize("name,expr", [
    ("gelu", "x"), ("swish", "x"),                      # built-in name and alias
    ("bad name", "x"), ("1x", "x"), ("", "x"),
])
def test_bad_names(name, expr):
    with pytest.raises(ExpressionError):
        user_function(name, expr)


@pytest.mark.parametrize("expr,params", [
    ("a*x", {}),                  # unknown name
    ("x", {"a": 1}),              # unused parameter
    ("x*a", {"x": 1}),            # reserved parameter name
    ("x*exp", {"exp": 1}),        # parameter named like a function
    ("x*a", {"a": "x"}),          # non-numeric default
    ("x*a", {"a": "1/0"}),        # malformed default
    ("x/0", {}), ("log(0)", {}),  # undefined constants
    ("x + sqrt(-1)", {}),         # not real
    ("gelu(x, 2)", {}),           # wrong arity
    ("min(x)", {}),
])
def test_bad_definitions(expr, params):
    with pytest.raises(InputError):
        user_function("u", expr, params)


HOSTILE = [
    "__import__('os').system('touch /tmp/gelu_math_pwned')", "x.__class__", "x.real", "lambda: x",
    "lambda x: x", "x**99999999", "x^65", "2^2^2^2^2", "9**9**9**9", "(" * 10000 + "x" + ")" * 10000,
    "x" * 100000, "x+" * 3000 + "x", "-" * 5000 + "x", "exp(" * 200 + "x" + ")" * 200, "open('/etc/passwd')",
    "exec('1')", "eval('x')", "getattr(x, 'real')", "x[0]", "x if x else 1", "x; x", "`x`", "x @ x", "{x}",
    "x\x00", "\u2212x", "x = 1", "import os", "globals()", "sympify('x')", "Symbol('y')", "1e400*x", "x^(10^400)",
    "(2^1000)^1000", "exp(x)^1001", "",
]


@pytest.mark.parametrize("expr", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_expressions(expr):
    with pytest.raises(ExpressionError):
        user_function("u", expr)
    assert not os.path.exists("/tmp/gelu_math_pwned")


@pytest.mark.parametrize("expr", HOSTILE[:12], ids=range(12))
def test_hostile_expressions_on_the_command_line(expr, capsys):
    assert main(["analyze", "--expr", expr]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gelu-math: error:") and err.count("\n") == 1 and "Traceback" not in err


TOKENS = ["x", "a", "(", ")", "+", "-", "*", "/", "^", "**", ",", "1", "0", "2.5", "1e300", "99999999", "exp",
          "log", "erf", "erfc", "tanh", "sigmoid", "abs", "max", "min", "sqrt", "Phi", "softplus", "gelu", "pi",
          "__import__", "'os'", ".", "lambda", ":", "[", "]", "__class__", "os", "system", "\\", "\"", " "]


def _hostile_mix():
    return st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)


@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=60), st.text(alphabet="x()+-*/^,.0123456789eapisqrtlogxmnPhi ", max_size=60),
                 _hostile_mix()))
def test_fuzz_user_functions_only_return_or_raise_input_errors(text):
    """≥ 1,000 random and hostile strings through the whole user-function path."""
    try:
        act = user_function("fuzz", text, {"a": "1/2"} if "a" in text else None)
        expr = act.instance().expr
    except InputError:
        return
    assert isinstance(expr, sp.Expr) and expr.free_symbols <= {x}


# --- TOML files ---------------------------------------------------------------------------------

GOOD_TOML = '''
[function.swish_k]
expr = "x*sigmoid(k*x)"
params = {k = "1.702"}
description = "QuickGELU written by hand"
reference = "Hendrycks & Gimpel 2016"

[function.cubic]
expr = "x^3 - 3*x"
'''


def test_toml_functions():
    acts = functions_from_toml(GOOD_TOML)
    assert [a.name for a in acts] == ["swish_k", "cubic"]
    assert acts[0].instance().expr == gm.get("quick_gelu").expr
    assert acts[0].title == "QuickGELU written by hand" and acts[0].references == ("Hendrycks & Gimpel 2016",)
    assert acts[0].parameters[0].default == sp.Rational(1702, 1000)
    assert REGISTRY.user_names() == []  # functions_from_toml does not register


@pytest.mark.parametrize("text,message", [
    ("[function.f\nexpr = 'x'", "malformed TOML"),
    ("[function.f]\nexpr = 'x'\ncolour = 'red'", "unknown key 'colour'"),
    ("[functions.f]\nexpr = 'x'", "unknown top-level key"),
    ("[function.f]\nparams = {a = 1}", "missing key 'expr'"),
    ("[function.f]\nexpr = 'a*x'\nparams = 3", "params must be a table"),
    ("[function.gelu]\nexpr = 'x'", "clashes with a built-in"),
    ("[function.f]\nexpr = \"__import__('os')\"", "unexpected character"),
    ("[function.f]\nexpr = 3", "must be a string"),
    ("function = 3", "no [function.NAME] tables"),
    ("", "no [function.NAME] tables"),
])
def test_bad_toml(text, message):
    with pytest.raises(InputError, match=r"^<string>: .*" + message.replace("[", r"\[").replace("]", r"\]")):
        functions_from_toml(text)


def _write(tmp_path, text):
    path = tmp_path / "functions.toml"
    path.write_text(text)
    return str(path)


def test_cli_functions_file(tmp_path, capsys):
    path = _write(tmp_path, GOOD_TOML)
    assert main(["analyze", "cubic", "--functions", path, "--json", "--digits", "15", "--order", "2"]) == 0
    j = json.loads(capsys.readouterr().out)
    # f = x^3 - 3x: f' = 3(x^2 - 1): maximum at -1 (value 2), minimum at 1 (value -2); inflection at 0
    pts = j["stationary_points"]
    assert [(p["kind"], p["x"]["exact"], p["value"]["exact"]) for p in pts] == [("maximum", "-1", "2"),
                                                                                ("minimum", "1", "-2")]
    assert [p["x"]["exact"] for p in j["inflection_points"]] == ["0"]


def test_cli_expr_with_parameters(capsys):
    assert main(["analyze", "--expr", "x^2 - 2*c*x", "--param", "c=3/2", "--json", "--order", "1",
                 "--digits", "12"]) == 0
    j = json.loads(capsys.readouterr().out)
    (p,) = j["stationary_points"]  # f' = 2x - 3
    assert j["name"] == "expr" and p["x"]["exact"] == "3/2" and in_ball(mpmath.mpf(-9) / 4, p["value"])


@pytest.mark.parametrize("argv,message", [
    (["analyze", "nope", "--functions", "/nonexistent/f.toml"], "cannot read"),
    (["analyze"], "give a function name or --expr"),
    (["analyze", "--expr", "x*a"], "unknown name 'a'"),
    (["analyze", "--expr", "x", "--param", "a=1"], "does not occur"),
])
def test_cli_errors(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_cli_bad_toml_file(tmp_path, capsys):
    path = _write(tmp_path, "[function.f]\nexpr = 'x'\nextra = 1\n")
    assert main(["analyze", "f", "--functions", path]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'extra'" in err and err.count("\n") == 1


def test_load_functions_registers(tmp_path):
    load_functions(_write(tmp_path, GOOD_TOML))
    assert set(REGISTRY.user_names()) == {"swish_k", "cubic"}
    assert gm.get("cubic").activation.family == "user"


# --- defined on all of ℝ (definitions/domain.py) ------------------------------------------------

@pytest.mark.parametrize("expr,what", [
    ("log(x)", "x > 0"), ("1/x", "x != 0"), ("sqrt(x)", "x >= 0"), ("LambertW(x)", "x >= 0"),
    ("x*erf(1/x)", "x != 0"), ("x^(1/3)", "x >= 0"), ("log(1 + x)", "x + 1 > 0"), ("hardtanh(x)/(x - 3)", "x - 3 != 0"),
    # undefined as written, although SymPy would simplify the undefined part away
    ("0*log(x)", "x > 0"), ("exp(log(x))", "x > 0"), ("sqrt(x)^2", "x >= 0"), ("(1/x)^0", "x != 0"),
    ("relu(-cosh(1/x))", "x != 0"),
])
def test_functions_undefined_somewhere_on_the_line_are_refused(expr, what):
    with pytest.raises(ExpressionError, match="for every real x") as info:
        user_function("u", expr)
    assert what in str(info.value)


@pytest.mark.parametrize("expr", ["log(1 + x^2)", "sqrt(x^2 + 1)", "abs(x)^(1/2)", "LambertW(exp(x))",
                                  "x/(1 + abs(x))", "softsign(2*x)", "2^x", "x*tanh(softplus(x))", "1/cosh(x)"])
def test_functions_defined_on_the_line_are_accepted(expr):
    assert user_function("u", expr).instance().expr.has(x)


def test_every_builtin_passes_the_domain_check():
    from gelu_math.definitions.domain import undefined_reason
    from gelu_math.definitions.registry import get, names

    assert {n: undefined_reason(get(n).expr) for n in names()} == {n: None for n in names()}


def test_names_of_grammar_functions_are_refused():
    for name in ("tanh", "log", "sigmoid", "W", "pi"):
        with pytest.raises(ExpressionError):
            user_function(name, "x")


def test_parameters_are_checked_with_their_values():
    # log(1 + a x²) is defined on ℝ for a ≥ 0 only: the parse defers it, the instance decides
    f = user_function("u", "log(1 + a*x^2)", {"a": "1"})
    assert f.instance().expr.has(sp.log)
    with pytest.raises(ExpressionError, match="for every real x"):
        f.instance({"a": "-1"})


def test_cli_refuses_an_undefined_expression(capsys):
    assert main(["analyze", "--expr", "log(x)"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot show x > 0" in err


def test_no_taylor_series_where_the_function_is_not_analytic():
    # √|x| is continuous but not analytic at 0: its one-sided expansions are √x, not power series;
    # the analysis must record that, not print "0 + O(x^3)"
    define("sqrt_abs_t", "abs(x)^(1/2)")
    a = gm.analyze("sqrt_abs_t", order=2)
    assert "taylor" not in a.facts and "not analytic at 0" in a.failures["taylor"]


def test_an_unknown_limit_is_not_certified_rather_than_no_asymptote():
    # x + W(e^{−x²}) → y = x on both sides; SymPy cannot find lim W(e^{−x²}), and "no asymptote"
    # would then be a false exact statement
    define("xw_asym", "x + LambertW(exp(-x^2))")
    a = gm.analyze("xw_asym", order=1)
    if "asymptotes" in a.facts:  # a SymPy that finds the limit must find the right one
        assert all(s.slope == 1 and s.intercept == 0 for s in a.facts["asymptotes"].value.values())
    else:
        assert "asymptotes" in a.failures
