"""An audit result as a plain-text report (what ``gelu-math audit`` prints)."""

from __future__ import annotations

import math

import numpy as np

from ..audit.engine import AuditResult, Extreme
from ..floats import get_format


def _g(v: float) -> str:
    return f"{v:.9g}"


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _value(v: float, dtype: str) -> str:
    """Shortest decimal that identifies v among the dtype's values (bfloat16: 4 digits)."""
    if dtype == "float16":
        return str(np.float16(v))
    if dtype == "float32":
        return str(np.float32(v))
    if dtype == "bfloat16":
        return f"{v:.4g}"
    return repr(float(v))


def _where(e: Extreme | None, dtype: str, unit: str = "") -> str:
    if e is None:
        return "-"
    if e.error == 0:
        return f"0{unit} (every input)"
    v = lambda t: _value(t, dtype)  # noqa: E731
    exact = "" if e.exact is None else f", exact ≈ {e.exact:.9g}"
    return f"{_g(e.error)}{unit} at x = {v(e.x)} (got {v(e.got)}, correctly rounded {v(e.want)}{exact})"


def audit_text(r: AuditResult) -> str:
    lines = [f"audit of {r.impl} in {r.dtype} against the correctly rounded {r.reference}"]
    how = "exhaustive: every finite value" if r.mode == "exhaustive" else f"sampled (seed {r.seed}): uniform over bit patterns"
    lines.append(f"  inputs           {r.inputs:,} ({how}) in [{_g(r.domain[0])}, {_g(r.domain[1])}]")
    lines.append(f"  reference        float64 + error bound; {_n(r.escalated, 'input')} decided beyond it "
                 "(Arb balls, the Taylor rule near 0, or exactly on rational pieces)"
                 + (f"; {r.undefined:,} undefined (excluded)" if r.undefined else ""))
    lines.append(f"  max ULP error    {_where(r.max_ulp, r.dtype, ' ULP')}")
    lines.append(f"  max rel error    {_where(r.max_rel, r.dtype)}")
    lines.append(f"  max abs error    {_where(r.max_abs, r.dtype)}")
    lines.append(f"  correctly rounded  {100 * r.correctly_rounded_fraction:.4f}% of inputs (±0 counted equal)")
    if r.zero_sign_mismatches is None:
        lines.append("  sign of zero     not checked: the signs of the reference function are not certified")
    elif r.zero_sign_mismatches:
        lines.append(f"  sign of zero     wrong on {_n(r.zero_sign_mismatches, 'input')}: the output is a zero of the "
                     "other sign than the correctly rounded one (the exact value's sign, certified)")
    lines.append(f"  non-finite       {r.nan_outputs:,} NaN and {r.inf_outputs:,} inf outputs for a finite reference")
    for e in r.nonfinite_examples:
        lines.append(f"                   x = {_value(e.x, r.dtype)}: got {_value(e.got, r.dtype)}, "
                     f"correctly rounded {_value(e.want, r.dtype)}")
    lines.append("  ULP histogram")
    width = max((len(label) for label, _ in r.histogram), default=1)
    for label, n in r.histogram:
        lines.append(f"    {label:>{width}} ULP  {n:>14,}  {100 * n / max(r.inputs, 1):8.4f}%")
    lines.append(f"  lost relative accuracy (rel error > {_g(r.rel_threshold)} or non-finite): "
                 f"{_n(r.lost_inputs, 'input')} in {_n(r.regions_total, 'region')}")
    if r.regions_total > len(r.regions):
        lines.append(f"    (largest {len(r.regions)} shown)")
    for g in r.regions:
        lines.append(f"    [{_g(g.lo)}, {_g(g.hi)}]  {_n(g.count, 'input')}, max rel error {_g(g.max_rel)}")
    if r.saturation is not None:
        lines.extend(saturation_lines(r))
    return "\n".join(lines) + "\n"


def _output(kind: str, value, dtype: str) -> str:
    if kind == "identity":
        return "x (identity)"
    if kind == "zero":
        return "±0"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "+0"
    return _value(value, dtype)


def _restricted_ends(r: AuditResult) -> dict[str, float | None]:
    """Per side, the end of the audited domain when it is not the format's largest finite magnitude
    (an audit over ``--domain``): a run there starts at that end, not at −max / +max."""
    top = get_format(r.dtype).max_value
    lo, hi = r.domain
    return {"below": None if lo <= -top else lo, "above": None if hi >= top else hi}


def saturation_lines(r: AuditResult) -> list[str]:
    """The saturation thresholds: per end of the domain and output, with subnormals and under FTZ.

    Over a restricted domain a run is written from the domain's end ("−20 ≤ x ≤ −13.56"), so that
    it does not read as a threshold over all of the format's values."""
    ends = _restricted_ends(r)
    scope = "every input beyond the threshold" if not any(v is not None for v in ends.values()) else \
        f"every input from the end of the audited domain [{_value(r.domain[0], r.dtype)}, " \
        f"{_value(r.domain[1], r.dtype)}] to the threshold"
    lines = [f"  saturation ({scope}; FTZ: subnormal outputs flushed to the zero of "
             "their sign, inputs not flushed)"]
    groups: dict = {}
    for s in r.saturation:
        groups.setdefault((s.side, s.kind, None if s.kind != "constant" or s.ftz else s.value), {})[s.ftz] = s
    # an FTZ constant run joins the run with subnormals when it has the same value
    for key in [k for k in groups if k[1] == "constant" and k[2] is None]:
        run = groups[key][True]
        twin = (key[0], "constant", run.value)
        if twin in groups and True not in groups[twin] and \
                math.copysign(1.0, run.value) == math.copysign(1.0, twin[2]):
            groups[twin][True] = groups.pop(key)[True]
    constants = {(k[0], s.threshold, s.inputs, s.ftz) for k, d in groups.items() if k[1] == "constant"
                 for s in d.values() if s.value == 0}
    if not groups:
        lines.append("    none: the outputs at the ends of the domain are not repeated")
    for (side, kind, _), runs in groups.items():
        if kind == "zero" and all((side, s.threshold, s.inputs, s.ftz) in constants for s in runs.values()):
            continue  # the same run as a constant ±0
        anyrun = runs.get(False) or runs[True]
        parts = []
        for ftz in (False, True):
            s = runs.get(ftz)
            head = "with subnormals" if not ftz else "under FTZ"
            parts.append(f"{head}: " + ("never" if s is None else
                                        f"{_run_text(side, s.threshold, ends[side], r.dtype)} ({_n(s.inputs, 'input')})"))
        lines.append(f"    {side:<6} output {_output(kind, anyrun.value, r.dtype)}: " + "; ".join(parts))
    return lines


def _run_text(side: str, threshold: float, end: float | None, dtype: str) -> str:
    """"x ≤ t" / "x ≥ t" from an end of the format; "e ≤ x ≤ t" / "t ≤ x ≤ e" from a domain's end e."""
    t = _value(threshold, dtype)
    if end is None:
        return f"x ≤ {t}" if side == "below" else f"x ≥ {t}"
    e = _value(end, dtype)
    return f"{e} ≤ x ≤ {t}" if side == "below" else f"{t} ≤ x ≤ {e}"
