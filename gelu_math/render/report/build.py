"""Build the report documents (model) from an analysis and its extra claims.

:func:`function_document` — one function: every fact and claim as statement, derivation steps,
certificate and references.  :func:`comparison_row` — the function's row of the comparison
matrix (every column a property declares, :func:`gelu_math.properties.matrix_columns`), each cell read off a fact.  :func:`index_document`
and :func:`comparison_document` assemble the index and the matrix.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from ...certified.numbers import exact_number
from ...definitions.symbols import x
from ...analysis.calculus import Asymptote
from ...facts import Method, Number
from ...properties import matrix_columns, registered, section_keys
from ..numbers import slots
from ..printer import Printer
from .abbrev import abbreviate, name_constants
from .model import Claim, Display, Document, Line, Link, Math, Num, Para, Section, Table, Text, line, step_lines
from ...references import LEE

f = sp.Function("f")
fx = f(x)
ENGINE_REF = "gelu-math engine (README: How the numbers are certified)"

CERTIFICATE = {
    Method.EXACT: "exact — the values stated are exact symbolic forms (SymPy), no rounding anywhere; where the "
                  "claim covers all of ℝ (all zeros, signs, extrema), the search behind it is certified in ball "
                  "arithmetic with tail proofs, as the derivation shows; decimals shown are certified enclosures of "
                  "the exact values.",
    Method.CERTIFIED: "certified — interval (Arb ball) arithmetic; every enclosure mid ± rad contains the true value.",
    Method.CITED: "cited — the general statement rests on the cited reference; the derivation lists what was "
                  "derived or checked here (symbolically or in ball arithmetic).",
    Method.ESTIMATE: "estimate — floating-point or sampled; no guarantee.",
}


def _claim(fact, title: str, statement: Line, blocks=(), refs=()) -> Claim:
    return Claim(fact.key, title, statement, tuple(blocks), step_lines(fact), fact.method,
                 tuple(dict.fromkeys((*fact.references, *refs))))


def _where(ext) -> Line:
    """Where an extremum is attained / approached, from the profile's candidates."""
    out: list = []
    for c in ext.where:
        if out:
            out.append(Text("; "))
        if c.location is not None:
            out.extend(line(c.where + " x = {0}", c.location))
        else:
            out.append(Text(c.where))
    return tuple(out)


def _interval(lo: Number, hi: Number, short: bool = False, closed: bool = True) -> Line:
    """[lo, hi] with open brackets at infinite ends ((lo, hi) when not ``closed``)."""
    return ((Text("(" if not (closed and lo.is_finite) else "["), Num(lo, short), Text(", "), Num(hi, short),
             Text(")" if not (closed and hi.is_finite) else "]")))


def _interval_rows(ivs) -> tuple:
    return tuple((line("{0}", iv.lo), line("{0}", iv.hi), (Text(iv.label),)) for iv in ivs)


def _smooth_class(s) -> Line:
    C = sp.Symbol("C")
    if s.k is None:
        return (Math(sp.Pow(C, sp.oo, evaluate=False)),)
    if s.k < 0:
        return (Text("discontinuous"),)
    return (Math(sp.Pow(C, sp.Integer(s.k), evaluate=False)), Text(" (at least)" if s.lower_bound_only else ""))


class ClaimPrinter(Printer):
    """A fact as a report claim: statement and blocks, by the type of its value (``_claim_<Type>``,
    found along the MRO; the default is the fact's own statement with its math).  Titles, sections
    and references come from the property's description (:mod:`gelu_math.properties`)."""

    def claim(self, prop, fact) -> Claim:
        method = self._method("_claim_", fact.value)  # SymPy values (no _claim_Basic): _claim_object
        statement, blocks = (method or self._claim_object)(prop, fact)
        return _claim(fact, prop.title, statement, blocks, prop.references)

    def _claim_object(self, prop, fact):
        return line(fact.statement, *fact.math), ()

    def _claim_Derivatives(self, prop, fact):
        return (line(fact.statement, *fact.math),
                [Display(sp.Eq(sp.Derivative(fx, (x, k)), e, evaluate=False)) for k, e in fact.value])

    def _claim_Taylor(self, prop, fact):
        t = fact.value
        blocks = []
        if t.polynomial is None:
            st = line("0 is a breakpoint: no Taylor series; one-sided expansions to order {0}:", t.order)
            for side, e in (("x → 0⁻", t.left), ("x → 0⁺", t.right)):
                blocks += [Para(line(f"as {side}:")), Display(sp.Eq(fx, e + sp.O(x ** (t.order + 1)), evaluate=False))]
        else:
            st = line("Taylor expansion at 0 to order {0}:", t.order)
            blocks.append(Display(sp.Eq(fx, t.polynomial + sp.O(x ** (t.order + 1)), evaluate=False)))
            if t.general_term is not None:
                n = next(iter(t.general_term.free_symbols - {x}))
                blocks.append(Para(line("General term (valid for all n ≥ 0):")))
                total = sp.Sum(t.general_term, (n, 0, sp.oo))
                blocks.append(Display(sp.Eq(fx, total if t.extra == 0 else sp.Add(t.extra, total, evaluate=False),
                                            evaluate=False)))
        return st, blocks

    def _claim_Sides(self, prop, fact):
        if not all(isinstance(v, Asymptote) for v in fact.value.values()):
            return self._claim_object(prop, fact)
        parts = []
        for side in (-1, 1):
            asy = fact.value[side]
            end = "x → −∞" if side < 0 else "x → +∞"
            if asy.slope is None:
                parts.append(line(f"as {end}: no asymptote"))
            else:
                parts.append(line(f"as {end}: {asy.kind} asymptote " + "{0}",
                                  sp.Eq(sp.Symbol("y"), asy.slope * x + asy.intercept)))
        return parts[0] + (Text("; "),) + parts[1], ()

    def _claim_Extremes(self, prop, fact):
        inf, sup = fact.value["inf"], fact.value["sup"]
        st = line("inf f = {0} (" + ("attained" if inf.attained else "not attained") + "), sup f = {1} ("
                  + ("attained" if sup.attained else "not attained") + ")", inf.value, sup.value)
        return st, [Para((Text("Infimum from: "),) + _where(inf)), Para((Text("Supremum from: "),) + _where(sup))]

    def _claim_Points(self, prop, fact):
        pts = fact.value
        kinds = any("kind" in p for p in pts) or prop.phrases.get("kinds") == "yes"
        rows = []
        for p in pts:
            if "interval" in p:
                # f′ = 0 on the open piece; at its finite ends f′ need not exist (hardswish at −3)
                rows.append((_interval(*p["interval"], closed=False), line("{0}", p["value"]), (Text(p["kind"]),)))
            else:
                rows.append((line("{0}", p["x"]), line("{0}", p["value"])) + (((Text(p["kind"]),),) if kinds else ()))
        one = len(pts) == 1 and "count_one" in prop.phrases  # "1 inflection point", not "1 inflection point(s)"
        st = line(prop.phrases["count_one" if one else "count"].replace("{n}", str(len(pts)))
                  if "count" in prop.phrases else f"{len(pts)} point{'' if len(pts) == 1 else 's'}:") if pts else \
            line(prop.phrases.get("none", "none."))
        head = ("x", "f(x)", "kind") if kinds else ("x", "f(x)")
        return st, [Table(head, tuple(rows))] if rows else []

    def _claim_Table(self, prop, fact):
        t = fact.value
        rows = tuple(tuple(line("{0}", row[k]) for k, _ in t.columns) for row in t)
        return line(fact.statement, *fact.math), [Table(tuple(h for _, h in t.columns), rows, t.keys)]

    def _claim_Segments(self, prop, fact):
        ks = fact.value.kinks  # shapes: where f′ jumps, the kink's shape (the table alone hides SELU's)
        st = line("Intervals covering ℝ; kinks (f′ jumps): " + ", ".join(
            "x = {%d} %s" % (i, shape) for i, (_, shape) in enumerate(ks)) + ":", *(k for k, _ in ks)) \
            if ks else line("Intervals covering ℝ:")
        return st, [Table(("from", "to", "f is"), _interval_rows(fact.value))]

    def _claim_Smoothness(self, prop, fact):
        s = fact.value
        if s.k is not None and s.k < 0:
            jumps = [bp.x for bp in s.breakpoints if bp.order == 0]
            st = line("f is not continuous on ℝ: it jumps at x = " + ", ".join("{%d}" % i for i in range(len(jumps))),
                      *jumps) if jumps else (Text("f is not continuous on ℝ"),)
            removable = [bp for bp in s.breakpoints if bp.removable]
            for j, bp in enumerate(removable):
                st += ((Text(";") if jumps or j else Text(":")),) + line(
                    " at x = {0} its value {1} differs from its one-sided limits, both {2}", bp.x, bp.value, bp.limits[0])
        else:
            st = (Text("f is of class "),) + _smooth_class(s) + (Text(" on ℝ"),)
        if s.analytic:
            st += (Text("; real-analytic"),)
        if s.entire:
            st += (Text("; extends to an entire function on ℂ"),)
        rows = tuple((line("{0}", bp.x), (Text("none up to order 6") if bp.order is None else Math(sp.Integer(bp.order)),),
                      line("{0}", bp.left) if bp.left is not None else (Text("—"),),
                      line("{0}", bp.right) if bp.right is not None else (Text("—"),)) for bp in s.breakpoints)
        head = ("breakpoint", "first jumping derivative order", "left value", "right value")
        if any(not bp.continuous and bp.value is not None for bp in s.breakpoints):  # f's own value matters there
            head += ("value of f",)
            rows = tuple(r + (line("{0}", bp.value) if bp.value is not None else (Text("—"),),)
                         for r, bp in zip(rows, s.breakpoints))
        return st, [Table(head, rows)] if rows else []

    def _claim_Constants(self, prop, fact):
        parts = []
        for key, name in (("f", "sup|f′|"), ("fprime", "sup|f″|")):
            v = fact.value[key]
            head = "Lipschitz constant of f: " if key == "f" else "Lipschitz constant of f′: "
            if "reason" in v:  # no Lipschitz constant because of a jump: not "sup|f″| = +∞" (f″ may be bounded)
                parts.append(line(head + "{0} (" + v["reason"] + ")", v["value"]))
                continue
            note = ("unbounded" if v["value"].infinite else "attained" if v["attained"] else "not attained")
            parts.append(line(head + name + " = {0} (" + note + ")", v["value"]))
        return parts[0], [Para(p) for p in parts[1:]]

    def _claim_Parity(self, prop, fact):
        p = fact.value
        if p.kind in ("even", "odd"):  # the identity itself (f(x) − f(−x) = 2f(x) of an odd f says nothing more)
            statement = line(f"f is {p.kind}: " + ("f(−x) = f(x)" if p.kind == "even" else "f(−x) = −f(x)"))
        else:  # written as prose: SymPy would print the difference as −f(−x) + f(x)
            statement = line(("f is neither even nor odd" if p.kind == "neither" else "parity undecided")
                             + ": f(x) − f(−x) = {0}", p.difference)
        return statement, [Para(line("even part {0}, odd part {1}", p.even, p.odd))]


def property_claims(a) -> dict[str, Claim]:
    """Every registered property of the analysis ``a`` as a report claim, keyed by property."""
    from ...references import cited_for

    printer = ClaimPrinter()
    claims = {p.key: printer.claim(p, a.facts[p.key]) for p in registered() if p.key in a.facts}
    return {k: dataclasses.replace(c, references=cited_for(a.instance.name, c.references)) for k, c in claims.items()}


def parameter_numbers(a, digits: int) -> list[tuple[str, Number]]:
    return [(k, Number(v, None) if v.free_symbols else exact_number(v, digits)) for k, v in a.instance.params]


def _parameter(name: str, value, i: int) -> tuple:
    """"μ = 0" for a parameter named by a Greek letter (mu, alpha_p: printed as the symbol, as in the formulas),
    the plain name otherwise (negative_slope, eps: the name ``--param`` takes)."""
    from sympy.printing.conventions import split_super_sub
    from sympy.printing.latex import greek_letters_set

    head = ", " if i else "Parameters: "
    if split_super_sub(name)[0] in greek_letters_set:
        return line(head + "{0} = {1}", sp.Symbol(name), value)
    return line(head + f"{name} = " + "{0}", value)


def function_document(a, claims: dict) -> Document:
    """The report of one function without its failures (``claims`` from :func:`gelu_math.extras.extra_facts`);
    :func:`assemble` adds further sections and the "Not certified" list."""
    inst = a.instance
    act = inst.activation
    all_claims = property_claims(a)
    intro = [Para(line("Definition: {0}", sp.Eq(fx, inst.expr, evaluate=False)))]
    params = parameter_numbers(a, a.digits)
    if params:
        intro.append(Para(sum((_parameter(k, v, i) for i, (k, v) in enumerate(params)), ())))
    intro.append(Para(line(f"Computed with {a.digits} certified digits (a ball certified more widely is printed with "
                           f"the digits its radius supports) and derivatives to order {a.order}. Each claim "
                           "states its certificate: exact (symbolic), certified (interval arithmetic: mid ± rad "
                           "contains the true value) or estimate.")))
    for note in act.notes:
        intro.append(Para((Text(note),)))
    sections = []
    for title, keys in section_keys():
        cs = tuple(all_claims[k] for k in keys if k in all_claims)
        if cs:
            sections.append(Section(title, cs))
    doc = Document(inst.name, act.title, tuple(intro), tuple(sections), act.references, subject=inst.name)
    # the abbreviations' sentences follow the definition and the parameters; parameter names stay theirs
    where, reserved = (2 if params else 1), [k for k, _ in params]
    return name_constants(abbreviate(doc, where_after=where, reserved=reserved), where_after=where, reserved=reserved)


def assemble(doc: Document, extra_sections, failures: dict) -> Document:
    """``doc`` with ``extra_sections`` appended and a final "Not certified" section listing ``failures``
    (sorted by key); works on frozen documents too."""
    sections = [*doc.sections, *(s for s in extra_sections if s is not None)]
    if failures:
        titles = {p.key: p.title for p in registered()}  # "Inflection points", not the key inflection_points
        sections.append(Section("Not certified", (), tuple(Para((Text(f"{titles.get(k, k)}: {why}"),)) for k, why in
                                                           sorted(failures.items()))))
    return dataclasses.replace(doc, sections=tuple(sections))


# --- comparison matrix ----------------------------------------------------------------------

MISSING = (Text("not certified"),)


def _s(n: Number) -> Line:
    return (Num(n, short=True),)


class CellPrinter(Printer):
    """A comparison-matrix cell from the value a property's :class:`~gelu_math.properties.Column`
    gives, by its type (``_cell_<Type>``): numbers in their short form."""

    def cell(self, value) -> Line:
        m = self._method("_cell_", value)
        if m is None:
            raise TypeError(f"no comparison-matrix cell for values of type {type(value).__name__}")
        return m(value)

    def _cell_Number(self, n):
        return _s(n)

    def _cell_bool(self, b):
        return (Text("yes" if b else "no"),)

    def _cell_str(self, s):
        return (Text(s),)

    def _cell_int(self, i):
        return (Math(sp.Integer(i)),)

    def _cell_Basic(self, e):
        return (Math(e),)

    def _cell_Phrase(self, p):
        # a phrase, not a formula: "none: {0} / {1}" separates two values, so no operator grouping
        out: list = []
        for piece in slots(p.template):
            out += [Text(piece[1])] if piece[0] == "text" else self.cell(p.values[piece[1]])
        return tuple(out)

    def _cell_Smoothness(self, s):
        return _smooth_class(s)

    def _cell_Points(self, pts):
        cell: list = []
        for p in pts:
            if cell:
                cell.append(Text("; "))
            if "interval" in p:
                cell += [Text("constant on ")] + list(_interval(*p["interval"], short=True, closed=False))
            else:
                cell += [Text(p["kind"] + " at ")] + list(_s(p["x"]))
        return tuple(cell) or (Text("none"),)


def comparison_columns() -> tuple[str, ...]:
    """The matrix's headers: "function", then every registered property's columns in order."""
    return ("function",) + tuple(c.header for _, c in matrix_columns())


def comparison_row(a, claims: dict) -> tuple[Line, ...]:
    """The function's row: its name, then each column's cell read off the fact of the property that
    declares it (README "Properties"), "not certified" where the function has no such fact."""
    facts = {**a.facts, **claims}
    printer = CellPrinter(a.digits)
    row: list[Line] = [(Link(a.instance.name, a.instance.name),)]
    for key, col in matrix_columns():
        content = col.cell(facts[key], facts) if key in facts else None
        row.append(MISSING if content is None else printer.cell(content))
    return tuple(row)


def comparison_document(rows, digits: int, order: int, figures=()) -> Document:
    intro = (Para(line("Every function × every property, each cell read off a certified fact of that function's "
                       "own report (proofs/NAME.tex, .md and .html, with the statements, derivations and "
                       "certificates). Decimals are certified enclosures mid ± rad (an exact form followed by "
                       "∈ [mid ± rad] names the ball that encloses it); in a range, the outer bracket [ or ] marks "
                       f"an attained bound, ( or ) one that is not. Computed with {digits} digits, order {order}.")),)
    sections = [Section("Comparison matrix", (), (Table(comparison_columns(), tuple(rows)),))]
    if figures:
        sections.append(Section("Figures", (), tuple(figures)))
    return Document("comparison", "Comparison of all functions", intro, tuple(sections), (LEE,))


def index_document(names, digits: int, order: int, approximations: bool = False) -> Document:
    """The index of the reports of ``names`` (registry order), with titles and formulas from the registry
    (and a link to the Approximations report when ``approximations``)."""
    from ...definitions.registry import REGISTRY, names as _all

    _all()  # fills the registry
    rows = tuple(((Link(n, n),), (Text(REGISTRY.get(n).title),), (Text(f"`{REGISTRY.get(n).formula}`"),))  # as written: code
                 for n in names)
    intro = (Para(line("Derivation reports generated by gelu-math: one per function, each claim with its statement, "
                       f"derivation steps, certificate and references ({digits} certified digits, derivatives to "
                       f"order {order}). Regenerate with: gelu-math report.")),
             Para((Text("The comparison matrix: "), Link("comparison", "comparison"))))
    if approximations:
        intro += (Para((Text("Approximations of GELU, designed (minimax polynomials of degree 2…16) and published, "
                             "with certified errors: "), Link("approximations", "approximations"))),)
    return Document("index", "gelu-math derivation reports", intro,
                    (Section("Functions", (), (Table(("function", "title", "formula as written in the sources"), rows),)),), ())
