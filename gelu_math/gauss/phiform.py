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

import math

import sympy as sp

from ..analysis import calculus
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


EXPAND_MAX_TERMS = 400  # an expansion bounded above by more terms than this is not tried


def expansion_terms(e: sp.Expr) -> int:
    """An upper bound of the number of terms of ``sp.expand(e)``, from the tree: a sum adds its terms'
    bounds, a product multiplies them, a power of a sum of k terms to n has at most C(n + k − 1, k − 1)
    (the multinomial count); a function counts one (exp(a + b) expands to the single term exp(a)·exp(b)),
    or more than :data:`EXPAND_MAX_TERMS` when an argument's own expansion would pass that (expand works
    inside arguments).  Decided before any expansion: (π + e + 1/3)^47 bounds 1,176 terms."""
    if e.is_Add:
        return sum(expansion_terms(a) for a in e.args)
    if e.is_Mul:
        out = 1
        for a in e.args:
            out *= expansion_terms(a)
        return out
    if e.is_Pow:
        k = expansion_terms(e.base)
        n = e.exp
        if k > 1 and n.is_Integer and n > 1:
            return math.comb(int(n) + k - 1, k - 1) if n < 10 ** 4 else EXPAND_MAX_TERMS + 1
        return k
    inner = max([1, *(expansion_terms(a) for a in e.args if isinstance(a, sp.Expr))])
    if inner > EXPAND_MAX_TERMS:
        return inner
    return len(sp.Mul.make_args(e.args[0])) if isinstance(e, sp.log) else 1  # log(ab) = log a + log b


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
