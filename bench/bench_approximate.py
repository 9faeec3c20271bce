"""Benchmark: ``gelu-math approximate gelu --degree 8 --on=-4,4`` against Sollya's ``remez`` +
``supnorm`` on the same interval, in the same run.

    python bench/bench_approximate.py [--degree 8] [--on=-4,4] [--repeat 3] [--no-install]
    python bench/bench_approximate.py --family      # the Approximations report's designed family

Issue 18 target: no slower than Sollya, while certifying over all of ℝ (Sollya's supnorm
certifies [LO, HI] only).  Both are timed as fresh processes (cold: imports, symbolic
derivatives, tail proofs).  Sollya (Debian package ``sollya``) is installed with apt-get when
missing and allowed, else its rows are skipped.  The baseline row is a cold
``import sympy, flint`` measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time

SOLLYA = """prec=128;
display=decimal;
f = x/2*(1+erf(x/sqrt(2)));
p = remez(f, {degree}, [{lo};{hi}]);
r = supnorm(p, f, [{lo};{hi}], absolute, 2^-30);
r;
"""


def _cold(cmd: list[str], stdin: str | None = None, timeout: float = 600, check: bool = True) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=check, timeout=timeout).stdout
    return time.perf_counter() - t, out


def _ensure_sollya(install: bool) -> bool:
    if shutil.which("sollya"):
        return True
    if not install or not shutil.which("apt-get"):
        return False
    subprocess.run(["apt-get", "install", "-y", "-q", "sollya"], capture_output=True)
    return shutil.which("sollya") is not None


def _family() -> int:
    """CPU and wall time of the designed family (D = 2…16 on [−4, 4] and [−8, 8], exact and float16
    coefficients: 60 certified designs), per interval, in-process."""
    from gelu_math.approximate.family import DEGREES, FORMATS, family

    for on in (("-4", "4"), ("-8", "8")):
        c, t = time.process_time(), time.perf_counter()
        members = family(degrees=DEGREES, intervals=(on,), formats=FORMATS)
        print(f"family on [{on[0]}, {on[1]}]: {len(members)} designs, cpu {time.process_time() - c:6.1f} s, "
              f"wall {time.perf_counter() - t:6.1f} s")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--family", action="store_true", help="time the designed family of the Approximations report")
    ap.add_argument("--degree", type=int, default=8)
    ap.add_argument("--on", default="-4,4")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-install", action="store_true")
    args = ap.parse_args()
    if args.family:
        return _family()
    lo, hi = args.on.split(",")
    base = min(_cold([sys.executable, "-c", "import sympy, flint"])[0] for _ in range(args.repeat))
    print(f"baseline: cold import sympy, flint          {base:7.2f} s")
    cmd = [sys.executable, "-m", "gelu_math", "approximate", "gelu", "--degree", str(args.degree), f"--on={args.on}",
           "--json"]
    runs = [_cold(cmd) for _ in range(args.repeat)]
    ours = min(t for t, _ in runs)
    j = json.loads(runs[0][1])
    print(f"gelu-math approximate (certified over R)    {ours:7.2f} s   sup_on in [{j['sup_on']['lower']}, "
          f"{j['sup_on']['upper']}], sup over R in [{j['sup']['lower']}, {j['sup']['upper']}], "
          f"optimality ratio <= {j['optimality']['ratio']}")
    if not _ensure_sollya(not args.no_install):
        print("sollya: not installed (skipped)")
        return 0
    script = SOLLYA.format(degree=args.degree, lo=lo, hi=hi)
    sruns = [_cold(["sollya", "--warnonstderr"], script, check=False) for _ in range(args.repeat)]
    theirs = min(t for t, _ in sruns)
    m = re.search(r"\[([-0-9.e+]+);([-0-9.e+]+)\]", sruns[0][1])
    print(f"sollya remez + supnorm (on [LO, HI] only)   {theirs:7.2f} s   "
          f"supnorm in [{m.group(1)}, {m.group(2)}]" if m else f"sollya output: {sruns[0][1]!r}")
    print(f"ratio gelu-math / sollya: {ours / theirs:.2f} (target <= 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
