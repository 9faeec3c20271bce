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
from .parse import _short, check_limits, function_grammar, parse
from .registry import REGISTRY, Activation, Parameter
from .symbols import x
from .tomlfile import MAX_FILE_BYTES, load_document, read_text  # noqa: F401  (read_text: re-exported)


NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}\Z")
TOML_KEYS = ("expr", "params", "description", "reference")
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
    if name in function_grammar().functions or name in ("x", "pi", "e", "E"):
        raise ExpressionError(f"user function {name!r} clashes with a function or constant of the grammar")
    if not isinstance(expr, str):
        raise ExpressionError(f"expr of {name!r} must be a string, got {type(expr).__name__}")
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
    body = parse_user_expression(expr, symbols)
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
    return Activation(name, build, description or f"user function {name}", expr.strip(), tuple(parameters),
                      references=refs, family="user")


def define(name: str, expr: str, params: Mapping[str, object] | None = None, **kw) -> Activation:
    """:func:`user_function`, registered so that ``analyze(name)`` (and every command) finds it."""
    return REGISTRY.add_user(user_function(name, expr, params, **kw))


def functions_from_toml(text: str, source: str = "<string>") -> list[Activation]:
    """The activations of a TOML document's ``[function.NAME]`` tables (not registered)."""
    doc = load_document(text, source, "function", "[function.NAME] tables")
    table = doc.get("function", {})
    if not isinstance(table, dict) or not table:
        raise InputError(f"{source}: no [function.NAME] tables")
    if len(table) > MAX_FUNCTIONS:
        raise InputError(f"{source}: more than {MAX_FUNCTIONS} functions")
    out = []
    for name, spec in table.items():
        if not isinstance(spec, dict):
            raise InputError(f"{source}: function.{name} must be a table")
        unknown = sorted(set(spec) - set(TOML_KEYS))
        if unknown:
            raise InputError(f"{source}: function.{name}: unknown key {unknown[0]!r} (allowed: {', '.join(TOML_KEYS)})")
        if "expr" not in spec:
            raise InputError(f"{source}: function.{name}: missing key 'expr'")
        params = spec.get("params", {})
        if not isinstance(params, dict):
            raise InputError(f"{source}: function.{name}: params must be a table such as {{a = \"0.5\"}}")
        try:
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
