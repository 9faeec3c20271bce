"""Certified linear relaxations a_l·x + b_l ≤ f(x) ≤ a_u·x + b_u on [L, U].

:func:`relax` chooses the slopes (:mod:`.estimate`), rounds them to ``digits`` significant
decimals (any slope is allowed), and then *certifies* each line: the intercept is the certified
minimum (lower line) or maximum (upper line) of f(x) − a·x over [L, U] (:mod:`.bb`), rounded
outward to a decimal.  So the printed rationals are sound by construction, and the proof is the
enclosure: min over [L, U] of f − (a_l·x + b_l) ≥ min_lo − b_l ≥ 0.  Each line also gets the
enclosure of its largest gap and the balls holding its touching points.

Modes: ``chebyshev`` (each line minimises its largest gap), ``area`` (each minimises the integral
of its gap), ``tangent-chord`` (f convex or concave on [L, U] by the engine's ``convexity``: the
tangent at the midpoint and the chord, the textbook pair).  Discontinuous f is allowed on finite
intervals (the value at a jump joins every box that holds it).

Infinite ends (chebyshev only): on a tail beyond the last inflection point f is convex or
concave (the engine's certified ``convexity``) with an asymptote y = m·x + c (the engine's
``asymptotes``); then h = f − (m·x + c) is convex or concave and tends to 0, hence monotone, so
f − m·x lies between its value at the cut and c.  A line with a finite gap must have slope m, so
the slope is forced and the intercepts come from the core interval and c.  Without an asymptote,
or with different slopes at −∞ and +∞, no sound line has a finite gap: that is an input error.

Optimality (chebyshev): for any x₀ < x₁ < x₂ in [L, U] and any line ℓ,
|Σ wᵢ f(xᵢ)| = |Σ wᵢ (f − ℓ)(xᵢ)| ≤ 2(x₂ − x₀)·max|f − ℓ| with w = (x₂ − x₁, −(x₂ − x₀), x₁ − x₀),
so every sound line's max gap is ≥ |Σ wᵢ f(xᵢ)|/(x₂ − x₀) — evaluated in Arb at the three
alternation points.  (area): the convex envelope at m is ≤ the chord through any t₁ ≤ m ≤ t₂,
so the area lost against the optimum is ≤ (U − L)·(chord(m) − ℓ(m)).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

import sympy as sp
from flint import arb, fmpq

from ..certified.balls import MAX_DIGITS, bits_for, check_digits, precision
from ..definitions.parse import parse_number
from ..errors import ExpressionError, InputError, UnsupportedError
from ..facts import Number, Step
from . import estimate
from .bb import clusters, extremes
from .curve import Curve, curve, fq
from ..options import RELAX_DIGITS as DEFAULT_DIGITS, RELAX_MODES as MODES  # noqa: F401  (spelled once there)

MAX_ABS_END = sp.Integer(10) ** 5  # finite ends: the certified branch and bound runs in bounded time up to here
# (beyond it, found by an independent review, gelu on [0, 1e11] failed its own soundness check and
# [1e20, 1e21] did not finish in minutes); infinite ends are handled by the asymptote argument


class RelaxInputError(InputError):
    """A relaxation request that cannot be served as asked (bad interval, mode, or no sound line)."""


class NoSoundLineError(RelaxInputError):
    """No sound line with a finite gap exists on the requested interval."""


@dataclass(frozen=True)
class Line:
    """y = slope·x + intercept (exact decimals), with its certified gaps and touching points."""

    slope: sp.Rational
    intercept: sp.Rational
    gap_max: Number  # ball containing max over [L, U] of |f − line|
    gap_min: Number  # ball containing min over [L, U] of |f − line| (≥ 0: soundness)
    contact: tuple  # Numbers: balls holding every point where the gap is smallest (±inf: a limit)


@dataclass(frozen=True)
class Relaxation:
    function: str
    params: tuple
    on: tuple  # (L, U) exact, ±oo allowed
    mode: str
    digits: int
    lower: Line
    upper: Line
    optimality: dict
    method: str
    steps: tuple[Step, ...] = field(default=())

    @property
    def sound(self) -> bool:
        """Always True: a relaxation that is not proved sound is never returned."""
        return True


# --- inputs -------------------------------------------------------------------------------------

def parse_end(v, side: int) -> sp.Expr:
    """An interval end: exact rational (decimal text as written, fractions, ints, floats by their exact
    binary value) or ±inf; anything else is a RelaxInputError."""
    if isinstance(v, bool):
        raise RelaxInputError(f"interval end must be a number, got {v!r}")
    if isinstance(v, str):
        text = v.strip()
        if not text.isascii():
            raise RelaxInputError(f"interval end {v!r}: ASCII only")
        low = text.lower()
        if low in ("-inf", "-oo"):
            return -sp.oo
        if low in ("inf", "+inf", "oo", "+oo"):
            return sp.oo
        if low in ("nan", "+nan", "-nan"):
            raise RelaxInputError("interval end is NaN: give an exact decimal, a fraction or -inf/inf")
        try:
            e = parse_number(text)
        except ExpressionError as exc:
            # the number parser names the constants it knows (pi, E), which are no rational ends either
            raise RelaxInputError(f"interval end {text!r} is not an exact decimal, a fraction or -inf/inf "
                                  f"({exc})") from None
    elif isinstance(v, float):
        if math.isnan(v):
            raise RelaxInputError("interval end is NaN")
        if math.isinf(v):
            return sp.oo if v > 0 else -sp.oo
        e = sp.Rational(*v.as_integer_ratio())
    elif isinstance(v, int):
        e = sp.Integer(v)
    elif isinstance(v, sp.Basic):
        e = sp.sympify(v)
        if e in (sp.oo, -sp.oo):
            return e
    else:
        raise RelaxInputError(f"interval end must be a number, got {type(v).__name__}")
    if not e.is_Rational:
        raise RelaxInputError(f"interval end {sp.sstr(e)} is not rational: give an exact decimal or fraction")
    if abs(e) > MAX_ABS_END:
        raise RelaxInputError(f"interval end {sp.sstr(e)[:30]} is beyond ±10^5 (the range relax certifies in bounded "
                              "time; use -inf/inf for a tail where f has a linear asymptote)")
    return e


def _txt(e) -> str:
    return "inf" if e == sp.oo else "-inf" if e == -sp.oo else sp.sstr(e)


def parse_interval(lo, hi) -> tuple[sp.Expr, sp.Expr]:
    if isinstance(lo, str) and hi is None:
        parts = lo.split(",")
        if len(parts) != 2:
            raise RelaxInputError(f"interval must be L,U, got {lo!r}")
        lo, hi = parts
    L, U = parse_end(lo, -1), parse_end(hi, 1)
    if L == sp.oo or U == -sp.oo:
        raise RelaxInputError(f"interval [{_txt(L)}, {_txt(U)}]: L must not be +inf and U not -inf")
    if bool(L > U):
        raise RelaxInputError(f"interval [{L}, {U}] has L > U")
    return L, U


# --- decimals -----------------------------------------------------------------------------------

def _fmpq_of(v: arb) -> fmpq:
    return estimate._to_fmpq(v)


def decimal(v: fmpq, digits: int, direction: int) -> sp.Rational:
    """v rounded to a decimal with ``digits`` digits after the leading place of max(1, |v|):
    direction −1 down, +1 up, 0 nearest."""
    mag = max(abs(v), fmpq(1))
    e = len(str(int(mag.p) // int(mag.q))) - 1 - digits  # floor(log10(mag)) - digits
    scale = sp.Integer(10) ** e
    r = sp.Rational(int(v.p), int(v.q)) / scale
    if direction < 0:
        k = sp.floor(r)
    elif direction > 0:
        k = sp.ceiling(r)
    else:
        k = sp.floor(r + sp.Rational(1, 2))
    return sp.Rational(k) * scale


def _number(v: arb) -> Number:
    return Number(None, v)


def _bound(v: arb, direction: int, digits: int) -> sp.Rational:
    """A one-sided bound as an exact decimal on the safe side of every point of the ball ``v``
    (direction −1: ≤ all of it, a lower bound; +1: ≥ all of it, an upper bound), with digits + 8
    places after the leading place of max(1, |v|).  A bound is not an enclosure of the quantity it
    bounds, so it is never printed as a ball."""
    end = v.lower() if direction < 0 else v.upper()
    return decimal(_fmpq_of(end), digits + 8, direction)


def _span(lo: arb, hi: arb) -> arb:
    """The ball [lo, hi] (lo ≤ hi: balls, usually exact points), outward rounded (an exact point when
    both ends are the same point)."""
    if lo.rad() == 0 and hi.rad() == 0 and lo == hi:
        return lo
    return lo.union(hi)


# --- the relaxations ----------------------------------------------------------------------------

def relax(fn, lo, hi=None, mode: str = "chebyshev", *, params=None, digits: int = DEFAULT_DIGITS) -> Relaxation:
    """Certified lower and upper lines of f on [lo, hi] (README "Linear relaxations").

    Example::

        r = relax("gelu", "-1", "2")             # or relax("gelu", "-1,2"); ends exact, -inf/inf allowed
        r.lower.slope, r.lower.intercept          # exact decimals: a_l*x + b_l <= f(x) on [-1, 2], proved
        r.upper.gap_max.ball                      # ball containing max (a_u*x + b_u - f(x))
        r.optimality["optimal_gap_lower"]         # exact decimal: every sound line's max gap is at least this
    """
    if mode not in MODES:
        raise RelaxInputError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    check_digits(digits)
    c = curve(fn, params)
    L, U = parse_interval(lo, hi)
    with precision(bits_for(digits) + 40):
        if not (L.is_finite and U.is_finite):
            if mode != "chebyshev":
                raise RelaxInputError(f"mode {mode} needs a finite interval (the gap's integral over an infinite "
                                      f"interval is infinite); use chebyshev")
            return _infinite(c, L, U, digits)
        if L == U:
            return _point(c, L, mode, digits)
        return _finite(c, L, U, mode, digits)


def _tol(c: Curve, lo: fmpq, hi: fmpq, digits: int) -> float:
    scale = max(1.0, abs(float(c.value(lo).mid())), abs(float(c.value(hi).mid())))
    return 10.0 ** -(digits + 2) * scale


def _line(c: Curve, lo: fmpq, hi: fmpq, a: sp.Rational, side: int, digits: int, ext=None):
    """The certified line of slope ``a``: side −1 lower, +1 upper.  Returns (Line, Extremes)."""
    A = fq(a)
    if ext is None:
        ext = extremes(c, lo, hi, A, _tol(c, lo, hi, digits))
    if side < 0:
        b = decimal(_fmpq_of(ext.min_lo), digits, -1)
        B = arb(fq(b))
        gmax = _span(ext.max_lo - B, ext.max_hi - B)
        gmin = _span(ext.min_lo - B, ext.min_hi - B)
        proof = ext.min_lo - B
        boxes = ext.argmin
    else:
        b = decimal(_fmpq_of(ext.max_hi), digits, 1)
        B = arb(fq(b))
        gmax = _span(B - ext.min_hi, B - ext.min_lo)
        gmin = _span(B - ext.max_hi, B - ext.max_lo)
        proof = B - ext.max_hi
        boxes = ext.argmax
    if not proof >= 0:  # the construction guarantees it; checked, never assumed (on the exact end point)
        raise RuntimeError("a relaxation failed its own soundness check")  # a bug: exit 4, never printed
    contact = tuple(_number(arb(p).union(arb(q))) for p, q in clusters(boxes))
    return Line(a, b, _number(gmax), _number(gmin), contact), ext


def _slope(v: arb, digits: int) -> sp.Rational:
    return decimal(_fmpq_of(v), digits + 2, 0)


GAP_DIGITS = 6  # the printed decimals' rounding costs at most ~10^-6 of the gap (narrow intervals)


def _peak(sm) -> float:
    """The samples' largest distance from the chord (a float: an estimate, no rigor needed)."""
    return float(np.max(np.abs(sm.rho))) if sm.rho.size else 0.0


def _sag(c: Curve, lo: fmpq, hi: fmpq) -> float:
    """|f″(m)|·w²/8 at the midpoint m (a float estimate of the gap on a narrow interval, which the
    samples may not resolve at the first precision); 0 where f″(m) is exactly 0 or not finite."""
    d2 = c.derivative((lo + hi) / 2, 2)
    if not d2.is_finite() or (d2.mid() == 0 and d2.rad() == 0):
        return 0.0
    w = float(hi - lo)
    return abs(float(d2.mid())) * w * w / 8


def _gap_digits(c: Curve, lo: fmpq, hi: fmpq, peak: float, digits: int) -> int:
    """The digits to work and round with so that the intercept's rounding, 10^-d·max(1, |f|), stays
    ~10^-GAP_DIGITS of the gap ``peak`` (an estimate): ``digits`` unless the interval is so narrow that
    the gap lies below that resolution (gelu on [1, 1 + 10^-12]: gap ≈ 3·10^-26, which 20 digits would
    round to 10^-20), at most MAX_DIGITS."""
    if not (peak > 0 and math.isfinite(peak)):
        return digits  # f is a line on [L, U] (or the gap is below float range): nothing to resolve
    scale = max(1.0, abs(float(c.value(lo).mid())), abs(float(c.value(hi).mid())))
    if not math.isfinite(scale):
        return digits
    return min(max(digits, math.ceil(math.log10(scale / peak)) + GAP_DIGITS), MAX_DIGITS)


def _finite(c: Curve, L: sp.Rational, U: sp.Rational, mode: str, digits: int) -> Relaxation:
    """The relaxation on a finite interval; ``digits`` raised by :func:`_gap_digits` on narrow ones
    (the samples are taken again at the higher precision, where the gap was at their noise level)."""
    lo, hi = fq(L), fq(U)
    work = digits
    sm = estimate.sample(c, lo, hi)
    sag = _sag(c, lo, hi)
    for _ in range(4):
        need = _gap_digits(c, lo, hi, max(_peak(sm), sag), digits)
        if need <= work:
            break
        with precision(bits_for(need) + 40):
            finer = estimate.sample(c, lo, hi)
        if sag == 0 and not 0.5 <= _peak(finer) / _peak(sm) <= 2:  # no curvature, and what looked like a
            break                                  # gap was rounding noise: f is a line to working precision
        work, sm = need, finer
    if work == digits:
        return _finite_at(c, L, U, mode, digits, sm)
    with precision(bits_for(work) + 40):
        r = _finite_at(c, L, U, mode, work, sm)
    note = Step(f"The interval is narrow: the lines are computed and rounded with {work} digits instead of "
                f"{digits}, so that rounding the intercepts costs at most about 10^-{GAP_DIGITS} of the gap.")
    return dataclasses.replace(r, digits=digits, steps=(note,) + r.steps)


def _finite_at(c: Curve, L: sp.Rational, U: sp.Rational, mode: str, digits: int, sm) -> Relaxation:
    lo, hi = fq(L), fq(U)
    w = arb(hi - lo)
    opt: dict = {}
    steps = []
    if mode == "chebyshev":
        alpha = estimate.minimax_discrete(sm)
        a_est = sm.chord_slope + arb(alpha) / w
        refs = estimate.alternation(sm, alpha)
        pts = None
        how = "discrete minimax on the samples"
        if refs is not None:
            rem = estimate.remez(c, sm, refs)
            if rem is not None:
                a_est, pts = rem
                how = "Remez iteration in Arb (three alternation points)"
            else:
                pts = [sm.xs[i] for i in refs]
        a = _slope(a_est, digits)
        ext = extremes(c, lo, hi, fq(a), _tol(c, lo, hi, digits))
        lower, _ = _line(c, lo, hi, a, -1, digits, ext)
        upper, _ = _line(c, lo, hi, a, 1, digits, ext)
        steps.append(Step("Slope: " + how + "; both lines share it (the optimal pair is p* ∓ ε*, p* the minimax "
                          "line)."))
        if pts is not None:
            pts = _short_points(pts, lo, hi, digits)
            x0, x1, x2 = pts
            wts = (arb(x2 - x1), -arb(x2 - x0), arb(x1 - x0))
            s = sum((wi * c.value(xi) for wi, xi in zip(wts, pts)), arb(0))
            bound = abs(s) / arb(x2 - x0)
            lb = bound.lower()
            lb = lb if lb > 0 else arb(0)
            opt["optimal_gap_lower"] = _bound(lb, -1, digits)
            opt["reference_points"] = tuple(sp.Rational(int(p.p), int(p.q)) for p in pts)
            gap_hi = arb.max(lower.gap_max.ball, upper.gap_max.ball).upper()
            if lb > 0:
                opt["ratio_upper"] = _bound(gap_hi / lb, 1, digits)
            steps.append(Step("Optimality: every sound line's max gap is ≥ |Σ wᵢ f(xᵢ)|/(x₂ − x₀) at the three "
                              "reference points (w = (x₂ − x₁, −(x₂ − x₀), x₁ − x₀) annihilates lines)."))
        else:
            steps.append(Step("Optimality: not bounded — the samples show no three alternation points (f is a line "
                              "on [L, U] up to the working precision, or not near one on it)."))
    elif mode == "area":
        lines = []
        for side in (-1, 1):
            i, j = estimate.hull_support(sm, upper=side > 0)
            a_arb, t1, t2 = _area_slope(c, sm, i, j)
            a = _slope(a_arb, digits)
            line, _ = _line(c, lo, hi, a, side, digits)
            # area lost against the optimum: ≤ (U − L)·|envelope bound at m − line(m)|
            m = (lo + hi) / 2
            t1, t2 = _short_points((t1, t2), lo, hi, digits)
            t1, t2 = min(t1, m), max(t2, m)
            if t1 == t2:
                env = c.value(t1)
            else:
                f1, f2 = c.value(t1), c.value(t2)
                env = f1 + (f2 - f1) / arb(t2 - t1) * arb(m - t1)
            lm = arb(fq(line.slope)) * arb(m) + arb(fq(line.intercept))
            excess = (env - lm) if side < 0 else (lm - env)
            opt["area_excess_" + ("lower" if side < 0 else "upper")] = _bound(w * excess, 1, digits)
            opt["touching_" + ("lower" if side < 0 else "upper")] = tuple(
                sp.Rational(int(t.p), int(t.q)) for t in ((t1,) if t1 == t2 else (t1, t2)))
            lines.append(line)
        lower, upper = lines
        steps.append(Step("Area: each line supports the convex (concave) envelope of f at the midpoint; the area it "
                          "loses against the optimal line is at most (U − L)·(envelope bound − line) at the midpoint."))
    else:
        lower, upper, shape = _tangent_chord(c, L, U, lo, hi, digits)
        opt["shape"] = shape
        steps.append(Step("Tangent at the midpoint and chord through the ends (f is " + shape + " on [L, U], from the "
                          "engine's certified convexity intervals)."))
    steps.append(Step("Soundness: each intercept is the certified extreme of f(x) − a·x over [L, U] (branch and "
                      "bound in Arb with mean-value enclosures), rounded outward to the printed decimal."))
    return Relaxation(c.name, c.instance.params, (L, U), mode, digits, lower, upper, opt,
                      "certified", tuple(steps))


def _short_points(pts, lo: fmpq, hi: fmpq, digits: int) -> list:
    """Points rounded to ``digits`` + 4 significant decimals, kept in [lo, hi] and in order (the bounds
    they enter hold for any points of [lo, hi]; short decimals keep the output readable)."""
    out = []
    for p in pts:
        if p == lo or p == hi:
            out.append(p)
            continue
        r = fq(decimal(p, digits + 4, 0))
        out.append(min(max(r, lo), hi))
    return out


def _area_slope(c: Curve, sm, i: int, j: int):
    if i == j:
        t = sm.xs[i]
        if i in sm.fixed:  # a kink (or an end) at the midpoint: a subgradient near the chord slope
            dl, dr = c.one_sided_derivatives(t)
            s = sm.chord_slope
            return arb.min(arb.max(s, dl), dr), t, t
        return c.derivative(t, 1), t, t
    r = estimate.bitangent(c, sm, i, j)
    if r is None:
        t1, t2 = sm.xs[i], sm.xs[j]
        return (c.value(t2) - c.value(t1)) / arb(t2 - t1), t1, t2
    return r


def _covers_lo(iv, L) -> bool:
    return iv.lo.infinite < 0 or (iv.lo.exact is not None and iv.lo.exact.is_Rational and bool(iv.lo.exact <= L)) \
        or (iv.lo.ball is not None and iv.lo.ball <= arb(fq(L)) and not iv.lo.ball.contains(arb(fq(L))))


def _covers_hi(iv, U) -> bool:
    return iv.hi.infinite > 0 or (iv.hi.exact is not None and iv.hi.exact.is_Rational and bool(U <= iv.hi.exact)) \
        or (iv.hi.ball is not None and iv.hi.ball >= arb(fq(U)) and not iv.hi.ball.contains(arb(fq(U))))


def _joins(c: Curve, t: sp.Rational, shape: str) -> bool:
    """f, convex (concave) on closed intervals meeting at ``t``, is so on their union: f is continuous
    at t (the convexity analysis refuses discontinuous f) and f′ does not jump down (up) there —
    no breakpoint, f′ continuous (the first jump of order >= 2, or none), or a kink of the right
    direction (:func:`~gelu_math.certified.profile.kinks`, compared exactly)."""
    from ..analysis.smoothness import smoothness
    from ..certified.profile import kinks
    from ..errors import CertificationError

    bp = next((b for b in smoothness(c.pieces).breakpoints if b.x == t), None)
    if bp is None or not bp.continuous or bp.order == 0:
        return False  # a shape change away from a breakpoint, or a jump of f: not decided here
    if bp.order != 1:
        return True
    try:
        return kinks(c.pieces)[t] == ("+" if shape == "convex" else "-")
    except CertificationError:
        return False


def _shape(c: Curve, L, U) -> str:
    """The shape of f on [L, U]: one convexity interval covering it, or a run of consecutive ones,
    convex (concave) and linear, joined at exact breakpoints where f′ does not jump the wrong way
    (ELU on [−1/2, 1/2]: convex on (−∞, 0], linear on [0, ∞), f′ continuous at 0: convex)."""
    from ..engine import analyze

    a = analyze(c.instance, digits=20, parts=("convexity",))
    ivs = list(a["convexity"].value)
    for iv in ivs:
        if _covers_lo(iv, L) and _covers_hi(iv, U):
            return iv.label
    starts = [i for i, iv in enumerate(ivs) if _covers_lo(iv, L)]
    if starts:  # the run from the last interval that starts at or before L
        run = [ivs[starts[-1]]]
        while not _covers_hi(run[-1], U) and starts[-1] + len(run) < len(ivs):
            run.append(ivs[starts[-1] + len(run)])
        strict = {iv.label for iv in run} - {"linear"}
        if _covers_hi(run[-1], U) and len(strict) == 1:
            shape = strict.pop()
            ends = [iv.hi.exact for iv in run[:-1]]
            if all(t is not None and t.is_Rational and L < t < U and _joins(c, t, shape) for t in ends):
                return shape
    raise RelaxInputError(f"tangent-chord needs f convex or concave on [{L}, {U}]; {c.name} is neither there "
                          f"(use chebyshev or area)")


def _tangent_chord(c: Curve, L, U, lo, hi, digits):
    shape = _shape(c, L, U)
    m = (lo + hi) / 2
    chord = (c.value(hi) - c.value(lo)) / arb(hi - lo)
    dl, dr = c.one_sided_derivatives(m)
    tangent = arb.min(arb.max(chord, dl), dr)
    if shape == "convex":
        sl, su = tangent, chord
    elif shape == "concave":
        sl, su = chord, tangent
    else:
        sl = su = chord
    lower, _ = _line(c, lo, hi, _slope(sl, digits), -1, digits)
    upper, _ = _line(c, lo, hi, _slope(su, digits), 1, digits)
    return lower, upper, shape


def _point(c: Curve, L, mode, digits) -> Relaxation:
    lo = fq(L)
    v = c.value(lo)
    lower = Line(sp.Integer(0), decimal(_fmpq_of(v.lower()), digits, -1), Number(None, arb(0)), Number(None, arb(0)),
                 (Number(L, arb(lo)),))
    upper = Line(sp.Integer(0), decimal(_fmpq_of(v.upper()), digits, 1), Number(None, arb(0)), Number(None, arb(0)),
                 (Number(L, arb(lo)),))
    gl = arb(fq(lower.intercept))
    gu = arb(fq(upper.intercept))
    lower = Line(lower.slope, lower.intercept, _number(_span((v - gl).lower(), (v - gl).upper())),
                 _number(_span((v - gl).lower(), (v - gl).upper())), lower.contact)
    upper = Line(upper.slope, upper.intercept, _number(_span((gu - v).lower(), (gu - v).upper())),
                 _number(_span((gu - v).lower(), (gu - v).upper())), upper.contact)
    return Relaxation(c.name, c.instance.params, (L, L), mode, digits, lower, upper, {}, "certified",
                      (Step("A single point: horizontal lines through the rounded-outward value."),))


def _infinite(c: Curve, L, U, digits) -> Relaxation:
    from ..engine import analyze

    a = analyze(c.instance, digits=20, parts=("convexity", "asymptotes"))
    try:
        asy = a["asymptotes"].value
        conv = a["convexity"].value
    except Exception as exc:  # noqa: BLE001 - CertificationError from the analysis: say what is missing
        raise UnsupportedError(f"{c.name}: the tails need the certified asymptotes and convexity: {exc}") from None
    sides = [s for s, end in ((-1, L), (1, U)) if not end.is_finite]
    slopes = {}
    for s in sides:
        A = asy[s]
        if A.slope is None:
            raise NoSoundLineError(f"{c.name} has no asymptote at {'-' if s < 0 else '+'}inf: no sound line with a "
                                   f"finite gap on [{_txt(L)}, {_txt(U)}]")
        slopes[s] = A
    ms = {sp.sympify(A.slope) for A in slopes.values()}
    if len(ms) > 1:
        raise NoSoundLineError(f"{c.name} has asymptote slopes {slopes[-1].slope} at -inf and {slopes[1].slope} at "
                               f"+inf: no sound line with a finite gap on [-inf, inf]")
    m = ms.pop()
    if not m.is_Rational:
        raise UnsupportedError(f"{c.name}: the asymptote slope {m} is irrational and cannot be printed exactly")
    # cut points: inside the outermost convexity interval on each infinite side
    lo_cut = L
    hi_cut = U
    if not L.is_finite:
        first = conv[0]
        edge = first.hi
        if edge.infinite:
            cut = sp.Integer(0)
        else:
            cut = sp.Integer(math.floor(float(edge.ball.lower())) - 1)
        lo_cut = min(cut, U) if U.is_finite else cut
    if not U.is_finite:
        last = conv[-1]
        edge = last.lo
        if edge.infinite:
            cut = sp.Integer(0)
        else:
            cut = sp.Integer(math.ceil(float(edge.ball.upper())) + 1)
        hi_cut = max(cut, L) if L.is_finite else cut
    if bool(hi_cut < lo_cut):  # both tails infinite and the cuts crossed: one core point suffices
        hi_cut = lo_cut = max(lo_cut, hi_cut)
    lo, hi = fq(lo_cut), fq(hi_cut)
    M = fq(m)
    ext = extremes(c, lo, hi, M, _tol(c, lo, hi, digits))
    limits = {s: arb(fq(slopes[s].intercept)) if slopes[s].intercept.is_Rational else _const(slopes[s].intercept)
              for s in sides}
    inf_lo, inf_hi, sup_lo, sup_hi = ext.min_lo, ext.min_hi, ext.max_lo, ext.max_hi
    for v in limits.values():
        inf_lo, inf_hi = arb.min(inf_lo, v.lower()), arb.min(inf_hi, v.upper())
        sup_lo, sup_hi = arb.max(sup_lo, v.lower()), arb.max(sup_hi, v.upper())
    bl = decimal(_fmpq_of(inf_lo), digits, -1)
    bu = decimal(_fmpq_of(sup_hi), digits, 1)
    BL, BU = arb(fq(bl)), arb(fq(bu))
    core_inf = not any(v.upper() < ext.min_lo for v in limits.values())  # else the inf is a limit only
    core_sup = not any(v.lower() > ext.max_hi for v in limits.values())
    cl = [Number(None, arb(p).union(arb(q))) for p, q in clusters(ext.argmin)] if core_inf else []
    cu = [Number(None, arb(p).union(arb(q))) for p, q in clusters(ext.argmax)] if core_sup else []
    for s, v in limits.items():
        if not (v.lower() > inf_hi):
            cl.append(Number.inf(s))
        if not (v.upper() < sup_lo):
            cu.append(Number.inf(s))
    lower = Line(m, bl, _number(_span(sup_lo - BL, sup_hi - BL)), _number(_span(inf_lo - BL, inf_hi - BL)), tuple(cl))
    upper = Line(m, bu, _number(_span(BU - inf_hi, BU - inf_lo)), _number(_span(BU - sup_hi, BU - sup_lo)), tuple(cu))
    steps = (Step("Tails: beyond the cut {0} (lower) / {1} (upper) f is convex or concave with asymptote slope {2}; "
                  "f − (m x + c) is then monotone and tends to 0, so f − m x lies between its value at the cut and c.",
                  (lo_cut, hi_cut, m)),
             Step("A line with a finite gap must have the asymptote's slope; the intercepts are the certified inf and "
                  "sup of f − m x (core by branch and bound, tails by the limit), rounded outward."))
    opt = {"slope_forced": True}
    return Relaxation(c.name, c.instance.params, (L, U), "chebyshev", digits, lower, upper, opt, "certified", steps)


def _const(e: sp.Expr) -> arb:
    from ..certified.arbeval import const_ball

    return const_ball(e)


def image(fn, lo, hi=None, *, params=None, digits: int = DEFAULT_DIGITS) -> tuple[Number, Number]:
    """Certified enclosures of min f and max f over the finite [lo, hi] (the interval image, for IBP)."""
    check_digits(digits)
    c = curve(fn, params)
    L, U = parse_interval(lo, hi)
    if not (L.is_finite and U.is_finite):
        raise RelaxInputError("image needs a finite interval")
    with precision(bits_for(digits) + 40):
        lo_, hi_ = fq(L), fq(U)
        ext = extremes(c, lo_, hi_, fmpq(0), _tol(c, lo_, hi_, digits))
        return _number(_span(ext.min_lo, ext.min_hi)), _number(_span(ext.max_lo, ext.max_hi))


@dataclass(frozen=True)
class LineCheck:
    """Whether slope·x + intercept is below (side −1) or above (+1) f on [L, U]: ``sound`` True (proved),
    False (refuted: ``witness`` is a point where the line crosses f), None (undecided at this precision)."""

    sound: bool | None
    gap_min: Number  # ball containing min over [L, U] of the signed gap (f − line, or line − f)
    gap_max: Number  # ball containing its max
    witness: sp.Rational | None


def check_line(fn, lo, hi, slope, intercept, side: int, *, params=None, digits: int = DEFAULT_DIGITS) -> LineCheck:
    """Decide a claimed line (exact slope and intercept: decimal text, fractions, ints) on the finite
    [lo, hi]: the certified extremes of f(x) − slope·x decide the signed gap's minimum (for ``verify``)."""
    if side not in (-1, 1):
        raise RelaxInputError(f"side must be -1 (lower line) or +1 (upper line), got {side!r}")
    check_digits(digits)
    c = curve(fn, params)
    L, U = parse_interval(lo, hi)
    if not (L.is_finite and U.is_finite):
        raise RelaxInputError("check_line needs a finite interval")
    a, b = parse_end(slope, 0), parse_end(intercept, 0)
    if not (a.is_finite and b.is_finite):
        raise RelaxInputError("slope and intercept must be finite")
    with precision(bits_for(digits) + 40):
        lo_, hi_ = fq(L), fq(U)
        ext = extremes(c, lo_, hi_, fq(a), _tol(c, lo_, hi_, digits))
        B = arb(fq(b))
        if side < 0:
            gmin, gmax = _span(ext.min_lo - B, ext.min_hi - B), _span(ext.max_lo - B, ext.max_hi - B)
            low, high = ext.min_lo - B, ext.min_hi - B
            boxes = ext.argmin
        else:
            gmin, gmax = _span(B - ext.max_hi, B - ext.max_lo), _span(B - ext.min_hi, B - ext.min_lo)
            low, high = B - ext.max_hi, B - ext.max_lo
            boxes = ext.argmax
        sound = True if low >= 0 else (False if high < 0 else None)  # on the exact end points
        witness = None
        if sound is False:
            witness = _witness(c, lo_, hi_, fq(a), B, side, boxes)
        return LineCheck(sound, _number(gmin), _number(gmax), witness)


def _witness(c: Curve, lo: fmpq, hi: fmpq, a: fmpq, B: arb, side: int, boxes) -> sp.Rational | None:
    """A point of [lo, hi] where the line is certainly on the wrong side of f: an end if one is, else the
    shortest decimal (up to 40 significant digits) near the middle of a box holding the extreme."""
    A = arb(a)

    def crosses(t: fmpq) -> bool:
        v = c.point(t, A, 1) - B
        return bool(v < 0) if side < 0 else bool(v > 0)

    for t in (lo, hi):
        if crosses(t):
            return sp.Rational(int(t.p), int(t.q))
    for p, q in boxes:
        m = (p + q) / 2 if p != q else p
        for k in range(1, 41):
            t = min(max(fq(decimal(m, k, 0)), lo), hi)
            if p <= t <= q and crosses(t):
                return sp.Rational(int(t.p), int(t.q))
        if crosses(m):
            return sp.Rational(int(m.p), int(m.q))
    return None
