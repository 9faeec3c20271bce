"""Layer 0: the property registry — every property described once.

A :class:`Property` says what a property is called (``key``, ``title``), where reports show it
(``section``), what it rests on (``depends``, ``references``), for which functions it is derived
(``applies``) and how it is computed (``compute``: a function from the analysis context to a
:class:`~gelu_math.facts.Fact` whose value is of one of the types of :mod:`gelu_math.values`).
``gelu_math.engine.analyze`` runs the registered properties in registration order; the renderers
(text, JSON, the three report formats), ``verify`` and ``gelu_math.testing`` read the registry and
dispatch on the value's type, so a new property is one module plus one :func:`register` call
(README: "Adding a property").

The analysis context passed to ``compute`` has ``instance``, ``pieces``, ``digits``, ``order``,
``facts`` (the facts computed so far), ``deriv(k)`` (the k-th derivative as pieces) and
``profile(k)`` (the certified profile of the k-th derivative: zeros, signs, extrema).  ``compute``
returns a Fact, or None when the property does not apply; it raises ``CertificationError`` or
``UnsupportedError`` for what it cannot certify (the analysis records the reason in ``failures``).

This module holds descriptions only (no mathematics), so every layer may read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from .errors import InputError

# report sections in order; a property names its section (a new name opens a section at the end)
SECTIONS: list[str] = [
    "Definition", "Value and slope at 0", "Derivatives", "Taylor series", "Behaviour at ±∞", "Range and extrema",
    "Monotonicity", "Convexity and inflection points", "Smoothness", "Lipschitz constants", "Parity",
    "Comparison with ReLU",
]


@dataclass(frozen=True)
class Column:
    """A column of the comparison matrix, declared by the property it reads.

    ``cell(fact, facts)`` gives the cell's content from the property's fact (and, when it needs
    them, the other facts of the function, by key): a value the matrix prints by its type — a
    ``Number`` (short form), ``bool`` (yes/no), ``str``, ``int``, a SymPy expression, a
    :class:`~gelu_math.values.Phrase`, ``Points`` or a ``Smoothness`` — so the matrix has no code
    of its own per property.  ``position`` orders the columns (ties: registration order); a
    function without the fact (or a cell of None) shows "not certified".  :meth:`at` is the common case: the value
    at a path inside the fact's value (``"gains.rms"``).
    """

    header: str
    cell: Callable
    position: float = 0.0

    @staticmethod
    def at(header: str, path: str = "", position: float = 0.0) -> "Column":
        keys = tuple(k for k in path.split(".") if k)

        def cell(fact, facts):
            v = fact.value
            for k in keys:
                v = v.get(k) if isinstance(v, dict) else v[k]
                if v is None:
                    return None  # the fact has no such field here: "not certified"
            return v

        return Column(header, cell, position)


@dataclass(frozen=True)
class Property:
    """One property, described once (see the module docstring)."""

    key: str  # machine name: the JSON key, the fact key, the name in claims files
    title: str  # the claim's title in reports ("Stationary points")
    section: str  # the report section that shows it (one of SECTIONS, or a new one)
    compute: Callable  # context -> Fact | None
    depends: tuple[str, ...] = ()  # properties whose facts compute() reads (they are computed first)
    references: tuple[str, ...] = ()  # sources shown with the claim
    applies: Callable | None = None  # instance -> bool; None: every function
    symbolic: bool = False  # also derived for symbolic parameter values (needs no ball arithmetic)
    phrases: Mapping[str, str] = field(default_factory=dict)  # wording for list values: "count", "none", "text_none"
    order: int = 0  # position within its section (lower first; ties: registration order)
    extended: bool = False  # costly: derived by reports, `analyze --extended` and when asked for by name
    columns: tuple[Column, ...] = ()  # its columns in the comparison matrix

    def applies_to(self, instance) -> bool:
        return self.applies is None or bool(self.applies(instance))


_REGISTRY: dict[str, Property] = {}


def register(prop: Property) -> Property:
    """Add ``prop`` (its ``depends`` must be registered already, so registration order is an
    order of computation); a key registered before is an error."""
    if not isinstance(prop, Property):
        raise TypeError(f"register() takes a Property, got {type(prop).__name__}")
    if prop.key in _REGISTRY:
        raise InputError(f"property {prop.key!r} is registered already")
    missing = [d for d in prop.depends if d not in _REGISTRY]
    if missing:
        raise InputError(f"property {prop.key!r} depends on unregistered {', '.join(missing)}")
    if prop.section not in SECTIONS:
        SECTIONS.append(prop.section)
    _REGISTRY[prop.key] = prop
    return prop


def unregister(key: str) -> None:
    """Remove a property (tests and plug-ins); its dependants must be removed first."""
    users = [p.key for p in _REGISTRY.values() if key in p.depends]
    if users:
        raise InputError(f"property {key!r} is needed by {', '.join(users)}")
    _REGISTRY.pop(key, None)


def registered() -> tuple[Property, ...]:
    """Every property, in registration (= computation and presentation) order."""
    return tuple(_REGISTRY.values())


def get_property(key: str) -> Property:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise InputError(f"unknown property {key!r} (properties: {', '.join(_REGISTRY)})") from None


def with_dependencies(key: str) -> tuple[str, ...]:
    """``key`` and every property it depends on, transitively, in registration order (the ``parts``
    that derive it on its own)."""
    need, todo = set(), [key]
    while todo:
        k = todo.pop()
        if k not in need:
            need.add(k)
            todo.extend(get_property(k).depends)
    return tuple(k for k in _REGISTRY if k in need)


def matrix_columns() -> list[tuple[str, Column]]:
    """(property key, column) for every column of the comparison matrix, in order."""
    cols = [(p.key, c) for p in _REGISTRY.values() for c in p.columns]
    return sorted(cols, key=lambda kc: kc[1].position)  # stable: registration order among equals


def section_keys() -> list[tuple[str, tuple[str, ...]]]:
    """(section title, property keys in order) for every section, in report order."""
    out = []
    for title in SECTIONS:
        props = [p for p in _REGISTRY.values() if p.section == title]
        props.sort(key=lambda p: p.order)  # stable: registration order among equals
        out.append((title, tuple(p.key for p in props)))
    return out
