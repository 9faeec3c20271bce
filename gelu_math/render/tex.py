"""SymPy's LaTeX printer with the project's one convention of its own: powers of Φ.

SymPy writes a power of a function the way sin²x is written, f^{2}(x) — read for Φ, the normal
distribution function, that is ambiguous (Φ∘Φ?).  Statistics writes Φ(−3)², as the MathML back end
already does.  Everything else is SymPy's ``latex()`` with default settings; every renderer that
prints LaTeX (reports, notebooks, JSON, figures) goes through :func:`latex`.

>>> from gelu_math.definitions.normal import Phi
>>> latex(Phi(-3) ** 2 / 9)
'\\\\frac{\\\\Phi{\\\\left(-3 \\\\right)}^{2}}{9}'
"""

from __future__ import annotations

from sympy.printing.latex import LatexPrinter


class TexPrinter(LatexPrinter):
    """:class:`LatexPrinter` (default settings) that prints Φ(z)ⁿ as ``\\Phi{\\left(z \\right)}^{n}``."""

    def _print_Phi(self, expr, exp=None):
        tex = r"\Phi{\left(%s \right)}" % self._print(expr.args[0])
        return tex if exp is None else "%s^{%s}" % (tex, exp)


_PRINTER = TexPrinter()


def latex(expr) -> str:
    """``sympy.latex(expr)``, except for powers of Φ (module text)."""
    return _PRINTER.doprint(expr)
