"""Layer 4: designing and certifying approximations — minimax (piecewise) polynomials with
certified error over ℝ, float-format coefficients, and kernels emitted from the designs."""

from .design import Design, DesignError, PieceDesign, SupOverR, Tail, approximate, parse_on, parse_tails
from .emit import LANGUAGES, audit_kernel, numpy_kernel, source
from .formats import FORMATS, FormatError, get_format

__all__ = ["Design", "DesignError", "FORMATS", "FormatError", "LANGUAGES", "PieceDesign", "SupOverR", "Tail",
           "approximate", "audit_kernel", "get_format", "numpy_kernel", "parse_on", "parse_tails", "source"]
