"""Sign of an expression on an unbounded tail [c, ∞) or (−∞, c], with a proof.

Stationary points on ℝ are "all" only if no root hides in the tails, which no
finite computation can check.  :func:`prove_sign` derives a strict sign on a
tail from six rules, recursively, and records each as a derivation step:

1. *constant*: the expression does not involve x;
2. *positivity*: SymPy proves it positive (or negative) for every real x
   (e.g. ``exp(-x**2/2)``, ``1 + exp(x)``);
3. *polynomial*: its real roots are bounded, beyond them the leading term rules;
4. *product*: the sign is the product of the factors' signs;
5. *exponential polynomial*: written over a common denominator, the numerator
   is Σ p_i(x)·e^{q_i(x)} with polynomials p_i, q_i; beyond an explicit cut the
   dominant term's polynomial outweighs the sum of the others, each of which is
   monotone there (a dominance bound checked in ball arithmetic);
6. *monotone limit* ("sandwich"): if g → L as x → ±∞ and g′ has a strict sign on
   the tail (proved recursively), g moves monotonically towards L.  When it
   approaches L from below it is < L, so negative if L ≤ 0; otherwise it is
   ≥ g(c), so positive if a certified ball shows g(c) > 0 (and symmetrically).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from flint import arb, arb_poly

from ..analysis.calculus import tidy
from .limits import checked_limit as limit
from ..definitions.symbols import x
from ..errors import CertificationError, SymbolicTimeout, UnsupportedError
from ..facts import Step
from .arbeval import compile_arb, const_ball
from .balls import precision, q, sign_of

MAX_DEPTH = 4
MAX_CUT = sp.Integer(2) ** 40


@dataclass(frozen=True)
class TailSign:
    """``expr`` has strict sign ``sign`` on the tail beyond ``cut`` (None: on all of ℝ)."""

    expr: sp.Expr
    side: int
    sign: int
    cut: sp.Rational | None
    steps: tuple[Step, ...]


def _tail_text(side: int, cut) -> str:
    if cut is None:
        return "for every real x"
    return f"for x ≥ {cut}" if side > 0 else f"for x ≤ {cut}"


def _constant_sign(value: sp.Expr) -> int:
    if value.is_positive:
        return 1
    if value.is_negative:
        return -1
    if value.is_zero:
        return 0
    for bits in (64, 256, 1024):
        with precision(bits):
            s = sign_of(const_ball(value))
        if s is not None:
            return s
    raise CertificationError(f"cannot decide the sign of the constant {value}")


def further_cut(a, b, side):
    """The cut further out on this side (None is the least restrictive)."""
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b) if side > 0 else min(a, b)


def _sign_at(expr: sp.Expr, point: sp.Rational) -> int | None:
    g = compile_arb(expr, x)
    for bits in (64, 256):
        with precision(bits):
            s = sign_of(g(arb(q(point))))
        if s is not None:
            return s
    return None


def _polynomial(e: sp.Expr, side: int) -> TailSign | None:
    if not e.is_polynomial(x):
        return None
    poly = sp.Poly(e, x)
    if not all(c.is_real and not c.free_symbols for c in poly.all_coeffs()):
        return None
    lc_sign = _constant_sign(poly.LC())
    deg = poly.degree()
    sign = lc_sign * (side**deg)
    if deg == 0:
        return TailSign(e, side, sign, None, (Step("{0} is a nonzero constant.", (e,)),))
    bound = _root_bound(e)
    cut = sp.Integer(int(bound) + 1) * side
    step = Step("{0} is a polynomial of degree {1}; certified root enclosures put all its real roots in |x| < {2}, so "
                + _tail_text(side, cut) + " its sign is that of its leading term {3}: " + ("positive" if sign > 0 else "negative") + ".",
                (e, sp.Integer(deg), sp.Integer(int(bound) + 1), poly.LC() * x**deg))
    return TailSign(e, side, sign, cut, (step,))


def prove_sign(expr: sp.Expr, side: int, depth: int = 0) -> TailSign:
    """A strict sign of ``expr`` for x → side·∞ with its proof, or raise UnsupportedError."""
    e = sp.sympify(expr)
    if not e.has(x):
        s = _constant_sign(e)
        if s == 0:
            raise UnsupportedError("the expression is identically zero")
        return TailSign(e, side, s, None, (Step("{0} is a constant of sign " + ("+" if s > 0 else "−") + ".", (e,)),))
    if e.is_positive or e.is_negative:
        s = 1 if e.is_positive else -1
        return TailSign(e, side, s, None,
                        (Step("{0} is " + ("positive" if s > 0 else "negative") + " for every real x.", (e,)),))
    poly = _polynomial(e, side)
    if poly is not None:
        return poly
    if e.is_Mul or (e.is_Pow and e.exp.is_Integer):
        factors = [e.base] * abs(int(e.exp)) if e.is_Pow else list(e.args)
        try:
            proofs = [prove_sign(f, side, depth) for f in dict.fromkeys(factors)]
        except (UnsupportedError, CertificationError):
            proofs = None
        if proofs is not None:
            sign, cut, steps = 1, None, []
            for f in factors:
                p = next(p for p in proofs if p.expr == f)
                sign *= p.sign
            for p in proofs:
                cut = further_cut(cut, p.cut, side)
                if p.expr.has(x):  # constant factors need no step of their own
                    steps.extend(p.steps)
            word = "positive" if sign > 0 else "negative"
            steps.append(Step("Hence the product {0} is " + word + " " + _tail_text(side, cut) + ".", (e,)))
            return TailSign(e, side, sign, cut, tuple(steps))
    rational = _exp_rational(e, side, depth)
    if rational is not None:
        return rational
    if depth >= MAX_DEPTH:
        raise UnsupportedError(f"no tail sign proof for {e} within depth {MAX_DEPTH}")
    return _monotone_limit(e, side, depth)


EXPAND_MAX_POWER = 64  # a sum of x raised to a higher power is not expanded ((1 + x²)^2000: 2,001 terms)


def _expands_too_far(expr: sp.Expr) -> bool:
    """Whether ``expr`` holds a sum with x raised to an integer power above :data:`EXPAND_MAX_POWER`
    (tanh(1000·log(1 + x²)) over exponentials holds (x² + 1)^2000): expanding it would take minutes.
    (Not the term count of :func:`~gelu_math.analysis.pieces.expansion_terms`: the third derivative of
    gelu_onnx_fast bounds thousands of terms, and expands in a second.)"""
    return any(p.base.is_Add and p.base.has(x) and p.exp.is_Integer and abs(p.exp) > EXPAND_MAX_POWER
               for p in expr.atoms(sp.Pow))


def _exp_poly_terms(expr: sp.Expr):
    """{q: p} with expr = Σ p(x)·exp(q(x)), q without constant term; None if not of that form, or if
    expanding it would take minutes (:func:`_expands_too_far`: the rule then does not apply)."""
    if _expands_too_far(expr):
        return None
    expanded = sp.powsimp(sp.expand(expr), combine="exp")
    terms = sp.Add.make_args(expanded)
    # the coefficients first (cheap): one that is not a polynomial (an erf factor, say) rules the form out
    # before any exponent is expanded — the answer is the one the loop below would give
    if not all(sp.Mul(*(f for f in sp.Mul.make_args(t) if not _is_exp_factor(f))).is_polynomial(x) for t in terms):
        return None
    groups: dict[sp.Expr, sp.Expr] = {}
    for term in terms:
        coeff, exponent = [], sp.Integer(0)
        for f in sp.Mul.make_args(term):
            if isinstance(f, sp.exp):
                exponent += f.args[0]
            elif f.is_Pow and isinstance(f.base, sp.exp):
                exponent += f.base.args[0] * f.exp
            else:
                coeff.append(f)
        exponent = sp.expand(exponent)
        p = sp.Mul(*coeff)
        if not (p.is_polynomial(x) and exponent.is_polynomial(x)):
            return None
        const = exponent.subs(x, 0)
        q_ = sp.expand(exponent - const)
        groups[q_] = groups.get(q_, 0) + p * sp.exp(const)
    out = {}
    for q_, p in groups.items():
        p = sp.expand(p)
        if p != 0:
            out[q_] = p
    if not out or any(p.free_symbols - {x} or q_.free_symbols - {x} for q_, p in out.items()):
        return None
    return out


def _is_exp_factor(f: sp.Expr) -> bool:
    return isinstance(f, sp.exp) or (f.is_Pow and isinstance(f.base, sp.exp))


def _growth_sign(poly: sp.Expr, side: int) -> int:
    """Sign of poly(x) as x -> side*inf (poly nonzero)."""
    P = sp.Poly(poly, x)
    return _constant_sign(P.LC()) * side ** P.degree()


def _root_bound(poly: sp.Expr) -> float:
    """B with every real root of a nonzero polynomial in (-B, B).

    Certified complex root enclosures (Arb's ``arb_poly.complex_roots``) when the
    polynomial is squarefree; Cauchy's bound 1 + max|a_i/a_n| otherwise.
    """
    P = sp.Poly(poly, x)
    if P.degree() <= 0:
        return 0.0
    with precision(128):
        coeffs = [const_ball(c) for c in reversed(P.all_coeffs())]
        lc = coeffs[-1]
        cauchy = max(float((abs(c / lc)).upper()) for c in coeffs[:-1]) + 1
        try:
            roots = arb_poly(coeffs).complex_roots()
            return min(cauchy, max(float(abs(z.real).upper()) for z in roots) + 2**-20)
        except (ValueError, ArithmeticError):  # not squarefree, or ball coefficients too wide
            return cauchy


def _dominance(numerator: sp.Expr, side: int):
    terms = _exp_poly_terms(numerator)
    if terms is None:
        return None
    # the dominant exponential: q_max - q -> +inf for every other q
    qs = list(terms)
    top = None
    for cand in qs:
        if all(o == cand or _growth_sign(cand - o, side) > 0 for o in qs):
            top = cand
    if top is None:
        return None
    p_top = terms[top]
    bounds = [_root_bound(p_top), _root_bound(sp.diff(p_top, x))]
    rest = []
    for q_, p in terms.items():
        if q_ == top:
            continue
        d = sp.expand(q_ - top)
        h = sp.expand(sp.diff(p, x) + p * sp.diff(d, x))  # (p e^d)' = h e^d
        bounds += [_root_bound(p), _root_bound(h)] if h != 0 else [_root_bound(p)]
        rest.append((p, d))
    cut = sp.Integer(int(max(bounds)) + 1) * side
    main = compile_arb(p_top, x)
    others = [compile_arb(sp.Abs(p) * sp.exp(d), x) for p, d in rest]
    for _ in range(40):
        with precision(128):
            X = arb(q(cut))
            lead = abs(main(X))
            tail = sum((o(X) for o in others), arb(0))
            if lead > tail:
                break
        cut *= 2
    else:
        return None
    sign = _growth_sign(p_top, side)
    k = len(terms)
    # the shapes of the terms as formulas (math parts, never plain-text exponents in the prose)
    p_, q_, q_max = sp.Function("p"), sp.Function("q"), sp.Symbol("q_max")
    other = sp.Symbol("p") * sp.exp(sp.Symbol("q") - q_max)
    step = Step(
        "Over a common denominator the numerator is {0}, a sum of " + str(k) + " terms {4}. As x → "
        + ("+∞" if side > 0 else "−∞") + " the dominant exponential is {1} with polynomial {2}. "
        + _tail_text(side, cut).capitalize() + " (beyond every root of the polynomials involved and their "
        "derivatives) |{2}| is nondecreasing and each other term {5} is monotone towards 0, so the "
        "ball check that |{2}| exceeds the sum of the other terms' |{5}| at x₀ = {3} gives the sign of {2}: "
        + ("positive" if sign > 0 else "negative") + ".",
        (numerator, sp.exp(top, evaluate=False), p_top, cut, p_(x) * sp.exp(q_(x)), other))
    return sign, cut, step


def _exp_rational(e: sp.Expr, side: int, depth: int) -> TailSign | None:
    """Rule 5: rewrite in exponentials, prove denominator and dominant numerator sign."""
    if not e.has(sp.exp, sp.tanh, sp.cosh, sp.sinh, sp.sech, sp.log):
        return None
    try:
        r = sp.together(sp.powsimp(e.rewrite(sp.exp), combine="exp"))
    except SymbolicTimeout:
        raise
    except Exception:  # SymPy rewrite failure: this rule does not apply
        return None
    num, den = sp.fraction(r)
    dom = _dominance(num, side)
    if dom is None:
        return None
    nsign, ncut, nstep = dom
    if den.has(x):
        try:
            dproof = prove_sign(den, side, depth + 1) if not den.is_positive else None
        except (UnsupportedError, CertificationError):
            return None
        dsign = 1 if dproof is None else dproof.sign
        dsteps = () if dproof is None else dproof.steps
        dcut = None if dproof is None else dproof.cut
    else:
        dsign, dsteps, dcut = _constant_sign(den), (), None
    sign = nsign * dsign
    cut = further_cut(ncut, dcut, side)
    den_text = "The denominator {1} is " + ("positive" if dsign > 0 else "negative") + "."
    steps = (*dsteps, Step("Rewrite {0} with exponentials over one denominator. " + den_text, (e, den)), nstep,
             Step("Hence {0} is " + ("positive" if sign > 0 else "negative") + " " + _tail_text(side, cut) + ".", (e,)))
    return TailSign(e, side, sign, cut, steps)


def _monotone_limit(e: sp.Expr, side: int, depth: int) -> TailSign:
    L = limit(e, sp.oo * side)
    d = tidy(sp.diff(e, x))
    if d == 0:
        raise UnsupportedError("constant expression")
    dproof = prove_sign(d, side, depth + 1)
    towards_from_below = dproof.sign * side > 0  # g increases towards L as x -> side*inf
    where = "+∞" if side > 0 else "−∞"
    if towards_from_below and (L.is_nonpositive or (L.is_finite and _constant_sign(L) <= 0)):
        sign, cut, why = -1, dproof.cut, "it stays below its limit {1}, which is ≤ 0"
    elif not towards_from_below and (L.is_nonnegative or (L.is_finite and _constant_sign(L) >= 0)):
        sign, cut, why = 1, dproof.cut, "it stays above its limit {1}, which is ≥ 0"
    else:
        want = 1 if towards_from_below else -1  # need g(cut) of this sign
        cut = dproof.cut if dproof.cut is not None else sp.Integer(side)
        if cut * side <= 0:
            cut = sp.Integer(side)
        while True:
            s = _sign_at(e, cut)
            if s == want:
                break
            cut = cut * 2
            if abs(cut) > MAX_CUT:
                raise UnsupportedError(f"no tail cut found for {e}")
        sign = want
        bound = "below" if want < 0 else "above"
        why = "it moves monotonically from its value at x = {2}, which a certified ball shows is " + \
              ("positive" if want > 0 else "negative") + f", towards {{1}}, staying {bound} that value's sign boundary"
    steps = list(dproof.steps)
    mono = "increasing" if dproof.sign > 0 else "decreasing"
    steps.append(Step(
        "{0} → {1} as x → " + where + ", and its derivative is " + ("positive" if dproof.sign > 0 else "negative")
        + " " + _tail_text(side, dproof.cut) + f", so it is strictly {mono} there; " + why + ". Hence {0} is "
        + ("positive" if sign > 0 else "negative") + " " + _tail_text(side, cut) + ".",
        (e, L, cut if cut is not None else sp.Integer(0))))
    return TailSign(e, side, sign, cut, tuple(steps))
