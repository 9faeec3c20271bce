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

_EVERYWHERE = (sp.exp, sp.erf, sp.erfc, sp.tanh, sp.sinh, sp.cosh, sp.sin, sp.cos, sp.atan, sp.Abs, sp.sign,
               sp.Max, sp.Min, sp.Piecewise, sp.Heaviside)


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
    where = _interval(cond)
    for c in earlier:
        if where is None:
            break
        other = _interval(sp.Not(c))
        where = None if other is None else where.intersect(other)
    if where is None:
        return piece  # not a conjunction of linear comparisons: checked on all of R (conservative)
    if not isinstance(where, sp.Interval) or (where.start.is_finite and where.end.is_finite):
        return piece
    if where.start == -sp.oo and where.end == sp.oo:
        return piece
    below = where.start == -sp.oo
    c, is_open = (where.end, where.right_open) if below else (where.start, where.left_open)
    t = sp.Dummy("t", positive=True) if is_open else sp.Dummy("t", nonnegative=True)
    return piece.xreplace({x: c - t if below else c + t})


def _interval(c):
    """The set of real x where ``c`` holds, when ``c`` is True or a conjunction of comparisons
    a·x + b (<, <=, >, >=) 0 with rational a != 0 and b; else None.  (Exact and immediate; SymPy's
    general ``as_set`` takes ~0.3 s per condition and minutes for transcendental ones.)"""
    if c is sp.true:
        return sp.Interval(-sp.oo, sp.oo)
    if isinstance(c, sp.And):
        out = sp.Interval(-sp.oo, sp.oo)
        for part in c.args:
            got = _interval(part)
            if got is None:
                return None
            out = out.intersect(got)
        return out
    if not isinstance(c, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)):
        return None
    d = sp.expand(c.lhs - c.rhs)
    a, b = d.coeff(x, 1), d.coeff(x, 0)
    if not (a.is_Rational and b.is_Rational and a != 0 and sp.expand(a * x + b - d) == 0):
        return None
    at = -b / a
    less = isinstance(c, (sp.StrictLessThan, sp.LessThan)) == (a > 0)  # a·x + b < 0 ⟺ x < -b/a for a > 0
    strict = isinstance(c, (sp.StrictLessThan, sp.StrictGreaterThan))
    return sp.Interval(-sp.oo, at, right_open=strict) if less else sp.Interval(at, sp.oo, left_open=strict)


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


# --- deciding real constants: ball arithmetic at rising precision, exact zero tests -------------
#
# Parameters and claimed constants are compared with their bounds here, never with Python floats:
# ``(sqrt(2)+sqrt(3))^2-5-2*sqrt(6)`` is 0, and a float comparison would call it ±1e-16 or NaN.

SIGN_PRECISIONS = (64, 256, 1024, 4096)  # bits; |constants| <= 10^100, so 4096 bits settle any
# difference that is not below 10^-1100


def _ball_unary():
    return {sp.exp: lambda u: u.exp(), sp.log: lambda u: u.log(), sp.erf: lambda u: u.erf(),
            sp.erfc: lambda u: u.erfc(), sp.tanh: lambda u: u.tanh(), sp.sinh: lambda u: u.sinh(),
            sp.cosh: lambda u: u.cosh(), sp.sin: lambda u: u.sin(), sp.cos: lambda u: u.cos(),
            sp.atan: lambda u: u.atan(), sp.LambertW: lambda u: u.lambertw(),
            sp.Abs: lambda u: abs(u), sp.sign: lambda u: u.sgn()}


def constant_ball(e: sp.Expr, prec: int = 64, memo: dict | None = None):
    """A python-flint ``arb`` ball containing the real constant ``e`` at ``prec`` bits (possibly
    not finite), or None when ``e`` uses an operation this evaluator does not know."""
    from flint import arb, ctx

    saved = ctx.prec
    ctx.prec = prec
    try:
        return _ball(sp.sympify(e), {} if memo is None else memo, _ball_unary(), arb)
    finally:
        ctx.prec = saved


def _ball(e, memo, unary, arb):
    if e in memo:
        return memo[e]
    out = None
    if e.is_Integer:
        out = arb(int(e))
    elif e.is_Rational:
        out = arb(int(e.p)) / int(e.q)
    elif e.is_Float:  # an exact binary number m·2^k
        sign, man, k, _ = e._mpf_
        out = arb(-man if sign else man) * arb(2) ** k if man else arb(0)
    elif e is sp.pi:
        out = arb.pi()
    elif e is sp.E:
        out = arb.const_e()
    elif e.is_Add or e.is_Mul or isinstance(e, (sp.Max, sp.Min)):
        parts = [_ball(a, memo, unary, arb) for a in e.args]
        if all(p is not None for p in parts):
            out = parts[0]
            for p in parts[1:]:
                out = (out + p if e.is_Add else out * p if e.is_Mul
                       else out.max(p) if isinstance(e, sp.Max) else out.min(p))
    elif e.is_Pow:
        b = _ball(e.base, memo, unary, arb)
        if b is not None and e.exp.is_Integer:
            n = int(e.exp)
            out = b ** n if n >= 0 else 1 / b ** (-n)
        elif b is not None and e.exp.is_Rational:
            p, q = int(e.exp.p), int(e.exp.q)
            r = b.root(q)
            out = r ** p if p >= 0 else 1 / r ** (-p)
        elif b is not None:
            g = _ball(e.exp, memo, unary, arb)
            out = None if g is None else (g * b.log()).exp()
    elif isinstance(e, sp.Function) and e.func in unary and len(e.args) == 1:
        a = _ball(e.args[0], memo, unary, arb)
        out = None if a is None else unary[e.func](a)
    memo[e] = out
    return out


def _proved_zero(d: sp.Expr) -> bool:
    """True when ``d`` is shown to be exactly 0 (SymPy's exact tests; algebraic numbers by
    their minimal polynomial).  False means "not shown", not "nonzero"."""
    if d.is_zero:
        return True
    try:
        if sp.expand(d) == 0:
            return True
        if d.is_algebraic and not d.has(sp.exp, sp.log, sp.pi, sp.E):
            t = sp.Dummy("t")
            return sp.minimal_polynomial(d, t) == t
    except (NotImplementedError, ValueError, TypeError, ArithmeticError, RecursionError):
        return False
    return False


def constant_sign(e: sp.Expr) -> int | None:
    """The sign (−1, 0, 1) of the real constant ``e``, proved: exact for rationals, else a ball
    that excludes 0 at rising precision, or an exact zero test; None when undecided."""
    e = sp.sympify(e)
    if e.is_Rational:
        return int(e.p > 0) - int(e.p < 0)
    tried_zero = False
    for prec in SIGN_PRECISIONS:
        b = constant_ball(e, prec)
        if b is None:
            break
        if not b.is_finite():
            continue
        if b > 0:
            return 1
        if b < 0:
            return -1
        if not tried_zero:
            tried_zero = True
            if _proved_zero(e):
                return 0
    return 0 if not tried_zero and _proved_zero(e) else None


def compare(a: sp.Expr, b: sp.Expr) -> int | None:
    """sign(a − b) for real constants, proved (see :func:`constant_sign`); None when undecided."""
    return constant_sign(sp.sympify(a) - sp.sympify(b))
