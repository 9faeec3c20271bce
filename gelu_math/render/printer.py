"""The back-end protocol: one printer class per back end, one method per value type.

A printer holds its settings (``digits``, …) and turns a value into its back end's form with
:meth:`Printer.doprint`, which calls ``_print_<Class>`` for the first class along the value's MRO
that has such a method (SymPy's printers work the same way).  The types are those of
:mod:`gelu_math.values`, :class:`~gelu_math.facts.Number`, the analysis dataclasses
(``Smoothness``, ``Taylor``, ``Parity``, ``Asymptote``), SymPy objects (all of them ``_print_Basic``) and plain ``bool``, ``str``,
``int``, ``list``, ``tuple``, ``dict``.  A back end that shapes a whole fact of a type looks up its
own prefix with :meth:`Printer._method` (JSON's ``_fact_Constants`` adds ``<key>_attained``, text's
``_text_<Type>`` gives body lines, the reports' ``_claim_<Type>`` statement and blocks).

Back ends: :class:`gelu_math.render.json_out.JsonPrinter`, :class:`gelu_math.render.text.TextPrinter`,
and for the reports :class:`gelu_math.render.report.build.ClaimPrinter`, which turns a fact into the
document model that the Markdown, HTML/MathML and LaTeX writers print.  Adding a value type means
one method in each; adding a property of an existing type means none.
"""

from __future__ import annotations

import sympy as sp


class Printer:
    """Base of the back ends: settings as attributes, dispatch on the value's type."""

    def __init__(self, digits: int = 20, **settings):
        self.digits = digits
        for k, v in settings.items():
            setattr(self, k, v)

    def _method(self, prefix: str, value):
        if isinstance(value, sp.Basic):  # every SymPy object (whose class names, like Number, are SymPy's)
            return getattr(self, f"{prefix}Basic", None)
        for cls in type(value).__mro__:
            m = getattr(self, f"{prefix}{cls.__name__}", None)
            if m is not None:
                return m
        return None

    def doprint(self, value):
        m = self._method("_print_", value)
        if m is None:
            raise TypeError(f"{type(self).__name__} has no method for values of type {type(value).__name__}")
        return m(value)

