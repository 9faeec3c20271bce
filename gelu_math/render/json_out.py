"""The analysis as one JSON object (schema in the README)."""

from __future__ import annotations

import json

import sympy as sp

from ..engine import Analysis
from ..facts import Number
from .numbers import number_json


def _expr(e: sp.Expr) -> dict:
    return {"sympy": sp.sstr(e), "latex": sp.latex(e)}


def _fact(a: Analysis, key: str):
    return a.facts.get(key)


def analysis_json(a: Analysis) -> dict:
    d = a.digits
    num = lambda n: number_json(n, d)  # noqa: E731
    f = a.facts
    out: dict = {
        "name": a.instance.name,
        "parameters": {k: {"exact": sp.sstr(v), **_decimal(v, d)} for k, v in a.instance.params},
        "digits": d,
        "definition": _expr(a.instance.expr),
        "value_at_0": num(f["value_at_0"].value) if "value_at_0" in f else None,
    }
    if "derivatives" in f:
        out["derivatives"] = [{"order": k, **_expr(e)} for k, e in f["derivatives"].value]
    if "limits" in f:
        lim = f["limits"].value
        out["limits"] = {"-inf": num(lim[-1]), "+inf": num(lim[1])}
    if "asymptotes" in f:
        out["asymptotes"] = {("-inf" if s < 0 else "+inf"): _asymptote(v) for s, v in f["asymptotes"].value.items()}
    if "range" in f:
        r = f["range"].value
        out["range"] = {"inf": num(r["inf"].value), "sup": num(r["sup"].value),
                        "inf_attained": r["inf"].attained, "sup_attained": r["sup"].attained}
    if "stationary_points" in f:
        out["stationary_points"] = [
            {"interval": [num(s["interval"][0]), num(s["interval"][1])], "kind": s["kind"], "value": num(s["value"])}
            if "interval" in s else {"x": num(s["x"]), "value": num(s["value"]), "kind": s["kind"]}
            for s in f["stationary_points"].value]
    if "inflection_points" in f:
        out["inflection_points"] = [{"x": num(p["x"]), "value": num(p["value"])} for p in f["inflection_points"].value]
    if "monotonicity" in f:
        out["monotonicity"] = [{"from": num(i.lo), "to": num(i.hi), "direction": i.label} for i in f["monotonicity"].value]
    if "convexity" in f:
        out["convexity"] = [{"from": num(i.lo), "to": num(i.hi), "shape": i.label} for i in f["convexity"].value]
    if "smoothness" in f:
        s = f["smoothness"].value
        cls = "Cinf" if s.k is None else ("discontinuous" if s.k < 0 else f"C{s.k}")
        out["smoothness"] = {
            "class": cls, "class_is_lower_bound": s.lower_bound_only, "analytic": s.analytic, "entire": s.entire,
            "breakpoints": [{"x": num(_n(bp.x, d)), "order": bp.order,
                             "left": None if bp.left is None else num(_n(bp.left, d)),
                             "right": None if bp.right is None else num(_n(bp.right, d))} for bp in s.breakpoints]}
    if "lipschitz" in f:
        out["lipschitz"] = {k: num(v["value"]) for k, v in f["lipschitz"].value.items()}
        out["lipschitz_attained"] = {k: v["attained"] for k, v in f["lipschitz"].value.items()}
    if "taylor" in f:
        t = f["taylor"].value
        out["taylor"] = {"order": t.order, "sympy": None if t.polynomial is None else sp.sstr(t.polynomial),
                         "general_term": None if t.general_term is None else sp.sstr(t.general_term),
                         "general_term_extra": sp.sstr(t.extra) if t.general_term is not None else None,
                         "left": None if t.left is None else sp.sstr(t.left),
                         "right": None if t.right is None else sp.sstr(t.right)}
    if "parity" in f:
        p = f["parity"].value
        out["parity"] = {"kind": p.kind, "even_part": sp.sstr(p.even), "odd_part": sp.sstr(p.odd)}
    out["methods"] = {k: fact.method.value for k, fact in f.items()}
    out["failures"] = dict(a.failures)
    return out


def _n(e: sp.Expr, digits: int) -> Number:
    from ..certified.numbers import exact_number

    return exact_number(e, digits)


def _decimal(v: sp.Expr, digits: int) -> dict:
    if v.free_symbols:
        return {"mid": None, "rad": None}
    n = _n(v, digits)
    j = number_json(n, digits)
    return {"mid": j["mid"], "rad": j["rad"]}


def _asymptote(a) -> dict | None:
    if a.slope is None:
        return None
    return {"kind": a.kind, "slope": sp.sstr(a.slope), "intercept": sp.sstr(a.intercept),
            "sympy": sp.sstr(a.slope * sp.Symbol("x") + a.intercept)}


def dumps(a: Analysis) -> str:
    return json.dumps(analysis_json(a), indent=2, ensure_ascii=False)
