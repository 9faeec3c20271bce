"""GELU-specific claims (default parameters μ = 0, σ = 1), each derived and checked, never typed in.

* ``gelu_definitions``: GELU(x) = x Φ(x) with Φ(x) = ∫_{−∞}^x φ(t) dt = (1 + erf(x/√2))/2
  (SymPy integrates φ; the two forms are proved equal).  [Hendrycks & Gimpel 2016; DLMF 7.2.1, 7.18.2]
* ``gelu_derivative_formula``: f′ = Φ + xφ and f^(k) = (−1)^k (He_{k−2} − He_k) φ for k ≥ 2
  (Leibniz + Rodrigues' formula φ^(n) = (−1)^n He_n φ), proved equal to the engine's derivatives.
* ``relu_gap``: 0 ≤ ReLU(x) − GELU(x) = −GELU(−|x|) ≤ |min GELU|, equality at x = ±x*, from the
  parity identity f(x) − f(−x) = x and the certified minimum.
* ``gelu_family``: f_{μ,σ}(x) = x Φ((x − μ)/σ) → x·[x > μ] (μ/2 at x = μ) as σ → 0⁺; for μ = 0
  that is ReLU, uniformly: sup |f_{0,σ} − ReLU| = σ·|min GELU| (scaling f_(0,σ)(x) = σ GELU(x/σ)).
* ``asymptotic_expansion``: GELU(x) ~ −φ(x) Σ_m (−1)^m (2m−1)!! x^(−2m) as x → −∞ and
  GELU(x) ~ x − φ(x) Σ_m (−1)^m (2m−1)!! x^(−2m) as x → +∞ (from erfc's expansion, DLMF 7.12.1;
  the remainder after N terms has the sign of the first omitted term and is smaller in modulus,
  DLMF 7.12(i) — spot-checked here in ball arithmetic).  Only the first terms are derived here; the
  general term and the remainder bound are cited (method ``cited``).

Example: ``extra_facts(analyze("gelu", extended=True))[0]["relu_gap"].value["bound"]`` contains 0.16997120747990366…
"""

from __future__ import annotations

import sympy as sp
from flint import arb

from ..analysis.calculus import tidy
from ..certified.arbeval import compile_arb
from ..certified.balls import precision
from ..certified.numbers import abs_number
from ..definitions.symbols import Phi, x
from ..errors import CertificationError
from ..properties import Property
from ..values import Record
from ..facts import Fact, Method, Number, Step, weakest
from ..references import HG, LEE, DLMF_ERF, DLMF_ASY, DLMF_HERMITE


# names used in statements only (never evaluated): Φ, φ, GELU, ReLU
PhiF, phiF, GELU, RELU = sp.Function("Phi"), sp.Function("phi"), sp.Function("GELU"), sp.Function("ReLU")
t = sp.Symbol("t", real=True)
p = sp.Symbol("p", positive=True)
mu, sigma = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
PHI_DENSITY = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
# how the asymptotic expansion is known: its general term and remainder bound are cited from DLMF
# 7.12, only the first terms are derived here
CITED = Method.CITED


class He(sp.hermite_prob):
    """SymPy's probabilists' Hermite polynomial He_n(x) (same object, same evaluation: He(3, x) is
    x³ − 3x), printed He_n(x) in LaTeX, where SymPy writes ``\\operatorname{hermite}_{prob}``;
    the MathML printer (:mod:`gelu_math.render.report.mathml`) prints every ``hermite_prob`` so."""

    def _latex(self, printer, exp=None):
        n, arg = self.args
        s = r"\operatorname{He}_{%s}\left(%s\right)" % (printer._print(n), printer._print(arg))
        return s if exp is None else "%s^{%s}" % (s, exp)
N_ASYMPTOTIC = 4  # terms of the asymptotic series shown and checked
SPOT_POINTS = (-4, -8, -16)


def _see(*keys: str) -> str:
    """A pointer to other claims of the report by their titles ("see “Parity”"), never by internal keys."""
    from ..properties import get_property

    return "see " + " and ".join(f"“{get_property(k).title}”" for k in keys)


def _zero(e: sp.Expr) -> bool:
    return sp.simplify(sp.expand(e.rewrite(sp.erf))) == 0


def _definitions(a) -> Fact:
    integral = sp.Integral(PHI_DENSITY.subs(x, t), (t, -sp.oo, x))
    value = sp.integrate(PHI_DENSITY.subs(x, t), (t, -sp.oo, x))
    if not _zero(value - Phi(x)):
        raise CertificationError("SymPy's integral of the normal density does not reduce to (1 + erf(x/√2))/2")
    f = a.instance.expr
    if not _zero(x * value - f):
        raise CertificationError("x Φ(x) does not reduce to the registered GELU definition")
    steps = (
        Step("The standard normal density is φ(t) = {0}; its distribution function is Φ(x) = {1}.",
             (PHI_DENSITY.subs(x, t), integral)),
        Step("SymPy integrates: Φ(x) = {0}, and {0} − {1} simplifies to 0.", (value, Phi(x))),
        Step("Hence GELU(x) = x Φ(x) = {0}, which is the registered definition {1} (difference simplified to 0).",
             (x * Phi(x), f)),
    )
    return Fact("gelu_definitions", "{0} = {1} = {2}", Record(phi=x * PhiF(x), erf=f), Method.EXACT, steps,
                (GELU(x), x * PhiF(x), sp.factor_terms(f)), (HG, DLMF_ERF))


def _derivative_formula(a) -> Fact | None:
    if "derivatives" not in a.facts:
        return None
    phi = PHI_DENSITY
    k = sp.Symbol("k", integer=True, positive=True)
    checked = []
    for order, d in a.facts["derivatives"].value:
        formula = (sp.erf(x / sp.sqrt(2)) / 2 + sp.Rational(1, 2) + x * phi) if order == 1 else \
            (-1) ** order * (sp.hermite_prob(order - 2, x) - sp.hermite_prob(order, x)) * phi
        if not _zero(formula - d):
            raise CertificationError(f"the Hermite form of f^({order}) does not match the engine's derivative")
        checked.append((order, sp.expand((-1) ** order * (sp.hermite_prob(order - 2, x) - sp.hermite_prob(order, x)))
                        if order >= 2 else None))
    general = (-1) ** k * (He(k - 2, x) - He(k, x)) * phiF(x)
    f = sp.Function("f")
    nn, j = sp.Symbol("n", integer=True, nonnegative=True), sp.Symbol("j", integer=True, positive=True)

    def dk(g, order):  # the order-th derivative of g(x), unevaluated (printed d^k/dx^k g(x))
        return sp.Derivative(g(x), (x, order))

    def eq(a_, b_):
        return sp.Eq(a_, b_, evaluate=False)

    steps = [  # every formula a math part: never plain-text exponents or indices in the prose
        Step("Product rule: {0} = {1} = {2}, since {3}.",
             (dk(f, 1), PhiF(x) + x * dk(PhiF, 1), PhiF(x) + x * phiF(x), eq(dk(PhiF, 1), phiF(x)))),
        Step("Leibniz rule for k ≥ 2: {0}, and Rodrigues' formula {1} gives {2} for j ≥ 1.",
             (eq(dk(f, k), x * dk(PhiF, k) + k * dk(PhiF, k - 1)),
              eq(dk(phiF, nn), (-1) ** nn * He(nn, x) * phiF(x)),
              eq(dk(PhiF, j), (-1) ** (j - 1) * He(j - 1, x) * phiF(x)))),
        Step("The recurrence {0} turns {1} into {2}, so {3}.",
             (eq(He(k, x), x * He(k - 1, x) - (k - 1) * He(k - 2, x)), k * He(k - 2, x) - x * He(k - 1, x),
              He(k - 2, x) - He(k, x), eq(dk(f, k), general))),
    ]
    for order, poly in checked:
        if poly is not None:
            steps.append(Step("k = {0}: {1} = {2}, so {3}; SymPy proves this equals the engine's derivative.",
                              (sp.Integer(order), (-1) ** k * (He(k - 2, x) - He(k, x)), poly,
                               eq(dk(f, order), poly * phiF(x)))))
    return Fact("gelu_derivative_formula", "{0}; for k ≥ 2: {1}", Record(general=general, checked_orders=[
                    o for o, _ in checked]), Method.EXACT,
                tuple(steps), (sp.Eq(sp.Derivative(GELU(x), x), PhiF(x) + x * phiF(x)),
                               eq(sp.Derivative(GELU(x), (x, k)), general)), (DLMF_HERMITE, LEE))


def _minimum(a):
    st = a.facts.get("stationary_points")
    r = a.facts.get("range")
    if st is None or r is None:
        raise CertificationError("needs the stationary points and the range")
    mins = [s for s in st.value if s.get("kind") == "minimum"]
    if len(mins) != 1 or not r.value["inf"].attained:
        raise CertificationError("expected exactly one attained minimum")
    return mins[0]["x"], r.value["inf"].value, weakest(st.method, r.method)


def _neg(n: Number) -> Number:
    with precision(max(64, n.ball.bits() + 16)):  # Arb rounds to the context precision: keep every bit
        return Number(None if n.exact is None else -n.exact, -n.ball)


def _relu_gap(a) -> Fact:
    xs, fmin, method = _minimum(a)
    par = a.facts.get("parity")
    if par is None or tidy(par.value.difference - x) != 0:
        raise CertificationError("needs the parity identity f(x) − f(−x) = x")
    f = a.instance.expr
    # x ≥ 0: ReLU − GELU = x − f(x) = −f(−x); x < 0: ReLU − GELU = −f(x): in both cases −f(−|x|)
    if not _zero((p - f.subs(x, p)) - (-f.subs(x, -p))):
        raise CertificationError("x − f(x) = −f(−x) failed symbolically")
    bound = abs_number(fmin)
    value = Record(bound=bound, argmax=[xs, _neg(xs)], min_value=fmin)
    gap = RELU(x) - GELU(x)
    steps = (
        Step("Parity identity (" + _see("parity") + "): f(x) − f(−x) = {0}, i.e. Φ(x) + Φ(−x) = 1.", (par.value.difference,)),
        Step("For x ≥ 0: ReLU(x) − GELU(x) = x − x Φ(x) = x Φ(−x) = {0}; for x < 0: ReLU(x) − GELU(x) = {1}. "
             "So in both cases {2} = {3}.", (-GELU(-x), -GELU(x), gap, -GELU(-sp.Abs(x)))),
        Step("Lower bound: −GELU(−|x|) = |x| Φ(−|x|) ≥ 0 because Φ > 0, with equality only at x = 0."),
        Step("Upper bound: −|x| ranges over (−∞, 0], and GELU attains its global minimum {0} at x* = {1} ≤ 0 "
             "(" + _see("range", "stationary_points") + "), so −GELU(−|x|) ≤ −min GELU = {2}, with equality exactly at "
             "−|x| = x*, i.e. x = ±x*.", (fmin, xs, bound)),
        Step("At ±∞ the gap tends to 0: −GELU(−|x|) → −lim GELU(x) as x → −∞ = 0 (" + _see("limits") + ")."),
    )
    return Fact("relu_gap", "0 ≤ {0} ≤ {1} for every real x, with equality on the right exactly at x = {2} and x = {3}",
                value, method, steps, (gap, bound, *value["argmax"]), (LEE, HG))


def _family(a, gap: Fact | None) -> Fact:
    fam = x * Phi((x - mu) / sigma)
    right = sp.limit(fam.subs(x, mu + p), sigma, 0, "+")
    left = sp.limit(fam.subs(x, mu - p), sigma, 0, "+")
    at_mu = tidy(fam.subs(x, mu))
    if tidy(right - (mu + p)) != 0 or left != 0 or tidy(at_mu - mu / 2) != 0:
        raise CertificationError(f"unexpected σ → 0 limits: {right}, {left}, {at_mu}")
    g = a.instance.expr
    scaled = fam.subs(mu, 0)
    if not _zero(sigma * g.subs(x, x / sigma) - scaled):
        raise CertificationError("scaling identity f_(0,σ)(x) = σ GELU(x/σ) failed")
    fmu = lambda v: sp.Function("f")(v, mu, sigma)  # noqa: E731  f(x; μ, σ)
    steps = [
        Step("The family: {0} = {1} (Hendrycks & Gimpel's μ, σ form; GELU is μ = 0, σ = 1).", (fmu(x), fam)),
        Step("Pointwise limit as σ → 0⁺, with p > 0 (SymPy): at x = μ + p the value tends to {0}; at x = μ − p it "
             "tends to {1}; at x = μ it is {2} for every σ.", (right, left, at_mu)),
        Step("So f_(μ,σ)(x) → x for x > μ and → 0 for x < μ. For μ = 0 this is ReLU(x) = max(0, x) at every x "
             "(both are 0 at x = 0); for μ ≠ 0 the limit jumps at x = μ and is not ReLU."),
        Step("Scaling (SymPy, difference simplified to 0): {0} = σ GELU(x/σ), and ReLU(x) = σ ReLU(x/σ), so "
             "f_(0,σ)(x) − ReLU(x) = σ (GELU − ReLU)(x/σ).", (scaled,)),
    ]
    # the pointwise limit as σ → 0⁺, as a function of x (p = x − μ on the right, p = μ − x on the left)
    value = Record(limit_for_x_above_mu=tidy(right.subs(p, x - mu)), limit_for_x_below_mu=tidy(left.subs(p, mu - x)),
                   at_mu=at_mu)
    method = Method.EXACT
    math = (fmu(x), fam, "(not certified)")
    if gap is not None:
        bound = gap.value["bound"]
        steps.append(Step("By " + _see("relu_gap").removeprefix("see ") + ", the supremum over x ∈ ℝ of "
                          "|f_(0,σ)(x) − ReLU(x)| is σ · {0}, attained at x = ±σx*, where x* = {1} is GELU's "
                          "minimiser: the convergence to ReLU is uniform on ℝ, linear in σ.",
                          (bound, gap.value["argmax"][0])))
        value["uniform_constant"] = bound
        method = gap.method
        math = (fmu(x), fam, bound)
    return Fact("gelu_family", "{0} = {1}; as σ → 0⁺ with μ = 0 it tends to ReLU, uniformly: "
                "sup |f_(0,σ) − ReLU| = σ · {2}",
                value, method, tuple(steps), math, (HG,))


def _asymptotic(a) -> Fact:
    n = N_ASYMPTOTIC
    z = sp.Symbol("z", positive=True)
    xn = sp.Symbol("x", negative=True)
    with_order = sp.erfc(z).series(z, sp.oo, 2 * n + 1)  # (Σ + O(z^(−2n−1); z → ∞))·e^(−z²)/√π: O() inside
    ser = sp.expand(with_order).removeO()
    m = sp.Symbol("m", integer=True, nonnegative=True)
    term = (-1) ** m * sp.factorial2(2 * m - 1) * x ** (-2 * m)
    partial = sum(term.subs(m, j) for j in range(n))
    # x < 0: GELU(x) = (x/2) erfc(−x/√2), z = −x/√2 → +∞
    left = sp.expand(xn / 2 * ser.subs(z, -xn / sp.sqrt(2)))
    target = sp.expand((-PHI_DENSITY * partial).subs(x, xn))
    if sp.simplify(left - target) != 0:
        raise CertificationError("SymPy's erfc expansion does not give the stated GELU expansion")
    g = a.instance.expr
    if not _zero(sp.erfc(-x / sp.sqrt(2)) * x / 2 - g):
        raise CertificationError("GELU(x) = (x/2) erfc(−x/√2) failed symbolically")
    # certified spot check of the DLMF remainder bound: 0 ≤ R_N / (first omitted term) ≤ 1
    # evaluate GELU in its erfc form (no cancellation of 1 + erf far out)
    R = compile_arb(x / 2 * sp.erfc(-x / sp.sqrt(2)) + PHI_DENSITY * partial, x)
    nxt = compile_arb(-PHI_DENSITY * term.subs(m, n), x)
    ratios = []
    with precision(256):
        for pt in SPOT_POINTS:
            q = R(arb(pt)) / nxt(arb(pt))
            if not (q > 0 and q < 1):
                raise CertificationError(f"remainder bound fails at x = {pt}")
            ratios.append(Number(None, q))
    S = sp.Sum(term, (m, 0, sp.oo))
    steps = (
        Step("What is derived here and what is cited: the first {0} terms are derived symbolically from SymPy's "
             "series of erfc; the general term (all m) and the remainder bound are cited from DLMF 7.12.1 and "
             "7.12(i), and the bound is spot-checked in ball arithmetic at x = −4, −8, −16.", (sp.Integer(n),)),
        Step("For x < 0: GELU(x) = {0} (SymPy: equal to the definition), and z = −x/√2 → +∞.",
             (x / 2 * sp.erfc(-x / sp.sqrt(2), evaluate=False),)),
        Step("SymPy's asymptotic series of erfc at +∞ (DLMF 7.12.1): {0} = {1}.",
             (sp.erfc(z), with_order)),
        Step("Substituting z = −x/√2 and multiplying by x/2 gives exactly {0} (SymPy: difference 0), the first {1} "
             "terms of −φ(x) {2}.", (sp.factor_terms(target.subs(xn, x)), sp.Integer(n), S)),
        Step("At +∞, the parity identity GELU(x) = x + GELU(−x) (" + _see("parity") + ") gives GELU(x) = x − φ(x) {0} "
             "(φ is even).", (S,)),
        Step("Remainder: for real z > 0 the error after N terms of erfc's series has the sign of the first omitted "
             "term and is smaller in modulus (DLMF 7.12(i)). Ball-arithmetic spot check with N = {0}: "
             "R_N(x)/(first omitted term) at x = −4, −8, −16 lies in (0, 1): {1}, {2}, {3}.",
             (sp.Integer(n), *ratios)),
    )
    return Fact("asymptotic_expansion", "as x → −∞: {3} ∼ {0}; as x → +∞: {4} ∼ {5} (divergent asymptotic "
                "series, in Poincaré's sense; general term cited from DLMF 7.12.1; the first {2} terms derived "
                "symbolically)",
                Record(minus_inf=-phiF(x) * S, plus_inf=x - phiF(x) * S, terms_derived=sp.Integer(n)), CITED, steps,
                (-phiF(x) * S, x - phiF(x) * S, sp.Integer(n), GELU(x), GELU(x) - x, -phiF(x) * S), (DLMF_ASY,))


def _family_builder(a):
    try:
        gap = _relu_gap(a)
    except CertificationError:
        gap = None
    return _family(a, gap)


def _is_gelu(inst) -> bool:
    return inst.name == "gelu" and inst.is_numeric


PROPERTIES = (
    Property("gelu_definitions", "Two definitions: Φ and erf", "Definition", _definitions, applies=_is_gelu, extended=True),
    Property("gelu_derivative_formula", "Derivatives of every order", "Derivatives", _derivative_formula,
             depends=("derivatives",), applies=_is_gelu, extended=True, order=1),
    Property("relu_gap", "Distance to ReLU", "Comparison with ReLU", _relu_gap,
             depends=("stationary_points", "range", "parity"), applies=_is_gelu, extended=True),
    Property("gelu_family", "The μ, σ family and its σ → 0 limit", "Definition", _family_builder,
             depends=("stationary_points", "range", "parity"), applies=_is_gelu, extended=True, order=1),
    Property("asymptotic_expansion", "Asymptotic expansion at ±∞", "Behaviour at ±∞", _asymptotic,
             applies=_is_gelu, extended=True, order=2),
)
