"""Benchmark: the float audit (issue #7 targets).

Targets: exhaustive float16 + bfloat16 audit of one implementation under 2 s; exhaustive
float32 (all 2^32 patterns) under 10 min on 2 cores.  Baseline, measured in the same run:
plain numpy evaluation of the audited implementation over the same inputs (kernel only, no
reference, no comparison), so the ratio column is the audit's overhead factor.

    python bench/bench_audit.py [--impl gelu_tanh] [--float32 | --float32-slice 64] [--workers 2]
    python bench/bench_audit.py --ratio [--workers 2]          # issue 20: audit vs numpy reference
    python bench/bench_audit.py --own-slice 256 [--kernels gelu silu' ...]   # 44-kernel estimate

``--ratio`` (issue 20): the exhaustive float32 audit of gelu on [1, 16] (33,554,433 inputs, the
compiled path, ``--workers`` processes) against numpy's single-thread evaluation of the reference
on the same inputs, ``(x*ndtr(x)).astype(float32)`` in 4M chunks, same run, best of 3 each (the
baseline the faster of fresh arrays per chunk and preallocated ones written with ``out=``);
prints the ratio (goal <= 1.0 on 2 cores) and the audit's first-call (compile / cache load) cost.
``--own-slice K`` audits 1/K of all float32 patterns (every K-th 4M chunk) for each of
``--kernels`` (own kernels, ' for the derivative), extrapolates each to 2^32, and the 44-kernel
total from their mean — printed as an estimate — next to the same-run baseline of running each
kernel alone (``FloatImpl.kernel``: its lambdified numpy code and one rounding, one thread) over
the same inputs: an audit of an own kernel cannot be cheaper than evaluating the numpy/scipy
functions of its formula once, so that ratio says how near the limit the audit is.
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


def _numpy_reference(lo: int, hi: int, ndtr, chunk: int = 1 << 22) -> None:
    """numpy's float64 reference x·Φ(x) rounded to float32 over the float32 patterns lo..hi,
    in chunks, fresh arrays each."""
    for s in range(lo, hi + 1, chunk):
        xs = np.arange(s, min(s + chunk, hi + 1), dtype=np.uint32).view(np.float32).astype(np.float64)
        (xs * ndtr(xs)).astype(np.float32)


def _numpy_reference_in_place(lo: int, hi: int, ndtr, chunk: int = 1 << 22) -> None:
    """The same with every array allocated once and written with ``out=`` (no page faults per
    chunk: the strongest numpy setting, as the audit reuses its chunk memory)."""
    iota = np.arange(chunk, dtype=np.uint32)
    bits, xs, t, o = (np.empty(chunk, dtype=d) for d in (np.uint32, np.float64, np.float64, np.float32))
    for s in range(lo, hi + 1, chunk):
        n = min(s + chunk, hi + 1) - s
        np.add(iota[:n], np.uint32(s), out=bits[:n])
        x = xs[:n]
        x[...] = bits[:n].view(np.float32)
        ndtr(x, out=t[:n])
        np.multiply(x, t[:n], out=t[:n])
        o[:n] = t[:n]


def _ratio(workers: int, repeats: int = 3) -> None:
    import subprocess
    import sys

    from scipy.special import ndtr

    from gelu_math.audit import audit

    code = ("import time; t = time.perf_counter(); from gelu_math.audit import audit; "
            "audit('gelu', 'float32', exhaustive=True, domain=(1, 1.001), compiled=True); "
            "print(time.perf_counter() - t)")
    cold = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    lo = int(np.float32(1).view(np.uint32))
    hi = int(np.float32(16).view(np.uint32))
    audit("gelu", "float32", exhaustive=True, domain=(1, 1.001))  # warm: implementation built, numba loaded
    import resource

    def cpu():
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    best_audit, best_np, cpu_audit, cpu_np = (float("inf"),) * 4
    for _ in range(repeats):
        t, c = time.perf_counter(), cpu()
        r = audit("gelu", "float32", exhaustive=True, domain=(1, 16), workers=workers)
        best_audit, cpu_audit = min(best_audit, time.perf_counter() - t), min(cpu_audit, cpu() - c)
        for reference in (_numpy_reference, _numpy_reference_in_place):
            t, c = time.perf_counter(), cpu()
            reference(lo, hi, ndtr)
            best_np, cpu_np = min(best_np, time.perf_counter() - t), min(cpu_np, cpu() - c)
    assert r.inputs == hi - lo + 1 == 33_554_433
    print(f"exhaustive float32 audit of gelu on [1, 16]: {r.inputs:,} inputs, max ULP {r.max_ulp.error:g}, "
          f"{r.escalated:,} escalated")
    print(f"  audit ({workers} workers, compiled path)   {best_audit:8.3f} s (best of {repeats})")
    print(f"  numpy x*ndtr(x) -> float32, 1 thread  {best_np:8.3f} s (best of {repeats} runs of each of two ways: "
          f"fresh arrays per chunk, and preallocated arrays with out=; input generation included)")
    print(f"  ratio audit / numpy reference         {best_audit / best_np:8.2f}  (wall; goal <= 1.0)")
    print(f"  CPU seconds: audit {cpu_audit:.3f} (all processes), numpy {cpu_np:.3f}; "
          f"CPU ratio / {workers} = {cpu_audit / cpu_np / workers:.2f} (the wall ratio on {workers} idle cores)")
    with open("/proc/loadavg", encoding="ascii") as fh:
        print(f"  load average during the run: {fh.read().split()[0]}")
    print(f"  cold process, first audit call (imports, implementation, numba cache): {cold:.2f} s")


def _own_slice(k: int, kernels, workers: int) -> None:
    from gelu_math.audit import audit

    import resource

    def cpu():
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    from gelu_math.audit.compiled import float_inputs
    from gelu_math.audit.engine import CHUNK
    from gelu_math.floats import FORMATS, implementation

    fmt = FORMATS["float32"]
    per, per_cpu, per_base = [], [], []
    print(f"own kernels, float32, 1/{k} of all patterns (every {k}-th 4M chunk), {workers} workers; "
          f"EXTRAPOLATED x{k} to 2^32 (wall, and CPU seconds / {workers} = wall on {workers} idle cores); "
          f"baseline: the kernel alone (FloatImpl.kernel: its numpy code and one rounding, 1 thread) on the same inputs")
    for spec in kernels:
        name, der = spec.rstrip("'"), spec.count("'")
        # build the implementation and compile its fused program first (an exhaustive call builds it)
        audit(name, "float32", name, derivative=der, exhaustive=True, domain=(1, 1.001))
        t, c = time.perf_counter(), cpu()
        r = audit(name, "float32", name, derivative=der, exhaustive=True, stride=k, workers=workers)
        dt, dc = time.perf_counter() - t, cpu() - c
        run = implementation(name, der).kernel(fmt)
        t = time.perf_counter()
        for s in range(-fmt.max_ordinal, fmt.max_ordinal + 1, CHUNK)[::k]:
            run(float_inputs(fmt, s, min(s + CHUNK, fmt.max_ordinal + 1)).astype(np.float32))
        base = time.perf_counter() - t
        per.append(dt * k)
        per_cpu.append(dc * k / workers)
        per_base.append(base * k)
        print(f"  {spec:<16} {r.inputs:>12,} inputs {dt:7.2f} s wall, {dc:7.2f} s CPU -> full (extrapolated): "
              f"{dt * k:7.1f} s wall, {dc * k / workers:7.1f} s on {workers} idle cores; kernel alone "
              f"{base * k:7.1f} s, ratio {dt / base:5.2f}")
    mean, mean_cpu, mean_base = (sum(v) / len(v) for v in (per, per_cpu, per_base))
    print(f"  mean per kernel {mean:.1f} s wall, {mean_cpu:.1f} s from CPU; all 44 own kernels EXTRAPOLATED: "
          f"{44 * mean / 60:.1f} min wall, {44 * mean_cpu / 60:.1f} min on {workers} idle cores "
          f"(goal <= 20 min on 2 cores); the kernels alone, 1 thread: {44 * mean_base / 60:.1f} min "
          f"(audit / kernels alone {mean / mean_base:.2f})")
    with open("/proc/loadavg", encoding="ascii") as fh:
        print(f"  load average: {fh.read().split()[0]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", default="gelu_tanh", help="IMPL to audit against gelu (default gelu_tanh)")
    ap.add_argument("--float32", action="store_true", help="full exhaustive float32 audit")
    ap.add_argument("--float32-slice", type=int, default=0, metavar="K", help="audit 1/K of float32, extrapolate")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ratio", action="store_true", help="issue 20: gelu on [1, 16] vs numpy x*ndtr(x), same run")
    ap.add_argument("--own-slice", type=int, default=0, metavar="K", help="1/K slices of own kernels, extrapolated")
    ap.add_argument("--kernels", nargs="*", default=["gelu", "gelu'", "gelu_tanh", "silu'", "relu", "hardswish"])
    args = ap.parse_args()
    if args.ratio:
        _ratio(args.workers)
        return
    if args.own_slice:
        _own_slice(args.own_slice, args.kernels, args.workers)
        return

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
