"""Benchmark: cold `gelu-math report` times (issue #4 targets).

Targets: every registered function under 60 s cold on 2 cores; a single function under 5 s.
Each row is a fresh process writing into a temporary directory (cold: imports and SymPy caches
included; nothing is reused between rows).  The baseline, measured in the same run, is the cold
start of `python -c "import sympy, flint"`.  Worker processes default to the CPU count; on a
shared machine the all-functions row depends on the load (`uptime` is printed).

Run:  python bench/bench_report.py [--serial] [--names gelu relu]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time


def cold(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--serial", action="store_true", help="also time all functions with --jobs 1")
    ap.add_argument("--names", nargs="+", default=["gelu", "gelu_tanh"], help="single-function rows")
    args = ap.parse_args()
    base = min(cold([sys.executable, "-c", "import sympy, flint"]) for _ in range(3))
    print(f"cpus: {os.cpu_count()}; load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"baseline (import sympy, flint, cold): {base:.2f} s")
    print(f"{'command':<62} {'seconds':>8} {'x baseline':>10}")
    rows = [(f"gelu-math report --only {n} --figures ''", ["--only", n, "--figures", ""]) for n in args.names]
    rows.append(("gelu-math report --figures '' (all functions)", ["--figures", ""]))
    rows.append(("gelu-math report (all functions + figures: the main job)", None))
    if args.serial:
        rows.append(("gelu-math report --jobs 1 --figures '' (all functions)", ["--jobs", "1", "--figures", ""]))
    for label, extra in rows:
        with tempfile.TemporaryDirectory() as d:
            opts = extra if extra is not None else ["--figures", os.path.join(d, "figures")]
            dt = cold([sys.executable, "-m", "gelu_math", "report", "--out", os.path.join(d, "proofs"), *opts])
        print(f"{label:<62} {dt:8.2f} {dt / base:10.1f}")
    print("targets: all functions < 60 s on 2 cores; a single function < 5 s")


if __name__ == "__main__":
    main()
