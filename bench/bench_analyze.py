"""Benchmark: cold `gelu-math analyze` times (issue #2 targets).

Targets: `gelu-math analyze gelu --digits 50` under 2 s cold; every registered
function under 60 s in all.  Each row is a fresh process (cold: imports and
SymPy caches included).  The baseline, measured in the same run, is the cold
start of `python -c "import sympy, flint"`, so the ratio column shows how much
of the time is gelu-math's own work.

The last row analyses every function again with ``--jobs`` cold processes at a time (default:
the machine's cores) and reports the wall time: the issue's machine has 2 cores, and analysing
the whole registry is embarrassingly parallel.  The sequential sum is printed too.

Run:  python bench/bench_analyze.py [--digits 50] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
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
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
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
    print(f"{'all ' + str(len(names())) + ' functions, one after another':<58} {total:8.2f} {total / base:10.1f}")
    wall = parallel([[sys.executable, "-m", "gelu_math", "analyze", n, "--digits", str(args.digits)] for n in names()],
                    args.jobs)
    print(f"{'all ' + str(len(names())) + f' functions, {args.jobs} processes at a time (wall)':<58} {wall:8.2f} "
          f"{wall / base:10.1f}")
    print("targets: gelu < 2 s; all < 60 s")


def parallel(cmds: list[list[str]], jobs: int) -> float:
    """Wall time to run every command, at most ``jobs`` at once."""
    t = time.perf_counter()
    pending = list(cmds)
    running: list[subprocess.Popen] = []
    while pending or running:
        while pending and len(running) < jobs:
            running.append(subprocess.Popen(pending.pop(0), stdout=subprocess.DEVNULL))
        for p in list(running):
            if p.poll() is not None:
                if p.returncode:
                    raise SystemExit(f"{p.args} failed")
                running.remove(p)
        time.sleep(0.02)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
