"""Layer 4: designing and certifying approximations — minimax (piecewise) polynomials with
certified error over ℝ, float-format coefficients, and kernels emitted from the designs."""

from .design import (Design, DesignError, PieceDesign, SupOverR, Tail, approximate, approximate_formats, parse_on,
                     parse_tails)
from .emit import LANGUAGES, SCHEMES, audit_kernel, float_error_bound, numpy_kernel, source
from .formats import FORMATS, FormatError, get_format

__all__ = ["Design", "DesignError", "FORMATS", "FormatError", "LANGUAGES", "PieceDesign", "SCHEMES", "SupOverR", "Tail",
           "approximate", "approximate_formats", "audit_kernel", "float_error_bound", "get_format", "numpy_kernel",
           "parse_on", "parse_tails", "source"]
