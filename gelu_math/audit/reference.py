"""Correctly rounded reference values in a target format.

For inputs ``xs`` (exact float64 values of the target format) the reference is the exact
value f(x) rounded to the nearest value of the format (ties to even, overflow to ±inf by
IEEE 754 rules).  It is computed in two stages:

1. **float64 with an error bound.**  gelu-math's own cancellation-free float form of f
   (:mod:`gelu_math.floats`) gives y; its error is bounded by
   ``REL_BOUND·M(x) + ABS_BOUND`` where M is the *magnitude form* (sum of |terms|, equal to
   |y| when no terms cancel).  REL_BOUND = 2^-40 is ~8000 float64 ULPs: a form of a dozen
   operations whose function evaluations (erfc, expit, exp, log1p, tanh) have relative
   condition numbers below ~1500 on the float64 range loses far less.  The bound is an
   assumption checked by the tests (against Arb on the whole float16 grid and on hard cases).
2. **Escalation.**  If round(y − bound) ≠ round(y + bound), i.e. the float64 interval
   straddles a rounding boundary of the target format, f(x) is evaluated in Arb ball
   arithmetic (:mod:`.arbform`) at 64, 128, … bits until the ball lies strictly between
   two consecutive rounding boundaries (or is exact: ties to even; or the exact rational
   value of a rational piece decides it).  Only those rare inputs pay for Arb; for float64
   targets every input does.
"""

from __future__ import annotations

import functools
import math
import struct
from dataclasses import dataclass

import numpy as np
import sympy as sp
from flint import arb, ctx, fmpq

from ..definitions.symbols import x
from ..floats import FORMATS, FloatFormat, FloatImpl, implementation
from ..floats.impl import TAYLOR_RADIUS
from .arbform import compile_form
from .rational import exact, rational_evaluator

REL_BOUND = 2.0 ** -40
ABS_BOUND = 2.0 ** -1060
PRECISIONS = (64, 128, 256, 1024, 4096, 16384)
@dataclass
class ReferenceValues:
    """Correctly rounded values (as float64), how many needed Arb, which are undefined."""

    values: np.ndarray
    escalated: int
    undefined: np.ndarray  # bool mask: f(x) not finite or not decidable


class Reference:
    """The correctly rounded reference of registered function ``name`` (or its derivative)."""

    def __init__(self, name: str = "gelu", derivative: int = 0, params=None):
        self.impl: FloatImpl = implementation(name, derivative, params)
        self.ball = compile_form(self.impl.form)
        self._taylor = self.impl.taylor
        self._rational = rational_evaluator(self.impl.definition)  # exact values on rational pieces

    @property
    def label(self) -> str:
        return self.impl.label

    @functools.cached_property
    def sign_segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The certified sign of f on ℝ as arrays ``(lo, hi, sign)``, sorted, with float64 ends strictly outside
        the certified balls of f's zeros and breakpoints (:func:`~gelu_math.certified.profile.sign_segments`),
        so sign(f(x)) = sign for every float lo < x < hi; pieces where f ≡ 0 are left out.  None when f's
        zeros cannot be certified (Snake's infinitely many).  Computed on first use: only a chunk whose
        correctly rounded outputs include ±0 needs it."""
        from ..analysis.calculus import derivative
        from ..analysis.pieces import decompose
        from ..certified.profile import point_ball, sign_segments
        from ..certified.zeros import all_zeros
        from ..errors import CertificationError, UnsupportedError

        try:
            g = decompose(self.impl.definition)
            segments = sign_segments(g, all_zeros(g, derivative(g, 1)))
        except (CertificationError, UnsupportedError):
            return None
        out = []
        for seg in segments:
            lo = -math.inf if seg.lo is None else math.nextafter(float(point_ball(seg.lo).upper()), math.inf)
            hi = math.inf if seg.hi is None else math.nextafter(float(point_ball(seg.hi).lower()), -math.inf)
            if seg.sign != 0 and lo < hi:
                out.append((lo, hi, seg.sign))
        return tuple(np.array(col, dtype=float) for col in zip(*out)) if out else (np.empty(0),) * 3

    def signed_zeros(self, fmt: FloatFormat, xs: np.ndarray, want_bits: np.ndarray):
        """``want_bits`` with each ±0 given the sign of the exact f(x) where f(x) ≠ 0 is certified (a tiny
        negative value rounds to −0: gelu′(−40) = −5.8·10⁻³⁴⁷ in float16), the mask of those inputs (None
        when there are none) and whether some ±0 could not be signed because f's signs are not certified.
        The float64 stage cannot see it (Φ(−40) underflows, 0 + (−0) = +0); where f(x) = 0 exactly the sign
        stays as computed.  Shared by every path (numpy, compiled, device).  A time limit in the symbolic
        isolation of f's zeros stays an error (:class:`~gelu_math.errors.SymbolicTimeout`), never
        "unsigned"."""
        mag = fmt.uint(fmt.sign_mask - 1)
        z = np.flatnonzero((want_bits & mag) == fmt.uint(0))
        if not z.size:
            return want_bits, None, False
        if self.sign_segments is None:
            return want_bits, None, True
        los, his, signs = self.sign_segments
        if not los.size:
            return want_bits, None, False
        xz = xs[z]
        k = np.searchsorted(los, xz, side="left") - 1  # the last segment with lo < x
        ok = k >= 0
        k = np.where(ok, k, 0)
        ok &= xz < his[k]
        if not ok.any():
            return want_bits, None, False
        want_bits = want_bits.copy()
        neg, pos = z[ok & (signs[k] < 0)], z[ok & (signs[k] > 0)]
        want_bits[neg] |= fmt.uint(fmt.sign_mask)
        want_bits[pos] &= mag
        certified = np.zeros(xs.shape, dtype=bool)
        certified[z[ok]] = True
        return want_bits, certified, False

    def float64_with_bound(self, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        y = self.impl.evaluate(xs)
        m = np.abs(y) if self.impl.evaluate_magnitude is None else self.impl.evaluate_magnitude(xs)
        return y, REL_BOUND * m + ABS_BOUND

    def rounded(self, fmt: FloatFormat, xs: np.ndarray) -> ReferenceValues:
        """Correctly rounded f(xs) in ``fmt`` (xs: float64 array of values of ``fmt``)."""
        xs = np.asarray(xs, dtype=np.float64)
        return self.rounded_from(fmt, xs, *self.float64_with_bound(xs))

    def rounded_from(self, fmt: FloatFormat, xs, y, b) -> ReferenceValues:
        """As :meth:`rounded`, given the float64 values ``y`` and their error bounds ``b``."""
        with np.errstate(all="ignore"):
            lo = fmt.to_bits(y - b)
            hi = fmt.to_bits(y + b)
        zero = fmt.uint(0)
        ambiguous = ((lo != hi) & (((lo | hi) & fmt.uint(fmt.sign_mask - 1)) != zero)) | ~np.isfinite(y + b)
        out = fmt.from_bits(fmt.to_bits(y))
        undefined = np.zeros(xs.shape, dtype=bool)
        idx = np.flatnonzero(ambiguous)
        if idx.size:
            out[idx], undefined[idx] = self.settle(fmt, xs[idx], y[idx], b[idx], out[idx])
        return ReferenceValues(out, int(idx.size), undefined)

    def settle(self, fmt: FloatFormat, xs, y, b, out) -> tuple[np.ndarray, np.ndarray]:
        """Correctly rounded values at inputs ``xs`` whose float64 interval y ± b is ambiguous
        (``out``: round(y), overwritten): (values, undefined mask).  Shared by the numpy and the
        compiled path, so both decide every ambiguous input the same way."""
        out = np.array(out, dtype=np.float64)
        undefined = np.zeros(xs.shape, dtype=bool)
        idx = np.arange(xs.size)
        if idx.size and self._taylor is not None and fmt.bits <= 32:
            idx = self._near_zero(fmt, xs, out, idx)
        for i in idx:
            o = self.decide(fmt, float(xs[i]))
            if o is None:
                undefined[i] = True
                out[i] = np.nan
            else:
                out[i] = _float_at(fmt, o)
                if o == 0 and y[i] + b[i] < 0:  # ordinals do not carry the sign of zero
                    out[i] = -0.0
        return out, undefined

    def _near_zero(self, fmt: FloatFormat, xs, out, idx):
        """Decide ambiguous inputs with |x| ≤ 2^-40 from f(x) = a1·x + a2·x² + O(x³).

        Used when f(0) = 0 and a1 = f′(0) is a dyadic rational of ≤ 10 bits (GELU and its
        approximations: a1 = 1/2).  Then h = a1·x is exact in float64, |f(x) − h| ≤ 2|a2|x²
        ≤ 2^-38|a2|·|h|/|a1| is far below the distance from h to any rounding boundary it
        does not sit on, and when h *is* a boundary (a tie) f(x) lies on the side of
        sign(a2): so the rounding is decided without Arb.
        """
        a1, a2 = self._taylor
        sel = np.abs(xs[idx]) <= TAYLOR_RADIUS
        if not sel.any():
            return idx
        j = idx[sel]
        h = a1 * xs[j]
        o = fmt.ordinal(fmt.to_bits(h))
        v = fmt.from_bits(fmt.bits_of_ordinal(o))
        step = np.where(h > v, 1, -1)
        w = fmt.from_bits(fmt.bits_of_ordinal(o + step))
        tie = (h != v) & (h == (v + w) / 2)
        up = o + step  # the neighbour beyond the tie
        pick_up = (w > v) == (a2 > 0)  # the side f lies on
        o = np.where(tie & pick_up, up, o)
        out[j] = fmt.from_bits(fmt.bits_of_ordinal(o))
        return idx[~sel]

    # -- one input, certified -------------------------------------------------------------
    def decide(self, fmt: FloatFormat, xv: float) -> int | None:
        """Ordinal (see FloatFormat.ordinal) of the correctly rounded f(xv); None if undecided."""
        if self._rational is not None:  # a rational piece: exact, and ties decided exactly, no Arb
            o = self._exact(fmt, xv)
            if o is not None:
                return o
        saved = ctx.prec
        try:
            for i, prec in enumerate(PRECISIONS):
                if fmt.bits == 64:
                    prec *= 2
                ctx.prec = prec
                ball = self.ball(arb(xv))
                if ball.is_finite():
                    o = _place(fmt, ball)
                    if o is not None:
                        return o
                if i == 1 and self._rational is None:  # with an evaluator, tried before any ball
                    o = self._exact(fmt, xv)
                    if o is not None:
                        return o
            return None
        finally:
            ctx.prec = saved

    def _exact(self, fmt: FloatFormat, xv: float) -> int | None:
        """Exact rounding when f(xv) is rational (polynomial and rational pieces)."""
        if self._rational is not None:
            q = self._rational(xv)
            if q is None:
                return None
        else:
            v = sp.piecewise_fold(self.impl.definition).subs(x, sp.Rational(*float(xv).as_integer_ratio()))
            if not v.is_Rational:  # includes a Piecewise whose conditions did not collapse: never guess a piece
                return None
            q = fmpq(int(v.p), int(v.q))
        o = _ordinal_near(fmt, q)
        for _ in range(4):
            lo, hi = _midpoints(fmt, o)
            if q > hi:
                o += 1
            elif q < lo:
                o -= 1
            elif q == hi:
                return _even(fmt, o, o + 1)
            elif q == lo:
                return _even(fmt, o - 1, o)
            else:
                return o
        return None


# Scalar conversions between ordinals and values (struct, not one-element numpy arrays: the
# exact path runs them millions of times in an exhaustive float32 run).  (pack code of the bit
# pattern, of the value, shift of the pattern into a float32's): bfloat16 is a float32's top half.
_PACK = {"float16": ("<H", "<e", 0), "bfloat16": ("<I", "<f", 16), "float32": ("<I", "<f", 0),
         "float64": ("<Q", "<d", 0)}


def _float_at(fmt: FloatFormat, o: int) -> float:
    """The value at ordinal o (|o| ≤ max_ordinal + 1, the ordinal of ±inf); +0 at 0."""
    if fmt.name not in _PACK:
        return float(fmt.from_bits(fmt.bits_of_ordinal(np.array([o])))[0])
    uint, flt, shift = _PACK[fmt.name]
    b = o if o >= 0 else fmt.sign_mask | -o
    return struct.unpack(flt, struct.pack(uint, b << shift))[0]


@functools.lru_cache(maxsize=None)
def _max_value(name: str) -> float:
    """The largest finite value of the format (once per format: :func:`_ordinal_near` is a hot path)."""
    return _float_at(FORMATS[name], FORMATS[name].max_ordinal)


def _ordinal_near(fmt: FloatFormat, q) -> int:
    """An ordinal at most one step from that of the rounded value of the exact rational q: the
    rounded float64 value, rounded again (bfloat16: its float32 pattern cut to the top half)."""
    try:
        v = float(q)
    except OverflowError:
        v = math.inf if q > 0 else -math.inf
    if fmt.name not in _PACK or not abs(v) <= _max_value(fmt.name):
        return int(fmt.ordinal(fmt.to_bits(np.array([v])))[0])
    uint, flt, shift = _PACK[fmt.name]
    if shift:
        b = struct.unpack("<I", struct.pack("<f", v))[0] >> shift
    else:
        b = struct.unpack(uint, struct.pack(flt, v))[0]
    mag = b & (fmt.sign_mask - 1)
    return -mag if b & fmt.sign_mask else mag


def _value(fmt: FloatFormat, o: int) -> fmpq:
    """Exact value at ordinal o; one step past ±max is the 'virtual' next power of two."""
    m = fmt.max_ordinal
    if abs(o) <= m:
        return exact(_float_at(fmt, o))
    top, below = exact(_float_at(fmt, m)), exact(_float_at(fmt, m - 1))
    return (top + (top - below)) * (1 if o > 0 else -1)


def _midpoints(fmt: FloatFormat, o: int) -> tuple[fmpq, fmpq]:
    """The rounding boundaries below and above the value at ordinal o."""
    if fmt.bits < 64 and fmt.name in _PACK and abs(o) < fmt.max_ordinal:
        # two neighbours of a 16/32-bit format: their sum and its half are exact in float64
        v = _float_at(fmt, o)
        return exact((v + _float_at(fmt, o - 1)) / 2), exact((v + _float_at(fmt, o + 1)) / 2)
    v = _value(fmt, o)
    return (v + _value(fmt, o - 1)) / 2, (v + _value(fmt, o + 1)) / 2


def _even(fmt: FloatFormat, a: int, b: int) -> int:
    """Of two neighbours, the one with an even significand (ties to even)."""
    return a if abs(a) % 2 == 0 else b


def _clamp(fmt: FloatFormat, o: int) -> int:
    m = fmt.max_ordinal + 1  # ordinal of ±inf
    return max(-m, min(m, o))


def _place(fmt: FloatFormat, ball: arb) -> int | None:
    """Ordinal of the correctly rounded value of the point in ``ball``, or None if the ball
    straddles a rounding boundary."""
    o = _ordinal_near(fmt, ball.mid())
    inf = fmt.max_ordinal + 1
    for _ in range(4):
        if abs(o) >= inf:  # candidate is ±inf: check the value is beyond the overflow boundary
            s = 1 if o > 0 else -1
            lo, hi = _midpoints(fmt, s * fmt.max_ordinal)
            edge = arb(hi if s > 0 else lo)
            if (s > 0 and ball >= edge) or (s < 0 and ball <= edge):
                if ball.rad() == 0 or (s > 0 and ball > edge) or (s < 0 and ball < edge):
                    return s * inf
                return None
            o = s * fmt.max_ordinal
            continue
        lo, hi = _midpoints(fmt, o)
        alo, ahi = arb(lo), arb(hi)
        if ball > alo and ball < ahi:
            return o
        if ball > ahi:
            o = _clamp(fmt, o + 1)
        elif ball < alo:
            o = _clamp(fmt, o - 1)
        elif ball.rad() == 0 and ball == ahi:
            return _clamp(fmt, _even(fmt, o, o + 1))
        elif ball.rad() == 0 and ball == alo:
            return _clamp(fmt, _even(fmt, o - 1, o))
        else:
            return None
    return None
