"""What an envelope compares: one frozen :class:`EnvelopeSpec` (approximation, reference, metric,
derivative, target, parameters, domain) that :func:`~gelu_math.envelope.envelope`,
:func:`~gelu_math.envelope.error_function`, :func:`~gelu_math.envelope.error_profile`, the plots,
the report, claims and :mod:`gelu_math.testing` pass around; and the one definition of the
metrics and targets.

>>> s = EnvelopeSpec("gelu_tanh", metric="rel", derivative=1, domain="0,inf")
>>> s.metric, s.derivative, s.domain
('rel', 1, (0, oo))
>>> EnvelopeSpec("gelu_tanh", metric="max")
Traceback (most recent call last):
...
gelu_math.errors.InputError: metric must be one of abs, rel, got 'max'
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import sympy as sp

from ..definitions.parse import parse_number
from ..errors import InputError, ParameterError
from ..options import ENVELOPE_MAX_DERIVATIVE, METRICS, TARGETS  # noqa: F401  (re-exported; spelled once, in gelu_math.options)

MAX_DERIVATIVE = ENVELOPE_MAX_DERIVATIVE


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
            if not e.is_Rational:  # ends need rational boxes; a rounded end would silently be another domain
                raise InputError(f"domain ends must be rational (a decimal or a fraction), got {text!r}: "
                                 "give a rational end just inside or outside it")
            ends.append(e)
    lo, hi = ends
    if not bool(lo < hi):
        raise InputError(f"domain must have LO < HI, got {lo}, {hi}")
    return lo, hi


def _frozen_params(params) -> tuple[tuple[str, Any], ...] | None:
    """A parameter mapping as a tuple of pairs (hashable, order kept); None or empty → None."""
    if params is None:
        return None
    items = tuple(params.items()) if hasattr(params, "items") else tuple(tuple(p) for p in params)
    return items or None


@dataclass(frozen=True)
class EnvelopeSpec:
    """The error e of ``approximation`` against ``reference``: A^(K) − R^(K) (``metric="abs"``) or
    A^(K)/R^(K) − 1 (``"rel"``), K = ``derivative``, of f(x)/x when ``target="cdf"``, over
    ``domain`` (default ℝ).  The functions are names, :class:`~gelu_math.definitions.Activation`\\ s or
    :class:`~gelu_math.definitions.Instance`\\ s; ``params``/``ref_params`` their parameter values.

    Validated when made (domain, metric, target, derivative — in that order); immutable and
    hashable (parameter mappings are kept as tuples of pairs; :meth:`with_params` replaces them)."""

    approximation: Any
    reference: Any = "gelu"
    metric: str = "abs"
    derivative: int = 0
    target: str = "gelu"
    params: tuple[tuple[str, Any], ...] | None = None
    ref_params: tuple[tuple[str, Any], ...] | None = None
    domain: tuple[sp.Expr, sp.Expr] = field(default=(-sp.oo, sp.oo))

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "domain", parse_domain(self.domain))
        if self.metric not in METRICS:
            raise InputError(f"metric must be one of {', '.join(METRICS)}, got {self.metric!r}")
        if self.target not in TARGETS:
            raise InputError(f"target must be one of {', '.join(TARGETS)}, got {self.target!r}")
        k = self.derivative
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= MAX_DERIVATIVE:
            raise ParameterError(f"derivative must be an integer 0..{MAX_DERIVATIVE}, got {k!r}")
        set_(self, "params", _frozen_params(self.params))
        set_(self, "ref_params", _frozen_params(self.ref_params))

    @property
    def approx_params(self) -> dict | None:
        """The approximation's parameters as a dict (None: its defaults)."""
        return dict(self.params) if self.params else None

    @property
    def reference_params(self) -> dict | None:
        return dict(self.ref_params) if self.ref_params else None

    def with_params(self, params) -> EnvelopeSpec:
        """The same comparison with the approximation's parameters replaced."""
        return replace(self, params=_frozen_params(params))


def spec_of(approx, reference="gelu", metric: str = "abs", derivative: int = 0, target: str = "gelu",
            params=None, ref_params=None, domain=None) -> EnvelopeSpec:
    """``approx`` itself when it is an :class:`EnvelopeSpec` (the other arguments must then be left
    at their defaults), else the spec of the keyword form that the public functions keep."""
    if isinstance(approx, EnvelopeSpec):
        given = (reference, metric, derivative, target, params, ref_params, domain)
        if given != ("gelu", "abs", 0, "gelu", None, None, None):
            raise InputError("pass either an EnvelopeSpec or the comparison's keywords, not both")
        return approx
    return EnvelopeSpec(approx, reference, metric, derivative, target, params, ref_params, domain)
