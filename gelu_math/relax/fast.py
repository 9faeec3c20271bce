"""Vectorised sound linear relaxations in float64, for bound-propagation verifiers.

``bounds(name, lo, hi, mode)`` takes float64 arrays of interval ends and returns
``((slopes_l, intercepts_l), (slopes_u, intercepts_u))`` such that, for every i and every real
x in [lo[i], hi[i]], with the returned float64 numbers taken as exact reals,

    slopes_l[i]·x + intercepts_l[i]  ≤  f(x)  ≤  slopes_u[i]·x + intercepts_u[i].

**Why it is sound.**  For each interval, K sample points lo = x₀ ≤ x₁ ≤ … ≤ x_{K−1} = hi (the
kinks of f inside — breakpoints where f′ jumps — are added as samples) and any slope a:

1. *Values.*  F_j = float64 f(x_j) with |F_j − f(x_j)| ≤ E_j = 2⁻⁴⁰·M(x_j) + 2⁻¹⁰⁶⁰, gelu-math's
   float64 reference (:class:`gelu_math.audit.reference.Reference`; the bound is the one the
   audit relies on, checked there against Arb).
2. *Between samples.*  On a segment [x_j, x_{j+1}] of width d without a kink, f is C¹ with
   f″ ≤ C⁺ (one-sided second derivative where f″ jumps), so g = f − a·x − C⁺·x²/2 is concave and
   lies above its chord: g ≥ min(g(x_j), g(x_{j+1})) − C⁺·d²/8.  C⁺ (and C⁻ for −f″, used by
   the upper line) is the maximum over the cells meeting [lo, hi] of a *certified table*:
   Arb enclosures of f″ on ~1,800 closed cells covering [−2¹⁴, 2¹⁴] (width 1/16 on [−16, 16],
   64 cells per binade beyond), built once per function; a sparse table answers the range
   maxima in O(1).
3. *Rounding.*  b_l = min_j ((F_j − E_j) − a·x_j) − C⁺·d_max²/8 computed in float64 differs
   from its exact value by at most 4u·(S + C⁺d²/8) (u = 2⁻⁵³, S = max_j |F_j| + E_j + |a·x_j|,
   four roundings, each ≤ u times a quantity ≤ S + C⁺d²/8), plus 2⁻¹⁰⁷⁰ for subnormals; we
   subtract 2⁻⁵⁰·(S + C⁺d²/8) + 2⁻¹⁰⁷⁰ and move one float down (``nextafter``), which covers
   the rounding of that last subtraction.  Upper lines: the same for −f.

So every line is below (above) f on its whole interval whatever slope was chosen; the slope
only decides tightness.  **Slopes.**  Where the table shows one shape on the whole interval
(f″ ≥ 0 or ≤ 0 on every cell it meets, no kink inside) the optimal slopes are known: chebyshev —
the chord's; area — the chord's for the line on the chord side and the sample segment over the
midpoint (the discrete tangent) for the other.  Elsewhere, ``chebyshev``: the slope minimising the spread
max_j − min_j of F_j − a·x_j (bisection on its subgradient, both lines share it — the optimal
pair is the minimax line ∓ its error); ``area``: the lower line maximises its value at the
midpoint m, i.e. min_j (F_j − a·(x_j − m)) (concave in a; bisection), the upper line likewise.

**Tails and linear pieces.**  Where the margin C·d²/8 exceeds 25 % of the line's spread over the
samples (far-out tails, where f″ changes by orders of magnitude across one interval), the interval
is recomputed with 4× the samples (16 → 64 → 256): the same construction, so as sound, and
tighter.  On a piece where f is exactly c₁·x + c₀ with float64 c₁, c₀ and ends (ReLU, ReLU6,
hardtanh, ELU's x piece) an interval inside the closed piece gets the line c₁·x + c₀ itself as
both lines: gap 0.

Intervals must be finite with lo ≤ hi and |lo|, |hi| ≤ 2¹⁴ (the table's reach); otherwise a
RelaxInputError.  Near-optimality is measured, not proved: ``bench/bench_relax.py``.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp
from flint import arb, fmpq

from ..certified.balls import precision
from ..errors import UnsupportedError
from .curve import curve, instance
from .linear import RelaxInputError

REACH = 2.0 ** 14
SAMPLES = 16
PER_BINADE = 32
MAX_DEPTH = 10
CHUNK = 8192
BISECTIONS = 24
U52 = 2.0 ** -50
TINY = 2.0 ** -1070
# The reference's bound 2^-40·M + 2^-1060 does not hold where an intermediate (Φ(x), e^x) is subnormal
# (found by an independent review: GELU(−37.9) = −4.8e−313, its float64 value −8.1e−320); the product
# with |x| ≤ 2^14 and O(1) factors then errs by at most about 2^-1000, so every E gets this floor.
SUBNORMAL_FLOOR = 2.0 ** -990


def _edges() -> np.ndarray:
    inner = np.arange(-256, 257) / 16.0  # [-16, 16] in steps of 1/16
    outer = []
    k = 4
    while 2.0 ** k < REACH:
        outer.extend(2.0 ** k * (1 + np.arange(1, PER_BINADE + 1) / PER_BINADE))
        k += 1
    outer = np.array(outer)
    return np.concatenate([-outer[::-1], inner, outer])


class Table:
    """The certified curvature table and float64 reference of one function."""

    def __init__(self, inst):
        from ..audit.reference import Reference

        self.instance = inst
        self.curve = curve(inst)
        if not self.curve.continuous:  # a jump between two samples is invisible to the bound of step 2
            raise UnsupportedError(f"{inst.name} is discontinuous: bounds() needs a continuous function "
                                   f"(relax() handles jumps)")
        try:
            self.reference = Reference(inst.name, 0, dict(inst.params))
        except Exception as exc:  # noqa: BLE001 - a function without a derived float form
            raise UnsupportedError(f"{inst.name}: no float64 reference with an error bound: {exc}") from None
        kinks = []
        for k in self.curve.kinks:
            if not k.is_Rational or sp.Rational(float(k)) != k:
                raise UnsupportedError(f"{inst.name}: a kink at {k} that is not a float64 number")
            kinks.append(float(k))
        self.kinks = np.array(sorted(kinks))
        self.linear = _linear_pieces(self.curve)
        self.edges = _edges()
        cpos, cneg = self._curvature()
        self.cpos = _SparseMax(cpos)
        self.cneg = _SparseMax(cneg)

    def _curvature(self):
        """Certified f″ bounds per cell, computed outwards from 0; where a cell gets no finite
        enclosure the table (and so the reach of :func:`bounds`) ends on that side."""
        n = len(self.edges) - 1
        cpos = np.full(n, np.inf)
        cneg = np.full(n, np.inf)
        centre = int(np.searchsorted(self.edges, 0.0))  # edges[centre] == 0
        self.reach = [float(self.edges[0]), float(self.edges[-1])]
        with precision(128):
            for order, side in ((range(centre, n), 1), (range(centre - 1, -1, -1), -1)):
                for i in order:
                    p, q = fmpq(*self.edges[i].as_integer_ratio()), fmpq(*self.edges[i + 1].as_integer_ratio())
                    got = self._second(p, q, 0)
                    if got is None:
                        self.reach[1 if side > 0 else 0] = float(self.edges[i] if side > 0 else self.edges[i + 1])
                        break
                    cpos[i] = _up(max(arb(0), got[0]))
                    cneg[i] = _up(max(arb(0), -got[1]))
        return cpos, cneg

    def _second(self, p: fmpq, q: fmpq, depth: int):
        """(upper, lower) exact points bounding f″ on [p, q], or None; a wide cell whose ball is not
        finite (exp of a far-out ball in midpoint-radius form) is halved, up to 2^MAX_DEPTH parts."""
        c = self.curve
        X = arb(p).union(arb(q))
        enc = None
        for j in c.relevant(p, q):
            v = c.parts[j].d2(X)
            enc = v if enc is None else enc.union(v)
        if enc.is_finite() and (enc.rad() <= 1 or depth >= 6):
            return enc.upper(), enc.lower()
        if depth >= MAX_DEPTH:
            return None
        m = (p + q) / 2
        a = self._second(p, m, depth + 1)
        b = self._second(m, q, depth + 1) if a is not None else None
        if b is None:
            return None
        return arb.max(a[0], b[0]), arb.min(a[1], b[1])

    def cells(self, lo: np.ndarray, hi: np.ndarray):
        i0 = np.searchsorted(self.edges, lo, side="right") - 1
        i1 = np.searchsorted(self.edges, hi, side="left") - 1
        n = len(self.edges) - 2
        i0 = np.clip(i0, 0, n)
        i1 = np.clip(np.maximum(i1, i0), 0, n)
        return i0, i1


def _float_exact(v) -> float | None:
    """v as a float64 when the exact rational v is one (±oo as ±inf), else None."""
    if v in (sp.oo, -sp.oo):
        return float(v)
    if not v.is_Rational:
        return None
    f = float(v)
    return f if np.isfinite(f) and sp.Rational(*f.as_integer_ratio()) == v else None


def _linear_pieces(c) -> tuple:
    """(lo, hi, slope, intercept) for each piece of f that is exactly c₁·x + c₀ with c₁, c₀ and the
    piece's ends float64 numbers: on such a piece's closed interval (f is continuous) the line *is* f,
    so both lines are returned exactly, with gap 0 (ReLU, ReLU6, hardtanh, the x piece of ELU, …)."""
    from ..definitions.symbols import x

    out = []
    for piece in c.pieces.pieces:
        e = sp.expand(piece.expr)
        if not e.is_polynomial(x):
            continue
        poly = sp.Poly(e, x)
        if poly.degree() > 1:
            continue
        c1, c0 = e.coeff(x, 1), e.coeff(x, 0)
        vals = [_float_exact(v) for v in (piece.lo, piece.hi, c1, c0)]
        if all(v is not None for v in vals):
            out.append(tuple(vals))
    return tuple(out)


def _up(v: arb) -> float:
    """A float64 ≥ the exact point v."""
    if v == 0:
        return 0.0
    return float(np.nextafter(float(v), np.inf))  # float() is within half a unit of v


class _SparseMax:
    """Range maxima over a fixed array in O(1) per query (sparse table)."""

    def __init__(self, values: np.ndarray):
        self.levels = [values]
        k = 1
        while 2 * k <= len(values):
            prev = self.levels[-1]
            self.levels.append(np.maximum(prev[:-k], prev[k:]))
            k *= 2

    def query(self, i0: np.ndarray, i1: np.ndarray) -> np.ndarray:
        length = i1 - i0 + 1
        k = np.floor(np.log2(length)).astype(np.int64)
        out = np.empty(i0.shape)
        for lvl in np.unique(k):
            sel = k == lvl
            arr = self.levels[lvl]
            out[sel] = np.maximum(arr[i0[sel]], arr[i1[sel] - (1 << lvl) + 1])
        return out


@functools.lru_cache(maxsize=32)
def _table(inst) -> Table:
    return Table(inst)


def table(name, params=None) -> Table:
    return _table(instance(name, params))


def _check(lo, hi):
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    if lo.shape != hi.shape:
        raise RelaxInputError(f"lo and hi must have the same shape, got {lo.shape} and {hi.shape}")
    if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
        raise RelaxInputError("interval ends must be finite (bounds() has no tails; use relax() for infinite ends)")
    if (lo > hi).any():
        i = int(np.flatnonzero(lo > hi)[0])
        raise RelaxInputError(f"interval {i} has lo > hi ({lo.flat[i]!r} > {hi.flat[i]!r})")
    return lo, hi


def _reach(t: "Table", lo, hi):
    a, b = t.reach
    if (lo < a).any() or (hi > b).any():
        raise RelaxInputError(f"interval ends must lie in [{a:g}, {b:g}] for {t.instance.name} (the reach of its "
                              f"certified curvature table)")


def _samples(t: Table, lo: np.ndarray, hi: np.ndarray, k: int) -> np.ndarray:
    frac = np.arange(k) / (k - 1.0)
    w = hi - lo
    xs = lo[:, None] + w[:, None] * frac[None, :]
    xs = np.minimum(xs, hi[:, None])
    xs[:, 0] = lo
    xs[:, -1] = hi
    if t.kinks.size:
        extra = np.clip(t.kinks[None, :], lo[:, None], hi[:, None])
        xs = np.sort(np.concatenate([xs, extra], axis=1), axis=1)
    return xs


def _slope_chebyshev(xs, F):
    """Slope minimising max_j − min_j of F_j − a·x_j (bisection on the subgradient)."""
    lo_x = xs[:, :1]
    w = xs[:, -1] - xs[:, 0]
    safe = np.where(w > 0, w, 1.0)
    t = (xs - lo_x) / safe[:, None]
    r = F - F[:, :1]
    dt = np.diff(t, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        seg = np.where(dt > 0, np.diff(r, axis=1) / np.where(dt > 0, dt, 1.0), np.nan)
    a_lo = np.nanmin(np.where(np.isnan(seg), np.inf, seg), axis=1)
    a_hi = np.nanmax(np.where(np.isnan(seg), -np.inf, seg), axis=1)
    a_lo = np.where(np.isfinite(a_lo), a_lo, 0.0)
    a_hi = np.where(np.isfinite(a_hi), a_hi, 0.0)
    rows = np.arange(len(xs))
    for _ in range(BISECTIONS):
        mid = 0.5 * (a_lo + a_hi)
        v = r - mid[:, None] * t
        tmax = t[rows, np.argmax(v, axis=1)]
        tmin = t[rows, np.argmin(v, axis=1)]
        up = tmax > tmin  # spread decreases when the slope grows
        a_lo = np.where(up, mid, a_lo)
        a_hi = np.where(up, a_hi, mid)
    alpha = 0.5 * (a_lo + a_hi)
    return np.where(w > 0, alpha / safe, 0.0)


def _slope_area(xs, F, side: int):
    """Lower (side −1): slope maximising min_j (F_j − a·(x_j − m)); upper: minimising the max."""
    m = 0.5 * (xs[:, :1] + xs[:, -1:])
    w = xs[:, -1] - xs[:, 0]
    safe = np.where(w > 0, w, 1.0)
    t = (xs - m) / safe[:, None]
    r = (F - F[:, :1]) * (-side)  # lower line of (−side)·f
    dt = np.diff(t, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        seg = np.diff(r, axis=1) / np.where(dt > 0, dt, 1.0)
    seg = np.where(dt > 0, seg, np.nan)
    a_lo = np.nan_to_num(np.nanmin(np.where(np.isnan(seg), np.inf, seg), axis=1), posinf=0.0, neginf=0.0)
    a_hi = np.nan_to_num(np.nanmax(np.where(np.isnan(seg), -np.inf, seg), axis=1), posinf=0.0, neginf=0.0)
    rows = np.arange(len(xs))
    for _ in range(BISECTIONS):
        mid = 0.5 * (a_lo + a_hi)
        v = r - mid[:, None] * t
        tmin = t[rows, np.argmin(v, axis=1)]
        grow = tmin < 0  # φ(a) = min_j (r_j − a t_j) increases with a while its argmin has t < 0
        a_lo = np.where(grow, mid, a_lo)
        a_hi = np.where(grow, a_hi, mid)
    alpha = 0.5 * (a_lo + a_hi) * (-side)
    return np.where(w > 0, alpha / safe, 0.0)


def _intercept(xs, F, E, a, curv, side: int):
    """The sound intercept for slope a (side −1: lower line, +1: upper) — module docstring, 2–3."""
    d = np.diff(xs, axis=1)
    dmax = d.max(axis=1) * (1 + 2.0 ** -51) if d.shape[1] else np.zeros(len(xs))
    margin = curv * dmax * dmax * 0.125 * (1 + U52)
    ax = a[:, None] * xs
    if side < 0:
        G = (F - E) - ax
        core = G.min(axis=1) - margin
    else:
        G = (F + E) - ax
        core = G.max(axis=1) + margin
    S = (np.abs(F) + E + np.abs(ax)).max(axis=1)
    slack = U52 * (S + margin) + TINY
    if side < 0:
        return np.nextafter(core - slack, -np.inf)
    return np.nextafter(core + slack, np.inf)


def bounds(name, lo, hi, mode: str = "chebyshev", *, params=None, samples: int = SAMPLES):
    """Sound float64 lines for every interval [lo[i], hi[i]] (module docstring).

    Example::

        (al, bl), (au, bu) = bounds("gelu", np.array([-1.0, 0.5]), np.array([2.0, 0.75]))
        # al*x + bl <= gelu(x) <= au*x + bu for every real x in each interval
    """
    if mode not in ("chebyshev", "area"):
        raise RelaxInputError(f"mode must be chebyshev or area, got {mode!r}")
    if isinstance(samples, bool) or not isinstance(samples, int) or not 3 <= samples <= 1024:
        raise RelaxInputError(f"samples must be an integer 3..1024, got {samples!r}")
    t = table(name, params)
    lo, hi = _check(lo, hi)
    _reach(t, lo, hi)
    shape = lo.shape
    lo, hi = lo.ravel(), hi.ravel()
    out = [np.empty(lo.shape) for _ in range(4)]
    for s in range(0, len(lo), CHUNK):
        sl = slice(s, s + CHUNK)
        al, bl, au, bu = _chunk(t, lo[sl], hi[sl], mode, samples)
        out[0][sl], out[1][sl], out[2][sl], out[3][sl] = al, bl, au, bu
    al, bl, au, bu = (o.reshape(shape) for o in out)
    return (al, bl), (au, bu)


def _chunk(t: Table, lo, hi, mode, k):
    xs = _samples(t, lo, hi, k)
    F, E = t.reference.float64_with_bound(xs.ravel())
    E = np.maximum(E, SUBNORMAL_FLOOR)
    F, E = F.reshape(xs.shape), E.reshape(xs.shape)
    if not (np.isfinite(F).all() and np.isfinite(E).all()):
        raise UnsupportedError(f"{t.instance.name}: a float64 value is not finite on the given intervals")
    i0, i1 = t.cells(lo, hi)
    cp, cn = t.cpos.query(i0, i1), t.cneg.query(i0, i1)
    # one shape on the whole interval (certified table, no kink inside): the optimal slopes are known —
    # chebyshev: the chord's (tangent parallel to it, both lines); area: chord for the line on the
    # chord side, the discrete tangent at the midpoint for the other.  Only mixed intervals search.
    kink = np.zeros(len(lo), dtype=bool)
    for b in t.kinks:
        kink |= (lo < b) & (b < hi)
    convex = (cn == 0) & ~kink
    concave = (cp == 0) & ~kink & ~convex
    mixed = ~(convex | concave)
    w = xs[:, -1] - xs[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        chord = np.where(w > 0, (F[:, -1] - F[:, 0]) / np.where(w > 0, w, 1.0), 0.0)
    if mode == "chebyshev":
        al = chord.copy()
        if mixed.any():
            al[mixed] = _slope_chebyshev(xs[mixed], F[mixed])
        au = al
    else:
        m = 0.5 * (xs[:, :1] + xs[:, -1:])
        j = np.clip((xs <= m).sum(axis=1) - 1, 0, xs.shape[1] - 2)
        rows = np.arange(len(lo))
        dx = xs[rows, j + 1] - xs[rows, j]
        with np.errstate(divide="ignore", invalid="ignore"):
            tangent = np.where(dx > 0, (F[rows, j + 1] - F[rows, j]) / np.where(dx > 0, dx, 1.0), chord)
        al = np.where(convex, tangent, chord)
        au = np.where(concave, tangent, chord)
        if mixed.any():
            al[mixed] = _slope_area(xs[mixed], F[mixed], -1)
            au[mixed] = _slope_area(xs[mixed], F[mixed], 1)
    bl = _intercept(xs, F, E, al, cp, -1)
    bu = _intercept(xs, F, E, au, cn, 1)
    if k < RESAMPLE:
        more = np.flatnonzero(_needs_more(xs, F, E, al, cp) | _needs_more(xs, F, E, au, cn))
        if more.size:  # the same construction with denser samples: sound, and tighter there
            al, au = al.copy(), au.copy()
            al[more], bl[more], au[more], bu[more] = _chunk(t, lo[more], hi[more], mode, min(4 * k, RESAMPLE))
    if t.linear:
        al, au = al.copy(), au.copy()
        for plo, phi, c1, c0 in t.linear:
            on = (lo >= plo) & (hi <= phi)
            al[on], au[on], bl[on], bu[on] = c1, c1, c0, c0
    return al, bl, au, bu


REFINE = 0.25  # resample where the curvature margin exceeds 25 % of the line's spread over the samples
RESAMPLE = 256  # at most this many samples: 4× more per round (the margin shrinks with the spacing squared)


def _needs_more(xs, F, E, a, curv) -> np.ndarray:
    """Rows whose margin C·d²/8 is a large part of the gap (and above the float64 error bound, which
    denser samples would not reduce): far-out tails, where f″ changes by orders of magnitude across
    the interval, so the interval-wide C overstates the curvature of most segments."""
    d = np.diff(xs, axis=1)
    if not d.shape[1]:
        return np.zeros(len(xs), dtype=bool)
    dmax = d.max(axis=1)
    G = F - a[:, None] * xs
    spread = G.max(axis=1) - G.min(axis=1)
    margin = curv * dmax * dmax * 0.125
    return (margin > REFINE * spread) & (margin > 4 * E.max(axis=1))


def interval_image(name, lo, hi, *, params=None, samples: int = 64):
    """Sound float64 enclosures (low, high) of f([lo[i], hi[i]]) (the lines of slope 0)."""
    t = table(name, params)
    lo, hi = _check(lo, hi)
    _reach(t, lo, hi)
    shape = lo.shape
    lo, hi = lo.ravel(), hi.ravel()
    xs = _samples(t, lo, hi, samples)
    F, E = t.reference.float64_with_bound(xs.ravel())
    E = np.maximum(E, SUBNORMAL_FLOOR)
    F, E = F.reshape(xs.shape), E.reshape(xs.shape)
    i0, i1 = t.cells(lo, hi)
    zero = np.zeros(len(lo))
    low = _intercept(xs, F, E, zero, t.cpos.query(i0, i1), -1)
    high = _intercept(xs, F, E, zero, t.cneg.query(i0, i1), 1)
    return low.reshape(shape), high.reshape(shape)
