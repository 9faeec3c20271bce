"""Benchmark and soundness sweep of the vectorised relaxations (gelu_math.relax.bounds).

    python bench/bench_relax.py                       # speed, 10^6-interval soundness, near-optimality (gelu)
    python bench/bench_relax.py --functions gelu,silu --intervals 200000 --optimality 100

1. **Speed** (same run): 200,000 intervals through ``bounds`` against numpy/scipy evaluating GELU
   (x·(1 + erf(x/√2))/2, scipy.special.erf) at 64 points of each interval; the ratio is printed
   (goal ≤ 4).  The curvature table is built before timing (once per function and process).
2. **Soundness**: random intervals — moderate, far-out (|l|, |u| up to 10⁴), tiny (u − l down to
   1e−12) and huge — checked at 64 grid points plus both ends: float64 f with its error bound first
   (a point counts as a violation only when the line is beyond f by more than that bound), and every
   point where float64 cannot decide is decided in Arb (512 bits, then 4096) on the exact definition
   (erf(a) written erfc(−a) − 1).
3. **Near-optimality**: for moderate random intervals, the float64 line's max gap (certified: branch
   and bound on f − line with the float64 numbers as exact rationals) over the certified optimum
   (``relax``'s chebyshev gap), as a distribution.
"""

from __future__ import annotations

import argparse
import sys
import time
from fractions import Fraction

import numpy as np
import sympy as sp
from flint import arb, ctx, fmpq

from gelu_math.definitions.registry import get
from gelu_math.definitions.symbols import x
from gelu_math.relax import bounds, relax
from gelu_math.relax.fast import table


def intervals(rng, n):
    kind = rng.integers(0, 4, n)
    c = np.where(kind == 0, rng.uniform(-6, 6, n), np.where(kind == 1, rng.uniform(-1e4, 1e4, n),
                                                            rng.uniform(-30, 30, n)))
    w = np.where(kind == 2, 10.0 ** rng.uniform(-12, -3, n), 10.0 ** rng.uniform(-3, 1.5, n))
    w = np.where(kind == 3, 10.0 ** rng.uniform(0, 4.3, n), w)
    lo = np.clip(c - w / 2, -1e4, 1e4)
    hi = np.clip(c + w / 2, -1e4, 1e4)
    return lo, np.maximum(lo, hi)


def speed(name, n, rng, reps=3):
    from scipy.special import erf

    table(name)
    c = rng.uniform(-6, 6, n)
    w = 10 ** rng.uniform(-3, 1, n)
    lo, hi = c - w / 2, c + w / 2
    best_base = best = {}
    base = []
    for _ in range(reps):
        t = time.perf_counter()
        xs = lo[:, None] + (hi - lo)[:, None] * np.linspace(0, 1, 64)[None, :]
        _ = 0.5 * xs * (1 + erf(xs / np.sqrt(2)))
        base.append(time.perf_counter() - t)
    best_base = min(base)
    out = {}
    for mode in ("chebyshev", "area"):
        ts = []
        for _ in range(reps):
            t = time.perf_counter()
            bounds(name, lo, hi, mode)
            ts.append(time.perf_counter() - t)
        out[mode] = min(ts)
    print(f"speed ({name}, {n} intervals, best of {reps}): numpy GELU at 64 points: {best_base:.3f} s")
    for mode, t in out.items():
        print(f"  bounds(mode={mode}): {t:.3f} s  ratio {t / best_base:.2f}  (goal <= 4)")
    del best


def _arb_point(name):
    from gelu_math.analysis.pieces import decompose
    from gelu_math.certified.arbeval import compile_arb

    a = sp.Wild("a")
    expr = get(name).expr.replace(sp.erf(a), sp.erfc(-a) - 1)
    pieces = decompose(expr)
    fns = [compile_arb(p.expr, x) for p in pieces.pieces]
    his = [None if p.hi == sp.oo else p.hi for p in pieces.pieces]
    balls = {}

    def F(q):
        for fn, h in zip(fns, his):
            if h is None:
                return fn(arb(q))
            hb = balls.get((h, ctx.prec))
            if hb is None:
                hb = balls[(h, ctx.prec)] = compile_arb(sp.sympify(h))(arb(0))
            if arb(q) < hb:
                return fn(arb(q))
            if not arb(q) > hb:
                return fn(arb(q)).union(fns[his.index(h) + 1](arb(q)))
        return None
    return F


def _fq(v) -> fmpq:
    return fmpq(*Fraction(float(v)).as_integer_ratio())


def soundness(name, n, rng, chunk=50000):
    t = table(name)
    F = _arb_point(name)
    violations = undecided = escalated = checked = 0
    start = time.perf_counter()
    for s in range(0, n, chunk):
        m = min(chunk, n - s)
        lo, hi = intervals(rng, m)
        lo[:4] = [-1e4, 1e4 - 1e-12, 0.0, -1e-300] if s == 0 else lo[:4]
        hi[:4] = [1e4, 1e4, 1e-12, 1e-300] if s == 0 else hi[:4]
        lo, hi = np.clip(lo, *t.reach), np.clip(hi, *t.reach)  # mish: the table ends at -88
        xs = lo[:, None] + (hi - lo)[:, None] * np.linspace(0, 1, 64)[None, :]
        xs = np.minimum(xs, hi[:, None])
        xs[:, 0], xs[:, -1] = lo, hi
        y, e = t.reference.float64_with_bound(xs.ravel())
        y, e = y.reshape(xs.shape), e.reshape(xs.shape)
        for mode in ("chebyshev", "area"):
            (al, bl), (au, bu) = bounds(name, lo, hi, mode)
            lv = al[:, None] * xs + bl[:, None]
            uv = au[:, None] * xs + bu[:, None]
            slack = 2.0 ** -50 * (np.abs(lv) + np.abs(y)) + e + 2.0 ** -1070
            checked += 2 * xs.size
            close = np.argwhere((lv > y - slack) | (uv < y + slack))
            for i, j in close:
                escalated += 1
                q = _fq(xs[i, j])
                decided = False
                for prec in (512, 4096):
                    ctx.prec = prec
                    v = F(q)
                    L = arb(_fq(al[i])) * arb(q) + arb(_fq(bl[i]))
                    U = arb(_fq(au[i])) * arb(q) + arb(_fq(bu[i]))
                    if L > v or U < v:
                        violations += 1
                        print(f"  VIOLATION {name} {mode} [{lo[i]!r}, {hi[i]!r}] at x = {xs[i, j]!r}")
                        decided = True
                        break
                    if L <= v and U >= v:
                        decided = True
                        break
                ctx.prec = 53
                undecided += not decided
    print(f"soundness ({name}): {n} intervals x 2 modes x 2 lines, {checked} (point, line) checks in "
          f"{time.perf_counter() - start:.1f} s: {violations} violations; {escalated} points decided in Arb, "
          f"{undecided} undecided at 4096 bits (f and the line agree to that)")
    return violations


def optimality(name, n, rng):
    from gelu_math.certified.balls import precision
    from gelu_math.relax.bb import extremes
    from gelu_math.relax.curve import curve

    c = curve(name)
    ratios = {"chebyshev": [], "area": []}
    cs = rng.uniform(-6, 6, n)
    ws = 10 ** rng.uniform(-2, 1, n)
    lo, hi = cs - ws / 2, cs + ws / 2
    lines = {mode: bounds(name, lo, hi, mode) for mode in ratios}
    for i in range(n):
        L, U = sp.Rational(*Fraction(lo[i]).as_integer_ratio()), sp.Rational(*Fraction(hi[i]).as_integer_ratio())
        r = relax(name, L, U, "chebyshev", digits=10)
        opt = float(r.lower.gap_max.ball.mid())
        if opt < 1e-9:
            continue
        for mode, ((al, bl), (au, bu)) in lines.items():
            with precision(128):
                el = extremes(c, _fq(lo[i]), _fq(hi[i]), _fq(al[i]), 1e-12 * opt, need_min=False)
                eu = extremes(c, _fq(lo[i]), _fq(hi[i]), _fq(au[i]), 1e-12 * opt, need_max=False)
                gl = float(el.max_hi) - float(Fraction(bl[i]))
                gu = float(Fraction(bu[i])) - float(eu.min_lo)
            ratios[mode].append(max(gl, gu) / opt)
    for mode, rs in ratios.items():
        rs = np.array(rs)
        print(f"near-optimality ({name}, {mode} lines vs the certified chebyshev optimum, {len(rs)} intervals, "
              f"width 0.01..10): median {np.median(rs):.4f}, 90% {np.quantile(rs, 0.9):.4f}, max {rs.max():.4f}")


TAILS = {  # far-out intervals where f is tiny or f − x is tiny, and linear pieces
    "gelu": ((-30, -20), (-38, -37), (-10, -5), (-1e4, -30), (5, 10), (20, 1e3)),
    "gelu_tanh": ((-12, -6), (6, 12)),
    "silu": ((-700, -600), (-40, -30), (30, 40)),
    "mish": ((-700, -600), (-40, -30)),
    "sigmoid": ((-700, -600), (30, 40)),
    "softplus": ((-700, -600), (30, 40)),
    "relu": ((-3, -1), (1, 1e4), (-1, 1)),
    "leaky_relu": ((-3, -1), (1, 2)),
    "hardtanh": ((-0.5, 0.5), (2, 9)),
    "elu": ((0, 3), (-40, -30)),
}


def tails(names=None):
    """Near-optimality where f is tiny, nearly linear or exactly linear: the float64 chebyshev pair's
    largest gap over the discrete optimum (scipy LP on 2001 grid points, f by mpmath at 60 digits on the
    exact definition, gaps computed in mpmath from the exact float64 line coefficients)."""
    import importlib.util
    import pathlib

    import mpmath as mp
    from scipy.optimize import linprog

    spec = importlib.util.spec_from_file_location("relax_soundness", pathlib.Path(__file__).with_name(
        "relax_soundness.py"))
    rs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rs)  # its cancellation-free forms (erfc(−a), log1p, expm1), here in mpmath
    lae = lambda a: a + mp.log1p(mp.exp(-a)) if a > 0 else mp.log1p(mp.exp(a))  # noqa: E731
    mods = [{"ERFCN": lambda a: mp.erfc(-a), "LAE": lae, "EXPM1": mp.expm1}, "mpmath"]
    print("| function | interval | float64 max gap (lower, upper) | grid optimum | ratio |")
    print("|---|---|---|---|---|")
    for name, ivs in TAILS.items():
        if names is not None and name not in names:
            continue
        f = sp.lambdify(x, rs.stable(get(name).expr, x), modules=mods)
        for lo, hi in ivs:
            (al, bl), (au, bu) = bounds(name, np.array([float(lo)]), np.array([float(hi)]))
            with mp.workdps(60):
                xs = [mp.mpf(float(lo)) + (mp.mpf(float(hi)) - mp.mpf(float(lo))) * k / 2000 for k in range(2001)]
                fx = [mp.mpf(f(t)) for t in xs]
                A, B, C, D = (mp.mpf(float(v[0])) for v in (al, bl, au, bu))
                gl = [fv - (A * t + B) for t, fv in zip(xs, fx)]
                gu = [(C * t + D) - fv for t, fv in zip(xs, fx)]
                assert min(gl) >= 0 and min(gu) >= 0, (name, lo, hi)
                ours = max(max(gl), max(gu))
                # discrete optimum: min E s.t. 0 <= f_j - a t_j - b <= E, on f - chord scaled to O(1)
                t0, t1 = xs[0], xs[-1]
                ch = [fx[0] + (fx[-1] - fx[0]) * (t - t0) / (t1 - t0) for t in xs]
                r = [fv - c for fv, c in zip(fx, ch)]
                scale = max(abs(v) for v in r)
            if scale == 0:
                opt = mp.mpf(0)
            else:
                rr = np.array([float(v / scale) for v in r])
                tt = np.linspace(0.0, 1.0, 2001)
                Am = np.vstack([np.column_stack([tt, np.ones_like(tt), np.zeros_like(tt)]),
                                np.column_stack([-tt, -np.ones_like(tt), -np.ones_like(tt)])])
                lp = linprog([0, 0, 1], A_ub=Am, b_ub=np.concatenate([rr, -rr]), bounds=[(None, None)] * 3,
                             method="highs")
                opt = mp.mpf(lp.x[2]) * scale
            ratio = "exact (0 = 0)" if ours == 0 and opt == 0 else ("inf" if opt == 0 else f"{float(ours / opt):.4f}")
            print(f"| {name} | [{lo:g}, {hi:g}] | {mp.nstr(max(gl), 3)}, {mp.nstr(max(gu), 3)} | {mp.nstr(opt, 3)} | "
                  f"{ratio} |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--functions", default="gelu", help="comma-separated names, or 'all'")
    ap.add_argument("--intervals", type=int, default=10 ** 6, help="soundness sweep size per function")
    ap.add_argument("--speed", type=int, default=200000)
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each timing (the best is kept)")
    ap.add_argument("--optimality", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tails", action="store_true", help="only the near-optimality table of far-out and linear pieces")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    if args.tails:
        tails(None if args.functions in ("gelu", "all") and "--functions" not in (argv or sys.argv)
              else (None if args.functions == "all" else args.functions.split(",")))
        return 0
    bad = 0
    from gelu_math.definitions.registry import names

    from gelu_math.errors import UnsupportedError

    for name in (names() if args.functions == "all" else args.functions.split(",")):
        try:
            table(name)
        except UnsupportedError as exc:
            print(f"{name}: not served by bounds(): {exc}")
            continue
        if args.speed:
            speed(name, args.speed, rng, args.reps)
        if args.intervals:
            bad += soundness(name, args.intervals, rng)
        if args.optimality:
            optimality(name, args.optimality, rng)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
