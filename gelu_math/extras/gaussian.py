"""The registered property "gaussian" (computed by gelu_math.gauss): moments and initialisation gains for Z ~ N(0, 1).

An extended property (computed by the reports, ``analyze --extended`` and when named): it puts the
Gaussian-measure analysis of this package into every report ("Gaussian inputs"), the analysis JSON,
``verify`` (``fact = "gaussian.gains.rms"``) and ``gelu_math.testing.assert_fact``.
"""

from __future__ import annotations

import sympy as sp

from ..analysis.series import parity
from ..certified.numbers import exact_number
from ..errors import CertificationError, InputError
from ..facts import Fact, Method, Number, Step, weakest
from ..properties import Column, Property, register
from ..values import Record

KLAMBAUER = "Klambauer et al., Self-Normalizing Neural Networks, NeurIPS 2017"
HE = "He et al., Delving Deep into Rectifiers, ICCV 2015 (variance-preserving gain)"
TORCH_INIT = "PyTorch torch.nn.init.calculate_gain (torch/nn/init.py)"


LONG = 40  # operations or 120 characters: a longer closed form is kept out of the reports (gauss --json has it)


def _long(e) -> bool:
    return isinstance(e, sp.Basic) and (sp.count_ops(e) > LONG or len(sp.sstr(e)) > 3 * LONG)


def _shown(n: Number) -> Number:
    """The Number as the analysis states it: without a closed form too long to read (i_gelu's run to
    hundreds of operations); the certified ball stays."""
    return Number(None, n.ball) if n.exact is not None and _long(n.exact) else n


LABELS = {"mean": "E f(Z)", "second": "E f(Z)²", "variance": "Var f(Z)", "fprime_second": "E f′(Z)²"}


def _too_long(st: Step) -> bool:
    return any(_long(v) or (isinstance(v, Number) and v.exact is not None and _long(v.exact)) for v in st.math)


def _chi1_at_rms_gain(m, digits: int):
    """E f′(Z)²/E f(Z)² as a Number (exact when both moments are), or None when not finite and positive."""
    from ..certified.balls import bits_for, precision
    from ..gauss.phiform import tidy  # the moments' stated form (the ratio of two of them)

    a, b = m.moments["fprime_second"].value, m.moments["second"].value
    if not (a.is_finite and b.is_finite):
        return None
    if a.exact is not None and b.exact is not None and not (_long(a.exact) or _long(b.exact)):
        return None if b.exact == 0 else exact_number(tidy(a.exact / b.exact), digits)
    if not b.ball > 0:
        return None
    with precision(bits_for(digits) + 32):
        return Number(None, a.ball / b.ball)


def _gaussian(ctx) -> Fact:
    from ..gauss.moments import KEYS, gains, moments  # imported when derived (numpy, flint.acb: not at start-up)
    from ..gauss.torchgain import comparison

    try:
        m = moments(ctx.instance, digits=ctx.digits)
        g = gains(m)
    except InputError as exc:  # a moment that does not exist: not a bad input here, a fact not certified
        raise CertificationError(f"the Gaussian moments do not exist: {exc}") from None
    mo = Record((k, _shown(m.moments[k].value)) for k in KEYS)
    ga = Record((k, _shown(g[k].value)) for k in ("std", "rms", "grad"))
    par = ctx.facts["parity"].value if "parity" in ctx.facts else parity(ctx.pieces)  # derived once when there
    odd = not m.moments["mean"].value.infinite and par.even == 0
    if odd and mo["mean"].exact is None:  # a ball around 0 from quadrature: the exact value is 0
        mo["mean"], mo["variance"], ga["std"] = exact_number(sp.Integer(0), ctx.digits), mo["second"], ga["rms"]
    value = Record(moments=mo, gains=ga)
    chi = _chi1_at_rms_gain(m, ctx.digits)
    if chi is not None:
        value["chi1_at_rms_gain"] = _shown(chi)
    steps = [Step("Z ∼ N(0, 1). " + ("Each moment is an exact Gaussian integral (completing the square, Stein's "
                                     "identity, E erf(aZ + b) in closed form), checked against a certified "
                                     "quadrature" if all(m.moments[k].method.value == "exact" for k in KEYS) else
                                     "Each moment is an Arb quadrature on a bounded core plus a tail bound proved "
                                     "from the growth of f; it is stated exactly where the closed-form class "
                                     "(piecewise polynomial·exp, erf of linear arguments) covers f, and E f(Z) "
                                     "where f is proved odd") + ".")]
    if ctx.instance.name == "selu" and not ctx.instance.params:
        steps.append(Step("The registered λ and α are the 32-digit roundings of the constants that make E f(Z) = 0 "
                          "and E f(Z)² = 1 exactly (Klambauer et al.; derived by `gelu-math gauss selu`), so the "
                          "moments below differ from 0 and 1 by about 10⁻³²."))
    long_forms = []
    for k in KEYS:
        for st in m.moments[k].steps:
            tail = st.text.startswith("certified by Arb quadrature")
            if _too_long(st) and not tail:  # a closed form (of a moment, or Var = E f² − (E f)²)
                long_forms.append(LABELS[k])
            elif _too_long(st):  # a tail bound with a long polynomial: said in words
                steps.append(Step(f"{LABELS[k]}: certified by Arb quadrature on a bounded core plus the tails, "
                                  "bounded by a polynomial growth bound proved from the definition "
                                  f"(`gelu-math gauss {ctx.instance.name} --json` gives the value)."))
            elif st.text.startswith(LABELS[k]):  # "Var f(Z) = E f(Z)² − (E f(Z))² in ball arithmetic."
                steps.append(st)
            elif st.text.startswith("{0} in closed form"):
                steps.append(Step(f"{LABELS[k]} = {st.text}", st.math))
            else:
                steps.append(Step(f"{LABELS[k]}: {st.text}", st.math))
        if m.moments[k].reason and m.moments[k].reason not in (st.text for st in m.moments[k].steps):
            steps.append(Step(f"{LABELS[k]}: {m.moments[k].reason}."))
    if long_forms:
        names = list(dict.fromkeys(long_forms))
        steps.append(Step(f"{', '.join(names)}: {'closed forms were' if len(names) > 1 else 'a closed form was'} "
                          "derived and checked against the certified "
                          f"{'enclosures' if len(names) > 1 else 'enclosure'}; too long to print here "
                          f"(`gelu-math gauss {ctx.instance.name} --json` prints {'them' if len(names) > 1 else 'it'})."))
    if odd and m.moments["mean"].value.exact != 0:  # gauss did not prove it (moments.proved_odd): the parity fact did
        steps.append(Step("f is odd (its even part is proved 0 on every region between breakpoints) and Z ∼ N(0, 1) "
                          "is symmetric, so E f(Z) = 0 exactly, Var f(Z) = E f(Z)² and the std gain is the rms gain."))
    steps.append(Step("Gains: std = 1/√Var f(Z) (unit output variance), rms = 1/√E f(Z)² (He et al.: unit second "
                      "moment), grad = 1/√E f′(Z)² (unit gradient second moment)."))
    torch = comparison(ctx.instance, g, ctx.digits)
    if torch is not None:
        agree = [k for k, c in torch["against"].items() if c["agree"]]
        steps.append(Step(f"torch.nn.init.calculate_gain('{torch['nonlinearity']}') = {{0}}: "
                          + (f"equal to the {' and '.join(agree)} gain{'s' if len(agree) > 1 else ''}" if agree
                             else "none of the three gains")
                          + "; relative differences std {1}, rms {2}, grad {3}.",
                          (torch["value"], *(_shown(torch["against"][k]["relative_difference"])
                                             for k in ("std", "rms", "grad")))))
    shown = (*mo.values(), *ga.values()) + ((value["chi1_at_rms_gain"],) if chi is not None else ())
    method = weakest(*(Method.EXACT if n.exact is not None or n.infinite else Method.CERTIFIED for n in shown))
    math = (mo["mean"], mo["second"], mo["variance"], mo["fprime_second"], ga["std"], ga["rms"], ga["grad"])
    statement = ("For Z ∼ N(0, 1): E f(Z) = {0}, E f(Z)² = {1}, Var f(Z) = {2}, E f′(Z)² = {3}; "
                 "initialisation gains: std 1/√Var f(Z) = {4}, rms 1/√E f(Z)² = {5}, grad 1/√E f′(Z)² = {6}")
    if chi is not None:
        math += (value["chi1_at_rms_gain"],)
        statement += "; χ₁ at σ_w = the rms gain (σ_b = 0, where q* = 1 is a fixed point) = E f′(Z)²/E f(Z)² = {7}"
        steps.append(Step("With σ_w² = 1/E f(Z)² and σ_b = 0 the variance map V(q) = σ_w² E f(√q Z)² has the fixed "
                          "point q* = 1, so χ₁ = σ_w² E f′(√q* Z)² = E f′(Z)²/E f(Z)²; for inputs of variance q* the mean "
                          "squared gradient is multiplied by χ₁ per layer (Schoenholz et al. 2017): > 1, it grows with "
                          "depth; < 1, it vanishes (whether q* attracts nearby variances is a separate question, "
                          "answered by V′(q*))."))
    return Fact("gaussian", statement,
                value, method, tuple(steps), math,
                (HE,) + ((KLAMBAUER,) if ctx.instance.name == "selu" else ()) + ((TORCH_INIT,) if torch else ()))


PROPERTY = register(Property("gaussian", "Moments and gains for Z ∼ N(0, 1)", "Gaussian inputs", _gaussian,
                             extended=True,
                             columns=(Column.at("rms gain", "gains.rms", 18), Column.at("grad gain", "gains.grad", 19),
                                      Column.at("std gain", "gains.std", 20),
                                      Column.at("χ₁ at σ_w = rms gain", "chi1_at_rms_gain", 21))))
