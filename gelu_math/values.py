"""Layer 0: the types of property values, on which every renderer dispatches.

A property's value (``Fact.value``) is one of these types, a :class:`~gelu_math.facts.Number`, a
``bool``, a ``str``, a SymPy expression, or one of the analysis dataclasses (``Smoothness``,
``Taylor``, ``Parity``, ``Asymptote``).  The renderers (text, JSON, and the report builder feeding
Markdown, HTML/MathML and LaTeX) have one method per type, named after the class
(``_print_Record``, ``_print_Points``, …), found along the MRO, so a new property whose value is of
an existing type needs no renderer change.

The containers subclass ``dict``/``list``: code that reads ``value["inf"]`` or iterates a list of
points keeps working, and they pickle like their bases (the report's worker processes return them).
"""

from __future__ import annotations


class Record(dict):
    """Named fields in a fixed order: Numbers, bools, strings, SymPy expressions, Records or lists
    of those.  The generic value type: JSON prints an object, text prints ``name: value`` lines."""


class Sides(dict):
    """A value at each end of the real line: ``{-1: v, 1: v}`` (limits, asymptotes)."""


class Extremes(dict):
    """``{"inf": Extreme, "sup": Extreme}``: infimum and supremum with attainment (the range)."""


class Points(list):
    """Points of ℝ, each ``{"x": Number, "value": Number[, "kind": str]}`` or a flat stretch
    ``{"interval": (Number, Number), "kind": "constant", "value": Number}``, in increasing order."""


class Segments(list):
    """Intervals covering ℝ with a label each (``Interval(lo, hi, label)``); ``label`` names what
    the label says (``"direction"``, ``"shape"``).  ``kinks``: ``((x, shape), …)``, the breakpoints
    where f′ jumps and whether the kink is convex (f′ jumps up) or concave (down) — for shapes, where
    a table of intervals alone reads the same for SELU (concave kink at 0) as for ELU (none)."""

    def __init__(self, items=(), label: str = "label", kinks: tuple = ()):
        super().__init__(items)
        self.label = label
        self.kinks = tuple(kinks)

    def __reduce__(self):
        return (Segments, (list(self), self.label, self.kinks))


class Derivatives(list):
    """``[(k, expression), …]``: the derivatives of orders 1, 2, … as exact expressions."""


class Constants(dict):
    """Named constants with attainment: ``{name: {"value": Number, "attained": bool, …}}`` (the
    Lipschitz constants of f and f′)."""


class Table(list):
    """Rows of named cells (``[{key: value}, …]``) with column headers: ``columns`` is a tuple of
    (key, header) pairs in order; the first ``keys`` columns name a row (initialisation and layer),
    so a renderer that splits a wide table repeats them.  JSON prints the rows as objects, text and
    reports as a table."""

    def __init__(self, rows=(), columns: tuple = (), keys: int = 1):
        super().__init__(rows)
        self.columns = tuple(columns)
        self.keys = keys

    def __reduce__(self):
        return (Table, (list(self), self.columns, self.keys))


class Phrase(tuple):
    """A short phrase with values in it: ``Phrase("none: {0} / {1}", (left, right))`` — a template
    with ``{i}`` placeholders and the values (Numbers, SymPy expressions, strings) they stand for.
    The comparison matrix's cells use it where a cell is more than one value."""

    def __new__(cls, template: str, values: tuple = ()):
        return super().__new__(cls, (template, tuple(values)))

    @property
    def template(self) -> str:
        return self[0]

    @property
    def values(self) -> tuple:
        return self[1]

    def __reduce__(self):
        return (Phrase, (self[0], self[1]))
