"""Layer 4: properties derived from the engine's facts, registered like the engine's own.

:mod:`.generic` registers, for every function, the slope at 0 (or the one-sided slopes),
boundedness, the monotonicity class and the gradient for x < 0; :mod:`.gelu` registers GELU's
own (the Φ/erf definitions, the μ,σ family and its σ → 0 limit, derivatives of every order, the
asymptotic expansion at ±∞, 0 ≤ ReLU − GELU ≤ |min GELU|).  Each is an ordinary
:class:`~gelu_math.properties.Property`, computed by ``analyze`` after the properties it depends
on, so it reaches ``analyze --json``, the text output, the reports, ``verify`` and
``gelu_math.testing`` the same way.  Like the engine, a property that cannot be derived
rigorously is recorded in ``failures`` with the reason, never filled in.

This package imports nothing from :mod:`gelu_math.engine` (the engine imports it, to register).
"""

from __future__ import annotations

from ..facts import Fact
from ..properties import register
from . import gelu, generic

for _p in (*generic.PROPERTIES, *gelu.PROPERTIES):
    register(_p)

KEYS = tuple(p.key for p in (*generic.PROPERTIES, *gelu.PROPERTIES))


def extra_facts(a) -> tuple[dict[str, Fact], dict[str, str]]:
    """(facts, failures) of the derived properties in the analysis ``a`` (computed by ``analyze``)."""
    return ({k: a.facts[k] for k in KEYS if k in a.facts}, {k: a.failures[k] for k in KEYS if k in a.failures})
