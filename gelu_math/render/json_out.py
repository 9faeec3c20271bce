"""The analysis as one JSON object (schema in the README): :class:`JsonPrinter`, one method per value type."""

from __future__ import annotations

import json

import sympy as sp

from ..engine import Analysis
from ..facts import Number
from ..properties import registered
from .numbers import number_json
from .printer import Printer
from .tex import latex


def _expr(e: sp.Expr) -> dict:
    return {"sympy": sp.sstr(e), "latex": latex(e)}


class JsonPrinter(Printer):
    """Values as JSON data: numbers as the schema's {exact, mid, rad} objects."""

    def _print_Number(self, n: Number):
        return number_json(n, self.digits)

    def _print_bool(self, v):
        return v

    def _print_int(self, v):
        return v

    def _print_str(self, v):
        return v

    def _print_NoneType(self, v):
        return None

    def _print_Basic(self, e):  # SymPy objects
        if isinstance(e, sp.Interval):
            return [sp.sstr(e.start), sp.sstr(e.end)]
        return sp.sstr(e)

    def _print_list(self, items):
        return [self.doprint(v) for v in items]

    _print_tuple = _print_list

    def _print_dict(self, d):
        return {str(k): self.doprint(v) for k, v in d.items()}

    def _print_Sides(self, v):
        return {"-inf": self.doprint(v[-1]), "+inf": self.doprint(v[1])}

    def _print_Asymptote(self, a):
        if a.slope is None:
            return None
        return {"kind": a.kind, "slope": sp.sstr(a.slope), "intercept": sp.sstr(a.intercept),
                "sympy": sp.sstr(a.slope * sp.Symbol("x") + a.intercept)}

    def _print_Derivatives(self, ds):
        return [{"order": k, **_expr(e)} for k, e in ds]

    def _print_Extremes(self, r):
        return {"inf": self.doprint(r["inf"].value), "sup": self.doprint(r["sup"].value),
                "inf_attained": r["inf"].attained, "sup_attained": r["sup"].attained}

    def _print_Table(self, t):
        return [{key: self.doprint(row[key]) for key, _ in t.columns} for row in t]

    def _print_Segments(self, ivs):
        return [{"from": self.doprint(i.lo), "to": self.doprint(i.hi), ivs.label: i.label} for i in ivs]

    def _fact_Segments(self, prop, fact):  # shapes also list their kinks: the intervals alone hide SELU's
        v = fact.value
        out = {prop.key: self.doprint(v)}
        if v.label == "shape":
            out[prop.key + "_kinks"] = [{"x": self.doprint(_n(k, self.digits)), "shape": shape}
                                        for k, shape in v.kinks]
        return out

    def _print_Smoothness(self, s):
        d = self.digits
        cls = "Cinf" if s.k is None else ("discontinuous" if s.k < 0 else f"C{s.k}")
        return {"class": cls, "class_is_lower_bound": s.lower_bound_only, "analytic": s.analytic, "entire": s.entire,
                "breakpoints": [{"x": self.doprint(_n(bp.x, d)), "order": bp.order,
                                 "left": None if bp.left is None else self.doprint(_n(bp.left, d)),
                                 "right": None if bp.right is None else self.doprint(_n(bp.right, d)),
                                 "continuous": bp.continuous,
                                 "value": None if bp.value is None else self.doprint(_n(bp.value, d))}
                                for bp in s.breakpoints]}

    def _fact_Constants(self, prop, fact):  # {key: {name: number}, key_attained: {name: bool}}
        v = fact.value
        return {prop.key: {k: self.doprint(c["value"]) for k, c in v.items()},
                prop.key + "_attained": {k: c["attained"] for k, c in v.items()}}

    def _print_Taylor(self, t):
        return {"order": t.order, "sympy": None if t.polynomial is None else sp.sstr(t.polynomial),
                "general_term": None if t.general_term is None else sp.sstr(t.general_term),
                "general_term_extra": sp.sstr(t.extra) if t.general_term is not None else None,
                "left": None if t.left is None else sp.sstr(t.left),
                "right": None if t.right is None else sp.sstr(t.right)}

    def _print_Parity(self, p):
        return {"kind": p.kind, "even_part": sp.sstr(p.even), "odd_part": sp.sstr(p.odd)}

    def entries(self, prop, fact) -> dict:
        """The top-level JSON entries of one property (normally one: its key)."""
        m = self._method("_fact_", fact.value)
        return m(prop, fact) if m is not None else {prop.key: self.doprint(fact.value)}


def analysis_json(a: Analysis) -> dict:
    d = a.digits
    p = JsonPrinter(d)
    f = a.facts
    out: dict = {
        "name": a.instance.name,
        "parameters": {k: {"exact": sp.sstr(v), **_decimal(v, d)} for k, v in a.instance.params},
        "digits": d,
        "definition": _expr(a.instance.expr),
        "value_at_0": None,  # always present (null when not certified)
    }
    for prop in registered():
        if prop.key in f:
            out.update(p.entries(prop, f[prop.key]))
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


def dumps(a: Analysis) -> str:
    return json.dumps(analysis_json(a), indent=2, ensure_ascii=False)
