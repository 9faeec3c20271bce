"""An audit result as a plain-text report (what ``gelu-math audit`` prints)."""

from __future__ import annotations

from ..audit.engine import AuditResult, Extreme


def _g(v: float) -> str:
    return f"{v:.9g}"


def _where(e: Extreme | None, unit: str = "") -> str:
    if e is None:
        return "-"
    return f"{_g(e.error)}{unit} at x = {_g(e.x)} (got {_g(e.got)}, correctly rounded {_g(e.want)})"


def audit_text(r: AuditResult) -> str:
    lines = [f"audit of {r.impl} in {r.dtype} against the correctly rounded {r.reference}"]
    how = "exhaustive: every finite value" if r.mode == "exhaustive" else f"sampled (seed {r.seed}): uniform over bit patterns"
    lines.append(f"  inputs           {r.inputs:,} ({how}) in [{_g(r.domain[0])}, {_g(r.domain[1])}]")
    lines.append(f"  reference        float64 + error bound; {r.escalated:,} inputs decided in Arb"
                 + (f"; {r.undefined:,} undefined (excluded)" if r.undefined else ""))
    lines.append(f"  max ULP error    {_where(r.max_ulp, ' ULP')}")
    lines.append(f"  max rel error    {_where(r.max_rel)}")
    lines.append(f"  max abs error    {_where(r.max_abs)}")
    lines.append(f"  correctly rounded  {100 * r.correctly_rounded_fraction:.4f}% of inputs")
    lines.append(f"  non-finite       {r.nan_outputs:,} NaN and {r.inf_outputs:,} inf outputs for a finite reference")
    for e in r.nonfinite_examples:
        lines.append(f"                   x = {_g(e.x)}: got {_g(e.got)}, correctly rounded {_g(e.want)}")
    lines.append("  ULP histogram")
    width = max((len(label) for label, _ in r.histogram), default=1)
    for label, n in r.histogram:
        lines.append(f"    {label:>{width}} ULP  {n:>14,}  {100 * n / max(r.inputs, 1):8.4f}%")
    lines.append(f"  lost relative accuracy (rel error > {_g(r.rel_threshold)} or non-finite): "
                 f"{r.lost_inputs:,} inputs in {r.regions_total} region(s)")
    if r.regions_total > len(r.regions):
        lines.append(f"    (largest {len(r.regions)} shown)")
    for g in r.regions:
        lines.append(f"    [{_g(g.lo)}, {_g(g.hi)}]  {g.count:,} inputs, max rel error {_g(g.max_rel)}")
    return "\n".join(lines) + "\n"
