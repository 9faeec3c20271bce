"""Layer 4: approximation error envelopes over ℝ, optimal coefficients, error curves.

The curves (:mod:`.curve`: ``ErrorProfile``, ``error_profile``, ``sweep``) are loaded on first use
(PEP 562): they need numpy, the certified envelope does not.
"""

from __future__ import annotations

from .api import Envelope, envelope
from .error import ErrorFunction, error_function
from .fit import Fit, NoOptimumError, fit
from .spec import MAX_DERIVATIVE, METRICS, TARGETS, EnvelopeSpec, parse_domain

_CURVES = ("ErrorProfile", "error_profile", "sweep")

__all__ = ["EnvelopeSpec", "METRICS", "TARGETS", "MAX_DERIVATIVE", "Envelope", "ErrorFunction", "envelope",
           "error_function", "parse_domain", "ErrorProfile", "error_profile", "sweep", "Fit", "NoOptimumError", "fit"]


def __getattr__(name: str):
    if name not in _CURVES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import curve

    value = getattr(curve, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
