"""Root isolation and refinement on a bounded interval with Arb balls.

Isolation (bisection with interval evaluation): a sub-interval whose ball image
of g excludes 0 holds no root; one where the image of g' excludes 0 holds at
most one, and exactly one when g changes sign across it.  Refinement is the
interval Newton operator N(X) = m - g(m)/g'(X): every root in X lies in N(X),
so the intersection keeps the root while the width shrinks quadratically.
Whatever cannot be decided raises :class:`CertificationError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flint import arb, fmpq

from ..errors import CertificationError
from .arbeval import ArbFn
from .balls import ball_between, precision, sign_of, tight_enough

# split points sit slightly off-centre so that exact roots at "nice" points
# (0, ±1, ...) are never hit by a split
_SPLIT = fmpq(1, 2) + fmpq(1, 97)
MAX_BOXES = 200_000


@dataclass(frozen=True)
class Bracket:
    """[lo, hi] (exact rationals) holds exactly one simple root of g; g' keeps one sign."""

    lo: fmpq
    hi: fmpq
    slope_sign: int


def isolate(g: ArbFn, dg: ArbFn, lo: fmpq, hi: fmpq, *, bits: int = 64,
            min_width: fmpq = fmpq(1, 2**40)) -> list[Bracket]:
    """All roots of g in the open interval (lo, hi), each in its own :class:`Bracket`.

    ``g`` must not vanish at ``lo`` or ``hi`` (callers check the ends exactly).
    """
    out: list[Bracket] = []
    stack = [(lo, hi)]
    boxes = 0
    with precision(bits):
        while stack:
            a, b = stack.pop()
            boxes += 1
            if boxes > MAX_BOXES:
                raise CertificationError("root isolation did not finish (too many boxes)")
            narrow = (b - a) < fmpq(1, 64)
            if _sign(g, a, b, bits, narrow) not in (None, 0):
                continue
            slope = _sign(dg, a, b, bits, narrow)
            if slope in (1, -1):
                ga, gb = _sign(g, a, a, bits, True), _sign(g, b, b, bits, True)
                if ga is None or gb is None or 0 in (ga, gb):
                    if b - a < min_width:
                        raise CertificationError(f"undecided sign of g near {float(a):.17g}")
                    m = a + (b - a) * _SPLIT
                    stack += [(m, b), (a, m)]
                    continue
                if ga != gb:
                    out.append(Bracket(a, b, slope))
                continue
            if b - a < min_width:
                raise CertificationError(
                    f"cannot decide the sign of the function near x = {float(a):.17g}: on intervals narrower than "
                    "2^-40 its enclosure still contains 0 (a multiple root there, or a nonzero value too small "
                    "for the ball arithmetic to separate from 0)")
            m = a + (b - a) * _SPLIT
            stack += [(m, b), (a, m)]
    out.sort(key=lambda r: r.lo)
    return out


def _sign(fn: ArbFn, a: fmpq, b: fmpq, bits: int, escalate: bool) -> int | None:
    """Sign of fn over [a, b]; on narrow boxes retry at higher precision (cancellation)."""
    for work in ((bits, 4 * bits, 16 * bits) if escalate else (bits,)):
        with precision(work):
            s = sign_of(fn(ball_between(a, b) if a != b else arb(a)))
        if s is not None:
            return s
    return None


def refine(g: ArbFn, dg: ArbFn, bracket: Bracket, digits: int, *, bits: int) -> arb:
    """A ball of relative radius <= 10^-(digits+2) containing the root in ``bracket``.

    Interval Newton where the derivative ball keeps its sign and contracts;
    otherwise a bisection step, sound because g is monotone on the bracket.
    """
    work = bits
    box = None
    for _ in range(8):  # precision escalations
        with precision(work):
            box = ball_between(bracket.lo, bracket.hi) if box is None else box
            for _ in range(8 * work):
                if tight_enough(box, digits):
                    return box
                m = arb(box.mid())
                gm = g(m)
                inter = None
                dbox = dg(box)
                if sign_of(dbox) in (1, -1):
                    newton = m - gm / dbox
                    if newton.overlaps(box):
                        cand = newton.intersection(box)
                        if cand.rad() < box.rad() * arb("0.75"):
                            inter = cand
                if inter is None:
                    s = sign_of(gm)
                    if s is None:
                        break  # g(m) undecided: more precision
                    if s == 0:
                        return m
                    lo, hi = arb(box.lower()), arb(box.upper())
                    inter = ball_between_balls(lo, m) if s * bracket.slope_sign > 0 else ball_between_balls(m, hi)
                box = inter
        work *= 2
    raise CertificationError(f"root refinement did not reach {digits} digits (no convergence, try fewer digits)")


def ball_between_balls(lo: arb, hi: arb) -> arb:
    return lo.union(hi)
