"""gelu-math: certified mathematics of GELU and related activation functions.

Layers (imports flow downwards only; see README "Architecture")::

    errors, timebox, facts, atomicio L0  plain data and infrastructure
    definitions/                    L1  exact SymPy definitions, registry, safe parser
    analysis/                       L2  symbolic: pieces, derivatives, limits, series, smoothness
    certified/                      L3  Arb balls: root isolation, tail proofs, profiles
    engine                          L4  analyze(): every property as a Fact
    render/                         L5  text, JSON, LaTeX
    cli/                            L6  command line (one module per command)

Quick start::

    >>> import gelu_math as gm
    >>> a = gm.analyze("gelu", digits=30)
    >>> p = a["stationary_points"].value[0]
    >>> p["kind"], p["x"].ball.mid().str(15, radius=False)
    ('minimum', '-0.751791524693564')
"""

from .definitions.registry import get, names
from .engine import Analysis, analyze
from .errors import (CertificationError, ExpressionError, GeluMathError, InputError, ParameterError,
                     PrecisionError, SymbolicTimeout, UnknownFunctionError, UnsupportedError)
from .facts import Fact, Method, Number

__version__ = "0.1.0"

__all__ = [
    "Analysis", "CertificationError", "ExpressionError", "Fact", "GeluMathError", "InputError", "Method", "Number",
    "ParameterError", "PrecisionError", "SymbolicTimeout", "UnknownFunctionError", "UnsupportedError", "analyze",
    "get", "names",
]
