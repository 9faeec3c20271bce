"""Abbreviate a long inner argument in a report: ``u = √2(x + 0.044715x³)/√π`` once, then
``tanh(u)`` in every formula.

The tanh forms of GELU repeat the argument of tanh in every derivative, which makes their
formulas several lines long.  :func:`abbreviate` picks the most frequent long argument of an
applied function (tanh, exp, erf, …) in a document and, when it occurs often enough, replaces
every argument that is a rational multiple of it (``2u`` inside ``exp`` as well as ``u``),
then states the abbreviation after the definition.  Only notation changes: each replacement is
checked exactly (the quotient of the two arguments is a rational number, by ``cancel``), and
the definition itself stays unabbreviated.
"""

from __future__ import annotations

from collections import Counter

import sympy as sp

from ...definitions.symbols import x
from .model import Document, Math, Para, line, map_document

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
    return Document(out.name, out.title, intro, out.sections, out.references)
