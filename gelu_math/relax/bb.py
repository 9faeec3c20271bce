"""Certified range of g(x) = f(x) − a·x on a closed interval, by branch and bound in Arb.

:func:`extremes` encloses min g and max g over [lo, hi] (exact rational ends, a rational slope):

* every box gets bounds lo ≤ g ≤ hi on it (:meth:`Curve.bounds`: the tighter of the plain and
  the mean-value enclosure per analytic piece, and the end values where g is monotone on the box);
* witnesses — g at the ends and at box midpoints inside [lo, hi] — give certified bounds
  min g ≤ W_min and max g ≥ W_max;
* a box whose lower end exceeds W_min cannot hold the minimum and is dropped (the same for the
  maximum); a box whose lower end is within ``tol`` of W_min is kept as it is; others are halved;
* at the end min g ∈ [min of the kept boxes' lower ends, W_min] and every minimiser lies in a
  kept box (those boxes, merged into clusters, are the contact points of a lower line).

Near a smooth extremum the mean-value form makes the enclosure of a box of width w within
O(w²) of the extreme, so boxes down to width ~√tol suffice; at a kink O(w).  The work is
bounded (``MAX_BOXES``): beyond it the result is refused (CertificationError), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flint import arb, ctx, fmpq

from ..errors import CertificationError
from .curve import Curve

MAX_BOXES = 60000


@dataclass(frozen=True)
class Extremes:
    """min g ∈ [min_lo, min_hi], max g ∈ [max_lo, max_hi] (exact arb points); boxes holding extremisers."""

    min_lo: arb
    min_hi: arb
    max_lo: arb
    max_hi: arb
    argmin: tuple[tuple[fmpq, fmpq], ...]
    argmax: tuple[tuple[fmpq, fmpq], ...]


def _split(c: Curve, lo: fmpq, hi: fmpq) -> list[tuple[fmpq, fmpq]]:
    cuts = sorted({b for b in c.rational_breaks if lo < b < hi})
    ends = [lo, *cuts, hi]
    return [(ends[i], ends[i + 1]) for i in range(len(ends) - 1)] if lo != hi else [(lo, hi)]


def extremes(c: Curve, lo: fmpq, hi: fmpq, a: fmpq, tol: float, need_min: bool = True,
             need_max: bool = True) -> Extremes:
    """Enclosures of min and max of f(x) − a·x over [lo, hi] (see the module docstring)."""
    A = arb(a)
    wmin = wmax = None

    def witness(t: fmpq) -> None:
        nonlocal wmin, wmax
        v = c.point(t, A, 1)
        if not v.is_finite():
            return
        up, down = v.upper(), v.lower()
        wmin = up if wmin is None or up < wmin else wmin
        wmax = down if wmax is None or down > wmax else wmax

    witness(lo)
    witness(hi)
    for p, q in _split(c, lo, hi)[:-1]:
        witness(q)
    todo = [(p, q, c.bounds(p, q, A, 1)) for p, q in _split(c, lo, hi)]
    kept_min: list = []
    kept_max: list = []
    count = 0
    while todo:
        p, q, enc = todo.pop()
        count += 1
        if count > MAX_BOXES:
            raise CertificationError(f"the range of {c.name} minus a line on [{float(lo):.6g}, {float(hi):.6g}] "
                                     f"needed more than {MAX_BOXES} boxes")
        finite = enc.is_finite()
        split = False
        if need_min:
            if not finite or not (enc.lower() > wmin):
                if finite and float(enc.lower() - wmin) >= -tol:
                    t = enc.at[0] if getattr(enc, "at", None) is not None else None
                    kept_min.append((p, q, enc) if t is None else (t, t, enc))  # strictly monotone: at an end
                else:
                    split = True
        if need_max:
            if not finite or not (enc.upper() < wmax):
                if finite and float(enc.upper() - wmax) <= tol:
                    t = enc.at[1] if getattr(enc, "at", None) is not None else None
                    kept_max.append((p, q, enc) if t is None else (t, t, enc))
                else:
                    split = True
        if split:
            if p == q:
                raise CertificationError(f"{c.name}: no finite ball at x = {float(p):.17g}")
            m = (p + q) / 2
            # boxes narrower than the working precision resolves cannot help (the floor follows the precision:
            # a fixed 2^-200 stopped 130-digit relaxations, whose extremisers need boxes of ~10^-66)
            if not (p < m < q) or (q - p) < abs(p + q) * fmpq(1, 2 ** ctx.prec) + fmpq(1, 2 ** (2 * ctx.prec)):
                raise CertificationError(f"{c.name}: the range of f minus a line did not converge near "
                                         f"x = {float(m):.17g} at this precision")
            witness(m)
            # remove boxes already kept for one extreme from being kept twice: only split once
            if need_min and kept_min and kept_min[-1][0] == p and kept_min[-1][1] == q:
                kept_min.pop()
            if need_max and kept_max and kept_max[-1][0] == p and kept_max[-1][1] == q:
                kept_max.pop()
            todo.append((p, m, c.bounds(p, m, A, 1)))
            todo.append((m, q, c.bounds(m, q, A, 1)))
    min_lo = min_hi = max_lo = max_hi = arb(0)
    argmin = argmax = ()
    if need_min:
        kept_min = [k for k in kept_min if not (k[2].lower() > wmin)]
        min_lo = _lowest(kept_min)
        min_hi = wmin
        argmin = tuple((p, q) for p, q, _ in kept_min)
    if need_max:
        kept_max = [k for k in kept_max if not (k[2].upper() < wmax)]
        max_hi = _highest(kept_max)
        max_lo = wmax
        argmax = tuple((p, q) for p, q, _ in kept_max)
    return Extremes(min_lo, min_hi, max_lo, max_hi, argmin, argmax)


def _lowest(kept) -> arb:
    out = None
    for _, _, enc in kept:
        v = enc.lower()
        out = v if out is None or v < out else out
    return out


def _highest(kept) -> arb:
    out = None
    for _, _, enc in kept:
        v = enc.upper()
        out = v if out is None or v > out else out
    return out


def clusters(boxes, gap: fmpq | None = None) -> list[tuple[fmpq, fmpq]]:
    """Boxes merged where they touch or overlap (sorted)."""
    out: list[list[fmpq]] = []
    for p, q in sorted(boxes):
        if out and p <= out[-1][1]:
            out[-1][1] = max(out[-1][1], q)
        else:
            out.append([p, q])
    return [(p, q) for p, q in out]
