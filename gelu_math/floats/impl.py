"""gelu-math's own numpy implementations of every registered function and its derivatives.

Each implementation is *derived*: the exact SymPy definition from the registry (or its
derivative, computed by SymPy) is rewritten by :func:`.forms.stable_form` into a
cancellation-free form and compiled with ``sympy.lambdify`` onto numpy/scipy.special.
The rewrite is checked against the definition at 40 significant digits
(:func:`check_form`) before the implementation is handed out.  Evaluation is in float64;
:meth:`FloatImpl.kernel` rounds the float64 result to a target format once (nearest,
ties to even), so the result is within 0.5 ULP + (float64 error) of the exact value.

Example::

    >>> import numpy as np
    >>> from gelu_math.floats.dtypes import FORMATS
    >>> g = implementation("gelu")
    >>> g.evaluate(np.array([-10.0, 0.5]))      # (x/2)·erfc(−x/√2)
    array([-7.61985302e-23,  3.45731231e-01])
    >>> g.kernel(FORMATS["float16"])(np.array([0.5], np.float16))
    array([0.3457], dtype=float16)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
import sympy as sp

from ..definitions.registry import get
from ..definitions.symbols import x
from ..errors import CertificationError, ParameterError, UnsupportedError
from .dtypes import FloatFormat
from .forms import expand_helpers, magnitude_form, stable_form

CHECK_POINTS = ("-30", "-12.5", "-7", "-3.25", "-1.7", "-0.75", "-0.1", "0", "0.3", "1.25", "2.9",
                "6.5", "19")
CHECK_DIGITS = 40
TAYLOR_RADIUS = 2.0 ** -40


def _taylor_at_zero(definition: sp.Expr):
    """(a1, a2) as floats when f(0) = 0, f′(0) is dyadic with ≤ 10 bits, a2 ≠ 0 and
    |a3|·2^-40 < |a2|/2 (see Reference._near_zero); else None."""
    e = definition
    if isinstance(e, sp.Piecewise) or e.has(sp.Piecewise):
        e = sp.piecewise_fold(e)
        pieces = [p for p, c in e.args if bool(c.subs(x, sp.Rational(1, 10**30))) and
                  bool(c.subs(x, -sp.Rational(1, 10**30)))] if isinstance(e, sp.Piecewise) else []
        first = next((p for p, c in e.args if bool(c.subs(x, -sp.Rational(1, 10**30)))), None) \
            if isinstance(e, sp.Piecewise) else None
        if not pieces or pieces[0] != first:
            return None
        e = pieces[0]
    try:
        ser = sp.series(e, x, 0, 4).removeO()
    except Exception:  # noqa: BLE001 - no series: no fast path
        return None
    a0, a1, a2, a3 = (sp.nsimplify(ser.coeff(x, k)) if k else ser.subs(x, 0) for k in range(4))
    if a0 != 0 or not a1.is_Rational or a1 == 0 or a2 == 0 or not a2.is_real:
        return None
    q = int(a1.q)
    if q & (q - 1) or abs(int(a1.p)).bit_length() > 10:
        return None
    if abs(float(a3)) * TAYLOR_RADIUS >= abs(float(a2)) / 2:
        return None
    if abs(float(a2 / a1)) >= 64:  # FloatImpl.adjust needs |a2/a1|·2^-40 below 2^-34
        return None
    return float(a1), float(a2)


_SCIPY = ("Sigmoid", "Erfc", "erf", "erfc", "LambertW")  # the names only scipy.special evaluates


def _softplus(t):
    return np.logaddexp(0.0, t)


def _numeric_modules(expr: sp.Expr):
    """lambdify's modules for ``expr``: numpy, and scipy.special only where ``expr`` needs it (its
    import costs ~1 s cold; ReLU-type forms and the network Monte Carlo of ReLU do without)."""
    table = {"Softplus": _softplus, "Expm1": np.expm1, "Log1p": np.log1p}
    if any(type(f).__name__ in _SCIPY for f in expr.atoms(sp.Function)):
        try:
            from scipy import special
        except ImportError:  # pragma: no cover - scipy is a dependency of the float extra
            raise UnsupportedError("the float implementations need scipy: pip install 'gelu-math[float]'") from None
        table.update({"Sigmoid": special.expit, "Erfc": special.erfc, "erf": special.erf, "erfc": special.erfc,
                      "LambertW": lambda t: special.lambertw(t).real})  # principal branch, real for t >= -1/e
    return [table, "numpy"]


def _compile(expr: sp.Expr) -> Callable[[np.ndarray], np.ndarray]:
    f = sp.lambdify(x, expr, modules=_numeric_modules(expr))

    def run(v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=np.float64)
        with np.errstate(all="ignore"):
            out = np.asarray(f(v), dtype=np.float64)
        if out.shape != v.shape:  # constant pieces
            out = np.broadcast_to(out, v.shape).copy()
        return out

    run.lambdified = f  # the generated numpy code, read by the audit's fused evaluator (audit/fastform.py)
    return run


def check_form(definition: sp.Expr, form: sp.Expr, points=CHECK_POINTS, digits=CHECK_DIGITS) -> float:
    """Largest relative difference of ``form`` and ``definition`` at ``points`` (exact decimals),
    both evaluated by SymPy/mpmath at ``digits`` digits.  Raises CertificationError if it
    exceeds 10^(−digits/2)."""
    back = expand_helpers(form)
    worst = 0.0
    for p in points:
        v = sp.Rational(p)
        a = sp.N(definition.subs(x, v), digits)
        b = sp.N(back.subs(x, v), digits)
        if not (a.is_Number and b.is_Number):
            raise CertificationError(f"cannot evaluate the float form at x = {p}")
        scale = max(abs(a), sp.Float(10) ** (-digits))
        worst = max(worst, float(abs(a - b) / scale))
    if worst > 10.0 ** (-digits // 2):
        raise CertificationError(f"stable form differs from the definition by {worst:.3g} (relative)")
    return worst


@dataclass(frozen=True)
class FloatImpl:
    """A derived float implementation of one function (or derivative) of the registry.

    ``definition`` is the exact SymPy expression, ``form`` the cancellation-free form that is
    evaluated, ``magnitude`` the |terms| form used for error bounds (see ``magnitude_form``).
    """

    name: str
    derivative: int
    params: tuple[tuple[str, sp.Expr], ...]
    definition: sp.Expr
    form: sp.Expr
    magnitude: sp.Expr
    evaluate: Callable[[np.ndarray], np.ndarray]  # float64 -> float64
    evaluate_magnitude: Callable[[np.ndarray], np.ndarray] | None  # None: magnitude is |f|
    taylor: tuple[float, float] | None = None  # (f'(0), f''(0)/2) when f(0) = 0, f'(0) dyadic
    custom: tuple[tuple[str, sp.Expr], ...] = ()  # the parameters that differ from their defaults

    def adjust(self, fmt: FloatFormat, xs: np.ndarray, y: np.ndarray) -> np.ndarray:
        """float64 values ready for one rounding to ``fmt`` (narrower than float64).

        For 0 < |x| ≤ 2^-40, f(x) = a1·x + a2·x² + … with a1 dyadic (≤ 10 bits), so a1·x is
        exact in float64 with ≤ 34 significant bits: it is a value of the format, a tie of it
        (GELU-like functions, a1 = 1/2: often), or at least 2^-34 (relative) from any rounding
        boundary — while f(x) − a1·x has the sign of a2 and is below |a2/a1|·2^-40 < 2^-34
        (relative).  So a1·x moved one float64 step towards sign(a2) rounds exactly as f(x)
        does: y is replaced by it there, whatever the float64 form computed (x(x + 3)/6 of
        hardswish does not give a1·x exactly).
        """
        if self.taylor is None or fmt.bits >= 64:
            return y
        a1, a2 = self.taylor
        tiny = (xs != 0) & (np.abs(xs) <= TAYLOR_RADIUS)
        if tiny.any():
            y = y.copy()
            y[tiny] = np.nextafter(a1 * xs[tiny], np.inf if a2 > 0 else -np.inf)
        return y

    @property
    def label(self) -> str:
        """``name``, its non-default parameters and primes: ``elu(alpha=1/2)'``."""
        ps = f"({', '.join(f'{k}={v}' for k, v in self.custom)})" if self.custom else ""
        return self.name + ps + "'" * self.derivative

    def kernel(self, fmt: FloatFormat) -> Callable[[np.ndarray], np.ndarray]:
        """A callable storage-array -> storage-array: float64 evaluation, one rounding to ``fmt``."""

        def run(a):
            xs = np.asarray(a, dtype=np.float64)
            return fmt.to_storage(fmt.round(self.adjust(fmt, xs, self.evaluate(xs))))

        run.__name__ = f"gelu_math.floats:{self.label}"
        return run


@functools.lru_cache(maxsize=256)
def _build(name: str, derivative: int, params: tuple) -> FloatImpl:
    inst = get(name, dict(params))
    if not inst.is_numeric:
        raise ParameterError(f"{name}: float implementations need numeric parameters")
    definition = inst.expr
    for _ in range(derivative):
        definition = sp.diff(definition, x)
    form = stable_form(definition)
    check_form(definition, form)
    mag = magnitude_form(form)
    trivial = sp.simplify(mag - sp.Abs(form)) == 0 if not form.has(sp.Piecewise) else False
    defaults = {p.name: p.default for p in inst.activation.parameters}
    custom = tuple((k, v) for k, v in inst.params if defaults.get(k) != v)
    return FloatImpl(inst.name, derivative, inst.params, definition, form, mag, _compile(form),
                     None if trivial else _compile(mag), _taylor_at_zero(definition), custom)


def implementation(name: str, derivative: int = 0, params: Mapping[str, object] | None = None) -> FloatImpl:
    """The derived float implementation of registered function ``name`` (or its derivative).

    ``derivative`` is 0 (the function) or 1 (its first derivative); higher orders work the
    same way but are not audited.
    """
    if not isinstance(derivative, int) or isinstance(derivative, bool) or not 0 <= derivative <= 2:
        raise ParameterError(f"derivative must be 0, 1 or 2, got {derivative!r}")
    key = tuple(sorted((k, str(v)) for k, v in (params or {}).items()))
    return _build(name, derivative, key)
