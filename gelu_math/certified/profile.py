"""The certified profile of a piecewise function F on ℝ.

From F, F′ and F″ (as pieces) it derives: every critical point of F (zero of F′)
with its kind, the flat intervals, the sign of F′ between consecutive points
(monotonicity of F), and the range of F (inf/sup and whether attained).  The
same profile of f′ gives convexity, inflection points and sup|f′| (Lipschitz).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp
from flint import arb

from ..analysis.calculus import one_sided
from .limits import checked_limit as limit
from ..analysis.pieces import Pieces
from ..analysis.smoothness import smoothness
from ..definitions.symbols import x
from ..errors import CertificationError
from ..facts import Number, Step
from .arbeval import compile_arb
from .balls import bits_for, precision, q, sign_of
from .numbers import compare, exact_number, hull_extreme, root_number, value_at_root
from .zeros import PieceZeros, Root, all_zeros


@dataclass(frozen=True)
class Point:
    """A partition point: a breakpoint (exact) or a critical point (Root)."""

    at: sp.Expr | Root
    is_break: bool

    def number(self, digits: int) -> Number:
        return root_number(self.at, digits) if isinstance(self.at, Root) else exact_number(self.at, digits)


@dataclass(frozen=True)
class Segment:
    """Open interval between two partition points (None: ±∞) with the sign of F′ on it."""

    lo: Point | None
    hi: Point | None
    sign: int  # +1 increasing, -1 decreasing, 0 constant
    piece_index: int


@dataclass(frozen=True)
class Critical:
    root: Root
    kind: str  # "minimum", "maximum", "neither"
    value: Number
    location: Number


@dataclass(frozen=True)
class Candidate:
    value: Number
    attained: bool | None  # None: unknown (a one-sided value at a breakpoint where F is not derived)
    where: str  # "x = ...", "limit at +inf", ...
    location: Number | None = None


@dataclass(frozen=True)
class Extremum:
    value: Number
    attained: bool
    where: tuple[Candidate, ...]  # every candidate equal to the extremum


@dataclass
class Profile:
    F: Pieces
    dF: Pieces
    zeros: list[PieceZeros]
    segments: list[Segment]
    criticals: list[Critical]
    inf: Extremum
    sup: Extremum
    steps: tuple[Step, ...]


@functools.lru_cache(maxsize=256)
def kinks(F: Pieces) -> dict:
    """The breakpoints where F′ jumps (jump order 1) and the kind of each kink: ``{x: "+"}`` where
    F′ jumps up (a convex kink), ``"-"`` where it jumps down (concave), the one-sided values
    compared exactly (CertificationError when they cannot be ordered).  Read-only (memoised)."""
    out = {}
    for bp in smoothness(F).breakpoints:
        if bp.order == 1:
            out[bp.x] = "+" if compare(exact_number(bp.right, 20), exact_number(bp.left, 20)) > 0 else "-"
    return out


def point_ball(p: Point, digits: int = 17) -> arb:
    """A ball containing the partition point ``p`` (a root's certified ball or an exact breakpoint's)."""
    return _ball(p, digits)


def _ball(p: Point, digits: int = 17) -> arb:
    return p.at.ball(digits) if isinstance(p.at, Root) else exact_number(p.at, digits).ball


def _sample(lo: Point | None, hi: Point | None) -> sp.Rational:
    """A rational strictly between two partition points, checked against their certified balls."""
    if lo is None and hi is None:
        return sp.Rational(1, 3)
    for digits in (17, 40, 100):
        with precision(bits_for(digits)):
            a = None if lo is None else _ball(lo, digits)
            b = None if hi is None else _ball(hi, digits)
            if a is None:
                m = sp.Rational(Fraction(float(b.mid())).limit_denominator(1 << 20)) - 1
            elif b is None:
                m = sp.Rational(Fraction(float(a.mid())).limit_denominator(1 << 20)) + 1
            else:
                mid = (a.upper() + b.lower()) / 2
                m = sp.Rational(mid.mid().str(digits + 5, radius=False))
            t = arb(q(m))
            if (a is None or a < t) and (b is None or t < b):
                return m
    raise CertificationError("cannot place a sample point between two neighbouring points")


def _strict_sign(expr: sp.Expr, point: sp.Rational) -> int:
    fn = compile_arb(expr, x)
    for bits in (64, 256, 1024, 4096):
        with precision(bits):
            s = sign_of(fn(arb(q(point))))
        if s is not None:
            return s
    raise CertificationError(f"undecided sign of {expr} at {point}")


def sign_segments(G: Pieces, zeros) -> list[Segment]:
    """The partition of ℝ by G's breakpoints and its zeros (``zeros``: :func:`all_zeros` of G) into
    segments with G's certified sign on each (0 on a piece where G ≡ 0): a ball at a rational strictly
    inside the segment that excludes 0."""
    segments: list[Segment] = []
    for i, (piece, pz) in enumerate(zip(G.pieces, zeros)):
        lo = None if piece.lo == -sp.oo else Point(piece.lo, True)
        hi = None if piece.hi == sp.oo else Point(piece.hi, True)
        if pz.flat:
            segments.append(Segment(lo, hi, 0, i))
            continue
        pts = [lo] + [Point(r, False) for r in pz.roots] + [hi]
        for a, b in zip(pts, pts[1:]):
            s = _strict_sign(piece.expr, _sample(a, b)) if piece.expr.has(x) else (1 if piece.expr > 0 else -1)
            segments.append(Segment(a, b, s, i))
    return segments


def profile(F: Pieces, dF: Pieces, ddF: Pieces, digits: int) -> Profile:
    """Critical points, monotone segments and range of F on ℝ (certified, complete)."""
    zeros = all_zeros(dF, ddF)
    segments = sign_segments(dF, zeros)
    steps: list[Step] = [s for pz in zeros for s in pz.steps]
    criticals = []
    for k, seg in enumerate(segments[:-1]):
        nxt = segments[k + 1]
        if seg.hi is None or seg.hi.is_break:
            continue
        root = seg.hi.at
        kind = {(-1, 1): "minimum", (1, -1): "maximum"}.get((seg.sign, nxt.sign), "neither")
        expr = F.pieces[seg.piece_index].expr
        criticals.append(Critical(root, kind, value_at_root(expr, root, digits), root_number(root, digits)))
    cands = _candidates(F, segments, criticals, digits)
    inf = _extremum(cands, -1)
    sup = _extremum(cands, 1)
    return Profile(F, dF, zeros, segments, criticals, inf, sup, tuple(steps))


def _candidates(F: Pieces, segments, criticals, digits) -> list[Candidate]:
    out = [Candidate(c.value, True, "critical point", c.location) for c in criticals]
    for seg in segments:
        if seg.sign == 0:
            piece = F.pieces[seg.piece_index]
            val = exact_number(piece.expr, digits)
            # "constant piece right of x = 3" (hardsigmoid's [3, ∞)), not "constant piece x = 3"
            out.append(Candidate(val, True, "constant piece reaching −∞" if seg.lo is None else "constant piece right of",
                                 None if seg.lo is None else seg.lo.number(digits)))
    point_values = dict(F.point_values)
    for i, bp in enumerate(F.breakpoints):
        left, right = F.pieces[i], F.pieces[i + 1]
        lv = exact_number(one_sided(left, bp), digits)
        rv = exact_number(one_sided(right, bp), digits)
        loc = exact_number(bp, digits)
        if bp in point_values:
            pv = exact_number(point_values[bp], digits)
            out.append(Candidate(pv, True, "breakpoint", loc))
            out.append(Candidate(lv, compare(lv, pv) == 0, "left limit at breakpoint", loc))
            out.append(Candidate(rv, compare(rv, pv) == 0, "right limit at breakpoint", loc))
        else:
            # no value derived at bp: "not attained there" needs a proof that F does not exist at bp,
            # i.e. its one-sided values are certified different (if F = G′ existed at bp, both sides
            # would tend to F(bp)); otherwise attainment at bp is unknown (None)
            try:
                absent = compare(lv, rv) != 0
            except CertificationError:
                absent = False
            out.append(Candidate(lv, False if absent else None, "left limit at breakpoint", loc))
            out.append(Candidate(rv, False if absent else None, "right limit at breakpoint", loc))
    for side, piece in ((-1, F.pieces[0]), (1, F.pieces[-1])):
        lim = limit(piece.expr, sp.oo * side)
        out.append(Candidate(exact_number(lim, digits), False, "limit at " + ("-inf" if side < 0 else "+inf")))
    return out


def _extremum(cands: list[Candidate], direction: int) -> Extremum:
    """inf (direction -1) or sup (+1) of the candidates, with attainment.

    Keeps every candidate no other candidate certifiably beats.  When several remain
    (values that agree to working precision, e.g. f″(±a) for an even f″), the
    extremum is the certified max/min of their balls — exact only if they are proved
    equal — and their attainment must agree, else CertificationError.
    """
    best: list[Candidate] = []
    for c in cands:
        orders = []
        for b in best:
            try:
                orders.append(compare(c.value, b.value) * direction)
            except CertificationError:
                orders.append(None)
        if any(o is not None and o < 0 for o in orders):
            continue  # c is beaten
        best = [b for b, o in zip(best, orders) if not (o is not None and o > 0)] + [c]
    proved_equal = all(_exactly_equal(c, best) for c in best)
    if proved_equal:
        value = next((c.value for c in best if c.value.exact is not None), best[0].value)
    else:
        value = best[0].value
        for c in best[1:]:
            value = hull_extreme(value, c.value, direction)
    if proved_equal and any(c.attained is True for c in best):
        attained = True  # one candidate equal to the extremum is a value of F
    elif all(c.attained is True for c in best):
        attained = True
    elif all(c.attained is False for c in best):
        attained = False  # only approached: every candidate is a limit or a one-sided value where F does not exist
    elif any(c.attained is None for c in best):
        raise CertificationError("cannot decide whether the extremum is attained: it is a one-sided value at a "
                                 "breakpoint where neither the existence of the function's value nor its absence "
                                 "is proved")
    else:
        raise CertificationError("cannot decide whether the extremum is attained (values agree to working precision)")
    return Extremum(value, attained, tuple(best))


def _exactly_equal(c: Candidate, group: list[Candidate]) -> bool:
    try:
        return all(compare(c.value, o.value) == 0 for o in group)
    except CertificationError:
        return False
