"""SymPy expressions as presentation MathML that parses as XML.

SymPy's ``mathml(expr, printer="presentation")`` is used for every expression; this subclass of
its printer only fixes what breaks XML or reads wrongly in 1.12–1.14:

* named entities (``&InvisibleTimes;``, ``&pi;``, ``&dd;``) are undefined in XML: they become the
  characters themselves;
* strict relations print a bare ``<`` / ``>``: they are escaped;
* ``Piecewise`` prints as ``piecewise((…))``: it becomes a brace with a table of cases;
* undefined functions (``Phi(x)``, ``GELU(x)``) are lower-cased: their names print as symbols
  (``Φ``, ``GELU``).

Example: ``math_element(sp.sqrt(2))`` →
``<math xmlns="http://www.w3.org/1998/Math/MathML"><msqrt><mn>2</mn></msqrt></math>``.
"""

from __future__ import annotations

import html.entities
import re

import sympy as sp
from sympy.printing.mathml import MathMLPresentationPrinter

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_KEEP = {"lt", "gt", "amp", "quot", "apos"}


def _entity(m: re.Match) -> str:
    name = m.group(1)
    if name in _KEEP:
        return m.group(0)
    char = html.entities.html5.get(name + ";")
    if char is None:
        raise ValueError(f"unknown entity &{name}; in MathML output")
    return char


class _Printer(MathMLPresentationPrinter):
    def mathml_tag(self, e):
        name = e.__class__.__name__
        if name == "StrictLessThan":
            return "&lt;"
        if name == "StrictGreaterThan":
            return "&gt;"
        return super().mathml_tag(e)

    def _print_AppliedUndef(self, e):
        mrow = self.dom.createElement("mrow")
        mrow.appendChild(self._print(sp.Symbol(e.func.__name__)))
        mrow.appendChild(self._paren_comma_separated(*e.args))
        return mrow

    def _print_Derivative(self, e):
        # SymPy prints d^n/d^n x; only single-variable derivatives occur in reports
        (var, n), = e.variable_count
        num = self.dom.createElement("msup")
        for part in ("\u2146", str(n)):
            num.appendChild(self._tag("mo" if part == "\u2146" else "mn", part))
        den = self.dom.createElement("mrow")
        den.appendChild(self._tag("mo", "\u2146"))
        sup = self.dom.createElement("msup")
        sup.appendChild(self._print(var))
        sup.appendChild(self._tag("mn", str(n)))
        den.appendChild(sup)
        frac = self.dom.createElement("mfrac")
        frac.appendChild(num)
        frac.appendChild(den)
        mrow = self.dom.createElement("mrow")
        mrow.appendChild(frac)
        mrow.appendChild(self._print(e.expr))
        return mrow

    def _tag(self, name: str, text: str):
        el = self.dom.createElement(name)
        el.appendChild(self.dom.createTextNode(text))
        return el

    def _print_Piecewise(self, expr):
        mrow = self.dom.createElement("mrow")
        brace = self.dom.createElement("mo")
        brace.appendChild(self.dom.createTextNode("{"))
        mrow.appendChild(brace)
        table = self.dom.createElement("mtable")
        for e, c in expr.args:
            tr = self.dom.createElement("mtr")
            td = self.dom.createElement("mtd")
            td.appendChild(self._print(e))
            tr.appendChild(td)
            td = self.dom.createElement("mtd")
            text = self.dom.createElement("mtext")
            text.appendChild(self.dom.createTextNode("otherwise" if c is sp.true else "if\u00a0"))
            td.appendChild(text)
            if c is not sp.true:
                td.appendChild(self._print(c))
            tr.appendChild(td)
            table.appendChild(tr)
        mrow.appendChild(table)
        return mrow


def mathml_inner(expr) -> str:
    """The presentation MathML of ``expr`` (no ``<math>`` wrapper), XML-safe."""
    return _ENTITY.sub(_entity, _Printer({}).doprint(sp.sympify(expr)))


def math_element(expr, display: bool = False) -> str:
    """``<math xmlns=…>…</math>`` for ``expr``; ``display=True`` gives a block formula."""
    attr = ' display="block"' if display else ""
    return f'<math xmlns="{MATHML_NS}"{attr}>{mathml_inner(expr)}</math>'
