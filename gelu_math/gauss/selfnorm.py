"""Self-normalising constants: λ, α with E f(Z) = 0 and E f(Z)² = 1 for f = λ·g_α, Z ~ N(0, 1).

For SELU, g_α is ELU: g_α(x) = x (x > 0), α(eˣ − 1) (x ≤ 0) [Klambauer et al., Self-Normalizing
Neural Networks, NeurIPS 2017, eqs. (8)–(9) and appendix A3].  Derived here, not cited: the
exact Gaussian integrals of :mod:`.closed` give E g_α(Z) = a₀ + a₁α (linear in α), so
α* = −a₀/a₁, and λ* = 1/√(E g_α*(Z)²).  In Φ and e:

    E g_α = φ(0) + α(√e Φ(−1) − 1/2)            ⇒  α* = √(2/π) / (1 − 2√e Φ(−1))
    E g_α² = 1/2 + α²(e² Φ(−2) − 2√e Φ(−1) + 1/2)  ⇒  λ* = (E g_α*²)^(−1/2)

(E[e^{cZ}; Z ≤ 0] = e^{c²/2} Φ(−c)).  The same solver serves any family λ·g_α whose mean is
linear in α and whose pieces are in the exact class.  The result is checked by certified
quadrature: the moments of the ELU with α = α* (engine tail bounds, Arb integration) must
contain 0 and 1/λ*².
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from flint import arb

from ..analysis import calculus
from ..analysis.pieces import decompose
from ..certified.balls import DEFAULT_DIGITS, check_digits, precision, bits_for
from ..certified.numbers import exact_number
from ..definitions.registry import get
from ..errors import CertificationError, UnsupportedError
from ..facts import Number, Step
from .closed import gaussian_integral
from .moments import _pieces_t, moments
from .phiform import phi_form

ALPHA = sp.Symbol("alpha", positive=True)
CHECK_DIGITS = 40  # the registered constants have 32 significant digits


@dataclass(frozen=True)
class SelfNormalizing:
    alpha: Number
    lam: Number
    alpha_phi: sp.Expr  # the same values written with Φ(−1), Φ(−2) (definitions.normal.Phi)
    lam_phi: sp.Expr  # in terms of the symbol alpha (= α*)
    registered: dict  # {"alpha": {...}, "lambda": {...}} for SELU: value, difference, agrees
    steps: tuple[Step, ...]


def _phi_form(e: sp.Expr) -> sp.Expr:
    """erf(√2/2) = 1 − 2Φ(−1), erf(√2) = 1 − 2Φ(−2): the constants of the paper (:func:`.phiform.phi_form`)."""
    e = phi_form(e)
    return sp.factor_terms(sp.simplify(e)) if sp.count_ops(e) <= 120 else e


@calculus.without_units_import()
def derive(family=None, parameter: str = "alpha", digits: int = DEFAULT_DIGITS) -> tuple:
    """(α*, λ*, (α* and λ* in Φ form, λ* in terms of α), steps) exact for the family g_α (default: ELU), Z ~ N(0, 1)."""
    inst = get(family or "elu", {parameter: ALPHA})
    pieces = _pieces_t(decompose(inst.expr), sp.Integer(0), sp.Integer(1), 1)
    parts = [gaussian_integral(e, lo, hi) for lo, hi, e in pieces]
    if any(p is None for p in parts):
        raise UnsupportedError(f"{inst.name}: E g(Z) has no closed form in the exact class")
    mean = sp.expand(sp.Add(*parts))
    poly = sp.Poly(mean, ALPHA)
    if poly.degree() != 1:
        raise UnsupportedError(f"{inst.name}: E g(Z) = {mean} is not linear in {parameter}")
    a1, a0 = poly.all_coeffs()
    alpha = calculus.tidy(-a0 / a1)
    sq = _pieces_t(decompose(inst.expr), sp.Integer(0), sp.Integer(1), 2)
    parts2 = [gaussian_integral(e, lo, hi) for lo, hi, e in sq]
    if any(p is None for p in parts2):
        raise UnsupportedError(f"{inst.name}: E g(Z)^2 has no closed form in the exact class")
    coeffs = [calculus.tidy(c) for c in sp.Poly(sp.expand(sp.Add(*parts2)), ALPHA).all_coeffs()[::-1]]
    second = sp.Add(*(c * ALPHA ** i for i, c in enumerate(coeffs)))
    lam = 1 / sp.sqrt(second.subs(ALPHA, alpha))
    steps = (
        Step("E g_α(Z) = {0} (exact Gaussian integral of each piece); it is linear in α.", (calculus.tidy(mean),)),
        Step("E g_α(Z) = 0 gives α* = {0}.", (alpha,)),
        Step("E g_α(Z)² = {0}, so E (λ g_α*(Z))² = 1 gives λ* = {1}.", (second, lam)),
    )
    phi = (_phi_form(alpha), 1 / sp.sqrt(sp.Add(*(_phi_form(c) * sp.Symbol("alpha") ** i
                                               for i, c in enumerate(coeffs)))))
    return alpha, lam, phi, steps


def _agrees(derived: Number, registered: sp.Rational, places: int) -> dict:
    """|derived − registered| <= 10^-places / 2 (the registered value is the correct rounding)."""
    with precision(bits_for(CHECK_DIGITS) + 32):
        diff = derived.ball - arb(sp.Rational(registered).p) / arb(sp.Rational(registered).q)
        half = arb(10) ** (-places) / 2
        if abs(diff) < half:
            ok = True
        elif abs(diff) > half:
            ok = False
        else:
            raise CertificationError("cannot decide whether the registered constant is the correct rounding")
    return {"value": registered, "difference": Number(None, diff), "agrees": ok, "places": places}


def self_normalizing(digits: int = DEFAULT_DIGITS, *, check: bool = True) -> SelfNormalizing:
    """SELU's α, λ derived exactly, certified to ``digits`` and compared with the registered
    32-digit constants (``definitions.catalog.SELU_ALPHA``, ``SELU_LAMBDA``)."""
    from ..definitions.catalog import SELU_ALPHA, SELU_LAMBDA

    check_digits(digits)
    alpha, lam, phi, steps = derive()
    a_n, l_n = exact_number(alpha, max(digits, CHECK_DIGITS)), exact_number(lam, max(digits, CHECK_DIGITS))
    if check:
        m = moments("elu", {"alpha": alpha}, digits=CHECK_DIGITS)
        mean, second = m.moments["mean"].value.ball, m.moments["second"].value.ball
        with precision(bits_for(CHECK_DIGITS) + 32):
            if not (mean.contains(0) and second.overlaps(1 / l_n.ball ** 2)):
                raise CertificationError("the derived α*, λ* fail the certified check (a bug: please report)")
        steps += (Step("Check by certified quadrature: for the ELU with α = α*, E g(Z) ∈ {0} and "
                       "E g(Z)² ∈ {1}, which meets the ball of 1/λ*².", (Number(None, mean), Number(None, second))),)
    places = {"alpha": 31, "lambda": 31}  # 1.6732632423543772848170429916717: 31 decimals
    registered = {"alpha": _agrees(a_n, SELU_ALPHA, places["alpha"]),
                  "lambda": _agrees(l_n, SELU_LAMBDA, places["lambda"])}
    return SelfNormalizing(exact_number(alpha, digits), exact_number(lam, digits),
                           phi[0], phi[1], registered, steps)
