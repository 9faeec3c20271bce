"""All zeros of a piecewise-analytic function on ℝ, certified and complete.

For each open piece: an identically zero piece is a flat interval; a constant
piece has no zeros; otherwise the unbounded ends are closed off by tail sign
proofs (:mod:`.tails`), and the bounded core is searched exhaustively by
interval bisection (:mod:`.roots`).  Each root is a Bracket refined to a ball on
demand; exact forms from SymPy's ``solve`` are attached when they are proved to
be roots symbolically and lie in the certified ball.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import sympy as sp
from flint import arb, fmpq

from ..analysis.calculus import proved_zero, tidy
from ..analysis.pieces import Piece, Pieces
from ..definitions.symbols import x
from ..errors import CertificationError
from ..facts import Step
from ..timebox import attempt
from .arbeval import compile_arb, const_ball
from .balls import bits_for, precision, q, sign_of
from .logistic import logistic_form
from .roots import Bracket, isolate, refine
from .tails import TailSign, prove_sign

SOLVE_MAX_OPS = 40  # larger equations essentially never have closed-form roots; skip the cost


@dataclass
class Root:
    """A simple zero of g: certified bracket, exact form when known, balls by digits."""

    g: sp.Expr
    dg: sp.Expr
    bracket: Bracket | None
    exact: sp.Expr | None = None
    _balls: dict = field(default_factory=dict, repr=False)

    def ball(self, digits: int) -> arb:
        if digits not in self._balls:
            if self.exact is not None:
                self._balls[digits] = exact_ball(self.exact, digits)
            else:
                G, D = _both(self.g), _both(self.dg)
                self._balls[digits] = refine(G, D, self.bracket, digits, bits=bits_for(digits))
        return self._balls[digits]

    def approx(self) -> float:
        """Midpoint of a certified ball of 17 digits (not of the bracket, which may be wide)."""
        return float(self.ball(17).mid())


@dataclass
class PieceZeros:
    piece: Piece
    roots: list[Root]
    flat: bool
    tails: tuple[TailSign, ...]
    steps: tuple[Step, ...]


def exact_ball(value: sp.Expr, digits: int) -> arb:
    """Ball of an exact real constant with relative radius <= 10^-(digits+2)."""
    from .balls import tight_enough

    bits = bits_for(digits)
    for _ in range(6):
        with precision(bits):
            b = const_ball(value)
            if tight_enough(b, digits):
                return b
        bits *= 2
    raise CertificationError(f"cannot evaluate {value} to {digits} digits")


def _rational_below(v: sp.Expr) -> fmpq:
    """A dyadic rational <= v, from a certified ball (floats misplace large irrational ends)."""
    if v.is_Rational:
        return q(v)
    with precision(256):
        lower = const_ball(v).lower() * 2**30
        return fmpq(int(lower.floor().unique_fmpz()) - 1, 2**30)


def _rational_above(v: sp.Expr) -> fmpq:
    if v.is_Rational:
        return q(v)
    with precision(256):
        upper = const_ball(v).upper() * 2**30
        return fmpq(int(upper.ceil().unique_fmpz()) + 1, 2**30)


def _solve(g):
    try:
        return sp.solve(g, x)
    except (NotImplementedError, ValueError, TypeError):  # SymPy has no method for this equation
        return None


def _generators(e: sp.Expr) -> list[sp.Expr]:
    """The non-polynomial sub-expressions of ``e`` that contain x (exp(...), erf(...), ...)."""
    out = set()
    for a in sp.preorder_traversal(e):
        if isinstance(a, sp.Function) and a.has(x):
            out.add(a)
        elif a.is_Pow and a.has(x) and not (a.base == x and a.exp.is_Integer and a.exp > 0):
            out.add(a)
    return sorted(out, key=sp.default_sort_key)


def solvable_class(e: sp.Expr) -> bool:
    """See :func:`_solvable_class` (under the step safety limit)."""
    return bool(attempt("solve class", _solvable_class, e))


def _algebraic(g: sp.Expr) -> bool:
    """g = p(x)^(m/n), a radical of a polynomial (solve squares radicals away)."""
    return g.is_Pow and g.exp.is_Rational and not g.exp.is_Integer and g.base.is_polynomial(x)


def _solvable_class(e: sp.Expr) -> bool:
    """Whether ``e = 0`` lies in a class SymPy's ``solve`` answers in closed form.

    Written over exponentials, the numerator must be a polynomial in x alone, a radical equation,
    one function of a polynomial (atan(x² + 1) = c, log), a polynomial in
    exponentials e^(a·x+b) (rational a of small height) without x outside them (``cosh x − 2``: a
    substitution), or Lambert type: (a·x + b)·E = c or c·E = a·x + b for one such exponential E
    (``x + e^x + 1``).  Other transcendental equations (x·tanh(x³) − 1, x + erf(x), a
    polynomial against e^(x³) or against two exponentials) have no closed form ``solve`` could
    return, and e^(997355701·x/10^9) becomes a polynomial of degree ~10^9 inside ``solve``; trying
    only spends the time box.  Either way the roots themselves are certified numerically.
    """
    try:
        num = sp.expand(sp.fraction(sp.together(e.rewrite(sp.exp)))[0])
        gens = _generators(num)
        if not gens:
            return True
        ys = sp.symbols(f"y0:{len(gens)}")  # each generator as an opaque symbol (Poly would split e^(ax))
        flat = num.xreplace(dict(zip(gens, ys)))
        if not flat.is_polynomial(x, *ys):
            return False
        poly = sp.Poly(flat, x, *ys)
    except (sp.PolynomialError, sp.GeneratorsNeeded, TypeError, ValueError):
        return False
    if all(_algebraic(g) for g in gens):
        return True  # a radical equation
    if (poly.degree(x) == 0 and len(gens) == 1 and not isinstance(gens[0], sp.exp)
            and all(a.is_polynomial(x) for a in gens[0].args)):
        return True  # g(p(x)) = c for one function g (atan, log, ...): inverted by solve
    if not all(_small_linear_exp(g) for g in gens):
        return False
    if poly.degree(x) == 0:
        return True
    if len(gens) != 1 or poly.degree(ys[0]) != 1 or poly.degree(x) != 1:
        return False
    # p1(x)·E + p0(x) = 0 is Lambert type when p1 or p0 is constant: (a·x + b)·E = c or c·E = a·x + b
    p1, p0 = (sp.Poly(flat.coeff(ys[0], k), x) for k in (1, 0))
    return p1.degree() <= 0 or p0.degree() <= 0


SOLVE_MAX_RATE = 10**4  # e^(p/q·x) is handled as (e^(x/q))^p: keep p, q small


def _small_linear_exp(g: sp.Expr) -> bool:
    """g = e^(a·x + b) with a rational a of small height (SymPy's solve substitutes y = e^(x/q))."""
    if not isinstance(g, sp.exp):
        return False
    arg = sp.expand(g.args[0])
    if not arg.is_polynomial(x) or sp.degree(arg, x) != 1:
        return False
    a = arg.coeff(x, 1)
    return a.is_Rational and max(abs(a.p), a.q) <= SOLVE_MAX_RATE


EXP_POLY_MAX_DEGREE = 24  # a polynomial in y = e^(r·x) of higher degree: no closed-form roots are sought


def _exp_polynomial_roots(e: sp.Expr) -> list[sp.Expr] | None:
    """The real closed-form roots of ``e`` = 0 when ``e`` is, over exponentials, a polynomial in
    exponentials e^(a·x + b) with rational rates a and no x outside them (tanh(k·x), σ(k·x), cosh x − 2);
    None for any other equation.

    With r the rates' greatest common divisor, e^(a·x + b) = e^b·y^(a/r) for y = e^(r·x) > 0, so the
    numerator times a power of y is a polynomial P(y); its real roots in closed form (SymPy's ``roots``)
    that are proved positive give x = log(y)/r.  SymPy's ``solve`` substitutes e^(x/q) instead, which
    makes tanh(10·x)'s third derivative a polynomial of degree 40 and takes minutes; P here has
    degree 4.  Degrees above :data:`EXP_POLY_MAX_DEGREE` give no closed forms (the roots are certified
    numerically all the same)."""
    try:
        num = sp.expand(sp.fraction(sp.together(e.rewrite(sp.exp)))[0])
    except (TypeError, ValueError, sp.PolynomialError):
        return None
    gens = _generators(num)
    if not gens or not all(_small_linear_exp(g) for g in gens):
        return None
    lines = [sp.Poly(sp.expand(g.args[0]), x) for g in gens]
    rates = [ln.coeff_monomial(x) for ln in lines]
    r = sp.Rational(functools.reduce(sp.igcd, (a.p for a in rates)), functools.reduce(sp.ilcm, (a.q for a in rates)))
    y = sp.Dummy("y", positive=True)
    flat = num.xreplace({g: sp.exp(ln.coeff_monomial(1)) * y ** (a / r) for g, ln, a in zip(gens, lines, rates)})
    if flat.has(x):
        return None  # x outside the exponentials (Lambert type): solve's business
    flat = sp.expand(flat)
    low = min((t.as_coeff_exponent(y)[1] for t in sp.Add.make_args(flat)), default=0)
    try:
        poly = sp.Poly(sp.expand(flat * y ** -low), y)
    except sp.PolynomialError:
        return None
    if poly.degree() > EXP_POLY_MAX_DEGREE:
        return []
    roots = attempt("roots", sp.roots, poly, filter="R") or {}
    return [sp.log(v) / r for v in sorted(roots, key=sp.default_sort_key) if v.is_positive]


def _exact_candidates(g: sp.Expr) -> list[sp.Expr]:
    """Closed-form solutions of g = 0, factor by factor of the numerator: a polynomial in exponentials
    by its polynomial in y = e^(r·x) (:func:`_exp_polynomial_roots`), other factors in a
    :func:`solvable_class` by SymPy's solve."""
    num = sp.fraction(sp.factor_terms(g))[0]
    out = []
    for factor in sp.Mul.make_args(num):
        base = factor.base if factor.is_Pow and factor.exp.is_positive else factor
        if not base.has(x) or sp.count_ops(base) > SOLVE_MAX_OPS:
            continue
        sols = _exp_polynomial_roots(base)
        if sols is None:
            if not solvable_class(base):
                continue
            sols = attempt("solve", _solve, base) or []
        for sol in sols:
            sol = sp.sympify(sol)
            if not sol.free_symbols and not sol.has(sp.I) and sol.is_real:
                out.append((base, sol))
    return out


def _lambert_identities(e: sp.Expr) -> sp.Expr:
    """Apply e^{±W(z)} = (z/W(z))^{±1}, the defining identity W(z)·e^{W(z)} = z."""
    e = sp.expand(e, power_exp=True)
    return e.replace(
        lambda t: isinstance(t, sp.exp) and isinstance(t.args[0], sp.LambertW)
        or (isinstance(t, sp.exp) and t.args[0].is_Mul and t.args[0].args[0] == -1
            and isinstance(-t.args[0], sp.LambertW)),
        lambda t: (t.args[0].args[0] / t.args[0]) if isinstance(t.args[0], sp.LambertW)
        else (-t.args[0]) / (-t.args[0]).args[0])


def _is_exact_root(g: sp.Expr, cand: sp.Expr) -> bool:
    def check():
        value = g.subs(x, cand)
        if value.has(sp.LambertW):
            value = _lambert_identities(value)
        return sp.simplify(value)

    value = attempt("verify root", check)
    # simplify leaves tanh(log(2 − √3)/2) alone: over exponentials (proved_zero's normal form) it is exact
    return value is not None and (value == 0 or proved_zero(value))


def _positive_part(g: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(p, h) with g = p·h and p > 0 on ℝ (proved by SymPy's assumptions: constants, exp(real), ...).

    Zeros and signs of g are those of h.  A positive factor such as exp(−x²/(2σ²)) varies over
    many orders of magnitude across a box, so its ball is wide and bisection of g would need boxes
    far below σ (GELU with σ = 1/1000); h is often a polynomial (the family's own scaling)."""
    factored = sp.factor_terms(g)
    keep, drop = [], []
    for f in sp.Mul.make_args(factored):
        (drop if f.has(x) and f.is_positive is True else keep).append(f)
    if not drop:
        return sp.Integer(1), g
    return sp.Mul(*drop), sp.Mul(*keep)


def piece_zeros(piece: Piece, dg_expr: sp.Expr) -> PieceZeros:
    """Every zero of piece.expr in the open interval (piece.lo, piece.hi), with proof steps."""
    g = tidy(piece.expr)
    if g == 0:
        return PieceZeros(piece, [], True, (), (Step("{0} is identically zero on this piece.", (g,)),))
    if not g.has(x):
        return PieceZeros(piece, [], False, (), (Step("{0} is a nonzero constant on this piece.", (g,)),))
    steps: list[Step] = []
    positive, h = _positive_part(g)
    if positive != 1:
        steps.append(Step("{0} = {1} · {2} with {1} > 0 on ℝ, so its zeros (and signs) are those of {2}.",
                          (g, positive, h)))
        g, dg_expr = h, tidy(sp.diff(h, x))
    tails: list[TailSign] = []
    lo, hi = piece.lo, piece.hi
    if lo == -sp.oo:
        t = prove_sign(g, -1)
        tails.append(t)
        steps.extend(t.steps)
        lo = t.cut if t.cut is not None else None
        if lo is not None and piece.hi != sp.oo and lo >= piece.hi:
            lo = None  # the tail proof already covers the whole piece
    if hi == sp.oo:
        t = prove_sign(g, 1)
        tails.append(t)
        steps.extend(t.steps)
        hi = t.cut if t.cut is not None else None
        if hi is not None and piece.lo != -sp.oo and hi <= piece.lo:
            hi = None
    if lo is None or hi is None:
        # a tail proof holds on all of the piece (cut None: for every real x)
        return PieceZeros(piece, [], False, tuple(tails), tuple(steps))
    if lo > hi:
        lo, hi = hi, lo  # two tail proofs overlap: [lo, hi] still covers the gap
    roots = _core_roots(g, dg_expr, piece, lo, hi)
    for c, m in _multiple_rational_roots(g).items():
        if any(r.exact == c and r.bracket is None for r in roots):
            steps.append(Step("The numerator has the factor {0}, and the rest is certified nonzero at x = {1} "
                              "(ball): x = {1} is a zero of multiplicity {2}, divided out before the bisection.",
                              ((x - c) ** m, c, sp.Integer(m))))
    steps.append(Step(
        "On the bounded interval [{0}, {1}] interval bisection in ball arithmetic excludes a zero from every "
        "sub-interval whose image ball misses 0, and isolates each zero in a sub-interval where the function "
        "changes sign and its derivative's ball keeps one sign: " + ("no zero." if not roots else
                                                      "{2} zero." if len(roots) == 1 else "{2} zeros."),
        (lo, hi, sp.Integer(len(roots)))))
    return PieceZeros(piece, roots, False, tuple(tails), tuple(steps))


@functools.lru_cache(maxsize=1024)
def ball_form(expr: sp.Expr) -> sp.Expr:
    """An identical form of ``expr`` that suits ball arithmetic far out on the tails.

    ``1 + tanh(u)`` cancels catastrophically for u -> -inf (and ``tanh`` near
    ±1 leaves no relative accuracy), while over one denominator in exponentials
    (``2/(1 + exp(-2u))``) every term keeps its relative accuracy, even for
    exp(-10^11): Arb's exponents are unbounded.
    """
    if not expr.has(sp.tanh, sp.cosh, sp.sinh, sp.sech) or expr.has(sp.erf, sp.erfc):
        return expr
    out = attempt("exp rewrite", lambda: sp.together(sp.powsimp(expr.rewrite(sp.exp), combine="exp")))
    return expr if out is None else out


def _both(e: sp.Expr):
    """Ball function: the intersection of the enclosures from ``e``, its :func:`ball_form` and its
    :func:`~gelu_math.certified.logistic.logistic_form` (each the same function)."""
    forms = [e]
    for alt in (ball_form(e), logistic_form(e)):
        if alt is not None and alt not in forms:
            forms.append(alt)
    fns = [compile_arb(f, x) for f in forms]
    if len(fns) == 1:
        return fns[0]

    def both(t):
        out = None
        for F in fns:
            v = F(t)
            if not v.is_finite():
                continue
            if out is None:
                out = v
            elif out.overlaps(v):
                out = out.intersection(v)
        return out if out is not None else fns[0](t)

    return both


def _multiple_rational_roots(g: sp.Expr) -> dict:
    """{c: m} for the rational zeros c of multiplicity m ≥ 2 of the polynomial factors of g's
    numerator (x², (x − 1/2)³, ...): bisection cannot separate a multiple root, so such a zero is
    divided out exactly and the rest searched by bisection."""
    num = sp.fraction(sp.factor_terms(g))[0]
    out: dict = {}
    for factor in sp.Mul.make_args(num):
        base, e = (factor.base, factor.exp) if factor.is_Pow and factor.exp.is_Integer and factor.exp > 0 else (factor, 1)
        if not base.has(x) or not base.is_polynomial(x) or sp.degree(base, x) > 64:
            continue
        for c, m in sp.roots(sp.Poly(base, x), filter="Q").items():
            out[c] = out.get(c, 0) + m * int(e)
    return {c: m for c, m in out.items() if m >= 2}


def _core_roots(g, dg, piece: Piece, lo, hi) -> list[Root]:
    multiple = {c: m for c, m in _multiple_rational_roots(g).items() if lo < c < hi and piece.contains(c)}
    if multiple:
        h = sp.cancel(sp.factor_terms(g) / sp.Mul(*((x - c) ** m for c, m in multiple.items())))
        with precision(256):
            H = compile_arb(h, x)
            if any(sign_of(H(arb(q(c)))) in (None, 0) for c in multiple):
                raise CertificationError(f"cannot separate the zeros of {g} near its multiple root(s) "
                                         f"{', '.join(map(str, multiple))}")
        roots = _core_roots(h, sp.diff(h, x), piece, lo, hi)
        roots += [Root(g, dg, None, exact=c) for c in multiple]
        roots.sort(key=Root.approx)
        return roots
    G, D = _both(g), _both(dg)
    a, b = _rational_below(lo), _rational_above(hi)
    # the ends of the core: an exact zero there is a breakpoint matter, not an interior root
    shift = fmpq(1, 2**20)
    with precision(256):
        for _ in range(64):
            if sign_of(G(arb(a))) not in (None, 0):
                break
            a -= shift
        else:
            raise CertificationError(f"no certified sign of g near the core end {float(a):.17g}")
        for _ in range(64):
            if sign_of(G(arb(b))) not in (None, 0):
                break
            b += shift
        else:
            raise CertificationError(f"no certified sign of g near the core end {float(b):.17g}")
    brackets = isolate(G, D, a, b, bits=64)
    roots = []
    for br in brackets:
        inside = _inside(piece, br, g, G, D)
        if inside:
            roots.append(Root(g, dg, br))
    for r in roots:  # rational roots (0 for odd functions, -3/2, ...) are recognised exactly
        near = r.ball(15)
        mid = sp.Rational(float(near.mid())).limit_denominator(64)
        with precision(128):
            inside = bool(near.contains(arb(q(mid))))
        if inside and _is_exact_root(g, mid):
            r.exact = mid
            r._balls.clear()  # balls now come from the exact form
    if any(r.exact is None for r in roots):
        cands = _exact_candidates(g)
        for r in (r for r in roots if r.exact is None):
            for factor, c in cands:
                with precision(128):
                    cb = const_ball(c)
                    if not (cb >= arb(r.bracket.lo) and cb <= arb(r.bracket.hi)):
                        continue
                # a zero of a numerator factor is a zero of g (the denominator is nonzero on ℝ here,
                # as g is finite on the whole bracket)
                if _is_exact_root(factor, c):
                    r.exact = tidy(c)
                    r._balls.clear()
                    break
    return roots


def _inside(piece: Piece, br: Bracket, g, G, D) -> bool:
    """Whether the unique root in ``br`` lies in the open piece (refining when it straddles an end)."""
    for end, is_lo in ((piece.lo, True), (piece.hi, False)):
        if end in (sp.oo, -sp.oo):
            continue
        with precision(128):
            e = const_ball(end)
            if is_lo and e < arb(br.lo) or (not is_lo and e > arb(br.hi)):
                continue
            if (is_lo and e > arb(br.hi)) or (not is_lo and e < arb(br.lo)):
                return False
        # the end falls inside the bracket: an exact zero at the end is not interior
        if tidy(g.subs(x, end)) == 0:
            return False
        with precision(256):
            s = sign_of(G(const_ball(end)))
        if s is None:
            raise CertificationError(f"cannot place a root relative to the breakpoint {end}")
        # g is monotone on the bracket: the root is beyond `end` iff g(end) has the sign g has at br.lo
        with precision(256):
            s_lo = sign_of(G(arb(br.lo)))
        beyond = s == s_lo
        if is_lo and not beyond:
            return False
        if not is_lo and beyond:
            return False
    return True


@functools.lru_cache(maxsize=128)
def all_zeros(g_pieces: Pieces, dg_pieces: Pieces) -> tuple[PieceZeros, ...]:
    """Zeros of g on each piece; raises when completeness cannot be certified.

    Memoised: isolation does not depend on the digits asked for, and each Root
    caches its balls per digits, so a second analysis at other digits only refines.
    """
    out = []
    for piece, dpiece in zip(g_pieces.pieces, dg_pieces.pieces):
        out.append(piece_zeros(piece, dpiece.expr))
    return tuple(out)
