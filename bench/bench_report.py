"""Benchmark: cold `gelu-math report` times (issue #4 targets).

Targets: every registered function under 60 s cold on 2 cores; a single function under 5 s.
Each row is a fresh process writing into a temporary directory (cold: imports and SymPy caches
included; nothing is reused between rows).  The baseline, measured in the same run, is the cold
start of `python -c "import sympy, flint"`.  Worker processes default to the CPU count; on a
shared machine the all-functions row depends on the load (`uptime` is printed).

``--against REV`` (e.g. the commit before the property registry, ``ce639dd^``) also times the
same commands with the package of git revision REV (a temporary ``git worktree``), alternating
old and new runs in the same session, and prints new/old ratios: the check that a redesign made
``analyze`` and ``report`` no slower.

``--same-content`` (with ``--against``) runs the new side without the properties that came after
the registry (:data:`LATER`: the Gaussian, network and relaxation sections, whose work the old
revision never did), so both sides write the same report and the ratio measures the redesign
itself; the bench says how many of the files the two sides wrote differ.

Run:  python bench/bench_report.py [--serial] [--names gelu relu] [--against REV [--repeat 3] [--same-content]]
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


LATER = ("relaxations", "network", "gaussian")  # properties added after the registry (ce639dd), dependants first

# the command line with the LATER properties unregistered (what --same-content runs on the new side)
WITHOUT_LATER = ("import sys; from gelu_math.properties import unregister\n"
                 f"for k in {LATER!r}: unregister(k)\n"
                 "from gelu_math.cli import main; sys.exit(main(sys.argv[1:]))")


def _files(d: str) -> dict:
    out = {}
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def against(rev: str, names, repeat: int, same_content: bool = False) -> None:
    """new/old same-run ratios of `analyze NAME` and `report --only NAME` against revision ``rev``."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        old = os.path.join(tmp, "old")
        subprocess.run(["git", "-C", repo, "worktree", "add", "--detach", old, rev], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            print(f"\nnew (this checkout) against {rev}: median of {repeat} cold runs each, alternating")
            print(f"{'command':<44} {'new s':>7} {'old s':>7} {'new/old':>8}")
            for name in names:
                for label, cmd in ((f"analyze {name}", ["analyze", name]),
                                   (f"report --only {name} --figures ''", ["report", "--only", name, "--figures", ""])):
                    times = {"new": [], "old": []}
                    written = {}
                    for _ in range(repeat):
                        for which, path in (("new", repo), ("old", old)):
                            with tempfile.TemporaryDirectory() as d:
                                extra = ["--out", d] if cmd[0] == "report" else []
                                env = dict(os.environ, PYTHONPATH=path)
                                start = ["-c", WITHOUT_LATER] if which == "new" and same_content else ["-m", "gelu_math"]
                                t = time.perf_counter()
                                subprocess.run([sys.executable, *start, *cmd, *extra], check=True,
                                               stdout=subprocess.DEVNULL, env=env, cwd=d)
                                times[which].append(time.perf_counter() - t)
                                written[which] = _files(d)
                    new, old_t = (sorted(times[k])[len(times[k]) // 2] for k in ("new", "old"))
                    note = ""
                    if cmd[0] == "report":
                        a, b = written["new"], written["old"]
                        differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                        note = f"  files differing: {len(differ)} of {len(set(a) | set(b))}"
                        if differ:
                            note += f" ({', '.join(differ[:4])}{', ...' if len(differ) > 4 else ''})"
                    print(f"{label:<44} {new:7.2f} {old_t:7.2f} {new / old_t:8.2f}{note}")
        finally:
            subprocess.run(["git", "-C", repo, "worktree", "remove", "--force", old], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--serial", action="store_true", help="also time all functions with --jobs 1")
    ap.add_argument("--names", nargs="+", default=["gelu", "gelu_tanh"], help="single-function rows")
    ap.add_argument("--against", metavar="REV", help="also time against git revision REV (new/old ratios)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per command with --against (median)")
    ap.add_argument("--same-content", action="store_true",
                    help="with --against: the new side without the properties added after the registry")
    args = ap.parse_args()
    if args.against:
        against(args.against, args.names, args.repeat, args.same_content)
        return
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
