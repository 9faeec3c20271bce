"""Benchmark: certified envelope of the tanh form over ℝ vs Sollya's infnorm on [-10, 10].

    python bench/bench_envelope.py [--repeat 3] [--sollya-timeout 120] [--no-install]

Issue #20 target: sup|gelu_tanh − gelu| over all of ℝ at relative enclosure width ≤ 1e-25 in at
most half the time of Sollya's ``infnorm`` on [-10, 10] (ratio ≤ 0.5, same run, cold process).
Sollya (Debian package ``sollya``) is installed with apt-get when missing and allowed, else its
rows are skipped.  Every row is a fresh process (cold: imports, SymPy derivatives, tail proofs,
branch and bound), run ``--repeat`` times; the table shows the fastest run's CPU seconds (user +
system of the child, robust on a loaded machine) and wall seconds.  Sollya is run at the issue's
setting (prec=165, diam=1e-16) and at stronger ones; the ratio is taken against the fastest Sollya
setting whose enclosure reaches relative width ≤ 1e-25.  The baseline row is a cold
``import sympy, flint``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from decimal import Decimal, getcontext

getcontext().prec = 80

TARGET_WIDTH = Decimal("1e-25")
TARGET_RATIO = 0.5
DIGITS = (23, 30)  # 23 digits: relative width 2e-26 ≤ 1e-25 (the sup is about 4.7e-4)

GELU_MATH = [sys.executable, "-c",
             "import sys; from gelu_math.envelope import envelope; from gelu_math.render.envelope import "
             "interval_strings as s; e = envelope('gelu_tanh', digits=int(sys.argv[1])); print(*s(e.sup, int(sys.argv[1])))"]

SOLLYA = """prec={prec};
display=decimal;
diam={diam};
f = x/2*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3))) - x/2*(1+erf(x/sqrt(2)));
r = infnorm(f, [-10;10]);
r;
quit;
"""
# (prec, diam): the setting first.  Sollya's infnorm thrashes when prec is too low for the
# requested diam (prec=100 with diam=1e-16, prec=120/160 with diam=1b-85 did not finish in 240 s)
SOLLYA_SETTINGS = ((165, "1e-16"), (200, "1e-16"), (250, "1b-85"))


def _run(cmd: list[str], stdin: str | None = None, timeout: float | None = None) -> tuple[float, float, str]:
    """(CPU seconds of the child, wall seconds, stdout) of one cold run (Sollya's exit status is not
    checked: its enclosure is read from the output)."""
    before = os.times()
    t = time.perf_counter()
    out = subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=stdin is None,
                         timeout=timeout).stdout
    wall = time.perf_counter() - t
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return cpu, wall, out


def _best(cmd, repeat, stdin=None, timeout=None):
    runs = [_run(cmd, stdin, timeout) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2]


def _rel_width(lo: str, hi: str) -> Decimal:
    lo_d, hi_d = Decimal(lo), Decimal(hi)
    return (hi_d - lo_d) / hi_d


def _sollya(prec: int, diam: str, repeat: int, timeout: float):
    try:
        cpu, wall, out = _best(["sollya"], repeat, SOLLYA.format(prec=prec, diam=diam), timeout)
    except subprocess.TimeoutExpired:
        return None
    m = re.search(r"\[([-0-9.e+]+);([-0-9.e+]+)\]", out)
    return cpu, wall, (_rel_width(m.group(1), m.group(2)) if m else None)


def _ensure_sollya(install: bool) -> bool:
    if shutil.which("sollya"):
        return True
    if not install or not shutil.which("apt-get"):
        return False
    subprocess.run(["apt-get", "install", "-y", "-q", "sollya"], capture_output=True)
    return shutil.which("sollya") is not None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sollya-timeout", type=float, default=120)
    ap.add_argument("--no-install", action="store_true")
    args = ap.parse_args()
    base_cpu, base_wall, _ = _best([sys.executable, "-c", "import sympy, flint"], args.repeat)
    rows = [("baseline: cold import sympy, flint", "-", base_cpu, base_wall, None)]
    ours = {}
    for digits in DIGITS:
        cpu, wall, out = _best(GELU_MATH + [str(digits)], args.repeat)
        ours[digits] = (cpu, wall, _rel_width(*out.split()))
        rows.append((f"gelu-math envelope gelu_tanh, digits={digits}", "ℝ", cpu, wall, ours[digits][2]))
    sollya = {}
    if _ensure_sollya(not args.no_install):
        for prec, diam in SOLLYA_SETTINGS:
            sollya[(prec, diam)] = r = _sollya(prec, diam, args.repeat, args.sollya_timeout)
            label = f"sollya infnorm prec={prec} diam={diam}"
            rows.append((label, "[-10, 10]", *(r if r else (None, None, None))))
    else:
        rows.append(("sollya: not installed (skipped)", "-", None, None, None))
    print(f"{'run (fastest of ' + str(args.repeat) + ', cold processes)':<48} {'domain':<10} {'CPU s':>7} "
          f"{'wall s':>7} {'rel. width':>11}")
    for label, dom, cpu, wall, w in rows:
        cs = "timeout" if cpu is None and label.startswith("sollya infnorm") else ("-" if cpu is None else f"{cpu:7.2f}")
        ws = "-" if wall is None else f"{wall:7.2f}"
        print(f"{label:<48} {dom:<10} {cs:>7} {ws:>7} {'-' if w is None else f'{float(w):.2e}':>11}")
    cpu, wall, width = ours[DIGITS[0]]
    print(f"\ngelu-math over ℝ at rel. width {float(width):.1e} (target ≤ {float(TARGET_WIDTH):.0e}: "
          f"{'met' if width <= TARGET_WIDTH else 'NOT met'}): {cpu:.2f} s CPU, {cpu / base_cpu:.2f}× the cold "
          f"import of sympy + flint")
    matched = [(k, r) for k, r in sollya.items() if r and r[2] is not None and r[2] <= TARGET_WIDTH]
    if matched:
        (prec, diam), (s_cpu, s_wall, s_w) = min(matched, key=lambda kr: kr[1][0])
        ratio = cpu / s_cpu
        print(f"fastest Sollya setting reaching ≤ {float(TARGET_WIDTH):.0e} on [-10, 10]: prec={prec} diam={diam} "
              f"({float(s_w):.1e}) in {s_cpu:.2f} s CPU")
        print(f"ratio gelu-math / Sollya (CPU, same run) = {ratio:.2f}  (wall {wall / s_wall:.2f}); "
              f"target ≤ {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'NOT met'}")
    elif sollya:
        print(f"no Sollya setting reached {float(TARGET_WIDTH):.0e} within {args.sollya_timeout:.0f} s per run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
