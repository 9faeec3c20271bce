"""LaTeX for notebooks (``Analysis._repr_latex_``); the full reports come with the report issue."""

from __future__ import annotations

from ..engine import Analysis
from .numbers import decimal_ball
from .tex import latex


def _num(n, digits: int) -> str:
    if n.infinite:
        return r"+\infty" if n.infinite > 0 else r"-\infty"
    if n.exact is not None:
        return latex(n.exact)
    mid, rad = decimal_ball(n, min(digits, 20))
    return rf"{mid} \pm {rad}"


def analysis_latex(a: Analysis) -> str:
    rows = [rf"\text{{{a.instance.name}}}(x) = {latex(a.instance.expr)}"]
    f = a.facts
    if "range" in f:
        r = f["range"].value
        rows.append(rf"\inf f = {_num(r['inf'].value, a.digits)},\quad \sup f = {_num(r['sup'].value, a.digits)}")
    if "stationary_points" in f:
        for s in f["stationary_points"].value:
            if "x" in s:
                rows.append(rf"\text{{{s['kind']}}}:\ x = {_num(s['x'], a.digits)}")
    return "$\\displaystyle \\begin{aligned}" + r"\\ ".join("&" + r for r in rows) + r"\end{aligned}$"
