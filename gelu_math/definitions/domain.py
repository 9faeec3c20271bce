"""Is an expression real and finite for every real x?  (The gate for user-defined functions.)

Every analysis step assumes f: ℝ → ℝ.  An expression such as ``log(x)``, ``1/x``, ``sqrt(x)``
or ``LambertW(x)`` is not defined on part of ℝ, and SymPy's limits, series and smoothness steps
would still return answers for it (``lim log(x) = +∞`` at −∞, a Taylor series 0 for √x).
:func:`undefined_reason` walks the expression and asks SymPy's assumptions, for each operation
that is not defined everywhere, whether its operand is where it must be:

* ``log(a)``: a > 0;
* ``a^e``: a ≠ 0 for a negative integer e, a ≥ 0 for a positive non-integer rational e,
  a > 0 otherwise (negative non-integer, symbolic or x-dependent exponents);
* ``LambertW(a)`` (principal branch): a ≥ 0 (the exact condition a ≥ −1/e is rarely decidable);
* every other function of the whitelist (exp, erf, erfc, tanh, sinh, cosh, atan, Abs, sign,
  Max, Min, Piecewise) is defined on ℝ.

Only a *proof* (an assumption that SymPy evaluates to True) lets an operation pass, so the
gate may reject a function that is in fact defined on ℝ — never the reverse.
"""

from __future__ import annotations

import sympy as sp

from .symbols import x

_EVERYWHERE = (sp.exp, sp.erf, sp.erfc, sp.tanh, sp.sinh, sp.cosh, sp.atan, sp.Abs, sp.sign, sp.Max, sp.Min,
               sp.Piecewise, sp.Heaviside)


def undefined_reason(expr: sp.Expr) -> str | None:
    """None when ``expr`` is shown real and finite for every real x (and every real value of
    its other symbols); else a short reason naming the first operation that could not be shown
    defined, e.g. ``"log(x): cannot show x > 0 for every real x"``.

    A piece of a Piecewise is checked only where it applies when that set (its condition and
    not the earlier ones) is a half-line in x: x is replaced by c − t or c + t with t > 0 (t ≥ 0
    when closed).
    """
    if isinstance(expr, sp.Piecewise):
        earlier = []
        for piece, cond in expr.args:
            restricted = _restricted(piece, cond, earlier)
            why = undefined_reason(restricted)
            if why is not None and restricted is not piece:
                why = f"on the piece where {sp.sstr(cond)} (x written as c ± t, t > 0 there): {why}"
            why = why or undefined_reason(cond)
            if why is not None:
                return why
            earlier.append(cond)
        return None
    why = _check(expr)
    if why is not None:
        return why
    for a in expr.args:
        if isinstance(a, sp.Basic):
            why = undefined_reason(a)
            if why is not None:
                return why
    return None


def _restricted(piece, cond, earlier):
    """``piece`` with x confined to where it applies, when that is a half-line."""
    if cond.free_symbols - {x} or any(c.free_symbols - {x} for c in earlier):
        return piece
    try:
        where = sp.And(cond, *(sp.Not(c) for c in earlier)).as_set()
    except (NotImplementedError, TypeError, ValueError):
        return piece
    if not isinstance(where, sp.Interval) or (where.start.is_finite and where.end.is_finite):
        return piece
    if where.start == -sp.oo and where.end == sp.oo:
        return piece
    below = where.start == -sp.oo
    c, is_open = (where.end, where.right_open) if below else (where.start, where.left_open)
    t = sp.Dummy("t", positive=True) if is_open else sp.Dummy("t", nonnegative=True)
    return piece.xreplace({x: c - t if below else c + t})


def _need(cond, what: str, arg, e) -> str | None:
    return None if cond is True else f"{sp.sstr(e)}: cannot show {what.format(sp.sstr(arg))} for every real x"


def _check(e) -> str | None:
    if isinstance(e, sp.log):
        return _need(e.args[0].is_positive, "{} > 0", e.args[0], e)
    if isinstance(e, sp.LambertW):
        if len(e.args) > 1:
            return f"{sp.sstr(e)}: only the principal branch of LambertW is real"
        return _need(e.args[0].is_nonnegative, "{} >= 0", e.args[0], e)
    if e.is_Pow and e.base is not sp.E:
        base, ex = e.base, e.exp
        if ex.is_Integer and ex.is_positive:
            return None
        if ex.is_Integer:
            return _need(base.is_nonzero, "{} != 0", base, e)
        if ex.is_Rational and ex.is_positive:
            return _need(base.is_nonnegative, "{} >= 0", base, e)
        return _need(base.is_positive, "{} > 0", base, e)
    if isinstance(e, sp.Function) and not isinstance(e, _EVERYWHERE):
        return f"{sp.sstr(e)}: {type(e).__name__} is not known to be defined on all of R"
    if isinstance(e, sp.Basic) and (e.has(sp.zoo, sp.nan) or e is sp.I or e in (sp.oo, -sp.oo)):
        return f"the expression contains {sp.sstr(e)}"
    return None


def operation_reason(op: str, args: tuple, deferred=frozenset()) -> str | None:
    """The parse-time form of the check, for one operation as written — ``("log", (a,))``,
    ``("/", (a, b))``, ``("^", (base, exponent))`` — before SymPy can simplify it away
    (``0*log(x)``, ``exp(log(x))``, ``sqrt(x)^2``).  Operands containing a symbol of ``deferred``
    (parameters, whose values are not known yet) are left to the check of the instance."""
    if any(isinstance(a, sp.Basic) and a.free_symbols & deferred for a in args):
        return None
    written = {"log": lambda a: sp.log(a, evaluate=False), "sqrt": lambda a: sp.Pow(a, sp.S.Half, evaluate=False),
               "LambertW": lambda a: sp.LambertW(a, evaluate=False), "W": lambda a: sp.LambertW(a, evaluate=False),
               "/": lambda a, b: sp.Pow(b, -1, evaluate=False), "^": lambda a, b: sp.Pow(a, b, evaluate=False)}
    return _check(written[op](*args)) if op in written else None
