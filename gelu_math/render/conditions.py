"""A Piecewise's conditions as a reader reads them: disjoint, and two bounds on x as one chain.

SymPy's Piecewise is first-match: ``Piecewise((0, x <= -3), (x*(x + 3)/6, x < 3), (x, True))`` means
x(x + 3)/6 for −3 < x < 3, but printed as it stands ("… for x < 3; x otherwise") it reads as
overlapping cases.  :func:`disjoint` turns a chain of upper bounds on one variable into the
disjoint conditions (x ≤ −3; −3 < x < 3; x ≥ 3); :func:`chain` lets the printers (LaTeX: :mod:`.tex`,
MathML: :mod:`.report.mathml`) write a lower and an upper bound as ``−3 < x < 3`` rather than
``x > −3 ∧ x < 3``.  Anything else is printed as SymPy has it.

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> disjoint(sp.Piecewise((0, x <= -3), (x * (x + 3) / 6, x < 3), (x, True)))
[(0, x <= -3), (x*(x + 3)/6, (x > -3) & (x < 3)), (x, x >= 3)]
>>> chain((x > -3) & (x < 3))
(-3, True, x, True, 3)
"""

from __future__ import annotations

import sympy as sp

_RELATIONS = (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)


def _bound(r):
    """``(var, side, value, strict)`` for a bound of a symbol by a constant: side +1 for ``var < value``
    (an upper bound), −1 for ``var > value``; None for any other condition."""
    if not isinstance(r, _RELATIONS):
        return None
    strict = isinstance(r, (sp.StrictLessThan, sp.StrictGreaterThan))
    less = isinstance(r, (sp.StrictLessThan, sp.LessThan))
    if r.lhs.is_Symbol and not r.rhs.free_symbols:
        return r.lhs, (1 if less else -1), r.rhs, strict
    if r.rhs.is_Symbol and not r.lhs.free_symbols:
        return r.rhs, (-1 if less else 1), r.lhs, strict
    return None


def chain(cond):
    """``(lo, lo_strict, var, hi_strict, hi)`` when ``cond`` is one lower and one upper bound of the same
    symbol (``lo < var < hi``), else None."""
    if not isinstance(cond, sp.And) or len(cond.args) != 2:
        return None
    bounds = [_bound(r) for r in cond.args]
    if None in bounds:
        return None
    lows = [b for b in bounds if b[1] < 0]
    highs = [b for b in bounds if b[1] > 0]
    if len(lows) != 1 or len(highs) != 1 or lows[0][0] != highs[0][0]:
        return None
    (var, _, lo, lo_strict), (_, _, hi, hi_strict) = lows[0], highs[0]
    return lo, lo_strict, var, hi_strict, hi


def disjoint(pw: sp.Piecewise) -> list:
    """The ``(expr, cond)`` pairs of ``pw`` with disjoint conditions where its conditions are increasing
    upper bounds of one variable, the last one possibly ``True`` (first-match read off: each condition
    joined with the complement of the one before); else ``pw``'s own pairs."""
    pairs = [(e, c) for e, c in pw.args]
    out, prev = [], None  # prev: the previous condition's bound (var, value, strict)
    for e, c in pairs:
        if c is sp.true:
            if prev is None:
                return pairs
            var, value, strict = prev
            out.append((e, (var >= value) if strict else (var > value)))
            continue
        b = _bound(c)
        if b is None or b[1] != 1 or (prev is not None and prev[0] != b[0]):
            return pairs
        var, _, value, strict = b
        if prev is None:
            out.append((e, c))
        else:
            _, before, before_strict = prev
            try:
                increasing = bool(before < value)
            except TypeError:  # not decidable (symbolic parameters): leave the conditions as written
                return pairs
            if not increasing:
                return pairs
            lower = (var >= before) if before_strict else (var > before)
            out.append((e, sp.And(lower, c)))
        prev = (var, value, strict)
    return out
