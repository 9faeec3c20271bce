"""Layer 4: claims beyond the engine's facts, derived from them and from the lower layers.

:func:`extra_facts` returns extra :class:`~gelu_math.facts.Fact` objects for one analysed function:
generic ones for every function (:mod:`.generic`: slope at 0, boundedness, monotonicity class,
the gradient for x < 0) and function-specific ones (:mod:`.gelu`: the Φ/erf definitions, the μ,σ
family and its σ → 0 limit, derivatives of every order, the asymptotic expansion at ±∞,
0 ≤ ReLU − GELU ≤ |min GELU|).  Like the engine, a claim that cannot be derived rigorously is
returned in ``failures`` with the reason, never filled in.

The analysis is passed in (duck-typed ``Analysis``), so this package imports nothing from
:mod:`gelu_math.engine`: it sits beside the engine at L4, below the renderers.
"""

from __future__ import annotations

from ..errors import CertificationError, UnsupportedError
from ..facts import Fact
from . import gelu, generic


def extra_facts(a) -> tuple[dict[str, Fact], dict[str, str]]:
    """(facts, failures) of the extra claims for the analysis ``a``, in a fixed order."""
    out: dict[str, Fact] = {}
    failures: dict[str, str] = {}
    builders = list(generic.BUILDERS)
    if a.instance.name == "gelu" and a.instance.is_numeric:
        builders += gelu.BUILDERS
    for key, fn in builders:
        try:
            fact = fn(a)
        except (CertificationError, UnsupportedError) as exc:
            failures[key] = str(exc)
            continue
        if fact is not None:
            out[key] = fact
    return out, failures
