"""Claims files: load and validate ``[[claim]]`` tables; the Claim and Verdict records.

A claims file (TOML) is a list of statements, each with an ``id``, a ``source``, the
``text`` as stated, and a machine-checkable form selected by ``kind`` (see the README,
"Claims files", for every kind and key)::

    [[claim]]
    id = "popular-monotonic"
    source = "popular articles"
    text = "GELU is monotonic."
    kind = "property"
    function = "gelu"
    property = "monotonic"

Everything is validated here, before any checking: unknown keys or kinds, malformed
numbers and expressions (whitelist parser, never ``eval``), unknown functions and
parameters are :class:`InputError` with the claim id in the one-line message.  This module
holds plain data; :mod:`.check` decides the claims and :mod:`gelu_math.render.claims`
formats the verdicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import sympy as sp

from ..definitions.parse import check_limits, function_grammar, parse
from ..definitions.registry import get
from ..definitions.domain import compare
from ..definitions.tomlfile import TomlFloat, load_document, read_text
from ..definitions.user import parse_user_expression
from ..errors import GeluMathError, InputError
from ..facts import Step
from ..options import ENVELOPE_MAX_DERIVATIVE as MAX_DERIVATIVE, METRICS, TARGETS


COMMON = ("id", "source", "text", "kind")
PROPERTIES = ("monotonic", "increasing", "decreasing", "convex", "concave", "bounded_below", "bounded_above",
              "bounded", "continuous", "differentiable", "smooth", "analytic", "odd", "even")
FACTS = ("value_at_0", "derivative_at_0", "minimum", "argmin", "maximum", "argmax", "infimum", "supremum",
         "lipschitz", "limit_at_minus_inf", "limit_at_plus_inf", "stationary_points", "inflection_points")
LIST_FACTS = ("stationary_points", "inflection_points")
COMPARISONS = ("equals", "within", "approx")
# kind -> (required keys, optional keys) besides COMMON
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "property": (("function", "property"), ("params", "holds", "on", "bound")),
    "value": (("function", "fact"), ("params",) + COMPARISONS),
    "zero_set": (("function", "on"), ("params", "derivative", "zeros")),
    "coefficient": (("function", "parameter", "equals"), ()),
    "constant": (("expr",), COMPARISONS),
    "identity": (("lhs", "rhs"), ()),
    "envelope": (("approximation",), ("reference", "target", "metric", "derivative", "domain", "params",
                                      "ref_params", "below", "equals", "within", "approx")),
    "relax": (("function", "on"), ("params", "lower", "upper", "gap")),
}
MAX_CLAIMS = 500
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
VERDICTS = ("true", "false", "undecided")


@dataclass(frozen=True)
class Comparison:
    """A claimed value: ``equals`` (exact), ``within`` [lo, hi], or ``approx`` (rounds to the digits shown)."""

    how: str  # "equals", "within", "approx"
    written: Any  # as written in the file (for the report)
    lo: sp.Expr  # the exact value for "equals"; the interval ends otherwise (±oo allowed)
    hi: sp.Expr


@dataclass(frozen=True)
class Claim:
    id: str
    source: str
    text: str
    kind: str
    spec: dict  # the validated, parsed kind-specific keys


@dataclass(frozen=True)
class Verdict:
    """``verdict`` is "true", "false" or "undecided"; ``evidence`` is prose with {i} placeholders
    for Numbers / SymPy objects (formatted by the renderer); ``method`` "exact" or "certified"."""

    claim: Claim
    verdict: str
    evidence: Step
    method: str = "certified"
    details: tuple = field(default=())


# --- values -------------------------------------------------------------------------------------

def number(value, where: str, *, infinite: bool = False) -> sp.Expr:
    """An exact real constant from a string (whitelist grammar: sqrt, exp, LambertW, Phi, …) or int."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"{where}: expected a number or a string, got {value!r}")
    if isinstance(value, float):  # a Python float from the API: its shortest repr (TOML floats arrive as text)
        value = repr(value)
    try:
        if isinstance(value, int):
            return check_limits(sp.Integer(value))
    except GeluMathError as exc:
        raise InputError(f"{where}: {exc}") from None
    text = value.strip()
    if infinite and text in ("inf", "+inf", "-inf", "oo", "-oo"):
        return -sp.oo if text.startswith("-") else sp.oo
    v = parse(text, function_grammar())
    if v.free_symbols or not (v.is_real is not False and v.is_finite is not False):
        raise InputError(f"{where}: {text!r} is not a real constant")
    return v


def approx_interval(value, where: str) -> tuple[sp.Expr, sp.Expr]:
    """'−0.17' means "rounds to −0.17": the interval [−0.175, −0.165] (half a unit of the last digit)."""
    text = value if isinstance(value, str) else repr(value) if isinstance(value, float) else None
    if text is None or isinstance(value, bool):
        raise InputError(f"{where}: approx expects a decimal string such as \"-0.17\", got {value!r}")
    if len(text) > 60 or not _DECIMAL.fullmatch(text.strip()):  # ASCII digits only (Decimal takes '٣', '1_0')
        raise InputError(f"{where}: approx expects a decimal such as \"-0.17\" in ASCII digits, got {text[:60]!r}")
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        raise InputError(f"{where}: approx expects a decimal such as \"-0.17\", got {text!r}") from None
    if not d.is_finite() or len(text) > 60:
        raise InputError(f"{where}: approx value {text!r} is not a finite decimal")
    exp = d.as_tuple().exponent
    if abs(exp) > 300:
        raise InputError(f"{where}: approx value {text!r} is out of range")
    mid = sp.Rational(str(d))
    half = sp.Rational(5) * sp.Integer(10) ** (exp - 1)
    return mid - half, mid + half


def comparison(spec: dict, where: str, allow_list: bool = False) -> Comparison | list[Comparison]:
    given = [k for k in COMPARISONS if k in spec]
    if len(given) != 1:
        raise InputError(f"{where}: give exactly one of {', '.join(COMPARISONS)}")
    how = given[0]
    raw = spec[how]
    if allow_list and isinstance(raw, list) and (how != "within" or (raw and isinstance(raw[0], list)) or not raw):
        return [_one(how, item, f"{where}[{i}]") for i, item in enumerate(raw)]
    return _one(how, raw, where)


def _one(how: str, raw, where: str) -> Comparison:
    if how == "equals":
        v = number(raw, where)
        return Comparison(how, raw, v, v)
    if how == "approx":
        lo, hi = approx_interval(raw, where)
        return Comparison(how, raw, lo, hi)
    lo, hi = interval(raw, where)
    return Comparison(how, raw, lo, hi)


def interval(raw, where: str) -> tuple[sp.Expr, sp.Expr]:
    if not (isinstance(raw, list) and len(raw) == 2):
        raise InputError(f"{where}: expected an interval [lo, hi], got {raw!r}")
    lo, hi = (number(v, where, infinite=True) for v in raw)
    if lo.is_infinite or hi.is_infinite:
        below = bool(lo < hi)
    else:
        s = compare(lo, hi)  # proved in balls / exactly, never by floats
        if s is None:
            raise InputError(f"{where}: cannot decide whether {raw[0]} < {raw[1]}")
        below = s < 0
    if not below:
        raise InputError(f"{where}: interval [{raw[0]}, {raw[1]}] is empty")
    return lo, hi


def _params(spec: dict, key: str, where: str) -> dict:
    p = spec.get(key, {})
    if not isinstance(p, dict):
        raise InputError(f"{where}: {key} must be a table such as {{sigma = \"1/2\"}}")
    return p


def _instance(function, params: dict, where: str):
    if not isinstance(function, str):
        raise InputError(f"{where}: function must be a name, got {function!r}")
    try:
        return get(function, params)
    except InputError as exc:
        raise type(exc)(f"{where}: {exc}") from None


# --- one claim ----------------------------------------------------------------------------------

def _validate(raw: dict, index: int, seen: set) -> Claim:
    if not isinstance(raw, dict):
        raise InputError(f"claim #{index + 1}: must be a table")
    cid = raw.get("id")
    if not isinstance(cid, str) or isinstance(cid, TomlFloat) or not cid.strip() or len(cid) > 100:
        raise InputError(f"claim #{index + 1}: missing or malformed id")
    if cid in seen:
        raise InputError(f"claim {cid}: duplicate id")
    seen.add(cid)
    where = f"claim {cid}"
    for key in ("source", "text"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise InputError(f"{where}: missing or empty {key!r}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise InputError(f"{where}: unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
    required, optional = KINDS[kind]
    for key in required:
        if key not in raw:
            raise InputError(f"{where}: kind {kind!r} needs key {key!r}")
    unknown = sorted(set(raw) - set(COMMON) - set(required) - set(optional))
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r} for kind {kind!r} "
                         f"(allowed: {', '.join(required + optional)})")
    try:
        spec = _SPECS[kind](raw, where)
    except GeluMathError as exc:
        msg = str(exc)
        raise InputError(msg if msg.startswith(where) else f"{where}: {msg}") from None
    return Claim(cid, raw["source"].strip(), " ".join(raw["text"].split()), kind, spec)


def _property(raw, where):
    prop = raw["property"]
    if prop not in PROPERTIES:
        raise InputError(f"{where}: unknown property {prop!r} (properties: {', '.join(PROPERTIES)})")
    holds = raw.get("holds", True)
    if not isinstance(holds, bool):
        raise InputError(f"{where}: holds must be true or false")
    spec = {"instance": _instance(raw["function"], _params(raw, "params", where), where), "property": prop,
            "holds": holds, "on": None, "bound": None}
    if "on" in raw:
        if prop not in ("monotonic", "increasing", "decreasing", "convex", "concave"):
            raise InputError(f"{where}: 'on' applies to monotonic/increasing/decreasing/convex/concave only")
        spec["on"] = interval(raw["on"], where)
    if "bound" in raw:
        if prop not in ("bounded_below", "bounded_above"):
            raise InputError(f"{where}: 'bound' applies to bounded_below/bounded_above only")
        spec["bound"] = number(raw["bound"], where)
    return spec


PROPERTY_PATH = re.compile(r"[a-z][a-z0-9_]{0,63}(\.[a-z0-9_]{1,64}){0,4}")  # "key" or "key.field.field"


def _value(raw, where):
    fact = raw["fact"]
    if not isinstance(fact, str) or (fact not in FACTS and PROPERTY_PATH.fullmatch(fact) is None):
        raise InputError(f"{where}: unknown fact {fact!r} (facts: {', '.join(FACTS)}, or a registered property "
                         "whose value is a number, with its field path: 'slope_at_0.value')")
    cmp = comparison(raw, where, allow_list=fact in LIST_FACTS)
    if fact in LIST_FACTS and not isinstance(cmp, list):
        raise InputError(f"{where}: fact {fact!r} is a list: give a list of values")
    return {"instance": _instance(raw["function"], _params(raw, "params", where), where), "fact": fact,
            "compare": cmp}


def _zero_set(raw, where):
    k = raw.get("derivative", 1)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 3:
        raise InputError(f"{where}: derivative must be 1, 2 or 3")
    zeros = raw.get("zeros", [])
    if not isinstance(zeros, list):
        raise InputError(f"{where}: zeros must be a list of approximate values such as [\"-0.75\"]")
    return {"instance": _instance(raw["function"], _params(raw, "params", where), where), "derivative": k,
            "on": interval(raw["on"], where), "zeros": [approx_interval(z, where) + (z,) for z in zeros]}


def _coefficient(raw, where):
    inst = _instance(raw["function"], {}, where)
    names = [p.name for p in inst.activation.parameters]
    if raw["parameter"] not in names:
        raise InputError(f"{where}: {inst.name} has no parameter {raw['parameter']!r} (parameters: "
                         f"{', '.join(names) or 'none'})")
    return {"instance": inst, "parameter": raw["parameter"], "equals": number(raw["equals"], where),
            "written": raw["equals"]}


def _constant(raw, where):
    if not isinstance(raw["expr"], str):
        raise InputError(f"{where}: expr must be a string")
    return {"expr": number(raw["expr"], where), "compare": comparison(raw, where)}


def _expression(raw, key, where):
    if not isinstance(raw[key], str):
        raise InputError(f"{where}: {key} must be a string")
    return parse_user_expression(raw[key])


def _identity(raw, where):
    return {"lhs": _expression(raw, "lhs", where), "rhs": _expression(raw, "rhs", where)}


def _envelope(raw, where):
    bounds = [k for k in ("below",) + COMPARISONS if k in raw]
    if len(bounds) != 1:
        raise InputError(f"{where}: give exactly one of below, equals, within, approx")
    metric = raw.get("metric", "abs")
    if metric not in METRICS:
        raise InputError(f"{where}: metric must be one of {', '.join(METRICS)}")
    k = raw.get("derivative", 0)
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= MAX_DERIVATIVE:
        raise InputError(f"{where}: derivative must be an integer 0..{MAX_DERIVATIVE}")
    target = raw.get("target", "gelu")
    if target not in TARGETS:
        raise InputError(f"{where}: target must be " + " or ".join(map(repr, TARGETS)))
    spec = {"approximation": _instance(raw["approximation"], _params(raw, "params", where), where),
            "target": target,
            "reference": _instance(raw.get("reference", "gelu"), _params(raw, "ref_params", where), where),
            "metric": metric, "derivative": k,
            "domain": interval(raw["domain"], where) if "domain" in raw else None}
    if "below" in raw:
        spec["below"] = number(raw["below"], where)
        spec["written"] = raw["below"]
    else:
        spec["compare"] = comparison({b: raw[b] for b in bounds}, where)
    return spec


RELAX_MAX_END = sp.Integer(10) ** 5  # as gelu_math.relax.linear.MAX_ABS_END (the range certified in bounded time)


def _rational(value, where: str, what: str) -> sp.Rational:
    v = number(value, f"{where}: {what}")
    if not v.is_Rational:
        raise InputError(f"{where}: {what} {value!r} must be an exact decimal or fraction (a rational number)")
    return v


def _relax(raw, where):
    """A claimed linear relaxation: ``lower``/``upper`` = [slope, intercept] lines on the finite ``on``."""
    on = raw["on"]
    if not (isinstance(on, list) and len(on) == 2) or any(isinstance(v, str) and "inf" in v.lower() for v in on):
        raise InputError(f"{where}: on must be a finite interval [L, U], got {on!r}")
    lo, hi = (_rational(v, where, "interval end") for v in on)
    if lo > hi:  # a point [a, a] is an interval (as for `gelu-math relax --on a,a`)
        raise InputError(f"{where}: interval [{on[0]}, {on[1]}] is empty (L > U)")
    if max(abs(lo), abs(hi)) > RELAX_MAX_END:
        raise InputError(f"{where}: interval ends must lie within ±10^5 for relax claims")
    lines = {}
    for side in ("lower", "upper"):
        if side in raw:
            ln = raw[side]
            if not (isinstance(ln, list) and len(ln) == 2):
                raise InputError(f"{where}: {side} must be [slope, intercept], such as [\"0.7\", \"-0.03\"]")
            lines[side] = (_rational(ln[0], where, f"{side} slope"), _rational(ln[1], where, f"{side} intercept"),
                           tuple(ln))
    if not lines:
        raise InputError(f"{where}: kind 'relax' needs a lower or an upper line (or both)")
    gap = None
    if "gap" in raw:
        gap = number(raw["gap"], f"{where}: gap")
        if not gap.is_nonnegative:
            raise InputError(f"{where}: gap must be a number ≥ 0, got {raw['gap']!r}")
    return {"instance": _instance(raw["function"], _params(raw, "params", where), where), "on": (lo, hi),
            "lines": lines, "gap": gap}


_SPECS = {"property": _property, "value": _value, "zero_set": _zero_set, "coefficient": _coefficient,
          "constant": _constant, "identity": _identity, "envelope": _envelope,
          "relax": _relax}


def _written_float(text: str) -> TomlFloat:
    return TomlFloat(text.replace("_", ""))


def claims_from_toml(text: str, source: str = "<string>") -> list[Claim]:
    """Validated claims of a TOML document (``[[claim]]`` tables)."""
    # floats kept as written (TomlFloat, TOML's digit separators dropped): 1.414213562373095048 is that decimal,
    # not the nearest double, and approx = 1.1290 keeps the 0 that sets its width (an independent review found
    # verdicts flipping); every number of a claim is then read from its text, as a quoted one is
    doc = load_document(text, source, "claim", "[[claim]] tables", parse_float=_written_float)
    raw = doc.get("claim")
    if not isinstance(raw, list) or not raw:
        raise InputError(f"{source}: no [[claim]] tables")
    if len(raw) > MAX_CLAIMS:
        raise InputError(f"{source}: more than {MAX_CLAIMS} claims")
    seen: set = set()
    try:
        return [_validate(c, i, seen) for i, c in enumerate(raw)]
    except InputError as exc:
        raise InputError(f"{source}: {exc}") from None


def load_claims(path: str | Path) -> list[Claim]:
    return claims_from_toml(read_text(path, "claims file"), str(path))
