"""The "Approximations" report (``proofs/approximations.*``): designed and published GELU approximations.

Two parts, every number certified:

* the **designed family** (:func:`gelu_math.approximate.family.family`): the minimax polynomial of
  each degree D = 2…16 on [−4, 4] and on [−8, 8] (tails: GELU's asymptotes 0 and x), with exact
  and with float16 coefficients — its certified sup error on the interval and over ℝ, and the
  de la Vallée Poussin lower bound on the best possible error of any polynomial of degree D there;
* the **published approximations** (:mod:`gelu_math.approximate.published`): the certified sup
  error over ℝ against GELU and against its tanh form, on the interval of the published claim
  where there is one, and the jumps at the knots.

:func:`approximations_facts` computes (slow: minutes of CPU; picklable, so a worker process can
run it); :func:`approximations_document` builds the :class:`~.model.Document` (fast), with the
figures of ``figures_dir`` named ``approximations*.svg`` embedded.  Bounds are printed as exact
decimals rounded outward (an upper bound up, a lower bound down), so each printed number is
exactly what is proved: "sup ≤ 0.00978649" states a theorem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from flint import arb

from ...certified.numbers import exact_number
from ...facts import Method, Number
from ...references import HG
from .model import Claim, Document, Num, Para, Section, Table, Text, line

NAME = "approximations"
SIGNIFICANT = 6  # significant digits of the printed bounds (rounded outward)
RATIO_DIGITS = 4  # the float16 / best ratios (rounded up)
JUMP_DIGITS = 20  # the balls of the (exact) one-sided values at knots
# the published accuracy claims: name -> (reference the claim is made against, the bound claimed on CLAIMED)
PUBLISHED_CLAIM = {"fherma_gelu": ("gelu_tanh", sp.Rational(1, 1000))}


@dataclass(frozen=True)
class Bound:
    """A certified sup: its ball, or unbounded with the reason."""

    sup: Number | None
    reason: str = ""
    where: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublishedFacts:
    name: str
    title: str
    references: tuple[str, ...]
    versus_gelu: Bound  # over ℝ
    versus_tanh: Bound
    claimed: tuple | None  # (lo, hi) of the published accuracy claim
    on_gelu: Bound | None
    on_tanh: Bound | None
    jumps: tuple  # (x, left, right), exact


@dataclass(frozen=True)
class ApproximationFacts:
    family: tuple  # gelu_math.approximate.family.Member, in (interval, degree, format) order
    published: tuple[PublishedFacts, ...]
    failures: dict


def _bound(env) -> Bound:
    if env.unbounded:
        return Bound(None, env.reason)
    return Bound(env.sup, "", tuple(env.where))


def approximations_facts(digits: int = 10, family_kwargs=None, published_names=None) -> ApproximationFacts:
    """The facts of the report (``family_kwargs`` narrows the family — degrees, intervals, formats —
    and ``published_names`` the published approximations, for tests).  What cannot be certified is
    a failure with its reason, never a guess."""
    from ...approximate import published as P
    from ...approximate.family import family
    from ...definitions.registry import get
    from ...errors import CertificationError, UnsupportedError

    failures = {}
    fam = family(digits=digits, **(family_kwargs or {}))
    pubs = []
    everything = P.names()
    for name in (everything if published_names is None else published_names):
        try:
            p = P.published(name, digits=digits, dtypes=())
        except (CertificationError, UnsupportedError) as exc:
            failures[f"published {name}"] = str(exc)
            continue
        act = get(name).activation
        pubs.append(PublishedFacts(name, act.title, tuple(act.references), _bound(p.versus_gelu), _bound(p.versus_tanh),
                                   p.claimed, None if p.on_gelu is None else _bound(p.on_gelu),
                                   None if p.on_tanh is None else _bound(p.on_tanh),
                                   tuple((sp.sympify(a), sp.sympify(b), sp.sympify(c)) for a, b, c in p.jumps)))
    return ApproximationFacts(fam, tuple(pubs), failures)


def merge(*parts: ApproximationFacts) -> ApproximationFacts:
    """Facts computed in several tasks (e.g. one per interval of the family, one for the published
    approximations: ``approximations_facts(d, dict(intervals=(("-4", "4"),)), published_names=())``,
    …, ``approximations_facts(d, dict(degrees=()))``) as one, in the order given."""
    failures = {}
    for p in parts:
        failures.update(p.failures)
    return ApproximationFacts(tuple(m for p in parts for m in p.family), tuple(q for p in parts for q in p.published),
                              failures)


# --- printing bounds -------------------------------------------------------------------------

def _outward(b: arb, up: bool, sig: int = SIGNIFICANT) -> sp.Rational:
    """An exact decimal with ``sig`` significant digits: >= every point of the ball (``up``), else <=."""
    end = b.upper() if up else b.lower()
    man, exp = end.mid().man_exp()
    v = sp.Rational(int(man)) * sp.Rational(2) ** int(exp)
    if v == 0:
        return sp.Integer(0)
    e = sp.floor(sp.log(abs(v), 10))
    while abs(v) >= sp.Integer(10) ** (e + 1):  # exact correction of the logarithm's rounding
        e += 1
    while abs(v) < sp.Integer(10) ** e:
        e -= 1
    q = sp.Integer(10) ** (e - sig + 1)
    n = v / q
    n = sp.ceiling(n) if up else sp.floor(n)
    return sp.Rational(n) * q


def _upper(n: Number | None) -> Number | None:
    return None if n is None else Number(_outward(n.ball, True))


def _lower(n: Number | None) -> Number | None:
    return None if n is None else Number(_outward(n.ball, False))


def _cell(n: Number | None, missing: str = "unbounded"):
    return (Text(missing),) if n is None else line("{0}", n)


def _reason(text: str) -> str:
    """SymPy's infinities (-oo, oo) in a prover's message as −∞, ∞ (words such as "proof" untouched)."""
    return re.sub(r"(?<![A-Za-z])(-|\+)?oo(?![A-Za-z])", lambda m: {"-": "−∞", "+": "+∞"}.get(m.group(1), "∞"), text)


def _bound_line(b: Bound) -> tuple:
    if b.sup is None:
        return (Text("= ∞ (unbounded: " + _reason(b.reason) + ")"),)
    return line("≤ {0}", _upper(b.sup))


# --- the document ------------------------------------------------------------------------------

def _interval_text(on) -> str:
    lo, hi = on
    return f"[{sp.sstr(lo).replace('-', '−')}, {sp.sstr(hi)}]"


def _family_claims(members) -> list[Claim]:
    claims = []
    intervals = list(dict.fromkeys(m.on for m in members))
    for on in intervals:
        rows_by_degree: dict[int, dict] = {}
        for m in members:
            if m.on == on:
                rows_by_degree.setdefault(m.degree, {})[m.format] = m
        iv = _interval_text(on)
        rows = []
        for degree, by_format in rows_by_degree.items():
            exact, f16 = by_format.get(None), by_format.get("float16")
            row = [line("{0}", degree)]
            for m in (exact, f16):
                if m is None:
                    row += [(Text("—"),)] * 2
                    continue
                row += [_cell(_upper(m.sup_on)), _cell(_upper(m.sup))]
            base = exact or f16
            row.append(_cell(_lower(base.lower), "not proved"))
            row.append(_cell(None if f16 is None or f16.ratio is None else
                             Number(_outward(arb(f16.ratio.p) / f16.ratio.q, True, RATIO_DIGITS)), "—"))
            rows.append(tuple(row))
        statement = line(f"For each degree D, the minimax polynomial p_D of GELU on {iv} (tails: GELU's asymptotes, "
                         f"0 for x below the interval and x above it) has the certified error bounds below, with exact "
                         f"and with float16 coefficients; no polynomial of degree D has a smaller sup error on {iv} "
                         "than the lower bound given.")
        head = ("D", f"sup on {iv} ≤", "sup over ℝ ≤", f"float16: sup on {iv} ≤", "float16: sup over ℝ ≤",
                f"best possible on {iv} ≥", "float16 / best ≤")
        blocks = (Table(head, tuple(rows)),)
        steps = (line("Design: Remez exchange from Chebyshev points in high precision (mpmath), one per degree and "
                      "interval; the float16 coefficients by sequential rounding with LP re-optimisation, a ±1-ulp "
                      "descent to a local minimum of the sampled error, up to 12 coefficients every "
                      "round-down/round-up corner of the real coefficients, and 0 for a negligible term (a "
                      "heuristic search: only its result is certified)."),
                 line("The sup over the interval: the certified envelope (branch and bound in Arb with interval "
                      "Newton) of |p_D − GELU| for the exact rational coefficients."),
                 line("The sup over ℝ: the maximum of the envelopes on (−∞, LO], [LO, HI] and [HI, ∞), the jumps "
                      "between p_D and the tails at LO and HI included."),
                 line("The lower bound (de la Vallée Poussin): the errors of the exact-coefficient design at D + 2 "
                      "exact points, in Arb, alternate in sign, so every polynomial of degree D (float16 ones "
                      "included) has an error at least their smallest modulus at one of them."),
                 line("Bounds are printed as exact decimals rounded outward: an upper bound up, a lower bound down."))
        claims.append(Claim(f"family_{on[0]}_{on[1]}", f"Minimax polynomials on {iv}", statement, blocks, steps,
                            Method.CERTIFIED, (HG,)))
    return claims


def _published_claims(pubs) -> list[Claim]:
    claims = []
    for p in pubs:
        st = (Text(f"{p.name}: sup over ℝ of |{p.name} − gelu| "),) + _bound_line(p.versus_gelu) + \
             (Text(f"; of |{p.name} − gelu_tanh| "),) + _bound_line(p.versus_tanh) + (Text("."),)
        blocks = []
        rows = [((Text("ℝ"),), _bound_line(p.versus_gelu), _bound_line(p.versus_tanh))]
        if p.claimed is not None:
            rows.append(((Text(_interval_text(tuple(sp.Rational(v) for v in p.claimed))),),
                         _bound_line(p.on_gelu), _bound_line(p.on_tanh)))
        blocks.append(Table(("domain", "sup |A − GELU|", "sup |A − tanh form|"), tuple(rows)))
        if p.name in PUBLISHED_CLAIM and p.claimed is not None:
            ref, bound = PUBLISHED_CLAIM[p.name]
            env = p.on_tanh if ref == "gelu_tanh" else p.on_gelu
            iv = _interval_text(tuple(sp.Rational(v) for v in p.claimed))
            holds = env is not None and env.sup is not None and _outward(env.sup.ball, True) <= bound
            blocks.append(Para(line(f"Published claim: error at most {{0}} on {iv} against {ref}"
                                    + (" — it holds (the certified upper bound above is smaller)." if holds else
                                       " — not confirmed by the certified bound."), Number(bound))))
        if p.jumps:
            blocks.append(Para((Text("Its pieces do not join: it jumps at the knots below (right − left)."),)))
            blocks.append(Table(("knot x", "left value", "right value", "jump"),
                                tuple((line("{0}", x),) + tuple((Num(exact_number(v, JUMP_DIGITS), short=True),)
                                                                for v in (left, right, right - left))
                                      for x, left, right in p.jumps)))
        else:
            blocks.append(Para((Text("It is continuous on ℝ (no jumps)."),)))
        steps = (line("Certified envelope over ℝ (and over the claimed interval) of the exact definition, with GELU "
                      "and with the tanh form (a = 0.044715) as the reference; jumps from the exact one-sided values "
                      "of the pieces."),)
        claims.append(Claim(f"published_{p.name}", f"{p.name}: {p.title}", st, tuple(blocks), steps, Method.CERTIFIED,
                            p.references))
    return claims


def approximations_document(digits: int = 10, figures_dir: str | None = None, out_dir: str = "proofs",
                            facts: ApproximationFacts | None = None) -> Document:
    """The "Approximations" report; ``facts`` from :func:`approximations_facts` (computed here when None)."""
    from .build import assemble
    from .figures import figure_blocks

    facts = approximations_facts(digits) if facts is None else facts
    intro = (Para(line("Approximations of GELU, designed and published, with certified errors. The designed family "
                       "is computed by gelu-math approximate (the minimax polynomial of each degree, certified over "
                       "the interval and over all of ℝ, with its optimality proved by de la Vallée Poussin's bound); "
                       "the published ones are audited with the certified envelope. Regenerate with: gelu-math "
                       "report.")),)
    sections = [Section("Designed: minimax polynomials, exact and float16 coefficients", tuple(_family_claims(facts.family))),
                Section("Published approximations", tuple(_published_claims(facts.published)))]
    figs = figure_blocks(NAME, figures_dir, out_dir) if figures_dir else ()
    if figs:
        sections.append(Section("Figures", (), figs))
    doc = Document(NAME, "Approximations of GELU: designed and published", intro, tuple(sections),
                   tuple(dict.fromkeys(r for p in facts.published for r in p.references)))
    return assemble(doc, (), facts.failures)


__all__ = ["ApproximationFacts", "Bound", "PublishedFacts", "approximations_document", "approximations_facts", "merge"]
