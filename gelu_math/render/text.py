"""The analysis as a readable plain-text summary (the CLI's default output)."""

from __future__ import annotations

import sympy as sp

from ..definitions.symbols import x
from ..engine import Analysis
from ..facts import Number
from ..properties import registered
from .numbers import Grouped, fill, number_text
from .printer import Printer


def step_text(step, digits: int = 20) -> str:
    """A Step as plain text: SymPy objects in sstr form, Numbers as exact form and/or ball, each
    parenthesised by precedence where the prose puts it next to an operator (``{0} − {1}``)."""
    return fill(step.text, step.math, lambda m: number_text(m, digits) if isinstance(m, Number) else sp.sstr(m))


def _steps(fact, digits: int = 20) -> list[str]:
    return ["      · " + step_text(st, digits) for st in fact.steps]


class TextPrinter(Printer):
    """Values as plain text: numbers as exact form and/or ball, SymPy objects in sstr form.
    ``_text_<Type>(prop, fact)`` gives a property's body lines; values print with ``_print_<Type>``."""

    def _print_Number(self, n: Number) -> str:
        return number_text(n, self.digits)

    def _print_bool(self, v) -> str:
        return "yes" if v else "no"

    def _print_object(self, v) -> str:
        return str(v)

    def _print_Basic(self, e) -> str:
        if isinstance(e, sp.Interval):
            return f"[{sp.sstr(e.start)}, {sp.sstr(e.end)}]"
        return sp.sstr(e)

    def _print_list(self, items) -> str:
        return ", ".join(f"[{self.doprint(v)}]" if isinstance(v, (list, tuple)) else self.doprint(v)
                         for v in items) or "none"

    _print_tuple = _print_list

    def _print_dict(self, d) -> str:
        return "; ".join(f"{str(k).replace('_', ' ')} {self.doprint(v)}" for k, v in d.items())

    def body(self, prop, fact) -> list[str]:
        m = self._method("_text_", fact.value)
        return m(prop, fact) if m is not None else [self.doprint(fact.value)]

    def _text_Record(self, prop, fact) -> list[str]:
        return [f"{k.replace('_', ' ')}: {self.doprint(v)}" for k, v in fact.value.items()]

    def _text_Derivatives(self, prop, fact):
        return [f"f^({k}) = {sp.sstr(e)}" for k, e in fact.value]

    def _text_Sides(self, prop, fact):
        out = []
        for side in (-1, 1):
            v, where = fact.value[side], ("-inf" if side < 0 else "+inf")
            if isinstance(v, Number):
                out.append(f"x -> {where}: {self.doprint(v)}")
            elif v.slope is None:  # an Asymptote
                out.append(f"{where}: none")
            else:
                out.append(f"{where}: y = {sp.sstr(v.slope * sp.Symbol('x') + v.intercept)} ({v.kind})")
        return out

    def _text_Extremes(self, prop, fact):
        r = fact.value
        return [f"{k} = {self.doprint(r[k].value)} ({'attained' if r[k].attained else 'not attained'})"
                for k in ("inf", "sup")]

    def _text_Points(self, prop, fact):
        body = []
        for s in fact.value:
            if "interval" in s:
                lo, hi = s["interval"]
                body.append(f"f′ = 0 on ({self.doprint(lo)}, {self.doprint(hi)}): constant {self.doprint(s['value'])}")
            elif "kind" in s:
                body.append(f"{s['kind']} at x = {self.doprint(s['x'])}, f = {self.doprint(s['value'])}")
            else:
                body.append(f"x = {self.doprint(s['x'])}, f = {self.doprint(s['value'])}")
        return body or [prop.phrases.get("text_none", "none")]

    def _text_Table(self, prop, fact):
        t = fact.value
        return [" | ".join(h for _, h in t.columns)] + [" | ".join(self.doprint(row[k]) for k, _ in t.columns)
                                                         for row in t]

    def _text_Segments(self, prop, fact):
        return [f"[{self.doprint(i.lo)}, {self.doprint(i.hi)}]: {i.label}" for i in fact.value] + [
            f"kink at x = {self.doprint(k)}: {shape} (f′ jumps {'up' if shape == 'convex' else 'down'})"
            for k, shape in fact.value.kinks]

    def _text_Smoothness(self, prop, fact):
        s = fact.value
        cls = "C^∞" if s.k is None else ("discontinuous" if s.k < 0 else f"C^{s.k}" + ("+" if s.lower_bound_only else ""))
        body = [f"class {cls}; real-analytic on ℝ: {'yes' if s.analytic else 'no'}" + ("; entire" if s.entire else "")]
        for bp in s.breakpoints:
            if bp.removable:
                body.append(f"x = {sp.sstr(bp.x)}: f = {sp.sstr(bp.value)} there, its one-sided limits are both "
                            f"{sp.sstr(bp.limits[0])}: a removable discontinuity")
            if bp.order is not None:
                body.append(f"x = {sp.sstr(bp.x)}: derivative of order {bp.order} jumps from {sp.sstr(bp.left)} "
                            f"to {sp.sstr(bp.right)}"
                            + (f"; f = {sp.sstr(bp.value)} there" if bp.order == 0 and bp.value is not None else ""))
        return body

    def _text_Constants(self, prop, fact):
        body = []
        for key, name, sup in (("f", "Lipschitz constant of f ", "sup|f′|"), ("fprime", "Lipschitz constant of f′", "sup|f″|")):
            v = fact.value[key]
            if "reason" in v:  # a jump: no Lipschitz constant (the sup of the next derivative may be finite)
                body.append(f"{name.rstrip()}: {self.doprint(v['value'])} — {v['reason']}")
                continue
            extra = "" if v["attained"] else " (unbounded)" if v["value"].infinite else " (not attained)"
            body.append(f"{name} ({sup}): {self.doprint(v['value'])}{extra}")
        return body

    def _text_Taylor(self, prop, fact):
        t = fact.value
        if t.polynomial is None:
            return ["0 is a breakpoint: no Taylor series; one-sided expansions",
                    f"as x -> 0-: {sp.sstr(t.left + sp.O(x ** (t.order + 1)))}",
                    f"as x -> 0+: {sp.sstr(t.right + sp.O(x ** (t.order + 1)))}"]
        body = [f"{sp.sstr(t.polynomial)} + O(x^{t.order + 1})"]
        if t.general_term is not None:
            g = t.general_term  # the summand: a sum is parenthesised (Sum_(n>=0) (a + b))
            head = "" if t.extra == 0 else f"{sp.sstr(t.extra)} + "
            body.append(f"= {head}Sum_(n>=0) {sp.sstr(Grouped(g) if isinstance(g, sp.Add) else g)}")
        return body

    def _text_Parity(self, prop, fact):
        p = fact.value
        return [f"{p.kind}; even part {sp.sstr(p.even)}; odd part {sp.sstr(p.odd)}",
                f"f(x) - f(-x) = {sp.sstr(p.difference)}"]


def analysis_text(a: Analysis, *, show_steps: bool = False) -> str:
    d = a.digits
    printer = TextPrinter(d)
    f = a.facts
    inst = a.instance
    params = ", ".join(f"{k}={sp.sstr(v)}" for k, v in inst.params) or "none"
    lines = [f"{inst.name}: {inst.activation.title}", f"  parameters: {params}",
             f"  definition: f(x) = {sp.sstr(inst.expr)}", f"  numbers: exact form where known, else a certified "
             f"ball [mid ± rad] (≥ {d} digits)"]
    shown = set()
    for prop in registered():
        key = prop.key
        if key in f:
            lines.append(f"  {key.replace('_', ' ')} [{f[key].method.value}]:")
            lines.extend("    " + b for b in printer.body(prop, f[key]))
            if show_steps:
                lines.extend(_steps(f[key]))
        elif key in a.failures:
            lines.append(f"  {key.replace('_', ' ')}: not certified — {a.failures[key]}")
        shown.add(key)
    for key, why in a.failures.items():
        if key not in shown:
            lines.append(f"  {key.replace('_', ' ')}: not certified — {why}")
    return "\n".join(lines) + "\n"
