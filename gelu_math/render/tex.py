"""SymPy's LaTeX printer with the project's conventions of its own: powers of Φ, operator subscripts, cases.

SymPy writes a power of a function the way sin²x is written, f^{2}(x) — read for Φ, the normal
distribution function, that is ambiguous (Φ∘Φ?).  Statistics writes Φ(−3)², as the MathML back end
already does.  A subscript that is an operator name (q_max) is set upright, ``q_{\\max}``, as the
operator is, not as the italic product m·a·x; φ (the normal density, ``phi``) is ``\\varphi`` as in
the prose; a Piecewise's cases are disjoint and a two-sided bound is one chain, −3 < x < 3
(:mod:`.conditions`).  Everything else is SymPy's ``latex()`` with default settings; every renderer that prints
LaTeX (reports, notebooks, JSON, figures) goes through :func:`latex`.

>>> from gelu_math.definitions.normal import Phi
>>> latex(Phi(-3) ** 2 / 9)
'\\\\frac{\\\\Phi{\\\\left(-3 \\\\right)}^{2}}{9}'
>>> from sympy import Symbol
>>> latex(Symbol("q_max"))
'q_{\\\\max}'
>>> from sympy import Function
>>> latex(Function("phi")(Symbol("x")))
'\\\\varphi{\\\\left(x \\\\right)}'
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter

from .conditions import chain, disjoint

_OPERATOR_SUBSCRIPT = re.compile(r"_\{(max|min|sup|inf)\}")
_PHI = re.compile(r"^\\phi(?![A-Za-z])")  # φ, the normal density, as the prose sets it (texwidth: φ → \varphi)


class TexPrinter(LatexPrinter):
    """:class:`LatexPrinter` (default settings) that prints Φ(z)ⁿ as ``\\Phi{\\left(z \\right)}^{n}``, a
    symbol's operator subscript upright (``q_{\\max}``) and φ as ``\\varphi``."""

    def _deal_with_super_sub(self, string, style="plain"):
        tex = _OPERATOR_SUBSCRIPT.sub(r"_{\\\1}", super()._deal_with_super_sub(string, style))
        return _PHI.sub(r"\\varphi", tex)

    def _print_Phi(self, expr, exp=None):
        tex = r"\Phi{\left(%s \right)}" % self._print(expr.args[0])
        return tex if exp is None else "%s^{%s}" % (tex, exp)

    def _print_Piecewise(self, expr):
        # disjoint conditions (:mod:`.conditions`): "x ≤ −3; −3 < x < 3; x ≥ 3", not first-match ones
        return super()._print_Piecewise(sp.Piecewise(*disjoint(expr), evaluate=False))

    def _print_And(self, expr):
        c = chain(expr)
        if c is None:
            return super()._print_And(expr)
        lo, lo_strict, var, hi_strict, hi = c
        rel = lambda strict: "<" if strict else r"\leq"  # noqa: E731
        low = self._print(lo)
        low = "{" + low + "}" if low.startswith("-") else low  # after "for" a leading − is a sign, not a binary minus
        return f"{low} {rel(lo_strict)} {self._print(var)} {rel(hi_strict)} {self._print(hi)}"


_PRINTER = TexPrinter()


def latex(expr) -> str:
    """``sympy.latex(expr)``, except for powers of Φ (module text)."""
    return _PRINTER.doprint(expr)
