"""Benchmark: the float audit (issue #7 targets).

Targets: exhaustive float16 + bfloat16 audit of one implementation under 2 s; exhaustive
float32 (all 2^32 patterns) under 10 min on 2 cores.  Baseline, measured in the same run:
plain numpy evaluation of the audited implementation over the same inputs (kernel only, no
reference, no comparison), so the ratio column is the audit's overhead factor.

    python bench/bench_audit.py [--impl gelu_tanh] [--float32 | --float32-slice 64] [--workers 2]

``--float32`` runs the full exhaustive float32 audit (progress bar on stderr);
``--float32-slice K`` audits every K-th chunk (1/K of all inputs, spread over the whole
range) and extrapolates the full time from it — the output says so.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _all_inputs(fmt):
    o = np.arange(-fmt.max_ordinal, fmt.max_ordinal + 1)
    return np.append(fmt.from_bits(fmt.bits_of_ordinal(o)), -0.0)


def _baseline(kernel, fmt, xs, chunk=1 << 22):
    t = time.perf_counter()
    for s in range(0, xs.size, chunk):
        kernel.run(fmt.to_storage(xs[s: s + chunk]))
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", default="gelu_tanh", help="IMPL to audit against gelu (default gelu_tanh)")
    ap.add_argument("--float32", action="store_true", help="full exhaustive float32 audit")
    ap.add_argument("--float32-slice", type=int, default=0, metavar="K", help="audit 1/K of float32, extrapolate")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    from gelu_math.audit import audit
    from gelu_math.audit.impls import resolve
    from gelu_math.floats import FORMATS

    audit(args.impl, "float16", domain=(0, 1))  # warm: implementations built, lambdified, checked
    rows = []
    total = 0.0
    for dtype in ("float16", "bfloat16"):
        fmt = FORMATS[dtype]
        t = time.perf_counter()
        r = audit(args.impl, dtype)
        dt = time.perf_counter() - t
        total += dt
        base = _baseline(resolve(args.impl, fmt), fmt, _all_inputs(fmt))
        rows.append((f"{dtype} exhaustive", r.inputs, dt, base, r.max_ulp.error))
    if args.float32 or args.float32_slice:
        fmt = FORMATS["float32"]
        stride = 1 if args.float32 else args.float32_slice
        t = time.perf_counter()
        r = audit(args.impl, "float32", exhaustive=True, stride=stride, workers=args.workers, progress=True)
        dt = time.perf_counter() - t
        # baseline over a 1/256 sub-slice of the same range (single process), scaled per input
        o = np.arange(-fmt.max_ordinal, fmt.max_ordinal + 1, 256 * 16, dtype=np.int64)
        xs = fmt.from_bits(fmt.bits_of_ordinal(o))
        base = _baseline(resolve(args.impl, fmt), fmt, xs) * r.inputs / xs.size
        label = "float32 exhaustive" if stride == 1 else f"float32 slice 1/{stride}"
        rows.append((label, r.inputs, dt, base, r.max_ulp.error))
    print(f"audit of {args.impl} against the correctly rounded gelu  (workers={args.workers} for float32)")
    print(f"{'run':<22} {'inputs':>14} {'audit s':>9} {'inputs/s':>13} {'numpy-only s':>13} {'ratio':>7} {'max ULP':>9}")
    for label, n, dt, base, ulp in rows:
        print(f"{label:<22} {n:>14,} {dt:>9.3f} {n / dt:>13,.0f} {base:>13.3f} {dt / base:>7.1f} {ulp:>9.0f}")
    print(f"float16 + bfloat16 exhaustive: {total:.3f} s (target < 2 s)")
    if args.float32_slice and not args.float32:
        label, n, dt, base, ulp = rows[-1]
        full = dt * args.float32_slice
        print(f"float32 exhaustive EXTRAPOLATED from the 1/{args.float32_slice} slice: {full:.0f} s "
              f"= {full / 60:.1f} min for 2^32 patterns (target < 10 min on 2 cores)")


if __name__ == "__main__":
    main()
