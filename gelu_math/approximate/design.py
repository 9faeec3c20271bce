"""``approximate()``: design a minimax polynomial (or piecewise polynomial) kernel and certify it.

The design is numerical (:mod:`.remez`); everything reported about it is certified:

* the design is written as an exact function of x — ``piecewise(x < LO, left tail,
  x < k₁, P₁, …, x <= HI, P_n, right tail)`` with exact rational coefficients — and the
  certified envelope (:func:`gelu_math.envelope.envelope`) bounds its error over all of ℝ
  (``sup``) and over [LO, HI] (``sup_on``);
* *optimality* (de la Vallée Poussin): on each piece d_i = (p − R)(x_i), evaluated in Arb at
  the m + 1 exact reference points (m = number of free coefficients), is proved to alternate in
  sign; then every polynomial q of the same form has |q − R| ≥ |p − R| at some x_i, so its
  error (abs, or rel = |q/R − 1|) is at least min |e(x_i)|: the best possible error E* of any
  design with the same knots and powers lies in [max over pieces of min |e(x_i)|, sup_on], and
  ``ratio`` = sup_on / that bound (an upper bound, ≥ 1) says how close to optimal the design is
  proved to be.  The basis must be a Haar space on each piece: all powers 0..D, or even/odd
  powers on [0, b] or on a piece not containing 0 (a symmetric [−b, b] is designed on [0, b];
  E* over [−b, b] is at least E* over [0, b]).  With pieces, a parity applies to every piece, and a
  piece with 0 strictly inside must be symmetric (else refused: even or odd powers are no Haar space
  there, so no minimax is characterised by alternation); a piece ending at 0 drops that end from
  its reference (every basis function vanishes there).  For ``metric="rel"``, R (or R/x, when R(0) = 0
  and the design keeps p = x·q) must be proved nonzero on [LO, HI] (bisection in Arb) before
  anything is designed; d_i is then divided by x_i.

With ``fmt`` the coefficients are rounded to that float format by a *certified greedy
refinement*: sequential rounding (highest power first) with the still-free coefficients
re-optimised after each rounding by a discrete minimax LP on the design grid (scipy's HiGHS),
then a ±1-ulp coordinate descent to a local minimum of the sampled error, every round-down/up
corner of the real coefficients (up to CORNER_MAX of them), and 0 for a coefficient whose term is
negligible (below NEGLIGIBLE · E); only the final, exactly representable coefficients are
certified (the search itself is a heuristic, like Sollya's fpminimax).
"""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp
from flint import arb, fmpq

from ..analysis.pieces import Pieces, decompose
from ..certified.arbeval import compile_arb, const_ball
from ..certified.balls import DEFAULT_DIGITS, bits_for, check_digits, precision, sign_of
from ..definitions.parse import parse_number
from ..definitions.registry import Activation, Instance, resolve
from ..definitions.symbols import x
from ..engine import analyze
from ..envelope import Envelope, envelope
from ..options import METRICS
from ..errors import CertificationError, InputError
from ..facts import Number
from .formats import FORMATS, Format, FormatError, get_format
from .remez import RemezResult, chebyshev_points, remez

MAX_DEGREE = 64
MAX_PIECES = 64
TAIL_KINDS = ("asymptote", "zero", "identity", "poly")
PARITIES = ("even", "odd")
COEFFICIENT_SLACK = sp.Rational(1, 10 ** 12)  # decimal rounding of a coefficient moves e by < this · E
NO_ZERO_DEPTH = 14
CORNER_MAX = 12  # coefficients up to which every round-down/round-up corner is tried (4096 designs)
ROUNDING_GRID = 4000  # points of the sampled error that guides the format rounding
NEGLIGIBLE = sp.Rational(1, 10 ** 6)  # a format coefficient whose term is below this · E is tried at 0
DESCENT_MAX_MOVES = 10_000  # ulp moves of the format descent at most (each lowers the sampled error strictly)


class DesignError(InputError):
    """Bad input to ``approximate`` (degree, interval, tails, parity, pieces, knots)."""


@dataclass(frozen=True)
class PieceDesign:
    """One polynomial of the design on [lo, hi] (exact ends)."""

    lo: sp.Rational
    hi: sp.Rational
    coefficients: tuple[sp.Rational, ...]  # monomial c_0 … c_D (zeros where a power is unused)
    reference: tuple[tuple[sp.Rational, Number], ...]  # (x_i, e(x_i)), the alternation points (with a format:
    # those of the real-coefficient minimax, whose min |e(x_i)| bounds every coefficient choice)
    lower: Number | None  # min |e(x_i)|: E* on this piece is at least this (None: not proved)
    why_not: str  # why the lower bound is not proved ("" when it is)
    remez: RemezResult

    @property
    def polynomial(self) -> sp.Expr:
        return sp.Add(*(c * x ** k for k, c in enumerate(self.coefficients)))


@dataclass(frozen=True)
class Tail:
    side: int  # -1: x < LO, +1: x > HI
    kind: str  # asymptote, zero, identity, poly, constant
    expr: sp.Expr | None  # None for "poly" (the polynomial continued)


@dataclass(frozen=True)
class SupOverR:
    """sup over ℝ of |e|, the certified maximum of the envelopes over (−∞, LO], [LO, HI], [HI, ∞)."""

    sup: Number | None  # None when unbounded
    unbounded: bool
    reason: str
    attained: bool
    where: tuple[str, ...]  # which part sets it ("(-inf, LO]", "[LO, HI]", "[HI, inf)") and how
    parts: tuple[Envelope, Envelope, Envelope]  # left, on, right

    @property
    def certified(self) -> bool:
        return all(e.certified for e in self.parts)


def _combine(on: Envelope, sides) -> SupOverR:
    left, right = sides
    parts = (left, on, right)
    names = ("(-inf, LO]", "[LO, HI]", "[HI, +inf)")
    unb = [(n, e) for n, e in zip(names, parts) if e.unbounded]
    if unb:
        return SupOverR(None, True, "; ".join(f"on {n}: {e.reason}" for n, e in unb), False, tuple(n for n, _ in unb), parts)
    balls = [e.sup.ball for e in parts]
    top = balls[0]
    for b in balls[1:]:
        top = arb.max(top, b)
    # the parts that may set the maximum: those whose ball reaches the largest lower bound
    floor = max((b.lower() for b in balls), key=lambda v: v)
    where = tuple(f"{n}: {', '.join(e.where)}" for n, e in zip(names, parts) if not (e.sup.ball.upper() < floor))
    attained = all(e.attained for n, e in zip(names, parts) if not (e.sup.ball.upper() < floor))
    return SupOverR(Number(None, top), False, "", attained, where, parts)


@dataclass(frozen=True)
class Design:
    name: str
    reference: str
    degree: int
    on: tuple[sp.Rational, sp.Rational]
    metric: str
    parity: str | None
    format: str | None
    tails: tuple[Tail, Tail]
    pieces: tuple[PieceDesign, ...]
    expr: sp.Expr
    instance: Instance
    sup: SupOverR
    sup_on: Envelope
    lower: Number | None  # E* >= lower (max over pieces), None when not proved
    ratio_upper: sp.Rational | None  # sup_on.upper / lower, rounded up
    certified: bool
    method: str
    notes: tuple[str, ...]

    @property
    def knots(self) -> tuple[sp.Rational, ...]:
        return tuple(p.hi for p in self.pieces[:-1])


# --- input ------------------------------------------------------------------------------------

def _rational(value, what: str) -> sp.Rational:
    v = parse_number(value) if isinstance(value, str) else sp.nsimplify(value, rational=True) \
        if isinstance(value, float) else sp.sympify(value)
    if not v.is_Rational:
        raise DesignError(f"{what} must be an exact rational number such as -4 or 1.5, got {value!r}")
    return v


def parse_on(on) -> tuple[sp.Rational, sp.Rational]:
    """``"LO,HI"`` or a pair: exact rational ends with LO < HI."""
    parts = on.split(",") if isinstance(on, str) else list(on)
    if len(parts) != 2:
        raise DesignError(f"--on expects LO,HI, got {on!r}")
    lo, hi = (_rational(p.strip() if isinstance(p, str) else p, "--on end") for p in parts)
    if not lo < hi:
        raise DesignError(f"--on needs LO < HI, got {lo}, {hi}")
    return lo, hi


def parse_tails(tails) -> tuple[str, str]:
    if tails is None:
        return ("asymptote", "asymptote")
    parts = tails.split(",") if isinstance(tails, str) else list(tails)
    if len(parts) != 2:
        raise DesignError(f"--tails expects LEFT,RIGHT (each zero, identity, poly, asymptote or a constant), got {tails!r}")
    out = []
    for p in parts:
        p = str(p).strip()
        if p not in TAIL_KINDS:
            try:
                _rational(p, "a constant tail")
            except InputError:
                raise DesignError(f"tail {p!r} is not zero, identity, poly, asymptote or an exact rational constant") from None
        out.append(p)
    return out[0], out[1]


def _intervals(lo, hi, pieces, knots) -> list[tuple[sp.Rational, sp.Rational]]:
    if pieces is not None and knots is not None:
        raise DesignError("give either --pieces or --knots, not both")
    if knots is not None:
        ks = [_rational(k.strip() if isinstance(k, str) else k, "knot")
              for k in (knots.split(",") if isinstance(knots, str) else knots)]
        for k in ks:
            if not lo < k < hi:
                raise DesignError(f"knot {k} is outside ({lo}, {hi}): knots must lie strictly inside [LO, HI]")
        if any(b <= a for a, b in zip(ks, ks[1:])):
            raise DesignError("knots must be strictly increasing")
        if len(ks) + 1 > MAX_PIECES:
            raise DesignError(f"at most {MAX_PIECES} pieces")
    else:
        n = 1 if pieces is None else pieces
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_PIECES:
            raise DesignError(f"--pieces must be an integer in 1..{MAX_PIECES}, got {pieces!r}")
        ks = [lo + (hi - lo) * sp.Rational(i, n) for i in range(1, n)]
    ends = [lo, *ks, hi]
    return list(zip(ends, ends[1:]))


PARITY_PROBES = 8  # points t = b·k/8 (k = 1..8) where f(t) ∓ f(−t) is evaluated in Arb


def _check_parity(inst: Instance, parity: str, b: sp.Rational) -> None:
    """Refuse an even (odd) design on the symmetric [−b, b] of a function certified not to be even
    (odd) there.  Such a design is made on [0, b] and mirrored, which is the minimax only for a
    function with that symmetry; otherwise it is poor on [−b, 0] (an independent review: an even
    design for tanh on [−1, 1] had sup 1.66, worse than p = 0 at 0.76).  And no design can do well:
    an even p has p(t) = p(−t), so |f(t) − f(−t)| <= |p(t) − f(t)| + |p(−t) − f(−t)| <= 2·sup|p − f|
    (odd: f(t) + f(−t)).  The bound, certified at the probe t where it is largest and rounded down, is
    in the message.  Where no probe separates f(t) ∓ f(−t) from 0 the design goes ahead (its sup is
    certified whatever f is)."""
    pieces = decompose(inst.expr)
    best = None
    with precision(64):
        for k in range(1, PARITY_PROBES + 1):
            t = b * sp.Rational(k, PARITY_PROBES)
            vals = []
            for end in (t, -t):
                piece = next((p for p in pieces.pieces if p.contains(end)), None)
                if piece is None:  # a breakpoint: its value is not a piece's (skipped)
                    break
                vals.append(compile_arb(piece.expr, x)(arb(const_ball(end))))
            if len(vals) < 2:
                continue
            gap = abs(vals[0] - vals[1] if parity == "even" else vals[0] + vals[1]) / 2
            if gap > 0 and (best is None or gap.lower() > best[1].lower()):
                best = (t, gap)
        if best is None:
            return
        t, gap = best
        man, exp = gap.lower().mid().man_exp()
    low = Fraction(int(man)) * Fraction(2) ** int(exp)
    with decimal.localcontext() as c:  # six significant digits, rounded down (a lower bound stays one)
        c.prec, c.rounding = 6, decimal.ROUND_FLOOR
        shown = decimal.Decimal(low.numerator) / decimal.Decimal(low.denominator)
    raise DesignError(
        f"--parity {parity}: {inst.name} is not {parity} on [{-b}, {b}]: |f({t}) {'-' if parity == 'even' else '+'} "
        f"f({-t})|/2 >= {shown} (certified), so every {parity} polynomial has sup |error| >= {shown} there, and the "
        f"design on [0, {b}] is the minimax only for {parity} functions; drop --parity, or design on an interval "
        "without 0 inside")


def _powers(degree: int, parity: str | None) -> list[int]:
    if parity is None:
        return list(range(degree + 1))
    start = 0 if parity == "even" else 1
    ps = list(range(start, degree + 1, 2))
    if not ps:
        raise DesignError(f"an odd design needs degree >= 1, got {degree}")
    return ps


# --- the reference in high precision ------------------------------------------------------------

class _Reference:
    """R(t) (or R(t)/t when ``divide``) at mpf points, from Arb balls of the exact pieces."""

    def __init__(self, inst: Instance, divide: bool):
        self.pieces = [(p.lo, p.hi, compile_arb(p.expr / x if divide else p.expr, x)) for p in decompose(inst.expr).pieces]
        self.bounds = [(float(lo), float(hi)) for lo, hi, _ in self.pieces]
        self.divide = divide
        self.limit0 = None
        if divide:
            d = decompose(inst.expr)
            piece = next(p for p in d.pieces if p.lo < 0 < p.hi)  # a breakpoint at 0 is refused before
            self.limit0 = compile_arb(sp.diff(piece.expr, x).subs(x, 0), x)

    def __call__(self, t):
        # at mpmath's working precision (the exchange runs at 30 + D/2 digits): at Arb's default 53 bits the
        # target carried float64 rounding (tanh(0.3) off by 6e-17), far above a high degree's minimax error
        with precision(mpmath.mp.prec + 16):
            if self.divide and t == 0:
                return _to_mpf(self.limit0(arb(0)))
            ft = float(t)
            fn = next(f for (lo, hi), (_, _, f) in zip(self.bounds, self.pieces) if lo <= ft <= hi)
            return _to_mpf(fn(_to_arb(t)))


def _to_arb(t) -> arb:
    t = mpmath.mpf(t)
    man, exp = t.man_exp  # |man|: mpmath keeps the sign apart
    return (-1 if t < 0 else 1) * arb(int(man)) * arb(2) ** int(exp)


def _fraction(t) -> Fraction:
    if not isinstance(t, mpmath.mpf):  # mpf(an mpf) would round it to the current precision (15 digits)
        t = mpmath.mpf(t)
    man, exp = t.man_exp
    return (-1 if t < 0 else 1) * Fraction(int(man)) * Fraction(2) ** int(exp)


def _upper_rational(b: arb, places: int = 9) -> sp.Rational:
    """An exact decimal with ``places`` places that is >= every point of the ball."""
    man, exp = b.upper().mid().man_exp()
    v = sp.Rational(int(man)) * sp.Rational(2) ** int(exp)
    return sp.Rational(sp.ceiling(v * 10 ** places), 10 ** places)


def _to_mpf(b: arb):
    man, exp = b.mid().man_exp()
    return mpmath.mpf((int(man), int(exp)))


# --- coefficients ---------------------------------------------------------------------------------

def _decimal_coefficients(res: RemezResult, powers, scale, level) -> list[sp.Rational]:
    """Remez coefficients as short exact decimals: c_k is rounded to a multiple of 10^-n with
    10^-n · scale^k · (number of terms) <= COEFFICIENT_SLACK · E, so the rounding moves the error
    by a negligible fraction of it (the certified numbers are those of the rounded values anyway)."""
    level = max(float(level), 1e-30)
    out = []
    for c, k in zip(res.coefficients, powers):
        # log10 of the budget level·slack / (terms · scale^k): scale^k overflows a float for wide
        # intervals of high degree (an independent review: --on=-1e100,1e100 at degree 8)
        log_budget = math.log10(level * float(COEFFICIENT_SLACK) / len(res.powers)) \
            - k * math.log10(max(float(scale), 1.0))
        n = max(0, math.ceil(-log_budget))
        out.append(sp.Rational(round(_fraction(c) * 10 ** n), 10 ** n))  # exact: mpf · 10^n at mpmath's
        # default 15 digits rounded large coefficients (tanh of degree 40: ~1e10) by more than the error
    return out


def _round_to_format(res: RemezResult, fmt: Format, g, weight, lo, hi, scale) -> list[Fraction]:
    """Certified greedy refinement (see the module docstring); returns exact format values."""
    from scipy.optimize import linprog

    powers = list(res.powers)
    with mpmath.workdps(30):
        # Chebyshev-distributed (the error oscillates fastest near the ends) plus the Remez reference
        grid = sorted(set(chebyshev_points(mpmath.mpf(lo), mpmath.mpf(hi), ROUNDING_GRID)) | set(res.reference))
        if powers[0] > 0:
            grid = [t for t in grid if t != 0]
        xs = np.array([float(t) for t in grid])
        gv = np.array([float(g(t)) for t in grid])
        wv = np.array([float(weight(t)) if weight else 1.0 for t in grid])
    u = xs / float(scale)
    V = np.array([u ** k for k in powers]).T  # scaled monomials
    sc = np.array([float(scale) ** k for k in powers])
    coef = np.array([float(c) for c in res.coefficients])
    real = [_fraction(c) for c in res.coefficients]  # the Remez values (kept for the corners below)
    exact = list(real)  # the values the sequential rounding works from (the LP replaces the free ones)
    fixed: dict[int, Fraction] = {}

    def exact_value(j):
        return fmt.round(exact[j], f"coefficient of x^{powers[j]}")

    def sampled_coef(c):
        return float(np.max(np.abs(wv * (V @ (c * sc) - gv))))

    for j in sorted(range(len(powers)), key=lambda j: -powers[j]):
        fixed[j] = exact_value(j)
        coef[j] = float(fixed[j])
        free = [i for i in range(len(powers)) if i not in fixed]
        if not free:
            break
        base = V[:, sorted(fixed)] @ (coef[sorted(fixed)] * sc[sorted(fixed)])
        A = V[:, free] * wv[:, None]
        b = (gv - base) * wv
        # minimise t subject to |A a − b| <= t (a in scaled units)
        nf = len(free)
        c_obj = np.zeros(nf + 1)
        c_obj[-1] = 1
        A_ub = np.vstack([np.hstack([A, -np.ones((len(b), 1))]), np.hstack([-A, -np.ones((len(b), 1))])])
        b_ub = np.concatenate([b, -b])
        lp = linprog(c_obj, A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * (nf + 1), method="highs")
        if lp.status == 0:  # kept only when it lowers the sampled error (HiGHS solves to ~1e-7)
            trial = coef.copy()
            trial[free] = lp.x[:nf] / sc[free]
            if sampled_coef(trial) < sampled_coef(coef):
                coef = trial
                for i in free:
                    exact[i] = Fraction(float(coef[i]))

    vals = [fixed[j] for j in range(len(powers))]

    def sampled(vs):
        p = V @ (np.array([float(v) for v in vs]) * sc)
        return float(np.max(np.abs(wv * (p - gv))))

    def descend(vals, best):
        """Coordinate descent in ulps to a local minimum of the sampled error: each coefficient in
        turn moves one ulp at a time while that lowers the error, and the passes repeat until none
        moves (an independent review found two passes left bfloat16 GELU of degree 8 on [-4, 4]
        19 ulps of c_0 from a 10 % smaller error).  Every accepted move lowers the error strictly,
        so it ends; DESCENT_MAX_MOVES bounds the work (then the design is certified as it stands)."""
        moves = 0
        improved = True
        while improved and moves < DESCENT_MAX_MOVES:
            improved = False
            for j in range(len(powers)):
                for d in (1, -1):
                    while moves < DESCENT_MAX_MOVES:
                        trial = list(vals)
                        trial[j] = fmt.step(vals[j], d)
                        s = sampled(trial)
                        if not s < best:
                            break
                        vals, best, improved = trial, s, True
                        moves += 1
        return vals, best

    vals, best = descend(vals, sampled(vals))
    # the corners: every choice of the two format values around each real minimax coefficient (2^m designs,
    # one matrix product; an independent review found the sequential rounding and descent stuck at sup
    # 0.01623 for bfloat16 GELU of degree 8 on [-4, 4], where a corner gives 0.01168)
    if len(powers) <= CORNER_MAX:
        around = []
        for j, c in enumerate(real):
            near = fmt.round(c, f"coefficient of x^{powers[j]}")
            around.append([near] if near == c else [near, fmt.step(near, 1 if near < c else -1)])
        combos = np.array(np.meshgrid(*[[float(v) for v in a] for a in around], indexing="ij")).reshape(len(powers), -1)
        errs = np.concatenate([np.max(np.abs(wv[:, None] * (V @ (combos[:, i:i + 512] * sc[:, None]) - gv[:, None])), axis=0)
                               for i in range(0, combos.shape[1], 512)])  # 512 designs at a time (memory)
        k = int(np.argmin(errs))  # the first of equal minima: deterministic
        if errs[k] < best:
            idx = np.unravel_index(k, [len(a) for a in around])
            vals, best = descend([around[j][i] for j, i in enumerate(idx)], float(errs[k]))
    # a coefficient whose term is negligible on the interval (GELU's odd ones: the real minimax has ~1e-14
    # where GELU − x/2 is even) becomes 0 — one multiply less in the kernel — when the sampled error grows
    # by at most NEGLIGIBLE relatively (the certified error is that of the final coefficients)
    for j in range(len(powers)):
        if vals[j] != 0 and abs(float(vals[j])) * float(sc[j]) <= float(NEGLIGIBLE) * best:
            trial = list(vals)
            trial[j] = Fraction(0)
            s = sampled(trial)
            if s <= best * (1 + float(NEGLIGIBLE)):
                vals, best = trial, min(s, best)
    return vals


# --- certificates -----------------------------------------------------------------------------

def _no_zero(expr: sp.Expr, lo, hi, near_zero: sp.Expr | None = None) -> bool:
    """expr has no zero on [lo, hi]: proved by bisection in Arb (balls excluding 0).

    ``near_zero`` encloses expr on a ball that holds 0: for expr = q(x)/x with q(0) = 0 and q
    differentiable there, q(x)/x = q′(ξ) for some ξ between 0 and x (mean value theorem), so q′ on
    the ball encloses it where the quotient itself is 0/0 (tanh(x)/x on [−2, 2]: an independent
    review found it refused)."""
    F = compile_arb(expr, x)
    G = compile_arb(near_zero, x) if near_zero is not None else None
    stack = [(fmpq(int(lo.p), int(lo.q)), fmpq(int(hi.p), int(hi.q)), 0)]
    with precision(128):
        while stack:
            a, b, depth = stack.pop()
            ball = arb(a).union(arb(b))
            try:
                v = (G if G is not None and a <= 0 <= b else F)(ball)
            except (ZeroDivisionError, ValueError):
                v = None
            if v is not None and v.is_finite() and not v.contains(0):
                continue
            if depth >= NO_ZERO_DEPTH:
                return False
            m = (a + b) / 2
            stack += [(a, m, depth + 1), (m, b, depth + 1)]
    return True


def _changes_sign(expr: sp.Expr, lo, hi, probes: int = 64) -> bool:
    """Two of the points lo + (hi − lo)·k/probes where expr's Arb balls have opposite signs: a zero
    in between (expr is continuous on a piece)."""
    F = compile_arb(expr, x)
    signs = set()
    with precision(128):
        for k in range(probes + 1):
            t = lo + (hi - lo) * sp.Rational(k, probes)
            try:
                v = F(arb(const_ball(t)))
            except (ZeroDivisionError, ValueError):
                continue
            signs.add(sign_of(v))
    return {1, -1} <= signs


def _alternation(poly: sp.Expr, ref: Pieces, metric: str, divide: bool, points, digits: int):
    """(x_i, e(x_i)) in Arb at the exact points, and min |e(x_i)| when the de la Vallée Poussin
    condition holds: d_i = (p − R)(x_i) (divided by x_i when the zero of R at 0 is divided out)
    alternates in sign.  Then every q of the same form has |q − R| > |p − R| at some x_i
    (else p − q, which has the sign of p − R at every x_i, would have m zeros in an
    m-dimensional Haar space), so sup |e_q| >= min |e(x_i)| for the abs and the rel metric alike
    (|q/R − 1| ≥ |p/R − 1| there) — R need not keep one sign."""
    P = compile_arb(poly, x)
    out, signs = [], []
    with precision(bits_for(digits)):
        for t in points:
            xt = arb(fmpq(int(t.p), int(t.q)))
            R = _reference_ball(ref, t)
            d = P(xt) - R
            e = d if metric == "abs" else d / R
            out.append((t, Number(None, e)))
            signs.append(sign_of(d / xt if divide else d))
            if metric == "rel" and sign_of(R) in (None, 0):
                return tuple(out), None, "the reference is not certified nonzero at a reference point"
    if any(s in (None, 0) for s in signs):
        return tuple(out), None, "the error at a reference point is not certified nonzero"
    if any(a == b for a, b in zip(signs, signs[1:])):
        return tuple(out), None, "the errors at the reference points do not alternate in sign"
    low = min((abs(n.ball) for _, n in out), key=lambda b: b.lower())
    return tuple(out), Number(None, arb(low.lower())), ""


def _reference_ball(ref: Pieces, t: sp.Rational) -> arb:
    """R(t) as a ball at the current precision: the open piece containing t, or R's own value at
    a breakpoint."""
    for bp, value in ref.point_values:
        if bp == t:
            return compile_arb(sp.sympify(value), x)(arb(0))
    piece = next(p for p in ref.pieces if p.contains(t))
    return compile_arb(piece.expr, x)(arb(fmpq(int(t.p), int(t.q))))


def _points(res: RemezResult, lo, hi) -> list[sp.Rational]:
    """The Remez reference as exact 20-digit decimals in [lo, hi]; 0 is moved to ±10^-15, into the piece (any
    points serve the lower bound; at 0 a relative error is 0/0)."""
    pts = []
    for t in res.reference:
        r = sp.Rational(mpmath.nstr(mpmath.mpf(t), 20, strip_zeros=False, min_fixed=-100, max_fixed=100))
        r = min(max(r, lo), hi)
        pts.append(sp.Rational(1 if hi > 0 else -1, 10 ** 15) if r == 0 else r)
    return sorted(set(pts))


# --- the design -----------------------------------------------------------------------------------

def _full(cs, powers, degree) -> tuple:
    out = [sp.Integer(0)] * (degree + 1)
    for k, c in zip(powers, cs):
        out[k] = c
    return tuple(out)


def _tail_expr(kind: str, side: int, inst: Instance) -> Tail:
    if kind == "zero":
        return Tail(side, kind, sp.Integer(0))
    if kind == "identity":
        return Tail(side, kind, x)
    if kind == "poly":
        return Tail(side, kind, None)
    if kind == "asymptote":
        a = analyze(inst, parts=("asymptotes",))
        if "asymptotes" in a.facts:
            asy = a["asymptotes"].value[side]
            if asy.slope is not None:
                return Tail(side, "asymptote", asy.slope * x + asy.intercept)
        return Tail(side, "poly", None)  # no line asymptote: the polynomial continued (said in notes)
    return Tail(side, "constant", _rational(kind, "a constant tail"))


def approximate(name, degree: int, on, *, tails=None, parity: str | None = None, metric: str = "abs",
                fmt: str | None = None, pieces: int | None = None, knots=None, params=None,
                digits: int = DEFAULT_DIGITS) -> Design:
    """Design and certify a minimax (piecewise) polynomial approximation of ``name`` on ``on``.

    >>> d = approximate("gelu", 8, "-4,4")          # about 6 s: tests/test_approximate.py  # doctest: +SKIP
    >>> d.sup_on.sup.ball, d.sup.sup.ball, d.ratio_upper   # doctest: +SKIP
    """
    (d,) = approximate_formats(name, degree, on, (fmt,), tails=tails, parity=parity, metric=metric, pieces=pieces,
                               knots=knots, params=params, digits=digits)
    return d


def approximate_formats(name, degree: int, on, fmts=(None,), *, tails=None, parity: str | None = None,
                        metric: str = "abs", pieces: int | None = None, knots=None, params=None,
                        digits: int = DEFAULT_DIGITS) -> tuple[Design, ...]:
    """:func:`approximate` for each coefficient format of ``fmts`` (None: exact coefficients), with
    the work they share done once: the validation, the Remez exchange, the tails and the de la
    Vallée Poussin lower bound (always that of the real-coefficient minimax).  Each design's own
    error is certified separately."""
    check_digits(digits)
    spec = _Spec.make(name, degree, on, tails, parity, metric, pieces, knots, params)
    formats = [get_format(f) if f is not None else None for f in fmts]
    remezed = [spec.remez(a, b) for a, b in spec.intervals]
    left, right = _tail_expr(spec.left_kind, -1, spec.inst), _tail_expr(spec.right_kind, 1, spec.inst)
    notes = list(spec.notes)
    for t, kind in ((left, spec.left_kind), (right, spec.right_kind)):
        if kind == "asymptote" and t.kind == "poly":
            notes.append(f"{spec.inst.name} has no line asymptote at {'-' if t.side < 0 else '+'}inf: "
                         "that tail continues the polynomial")
    alternations = [spec.alternation(r, digits) for r in remezed]
    return tuple(spec.certify(remezed, alternations, f, (left, right), tuple(notes), digits) for f in formats)


def _polynomial(cs) -> sp.Expr:
    return sp.Add(*(c * x ** k for k, c in enumerate(cs)))


@dataclass(frozen=True)
class _Remezed:
    """One piece after the Remez exchange: [a, b], the interval designed on (rlo = 0 for a
    symmetric piece with a parity), the result, the scale and the real (decimal) coefficients."""

    a: sp.Rational
    b: sp.Rational
    rlo: sp.Rational
    res: RemezResult
    scale: sp.Rational
    real: tuple


@dataclass(frozen=True)
class _Spec:
    """A validated design request and the reference in high precision."""

    inst: Instance
    degree: int
    lo: sp.Rational
    hi: sp.Rational
    metric: str
    parity: str | None
    intervals: tuple
    left_kind: str
    right_kind: str
    powers: tuple[int, ...]
    divide: bool
    notes: tuple[str, ...]
    g: object
    weight: object

    @classmethod
    def make(cls, name, degree, on, tails, parity, metric, pieces, knots, params) -> "_Spec":
        if isinstance(degree, bool) or not isinstance(degree, int) or not 0 <= degree <= MAX_DEGREE:
            raise DesignError(f"--degree must be an integer in 0..{MAX_DEGREE}, got {degree!r}")
        if metric not in METRICS:
            raise DesignError(f"--metric must be one of {', '.join(METRICS)}, got {metric!r}")
        if parity is not None and parity not in PARITIES:
            raise DesignError(f"--parity must be even or odd, got {parity!r}")
        lo, hi = parse_on(on)
        left_kind, right_kind = parse_tails(tails)
        intervals = _intervals(lo, hi, pieces, knots)
        if parity is not None:
            for a, b in intervals:
                if a < 0 < b and a != -b:
                    what = f"--parity needs LO = -HI or an interval without 0 inside, got [{a}, {b}]" \
                        if len(intervals) == 1 else \
                        f"--parity with pieces: the piece [{a}, {b}] has 0 inside and is not symmetric"
                    raise DesignError(f"{what} ({parity} powers are not a Haar space there: no minimax is "
                                      "characterised, none certified; put a knot at 0 or make it symmetric)")
        inst = resolve(name, params)
        if not inst.is_numeric:
            raise DesignError(f"{inst.name}: give numeric parameter values")
        powers = _powers(degree, parity)
        if parity is not None:  # each symmetric piece is designed on its right half and mirrored
            for a, b in intervals:
                if a == -b:
                    _check_parity(inst, parity, b)
        notes = []
        divide = False
        if metric == "rel":
            zero_at_0 = sp.simplify(decompose(inst.expr).at(sp.Integer(0))) == 0
            if zero_at_0 and lo <= 0 <= hi:
                if 0 in decompose(inst.expr).breakpoints:
                    raise DesignError(f"--metric rel: {inst.name} vanishes at its breakpoint 0; not supported")
                divide = True
                powers = [k for k in powers if k > 0]
                if not powers:
                    raise DesignError("--metric rel: the reference vanishes at 0, so the design needs degree >= 1")
                notes.append(f"{inst.name}(0) = 0: the design keeps p(0) = 0 (p = x·q) so its relative error is bounded")
            for q in decompose(inst.expr).pieces:
                a, b = sp.Max(q.lo, lo), sp.Min(q.hi, hi)
                # divide: R(0) = 0 with 0 inside this piece (0 is no breakpoint), so R is smooth around 0
                near = sp.diff(q.expr, x) if divide and a <= 0 <= b else None
                e = sp.cancel(q.expr / x) if divide else q.expr
                if a < b and not _no_zero(e, a, b, near):
                    what = f"{inst.name}{'(x)/x' if divide else ''}"
                    if _changes_sign(e, a, b):
                        raise DesignError(f"--metric rel: {what} changes sign on [{a}, {b}] (certified), so it has a "
                                          "zero there and the relative error of every design is unbounded")
                    raise CertificationError(f"--metric rel: cannot prove {what} != 0 on [{a}, {b}]; a relative "
                                             "error needs it (else it is unbounded)")
        g = _Reference(inst, divide)
        weight = (lambda t: 1 / g(t)) if metric == "rel" else None
        return cls(inst, degree, lo, hi, metric, parity, tuple(intervals), left_kind, right_kind, tuple(powers),
                   divide, tuple(notes), g, weight)

    def remez(self, a, b) -> _Remezed:
        rlo = sp.Integer(0) if self.parity is not None and a == -b else a
        red = [k - 1 for k in self.powers] if self.divide else list(self.powers)
        res = remez(self.g, red, rlo, b, weight=self.weight)
        scale = max(abs(a), abs(b))
        real = _decimal_coefficients(res, self.powers, scale, res.levelled * (10 ** -8 if self.metric == "rel" else 1))
        self._check_exchange(res, real, rlo, b)
        return _Remezed(a, b, rlo, res, scale, _full(real, self.powers, self.degree))

    def _check_exchange(self, res: RemezResult, real, lo, hi) -> None:
        """Refuse a design the exchange did not really make: at high degrees (GELU of degree 36 on [−4, 4],
        tanh of degree 40 on [−1, 1]) the monomial basis is so ill-conditioned that the decimal coefficients'
        error, in mpmath on a Chebyshev grid, was many times the exchange's own estimate (sup errors of 161
        and 8e16 were certified and printed as minimax designs).  A design whose error exceeds twice the
        estimate is an error (exit 3), never a result."""
        expect = max(abs(res.max_error), abs(res.levelled))
        with mpmath.workdps(50 + max(res.powers) // 2):  # 20 digits beyond the exchange's own
            p = [mpmath.mpf(sp.Rational(c).p) / sp.Rational(c).q for c in real]
            pts = list(res.reference) + chebyshev_points(mpmath.mpf(lo), mpmath.mpf(hi), 8 * len(real) + 16)
            worst = mpmath.mpf(0)
            for t in pts:
                if res.powers[0] > 0 and t == 0:
                    continue
                e = mpmath.fsum(c * mpmath.mpf(t) ** k for k, c in zip(res.powers, p)) - self.g(t)
                worst = max(worst, abs(e * (self.weight(t) if self.weight else 1)))
        if not worst <= 2 * expect + mpmath.mpf(10) ** -30:
            raise CertificationError(
                f"the Remez exchange did not make a usable design of degree {self.degree} on [{lo}, {hi}]: the "
                f"coefficients' error reaches {mpmath.nstr(worst, 3)} against the exchange's estimate "
                f"{mpmath.nstr(expect, 3)} (the monomial basis is too ill-conditioned at this degree); try a lower "
                "degree or --pieces")

    def alternation(self, r: _Remezed, digits: int):
        """(reference points with errors, lower bound or None, why not) of the real-coefficient design:
        with a format, the real minimax's alternation bounds E* for every coefficient choice, the rounded
        ones included (the rounded design itself rarely still alternates)."""
        pts = _points(r.res, r.rlo, r.b)
        if len(pts) != len(self.powers) + 1:
            return (), None, f"{len(pts)} reference points where {len(self.powers) + 1} are needed"
        return _alternation(_polynomial(r.real), decompose(self.inst.expr), self.metric, self.divide, pts, digits)

    def certify(self, remezed, alternations, format_: Format | None, tails, notes, digits) -> Design:
        inst, lo, hi, metric = self.inst, self.lo, self.hi, self.metric
        coefficients = []
        for r in remezed:
            if format_ is None:
                coefficients.append(r.real)
            else:
                vals = _round_to_format(r.res, format_, self.g, self.weight, r.rlo, r.b, r.scale)
                coefficients.append(_full([sp.Rational(v.numerator, v.denominator) for v in vals], self.powers,
                                          self.degree))
        left, right = tails
        polys = [_polynomial(cs) for cs in coefficients]
        pairs = []
        if left.expr is not None:
            pairs.append((left.expr, x < lo))
        for r, p in zip(remezed[:-1], polys[:-1]):
            pairs.append((p, x < r.b))
        if right.expr is not None:
            pairs.append((polys[-1], x <= hi))
            pairs.append((right.expr, sp.true))
        else:
            pairs.append((polys[-1], sp.true))
        expr = sp.Piecewise(*pairs) if len(pairs) > 1 else pairs[0][0]
        label = f"{inst.name}_minimax{self.degree}"
        act = Activation(label, lambda e=expr: e, f"minimax design for {inst.name}", sp.sstr(expr), family="user")
        design_inst = act.instance()

        # sup over ℝ = max of the sups over (−∞, LO], [LO, HI] and [HI, ∞): the same certified
        # envelope, with the costly branch and bound over the polynomial run once, on [LO, HI]
        sup_on = envelope(design_inst, reference=inst, metric=metric, digits=digits, domain=(lo, hi))
        try:
            sides = (envelope(design_inst, reference=inst, metric=metric, digits=digits, domain=(-sp.oo, lo)),
                     envelope(design_inst, reference=inst, metric=metric, digits=digits, domain=(hi, sp.oo)))
            sup = _combine(sup_on, sides)
        except CertificationError:  # a half-line the envelope cannot split off: all of ℝ at once
            whole = envelope(design_inst, reference=inst, metric=metric, digits=digits)
            sup = SupOverR(whole.sup, whole.unbounded, whole.reason, whole.attained, tuple(whole.where),
                           (whole, sup_on, whole))

        built = tuple(PieceDesign(r.a, r.b, cs, refs, low, why, r.res)
                      for r, cs, (refs, low, why) in zip(remezed, coefficients, alternations))
        lowers = [p.lower for p in built]
        lower = None
        if all(low is not None for low in lowers):
            lower = max(lowers, key=lambda n: n.ball.lower())
        ratio = None
        if lower is not None and not sup_on.unbounded and lower.ball > 0:
            with precision(128):
                ratio = _upper_rational(arb(sup_on.sup.ball.upper()) / arb(lower.ball.lower()))
        method = ("Remez exchange from Chebyshev points (mpmath, " + f"{remezed[-1].res.iterations} iterations on the "
                  "last piece); certified envelope of the exact design over ℝ and over [LO, HI]; de la Vallée Poussin "
                  "lower bound from Arb errors at the exact reference points")
        if format_ is not None:
            method += (f"; coefficients rounded to {format_.name} by certified greedy refinement (sequential rounding, "
                       "highest power first, with LP re-optimisation of the free coefficients, then ±1-ulp descent to a "
                       "local minimum of the sampled error; negligible terms set to 0)")
        return Design(inst.name, inst.name, self.degree, (lo, hi), metric, self.parity,
                      None if format_ is None else format_.name, (left, right), built, expr, design_inst, sup, sup_on,
                      lower, ratio, bool(sup.certified and sup_on.certified), method, notes)


__all__ = ["SupOverR", "Design", "DesignError", "FormatError", "FORMATS", "PieceDesign", "Tail", "approximate",
           "approximate_formats", "parse_on", "parse_tails"]
