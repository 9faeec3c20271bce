"""The analysis as a readable plain-text summary (the CLI's default output)."""

from __future__ import annotations

import sympy as sp

from ..engine import Analysis
from ..facts import Number
from .numbers import Grouped, fill, number_text


def step_text(step, digits: int = 20) -> str:
    """A Step as plain text: SymPy objects in sstr form, Numbers as exact form and/or ball, each
    parenthesised by precedence where the prose puts it next to an operator (``{0} − {1}``)."""
    return fill(step.text, step.math, lambda m: number_text(m, digits) if isinstance(m, Number) else sp.sstr(m))


def _steps(fact, digits: int = 20) -> list[str]:
    return ["      · " + step_text(st, digits) for st in fact.steps]


def analysis_text(a: Analysis, *, show_steps: bool = False) -> str:
    d = a.digits
    n = lambda v: number_text(v, d)  # noqa: E731
    f = a.facts
    inst = a.instance
    params = ", ".join(f"{k}={sp.sstr(v)}" for k, v in inst.params) or "none"
    lines = [f"{inst.name}: {inst.activation.title}", f"  parameters: {params}",
             f"  definition: f(x) = {sp.sstr(inst.expr)}", f"  numbers: exact form where known, else a certified "
             f"ball [mid ± rad] (≥ {d} digits)"]

    def section(key, body: list[str]):
        if key in f:
            lines.append(f"  {key.replace('_', ' ')} [{f[key].method.value}]:")
            lines.extend("    " + b for b in body)
            if show_steps:
                lines.extend(_steps(f[key]))
        elif key in a.failures:
            lines.append(f"  {key.replace('_', ' ')}: not certified — {a.failures[key]}")

    if "value_at_0" in f:
        section("value_at_0", [n(f["value_at_0"].value)])
    if "derivatives" in f:
        section("derivatives", [f"f^({k}) = {sp.sstr(e)}" for k, e in f["derivatives"].value])
    if "limits" in f:
        lim = f["limits"].value
        section("limits", [f"x -> -inf: {n(lim[-1])}", f"x -> +inf: {n(lim[1])}"])
    if "asymptotes" in f:
        body = []
        for side, asy in f["asymptotes"].value.items():
            where = "-inf" if side < 0 else "+inf"
            body.append(f"{where}: " + ("none" if asy.slope is None else
                                         f"y = {sp.sstr(asy.slope * sp.Symbol('x') + asy.intercept)} ({asy.kind})"))
        section("asymptotes", body)
    if "range" in f:
        r = f["range"].value
        section("range", [f"inf = {n(r['inf'].value)} ({'attained' if r['inf'].attained else 'not attained'})",
                          f"sup = {n(r['sup'].value)} ({'attained' if r['sup'].attained else 'not attained'})"])
    if "stationary_points" in f:
        body = []
        for s in f["stationary_points"].value:
            if "interval" in s:
                lo, hi = s["interval"]
                body.append(f"f′ = 0 on ({n(lo)}, {n(hi)}): constant {n(s['value'])}")
            else:
                body.append(f"{s['kind']} at x = {n(s['x'])}, f = {n(s['value'])}")
        section("stationary_points", body or ["none (f′ has no zero on ℝ)"])
    if "inflection_points" in f:
        section("inflection_points", [f"x = {n(p['x'])}, f = {n(p['value'])}" for p in f["inflection_points"].value]
                or ["none"])
    for key in ("monotonicity", "convexity"):
        if key in f:
            section(key, [f"[{n(i.lo)}, {n(i.hi)}]: {i.label}" for i in f[key].value])
        elif key in a.failures:
            section(key, [])
    if "smoothness" in f:
        s = f["smoothness"].value
        cls = "C^∞" if s.k is None else ("discontinuous" if s.k < 0 else f"C^{s.k}" + ("+" if s.lower_bound_only else ""))
        body = [f"class {cls}; real-analytic on ℝ: {'yes' if s.analytic else 'no'}"
                + ("; entire" if s.entire else "")]
        for bp in s.breakpoints:
            if bp.order is not None:
                body.append(f"x = {sp.sstr(bp.x)}: derivative of order {bp.order} jumps from {sp.sstr(bp.left)} "
                            f"to {sp.sstr(bp.right)}")
        section("smoothness", body)
    if "lipschitz" in f:
        body = []
        for key, label in (("f", "Lipschitz constant of f  (sup|f′|)"), ("fprime", "Lipschitz constant of f′ (sup|f″|)")):
            v = f["lipschitz"].value[key]
            extra = f" — {v['reason']}" if "reason" in v else ("" if v["attained"] else " (not attained)")
            body.append(f"{label}: {n(v['value'])}{extra}")
        section("lipschitz", body)
    if "taylor" in f:
        t = f["taylor"].value
        if t.polynomial is None:
            body = ["0 is a breakpoint: no Taylor series; one-sided expansions",
                    f"left:  {sp.sstr(t.left)}", f"right: {sp.sstr(t.right)}"]
        else:
            body = [f"{sp.sstr(t.polynomial)} + O(x^{t.order + 1})"]
            if t.general_term is not None:
                g = t.general_term  # the summand: a sum is parenthesised (Sum_(n>=0) (a + b))
                body.append(f"= {sp.sstr(t.extra)} + Sum_(n>=0) {sp.sstr(Grouped(g) if isinstance(g, sp.Add) else g)}")
        section("taylor", body)
    if "parity" in f:
        p = f["parity"].value
        section("parity", [f"{p.kind}; even part {sp.sstr(p.even)}; odd part {sp.sstr(p.odd)}",
                           f"f(x) - f(-x) = {sp.sstr(p.difference)}"])
    for key, why in a.failures.items():
        if key not in ("monotonicity", "convexity") and key not in f:
            if not any(line.startswith(f"  {key.replace('_', ' ')}:") for line in lines):
                lines.append(f"  {key.replace('_', ' ')}: not certified — {why}")
    return "\n".join(lines) + "\n"
