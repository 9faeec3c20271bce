"""Abbreviate a long inner argument in a report: ``u = √2(x + 0.044715x³)/√π`` once, then
``tanh(u)`` in every formula.

The tanh forms of GELU repeat the argument of tanh in every derivative, which makes their
formulas several lines long.  :func:`abbreviate` picks the most frequent long argument of an
applied function (tanh, exp, erf, …) in a document and, when it occurs often enough, replaces
every argument that is a rational multiple of it (``2u`` inside ``exp`` as well as ``u``),
then states the abbreviation after the definition.  Only notation changes: each replacement is
checked exactly (the quotient of the two arguments is a rational number, by ``cancel``), and
the definition itself stays unabbreviated.

:func:`name_constants` names the long exact constants of a definition (SELU's λ and α, 31-digit
decimals) ``c_1``, ``c_2``, … everywhere, the definition included, and writes every long rational
that is a small exact multiple of a product of their powers (λα/4) with them.
"""

from __future__ import annotations

import dataclasses

from collections import Counter

import sympy as sp

from ...certified.numbers import exact_number
from ...definitions.symbols import x
from .model import Document, Math, Num, Para, Text, line, map_document

MIN_OPS = 6  # shorter arguments (x/√2, log(1 + e^x)) read fine in place, unless nonlinear polynomials
MIN_COUNT = 3  # occurrences needed to be worth a name
NAMES = ("u", "v", "w", "t")


def _core(arg):
    """``arg`` without its rational factor: 2·√2·p/√π → √2·p/√π."""
    return arg.as_coeff_Mul()[1] if arg.is_Mul else arg


def _applied(expr):
    """Every applied function with one non-atomic argument in ``expr`` (not Piecewise, whose
    arguments are (expression, condition) pairs)."""
    if not isinstance(expr, sp.Basic):
        return
    for sub in sp.preorder_traversal(expr):
        if isinstance(sub, sp.Function) and not isinstance(sub, sp.Piecewise) and len(sub.args) == 1 \
                and isinstance(sub.args[0], sp.Expr) and not sub.args[0].is_Atom:
            yield sub


def _long(core) -> bool:
    """Worth a name: a polynomial in x of degree >= 2 with several terms (the cubic of the tanh
    forms; not the −x²/2 of e^(−x²/2)) or any argument with at least ``MIN_OPS`` operations."""
    if sp.count_ops(core) >= MIN_OPS:
        return True
    if not core.is_polynomial(x):
        return False
    poly = sp.Poly(core, x)
    return poly.degree() >= 2 and len(poly.terms()) >= 2


def _ratio(arg, core):
    """The rational r with ``arg == r·core`` exactly, else None."""
    if arg == core:
        return sp.Integer(1)
    r = sp.cancel(arg / core)
    return r if r.is_Rational and r != 0 else None


def _map_document(doc: Document, fn, skip_first: bool) -> Document:
    """``doc`` with ``fn`` applied to every SymPy object in it (not to the first intro paragraph
    when ``skip_first``: the definition)."""
    return map_document(doc, lambda parts: tuple(Math(fn(p.expr)) if isinstance(p, Math) else p for p in parts),
                        fn, keep_intro=(0,) if skip_first else ())


def _expressions_of_definition(doc: Document) -> list:
    return [p.expr for b in doc.intro[:1] if isinstance(b, Para) for p in b.line if isinstance(p, Math)]


def _expressions(doc: Document) -> list:
    out: list = []

    def collect(e):
        out.append(e)
        return e

    _map_document(doc, collect, skip_first=True)
    return out


def abbreviate(doc: Document, where_after: int = 1, reserved=()) -> Document:
    """``doc`` with its most frequent long function argument named (see the module docstring);
    the sentence defining the name is inserted as intro paragraph ``where_after``.  ``reserved``
    names (the function's parameters) are never used.  Returns ``doc`` unchanged when no
    argument qualifies."""
    exprs = _expressions(doc)
    counts: Counter = Counter()  # by argument without its rational factor
    forms: Counter = Counter()  # by argument as written
    for e in exprs:
        for f in _applied(e):
            core = _core(f.args[0])
            if _long(core):
                counts[core] += 1
                forms[(core, f.args[0])] += 1
    if not counts:
        return doc
    # most frequent (ties broken by the printed form, so the choice is deterministic); the name
    # stands for its most frequent written form, e.g. the argument of tanh rather than 2× it in exp
    core, n = min(counts.items(), key=lambda kv: (-kv[1], sp.srepr(kv[0])))
    if n < MIN_COUNT:
        return doc
    core = min(((arg, m) for (c, arg), m in forms.items() if c == core), key=lambda am: (-am[1], sp.srepr(am[0])))[0]
    taken = {str(s) for e in [*exprs, *_expressions_of_definition(doc)] if isinstance(e, sp.Basic)
             for s in e.free_symbols} | set(reserved)
    free = [n for n in NAMES if n not in taken]
    if not free:
        return doc
    u = sp.Symbol(free[0], real=True)
    cache: dict = {}

    def name_it(expr):
        if not isinstance(expr, sp.Basic):
            return expr
        reps = {}
        for f in _applied(expr):
            arg = f.args[0]
            if arg not in cache:
                cache[arg] = _ratio(arg, core)
            if cache[arg] is not None:
                reps[f] = f.func(cache[arg] * u)
        return expr.xreplace(reps) if reps else expr

    out = _map_document(doc, name_it, skip_first=True)
    note = Para(line("Below, {0}.", sp.Eq(u, core, evaluate=False)))
    intro = (*out.intro[:where_after], note, *out.intro[where_after:])
    return dataclasses.replace(out, intro=intro)


# --- long exact constants ----------------------------------------------------------------------
# SELU's λ = 1.0507009873554804934193349852946 and α = 1.6732632423543772848170429916717 (exact
# decimals from the paper) make every formula of its report several lines long, and their
# products (λα/4 in a Taylor coefficient) longer still.  The long rational constants of the
# definition are named c₁, c₂, …, and every long rational in the document that is an exact small
# multiple of a product of their powers is written so.

LONG_DIGITS = 10  # a rational is long when its numerator or denominator has this many digits
SMALL = 10 ** 6  # the multiple must be a rational with numerator and denominator below this
MAX_CONSTANTS = 3
MAX_POWER = 3
DIGITS = 20  # of the ball shown for a constant that is not a terminating decimal


def _is_long(q) -> bool:
    return isinstance(q, sp.Rational) and not q.is_Integer and max(abs(q.p), q.q) >= 10 ** LONG_DIGITS


def _long_rationals(e) -> set:
    return {a for a in sp.preorder_traversal(e) if _is_long(a)} if isinstance(e, sp.Basic) else set()


def name_constants(doc: Document, where_after: int = 1, reserved=()) -> Document:
    """``doc`` with the long rational constants of its definition named ``c_1``, ``c_2``, … (see
    above); the sentence defining them is inserted as intro paragraph ``where_after``.  Each
    replacement is exact: the rational equals the printed multiple of the constants' powers."""
    from itertools import product

    defs = _expressions_of_definition(doc)
    consts = sorted({abs(q) for e in defs for q in _long_rationals(e)})
    if not consts or len(consts) > MAX_CONSTANTS:
        return doc
    exprs = [*_expressions(doc), *defs]
    taken = {str(s) for e in exprs if isinstance(e, sp.Basic) for s in e.free_symbols} | set(reserved)
    syms = []
    for i in range(1, 10):
        if len(syms) == len(consts):
            break
        if f"c_{i}" not in taken:
            syms.append(sp.Symbol(f"c_{i}", positive=True))
    if len(syms) < len(consts):
        return doc
    powers = sorted(product(range(-MAX_POWER, MAX_POWER + 1), repeat=len(consts)),
                    key=lambda ps: (sum(map(abs, ps)), ps[::-1]))[1:]  # simplest first, not all zero
    cache: dict = {}

    def as_constants(q):
        if q not in cache:
            cache[q] = None
            for ps in powers:
                value = sp.Mul(*(c ** p for c, p in zip(consts, ps)))
                r = q / value
                if abs(r.p) < SMALL and r.q < SMALL:
                    named = r * sp.Mul(*(s ** p for s, p in zip(syms, ps)))
                    assert r * value == q  # exact: only the notation changes
                    cache[q] = named
                    break
        return cache[q]

    def name_them(expr):
        if not isinstance(expr, sp.Basic):
            return expr
        reps = {q: n for q in _long_rationals(expr) if (n := as_constants(q)) is not None}
        return expr.xreplace(reps) if reps else expr

    def name_parts(parts):
        # a number whose exact value is such a rational is written with its name too: f′(0−) = c₁c₂ = 1.758…,
        # as the formulas around it write c₁c₂ (the decimal stays: it is the number's value)
        out_parts = []
        for p in parts:
            if isinstance(p, Math):
                out_parts.append(Math(name_them(p.expr)))
            elif isinstance(p, Num) and not p.short and _is_long(p.number.exact) \
                    and (n := as_constants(p.number.exact)) is not None:
                out_parts += [Math(n), Text(" = "), p]
            else:
                out_parts.append(p)
        return tuple(out_parts)

    out = map_document(doc, name_parts, name_them)
    # the values as Numbers: a terminating decimal prints exactly (1.0507009873554804934193349852946)
    sentence = "Below, " + ", ".join("{%d} = {%d}" % (2 * i, 2 * i + 1) for i in range(len(syms))) + "."
    note = Para(line(sentence, *(v for s, c in zip(syms, consts) for v in (s, exact_number(c, DIGITS)))))
    intro = (*out.intro[:where_after], note, *out.intro[where_after:])
    return dataclasses.replace(out, intro=intro)
