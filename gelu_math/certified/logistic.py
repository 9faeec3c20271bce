"""Logistic forms: an identical form of a function of x and one exponential, for tight balls on boxes.

The symbolic derivatives of x·σ(βx), tanh-type and ELU-type activations are rational functions
R(x, E) of x and one exponential E = e^u (u a polynomial in x) whose terms grow like E^k and cancel:
for f‴ of x·σ(16x), SymPy's form evaluated on the box [0.575, 0.585] gives the ball ±198 around the
true value 0.15 (dependency: every E^k spans a factor e^(16·0.01·k)), so bisection needs ~10^5 boxes.
With s = σ(u) = E/(1 + E) (so E = s/(1 − s)) and t = σ(−u) = 1 − s, the same function is a rational
function of x, s and t whose factors s^a t^b carry the size and whose remaining polynomial has
bounded terms: here 256·s·t·(96s²x − 96sx − 6s + 16x + 3), which gives 0.2 ± 0.09 on that box.
Both s and t are evaluated as 1/(1 + e^(∓u)), so neither cancels as x → ±∞.

The rewrite uses exact algebra only (``rewrite(exp)``, ``cancel``, ``factor``), so the result is the
same function; whether it is tried is decided from the expression's shape and size, never from time.
"""

from __future__ import annotations

import functools

import sympy as sp

from ..definitions.symbols import x
from ..timebox import attempt

MAX_OPS = 400  # larger derivatives are left in SymPy's form (factoring them is not worth it)
MAX_DEGREE = 24  # degree in E of R(x, E)

# fixed symbols, not Dummies: a Dummy's sort key is its creation count, so SymPy's canonical order of
# the factored form (and with it Arb's rounding) would depend on what the process computed before
_E, _S, _T = sp.Symbol("_logistic_E"), sp.Symbol("_logistic_s"), sp.Symbol("_logistic_t")

_EXP_TYPE = (sp.exp, sp.tanh, sp.cosh, sp.sinh, sp.sech, sp.csch, sp.coth)


def _common_exponent(args) -> sp.Expr | None:
    """u with every argument an integer multiple of u (u a non-constant polynomial in x), or None."""
    args = [sp.expand(a) for a in args]
    first = args[0]
    if not first.has(x) or not first.is_polynomial(x):
        return None
    ratios = []
    for a in args:
        r = sp.cancel(a / first)
        if not r.is_Rational:
            return None
        ratios.append(r)
    num = functools.reduce(sp.igcd, [r.p for r in ratios])
    den = functools.reduce(sp.ilcm, [r.q for r in ratios])
    u = sp.expand(first * sp.Rational(num, den))
    # one u whichever argument came first: the leading coefficient positive
    return -u if sp.Poly(u, x).LC().is_negative else u


def _hyperbolic_as_exp(expr: sp.Expr) -> sp.Expr:
    """tanh, cosh, … in exponentials; powers stay powers (``rewrite(exp)`` would turn x³ into e^(3 log x))."""
    for f in _EXP_TYPE[1:]:
        expr = expr.rewrite(f, sp.exp)
    return expr


@functools.lru_cache(maxsize=512)
def logistic_form(expr: sp.Expr) -> sp.Expr | None:
    """``expr`` written in σ(u) and σ(−u) for its one exponential e^u, or None when it is not a
    rational function of x and one exponential (or too large to rewrite)."""
    if not expr.has(*_EXP_TYPE) or sp.count_ops(expr) > MAX_OPS:
        return None
    if expr.atoms(sp.Function) - expr.atoms(*_EXP_TYPE):  # erf, log, LambertW, ...: not this class
        return None
    e = attempt("exp rewrite", lambda: _hyperbolic_as_exp(expr))
    if e is None:
        return None
    exps = e.atoms(sp.exp)
    if not exps or e.atoms(sp.Function) - exps:
        return None
    u = _common_exponent(sorted((a.args[0] for a in exps), key=sp.default_sort_key))  # not set order
    if u is None:
        return None
    E, S, T = _E, _S, _T
    R = e.replace(lambda w: isinstance(w, sp.exp), lambda w: E ** sp.cancel(w.args[0] / u))
    if R.has(sp.exp) or not R.is_rational_function(x, E):
        return None
    num, den = sp.fraction(sp.cancel(sp.together(R)))
    if max(sp.degree(num, E), sp.degree(den, E)) > MAX_DEGREE:
        return None
    # E = s/(1 − s): a rational function of x and s; factor it and write each (s − 1) as −t
    w = attempt("logistic factoring", lambda: sp.factor(sp.cancel((num / den).subs(E, S / (1 - S)))))
    if w is None:
        return None
    w = w.replace(lambda b: b.is_Pow and b.base == S - 1, lambda b: (-T) ** b.exp)
    w = w.subs(S - 1, -T).subs(1 - S, T)
    if w.has(E) or (w.free_symbols - {x, S, T}):
        return None
    sig = lambda v: sp.Pow(1 + sp.exp(-v, evaluate=False), -1, evaluate=False)  # noqa: E731
    return w.xreplace({S: sig(u), T: sig(-u)})
