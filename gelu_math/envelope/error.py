"""The error function of an approximation against a reference, as exact pieces.

For an approximation A and a reference R (registered functions, any parameters)
the error of the K-th derivative is

* ``abs``: e(x) = A^(K)(x) − R^(K)(x),
* ``rel``: e(x) = A^(K)(x) / R^(K)(x) − 1, with common factors cancelled first
  (GELU-type functions share the factor x, so x·σ(kx) / (x·Φ(x)) = σ(kx)/Φ(x)).

``target="cdf"`` compares A/x with R/x instead (Φ against (1 + tanh(·))/2 or
σ(k·)): the published constants of the tanh and sigmoid forms are fits of the
CDF, not of GELU itself.

Symmetry is *proved*, not assumed: e is even (odd) when every piece satisfies
e(−x) − e(x) = 0 (e(−x) + e(x) = 0) symbolically on the mirrored piece.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from flint import arb

from ..analysis.pieces import Piece, Pieces, decompose
from ..certified.arbeval import compile_arb
from ..certified.balls import precision, q
from ..definitions.registry import Instance, resolve
from ..definitions.symbols import x
from ..errors import ParameterError, UnsupportedError
from ..facts import Step
from ..timebox import attempt
from .spec import MAX_DERIVATIVE, METRICS, TARGETS, EnvelopeSpec, spec_of

__all__ = ["ErrorFunction", "error_function", "symmetry_of", "METRICS", "TARGETS", "MAX_DERIVATIVE"]


@dataclass(frozen=True)
class ErrorFunction:
    """e and its first two derivatives as pieces, with the proved symmetry."""

    approximation: Instance
    reference: Instance
    metric: str
    derivative: int
    target: str
    E: Pieces
    dE: Pieces
    ddE: Pieces
    symmetry: str | None  # "even", "odd" or None (not proved)
    undefined: tuple  # breakpoints where e is undefined (0/0 of a relative error)
    denominator: Pieces | None  # rel metric: the (cancelled) reference part that divides
    steps: tuple[Step, ...]
    spec: EnvelopeSpec | None = None  # what was compared (its domain is not used here)


def _instance(spec, params) -> Instance:
    return resolve(spec, params)


def _kth(expr: sp.Expr, k: int) -> sp.Expr:
    return sp.diff(expr, x, k) if k else expr


def _cancel(expr: sp.Expr) -> sp.Expr:
    return attempt("cancel", sp.cancel, expr)




def _probes(lo: sp.Expr, hi: sp.Expr) -> list[sp.Rational]:
    """Up to three rational points inside the open interval (lo, hi) (ends may be ±∞)."""
    if lo.is_finite and hi.is_finite:
        a, b = sp.Rational(sp.floor(lo * 1000), 1000), sp.Rational(sp.ceiling(hi * 1000), 1000)
        pts = [a + (b - a) * sp.Rational(k, 7) for k in (2, 3, 5)]
    elif lo.is_finite:
        pts = [sp.ceiling(lo) + sp.Rational(k, 7) for k in (3, 10, 24)]
    elif hi.is_finite:
        pts = [sp.floor(hi) - sp.Rational(k, 7) for k in (3, 10, 24)]
    else:
        pts = [sp.Rational(k, 7) for k in (3, -11, 23)]
    return [t for t in pts if bool(lo < t) and bool(t < hi)]


def _refuted(d: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> bool:
    """d ≠ 0 on (lo, hi), shown by a ball at a point of it that excludes 0 (none decides: False)."""
    try:
        f = compile_arb(d, x)
    except UnsupportedError:
        return False
    with precision(128):
        for t in _probes(lo, hi):
            v = f(arb(q(t)))
            if v.is_finite() and not v.contains(0):
                return True
    return False


def _mirror_equal(a: sp.Expr, b: sp.Expr, sign: int, lo: sp.Expr, hi: sp.Expr) -> bool:
    """a(−x) = sign·b(x) for x in (lo, hi), proved by SymPy: expansion first; a difference that a
    ball shows nonzero at a point of (lo, hi) is refuted at once, so ``simplify`` is asked only
    about likely identities (the answer never depends on how long it would spend on a non-identity)."""
    d = sp.expand(a.subs(x, -x) - sign * b)
    if d == 0:
        return True
    if _refuted(d, lo, hi):
        return False
    return attempt("symmetry", lambda: sp.simplify(d) == 0)


def symmetry_of(E: Pieces) -> str | None:
    """'even' / 'odd' when proved piece by piece (breakpoints must mirror too)."""
    n = len(E.pieces)
    for i in range(n):
        p, m = E.pieces[i], E.pieces[n - 1 - i]
        if not (p.lo == -m.hi or (p.lo.is_finite and sp.simplify(p.lo + m.hi) == 0)):
            return None
    values = dict(E.point_values)
    for kind, sign in (("even", 1), ("odd", -1)):
        if not all(_mirror_equal(E.pieces[i].expr, E.pieces[n - 1 - i].expr, sign,
                                E.pieces[n - 1 - i].lo, E.pieces[n - 1 - i].hi) for i in range(n)):
            continue
        # the values taken at the breakpoints themselves must mirror too: e(−b) = ±e(b)
        if all(-bp in values and sp.simplify(values[-bp] - sign * v) == 0 for bp, v in values.items()):
            return kind
    return None


def _diff(E: Pieces, k: int) -> Pieces:
    """Derivatives piece by piece, unsimplified: they are evaluated in balls and fed to the tail
    prover, neither of which needs (or waits for) SymPy's simplify."""
    return E.map(lambda e: sp.diff(e, x, k))


def _pieces_of(expr: sp.Expr) -> Pieces:
    try:
        return decompose(expr)
    except UnsupportedError:
        raise
    except (TypeError, ValueError) as exc:  # SymPy refusing the combination
        raise UnsupportedError(f"cannot split the error into pieces: {exc}") from None


def error_function(approx, reference="gelu", metric: str = "abs", derivative_order: int = 0,
                   target: str = "gelu", params=None, ref_params=None, *, calculus: bool = True,
                   symbolic: bool = False) -> ErrorFunction:
    """Build e = A^(K) − R^(K) (abs) or A^(K)/R^(K) − 1 (rel), with e′, e″ and its symmetry.

    ``approx`` is an :class:`~.spec.EnvelopeSpec` (then the other comparison arguments stay at
    their defaults) or the approximation of the keyword form.
    ``calculus=False`` skips e′, e″ and the symmetry proof (curves need only e);
    ``symbolic=True`` admits symbolic parameter values (for :mod:`.fit`).
    """
    spec = spec_of(approx, reference, metric, derivative_order, target, params, ref_params)
    return _error_function(spec, calculus, symbolic)


def _error_function(spec: EnvelopeSpec, calculus: bool, symbolic: bool) -> ErrorFunction:
    metric, target = spec.metric, spec.target
    A, R = _instance(spec.approximation, spec.approx_params), _instance(spec.reference, spec.reference_params)
    for inst in (A, R):
        if not inst.is_numeric and not symbolic:
            raise ParameterError(f"{inst.name}: envelopes need numeric parameter values")
    a, r = A.expr, R.expr
    steps = []
    if target == "cdf":
        a, r = _cancel(a / x), _cancel(r / x)
        steps.append(Step("CDF target: compare {0} with {1} (each function divided by x).", (a, r)))
    K = spec.derivative
    denominator = None
    undefined = ()
    if metric == "abs":
        E = _pieces_of(a - r)
        E = _diff(E, K) if K else E
        steps.append(Step("Error: e(x) = {0}.", (_kth(a, K) - _kth(r, K),)))
    else:
        aK = _kth(a, K)
        rK = _kth(r, K)
        ratio = _cancel(aK / rK)
        num, den = sp.fraction(sp.together(ratio))
        denominator = _pieces_of(den)
        E = _pieces_of(ratio - 1)
        # 0/0 at a breakpoint (both functions vanish there): e is undefined at that point only
        undefined = tuple(bp for bp, v in E.point_values if v.has(sp.nan, sp.zoo))
        E = Pieces(tuple(Piece(p.lo, p.hi, _cancel(p.expr)) for p in E.pieces),
                   tuple((bp, v) for bp, v in E.point_values if not v.has(sp.nan, sp.zoo)))
        steps.append(Step("Relative error: e(x) = {0} − 1 = {1} − 1 (common factors cancelled).", (aK / rK, ratio)))
    if not calculus:
        return ErrorFunction(A, R, metric, K, target, E, E, E, None, undefined, denominator, tuple(steps), spec)
    dE = _diff(E, 1)
    ddE = _diff(dE, 1)
    sym = symmetry_of(E)
    if sym:
        steps.append(Step("Symmetry: e(−x) = " + ("e(x)" if sym == "even" else "−e(x)")
                          + " on every piece (proved symbolically), so |e| is even and x ≥ 0 suffices."))
    return ErrorFunction(A, R, metric, K, target, E, dE, ddE, sym, undefined, denominator, tuple(steps), spec)
