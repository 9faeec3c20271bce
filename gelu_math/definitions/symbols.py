"""The shared variable and the building blocks the catalog is written in.

Everything is exact SymPy: Φ and σ are written out with ``erf`` and ``exp`` so
that every later step (differentiation, limits, Arb evaluation) sees one form.
"""

from __future__ import annotations

import sympy as sp

x = sp.Symbol("x", real=True)


def Phi(z: sp.Expr) -> sp.Expr:
    """Standard normal CDF Φ(z) = (1 + erf(z/√2))/2  [DLMF 7.2.1, 7.18.2]."""
    return (1 + sp.erf(z / sp.sqrt(2))) / 2


def sigmoid(z: sp.Expr) -> sp.Expr:
    """Logistic sigmoid σ(z) = 1/(1 + e^(−z))."""
    return 1 / (1 + sp.exp(-z))


def softplus(z: sp.Expr) -> sp.Expr:
    """log(1 + e^z)."""
    return sp.log(1 + sp.exp(z))


def dec(text: str) -> sp.Rational:
    """A decimal constant exactly as written (``dec('1.702')`` is 1702/1000)."""
    return sp.Rational(text)
