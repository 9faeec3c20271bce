"""Exhaustive float32 audit of gelu-math's own kernels: every registered function and its first
derivative, each against its own correctly rounded values, over all 2^32 float32 patterns
(issue #7: target <= 1 ULP everywhere).

    python bench/audit_own_float32.py [--out bench/results/own_float32_exhaustive.jsonl]
                                      [--workers 2] [--only NAME ...] [--table] [--cluster ADDRESS]

One JSON line per kernel (the audit's ``--json`` object plus ``derivative`` and ``seconds``) is
appended to ``--out`` as soon as that kernel is done, so an interrupted run resumes where it
stopped; kernels already in the file are skipped.  ``--table`` prints the summary table of the
file (the README's table) without auditing anything.  Measured on 2 cores (2026-11-26, run
niced next to other work): 120-350 s per kernel on a mostly idle machine (up to 2,254 s on a busy
one); all 44 kernels took about 3.5 h of wall time over two sessions.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _done(path):
    out = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    d = json.loads(line)
                    out[(d["function"], d["derivative"])] = d
    return out


def _table(rows) -> str:
    lines = ["| kernel | inputs | max ULP | at x | inputs not correctly rounded | decided beyond float64 | NaN/inf outputs | s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for d in rows:
        m = d["max_ulp_error"]
        label = d["function"] + ("′" if d["derivative"] else "")
        ulp = "—" if m is None else f"{m['error']:g}"
        at = "—" if m is None or not m["error"] else f"{m['x']!r}"
        exact = next((h["count"] for h in d["ulp_histogram"] if h["ulp"] == "0"), 0)
        lines.append(f"| `{label}` | {d['inputs']:,} | {ulp} | {at} | {d['inputs'] - exact:,} "
                     f"| {d['reference_escalated']:,} | {d['nan_outputs'] + d['inf_outputs']:,} | {d['seconds']:.0f} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "own_float32_exhaustive.jsonl"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", nargs="*", help="function names (default: all registered)")
    ap.add_argument("--table", action="store_true", help="print the table of --out and exit")
    ap.add_argument("--cluster", metavar="ADDRESS", help="Dask scheduler to run the chunks on (default: local processes)")
    args = ap.parse_args()

    from gelu_math.definitions import registry

    names = args.only or registry.names()
    kernels = [(n, d) for n in names for d in (0, 1)]
    done = _done(args.out)
    if args.table:
        print(_table([done[k] for k in kernels if k in done]))
        missing = [k for k in kernels if k not in done]
        if missing:
            print(f"\nnot yet audited: {', '.join(n + ('′' if d else '') for n, d in missing)}")
        return 0

    from gelu_math.audit import audit
    from gelu_math.render.audit_json import audit_dict

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    for name, der in kernels:
        if (name, der) in done:
            continue
        t = time.perf_counter()
        r = audit(name, "float32", name, derivative=der, exhaustive=True, workers=args.workers,
                  progress=sys.stderr.isatty(), cluster=args.cluster)
        d = {"function": name, "derivative": der, **audit_dict(r), "seconds": round(time.perf_counter() - t, 1)}
        with open(args.out, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(d, sort_keys=False) + "\n")
        m = d["max_ulp_error"]
        print(f"{name}{'′' if der else ''}: max ULP {m and m['error']} at {m and m['x']}, {d['seconds']} s",
              file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
