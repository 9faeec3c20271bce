"""Assertions for test suites (``gelu_math.testing``): kernels against exact definitions, properties from
certified facts.

Layer: a user-facing interface like the CLI (L6 in the README's table).

* :func:`assert_matches` — a numpy / torch / jax callable agrees with a registered (or user)
  function within an absolute, relative and/or ULP bound on a grid of a domain.  The reference
  at each sample is a certified Arb ball of the *exact* definition at 128 bits, and the error
  is bounded in ball arithmetic, so a reported failure is a real one.
* :func:`assert_monotone`, :func:`assert_bounded`, :func:`assert_lipschitz`,
  :func:`assert_minimum_in`, :func:`assert_envelope_below` — properties decided by the certified
  engine (complete on ℝ, tails proved).

A check that fails raises ``AssertionError`` with the certified evidence in the message.  A
check that cannot be decided (a ball straddles the bound) raises :class:`Undecided` — also an
``AssertionError`` subclass, so it never passes silently.

Example::

    >>> import numpy as np
    >>> from scipy.special import erf, ndtr
    >>> assert_matches(lambda x: x * ndtr(x), "gelu", rtol=1e-13)
    >>> assert_matches(lambda x: x / 2 * (1 + erf(x / np.sqrt(2))), "gelu", ulps=4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    AssertionError: <lambda> does not match gelu within ulps=4 ...
    >>> assert_bounded("gelu", lower="-0.17")
    >>> assert_monotone("gelu", (-0.75, "inf"), "increasing")

The pytest plugin (:mod:`gelu_math.testing.plugin`) adds fixtures on top of these.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np
import sympy as sp
from flint import arb

from ..analysis.pieces import decompose
from ..certified.arbeval import compile_arb
from ..certified.balls import precision
from ..certified.zeros import exact_ball
from ..claims import check as _check
from ..claims.spec import number as _number
from ..definitions.registry import Activation, Instance, resolve
from ..definitions.symbols import x
from ..facts import Step
from ..render.claims import math_text, step_text

__all__ = ["Undecided", "assert_bounded", "assert_convex", "assert_envelope_below", "assert_fact", "assert_lipschitz",
           "assert_matches", "assert_minimum_in", "assert_monotone", "instance", "reference"]

REFERENCE_BITS = 128
DIGITS = _check.DIGITS
MAX_REPORTED = 5


class Undecided(AssertionError):
    """The certified evidence can neither confirm nor refute the asserted property."""


def instance(name: str | Instance | Activation, params: Mapping[str, object] | None = None) -> Instance:
    """The function to test against: a registered or user-defined name, an Activation or an Instance."""
    return resolve(name, params)


def _value(v, what: str, infinite: bool = False) -> sp.Expr:
    if isinstance(v, sp.Basic):
        return sp.sympify(v)
    if isinstance(v, (np.floating, np.integer)):
        v = v.item()
    return _number(v, what, infinite=infinite)


def _name(f) -> str:
    """A function as the caller gave it: a name as written, else its registered name."""
    return f if isinstance(f, str) else getattr(f, "name", str(f))


def _label(inst: Instance) -> str:
    if inst.is_default:
        return inst.name
    return inst.name + "(" + ", ".join(f"{k}={sp.sstr(v)}" for k, v in inst.params) + ")"


# --- the reference --------------------------------------------------------------------------------

def reference(name, xs, params=None, bits: int = REFERENCE_BITS) -> list[arb]:
    """Certified balls of f(t) for every float t in ``xs`` (exact inputs, ``bits`` working precision)."""
    inst = instance(name, params)
    pieces = decompose(inst.expr)
    fns = [compile_arb(p.expr, x) for p in pieces.pieces]
    values = dict(pieces.point_values)
    out = []
    with precision(bits):
        bps = [exact_ball(bp, bits // 4) for bp in pieces.breakpoints]
        for t in np.asarray(xs, dtype=np.float64).tolist():
            tb = arb(t)  # exact: every double is a dyadic rational
            i, near = 0, None
            while i < len(bps) and not tb < bps[i]:
                if not tb > bps[i]:  # t may be the breakpoint itself: enclose every candidate value
                    near = i
                    break
                i += 1
            if near is None:
                out.append(fns[i](tb))
                continue
            bp = pieces.breakpoints[near]
            ball = fns[near](tb).union(fns[near + 1](tb))
            if bp in values:
                ball = ball.union(compile_arb(sp.sympify(values[bp]), x)(tb))
            out.append(ball)
    return out


def _to_numpy(out, n: int) -> np.ndarray:
    if hasattr(out, "detach"):  # torch
        out = out.detach().cpu()
        if hasattr(out, "float") and str(getattr(out, "dtype", "")) == "torch.bfloat16":
            out = out.float()
        out = out.numpy()
    arr = np.asarray(out)
    if arr.shape != (n,):
        raise AssertionError(f"the callable returned shape {arr.shape} for an input of shape ({n},)")
    return arr.astype(np.float64)


def _call(fn: Callable, xs: np.ndarray) -> np.ndarray:
    """fn(xs) with numpy input; torch tensors or jax arrays when fn rejects numpy arrays."""
    try:
        return _to_numpy(fn(xs), len(xs))
    except (TypeError, AttributeError) as first:
        for module in ("torch", "jax.numpy"):
            try:
                mod = __import__(module, fromlist=["_"])
            except ImportError:
                continue
            conv = mod.from_numpy if module == "torch" else mod.asarray
            try:
                return _to_numpy(fn(conv(xs)), len(xs))
            except (TypeError, AttributeError):
                continue
        raise first


def _samples(domain, samples: int, dtype) -> np.ndarray:
    lo, hi = float(domain[0]), float(domain[1])
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"domain must be a finite interval (lo, hi) with lo < hi, got {domain!r}")
    if samples < 2:
        raise ValueError("samples must be at least 2")
    grid = np.linspace(lo, hi, samples).astype(dtype)
    extra = np.array([v for v in (0.0, -1.0, 1.0) if lo <= v <= hi], dtype=dtype)
    return np.unique(np.concatenate([grid, extra]))


def assert_matches(fn: Callable, name, *, domain=(-8.0, 8.0), atol: float | None = None, rtol: float | None = None,
                   ulps: float | None = None, dtype=np.float64, samples: int = 2001,
                   params: Mapping[str, object] | None = None) -> None:
    """Assert that ``fn`` (numpy/torch/jax callable on a 1-D array) computes function ``name``.

    At each of ``samples`` points of ``domain`` (rounded to ``dtype``, plus 0 and ±1) the error
    |fn(t) − f(t)| against the certified reference ball must satisfy every bound given:
    ``atol`` + ``rtol``·|f(t)| (numpy's allclose rule) and/or ``ulps`` units in the last place of
    f(t) in ``dtype``.  NaN or infinite outputs always fail.
    """
    if atol is None and rtol is None and ulps is None:
        raise ValueError("give at least one of atol, rtol, ulps")
    dtype = np.dtype(dtype)
    inst = instance(name, params)
    xs = _samples(domain, samples, dtype)
    ys = _call(fn, xs)
    refs = reference(inst, xs)
    tol_abs = (atol or 0.0) if (atol is not None or rtol is not None) else None
    bad, unsure = [], []
    with precision(REFERENCE_BITS):
        for i, (t, y, r) in enumerate(zip(xs.tolist(), ys.tolist(), refs)):
            mid = float(r.mid())
            if not np.isfinite(y):
                bad.append((i, np.inf, np.inf, np.inf))
                continue
            err = abs(arb(y) - r)
            hi_, lo_ = float(err.upper()), float(err.lower())
            rel = hi_ / abs(mid) if mid != 0 else (0.0 if hi_ == 0 else np.inf)
            ulp = float(np.spacing(np.abs(dtype.type(mid))))
            u = hi_ / ulp
            verdicts = []
            if tol_abs is not None:
                tol = tol_abs + (rtol or 0.0) * abs(mid)
                verdicts.append("ok" if hi_ <= tol else "bad" if lo_ > tol else "unsure")
            if ulps is not None:
                verdicts.append("ok" if u <= ulps else "bad" if lo_ / ulp > ulps else "unsure")
            score = (hi_, rel, u)
            if "bad" in verdicts:
                bad.append((i,) + score)
            elif "unsure" in verdicts:
                unsure.append((i,) + score)
    if not bad and not unsure:
        return
    bounds = ", ".join(f"{k}={v:g}" for k, v in (("atol", atol), ("rtol", rtol), ("ulps", ulps)) if v is not None)
    fname = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__
    head = (f"{fname} does not match {_label(inst)} within {bounds} on [{domain[0]}, {domain[1]}] "
            f"({dtype.name}, {len(xs)} samples; reference: certified {REFERENCE_BITS}-bit Arb balls of the exact "
            f"definition {sp.sstr(inst.expr)})")
    key = 3 if ulps is not None else 2 if atol is None else 1  # the bound that matters most
    rows = sorted(bad or unsure, key=lambda r: -r[key])[:MAX_REPORTED]
    lines = [("UNDECIDED: " if not bad else "") + head,
             f"  {len(bad)} of {len(xs)} samples fail" + (f", {len(unsure)} undecided" if unsure else "")
             + f"; the {len(rows)} worst:"]
    for i, e, rel, u in rows:
        r = refs[i]
        lines.append(f"    x = {float(xs[i]):.17g}: got {float(ys[i]):.17g}, reference {r.mid().str(20, radius=False)} "
                     f"(± {float(r.rad()):.1e}), abs error {e:.3e}, rel error {rel:.3e}, {u:.3g} ulp")
    raise (AssertionError if bad else Undecided)("\n".join(lines))


# --- certified properties ---------------------------------------------------------------------------

def _enforce(decision: "_check.Decision", what: str) -> None:
    evidence = step_text(Step(decision.text, decision.math))
    if decision.verdict == _check.TRUE:
        return
    if decision.verdict == _check.FALSE:
        raise AssertionError(f"{what} is false. Certified evidence: {evidence}")
    raise Undecided(f"{what} is undecided (not a pass). Certified evidence: {evidence}")


def _guard(fn, what: str) -> None:
    try:
        d = fn()
    except _check.CertificationError as exc:
        raise Undecided(f"{what} is undecided: {exc}") from None
    _enforce(d, what)


def _interval(interval, what: str) -> tuple[sp.Expr, sp.Expr]:
    lo, hi = (_value(v, what, infinite=True) for v in interval)
    if not bool(lo < hi):
        raise ValueError(f"{what}: empty interval {interval!r}")
    return lo, hi


def assert_monotone(name, interval=("-inf", "inf"), direction: str = "increasing", *, params=None,
                    digits: int = DIGITS) -> None:
    """f is ``direction`` (increasing, decreasing — strict —, or monotonic) on the open interval."""
    if direction not in ("increasing", "decreasing", "monotonic"):
        raise ValueError("direction must be 'increasing', 'decreasing' or 'monotonic'")
    inst = instance(name, params)
    lo, hi = _interval(interval, "interval")
    _guard(lambda: _check.monotone_decision(inst, lo, hi, direction, "monotonicity", digits),
           f"{_label(inst)} is {direction} on ({math_text(lo, 15)}, {math_text(hi, 15)})")


def assert_convex(name, interval=("-inf", "inf"), shape: str = "convex", *, params=None, digits: int = DIGITS):
    """f is convex (or concave) on the interval (kinks included)."""
    if shape not in ("convex", "concave"):
        raise ValueError("shape must be 'convex' or 'concave'")
    inst = instance(name, params)
    lo, hi = _interval(interval, "interval")
    _guard(lambda: _check.monotone_decision(inst, lo, hi, shape, "convexity", digits),
           f"{_label(inst)} is {shape} on ({math_text(lo, 15)}, {math_text(hi, 15)})")


def assert_bounded(name, lower=None, upper=None, *, params=None, digits: int = DIGITS) -> None:
    """lower ≤ f(x) ≤ upper for every real x (from the certified range)."""
    if lower is None and upper is None:
        raise ValueError("give lower and/or upper")
    inst = instance(name, params)
    lo = None if lower is None else _value(lower, "lower")
    hi = None if upper is None else _value(upper, "upper")
    what = " ≤ ".join(s for s in (None if lo is None else math_text(lo, 15), f"{_label(inst)}(x)",
                                  None if hi is None else math_text(hi, 15)) if s) + " for all real x"
    _guard(lambda: _check.bound_decision(inst, lo, hi, digits), what)


def assert_lipschitz(name, L, *, params=None, digits: int = DIGITS) -> None:
    """|f(a) − f(b)| ≤ L·|a − b| for all a, b, i.e. sup|f′| ≤ L (certified)."""
    inst = instance(name, params)
    bound = _value(L, "L")
    _guard(lambda: _check.lipschitz_decision(inst, bound, digits),
           f"{_label(inst)} is {math_text(bound, 15)}-Lipschitz")


def assert_minimum_in(name, interval=None, *, ball=None, params=None, digits: int = DIGITS) -> None:
    """f attains its global minimum, at a point of ``interval`` = (lo, hi) or ``ball`` = (mid, rad)."""
    if (interval is None) == (ball is None):
        raise ValueError("give exactly one of interval=(lo, hi) or ball=(mid, rad)")
    if ball is not None:
        mid, rad = _value(ball[0], "ball"), _value(ball[1], "ball")
        interval = (mid - rad, mid + rad)
    inst = instance(name, params)
    lo, hi = _interval(interval, "interval")
    _guard(lambda: _check.minimum_decision(inst, lo, hi, digits),
           f"the minimum of {_label(inst)} lies in [{math_text(lo, 15)}, {math_text(hi, 15)}]")


def assert_fact(name, path: str, *, equals=None, within=None, approx=None, params=None,
                digits: int = DIGITS) -> None:
    """A registered property's number, by its path (``"slope_at_0.value"``, ``"value_at_0"``, or the
    claims file's facts such as ``"minimum"``), equals a value (exactly or by a certified ball),
    lies ``within=(lo, hi)``, or rounds to ``approx`` at the digits written — the ``value`` claim of
    ``verify``.  Any property with a numeric value gets this assertion without code of its own.

    >>> assert_fact("gelu", "slope_at_0.value", equals="1/2")
    >>> assert_fact("gelu", "relu_gap.bound", approx="0.17")
    """
    from ..claims.spec import comparison as _comparison

    given = {k: v for k, v in (("equals", equals), ("within", within), ("approx", approx)) if v is not None}
    if isinstance(given.get("within"), tuple):
        given["within"] = list(given["within"])
    cmp = _comparison(given, f"assert_fact({path!r})")
    inst = instance(name, params)
    if not isinstance(path, str) or (path not in _check.FACTS and _check_path(path) is None):
        raise ValueError(f"not a property path: {path!r}")

    def decide():
        label, value, problem = _check._fact_value(inst, path, digits)
        if problem is not None:
            return _check.Decision(_check.FALSE, problem, (value,))
        if isinstance(value, list):
            raise ValueError(f"{path!r} is a list of numbers: name one of them ('{path}.0')")
        return _check.value_decision(label, value, cmp, digits)

    _guard(decide, f"{_label(inst)}: {path} {cmp.how} {cmp.written}")


def _check_path(path: str):
    from ..claims.spec import PROPERTY_PATH

    return PROPERTY_PATH.fullmatch(path)


def assert_envelope_below(approx, bound, reference: str = "gelu", *, metric: str = "abs", derivative: int = 0,
                          domain=None, params=None, ref_params=None, target: str = "gelu",
                          digits: int = DIGITS) -> Any:
    """sup over the domain (default ℝ) of the error of ``approx`` against ``reference`` is < bound.

    ``approx`` may be an :class:`gelu_math.envelope.EnvelopeSpec` (then the comparison's keywords
    are not used).

    ``target="cdf"`` compares approx(x)/x with reference(x)/x (e.g. σ(1.702x) against Φ(x)).
    The error is |approx − reference| (metric "abs") or |approx/reference − 1| ("rel"), of the
    ``derivative``-th derivatives; its supremum is certified by :func:`gelu_math.envelope.envelope`.
    Returns the Envelope on success.
    """
    from ..envelope import EnvelopeSpec, envelope  # the envelope API

    b = _value(bound, "bound")
    spec = approx if isinstance(approx, EnvelopeSpec) else EnvelopeSpec(approx, reference, metric, derivative, target,
                                                                        params, ref_params, domain)
    what = f"sup {spec.metric} error of {_name(spec.approximation)} against {_name(spec.reference)} < {math_text(b, 15)}"
    try:
        env = envelope(spec, digits=digits)
    except _check.CertificationError as exc:
        raise Undecided(f"{what} is undecided: {exc}") from None
    if env.unbounded or env.sup is None:
        raise AssertionError(f"{what} is false: the error is unbounded ({env.reason})")
    c = _check.order(env.sup, _check.num(b, digits))
    d = _check.Decision(_check.UNDECIDED if c is None else _check.TRUE if c < 0 else _check.FALSE,
                        "sup error = {0} (certified: " + env.method.replace("{", "(").replace("}", ")") + ").",
                        (env.sup,))
    _enforce(d, what)
    return env

