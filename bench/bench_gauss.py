"""Benchmark: ``gauss NAME --digits N`` moments for every registered function against mpmath ``quad``.

For each function, in the same run and process:

* gelu-math: ``gelu_math.gauss.moments(name, digits=N)`` — E f, E f², Var f, E f′² exact or
  certified (including the certified sup|f′| the tail bound needs, which is most of the time
  for functions without polynomial tails);
* mpmath: ``mp.quad`` at ``mp.dps = N`` of f·φ, f²·φ, f′²·φ over each piece (split at the
  breakpoints), each piece's definition lambdified from the same SymPy expression — an
  uncertified estimate.

Prints seconds for both, their ratio, how many moments were exact, and whether mpmath's value
lies in the certified ball.  ``python bench/bench_gauss.py [--digits 30] [--only NAME ...]``.
"""

from __future__ import annotations

import argparse
import time

import mpmath as mp
import sympy as sp


def _mpmath_moments(name: str, digits: int) -> tuple[list, float]:
    from gelu_math.analysis.pieces import decompose
    from gelu_math.definitions.registry import get
    from gelu_math.definitions.symbols import x

    start = time.perf_counter()
    pieces = decompose(get(name).expr)
    out = []
    with mp.workdps(digits):
        for kind in ("f", "f2", "fp2"):
            total = mp.mpf(0)
            for p in pieces.pieces:
                e = p.expr if kind != "fp2" else sp.diff(p.expr, x)
                g = sp.lambdify(x, e ** (1 if kind == "f" else 2), "mpmath")
                lo = -mp.inf if p.lo == -sp.oo else mp.mpf(sp.N(p.lo, digits + 10))
                hi = mp.inf if p.hi == sp.oo else mp.mpf(sp.N(p.hi, digits + 10))
                pts = [lo, 0, hi] if lo < 0 < hi else [lo, hi]
                total += mp.quad(lambda z: g(z) * mp.npdf(z), pts)
            out.append(total)
    return out, time.perf_counter() - start


def main(argv=None) -> None:
    from gelu_math.definitions.registry import names
    from gelu_math.gauss import moments

    ap = argparse.ArgumentParser()
    ap.add_argument("--digits", type=int, default=30)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args(argv)
    rows = []
    print(f"{'function':<16} {'gelu-math s':>11} {'mpmath s':>9} {'ratio':>6} {'exact':>5}  mpmath in ball")
    for name in args.only or names():
        t0 = time.perf_counter()
        m = moments(name, digits=args.digits).moments
        ours = time.perf_counter() - t0
        ref, theirs = _mpmath_moments(name, args.digits)
        inside = []
        with mp.workdps(args.digits + 10):  # at the benchmark's digits, not in float64
            ref = ref + [ref[1] - ref[0] ** 2]  # Var = E f² − (E f)², from mpmath's two moments
            for key, r in zip(("mean", "second", "fprime_second", "variance"), ref):
                b = m[key].value.ball
                slack = mp.mpf(10) ** (-args.digits + 2) * max(1, abs(r))  # mpmath's own (uncertified) error
                inside.append(b is not None and abs(mp.mpf(b.mid().str(args.digits + 10, radius=False)) - r)
                              <= mp.mpf(b.rad().str(5, radius=False)) * 2 + slack)
        exact = sum(v.method.value == "exact" for v in m.values())
        rows.append((name, ours, theirs))
        print(f"{name:<16} {ours:>11.2f} {theirs:>9.2f} {ours / theirs:>6.1f} {exact:>3}/4  "
              f"{'yes' if all(inside) else 'NO'}", flush=True)
    tot_o, tot_t = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{'total':<16} {tot_o:>11.2f} {tot_t:>9.2f} {tot_o / tot_t:>6.1f}")


if __name__ == "__main__":
    main()
