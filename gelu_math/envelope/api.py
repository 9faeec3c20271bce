"""``envelope()``: the certified supremum of an approximation error, as a result and a Fact."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from flint import arb

from ..certified.balls import DEFAULT_DIGITS, check_digits
from ..definitions.parse import parse_number
from ..errors import InputError
from ..facts import Fact, Method, Number, Step
from ..timebox import task_limit
from .error import ErrorFunction, error_function
from .sup import SupResult, Tail, certified_sup


@dataclass(frozen=True)
class Envelope:
    """sup over the domain of |A^(K) − R^(K)| (abs) or |A^(K)/R^(K) − 1| (rel)."""

    approximation: str
    reference: str
    metric: str
    derivative: int
    target: str
    domain: tuple[sp.Expr, sp.Expr]
    sup: Number | None
    unbounded: bool
    reason: str
    attained: bool
    argmax: tuple[Number, ...]
    where: tuple[str, ...]  # how the supremum arises: "critical point", "limit at -∞", a breakpoint, ...
    certified: bool
    method: str
    symmetry: str | None
    tails: tuple[Tail, ...]
    core: tuple[sp.Expr, sp.Expr]
    steps: tuple[Step, ...]
    error: ErrorFunction

    @property
    def fact(self) -> Fact:
        what = ("relative" if self.metric == "rel" else "absolute") + " error"
        if self.derivative:
            what += f" of derivative {self.derivative}"
        if self.unbounded:
            statement = f"The {what} of {self.approximation} against {self.reference} is unbounded: {self.reason}."
        else:
            statement = (f"The {what} of {self.approximation} against {self.reference} has supremum {{0}} over "
                         f"{_domain_text(self.domain)}" + (", attained." if self.attained else
                                                           ", approached but not attained."))
        return Fact("envelope", statement, self, Method.CERTIFIED, self.steps, (self.sup,) if self.sup else ())


def _domain_text(domain) -> str:
    lo, hi = domain
    if lo == -sp.oo and hi == sp.oo:
        return "ℝ"
    return f"[{lo}, {hi}]"


def parse_domain(domain) -> tuple[sp.Expr, sp.Expr]:
    """None → ℝ; a pair or 'LO,HI' text with exact numbers (±inf allowed)."""
    if domain is None:
        return (-sp.oo, sp.oo)
    if isinstance(domain, str):
        parts = domain.split(",")
        if len(parts) != 2:
            raise InputError(f"domain must be LO,HI, got {domain!r}")
        domain = tuple(parts)
    if len(domain) != 2:
        raise InputError(f"domain must have two ends, got {domain!r}")
    ends = []
    for v in domain:
        text = str(v).strip().lower()
        if text in ("-inf", "-oo"):
            ends.append(-sp.oo)
        elif text in ("inf", "+inf", "oo", "+oo"):
            ends.append(sp.oo)
        else:
            e = parse_number(text) if isinstance(v, str) else sp.nsimplify(v, rational=True)
            if not e.is_Rational:
                e = sp.Rational(str(sp.N(e, 30)))  # exact decimal at 30 digits: ends need rational boxes
            ends.append(e)
    lo, hi = ends
    if not bool(lo < hi):
        raise InputError(f"domain must have LO < HI, got {lo}, {hi}")
    return lo, hi


def envelope(approx, reference="gelu", metric: str = "abs", derivative: int = 0, domain=None,
             digits: int = DEFAULT_DIGITS, params=None, ref_params=None, target: str = "gelu") -> Envelope:
    """The certified supremum of the error of ``approx`` against ``reference``.

    >>> e = envelope("gelu_tanh")          # sup over ℝ of |gelu_tanh − gelu|
    >>> e.sup.ball.mid().str(6, radius=False), e.attained, [p.ball.mid().str(6, radius=False) for p in e.argmax]
    ('0.000473236', True, ['-2.69894', '2.69894'])
    """
    check_digits(digits)
    lo, hi = parse_domain(domain)
    with task_limit(f"the envelope of {approx if isinstance(approx, str) else 'the approximation'}"):
        return _envelope(approx, reference, metric, derivative, lo, hi, digits, params, ref_params, target)


def _envelope(approx, reference, metric, derivative, lo, hi, digits, params, ref_params, target) -> Envelope:
    err = error_function(approx, reference, metric, derivative, target, params, ref_params)
    if all(p.expr == 0 for p in err.E.pieces) and all(v == 0 for _, v in err.E.point_values):
        zero = Number(sp.Integer(0), arb(0))
        steps = err.steps + (Step("The error is identically 0 on every piece: the functions coincide."),)
        return Envelope(err.approximation.name, err.reference.name, metric, derivative, target, (lo, hi), zero, False,
                        "", True, (), ("constant on ℝ (e ≡ 0)",), True, "identical (e ≡ 0)", err.symmetry, (), (lo, hi), steps, err)
    res: SupResult = certified_sup(err, lo, hi, digits)
    method = ("unbounded (certified pole)" if "pole" in res.where else "unbounded (limit)") if res.unbounded else "branch and bound + interval Newton on the core" + (
        "; " + ", ".join(f"{t.method} beyond {t.cut}" for t in res.tails) if res.tails else "")
    if err.symmetry and lo == -hi:
        method += f"; {err.symmetry} symmetry (proved) halves the domain"
    return Envelope(err.approximation.name, err.reference.name, metric, derivative, target, (lo, hi), res.sup,
                    res.unbounded, res.reason, res.attained, res.argmax, tuple(dict.fromkeys(res.where)), True, method,
                    err.symmetry, res.tails,
                    res.core, res.steps, err)
