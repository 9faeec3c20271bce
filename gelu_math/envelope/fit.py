"""Minimax-optimal coefficients of an approximation, with a certified enclosure.

For a one-coefficient family e_c(x) (e.g. a in the tanh form, k in the sigmoid
form) the optimum c* minimises S(c) = sup_x |e_c(x)|.

1. *Estimate.* Golden-section search on S(c), each S(c) from a dense grid (float64; balls
   where the expression has no float form) with every local maximum refined by Newton steps
   on e′ in ball arithmetic.
2. *Certify* (de la Vallée Poussin style).  At the rational c_r near the estimate
   the certified envelope gives U = S(c_r) ≥ S(c*).  The two equioscillation
   points x₁, x₂ (the largest local extrema whose |e| move in opposite
   directions as c changes) give the lower bound: if |e_c(x₁)| increases and
   |e_c(x₂)| decreases in c on the search range (checked in ball arithmetic over
   that whole range), then for every c in it S(c) ≥ max(|e_c(x₁)|, |e_c(x₂)|) ≥
   min(|e_{c_m}(x₁)|, |e_{c_m}(x₂)|) =: ℓ for any c_m.  So S(c*) ∈ [ℓ, U], and
   c* lies in {c : |e_c(x₁)| ≤ U and |e_c(x₂)| ≤ U}, an interval found by
   bisection on certified signs.

3. *The rest of the search range.*  The directions are checked on a window around c_r (the
   widest of c_r ± 50%, ±20%, … that works, inside the search range: ``certified_window``).
   For the coefficients of the search range outside it, sup |e_c| > U is shown directly:
   every interval of c gets a rational x with |e_c(x)| > U in ball arithmetic.  So every
   minimiser of S over the whole search range lies in the enclosure.

The optimum is thus certified *over the search range* (``search``: the caller's range, or the
published value ±50%).  When the supremum is set by a limit at ±∞ that no coefficient changes
(the tanh form's relative error tends to −1 at −∞ for every a > 0), there is no optimum to fit:
:class:`NoOptimumError` says so, with what was proved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp
from flint import arb, fmpq

from ..analysis import calculus
from ..certified.arbeval import compile_arb
from ..certified.balls import precision, q
from ..certified.limits import checked_limit
from ..definitions.registry import resolve
from ..definitions.symbols import x
from ..errors import CertificationError, ParameterError, UnsupportedError
from ..facts import Number, Step
from ..timebox import task_limit
from .api import Envelope, envelope
from .error import _error_function
from .spec import EnvelopeSpec, spec_of
from .sup import UnprovedTail

GRID = 1601
SPAN = (-10, 10)
BITS = 128


@dataclass(frozen=True)
class Fit:
    approximation: str
    coefficient: str
    target: str
    metric: str
    reference: str
    search: tuple[sp.Rational, sp.Rational]  # the range searched and certified: the caller's, or published ±50%
    optimum: Number  # certified enclosure of the minimax-optimal coefficient
    estimate: sp.Rational  # the rational c_r where the envelope was certified
    sup_error: Number  # certified enclosure of the minimax value S(c*)
    at_estimate: Envelope  # certified envelope at c_r
    # x₁, x₂ (and mirror images if symmetric): the exact rationals near the equioscillating extrema at
    # which the lower bound is evaluated; where the extrema are exactly is an estimate, not certified
    equioscillation: tuple[Number, ...]
    published: Number
    published_envelope: Envelope
    steps: tuple[Step, ...]
    # the coefficient range over which the equioscillation directions were checked (inside ``search``;
    # outside it every coefficient is shown to have a larger sup than the optimum's upper bound)
    certified_window: tuple[sp.Rational, sp.Rational] = ()


def _family(spec: EnvelopeSpec, coefficient):
    approx = spec.approximation
    inst = resolve(approx, {})
    params = dict(inst.params)
    if coefficient not in params:
        raise ParameterError(f"{approx if isinstance(approx, str) else inst.name} has no coefficient {coefficient!r} "
                             f"(its parameters: {', '.join(params) or 'none'})")
    c = sp.Symbol("c_" + coefficient, real=True)
    err = _error_function(spec.with_params({coefficient: c}), False, True)
    if len(err.E.pieces) != 1:
        raise UnsupportedError("fit supports smooth (one-piece) errors only")
    E = err.E.pieces[0].expr
    return inst, params[coefficient], c, E, sp.diff(E, x), sp.diff(E, x, 2), sp.diff(E, c)


class _Scan:
    """S(c) estimates: grid scan + Newton refinement of each local extremum (ball midpoints)."""

    def __init__(self, c, E, dE, ddE):
        self.c, self.E, self.dE, self.ddE = c, E, dE, ddE
        n = GRID
        self.grid = [fmpq(SPAN[0]) + fmpq(SPAN[1] - SPAN[0]) * fmpq(i, n - 1) for i in range(n)]
        self._float = _float_function(E, c)

    def _magnitudes(self, value: sp.Rational, E) -> list[float]:
        """|e| on the grid: in float64 where the expression has a float form (only the grid maxima
        are used, and each is then refined in ball arithmetic), else from balls."""
        if self._float is not None:
            cv = float(value)
            try:
                mags = [abs(self._float(float(t), cv)) for t in self.grid]
                if all(isinstance(m, float) and math.isfinite(m) for m in mags):
                    return mags
            except (OverflowError, ValueError, ZeroDivisionError, TypeError, NameError, AttributeError):
                pass  # no float form after all (a function math lacks, overflow, a complex value)
        with precision(BITS):
            return [abs(float(E(arb(t)).mid())) for t in self.grid]

    def extrema(self, value: sp.Rational) -> list[tuple[float, float]]:
        E = compile_arb(self.E.subs(self.c, value), x)
        dE = compile_arb(self.dE.subs(self.c, value), x)
        ddE = compile_arb(self.ddE.subs(self.c, value), x)
        mags = self._magnitudes(value, E)
        with precision(BITS):
            out = []
            cand = [i for i in range(1, len(mags) - 1) if mags[i] >= mags[i - 1] and mags[i] >= mags[i + 1]]
            # re-evaluated in balls (float64 can be garbage where the error cancels, e.g. 1 + tanh → 0 in a
            # relative error), then extrema below 1e-3 of the largest are dropped: they never decide S(c)
            # nor form the equioscillating pair
            ball_mag = {i: abs(float(E(arb(self.grid[i])).mid())) for i in cand}
            floor = max(ball_mag.values(), default=0.0) * 1e-3
            for i in cand:
                if ball_mag[i] > floor:
                    t = arb(self.grid[i])
                    for _ in range(30):  # Newton on e′ from the grid point
                        d2 = ddE(t)
                        if d2.contains(0):
                            break
                        step = dE(t) / d2
                        t = arb((t - step).mid())
                        if abs(float(step.mid())) < 1e-30:
                            break
                    out.append((float(t.mid()), float(E(t).mid())))
        return out

    def S(self, value: sp.Rational) -> float:
        ex = self.extrema(value)
        if not ex:
            raise CertificationError("no local extremum of the error on the scan interval")
        return max(abs(e) for _, e in ex)


def _float_function(E: sp.Expr, c: sp.Symbol):
    """e(x, c) as a float64 function (Python's math module: erf, tanh, exp, ...), or None when
    the expression has no such form.  Code generated by lambdify from a SymPy tree, never from text."""
    try:
        return sp.lambdify((x, c), E, modules="math")
    except (NameError, TypeError, ValueError, SyntaxError):
        return None


def _golden(f, lo: float, hi: float, iters: int = 60) -> float:
    g = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c1, c2 = b - g * (b - a), a + g * (b - a)
    f1, f2 = f(c1), f(c2)
    for _ in range(iters):
        if f1 < f2:
            b, c2, f2 = c2, c1, f1
            c1 = b - g * (b - a)
            f1 = f(c1)
        else:
            a, c1, f1 = c1, c2, f2
            c2 = a + g * (b - a)
            f2 = f(c2)
        if b - a < 1e-13 * max(1.0, abs(a)):
            break
    return (a + b) / 2


def _point(r: sp.Rational) -> Number:
    """A rational point where a step evaluates (a short decimal: the denominators are powers of 10 or 2),
    printed as its decimal rather than as a fraction of 14-digit integers."""
    return Number(r, arb(q(r)))


def _rational(v: float, digits: int = 12) -> sp.Rational:
    return sp.Rational(f"{v:.{digits}g}")


class NoOptimumError(CertificationError):
    """No optimal coefficient to certify: sup |e| is bounded below by a limit at ±∞ that no
    coefficient in the search range changes, and the published coefficient attains that bound (or
    the error is unbounded for every coefficient).  The message states what was proved."""


def fit(approx, coefficient: str, target: str = "gelu", metric: str = "abs", reference="gelu",
        digits: int = 20, search=None) -> Fit:
    """The minimax-optimal ``coefficient`` of ``approx`` over ℝ, certified over the search range
    (``search=(lo, hi)``; default the published value ±50%).  ``approx`` may be an
    :class:`~.spec.EnvelopeSpec` with derivative 0 and the whole real line (then ``target``,
    ``metric``, ``reference`` stay at their defaults).

    >>> f = fit("gelu_sigmoid", "k", target="cdf")          # about 15 s: tests/test_fit.py  # doctest: +SKIP
    >>> f.optimum.ball.mid().str(8, radius=False)           # doctest: +SKIP
    '1.7017449'
    """
    spec = spec_of(approx, reference, metric, 0, target)
    if spec.derivative or spec.domain != (-sp.oo, sp.oo):
        raise ParameterError("fit minimises the error of the function itself over ℝ: derivative 0, no domain")
    a = spec.approximation
    with task_limit(f"the fit of {coefficient} in {a if isinstance(a, str) else resolve(a).name}"), \
            calculus.without_units_import():
        try:
            return _fit(spec, coefficient, digits, search)
        except UnprovedTail as exc:  # the envelope's remedy (a bounded --domain) is not the fit's
            raise CertificationError(f"{exc.reason}: the fit minimises the error over all of ℝ, so it needs that "
                                     "proof") from None


def _search_range(search, published) -> tuple[sp.Rational, sp.Rational]:
    if search is None:
        pub = float(published)
        lo, hi = sorted((_rational(pub * 0.5, 6), _rational(pub * 1.5, 6)))
    else:
        if len(search) != 2:
            raise ParameterError(f"search range must be (lo, hi), got {search!r}")
        try:
            lo, hi = (sp.Rational(str(v)) if isinstance(v, str) else sp.Rational(v) for v in search)
        except (TypeError, ValueError):
            raise ParameterError(f"search range must be two exact numbers, got {search!r}") from None
    if not lo < hi:
        raise ParameterError("search range must have lo < hi")
    return lo, hi


def _fit(spec: EnvelopeSpec, coefficient, digits, search) -> Fit:
    target, metric = spec.target, spec.metric
    inst, published, c, E, dE, ddE, dEc = _family(spec, coefficient)
    lo, hi = _search_range(search, published)
    param = next((p for p in inst.activation.parameters if p.name == coefficient), None)
    if param is not None:  # every coefficient searched must be an allowed value (a ≥ 0, k > 0)
        for end in (lo, hi):
            try:
                param.validate(end)
            except ParameterError as exc:
                raise ParameterError(f"search range [{lo}, {hi}]: {exc}") from None
    pub_env = envelope(spec, digits=digits)
    _refuse_without_optimum(pub_env, E, c, coefficient, published, lo, hi)
    scan = _Scan(c, E, dE, ddE)
    cache: dict[float, float] = {}

    def S(v: float) -> float:
        if v not in cache:
            cache[v] = scan.S(_rational(v, 17))
        return cache[v]

    c_est = _golden(S, float(lo), float(hi))
    c_r = _rational(c_est, 12)
    if min(c_est - float(lo), float(hi) - c_est) < 1e-6 * (float(hi) - float(lo)):
        raise CertificationError(f"the estimated optimum {coefficient} ≈ {c_est:.6g} sits at the edge of the search "
                                 f"range [{_text(lo)}, {_text(hi)}]: the optimum is probably outside it; give another "
                                 "range (fit(..., search=(lo, hi)), CLI --search=LO,HI)")
    env = envelope(spec.with_params({coefficient: c_r}), digits=digits)
    if env.unbounded:
        raise CertificationError(f"the error at {coefficient} = {c_r} is unbounded: {env.reason}")
    U = env.sup.ball
    ex = scan.extrema(c_r)
    # direction of |e_c(x_i)| in c at each extremum: sign(e)·sign(∂e/∂c), checked over a certified window
    ranked = sorted(ex, key=lambda t: -abs(t[1]))
    chosen = None
    for rel_width in ("1/2", "1/5", "1/10", "1/20", "1/50", "1/100", "1/1000"):
        w = abs(c_r) * sp.Rational(rel_width)
        w_lo, w_hi = max(lo, _rational(float(c_r - w), 6)), min(hi, _rational(float(c_r + w), 6))
        cbox = arb(q(w_lo)).union(arb(q(w_hi)))
        chosen = _pair(E, dEc, c, ranked, cbox)
        if chosen is not None:
            break
    if chosen is None:
        raise CertificationError("no equioscillating pair of extrema with opposite dependence on the coefficient")
    (xa, da), (xb, db) = chosen
    fa = compile_arb(sp.Abs(E.subs(x, xa)), c)
    fb = compile_arb(sp.Abs(E.subs(x, xb)), c)
    with precision(BITS * 2):
        cm = arb(q(c_r))
        ell = arb.min(fa(cm), fb(cm))
        lower = arb(ell.lower())
        # c* ∈ {c : fa(c) ≤ U, fb(c) ≤ U}: the increasing one bounds c above, the decreasing one below
        inc, dec = (fa, fb) if da > 0 else (fb, fa)
        c_hi = _bisect_level(inc, U, q(c_r), q(w_hi), increasing=True)
        c_lo = _bisect_level(dec, U, q(w_lo), q(c_r), increasing=False)
        opt = arb(c_lo).union(arb(c_hi))
        sup_ball = lower.union(U)
        points = [_rational(t, 15) for t, _ in ranked] + [xa, xb]
        boxes = _exclude(E, c, U, q(lo), q(w_lo), points, scan) + _exclude(E, c, U, q(w_hi), q(hi), points, scan)
    pts = []
    with precision(256):
        for xr in sorted({xa, xb} | ({-xa, -xb} if env.symmetry else set())):
            r = q(xr)
            pts.append(Number(sp.Rational(int(r.p), int(r.q)), arb(r)))  # exact rationals near the extrema
    steps = (
        Step("Golden-section search for the coefficient minimising the scanned sup|e| on {0}; "
             "certified envelope at the rational {1} gives the upper bound.", (sp.Interval(lo, hi), c_r)),
        Step("At the extrema x₁ ≈ {0} and x₂ ≈ {1}, |e| moves in opposite directions as the coefficient varies over "
             "{3} (sign of ∂e/∂c checked in ball arithmetic), which bounds the minimax value below by "
             "min(|e(x₁)|, |e(x₂)|) at {2} and confines the optimum to the interval where both stay below the upper "
             "bound.", (_point(xa), _point(xb), c_r, sp.Interval(w_lo, w_hi))),
    )
    if lo < w_lo or w_hi < hi:
        rest = sp.Union(sp.Interval(lo, w_lo), sp.Interval(w_hi, hi)) if lo < w_lo and w_hi < hi else (
            sp.Interval(lo, w_lo) if lo < w_lo else sp.Interval(w_hi, hi))
        steps += (Step("For every coefficient in {0}, some x has |e(x)| above the upper bound (ball arithmetic over "
                       "{1} intervals of the coefficient), so sup |e| exceeds it there: the optimum over the whole "
                       "search range {2} lies in {3}.", (rest, sp.Integer(boxes), sp.Interval(lo, hi),
                                                         sp.Interval(w_lo, w_hi))),)
    return Fit(inst.name, coefficient, target, metric, env.reference, (lo, hi), Number(None, opt), c_r,
               Number(None, sup_ball), env, tuple(pts), Number(published, None), pub_env, steps, (w_lo, w_hi))


MAX_EXCLUDE_BOXES = 4000


def _exclude(E, c, U: arb, a: fmpq, b: fmpq, points: list, scan: "_Scan") -> int:
    """Prove S(c) > U for every c in [a, b] (the part of the search range outside the certified
    window): each interval of c gets a rational x with |e_c(x)| > U in ball arithmetic, bisecting
    where none of the known points does (the scanned extrema at its midpoint are added then).
    The number of intervals used; CertificationError when the budget (a count) runs out."""
    if not a < b:
        return 0
    funcs: dict = {}
    pool = list(dict.fromkeys(points))
    stack, used = [(a, b)], 0
    min_width = (b - a) / 2**30
    while stack:
        u, v = stack.pop()
        used += 1
        if used > MAX_EXCLUDE_BOXES:
            raise CertificationError(f"cannot show that sup |e| exceeds the minimax bound on [{float(a):.6g}, "
                                     f"{float(b):.6g}] of the search range; give a narrower range (--search=LO,HI)")
        box = arb(u).union(arb(v))
        hit = None
        for xr in pool:
            if xr not in funcs:
                funcs[xr] = compile_arb(E.subs(x, xr), c)
            if abs(funcs[xr](box)) > U:
                hit = xr
                break
        if hit is not None:
            pool.remove(hit)
            pool.insert(0, hit)  # try the point that worked first on the next interval
            continue
        if v - u < min_width:
            raise CertificationError(f"cannot show that sup |e| exceeds the minimax bound near {float(u):.12g}: "
                                     "the search range may hold another optimum")
        m = (u + v) / 2
        for t, _ in sorted(scan.extrema(sp.Rational(int(m.p), int(m.q))), key=lambda t: -abs(t[1])):
            xr = _rational(t, 15)
            if xr not in pool:
                pool.append(xr)
        stack += [(m, v), (u, m)]
    return used


def _refuse_without_optimum(pub_env: Envelope, E, c, coefficient, published, lo, hi) -> None:
    """Raise :class:`NoOptimumError` (or CertificationError) when the coefficient cannot set the sup.

    At the published value the certified envelope may find sup |e| = |L|, the limit at ±∞, only
    approached (no interior maximum reaches it), or the error unbounded by a limit.  Since
    sup |e_c| ≥ |lim e_c| for every c, a limit that is the same for every c in the search range
    (SymPy's limit with the coefficient's sign assumed, guarded by the checked limits at both
    ends of the range — the standard of every limit at ±∞ here) makes |L| the minimax value
    there: no coefficient does better than the published one.  A minimax fit by equioscillation
    needs maxima attained inside ℝ, so a sup set by the tail is refused in any case — with the
    reason, not after a futile search."""
    if pub_env.unbounded and "pole" in pub_env.where:
        raise CertificationError(f"the error at the published {coefficient} = {published} is unbounded: "
                                 f"{pub_env.reason}")
    if pub_env.unbounded:
        side = 1 if "+∞" in pub_env.reason else -1
    elif not pub_env.attained and pub_env.where and all(w.startswith("limit at") for w in pub_env.where):
        side = 1 if any("+∞" in w for w in pub_env.where) else -1
    else:
        return
    where = "+∞" if side > 0 else "−∞"
    if pub_env.unbounded:
        try:
            L_pub = checked_limit(E.subs(c, published), sp.oo * side)
        except UnsupportedError:
            L_pub = None
    else:
        L_pub = next((t.limit for t in pub_env.tails if t.side == side), None)
    same = _same_limit(E, c, side, L_pub, lo, hi)
    rng = f"{coefficient} in [{_text(lo)}, {_text(hi)}]"
    guard = (f"SymPy's limit for {coefficient} {'> 0' if lo > 0 else '< 0'}, guarded by ball evaluation far out "
             f"at both ends of the range")
    published = _text(published)
    if pub_env.unbounded:
        if same:
            raise NoOptimumError(f"the error is unbounded for every {rng}: e → {L_pub} as x → {where} ({guard}); "
                                 f"no coefficient to fit")
        raise CertificationError(f"the error at the published {coefficient} = {published} is unbounded: "
                                 f"{pub_env.reason}")
    if L_pub is None:
        raise CertificationError(f"at the published {coefficient} = {published} the certified sup |e| is a limit as "
                                 f"x → {where}, approached and not attained; a minimax fit (equioscillation) needs "
                                 "maxima attained inside ℝ")
    A = sp.Abs(L_pub)
    if same:
        raise NoOptimumError(
            f"no coefficient can bring the sup below {A}: for every {rng}, lim e = {L_pub} as x → {where} "
            f"({guard}), so sup |e| ≥ {A}; at the published {coefficient} = {published} the certified sup is exactly "
            f"{A}, approached as x → {where} and not attained, so {A} is the minimax value over the range and the "
            f"published {coefficient} attains it (other coefficients may too, or may do worse; no unique optimum is "
            f"certified)")
    raise CertificationError(
        f"at the published {coefficient} = {published} the certified sup |e| = {A} is the limit as x → {where}, "
        f"approached and not attained; a minimax fit (equioscillation) needs maxima attained inside ℝ")


def _text(v: sp.Expr) -> str:
    """A rational with a terminating decimal expansion as that decimal (8943/200000 → 0.044715), else SymPy's form."""
    if isinstance(v, sp.Rational) and not v.is_Integer:
        den, k = int(v.q), 0
        while den % 10 == 0 or den % 2 == 0 or den % 5 == 0:
            den, k = (den // 10, k + 1) if den % 10 == 0 else (den // 2, k + 1) if den % 2 == 0 else (den // 5, k + 1)
        if den == 1:
            digits = str(abs(int(v.p) * 10**k // int(v.q))).rjust(k + 1, "0")
            text = (digits[:-k] + "." + digits[-k:]).rstrip("0").rstrip(".")
            return ("-" if v < 0 else "") + text
    return sp.sstr(v)


def _same_limit(E, c, side: int, L, lo, hi) -> bool:
    """lim e_c at side·∞ equals L for every c in [lo, hi]: SymPy's limit with the sign of c assumed
    (lo > 0 or hi < 0) is L, and the checked limits (:func:`checked_limit`) at c = lo and c = hi agree."""
    if L is None or not (lo > 0 or hi < 0):
        return False
    cs = sp.Symbol(c.name, positive=True) if lo > 0 else sp.Symbol(c.name, negative=True)
    try:
        general = calculus.limit(E.subs(c, cs), sp.oo * side)
        if general.has(cs) or general != L:
            return False
        return all(checked_limit(E.subs(c, v), sp.oo * side) == L for v in (lo, hi))
    except (UnsupportedError, CertificationError):
        return False


def _pair(E, dEc, c, ranked, cbox):
    first = None
    for xi, _ in ranked:
        xr = _rational(xi, 15)
        d = _direction(E, dEc, c, xr, cbox)
        if d is None:
            continue
        if first is None:
            first = (xr, d)
        elif d != first[1]:
            return [first, (xr, d)]
    return None


def _direction(E, dEc, c, xr, cbox) -> int | None:
    """+1 when |e_c(xr)| increases with c over cbox, −1 when it decreases, None if undecided."""
    with precision(BITS):
        e = compile_arb(E.subs(x, xr), c)(cbox)
        de = compile_arb(dEc.subs(x, xr), c)(cbox)
    if e.contains(0) or de.contains(0):
        return None
    return (1 if e > 0 else -1) * (1 if de > 0 else -1)


def _bisect_level(f, U: arb, a: fmpq, b: fmpq, increasing: bool, steps: int = 80) -> fmpq:
    """The outer end of {c in [a, b] : f(c) ≤ U} for monotone f: a certified bound on the optimum."""
    # increasing f: find the smallest t with f(t) > U certainly (an upper bound for c*)
    outer = b if increasing else a
    if not (f(arb(outer)) > U):
        raise CertificationError(f"the coefficient window [{float(a):.6g}, {float(b):.6g}] (where the "
                                 "equioscillation directions hold) is too narrow to confine the optimum; widen the "
                                 "search range (fit(..., search=(lo, hi)), CLI --search=LO,HI)")
    inner = a if increasing else b
    for _ in range(steps):
        m = (inner + outer) / 2
        if f(arb(m)) > U:
            outer = m
        else:
            inner = m
    return outer
