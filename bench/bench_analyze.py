"""Benchmark: cold `gelu-math analyze` times (issue #2 targets).

Targets: `gelu-math analyze gelu --digits 50` under 2 s cold; every registered
function under 60 s in all.  Each row is a fresh process (cold: imports and
SymPy caches included).  The baseline, measured in the same run, is the cold
start of `python -c "import sympy, flint"`, so the ratio column shows how much
of the time is gelu-math's own work.

Run:  python bench/bench_analyze.py [--digits 50]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time


def cold(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--digits", type=int, default=50)
    args = ap.parse_args()
    from gelu_math import names

    base = min(cold([sys.executable, "-c", "import sympy, flint"]) for _ in range(3))
    print(f"baseline (import sympy, flint, cold): {base:.2f} s")
    print(f"{'command':<58} {'seconds':>8} {'x baseline':>10}")
    total = 0.0
    for name in names():
        cmd = [sys.executable, "-m", "gelu_math", "analyze", name, "--digits", str(args.digits)]
        dt = cold(cmd)
        total += dt
        print(f"{'gelu-math analyze ' + name + ' --digits ' + str(args.digits):<58} {dt:8.2f} {dt / base:10.1f}")
    print(f"{'all ' + str(len(names())) + ' functions':<58} {total:8.2f} {total / base:10.1f}")
    print("targets: gelu < 2 s; all < 60 s")


if __name__ == "__main__":
    main()
