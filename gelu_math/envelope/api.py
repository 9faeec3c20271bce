"""``envelope()``: the certified supremum of an approximation error, as a result and a Fact."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from flint import arb

from ..analysis.calculus import without_units_import
from ..certified.balls import DEFAULT_DIGITS, check_digits
from ..facts import Fact, Method, Number, Step
from ..timebox import task_limit
from .error import ErrorFunction, _error_function
from .spec import EnvelopeSpec, parse_domain, spec_of
from .sup import SupResult, Tail, certified_sup

__all__ = ["Envelope", "envelope", "parse_domain"]


@dataclass(frozen=True)
class Envelope:
    """sup over the domain of |A^(K) − R^(K)| (abs) or |A^(K)/R^(K) − 1| (rel), for ``spec``,
    certified to ``digits``."""

    spec: EnvelopeSpec
    digits: int
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
    def approximation(self) -> str:
        """The approximation's name."""
        return self.error.approximation.name

    @property
    def reference(self) -> str:
        return self.error.reference.name

    @property
    def metric(self) -> str:
        return self.spec.metric

    @property
    def derivative(self) -> int:
        return self.spec.derivative

    @property
    def target(self) -> str:
        return self.spec.target

    @property
    def domain(self) -> tuple[sp.Expr, sp.Expr]:
        return self.spec.domain

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


def envelope(approx, reference="gelu", metric: str = "abs", derivative: int = 0, domain=None,
             digits: int = DEFAULT_DIGITS, params=None, ref_params=None, target: str = "gelu") -> Envelope:
    """The certified supremum of the error of ``approx`` against ``reference``.

    ``approx`` is an :class:`~.spec.EnvelopeSpec` (``envelope(spec, digits=30)``; the comparison's
    keywords then stay at their defaults) or the approximation, with the comparison given by the
    keywords.

    >>> e = envelope("gelu_tanh")          # sup over ℝ of |gelu_tanh − gelu|
    >>> e.sup.ball.mid().str(6, radius=False), e.attained, [p.ball.mid().str(6, radius=False) for p in e.argmax]
    ('0.000473236', True, ['-2.69894', '2.69894'])
    """
    check_digits(digits)
    spec = spec_of(approx, reference, metric, derivative, target, params, ref_params, domain)
    a = spec.approximation
    with task_limit(f"the envelope of {a if isinstance(a, str) else 'the approximation'}"), without_units_import():
        return _envelope(spec, digits)


def _envelope(spec: EnvelopeSpec, digits: int) -> Envelope:
    err = _error_function(spec, True, False)
    lo, hi = spec.domain
    if all(p.expr == 0 for p in err.E.pieces) and all(v == 0 for _, v in err.E.point_values):
        zero = Number(sp.Integer(0), arb(0))
        steps = err.steps + (Step("The error is identically 0 on every piece: the functions coincide."),)
        return Envelope(spec, digits, zero, False, "", True, (), ("constant on ℝ (e ≡ 0)",), True, "identical (e ≡ 0)",
                        err.symmetry, (), (lo, hi), steps, err)
    res: SupResult = certified_sup(err, lo, hi, digits)
    method = ("unbounded (certified pole)" if "pole" in res.where else "unbounded (limit)") if res.unbounded else "branch and bound + interval Newton on the core" + (
        "; " + ", ".join(f"{t.method} beyond {t.cut}" for t in res.tails) if res.tails else "")
    if err.symmetry and lo == -hi:
        method += f"; {err.symmetry} symmetry (proved) halves the domain"
    return Envelope(spec, digits, res.sup, res.unbounded, res.reason, res.attained, res.argmax, tuple(dict.fromkeys(res.where)), True, method,
                    err.symmetry, res.tails,
                    res.core, res.steps, err)
