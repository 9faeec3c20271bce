"""Layer 4: approximation error envelopes over ℝ, optimal coefficients, error curves."""

from .api import Envelope, envelope, parse_domain
from .curve import ErrorProfile, error_profile, sweep
from .error import ErrorFunction, error_function
from .fit import Fit, NoOptimumError, fit

__all__ = ["Envelope", "ErrorFunction", "envelope", "error_function", "parse_domain", "ErrorProfile", "error_profile", "sweep", "Fit", "NoOptimumError", "fit"]
