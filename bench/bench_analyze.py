"""Benchmark: cold `gelu-math analyze` times (issue #2 and #20 targets).

Targets: `gelu-math analyze gelu --digits 50` at most 2× a bare cold `python -c "import sympy,
flint"` (issue #20, same run: the first lines print that ratio, fastest of ``--repeat`` cold runs
each, in CPU seconds of the child — robust on a loaded machine — and wall seconds); every
registered function under 60 s in all.  Each row is a fresh process (cold: imports and SymPy
caches included), so the ratio column shows how much of the time is gelu-math's own work.
``--quick`` stops after the gelu ratio.

The last row analyses every function again with ``--jobs`` cold processes at a time (default:
the machine's cores) and reports the wall time: the issue's machine has 2 cores, and analysing
the whole registry is embarrassingly parallel.  The sequential sum is printed too.

Run:  python bench/bench_analyze.py [--digits 50] [--jobs N] [--repeat 3] [--quick]
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


def cold_cpu(cmd: list[str]) -> tuple[float, float]:
    """(CPU seconds of the child: user + system, wall seconds) of one cold run."""
    before = os.times()
    wall = cold(cmd)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system), wall


def gelu_ratio(digits: int, repeat: int) -> None:
    base = [cold_cpu([sys.executable, "-c", "import sympy, flint"]) for _ in range(repeat)]
    gelu = [cold_cpu([sys.executable, "-m", "gelu_math", "analyze", "gelu", "--digits", str(digits)])
            for _ in range(repeat)]
    (b_cpu, b_wall), (g_cpu, g_wall) = (tuple(min(r[i] for r in runs) for i in (0, 1)) for runs in (base, gelu))
    ratio = g_cpu / b_cpu
    print(f"cold import sympy, flint: {b_cpu:.2f} s CPU ({b_wall:.2f} s wall); gelu-math analyze gelu --digits {digits}: "
          f"{g_cpu:.2f} s CPU ({g_wall:.2f} s wall), fastest of {repeat} each")
    print(f"ratio analyze gelu / import sympy, flint (CPU, same run) = {ratio:.2f} (wall {g_wall / b_wall:.2f}); "
          f"target ≤ 2: {'met' if ratio <= 2 else 'NOT met'}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--digits", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="only the gelu ratio")
    args = ap.parse_args()
    gelu_ratio(args.digits, args.repeat)
    if args.quick:
        return
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
    print("targets: gelu ≤ 2× the cold import of sympy, flint; all < 60 s")


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
