"""An audit result as one JSON object (schema in the README, section "Float audit").

Floats are written as their shortest round-trip decimal (``repr``); ±inf and NaN, which
JSON has no numbers for, as the strings ``"+inf"``, ``"-inf"``, ``"nan"``.  The run time
is left out so that the output is byte-identical run to run.
"""

from __future__ import annotations

import json
import math

from ..audit.engine import AuditResult, Extreme


def _f(v: float):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "+inf" if v > 0 else "-inf"
    return v


def _extreme(e: Extreme | None):
    if e is None:
        return None
    return {"error": _f(e.error), "x": _f(e.x), "got": _f(e.got), "want": _f(e.want),
            "exact_float64": None if e.exact is None else _f(e.exact)}


def audit_dict(r: AuditResult) -> dict:
    return {
        "impl": r.impl,
        "reference": r.reference,
        "dtype": r.dtype,
        "mode": r.mode,
        "seed": r.seed,
        "domain": [_f(r.domain[0]), _f(r.domain[1])],
        "inputs": r.inputs,
        "reference_escalated": r.escalated,
        "reference_undefined": r.undefined,
        "max_abs_error": _extreme(r.max_abs),
        "max_rel_error": _extreme(r.max_rel),
        "max_ulp_error": _extreme(r.max_ulp),
        "correctly_rounded_fraction": r.correctly_rounded_fraction,
        "zero_sign_mismatches": r.zero_sign_mismatches,
        "ulp_histogram": [{"ulp": label, "count": n} for label, n in r.histogram],
        "nan_outputs": r.nan_outputs,
        "inf_outputs": r.inf_outputs,
        "nonfinite_examples": [_extreme(e) for e in r.nonfinite_examples],
        "rel_threshold": r.rel_threshold,
        "lost_inputs": r.lost_inputs,
        "regions_total": r.regions_total,
        "regions": [{"lo": _f(g.lo), "hi": _f(g.hi), "count": g.count, "max_rel": _f(g.max_rel)} for g in r.regions],
        "saturation": None if r.saturation is None else [
            {"side": s.side, "output": s.kind, "ftz": s.ftz, "threshold": _f(s.threshold), "inputs": s.inputs,
             "value": None if s.value is None else _f(s.value)} for s in r.saturation],
    }


def dumps(r: AuditResult) -> str:
    return json.dumps(audit_dict(r), indent=2, sort_keys=False)
