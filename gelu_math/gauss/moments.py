"""Moments of f(Z) for Z ~ N(μ, σ²): E f(Z), E f(Z)², Var f(Z), E f′(Z)², and the gains.

Each moment is ∫ g(μ + σt) φ(t) dt over the pieces of f (breakpoints b become (b − μ)/σ),
with g = f, f² or f′² (f′ piece by piece: a kink has measure zero).

* **Exact** where every piece is in the class of :mod:`.closed` (piecewise polynomials times
  exponentials; polynomials times exp(quadratic) times at most two erfs of linear arguments,
  unshifted when two) — decided from the expression.
* **Certified** always (:mod:`.integrate`): the tails use a proved polynomial growth bound of
  the two unbounded pieces read off the expression (:mod:`.growth`: |x·Φ(x)| <= |x|,
  |log(1 + eˣ)| <= log 2 + |x|, ...) or else the certified facts |f(x)| <= |f(0)| + L|x| and
  |f′(x)| <= L with L = sup|f′| from the certified profile of f′ (as the engine's ``lipschitz``).
  An exact form is reported only when the certified ball contains its ball (otherwise it is a
  bug and raises :class:`CertificationError`).
* Without a finite L the tail is not bounded; a second moment whose integrand does not tend to
  0 at ±∞ (a guarded SymPy limit) is +∞ with that reason; otherwise CertificationError.

Gains (Z ~ N(0, 1)): std = 1/√Var f(Z), rms = 1/√E f(Z)², grad = 1/√E f′(Z)² — the weight
scales that keep, respectively, the variance, the second moment (He et al. 2015) and the
backward gradient norm (Glorot & Bengio 2010) of a wide layer unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp
from flint import arb

from ..analysis import calculus
from ..analysis.pieces import decompose
from ..certified.balls import DEFAULT_DIGITS, bits_for, check_digits, dyadic, precision, tight_enough
from ..certified.limits import checked_limit
from ..certified.numbers import exact_number
from ..definitions.registry import Activation, Instance, get
from ..definitions.symbols import x
from ..errors import CertificationError, InputError, ParameterError, UnsupportedError
from ..facts import Method, Number, Step
from .closed import gaussian_integral, t
from .integrate import Growth, certified_integral
from .phiform import tidy

KEYS = ("mean", "second", "variance", "fprime_second")
LIPSCHITZ_DIGITS = 20  # the growth bound needs an upper bound of L only


class DivergentMomentError(InputError):
    """A moment does not exist (the integral of f(Z) diverges with both signs)."""


@dataclass(frozen=True)
class Moment:
    """One moment: its Number (exact and ball, or ±∞), method and derivation steps."""

    value: Number
    method: Method
    steps: tuple[Step, ...] = ()
    reason: str | None = None  # why a moment is infinite, or what it means (f′ almost everywhere)


@dataclass(frozen=True)
class GaussMoments:
    instance: Instance
    mean: sp.Expr  # μ of Z
    std: sp.Expr  # σ of Z
    digits: int
    moments: dict = field(default_factory=dict)  # KEYS -> Moment


def instance_of(f, params=None) -> Instance:
    """A registered or user name (with parameters), an Activation, or an Instance."""
    if isinstance(f, Instance):
        if params:
            raise ParameterError("parameters go with a name or an Activation, not an Instance")
        return f
    if isinstance(f, Activation):
        return f.instance(params)
    if not isinstance(f, str):
        raise InputError(f"expected a function name, got {type(f).__name__}")
    inst = get(f, params)
    if not inst.is_numeric:
        raise ParameterError(f"{inst.name}: Gaussian moments need numeric parameter values")
    return inst


def exact_value(value, what: str) -> sp.Expr:
    """An exact real constant from text (the project's parser), int, Fraction or SymPy number."""
    from ..definitions.parse import parse_number

    if isinstance(value, bool):
        raise InputError(f"{what}: expected a number, got {value!r}")
    if isinstance(value, str):
        try:
            v = parse_number(value)
        except InputError as exc:
            raise InputError(f"{what}: {exc}") from None
    elif isinstance(value, int):
        v = sp.Integer(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InputError(f"{what}: {value!r} is not a finite number")
        v = sp.Rational(repr(value))
    elif isinstance(value, sp.Basic):
        v = sp.sympify(value)
    else:
        try:
            v = sp.Rational(value)  # Fraction, Decimal
        except (TypeError, ValueError):
            raise InputError(f"{what}: unsupported value type {type(value).__name__}") from None
    if v.free_symbols or not (v.is_real and v.is_finite):
        raise InputError(f"{what}: {value!r} is not a finite real number")
    return v


def positive(value, what: str) -> sp.Expr:
    from ..definitions.domain import compare

    v = exact_value(value, what)
    s = compare(v, 0)
    if s is None:
        raise InputError(f"{what}: cannot decide whether {v} > 0")
    if s <= 0:
        raise InputError(f"{what} must be > 0, got {v}")
    return v


def _pieces_t(pieces, mu, s, power: int) -> tuple:
    """((lo, hi, g(μ + σt)^power), ...) with breakpoints mapped to t = (b − μ)/σ."""
    out = []
    for p in pieces.pieces:
        lo = p.lo if p.lo in (-sp.oo, sp.oo) else (p.lo - mu) / s
        hi = p.hi if p.hi in (-sp.oo, sp.oo) else (p.hi - mu) / s
        out.append((lo, hi, p.expr.xreplace({x: mu + s * t}) ** power))  # x is a plain symbol: no subs needed
    return tuple(out)


def proved_odd(pieces) -> bool:
    """Whether f(−x) = −f(x) is *proved* piece by piece: the breakpoints are symmetric and each piece
    plus its mirror image, −x substituted, is 0 by SymPy's exact expansion or rational cancellation
    (tanh: tanh(−x) = −tanh(x) as SymPy writes it; softsign: x/(1 − x) on x < 0 mirrors x/(1 + x)).
    False means "not shown": a piece that is plainly not odd at one point (SymPy's evalf) is not
    cancelled symbolically (i-GELU's: 0.3 s)."""
    ps = pieces.pieces
    for p, q in zip(ps, reversed(ps)):
        ends_mirror = (p.lo == -q.hi if p.lo.is_infinite or q.hi.is_infinite
                       else sp.expand(p.lo + q.hi) == 0)
        if not ends_mirror:
            return False
        d = p.expr + q.expr.subs(x, -x)
        if sp.expand(d) == 0:
            continue
        probe = (sp.Rational(1, 3) if p.lo == -sp.oo and p.hi == sp.oo else p.lo + 1 if p.hi == sp.oo
                 else p.hi - 1 if p.lo == -sp.oo else (p.lo + p.hi) / 2)
        v = d.subs(x, probe).evalf(20)
        if v.is_number and v.is_finite and abs(v) > 1e-10:
            return False  # plainly not odd here (a False only withholds the exact 0)
        try:
            if sp.cancel(d) != 0:
                return False
        except (sp.PolynomialError, sp.CoercionFailed, NotImplementedError):
            return False
    return True


def _odd_mean(digits: int) -> Moment:
    return Moment(exact_number(sp.Integer(0), digits), Method.EXACT, (Step(
        "f is odd (f(−x) = −f(x), proved piece by piece) and Z ∼ N(0, σ²) is symmetric, so E f(Z) = 0; the "
        "integral converges absolutely (f is bounded on bounded intervals, its pieces being finite there, and by the "
        "proved growth bound in the tails)."),))


def _lipschitz(pieces) -> sp.Expr:
    """An exact upper bound of L = sup|f′| over ℝ, or +oo when none is certified finite.

    From the certified profile of f′ (its range on ℝ, complete with tail proofs) — the engine's
    ``lipschitz`` fact without the sup|f″| part that the growth bound does not need.  A
    discontinuous f has no growth bound of the form |f(0)| + L|x|."""
    from ..analysis.smoothness import smoothness
    from ..certified.profile import profile

    if smoothness(pieces).k == -1:
        return sp.oo
    d1 = calculus.derivative(pieces, 1)
    p = profile(d1, calculus.derivative(d1, 1), calculus.derivative(d1, 2), LIPSCHITZ_DIGITS)
    ends = (p.inf.value, p.sup.value)
    if any(e.infinite for e in ends):
        return sp.oo
    if all(e.exact is not None for e in ends):
        return sp.Max(sp.Abs(ends[0].exact), sp.Abs(ends[1].exact))
    with precision(128):
        top = arb.max(abs(ends[0].ball), abs(ends[1].ball))
    return dyadic(arb(top.upper()))


def _abs_upper(value: sp.Expr) -> sp.Expr:
    v = sp.Abs(value)
    return v if v.is_Rational else dyadic(arb(exact_number(v, 20).ball.upper()))


def _short_upper(value: sp.Expr, digits: int = 6) -> sp.Expr:
    """A rational >= ``value`` (> 0) with at most ``digits`` significant decimal digits: a start of a tail
    bound printed as 2.50175, not as the dyadic 2816713102174523/1125899906842624 Arb rounded out to (any
    larger start is as valid: the bound is proved for every |t| beyond it)."""
    if not value.is_Rational or value <= 0 or len(str(value.q)) <= digits and len(str(value.p)) <= digits:
        return value
    k = digits - 1 - int(sp.floor(sp.log(value, 10)))
    return sp.Rational(sp.ceiling(value * sp.Integer(10) ** k), sp.Integer(10) ** k)


def structural_growth(pieces, mu: sp.Expr, s: sp.Expr, power: int) -> Growth | None:
    """|g(μ + σt)|^power <= (Σ C_i |t|^i)^power beyond the outer breakpoints, from the proved
    polynomial bounds of the two unbounded pieces (:mod:`.growth`), or None."""
    from .growth import X, polynomial_bound

    ps = pieces.pieces
    sides = [(ps[0], 0, None)] if len(ps) == 1 else [(ps[0], -1, ps[0].hi), (ps[-1], 1, ps[-1].lo)]
    U = sp.Symbol("U", nonnegative=True)
    rows = []
    for piece, side, end in sides:
        P = polynomial_bound(piece.expr, side, end)
        if P is None:
            return None
        # |x| = |μ + σt| <= |μ| + σ|t|
        rows.append(sp.Poly(sp.expand(P.subs(X, sp.Abs(mu) + s * U)), U).all_coeffs()[::-1])
    n = max(len(r) for r in rows)
    # rounded up to six significant digits: the bound printed in the derivation reads 1.60000, not the
    # dyadic 3602877900457447/2251799813685248 that Arb's outward rounding gives (a larger one is as valid)
    coeffs = tuple(_short_upper(sp.Max(*(_abs_upper(r[i]) if i < len(r) else sp.Integer(0) for r in rows)))
                   for i in range(n))
    start = sp.Integer(0)
    if len(ps) > 1:
        start = _short_upper(sp.Max(_abs_upper((ps[0].hi - mu) / s), _abs_upper((ps[-1].lo - mu) / s)))
    return Growth(coeffs, power, start)


def _infinite_or_fail(pieces_t, what: str, why: str) -> Moment:
    """A second moment without a tail bound: +∞ when the integrand ≥ 0 does not tend to 0."""
    for side, (lo, hi, e) in ((-1, pieces_t[0]), (1, pieces_t[-1])):
        try:
            lim = checked_limit(sp.sympify(e * sp.exp(-t ** 2 / 2)).subs(t, x), side * sp.oo)
        except UnsupportedError:
            continue
        if lim == sp.oo or (lim.is_number and lim.is_positive):
            reason = (f"{what} = +inf: its integrand g(μ+σt)·φ(t) ≥ 0 tends to {lim} as t → "
                      f"{'+' if side > 0 else '-'}inf, so the integral diverges")
            return Moment(Number.inf(1), Method.EXACT, (Step(reason),), reason)
    raise CertificationError(f"{what}: {why}")


def _mean_without_bound(pieces_t, why: str) -> Moment:
    ends = {}
    for side, (lo, hi, e) in ((-1, pieces_t[0]), (1, pieces_t[-1])):
        try:
            lim = checked_limit(sp.sympify(e * sp.exp(-t ** 2 / 2)).subs(t, x), side * sp.oo)
        except UnsupportedError:
            raise CertificationError(f"E f(Z): {why}") from None
        ends[side] = lim
    signs = {side: (1 if lim == sp.oo or (lim.is_number and lim.is_positive) else
                    -1 if lim == -sp.oo or (lim.is_number and lim.is_negative) else 0) for side, lim in ends.items()}
    if signs[-1] * signs[1] < 0:
        raise DivergentMomentError(f"E f(Z) does not exist: f(μ+σt)·φ(t) tends to {ends[-1]} at -inf and "
                                   f"{ends[1]} at +inf, so the integral diverges with both signs")
    s = signs[-1] or signs[1]
    if s == 0:
        raise CertificationError(f"E f(Z): {why}")
    reason = f"E f(Z) = {'+' if s > 0 else '-'}inf: f(μ+σt)·φ(t) does not tend to 0 at ±inf ({ends[-1]}, {ends[1]})"
    return Moment(Number.inf(s), Method.EXACT, (Step(reason),), reason)


def _moment(pieces_t, growth: Growth | None, digits: int, what: str, why: str, mean: bool = False) -> Moment:
    if growth is None:
        return _mean_without_bound(pieces_t, why) if mean else _infinite_or_fail(pieces_t, what, why)
    ball = certified_integral(pieces_t, growth, digits)
    exact = None
    parts = [gaussian_integral(e, lo, hi) for lo, hi, e in pieces_t]
    if all(p is not None for p in parts):
        exact = tidy(sp.Add(*parts))
    u = sp.Abs(sp.Symbol("t", real=True))
    bound = sp.Add(*(c * u ** i for i, c in enumerate(growth.coeffs))) ** growth.k
    if bound.is_Rational:  # (1.12838)² is printed as 1.27325, not 3183103561/2500000000 (a larger bound holds too)
        bound = _short_upper(bound)
    text = ("certified by Arb quadrature (acb.integral) on the core [−T, T] split at the breakpoints, plus the "
            "tails |t| > T, where the integrand is at most {0}·φ(t)")
    if growth.start == 0:
        steps = [Step(text + " for every t.", (bound,))]
    else:
        start = sp.sympify(growth.start)  # a rational already (nsimplify of one runs mpmath's identify: 25 ms)
        start = start if start.is_Rational else sp.nsimplify(start)
        steps = [Step(text + " for |t| ≥ {1}.", (bound, exact_number(start, digits)))]
    if exact is None:
        return Moment(Number(None, ball), Method.CERTIFIED, tuple(steps))
    n = exact_number(exact, digits)
    inside = _inside(exact, ball, digits)
    if inside is None:  # the certified ball stands; a closed form that cannot be checked is not stated
        steps.append(Step(f"A closed form was derived, but it cancels too far to be checked against this "
                          f"enclosure with at most {CHECK_DIGITS} digits, so it is not stated."))
        return Moment(Number(None, ball), Method.CERTIFIED, tuple(steps))
    if not inside:
        raise CertificationError(f"{what}: the closed form {exact} is not inside the certified enclosure "
                                 f"{ball.str(20, radius=True)} (a bug: please report)")
    steps.insert(0, Step("{0} in closed form, piece by piece against the Gaussian density (completing the square, "
                         "integration by parts, Stein's identity); it lies in the certified enclosure.",
                         (exact,)))
    return Moment(n, Method.EXACT, tuple(steps))


CHECK_DIGITS = 20000  # the most digits a closed form is evaluated with to check it against its enclosure


def _inside(exact: sp.Expr, ball: arb, digits: int) -> bool | None:
    """Whether the certified ``ball`` contains a ball of ``exact``, evaluated ever tighter: a ball of the
    closed form that overlaps the certified one without lying inside it is evaluated again with more
    digits (a value near the edge of ``ball`` — 1/2 − erf(10√2)/2 = 2.75·10⁻⁸⁹ against [± 7.1·10⁻⁸⁸] — needs
    them; E ReLU(Z) at mean −100 cancels to 10⁻²¹⁷⁶ and needs about 2200: the last try takes as many digits
    as the certified radius asks for, up to :data:`CHECK_DIGITS`).  False when they are proved disjoint,
    None when still undecided."""
    tries = [digits + 10, digits + 40, digits + 160]
    rad = ball.rad()
    if rad != 0 and arb(rad) < 1:
        lost = -(arb(rad).log() / arb(10).log())  # decimal digits below 1 of the certified radius
        if lost < CHECK_DIGITS:  # beyond that the check stays undecided anyway (no float of 10^400 needed)
            need = int(lost.upper().floor().unique_fmpz()) + digits + 20
            if need > tries[-1]:
                tries.append(min(need, CHECK_DIGITS))
    for d in tries:
        b = exact_number(exact, d).ball
        with precision(max(ball.bits(), b.bits()) + 16):
            if bool(ball.contains(b)):
                return True
            if not bool(ball.overlaps(b)):
                return False
    return None


def _sub(a: Moment, b: Moment, digits: int) -> Moment:
    """Var = E f² − (E f)²."""
    if a.value.infinite or b.value.infinite:
        if a.value.infinite > 0 and not b.value.infinite:
            return Moment(Number.inf(1), Method.EXACT, (), "E f(Z)² is infinite")
        raise DivergentMomentError("Var f(Z) is undefined: E f(Z) is infinite")
    if b.value.exact == 0:  # an odd f (or a mean that is 0 in closed form): Var f(Z) is E f(Z)², ball and all
        return Moment(a.value, a.method, (Step("Var f(Z) = E f(Z)², since E f(Z) = 0."),))
    if a.method is Method.EXACT and b.method is Method.EXACT:
        v = tidy(a.value.exact - b.value.exact ** 2)
        return Moment(exact_number(v, digits), Method.EXACT,
                      (Step("Var f(Z) = E f(Z)² − (E f(Z))² = {0}.", (v,)),))
    with precision(max(bits_for(digits), a.value.ball.bits(), b.value.ball.bits()) + 64):
        ball = a.value.ball - b.value.ball * b.value.ball
    return Moment(Number(None, ball), Method.CERTIFIED, (Step("Var f(Z) = E f(Z)² − (E f(Z))² in ball arithmetic."),))


def almost_everywhere(m: Moment, pieces) -> Moment:
    """A moment of f′ (E f′(Z)², the derivative kernel) with the note, as its reason, that f′ is taken
    almost everywhere — what autograd computes — when f jumps; ``m`` itself when f is continuous."""
    from ..analysis.smoothness import discontinuities

    jumps = discontinuities(pieces)
    if not jumps:
        return m
    note = (f"f jumps at x = {', '.join(map(sp.sstr, jumps))}: f′ is the derivative almost everywhere (what "
            "autograd computes); the distributional derivative has a Dirac mass there")
    return Moment(m.value, m.method, m.steps, m.reason or note)


def derivative_pieces(pieces):
    """f′ piece by piece, unsimplified (it is integrated and bounded, never printed; SymPy's
    simplify of large derivatives costs seconds)."""
    return pieces.map(lambda e: sp.diff(e, x))


@calculus.without_units_import()
def moments(f, params=None, *, mean=0, std=1, digits: int = DEFAULT_DIGITS) -> GaussMoments:
    """E f(Z), E f(Z)², Var f(Z), E f′(Z)² for Z ~ N(mean, std²), each exact or certified.

    >>> m = moments("gelu", digits=20)
    >>> m.moments["mean"].value.exact
    1/(2*sqrt(pi))
    """
    check_digits(digits)
    inst = instance_of(f, params)
    mu, s = exact_value(mean, "mean"), positive(std, "std")
    pieces = decompose(inst.expr)
    dpieces = derivative_pieces(pieces)
    p1, p2, pd = _pieces_t(pieces, mu, s, 1), _pieces_t(pieces, mu, s, 2), _pieces_t(dpieces, mu, s, 2)
    growth = {"mean": structural_growth(pieces, mu, s, 1), "second": structural_growth(pieces, mu, s, 2),
              "fprime_second": structural_growth(dpieces, mu, s, 2)}
    why = ("sup|f′| is +inf, so no certified growth bound |f(x)| <= |f(0)| + L|x| bounds the Gaussian tail "
           "(and the unbounded pieces are not polynomials)")
    if None in growth.values():
        L = _lipschitz(pieces)
        if L != sp.oo:
            A = _abs_upper(pieces.at(sp.Integer(0))) + L * sp.Abs(mu)
            lip = {"mean": Growth((A, L * s), 1), "second": Growth((A, L * s), 2),
                   "fprime_second": Growth((L,), 2)}
            growth = {k: g or lip[k] for k, g in growth.items()}
    # the variance loses digits to cancellation: the mean and second moment carry guard digits,
    # more when the first try shows how much E f² exceeds Var f (a large mean of Z)
    out = {}
    guard = digits + 4
    odd = mu == 0 and growth["mean"] is not None and proved_odd(pieces)
    for _ in range(3):
        out["mean"] = _odd_mean(guard) if odd else _moment(p1, growth["mean"], guard, "E f(Z)", why, mean=True)
        out["second"] = _moment(p2, growth["second"], guard, "E f(Z)^2", why)
        out["variance"] = _sub(out["second"], out["mean"], digits)
        v = out["variance"].value
        if not v.is_finite or v.exact is not None or tight_enough(v.ball, digits):
            break
        with precision(64):
            big = arb.max(abs(out["second"].value.ball), arb(1))
            small = abs(v.ball) if not v.ball.contains(0) else arb(1)
            lost = (big / arb.min(small, arb(1))).log() / arb(10).log() + (guard - digits - 4)
        guard = digits + 6 + int(lost.upper().ceil().unique_fmpz())
    out["fprime_second"] = almost_everywhere(_moment(pd, growth["fprime_second"], digits, "E f'(Z)^2", why), pieces)
    v = out["variance"].value
    if v.is_finite and v.exact is None and not tight_enough(v.ball, digits):
        raise CertificationError(f"Var f(Z) did not reach {digits} digits (cancellation)")
    return GaussMoments(inst, mu, s, digits, out)


# --- gains -----------------------------------------------------------------------------------

GAIN_KEYS = {"std": "variance", "rms": "second", "grad": "fprime_second"}
GAIN_OF = {"variance": "Var f(Z)", "second": "E f(Z)²", "fprime_second": "E f′(Z)²"}


def _inv_sqrt(m: Moment, digits: int) -> Moment:
    if m.value.infinite:
        return Moment(exact_number(sp.Integer(0), digits), Method.EXACT, (Step("1/√∞ = 0."),))
    if m.method is Method.EXACT:
        if m.value.exact == 0:
            return Moment(Number.inf(1), Method.EXACT, (Step("the moment is 0: no finite gain."),))
        g = tidy(1 / sp.sqrt(m.value.exact))
        return Moment(exact_number(g, digits), Method.EXACT, (Step("1/√{0} = {1}.", (m.value.exact, g)),))
    b = m.value.ball
    if not b > 0:
        raise CertificationError("cannot certify that the moment is positive, so the gain is not certified")
    with precision(bits_for(digits) + 64):
        g = b.rsqrt()
    if not tight_enough(g, digits):
        raise CertificationError(f"the gain 1/√m did not reach {digits} digits (m = {b.str(10, radius=True)} is small)")
    return Moment(Number(None, g), Method.CERTIFIED, (Step("1/√m in ball arithmetic."),))


GAIN_DIGITS = ((2, 20), (4, 60), (8, 200))  # a certified moment whose ball holds 0 is recomputed with a·N + b digits


def gains(m: GaussMoments) -> dict:
    """std, rms and grad gains from moments (meaningful for Z ~ N(0, 1)).

    A gain needs its moment certified positive; a certified moment is only accurate to 10^−(N+2) absolutely,
    so a tiny one (E f(Z)² ≈ 2·10⁻⁸⁹ for tanh(x)·[x > 20]) is recomputed with more digits, in a fixed
    sequence (:data:`GAIN_DIGITS`) — decided by the balls, never by time."""
    out, again = {}, {}  # again: digits -> the moments recomputed with them (shared by the gains)
    for k, src in GAIN_KEYS.items():
        mom = m.moments[src]
        for factor in (None, *GAIN_DIGITS):
            if factor is not None:
                d = factor[0] * m.digits + factor[1]
                if d not in again:
                    again[d] = moments(m.instance, mean=m.mean, std=m.std, digits=d)
                mom = again[d].moments[src]
            try:
                out[k] = _inv_sqrt(mom, m.digits)
                break
            except CertificationError:
                if factor == GAIN_DIGITS[-1]:
                    raise CertificationError(f"cannot certify that {GAIN_OF[src]} > 0 (its ball holds 0 with "
                                             f"{factor[0] * m.digits + factor[1]} digits), so the {k} gain is not "
                                             "certified")
    return out
