"""User-defined activations: from an expression string or ``[function.NAME]`` tables in TOML.

A user activation is an :class:`~.registry.Activation` like the built-ins, so the engine,
renderers and command line treat it the same way.  Its expression is read by the whitelist
parser (:func:`.parse.function_grammar`; never ``eval``): ``x``, its parameters, numbers,
``pi``/``e``, + − * / ^, and known functions (exp, log, sqrt, erf, erfc, tanh, sigmoid,
softplus, Phi, abs, max, min, …, and every built-in activation by name, e.g. ``gelu(2*x)``,
with its default parameters).

Example::

    >>> act = define("swish2", "x*sigmoid(b*x)", {"b": "2"})   # registered: analyze("swish2")
    >>> act.instance({"b": "3/2"}).expr
    x/(1 + exp(-3*x/2))

A TOML file holds one table per function::

    [function.swish2]
    expr = "x*sigmoid(b*x)"
    params = { b = "2" }               # defaults, exact ("1.702" is 1702/1000)
    description = "Swish with slope b"
    reference = "Ramachandran et al. 2017"
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Mapping

import sympy as sp

from ..errors import ExpressionError, InputError, ParameterError
from .domain import operation_reason, undefined_reason
from .parse import _short, check_limits, function_grammar, parse, parse_condition, parse_number
from .registry import REGISTRY, Activation, Parameter
from .symbols import x
from .tomlfile import MAX_FILE_BYTES, TomlFloat, load_document, read_text  # noqa: F401  (read_text: re-exported)


NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}\Z")
BODY_KEYS = ("expr", "poly", "chebyshev", "pieces")  # exactly one defines the function
TOML_KEYS = ("expr", "poly", "chebyshev", "interval", "chebyshev_c0", "pieces", "params", "description", "reference")
PIECE_KEYS = ("when", "expr", "poly", "chebyshev", "interval", "chebyshev_c0")
CHEBYSHEV_C0 = ("full", "half")
MAX_COEFFICIENTS = 65  # degree <= 64, the parser's limit on polynomial degree
MAX_PIECES = 64
MAX_FUNCTIONS = 200
MAX_PARAMETERS = 20


def _relation_polynomial(cond) -> bool:
    if cond in (sp.true, sp.false):
        return True
    if isinstance(cond, (sp.And, sp.Or, sp.Not)):
        return all(_relation_polynomial(c) for c in cond.args)
    if isinstance(cond, sp.core.relational.Relational):
        return (cond.lhs - cond.rhs).is_polynomial(x)
    return False


def polynomial_pieces(arg: sp.Expr) -> bool:
    """Whether ``arg`` is a polynomial in x, or piecewise with polynomial pieces and conditions
    (abs, max, min of polynomials count): substituted into a piecewise function's conditions it
    gives polynomial inequalities, which SymPy solves exactly and quickly."""
    if not arg.has(x) or arg.is_polynomial(x):
        return True
    if arg.has(sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside):
        arg = arg.rewrite(sp.Piecewise)
    for pw in arg.atoms(sp.Piecewise):
        if not all(_relation_polynomial(c) for _, c in pw.args):
            return False
    rest = arg.replace(lambda t: isinstance(t, sp.Piecewise), lambda t: sp.Symbol("_piece"))
    if not rest.is_polynomial(x, sp.Symbol("_piece")):
        return False
    return all(polynomial_pieces(e) for pw in arg.atoms(sp.Piecewise) for e, _ in pw.args)


def _as_function(act: Activation) -> tuple:
    expr = act.instance().expr

    def call(arg, e=expr):
        if e.has(sp.Piecewise) and not polynomial_pieces(arg):
            raise ExpressionError(
                f"{act.name}(...) of the argument {_short(arg)}: the conditions of {act.name}'s pieces would "
                "become transcendental inequalities in x, which are not split exactly (limit: a piecewise "
                "function's argument must be a polynomial, or piecewise polynomial, in x)")
        try:
            return e.xreplace({x: arg})
        except (TypeError, ValueError):  # a Piecewise condition SymPy cannot decide at a numeric argument
            raise ExpressionError(f"{act.name}({_short(arg)}): cannot decide the conditions of its "
                                  f"definition exactly at this argument") from None

    return (call, 1)


@functools.lru_cache(maxsize=1)
def _builtin_functions() -> dict:
    """Every built-in activation (and alias) as a one-argument function with default parameters."""
    from . import catalog  # noqa: F401  (fills the registry)

    return {key: _as_function(act) for act in REGISTRY for key in (act.name, *act.aliases)}


def _callable_functions() -> dict:
    """The built-ins and every user function registered so far (from an earlier functions file
    or ``define``; claims may use those of ``--functions``)."""
    return {**_builtin_functions(), **{n: _as_function(REGISTRY.get(n)) for n in REGISTRY.user_names()}}


def _check_name(name: object, what: str = "function") -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise ExpressionError(f"{what} name {name!r} must be a letter followed by up to 39 letters, digits or _")
    return name


def parse_user_expression(text: str, parameters: Mapping[str, sp.Symbol] = {}) -> sp.Expr:
    """Parse an activation expression in ``x`` and the given parameter symbols (whitelist only).

    Every log, sqrt, LambertW, division and power must be shown defined for every real x as it
    is written (:func:`~.domain.operation_reason`), before SymPy could simplify it away."""
    deferred = frozenset(parameters.values())

    def check(op, args):
        why = operation_reason(op, args, deferred)
        return None if why is None else f"not defined for every real x: {why}"

    expr = parse(text, function_grammar(parameters, _callable_functions(), check))
    if expr.has(sp.I):
        raise ExpressionError("expression is not real (it contains the imaginary unit)")
    return expr


def user_function(name: str, expr: str, params: Mapping[str, object] | None = None, *,
                  description: str | None = None, reference: str | list[str] | None = None) -> Activation:
    """An (unregistered) activation ``name`` defined by the expression text ``expr``.

    ``params`` maps each parameter name used in ``expr`` to its default value (exact decimal
    strings, fractions such as ``"1/2"``, ints, floats taken as written, or SymPy numbers).
    Raises :class:`ExpressionError` / :class:`ParameterError` for anything malformed.
    """
    _check_name(name)
    if REGISTRY.is_builtin(name):
        raise ExpressionError(f"user function {name!r} clashes with a built-in function name")
    if name in function_grammar().functions or name in ("x", "pi", "e", "E", "piecewise"):
        raise ExpressionError(f"user function {name!r} clashes with a function or constant of the grammar")
    if not isinstance(expr, str):
        raise ExpressionError(f"expr of {name!r} must be a string, got {type(expr).__name__}")
    symbols, parameters = _parameters(name, params)
    body = parse_user_expression(expr, symbols)
    return _activation(name, body, symbols, parameters, expr.strip(), description, reference)


def _parameters(name: str, params) -> tuple[dict, list]:
    """The parameter symbols of ``name`` and their validated defaults."""
    params = dict(params or {})
    if len(params) > MAX_PARAMETERS:
        raise ParameterError(f"{name}: more than {MAX_PARAMETERS} parameters")
    symbols = {}
    parameters = []
    for key, value in params.items():
        _check_name(key, "parameter")
        if key in ("x", "pi", "e", "E"):
            raise ExpressionError(f"{name}: parameter name {key!r} is reserved")
        probe = Parameter(key, sp.Integer(0), "")
        default = probe.validate(value)
        if default.free_symbols:
            raise ParameterError(f"{name}: default of parameter {key!r} must be a number")
        parameters.append(Parameter(key, default, "user parameter"))
        symbols[key] = sp.Symbol(key, real=True)
    return symbols, parameters


def _activation(name: str, body: sp.Expr, symbols: dict, parameters: list, formula: str,
                description, reference) -> Activation:
    unused = [k for k, s in symbols.items() if not body.has(s)]
    if unused:
        raise ExpressionError(f"{name}: parameter {unused[0]!r} does not occur in the expression")
    refs = () if reference is None else ((reference,) if isinstance(reference, str) else tuple(reference))
    if not all(isinstance(r, str) for r in refs):
        raise ExpressionError(f"{name}: reference must be a string or a list of strings")
    if description is not None and not isinstance(description, str):
        raise ExpressionError(f"{name}: description must be a string")

    def build(**values):
        value = body.xreplace({symbols[k]: v for k, v in values.items()})
        if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise ParameterError(f"{name}: these parameter values make the expression undefined")
        try:
            check_limits(value)  # e.g. x^k with k = 1000: the parse could not know k
        except ExpressionError as exc:
            raise ParameterError(f"{name}: with these parameter values, {exc}") from None
        why = undefined_reason(value)
        if why is not None:
            raise ExpressionError(f"{name} must be real and finite for every real x; {why}")
        return value

    build(**{p.name: p.default for p in parameters})  # the defaults must give a defined expression
    return Activation(name, build, description or f"user function {name}", formula, tuple(parameters),
                      references=refs, family="user", recipe=(body, tuple(symbols.items())))


def definition_data(act: Activation) -> tuple:
    """A registered user function as plain, picklable data — its parsed SymPy body, parameter
    symbols and defaults, formula text, title and references — for :func:`define_data` in another
    process (a report worker).  The body, not the text, crosses: the catalog's piecewise tables
    (``published``) have a formula that is no expression of the grammar, and nothing is parsed twice."""
    if act.recipe is None:
        raise ExpressionError(f"{act.name!r} was not made by define / load_functions, so it cannot be sent to "
                              "worker processes (run with one job, or define it with gelu_math.definitions.user.define)")
    body, symbols = act.recipe
    return (act.name, body, symbols, act.parameters, act.formula, act.title, act.references)


def define_data(data: tuple) -> Activation:
    """Register the user function of :func:`definition_data` (its checks run again here)."""
    name, body, symbols, parameters, formula, title, refs = data
    _check_name(name)
    if REGISTRY.is_builtin(name):
        raise ExpressionError(f"user function {name!r} clashes with a built-in function name")
    return REGISTRY.add_user(_activation(name, body, dict(symbols), list(parameters), formula, title, list(refs)))


def define(name: str, expr: str, params: Mapping[str, object] | None = None, **kw) -> Activation:
    """:func:`user_function`, registered so that ``analyze(name)`` (and every command) finds it."""
    return REGISTRY.add_user(user_function(name, expr, params, **kw))


def _exact(value, what: str) -> sp.Expr:
    """A coefficient or interval end: a TOML integer, a float taken exactly as written, or a string
    with an exact constant (``"1.702"``, ``"1/3"``, ``"sqrt(2)"``)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ExpressionError(f"{what} must be a number or a string such as \"0.5\", got {type(value).__name__}")
    if isinstance(value, int):
        v = sp.Integer(value)
    else:
        text = value.replace("_", "") if isinstance(value, TomlFloat) else value
        if isinstance(value, TomlFloat) and text.lstrip("+-") in ("inf", "nan"):
            raise ExpressionError(f"{what} must be finite, got {value}")
        try:
            v = parse_number(text.lstrip("+") if isinstance(value, TomlFloat) else text)
        except ExpressionError as exc:
            raise ExpressionError(f"{what}: {exc}") from None
    return check_limits(v)


def _coefficients(values, what: str) -> list[sp.Expr]:
    if not isinstance(values, list) or not values:
        raise ExpressionError(f"{what} must be a non-empty array of numbers")
    if len(values) > MAX_COEFFICIENTS:
        raise ExpressionError(f"{what} has {len(values)} coefficients (limit: degree <= {MAX_COEFFICIENTS - 1})")
    return [_exact(v, f"{what}[{k}]") for k, v in enumerate(values)]


def chebyshev_polynomial(coefficients, interval, c0: str) -> sp.Expr:
    """Σ' c_k T_k(t) with t = (2x − a − b)/(b − a) on ``interval`` = (a, b), expanded exactly in
    powers of x; ``c0 = "full"`` sums c_0 T_0 + c_1 T_1 + …, ``"half"`` takes c_0/2 (the
    convention of Numerical Recipes' chebev and of Clenshaw's original tables)."""
    a, b = interval
    t = (2 * x - a - b) / (b - a)
    terms = [c * sp.chebyshevt_poly(k, t) for k, c in enumerate(coefficients)]
    if c0 == "half":
        terms[0] = coefficients[0] / 2
    return sp.expand(sp.Add(*terms))


def _at(where: str) -> str:
    return f"{where}: " if where else ""


def _table_body(spec: dict, where: str, symbols: dict, keys=TOML_KEYS) -> sp.Expr:
    """The exact expression of a function table (or of one of its pieces)."""
    given = [k for k in BODY_KEYS if k in spec and k in keys]
    if len(given) != 1:
        choices = ", ".join(k for k in BODY_KEYS if k in keys)
        raise ExpressionError(f"{_at(where)}give exactly one of {choices}" + (f" (got {', '.join(given)})" if given else ""))
    kind = given[0]
    cheb_only = [k for k in ("interval", "chebyshev_c0") if k in spec]
    if kind != "chebyshev" and cheb_only:
        raise ExpressionError(f"{_at(where)}{cheb_only[0]!r} belongs to a 'chebyshev' series only")
    if kind == "expr":
        if not isinstance(spec["expr"], str):
            raise ExpressionError(f"{_at(where)}expr must be a string")
        return parse_user_expression(spec["expr"], symbols)
    if kind == "poly":
        cs = _coefficients(spec["poly"], f"{_at(where)}poly")
        return check_limits(sp.Add(*(c * x ** k for k, c in enumerate(cs))))
    if kind == "chebyshev":
        cs = _coefficients(spec["chebyshev"], f"{_at(where)}chebyshev")
        if spec.get("chebyshev_c0") not in CHEBYSHEV_C0:
            raise ExpressionError(f"{_at(where)}a chebyshev series needs chebyshev_c0 = \"full\" (c0*T0) or "
                                  f"\"half\" (c0/2), got {spec.get('chebyshev_c0')!r}")
        iv = spec.get("interval")
        if not isinstance(iv, list) or len(iv) != 2:
            raise ExpressionError(f"{_at(where)}a chebyshev series needs interval = [a, b] (the series variable is "
                                  "t = (2x - a - b)/(b - a))")
        a, b = (_exact(v, f"{_at(where)}interval") for v in iv)
        if not (a.is_Rational and b.is_Rational and a < b):
            raise ExpressionError(f"{_at(where)}interval must have rational ends a < b, got [{a}, {b}]")
        return check_limits(chebyshev_polynomial(cs, (a, b), spec["chebyshev_c0"]))
    pieces = spec["pieces"]
    if not isinstance(pieces, list) or len(pieces) < 2 or len(pieces) > MAX_PIECES:
        raise ExpressionError(f"{_at(where)}pieces must be an array of 2..{MAX_PIECES} tables")
    pairs = []
    grammar = function_grammar(symbols)
    for i, piece in enumerate(pieces):
        at = f"{_at(where)}pieces[{i}]"
        if not isinstance(piece, dict):
            raise ExpressionError(f"{at} must be a table such as {{when = \"x < 0\", expr = \"0\"}}")
        unknown = sorted(set(piece) - set(PIECE_KEYS))
        if unknown:
            raise ExpressionError(f"{at}: unknown key {unknown[0]!r} (allowed: {', '.join(PIECE_KEYS)})")
        last = i == len(pieces) - 1
        if last == ("when" in piece):
            raise ExpressionError(f"{at}: " + ("the last piece is the value where no condition holds: no 'when'"
                                               if last else "needs a condition 'when', such as \"x < 0\""))
        body = _table_body(piece, at, symbols, PIECE_KEYS)
        if last:
            pairs.append((body, sp.true))
        else:
            if not isinstance(piece["when"], str):
                raise ExpressionError(f"{at}: when must be a string such as \"x < 0\"")
            try:
                pairs.append((body, parse_condition(piece["when"], grammar)))
            except ExpressionError as exc:
                raise ExpressionError(f"{at}: when: {exc}") from None
    return check_limits(sp.Piecewise(*pairs))


def table_function(name: str, spec: dict, *, description=None, reference=None) -> Activation:
    """An (unregistered) activation from a TOML function table with ``poly``, ``chebyshev`` or
    ``pieces`` (see the README, "User-defined functions"); ``expr`` tables go to :func:`user_function`."""
    _check_name(name)
    if REGISTRY.is_builtin(name):
        raise ExpressionError(f"user function {name!r} clashes with a built-in function name")
    if name in function_grammar().functions or name in ("x", "pi", "e", "E", "piecewise"):
        raise ExpressionError(f"user function {name!r} clashes with a function or constant of the grammar")
    symbols, parameters = _parameters(name, spec.get("params"))
    body = _table_body(spec, "", symbols)
    text = sp.sstr(body)
    formula = text if len(text) <= 2000 else f"{' and '.join(k for k in BODY_KEYS if k in spec)} table"
    return _activation(name, body, symbols, parameters, formula, description, reference)


def _plain_floats(value):
    """TOML floats back to Python floats (as tomllib gives them) outside coefficient arrays."""
    if isinstance(value, TomlFloat):
        return value.as_float()
    if isinstance(value, dict):
        return {k: _plain_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_floats(v) for v in value]
    return value


def _exact_floats(spec: dict) -> dict:
    """``spec`` with floats kept as written in coefficient arrays and interval ends only."""
    out = {}
    for key, value in spec.items():
        if key in ("poly", "chebyshev", "interval"):
            out[key] = value
        elif key == "pieces" and isinstance(value, list):
            out[key] = [_exact_floats(p) if isinstance(p, dict) else _plain_floats(p) for p in value]
        else:
            out[key] = _plain_floats(value)
    return out


def functions_from_toml(text: str, source: str = "<string>") -> list[Activation]:
    """The activations of a TOML document's ``[function.NAME]`` tables (not registered)."""
    doc = load_document(text, source, "function", "[function.NAME] tables", parse_float=TomlFloat)
    table = doc.get("function", {})
    if not isinstance(table, dict) or not table:
        raise InputError(f"{source}: no [function.NAME] tables")
    if len(table) > MAX_FUNCTIONS:
        raise InputError(f"{source}: more than {MAX_FUNCTIONS} functions")
    out = []
    for name, spec in table.items():
        if not isinstance(spec, dict):
            raise InputError(f"{source}: function.{name} must be a table")
        spec = _exact_floats(spec)
        unknown = sorted(set(spec) - set(TOML_KEYS))
        if unknown:
            raise InputError(f"{source}: function.{name}: unknown key {unknown[0]!r} (allowed: {', '.join(TOML_KEYS)})")
        if not any(k in spec for k in BODY_KEYS):
            raise InputError(f"{source}: function.{name}: missing key 'expr' (or 'poly', 'chebyshev', 'pieces')")
        params = spec.get("params", {})
        if not isinstance(params, dict):
            raise InputError(f"{source}: function.{name}: params must be a table such as {{a = \"0.5\"}}")
        try:
            if set(spec) & set(TOML_KEYS[1:6]):
                out.append(table_function(name, spec, description=spec.get("description"),
                                          reference=spec.get("reference")))
            else:
                out.append(user_function(name, spec["expr"], params, description=spec.get("description"),
                                         reference=spec.get("reference")))
        except InputError as exc:
            raise type(exc)(f"{source}: function.{name}: {exc}") from None
    return out


def load_functions(path: str | Path, *, register: bool = True) -> list[Activation]:
    """Read ``[function.NAME]`` tables from a TOML file; registered unless ``register=False``."""
    acts = functions_from_toml(read_text(path, "functions file"), str(path))
    if register:
        for act in acts:
            REGISTRY.add_user(act)
    return acts
