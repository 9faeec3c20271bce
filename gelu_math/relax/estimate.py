"""Where the optimal lines are: slope estimates for the certified relaxations (no rigor needed here).

Every relaxation is certified *after* its slope is chosen (:mod:`.linear`): any slope gives a
sound line once its intercept is the certified extreme of f(x) − a·x.  This module only
chooses good slopes and the touching points that bound the optimum.

* **Samples.**  f at N + 1 equally spaced exact rationals of [L, U] (plus the breakpoints inside),
  evaluated in Arb and taken relative to the chord, ρ_j = f(x_j) − chord(x_j), so a tiny interval
  far out (u − l = 1e−12 at x = 10³) keeps its digits.
* **chebyshev.**  Both optimal lines are p* ∓ ε*, with p* the minimax line of f on [L, U] and
  ε* its error (0 ≤ f − ℓ ≤ E ⇔ |f − (ℓ + E/2)| ≤ E/2).  The discrete minimax slope (convex in the
  slope: ternary search) gives three alternation points; the Remez iteration in Arb (the outer
  points fix the slope, the free inner point solves f′(t) = a by Newton's method) refines them.
* **area.**  ∫(f − ℓ) = ∫f − (U − L)·ℓ(m), m = (L + U)/2, so the lower line maximises ℓ(m): it
  supports the convex envelope of f at m — a tangent at m, or a line touching f at t₁ < m < t₂
  (ends, kinks, or points with f′(t) equal to the slope, refined by Newton).  The upper line
  uses the concave envelope.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flint import arb, fmpq

from .curve import Curve

SAMPLES = 1024


@dataclass(frozen=True)
class Samples:
    xs: list  # exact fmpq sample points, increasing, xs[0] = L, xs[-1] = U
    t: np.ndarray  # (x - L)/(U - L) as floats
    rho: np.ndarray  # f(x) − chord(x), floats
    chord_slope: arb
    fixed: set  # indices of samples that are ends or kinks (never moved)


def sample(c: Curve, lo: fmpq, hi: fmpq, n: int = SAMPLES) -> Samples:
    w = hi - lo
    pts = {lo + w * fmpq(j, n) for j in range(n + 1)}
    kinks = {b for b in c.rational_breaks if lo < b < hi}
    pts |= kinks
    xs = sorted(pts)
    fl, fh = c.value(lo), c.value(hi)
    s = (fh - fl) / arb(w)
    rho = np.array([float((c.value(t) - fl - s * arb(t - lo)).mid()) for t in xs])
    tt = np.array([float((t - lo) / w) for t in xs])
    fixed = {0, len(xs) - 1} | {i for i, t in enumerate(xs) if t in kinks}
    return Samples(xs, tt, rho, s, fixed)


def _osc(rho, t, alpha):
    r = rho - alpha * t
    return r.max() - r.min()


def minimax_discrete(sm: Samples) -> float:
    """The slope (in t-space, relative to the chord) minimising max − min of ρ − α t."""
    d = np.diff(sm.rho) / np.diff(sm.t)
    lo, hi = float(d.min()), float(d.max())
    scale = max(abs(lo), abs(hi))  # relative to ρ's own size: on a narrow interval ρ ~ 1e-14 (not 1)
    for _ in range(200):
        m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        if _osc(sm.rho, sm.t, m1) <= _osc(sm.rho, sm.t, m2):
            hi = m2
        else:
            lo = m1
        if hi - lo <= 1e-17 * scale:
            break
    return (lo + hi) / 2


def alternation(sm: Samples, alpha: float) -> list[int] | None:
    """Three sample indices where ρ − α t alternates max, min, max (or min, max, min), or None."""
    r = sm.rho - alpha * sm.t
    top, bot = r.max(), r.min()
    span = top - bot
    if not span > 0:
        return None
    eps = 1e-6 * span
    marks = []
    for i, v in enumerate(r):
        kind = 1 if v >= top - eps else (-1 if v <= bot + eps else 0)
        if kind == 0:
            continue
        if marks and marks[-1][1] == kind:
            if abs(v - (top if kind > 0 else bot)) < abs(r[marks[-1][0]] - (top if kind > 0 else bot)):
                marks[-1] = (i, kind)
            continue
        marks.append((i, kind))
    if len(marks) < 3:
        return None
    # three consecutive alternating marks; prefer the triple with the widest outer span
    best = max(range(len(marks) - 2), key=lambda k: sm.t[marks[k + 2][0]] - sm.t[marks[k][0]])
    return [marks[best + j][0] for j in range(3)]


def _newton(c: Curve, t: fmpq, a: arb, lo: fmpq, hi: fmpq, steps: int = 60) -> fmpq | None:
    """t near the start with f′(t) = a (same piece, inside (lo, hi)), or None."""
    start_piece = c.piece_at(t)
    for _ in range(steps):
        d1, d2 = c.derivative(t, 1), c.derivative(t, 2)
        if not (d1.is_finite() and d2.is_finite()) or d2.mid() == 0:
            return None
        quotient = (d1 - a) / d2
        # no step: d2's ball contains 0, or the step leaves [lo, hi] (f″ ~ e^(−10^11) far out on the tanh forms:
        # a step of 2^(10^11), which must not be turned into a rational)
        if not (quotient.is_finite() and abs(quotient) < arb(hi - lo)):
            return None
        step = quotient.mid()
        nt = t - _to_fmpq(step)
        if not (lo < nt < hi) or c.piece_at(nt) != start_piece:
            return None
        if nt == t or abs(_to_fmpq(step)) <= abs(nt) * fmpq(1, 2 ** 400) + fmpq(1, 2 ** 2000):
            return nt
        t = _limit(nt)
    return t


def _limit(q: fmpq) -> fmpq:
    """Round a rational to a dyadic with about 400 significant bits (keeps the sizes bounded)."""
    return _to_fmpq(arb(q).mid()) if q.q > 2 ** 500 else q


def _to_fmpq(v: arb) -> fmpq:
    m, e = v.mid().man_exp()
    m, e = int(m), int(e)
    return fmpq(m * 2 ** e) if e >= 0 else fmpq(m, 2 ** (-e))


def remez(c: Curve, sm: Samples, refs: list[int], iterations: int = 40) -> tuple[arb, list[fmpq]] | None:
    """Refined minimax slope and the three reference points, or None when the refinement fails."""
    lo, hi = sm.xs[0], sm.xs[-1]
    pts = [sm.xs[i] for i in refs]
    free = [i not in sm.fixed for i in refs]
    a = None
    for _ in range(iterations):
        f0, f2 = c.value(pts[0]), c.value(pts[2])
        new_a = (f2 - f0) / arb(pts[2] - pts[0])
        moved = False
        for k in range(3):
            if free[k]:
                nt = _newton(c, pts[k], new_a, lo, hi)
                if nt is None:
                    return None
                moved |= nt != pts[k]
                pts[k] = nt
        if not (pts[0] < pts[1] < pts[2]):
            return None
        if a is not None and abs(float((new_a - a).mid())) <= 1e-60 * max(1.0, abs(float(new_a.mid()))):
            a = new_a
            break
        a = new_a
        if not moved:
            break
    return a, pts


def hull_support(sm: Samples, upper: bool) -> tuple[int, int]:
    """Indices (i, j) of the convex-envelope (concave for ``upper``) edge or vertex over the midpoint."""
    t, r = sm.t, (-sm.rho if upper else sm.rho)
    hull: list[int] = []
    for i in range(len(t)):
        while len(hull) >= 2:
            i0, i1 = hull[-2], hull[-1]
            if (r[i1] - r[i0]) * (t[i] - t[i0]) >= (r[i] - r[i0]) * (t[i1] - t[i0]):
                hull.pop()
            else:
                break
        hull.append(i)
    mid = 0.5
    for k in range(len(hull) - 1):
        a, b = hull[k], hull[k + 1]
        if t[a] <= mid <= t[b]:
            if t[a] == mid:
                return a, a
            if t[b] == mid:
                return b, b
            return a, b
    return hull[0], hull[-1]


def bitangent(c: Curve, sm: Samples, i: int, j: int, iterations: int = 60) -> tuple[arb, fmpq, fmpq] | None:
    """Slope and touching points t₁ ≤ m ≤ t₂ of the envelope edge starting from samples i, j."""
    lo, hi = sm.xs[0], sm.xs[-1]
    t1, t2 = sm.xs[i], sm.xs[j]
    a = None
    for _ in range(iterations):
        new_a = (c.value(t2) - c.value(t1)) / arb(t2 - t1)
        n1 = t1 if i in sm.fixed else _newton(c, t1, new_a, lo, hi)
        n2 = t2 if j in sm.fixed else _newton(c, t2, new_a, lo, hi)
        if n1 is None or n2 is None or not (n1 < n2):
            return None
        done = n1 == t1 and n2 == t2
        t1, t2 = n1, n2
        if a is not None and abs(float((new_a - a).mid())) <= 1e-60 * max(1.0, abs(float(new_a.mid()))):
            a = new_a
            break
        a = new_a
        if done:
            break
    return a, t1, t2
