"""The approximation-envelope section of the GELU report (the envelope API of `gelu_math.envelope`).

For the tanh and sigmoid forms: the certified sup over ℝ of |approximation − GELU| (``envelope``),
and, where the fitting API is available and certifies, the minimax-optimal coefficient with its
sup error next to the published constant (``fit``).  Every number comes from the envelope's and
fit's own results; what cannot be certified is listed with the reason.
"""

from __future__ import annotations

from ...definitions.registry import approximations
from ...errors import CertificationError, UnsupportedError
import sympy as sp

from ...facts import Fact, Method, Number
from .model import Claim, Para, Section, Table, Text, line, step_lines
from ...references import HG

APPROXIMATIONS = approximations()  # (name, fitted coefficient): Activation.fitted


def approximation_facts(digits: int, which=APPROXIMATIONS) -> tuple[list[Fact], dict[str, str]]:
    """Facts for ``which`` ((approximation, coefficient) pairs): the certified envelope of
    |approximation − GELU| at the published coefficient and the minimax-optimal coefficient
    (``fit``, target GELU, abs metric); and failures with reasons."""
    from ... import envelope as env

    facts, failures = [], {}
    for approx, coef in which:
        try:
            f = env.fit(env.EnvelopeSpec(approx), coef, digits=digits)  # against GELU, abs metric, over ℝ
        except (CertificationError, UnsupportedError) as exc:
            failures[f"optimal {coef} for {approx}"] = str(exc)
            f = None
        try:
            e = f.published_envelope if f is not None else env.envelope(env.EnvelopeSpec(approx), digits=digits)
        except (CertificationError, UnsupportedError) as exc:
            failures[f"envelope of {approx}"] = str(exc)
            continue
        fe = e.fact
        facts.append(Fact(f"envelope_{approx}", fe.statement, e, fe.method, fe.steps, fe.math, (HG,)))
        if f is not None:
            lo, hi = f.search
            facts.append(Fact(
                f"fit_{approx}", f"Over {coef} in [{{4}}, {{5}}], the minimax-optimal {coef} (minimising sup over ℝ of "
                f"|{approx} − gelu|) is {{0}}, with sup error {{1}}; the published {coef} = {{2}} gives {{3}}.",
                f, Method.CERTIFIED, tuple(f.steps),
                (f.optimum, f.sup_error, f.published, e.sup, Number(sp.Rational(lo)), Number(sp.Rational(hi))), (HG,)))
    return facts, failures


def approximation_section(facts: list[Fact]) -> Section | None:
    claims = []
    for fact in facts:
        if fact.key.startswith("envelope_"):
            e = fact.value
            st = line(fact.statement, *fact.math)
            blocks = (Para((Text("Method: " + e.method + "."),)),)
            if e.argmax:
                blocks += (Table(("maximiser x",), tuple((line("{0}", p),) for p in e.argmax)),)
            claims.append(Claim(fact.key, f"{e.approximation} − GELU: certified envelope", st, blocks,
                                step_lines(fact), fact.method, fact.references))
        else:
            claims.append(Claim(fact.key, f"{fact.value.approximation}: optimal coefficient", line(fact.statement,
                                *fact.math), (), step_lines(fact), fact.method, fact.references))
    return Section("Approximation envelopes", tuple(claims)) if claims else None
