"""Φ as a SymPy function of its own, for closed forms that are *stated* (Gaussian moments, SELU's α, λ).

The definitions write Φ(z) out as (1 + erf(z/√2))/2 (:func:`.symbols.Phi`), so that every step of the
analysis sees one form.  A closed form read by a person is better written with Φ of a constant, as the
literature does (E ELU(Z) = e^{1/2} Φ(−1) − 1/2 + 1/√(2π); Klambauer et al. 2017 write SELU's constants
with Φ(−1), Φ(−2)): :class:`Phi` is that function, unevaluated except at 0 and ±∞, with its derivative,
its erf/erfc forms and its sign, and Arb evaluates it (:mod:`gelu_math.certified.arbeval`).  Its printed
name is ``Phi``, which the expression parser reads back as the same value (the parser's Φ is the erf form).
"""

from __future__ import annotations

import mpmath
import mpmath.libmp as mlib
import sympy as sp


class Phi(sp.Function):
    """The standard normal distribution function Φ(z) = erfc(−z/√2)/2  [DLMF 7.2.2, 7.18.2].

    >>> Phi(0), Phi(sp.oo), Phi(-1).rewrite(sp.erf)
    (1/2, 1, 1/2 - erf(sqrt(2)/2)/2)
    >>> Phi(-1).evalf(20)          # Φ(−1) = 0.158655253931457051414767… (mpmath.ncdf(-1) at 30 digits)
    0.15865525393145705141
    """

    nargs = 1

    @classmethod
    def eval(cls, z):
        if z.is_zero:
            return sp.Rational(1, 2)
        if z is sp.S.Infinity:
            return sp.S.One
        if z is sp.S.NegativeInfinity:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        z = self.args[0]
        return sp.exp(-z ** 2 / 2) / sp.sqrt(2 * sp.pi)

    def _eval_rewrite_as_erf(self, z, **kwargs):
        return (1 + sp.erf(z / sp.sqrt(2))) / 2

    def _eval_rewrite_as_erfc(self, z, **kwargs):
        return sp.erfc(-z / sp.sqrt(2)) / 2

    def _eval_evalf(self, prec):
        """mpmath's ``ncdf`` of the argument evaluated first (SymPy's erfc would rewrite erfc(w) as
        2 − erfc(−w) from the form of w, not its sign, and cancel: independent review)."""
        z = self.args[0].evalf(mlib.prec_to_dps(prec) + 10)
        if not isinstance(z, sp.Float):
            return None
        with mpmath.workprec(prec + 10):
            return sp.Float(mpmath.ncdf(z._to_mpmath(prec + 10)), precision=prec)

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _eval_is_finite(self):
        return True if self.args[0].is_extended_real else None

    def _eval_is_positive(self):
        z = self.args[0]
        if z.is_extended_real and z.is_finite:
            return True
        return None
