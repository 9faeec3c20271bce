"""Independent soundness sweep of the vectorised relaxations ``gelu_math.relax.bounds``.

    python bench/relax_soundness.py                                  # every served function, 10^6 intervals each
    python bench/relax_soundness.py --functions gelu,silu --intervals 20000 --prove 50 --jobs 2

For each function and both modes (chebyshev, area) the lines of ``bounds`` on random intervals —
moderate (centre in [−6, 6]), far out (centre up to ±10⁴), tiny (u − l from 1e−12) and huge
(u − l up to 2·10⁴), plus fixed extremes — are checked against f by code that shares nothing with
gelu-math's certified machinery (not its Arb compiler, its float64 reference, its curvature table or
its branch and bound):

1. **Points** (every interval, both lines): at both ends and 14 interior points.  f is evaluated in
   float64 by SymPy's ``lambdify`` (numpy/scipy) on the exact definition with erf(a) written
   erfc(−a) − 1, so the left tails keep their digits.  A point passes on this evidence only when
   the line is on the right side of f by more than 2⁻²⁶·(|f| + |a·x| + |b|) + 2⁻¹⁰⁰⁰ (a float64
   evaluation error larger than that would be a defect of numpy/scipy); every other point is
   decided in Arb (python-flint, 256 bits, then 1024 and 4096) by the evaluator below.
2. **Proofs** (a random subsample of ``--prove`` intervals per function and mode, both lines): the
   line is proved below (above) f on the *whole* interval: g = f − line (line − f) is enclosed on
   boxes by interval evaluation in Arb and by the mean-value form g(m) + g′(B)·(B − m), and boxes
   are halved until every enclosure is ≥ 0 (proved), a point with g < 0 is found (violation), or
   a cap of boxes is reached (reported as "unproved"; never counted as sound).

The Arb evaluator walks the SymPy tree: Add, Mul, Pow, exp, log, tanh, erf, erfc, sin, constants
and Piecewise (on a box: every branch that may be the first true one, each on the part of the box
where its condition can hold, joined), with exact rational inputs.

Prints one line per function and mode, then a summary table (Markdown) with intervals, point
checks, points decided in Arb, violations, proofs (proved / unproved / violated) and time.
"""

from __future__ import annotations

import argparse
import sys
import time
from fractions import Fraction
from multiprocessing import get_context

import numpy as np
import sympy as sp
from flint import arb, ctx, fmpq

POINTS = 16
SCREEN_REL = 2.0 ** -36
SCREEN_ABS = 2.0 ** -1000
PRECS = (256, 1024, 4096)
MAX_BOXES = 1500


# --- the independent evaluator ----------------------------------------------------------------

def _fq(v) -> fmpq:
    return fmpq(*Fraction(v).as_integer_ratio()) if isinstance(v, float) else fmpq(int(v.p), int(v.q))


def _relation(cond, x):
    """(op, c) with the condition read as ``x op c`` (op in <, <=, >, >=), or None for True."""
    if cond is sp.true or cond == True:  # noqa: E712
        return None
    lhs, rhs, op = cond.lhs, cond.rhs, cond.rel_op
    if rhs == x:
        lhs, rhs = rhs, lhs
        op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
    if lhs != x or rhs.free_symbols:
        raise ValueError(f"unsupported condition {cond}")
    return op, rhs


class Evaluator:
    """f (and f′) in Arb on exact points and boxes [p, q], compiled once from the SymPy tree into
    closures ``fn(X, p, q)`` (X the ball of the box, p and q its ends as balls)."""

    def __init__(self, expr, x):
        self.x = x
        self.f = self.compile(expr)
        self.df = self.compile(sp.diff(expr, x))

    def compile(self, e):
        if e == self.x:
            return lambda X, p, q: X
        if not e.free_symbols:
            return _constant(e)
        if e.is_Add or e.is_Mul:
            parts = [self.compile(a) for a in e.args]
            if e.is_Add:
                def add(X, p, q):
                    out = parts[0](X, p, q)
                    for g in parts[1:]:
                        out = out + g(X, p, q)
                    return out
                return add

            def mul(X, p, q):
                out = parts[0](X, p, q)
                for g in parts[1:]:
                    out = out * g(X, p, q)
                return out
            return mul
        if e.is_Pow:
            b, n = e.args
            gb = self.compile(b)
            if n.is_Integer:
                k = int(n)
                return (lambda X, p, q: gb(X, p, q) ** k) if k >= 0 else (lambda X, p, q: 1 / gb(X, p, q) ** -k)
            if n == sp.Rational(1, 2):
                return lambda X, p, q: gb(X, p, q).sqrt()
            gn = self.compile(n)
            return lambda X, p, q: (gn(X, p, q) * gb(X, p, q).log()).exp()
        if isinstance(e, sp.Piecewise):
            return self._piecewise(e)
        (a,) = e.args
        ga, fn = self.compile(a), ARB[e.func.__name__]
        return lambda X, p, q: fn(ga(X, p, q))

    def _piecewise(self, e):
        """On [p, q]: join the branches that may be the first true one, each on its part of the box."""
        branches = []
        for expr, cond in e.args:
            rel = _relation(cond, self.x)
            branches.append((self.compile(expr), None if rel is None else (rel[0], _constant(rel[1]))))

        def pw(X, p, q):
            lo, hi = p, q  # the part of the box not yet claimed by an earlier branch
            out = None
            for g, rel in branches:
                if rel is None:
                    part, rest = (lo, hi), None
                else:
                    op, c = rel
                    C = c(None, None, None)
                    if op in ("<", "<="):
                        part, rest = (lo, _min(hi, C)), (_max(lo, C), hi)
                    else:
                        part, rest = (_max(lo, C), hi), (lo, _min(hi, C))
                if _nonempty(part):
                    a, b = part
                    Y = a if a is b else _join(a, b)
                    v = g(Y, a, b)
                    out = v if out is None else out.union(v)
                if rest is None or not _nonempty(rest):
                    break
                lo, hi = rest
            return out
        return pw

    @staticmethod
    def value(fn, p, q):
        """An enclosure of a compiled ``fn`` on [p, q] (p, q exact arb points; p is q for a point)."""
        X = p if p is q else _join(p, q)
        return fn(X, p, q)


def _constant(e):
    """A closure returning the ball of the constant e at the working precision (cached per precision)."""
    if e.is_Rational:
        v = fmpq(int(e.p), int(e.q))
        return lambda X, p, q: arb(v)
    cache: dict = {}

    def const(X, p, q):
        if ctx.prec not in cache:
            cache[ctx.prec] = _const_eval(e)
        return cache[ctx.prec]
    return const


def _const_eval(e) -> arb:
    if e.is_Rational:
        return arb(fmpq(int(e.p), int(e.q)))
    if e is sp.pi:
        return arb.pi()
    if e is sp.E:
        return arb(1).exp()
    if e.is_Add:
        out = arb(0)
        for a in e.args:
            out += _const_eval(a)
        return out
    if e.is_Mul:
        out = arb(1)
        for a in e.args:
            out *= _const_eval(a)
        return out
    if e.is_Pow:
        b, n = e.args
        B = _const_eval(b)
        if n.is_Integer:
            return B ** int(n) if n >= 0 else 1 / B ** int(-n)
        if n == sp.Rational(1, 2):
            return B.sqrt()
        return (_const_eval(n) * B.log()).exp()
    (a,) = e.args
    return ARB[e.func.__name__](_const_eval(a))


def _join(a: arb, b: arb) -> arb:
    return a.union(b)


def _min(a: arb, b: arb) -> arb:
    """The smaller end where the order is certain; otherwise the larger upper end (a superset)."""
    if a < b:
        return a
    if b < a:
        return b
    return arb.max(a.upper(), b.upper())


def _max(a: arb, b: arb) -> arb:
    if a > b:
        return a
    if b > a:
        return b
    return arb.min(a.lower(), b.lower())


def _nonempty(part) -> bool:
    a, b = part
    return not (a > b)


# Cancellation-free forms (the same functions): erf(a) = erfc(−a) − 1 with erfc(−a) kept as it is
# (ERFCN(a) = erfc(−a): SymPy would rewrite erfc(−a) as 2 − erfc(a)), 1 + tanh(u) = 2/(1 + e^(−2u)),
# log(1 + e^u) = LAE(u) (numpy logaddexp(0, u)), c·e^u − c = c·expm1(u).
class ERFCN(sp.Function):
    def fdiff(self, argindex=1):
        return 2 / sp.sqrt(sp.pi) * sp.exp(-self.args[0] ** 2)


class LAE(sp.Function):
    def fdiff(self, argindex=1):
        return 1 / (1 + sp.exp(-self.args[0]))


class EXPM1(sp.Function):
    def fdiff(self, argindex=1):
        return sp.exp(self.args[0])


def _lae(A: arb) -> arb:
    if A > 0:
        return A + (-A).exp().log1p()
    return A.exp().log1p()


ARB = {"exp": arb.exp, "log": arb.log, "tanh": arb.tanh, "erf": arb.erf, "erfc": arb.erfc, "sin": arb.sin,
       "cos": arb.cos, "ERFCN": lambda A: (-A).erfc(), "LAE": _lae, "EXPM1": arb.expm1}


def stable(expr, x):
    w = sp.Wild("w")
    e = expr.replace(sp.erf(w), ERFCN(w) - 1)
    e = e.replace(lambda t: t.is_Add and len(t.args) == 2 and sp.Integer(1) in t.args
                  and any(isinstance(a, sp.tanh) for a in t.args),
                  lambda t: 2 / (1 + sp.exp(-2 * next(a for a in t.args if isinstance(a, sp.tanh)).args[0])))
    e = e.replace(sp.log(sp.exp(w) + 1), LAE(w))
    e = e.replace(lambda t: t.is_Add and len(t.args) == 2 and any(isinstance(a, sp.exp) or (a.is_Mul and any(
        isinstance(b, sp.exp) for b in a.args)) for a in t.args) and any(a.is_Number for a in t.args),
        _expm1)
    return e


def _expm1(t):
    num = next(a for a in t.args if a.is_Number)
    other = next(a for a in t.args if not a.is_Number)
    coeff, ex = (sp.Integer(1), other) if isinstance(other, sp.exp) else other.as_independent(sp.exp)
    if isinstance(ex, sp.exp) and sp.simplify(coeff + num) == 0:
        return coeff * EXPM1(ex.args[0])
    return t


def _setup(name):
    import scipy.special as sc

    from gelu_math.definitions.registry import get
    from gelu_math.definitions.symbols import x

    expr = stable(get(name).expr, x)
    fl = sp.lambdify(x, expr, modules=[{"ERFCN": lambda a: sc.erfc(-a), "LAE": lambda a: np.logaddexp(0.0, a),
                                        "EXPM1": np.expm1}, "scipy", "numpy"])
    # points: the same form compiled to Arb calls (π as a call, so it follows the working precision; every
    # rational is an exact mpf(p)/mpf(q) division in Arb; a Piecewise condition is taken only when Arb
    # decides it, and the sample points are never within 2^-200 of an irrational breakpoint)
    pif = sp.Function("PIF")
    point = sp.lambdify(x, expr.replace(sp.pi, pif(1)), modules=[
        {"mpf": arb, "sqrt": lambda v: arb(v).sqrt(), "PIF": lambda _: arb.pi(), **ARB}, "mpmath"])
    return Evaluator(expr, x), fl, point


def _intervals(rng, n, reach):
    kind = rng.integers(0, 4, n)
    c = np.where(kind == 0, rng.uniform(-6, 6, n), np.where(kind == 1, rng.uniform(-1e4, 1e4, n),
                                                            rng.uniform(-60, 60, n)))
    w = np.where(kind == 2, 10.0 ** rng.uniform(-12, -3, n), 10.0 ** rng.uniform(-3, 1.5, n))
    w = np.where(kind == 3, 10.0 ** rng.uniform(0, 4.3, n), w)
    lo = np.clip(c - w / 2, *reach)
    hi = np.clip(c + w / 2, *reach)
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    fixed_lo = np.array([-1e4, 1e4 - 1e-12, 0.0, -1e-300, -3.0, -40.0, -1e4, 5.0])
    fixed_hi = np.array([1e4, 1e4, 1e-12, 1e-300, 3.0, -37.0, -30.0, 5.0 + 2.0 ** -40])
    fixed_lo, fixed_hi = np.clip(fixed_lo, *reach), np.clip(fixed_hi, *reach)
    m = min(n, len(fixed_lo))
    lo[:m], hi[:m] = fixed_lo[:m], fixed_hi[:m]
    return lo, hi


def _arb_sign(ev, t: float, a: float, b: float, side: int) -> int:
    """1 when the gap side·(line − f) at t is ≥ 0 (sound there), −1 when it is < 0 (a violation), 0 when
    undecided at the highest precision."""
    old = ctx.prec
    try:
        q = _fq(t)
        for prec in PRECS:
            ctx.prec = prec
            T = arb(q)
            gap = side * (arb(_fq(a)) * T + arb(_fq(b)) - ev(T))
            if gap >= 0:
                return 1
            if gap < 0:
                return -1
        return 0
    finally:
        ctx.prec = old


def check_points(point, fl, lo, hi, lines):
    """(checks, escalated, violations, undecided) over both lines of every interval."""
    frac = np.linspace(0.0, 1.0, POINTS)
    xs = lo[:, None] + (hi - lo)[:, None] * frac[None, :]
    xs = np.minimum(xs, hi[:, None])
    xs[:, 0], xs[:, -1] = lo, hi
    with np.errstate(all="ignore"):
        F = np.broadcast_to(np.asarray(fl(xs), dtype=np.float64), xs.shape)
    checks = escalated = bad = undecided = 0
    bad_list = []
    for side, (a, b) in ((-1, lines[0]), (1, lines[1])):
        L = a[:, None] * xs + b[:, None]
        tol = SCREEN_REL * (np.abs(F) + np.abs(a[:, None] * xs) + np.abs(b[:, None])) + SCREEN_ABS
        ok = (F - L >= tol) if side < 0 else (L - F >= tol)
        ok &= np.isfinite(F)
        checks += xs.size
        for i, j in np.argwhere(~ok):
            escalated += 1
            s = _arb_sign(point, float(xs[i, j]), float(a[i]), float(b[i]), side)
            if s < 0:
                bad += 1
                bad_list.append((float(lo[i]), float(hi[i]), float(xs[i, j]), side))
            elif s == 0:
                undecided += 1
    return checks, escalated, bad, undecided, bad_list


def prove(ev, lo: float, hi: float, a: float, b: float, side: int) -> str:
    """'proved', 'violated' or 'unproved': the gap side·(line − f) is ≥ 0 on the whole [lo, hi]."""
    old = ctx.prec
    ctx.prec = 256
    try:
        A, B = arb(_fq(a)), arb(_fq(b))

        def gap(P, Q):
            X = P if P is Q else P.union(Q)
            return side * (A * X + B - ev.value(ev.f, P, Q))

        todo = [(_fq(lo), _fq(hi))]
        boxes = 0
        while todo:
            p, q = todo.pop()
            boxes += 1
            if boxes > MAX_BOXES:
                return "unproved"
            P, Q = arb(p), arb(q)
            if p == q:
                v = gap(P, P)
                if v >= 0:
                    continue
                return "violated" if v < 0 else "unproved"
            if gap(P, Q) >= 0:  # interval evaluation on the box
                continue
            m = (p + q) / 2
            M = arb(m)
            gm = gap(M, M)
            d = ev.value(ev.df, P, Q)  # f′ on the box (every branch that may apply)
            if d.is_finite():  # mean-value form: gap(x) ∈ gap(m) + side·(a − f′(B))·(B − m)
                if gm + side * (A - d) * (P.union(Q) - M) >= 0:
                    continue
            if gm < 0 or gap(P, P) < 0 or gap(Q, Q) < 0:
                return "violated"
            if not (p < m < q):
                return "unproved"
            todo.append((p, m))
            todo.append((m, q))
        return "proved"
    finally:
        ctx.prec = old


def run(name, n, n_prove, seed, chunk=20000):
    from gelu_math.errors import UnsupportedError
    from gelu_math.relax import bounds
    from gelu_math.relax.fast import table

    try:
        t = table(name)
    except UnsupportedError as exc:
        return {"name": name, "skipped": str(exc)}
    ev, fl, point = _setup(name)
    rng = np.random.default_rng(seed)
    out = {"name": name, "intervals": n, "modes": {}}
    for mode in ("chebyshev", "area"):
        start = time.perf_counter()
        tot = [0, 0, 0, 0]
        bads = []
        keep = None
        for s in range(0, n, chunk):
            lo, hi = _intervals(rng, min(chunk, n - s), t.reach)
            (al, bl), (au, bu) = bounds(name, lo, hi, mode)
            c, e, v, u, bl_ = check_points(point, fl, lo, hi, ((al, bl), (au, bu)))
            for k, val in enumerate((c, e, v, u)):
                tot[k] += val
            bads += bl_
            if keep is None:
                keep = (lo, hi, al, bl, au, bu)
        t_points = time.perf_counter() - start
        start = time.perf_counter()
        proofs = {"proved": 0, "unproved": 0, "violated": 0}
        lo, hi, al, bl, au, bu = keep
        idx = rng.choice(len(lo), size=min(n_prove, len(lo)), replace=False) if n_prove else []
        idx = sorted(set(idx) | set(range(min(8, len(lo)) if n_prove else 0)))
        for i in idx:
            for side, a, b in ((-1, al[i], bl[i]), (1, au[i], bu[i])):
                r = prove(ev, float(lo[i]), float(hi[i]), float(a), float(b), side)
                proofs[r] += 1
                if r == "violated":
                    bads.append((float(lo[i]), float(hi[i]), None, side))
        out["modes"][mode] = {"checks": tot[0], "escalated": tot[1], "violations": tot[2], "undecided": tot[3],
                              "bad": bads[:5], "proofs": proofs, "t_points": t_points,
                              "t_proofs": time.perf_counter() - start}
    return out


def _line(r) -> str:
    if "skipped" in r:
        return f"| {r['name']} | not served by bounds(): {r['skipped'][:60]} | | | | | |"
    rows = []
    for mode, m in r["modes"].items():
        p = m["proofs"]
        rows.append(f"| {r['name']} | {mode} | {r['intervals']:,} | {m['checks']:,} | {m['escalated']:,} | "
                    f"{m['violations']} (undecided {m['undecided']}) | {p['proved']}/{p['unproved']}/{p['violated']} | "
                    f"{m['t_points']:.1f} s + {m['t_proofs']:.1f} s |")
    return "\n".join(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--functions", default="all", help="comma-separated names, or 'all' (every registered function)")
    ap.add_argument("--intervals", type=int, default=10 ** 6, help="random intervals per function and mode")
    ap.add_argument("--prove", type=int, default=100, help="intervals per function and mode proved on the whole interval")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    from gelu_math.definitions.registry import names

    todo = names() if args.functions == "all" else args.functions.split(",")
    tasks = [(nm, args.intervals, args.prove, args.seed + i) for i, nm in enumerate(todo)]
    start = time.perf_counter()
    if args.jobs > 1:
        with get_context("spawn").Pool(args.jobs) as pool:
            results = pool.starmap(run, tasks)
    else:
        results = []
        for t in tasks:
            results.append(run(*t))
            print(_line(results[-1]), file=sys.stderr, flush=True)  # progress; the table follows on stdout
    print("| function | mode | intervals | point checks | decided in Arb | violations | proofs proved/unproved/violated "
          "| time (points + proofs) |")
    print("|---|---|---|---|---|---|---|---|")
    bad = 0
    for r in results:
        print(_line(r))
        for m in r.get("modes", {}).values():
            bad += m["violations"] + m["proofs"]["violated"]
            for b in m["bad"]:
                print(f"    VIOLATION {r['name']}: interval [{b[0]!r}, {b[1]!r}] at x = {b[2]!r}, side {b[3]}")
    print(f"total time {time.perf_counter() - start:.1f} s; violations: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
