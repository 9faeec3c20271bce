"""SymPy expressions as presentation MathML that parses as XML.

SymPy's ``mathml(expr, printer="presentation")`` is used for every expression; this subclass of
its printer only fixes what breaks XML or reads wrongly in 1.12–1.14:

* named entities (``&InvisibleTimes;``, ``&pi;``, ``&dd;``) are undefined in XML: they become the
  characters themselves;
* strict relations print a bare ``<`` / ``>``: they are escaped;
* ``Piecewise`` prints as ``piecewise((…))``: it becomes a brace with a table of cases;
* undefined functions (``Phi(x)``, ``GELU(x)``) and :class:`~gelu_math.definitions.normal.Phi` are
  lower-cased: their names print as symbols (``Φ``, ``GELU``);
* ``Subs`` prints as ``subs(…)``: it becomes the evaluation bar f′(x)|_{x=0};
* ``Order`` prints as ``order(x⁵,(x,0))``: it becomes O(x⁵) (O(x⁵; x → ∞) away from 0);
* a first derivative prints as d¹/dx¹: it becomes d/dx;
* ``hermite_prob(n, x)`` prints its SymPy name: it becomes He_n(x).

Example: ``math_element(sp.sqrt(2))`` →
``<math xmlns="http://www.w3.org/1998/Math/MathML"><msqrt><mn>2</mn></msqrt></math>``.
"""

from __future__ import annotations

import html.entities
import re

import sympy as sp
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE

from ..conditions import chain, disjoint

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_KEEP = {"lt", "gt", "amp", "quot", "apos"}
_NEGATIVE_NUMBER = re.compile(r"<mn>-([^<]*)</mn>")  # SymPy writes <mn>-1</mn>, a hyphen inside the number


def _entity(m: re.Match) -> str:
    name = m.group(1)
    if name in _KEEP:
        return m.group(0)
    char = html.entities.html5.get(name + ";")
    if char is None:
        raise ValueError(f"unknown entity &{name}; in MathML output")
    return char


class _Printer(MathMLPresentationPrinter):
    _last_factor = None  # the last factor of the product being printed (see parenthesize)

    def _print_Mul(self, expr):
        # a derivative as the last factor needs no parentheses: x d/dx Φ(x), as in LaTeX (SymPy's MathML
        # printer writes x (d/dx Φ(x))); anywhere else in a product it keeps them
        outer = self._last_factor
        factors = (-expr if expr.could_extract_minus_sign() else expr).as_ordered_factors()
        self._last_factor = factors[-1] if factors else None
        try:
            return super()._print_Mul(expr)
        finally:
            self._last_factor = outer

    def parenthesize(self, item, level, strict=False):
        if isinstance(item, sp.Derivative) and item == self._last_factor and level == PRECEDENCE["Mul"]:
            return self._print(item)
        return super().parenthesize(item, level, strict)

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

    _print_Phi = _print_AppliedUndef  # definitions.normal.Phi, a defined function: its name as Φ, not "phi"

    def _print_Derivative(self, e):
        # SymPy prints d^n/d^n x; only single-variable derivatives occur in reports
        (var, n), = e.variable_count
        if n == 1:
            num = self._tag("mo", "\u2146")
        else:
            num = self.dom.createElement("msup")
            num.appendChild(self._tag("mo", "\u2146"))
            num.appendChild(self._print(n))
        den = self.dom.createElement("mrow")
        den.appendChild(self._tag("mo", "\u2146"))
        if n == 1:
            den.appendChild(self._print(var))
        else:
            sup = self.dom.createElement("msup")
            sup.appendChild(self._print(var))
            sup.appendChild(self._print(n))
            den.appendChild(sup)
        frac = self.dom.createElement("mfrac")
        frac.appendChild(num)
        frac.appendChild(den)
        mrow = self.dom.createElement("mrow")
        mrow.appendChild(frac)
        mrow.appendChild(self._print(e.expr))
        return mrow

    def _print_Subs(self, e):
        # expr evaluated at point: expr followed by a bar with "x = 0" below it (as SymPy's LaTeX)
        expr, old, new = e.args
        body = self.dom.createElement("mrow")
        body.appendChild(self._print(expr))
        bar = self._tag("mo", "|")
        bar.setAttribute("stretchy", "true")
        body.appendChild(bar)
        where = self.dom.createElement("mrow")
        for i, (o, n) in enumerate(zip(old, new)):
            if i:
                where.appendChild(self._tag("mo", ","))
            where.appendChild(self._print(o))
            where.appendChild(self._tag("mo", "="))
            where.appendChild(self._print(n))
        sub = self.dom.createElement("msub")
        sub.appendChild(body)
        sub.appendChild(where)
        return sub

    def _print_Order(self, e):
        # O(x^5) at 0 (SymPy's LaTeX convention); O(expr; x → p) elsewhere
        mrow = self.dom.createElement("mrow")
        mrow.appendChild(self._tag("mi", "O"))
        inner = self.dom.createElement("mrow")
        inner.appendChild(self._print(e.expr))
        if e.point and any(p != 0 for p in e.point):
            inner.appendChild(self._tag("mo", ";"))
            for i, (v, p) in enumerate(zip(e.variables, e.point)):
                if i:
                    inner.appendChild(self._tag("mo", ","))
                inner.appendChild(self._print(v))
                inner.appendChild(self._tag("mo", "\u2192"))
                inner.appendChild(self._print(p))
        mrow.appendChild(self._parens(inner))
        return mrow

    def _parens(self, node):
        mrow = self.dom.createElement("mrow")
        mrow.appendChild(self._tag("mo", "("))
        mrow.appendChild(node)
        mrow.appendChild(self._tag("mo", ")"))
        return mrow

    def _print_hermite_prob(self, e):
        n, arg = e.args
        mrow = self.dom.createElement("mrow")
        sub = self.dom.createElement("msub")
        sub.appendChild(self._tag("mi", "He"))
        sub.appendChild(self._print(n))
        mrow.appendChild(sub)
        mrow.appendChild(self._paren_comma_separated(arg))
        return mrow

    # SymPy's dispatch skips a parent function's printer for a renamed subclass (extras.gelu.He)
    _print_He = _print_hermite_prob

    def _tag(self, name: str, text: str):
        el = self.dom.createElement(name)
        el.appendChild(self.dom.createTextNode(text))
        return el

    def _print_And(self, expr):
        c = chain(expr)  # −3 < x < 3, as the LaTeX printer writes it (render.conditions)
        if c is None:
            return super()._print_And(expr)
        lo, lo_strict, var, hi_strict, hi = c
        mrow = self.dom.createElement("mrow")
        for part in (self._print(lo), self._tag("mo", "&lt;" if lo_strict else "\u2264"), self._print(var),
                     self._tag("mo", "&lt;" if hi_strict else "\u2264"), self._print(hi)):
            mrow.appendChild(part)
        return mrow

    def _print_Piecewise(self, expr):
        mrow = self.dom.createElement("mrow")
        brace = self.dom.createElement("mo")
        brace.appendChild(self.dom.createTextNode("{"))
        mrow.appendChild(brace)
        table = self.dom.createElement("mtable")
        for e, c in disjoint(expr):  # disjoint conditions, as the LaTeX printer writes them
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
    out = _ENTITY.sub(_entity, _Printer({}).doprint(sp.sympify(expr)))
    out = _NEGATIVE_NUMBER.sub("<mrow><mo>\u2212</mo><mn>\\1</mn></mrow>", out)  # −1, as MathML writes it
    return out.replace("<mo>-</mo>", "<mo>\u2212</mo>")  # the minus sign, not a hyphen


def math_element(expr, display: bool = False) -> str:
    """``<math xmlns=…>…</math>`` for ``expr``; ``display=True`` gives a block formula."""
    attr = ' display="block"' if display else ""
    return f'<math xmlns="{MATHML_NS}"{attr}>{mathml_inner(expr)}</math>'
