"""An audit result as a plain-text report (what ``gelu-math audit`` prints)."""

from __future__ import annotations

import numpy as np

from ..audit.engine import AuditResult, Extreme


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
                 "(Arb balls, or exactly on rational pieces)"
                 + (f"; {r.undefined:,} undefined (excluded)" if r.undefined else ""))
    lines.append(f"  max ULP error    {_where(r.max_ulp, r.dtype, ' ULP')}")
    lines.append(f"  max rel error    {_where(r.max_rel, r.dtype)}")
    lines.append(f"  max abs error    {_where(r.max_abs, r.dtype)}")
    lines.append(f"  correctly rounded  {100 * r.correctly_rounded_fraction:.4f}% of inputs")
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
    return "\n".join(lines) + "\n"
