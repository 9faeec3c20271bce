"""The stated form of a Gaussian closed form: Φ of constants, expanded, in a few cheap shapes.

The integrals of :mod:`.closed` come out as sums of products of erf(c), e^c, √π and rationals, e.g.
E ELU(Z) = −1/2 + (1/2 − erf(√2/2)/2)·e^{1/2} + √2/(2√π).  They are stated as the literature writes them,
with the normal distribution function of a negative argument (a tail probability):
erf(c) = 1 − 2Φ(−√2c) for c > 0 and 2Φ(√2c) − 1 otherwise, erfc(c) = 2Φ(−√2c) (2 − 2Φ(√2c) for c < 0)
(:class:`~gelu_math.definitions.normal.Phi`), so E ELU(Z) = e^{1/2}Φ(−1) − 1/2 + √2/(2√π).

:func:`tidy` then takes the shortest (SymPy's ``count_ops``; the first on a tie) of: the expansion, the
expansion over one denominator, and the form given (so a variance stays E f² − (E f)² when expanding the
square makes it longer). These are polynomial-time rewritings, each a few milliseconds; SymPy's
``simplify`` took 0.1–0.4 s per moment and rarely shortened these forms (``bench/bench_gauss.py``).
Every rewriting is an identity; the result is checked against the certified enclosure as before
(:func:`.moments._inside`).
"""

from __future__ import annotations

import sympy as sp

from ..analysis import calculus
from ..analysis.pieces import EXPAND_MAX_TERMS, expansion_terms
from ..definitions.normal import Phi

BIG_RATIONAL = 10 ** 12  # the 32-digit SELU constants: one denominator only lengthens them
EXPAND_MAX_OPS = 400  # beyond this an expansion (a square of a long sum) is not tried: the form is kept


def _sqrt2_times(c: sp.Expr) -> sp.Expr:
    return sp.expand(sp.sqrt(2) * c)


def _erf(c: sp.Expr) -> sp.Expr:
    b = _sqrt2_times(c)
    return 1 - 2 * Phi(-b) if b.is_positive else 2 * Phi(b) - 1


def _erfc(c: sp.Expr) -> sp.Expr:
    b = _sqrt2_times(c)
    return 2 - 2 * Phi(b) if b.is_negative else 2 * Phi(-b)


def phi_form(e: sp.Expr) -> sp.Expr:
    """``e`` with every erf and erfc of a constant written with Φ of a negative argument (where the
    sign is decided; Φ(b) = (1 + erf(b/√2))/2 holds either way).

    >>> phi_form(sp.Rational(1, 2) - sp.erf(sp.sqrt(2) / 2) / 2)
    Phi(-1)
    """
    e = e.replace(lambda f: isinstance(f, sp.erf) and not f.free_symbols, lambda f: _erf(f.args[0]))
    return e.replace(lambda f: isinstance(f, sp.erfc) and not f.free_symbols, lambda f: _erfc(f.args[0]))


def tidy(e: sp.Expr) -> sp.Expr:
    """The stated form of ``e`` (module text).  Φ is written everywhere — at mean −30, E ReLU(Z) =
    −15 + 15 erf(15√2) + … cancels through 200 digits, −30Φ(−30) + √2e^{−450}/(2√π) through three —
    but one denominator is not tried where there are long rationals (SELU's 32-digit constants) or
    exp of a large constant (exp(−5000) at mean −100: SymPy's numeric sign tests then cancel through
    thousands of digits).

    >>> tidy(-sp.Rational(1, 2) + (sp.Rational(1, 2) - sp.erf(sp.sqrt(2) / 2) / 2) * sp.exp(sp.Rational(1, 2))
    ...      + sp.sqrt(2) / (2 * sp.sqrt(sp.pi)))
    -1/2 + exp(1/2)*Phi(-1) + sqrt(2)/(2*sqrt(pi))
    """
    e = phi_form(sp.sympify(e))
    given = sp.count_ops(e)
    if given > EXPAND_MAX_OPS or expansion_terms(e) > EXPAND_MAX_TERMS:
        return e
    ex = sp.expand(e)
    big = any(abs(r.p) > BIG_RATIONAL or r.q > BIG_RATIONAL for r in e.atoms(sp.Rational))
    shapes = [ex] if big or calculus.has_large_exponential(e) else [ex, sp.together(ex)]
    sizes = [sp.count_ops(s) for s in shapes] + [given]
    return (shapes + [e])[sizes.index(min(sizes))]
