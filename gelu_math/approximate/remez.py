"""The Remez exchange in high precision (mpmath): a minimax polynomial, numerically.

Nothing here is certified: it *designs*.  :mod:`.design` then certifies what it designed
(the certified envelope for the sup, de la Vallée Poussin for optimality), so a poor
convergence here can only make the certified numbers worse, never wrong.

For a target g, a positive weight w and powers k_0 < … < k_{m−1} (all of them for a full
polynomial, the even or odd ones for a parity design), the error is e = w·(p − g) with
p = Σ c_j x^{k_j}.  Starting from the m + 1 Chebyshev extreme points of [lo, hi], each
iteration solves p(r_i) − (−1)^i E / w(r_i) = g(r_i) for (c, E), finds the extrema of e
(sign runs on a dense Chebyshev grid, then parabolic refinement) and exchanges the
reference for m + 1 alternating extrema with the largest |e| (multi-point exchange).  The
basis is the scaled monomials (x/s)^k, s = max(|lo|, |hi|), whose conditioning the working
precision (``dps``, default 40 + degree/2 digits) absorbs.

Reference: E. Ya. Remez (1934); L. N. Trefethen, *Approximation Theory and Approximation
Practice*, ch. 10; R. Pachón & L. N. Trefethen, BIT 49 (2009) 721–741 (the exchange rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import mpmath
import numpy as np

from ..errors import CertificationError

PARABOLA_ROUNDS = 10
GRID_PER_BASIS = 120
MIN_GRID = 1500


@dataclass(frozen=True)
class RemezResult:
    coefficients: tuple  # mpf, for x^k (unscaled), k in ``powers``
    powers: tuple[int, ...]
    reference: tuple  # mpf, the final alternation points
    levelled: object  # |E| of the last solve (mpf)
    max_error: object  # max |e| found on the grid (mpf)
    iterations: int
    converged: bool


def chebyshev_points(lo, hi, n: int) -> list:
    """n Chebyshev extreme points (second kind) of [lo, hi], ascending."""
    if n == 1:
        return [(lo + hi) / 2]
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    return [mid - half * mpmath.cos(mpmath.pi * j / (n - 1)) for j in range(n)]


def _start(lo, hi, n: int) -> list:
    """Chebyshev extreme points bent slightly off symmetry (u -> u^1.1 on [0, 1]): on a symmetric
    interval a target such as GELU (even part + x/2) makes the symmetric start degenerate
    (levelled error 0), since its best approximation of even degree D is that of degree D + 1."""
    return [lo + (hi - lo) * ((1 - mpmath.cos(mpmath.pi * j / (n - 1))) / 2) ** mpmath.mpf("1.1")
            for j in range(n)]


def remez(g: Callable, powers, lo, hi, weight: Callable | None = None, dps: int | None = None,
          max_iter: int = 40, tol: float = 1e-9) -> RemezResult:
    """The (numerically) best weighted approximation of ``g`` on [lo, hi] by Σ c_j x^{k_j}.

    ``g`` and ``weight`` map an mpf to an mpf at the working precision; ``lo``, ``hi`` are
    numbers.  ``powers`` must span a Haar space on [lo, hi] (all powers 0..D; even or odd
    powers on an interval that does not contain 0 in its interior).  The dense grid is searched
    in float64 (sign runs and their largest |e|); each extremum is then refined in mpmath."""
    powers = tuple(powers)
    m = len(powers)
    dps = dps or 30 + max(powers) // 2
    with mpmath.workdps(dps):
        lo, hi = mpmath.mpf(lo), mpmath.mpf(hi)
        s = max(abs(lo), abs(hi))
        w = weight or (lambda t: mpmath.mpf(1))
        grid = chebyshev_points(lo, hi, max(MIN_GRID, GRID_PER_BASIS * m))
        if powers[0] > 0:  # no constant term: x = 0 gives a zero row; keep it off the grid
            grid = [t for t in grid if t != 0]
        u = np.array([float(t / s) for t in grid])
        gvals = np.array([float(g(t)) for t in grid])
        wvals = np.array([float(w(t)) for t in grid])
        upow = np.array([u ** k for k in powers])
        at_zero = powers[0] > 0 and (lo == 0 or hi == 0)  # every basis function vanishes at that end
        ref = _start(lo, hi, m + 2 if at_zero else m + 1)
        if at_zero:
            ref = ref[1:] if lo == 0 else ref[:-1]

        def err(a, t):
            v = t / s
            return w(t) * (mpmath.fsum(c * v ** k for k, c in zip(powers, a)) - g(t))

        # float64 resolves e on the grid only where |E| is well above its rounding of w·g and of the
        # terms c_j u^k (high degrees: GELU of degree 36 on [-4, 4] has E ~ 1e-13 against terms ~ 1e3; tanh of
        # degree 40 on [-1, 1] has E ~ 3e-22): below that, the sign runs are rounding noise and the exchange
        # collapses (a "minimax" error of 161, or a singular system), so e is evaluated in mpmath instead
        scale_g = float(np.max(np.abs(wvals * gvals))) or 1.0
        a, E, converged, it, ext = None, mpmath.mpf(0), False, 0, []
        for it in range(1, max_iter + 1):
            rows = [[(r / s) ** k for k in powers] + [(-1) ** i / w(r)] for i, r in enumerate(ref)]
            try:
                sol = mpmath.lu_solve(mpmath.matrix(rows), mpmath.matrix([g(r) for r in ref]))
            except ZeroDivisionError:  # mpmath: "matrix is numerically singular" (reference points merged)
                raise CertificationError(f"the Remez exchange broke down at degree {max(powers)} on [{mpmath.nstr(lo, 8)}, "
                                         f"{mpmath.nstr(hi, 8)}] (a singular reference system at iteration {it}): "
                                         "no design; try a lower degree or a shorter interval") from None
            a, E = [sol[j] for j in range(m)], sol[m]
            fa = np.array([float(c) for c in a])
            noise = 1e-12 * max(scale_g, float(np.max(np.abs(fa))))
            if abs(E) > noise:
                es = wvals * (fa @ upow - gvals)
            else:
                es = np.array([float(err(a, t)) for t in grid])
            found = _extrema(grid, es, lambda t: err(a, t))
            if len(found) < m + 1:  # no full alternation found: keep the last solution
                break
            ext = _exchange(found, m + 1)
            ref = [t for t, _ in ext]
            big = max(abs(v) for _, v in found)
            small = min(abs(v) for _, v in ext)
            if big == 0 or (big - small) / big < tol:
                converged = True
                break
        coeffs = tuple(c / s ** k for c, k in zip(a, powers))
        biggest = max((abs(v) for _, v in ext), default=abs(E))
        return RemezResult(coeffs, powers, tuple(ref), abs(E), biggest, it, converged)


def _extrema(grid, es, e) -> list:
    """One extremum per sign run of e on the grid (largest |e| of the run, refined by golden
    parabolas between its grid neighbours): [(t, e(t))], alternating in sign."""
    out, n = [], len(grid)
    sign = es >= 0
    cuts = np.flatnonzero(sign[1:] != sign[:-1]) + 1
    for i, j in zip(np.concatenate(([0], cuts)), np.concatenate((cuts, [n]))):
        k = int(i + np.argmax(np.abs(es[i:j])))
        t, vt = _vertex(e, grid[k], grid[max(k - 1, 0)], grid[min(k + 1, n - 1)])
        out.append((t, vt))
    return out


def _vertex(e, t, left, right):
    """Refine a grid extremum t of |e| (its grid neighbours left, right) by successive parabolic
    interpolation, keeping a bracket whose middle point has the largest |e|; an extremum at an
    end of [lo, hi] stays there."""
    vt = e(t)
    if t == left or t == right:
        return t, vt
    pts = [(left, abs(e(left))), (t, abs(vt)), (right, abs(e(right)))]
    for _ in range(PARABOLA_ROUNDS):
        (x0, f0), (x1, f1), (x2, f2) = pts
        num = (x1 - x0) ** 2 * (f1 - f2) - (x1 - x2) ** 2 * (f1 - f0)
        den = (x1 - x0) * (f1 - f2) - (x1 - x2) * (f1 - f0)
        c = x1 - num / (2 * den) if den != 0 else x1
        span = x2 - x0
        if not x0 < c < x2 or abs(c - x1) < span * mpmath.mpf(10) ** -12:
            c = x1 + (span / 100 if x2 - x1 > x1 - x0 else -span / 100)
        fc = abs(e(c))
        if c > x1:
            pts = [(x1, f1), (c, fc), (x2, f2)] if fc > f1 else [(x0, f0), (x1, f1), (c, fc)]
        else:
            pts = [(x0, f0), (c, fc), (x1, f1)] if fc > f1 else [(c, fc), (x1, f1), (x2, f2)]
    best = pts[1][0]
    return best, e(best)


def _exchange(ext: list, count: int) -> list:
    """``count`` alternating points out of the alternating list ``ext``, dropping the smallest
    (an interior point goes with the smaller of its two neighbours, to keep the alternation)."""
    ext = list(ext)
    while len(ext) > count:
        if len(ext) == count + 1:
            ext.pop(0 if abs(ext[0][1]) < abs(ext[-1][1]) else -1)
            continue
        i = min(range(len(ext)), key=lambda r: abs(ext[r][1]))
        if i in (0, len(ext) - 1):
            ext.pop(i)
            continue
        ext.pop(i)
        ext.pop(i - 1 if abs(ext[i - 1][1]) < abs(ext[i][1]) else i)
    return ext
