"""Float implementation audit (layer L4): kernels against correctly rounded references.

``audit(impl, dtype, reference="gelu", ...) -> AuditResult``; see :mod:`.engine`,
:mod:`.reference` (correct rounding: float64 with an error bound, Arb where ambiguous) and
:mod:`.impls` (IMPL syntax: our names, torch:/jax: adapters, module:function); the compiled
path of own kernels in :mod:`.fastform` (their float64 forms, fused, the same bits) and
:mod:`.compiled` (rounding, ambiguity, comparison and saturation passes in numba).
"""

from .engine import AuditResult, Extreme, Region, audit
from .impls import Kernel, resolve
from .reference import Reference
from .saturation import Saturation

__all__ = ["AuditResult", "Extreme", "Kernel", "Reference", "Region", "Saturation", "audit", "resolve"]
