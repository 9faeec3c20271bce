"""The approximation-envelope section of the GELU report (issue 3's API, issue 4's report).

For the tanh and sigmoid forms: the certified sup over ℝ of |approximation − GELU| (``envelope``),
and, where the fitting API is available and certifies, the minimax-optimal coefficient with its
sup error next to the published constant (``fit``).  Every number comes from the envelope's and
fit's own results; what cannot be certified is listed with the reason.
"""

from __future__ import annotations

from ...errors import CertificationError, UnsupportedError
from ...facts import Fact, Method
from .model import Claim, Para, Section, Table, Text, line, step_lines

APPROXIMATIONS = (("gelu_tanh", "a"), ("gelu_sigmoid", "k"))
HG = "Hendrycks & Gimpel, Gaussian Error Linear Units (GELUs), arXiv:1606.08415 (2016)"


def approximation_facts(digits: int) -> tuple[list[Fact], dict[str, str]]:
    """Facts for the envelopes (and fits, when ``gelu_math.envelope.fit`` exists), and failures."""
    from ... import envelope as env

    facts, failures = [], {}
    fit = getattr(env, "fit", None)
    for approx, coef in APPROXIMATIONS:
        try:
            e = env.envelope(approx, "gelu", "abs", digits=digits)
        except (CertificationError, UnsupportedError) as exc:
            failures[f"envelope of {approx}"] = str(exc)
            continue
        fe = e.fact
        facts.append(Fact(f"envelope_{approx}", fe.statement, e, fe.method, fe.steps, fe.math, (HG,)))
        if fit is None:
            failures[f"optimal {coef} for {approx}"] = "this version of gelu-math has no fit() in gelu_math.envelope"
            continue
        try:
            f = fit(approx, coef, digits=digits)
        except (CertificationError, UnsupportedError) as exc:
            failures[f"optimal {coef} for {approx}"] = str(exc)
            continue
        facts.append(Fact(f"fit_{approx}", f"the minimax-optimal {coef} is {{0}} with sup error {{1}}; the published "
                          f"{coef} = {{2}} has sup error {{3}}", f, Method.CERTIFIED, tuple(f.steps),
                          (f.optimum, f.sup_error, f.published, f.published_sup if hasattr(f, "published_sup")
                           else f.published_envelope.sup), (HG,)))
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
