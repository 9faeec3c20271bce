"""Benchmark: ``gauss NAME --digits N`` moments for every registered function against mpmath ``quad``.

For each function, in the same run and process:

* gelu-math: ``gelu_math.gauss.moments(name, digits=N)`` — E f, E f², Var f, E f′² exact or
  certified (including the certified sup|f′| the tail bound needs, which is most of the time
  for functions without polynomial tails);
* mpmath: ``mp.quad`` at ``mp.dps = N`` of f·φ, f²·φ, f′²·φ over each piece (split at the
  breakpoints), each piece's definition lambdified from the same SymPy expression — an
  uncertified estimate.

Prints seconds for both, their ratio, how many moments were exact, whether mpmath's value lies in
the certified ball, and how much of gelu-math's time went into stating the exact closed forms
(``gauss.phiform.tidy``: Φ of constants, expansion, one denominator — mpmath has no counterpart) with
the ratio without it.  mpmath is given the pieces (``decompose``, cached by then) for free.
``python bench/bench_gauss.py [--digits 30] [--only NAME ...]``.
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
    import importlib

    M = importlib.import_module("gelu_math.gauss.moments")  # the module (the package exports the function)

    spent = [0.0]
    tidy = M.tidy

    def timed_tidy(e):
        t = time.perf_counter()
        try:
            return tidy(e)
        finally:
            spent[0] += time.perf_counter() - t

    M.tidy = timed_tidy  # the closed forms' stated form, timed (the module looks it up at each call)
    rows = []
    print(f"{'function':<16} {'gelu-math s':>11} {'mpmath s':>9} {'ratio':>6} {'exact':>5}  mpmath in ball"
          f"  {'tidy s':>10} {'ratio w/o':>9}")
    for name in args.only or names():
        spent[0] = 0.0
        t0 = time.perf_counter()
        m = moments(name, digits=args.digits).moments
        ours = time.perf_counter() - t0
        simp = spent[0]
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
        rows.append((name, ours, theirs, simp))
        print(f"{name:<16} {ours:>11.2f} {theirs:>9.2f} {ours / theirs:>6.1f} {exact:>3}/4  "
              f"{'yes' if all(inside) else 'NO':<14}  {simp:>10.2f} {(ours - simp) / theirs:>9.1f}", flush=True)
    tot_o, tot_t, tot_s = (sum(r[i] for r in rows) for i in (1, 2, 3))
    print(f"{'total':<16} {tot_o:>11.2f} {tot_t:>9.2f} {tot_o / tot_t:>6.1f} {'':>5}  {'':<14}  {tot_s:>10.2f} "
          f"{(tot_o - tot_s) / tot_t:>9.1f}")
    slower = [r[0] for r in rows if r[1] > r[2]]
    print(f"slower than mpmath: {len(slower)} of {len(rows)}{' (' + ', '.join(slower) + ')' if slower else ''}")


if __name__ == "__main__":
    main()
