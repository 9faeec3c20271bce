"""Float numerics (layer L3): binary formats and gelu-math's own derived numpy implementations.

* :mod:`.dtypes` — float16 / bfloat16 / float32 / float64 bit patterns, ordinals, rounding.
* :mod:`.forms` — cancellation-free rewriting of exact SymPy definitions.
* :mod:`.impl` — ``implementation(name, derivative=0)``: a numpy callable derived from the
  registry's definition, checked against it at 40 digits.
"""

from .dtypes import FORMATS, FloatFormat, get_format
from .impl import FloatImpl, implementation

__all__ = ["FORMATS", "FloatFormat", "FloatImpl", "get_format", "implementation"]
