"""Formulas are printed as meant, in every back end (issue 14, "Printing").

* Precedence: every value put into a prose template next to an operator (``"{0} − {1}"``,
  ``"{1}/{2}"``, ``"σ · {0}"``) must read, in the printed text, as the SymPy tree means it.  The
  check is independent of the renderer's rule: the printed slot is combined with the operator and
  a placeholder symbol and parsed back with SymPy's parser, and the result must equal SymPy's own
  construction ``op(placeholder, value)`` (printed by ``sstr``, which knows precedence, and
  parsed the same way).
* Raw names: no back end may show SymPy's internal names (``subs(``, ``Subs``, ``order(``,
  ``Order``, ``hermite_prob``) or braces left by string formatting (``He{k-2}``).

Reports are built in-process (:func:`gelu_math.render.report.derive`, the build functions and each
back end's ``render``) for a few functions covering erf, tanh, softplus, |x| and a kink.
"""

from __future__ import annotations

import re
import xml.dom.minidom

import pytest
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr, standard_transformations

from gelu_math.certified.numbers import exact_number
from gelu_math.facts import Number, Step
from gelu_math.render.numbers import Grouped, fill, needs_group, slots, ungroup
from gelu_math.render.report import html, latex, markdown
from gelu_math.render.report.mathml import mathml_inner
from gelu_math.render.report.model import Math, Num, Text, line
from gelu_math.render.report.numfmt import parts
from gelu_math.render.text import analysis_text, step_text

FUNCTIONS = ("gelu", "gelu_tanh", "softsign", "relu")  # erf, tanh (abbreviated u), |x|, a kink
DIGITS, ORDER = 10, 3

_L, _R = sp.Symbol("L_"), sp.Symbol("R_")
_OPS = {"−": "-", "-": "-", "+": "+", "·": "*", "×": "*", "*": "*", "⋅": "*", "/": "/", "^": "**"}
_SUPERSCRIPT = {"²": "**2", "³": "**3"}

# raw SymPy names and str.format leftovers, per back end (a formula must never show them)
RAW_TEXT = re.compile(r"Subs\(|Order\(|hermite_prob|\bsubs\(|\border\(|He\{|[A-Za-z]\{")
RAW_TEX = re.compile(r"\\operatorname\{(subs|order|hermite|Subs|Order)\}|\\mathrm\{(Subs|Order)\}|Subs\(|Order\(|"
                     r"hermite|He\{")
RAW_MATHML = re.compile(r"<mi>(subs|order|hermite_prob|Subs|Order|he)</mi>|<mi>[^<]*[{}][^<]*</mi>|hermite")


def _parse(text: str) -> sp.Basic:
    """SymPy's parser (never eval of our own): unknown names become symbols/functions."""
    out = parse_expr(text.replace("−", "-"), transformations=standard_transformations)
    return sp.FiniteSet(*out) if isinstance(out, (set, frozenset)) else out  # sstr prints FiniteSet as {…}


def _by_name(e: sp.Basic) -> sp.Basic:
    """``e`` with every symbol replaced by a plain one of the same name (assumptions dropped),
    so a parsed expression compares equal to the original."""
    return e.xreplace({s: sp.Symbol(s.name) for s in e.free_symbols if isinstance(s, sp.Symbol)})


def _parsed_tree(v: sp.Basic) -> sp.Basic:
    return _parse(sp.sstr(ungroup(v)))


_APPLY = {"-": lambda a, b: a - b, "+": lambda a, b: a + b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
          "**": lambda a, b: a ** b}


def _check_slot(v: sp.Basic, printed: str, left: str, right: str, where: str) -> None:
    """The printed slot, combined with each neighbouring operator and a placeholder operand,
    parses as SymPy's own construction from the tree (``L_ − v``, ``v / R_``, ``v²``)."""
    tree = _by_name(_parsed_tree(v))
    cases = []
    if left in _OPS:
        cases.append((f"L_ {_OPS[left]} {printed}", _APPLY[_OPS[left]](_L, tree)))
    if right in _OPS:
        cases.append((f"{printed} {_OPS[right]} R_", _APPLY[_OPS[right]](tree, _R)))
    elif right in _SUPERSCRIPT:
        cases.append((printed + _SUPERSCRIPT[right], tree ** int(_SUPERSCRIPT[right][-1])))
    for cand, ref in cases:
        got = _by_name(_parse(cand))
        want = _by_name(_parse(sp.sstr(ref)))
        assert sp.srepr(got) == sp.srepr(want), f"{where}: {cand!r} reads as {got}, but the tree is {want}"


# --- the rule itself, on the two formulas the issue found ------------------------------------

x = sp.Symbol("x", real=True)


def test_difference_of_sums_is_parenthesised_in_every_back_end():
    a, b = 1 - sp.erfc(sp.sqrt(2) * x / 2) / 2, sp.erf(sp.sqrt(2) * x / 2) / 2 + sp.Rational(1, 2)
    text = step_text(Step("{0} − {1} simplifies to 0.", (a, b)))
    assert text == "1 - erfc(sqrt(2)*x/2)/2 − (erf(sqrt(2)*x/2)/2 + 1/2) simplifies to 0."
    ln = line("{0} − {1} simplifies to 0.", a, b)
    assert isinstance(ln[2], Math) and isinstance(ln[2].expr, Grouped)
    # the same tree printed by SymPy (which knows precedence) has the parentheses too
    assert r"\left(\frac{\operatorname{erf}" in markdown.render_line(ln, 20)
    assert r"\left(\frac{\operatorname{erf}" in latex.render_line(ln, 20)
    mml = html.render_line(ln, 20)
    assert "<mo>(</mo><mrow><mrow><mfrac><mrow><mi>erf</mi>" in mml
    _check_slot(b, sp.sstr(Grouped(b)), "−", "", "difference")


def test_quotient_of_sums_is_parenthesised():
    # sup.py's ratio tail: "e + 1 = {1}/{2}" with numerator and denominator sums
    n, d = sp.tanh(x) + 1, sp.erf(x) + 1
    text = step_text(Step("e + 1 = {1}/{2} there; |{3}|.", (sp.Integer(3), n, d, sp.Integer(-1))))
    assert text == "e + 1 = (tanh(x) + 1)/(erf(x) + 1) there; |-1|."
    for template, left, right in (("{0}/{1}", "", "/"), ("{0}/{1}", "/", "")):
        v = n if not left else d
        _check_slot(v, sp.sstr(Grouped(v)), left, right, template)


@pytest.mark.parametrize("value, left, right, grouped", [
    (x + 1, "−", "", True), (x + 1, "", "−", False), (x + 1, "+", "", False), (x + 1, "·", "", True),
    (x + 1, "", "^", True), (-x, "+", "", True), (-x, "", "", False), (x / 2, "/", "", True),
    (x / 2, "−", "", False), (sp.Rational(1, 2), "/", "", True), (sp.Rational(1, 2), "", "^", True),
    (sp.Integer(9), "−", "", False), (x**2, "", "^", True), (x**2, "·", "", False), (sp.erf(x), "−", "/", False),
])
def test_needs_group_against_the_parser(value, left, right, grouped):
    assert needs_group(value, left, right) is grouped
    printed = sp.sstr(Grouped(value)) if grouped else sp.sstr(value)
    _check_slot(value, printed, left, right, f"{left}{{0}}{right}")


def test_numbers_in_operator_slots():
    ball = Number(None, exact_number(sp.sqrt(2), 20).ball)
    assert fill("σ · {0}", (ball,), lambda v: "B") == "σ · (B)"
    assert fill("σ · {0}", (exact_number(sp.Integer(2), 20),), lambda v: "2") == "σ · 2"
    ln = line("σ · {0}", ball)
    assert ln[0] == Text("σ · (") and isinstance(ln[1], Num) and ln[2] == Text(")")


# --- printers: no raw SymPy names --------------------------------------------------------------

def test_mathml_subs_order_hermite_derivative():
    f = sp.Function("f")
    subs = mathml_inner(sp.Subs(sp.Derivative(f(x), x), x, 0))
    assert "subs" not in subs and '<mo stretchy="true">|</mo>' in subs and "<mi>x</mi><mo>=</mo><mn>0</mn>" in subs
    assert "<msup><mo>" not in subs  # d/dx, not d¹/dx¹
    order = mathml_inner(x + sp.O(x**5))
    assert "order" not in order and "<mi>O</mi><mrow><mo>(</mo><mrow><msup><mi>x</mi><mn>5</mn>" in order
    k = sp.Symbol("k", integer=True)
    he = mathml_inner(sp.hermite_prob(k - 2, x))
    assert he.startswith("<mrow><msub><mi>He</mi><mrow><mi>k</mi><mo>−</mo><mn>2</mn></mrow></msub>")
    from gelu_math.extras.gelu import He  # the class the GELU report uses (SymPy skips its parent's printer)

    assert mathml_inner(He(k - 2, x)) == he
    for s in (subs, order, he):
        assert not RAW_MATHML.search(s), s


def test_hermite_in_latex_and_text():
    from gelu_math.extras.gelu import He

    k = sp.Symbol("k", integer=True)
    assert sp.latex(He(k - 2, x)) == r"\operatorname{He}_{k - 2}\left(x\right)"
    assert He(3, x) == x**3 - 3 * x  # SymPy's He_3 (DLMF 18.5.13 table: x³ − 3x)
    assert not RAW_TEXT.search(sp.sstr(He(k - 2, x)))


# --- every formula of every report, in every back end -----------------------------------------

@pytest.fixture(scope="module")
def reports():
    from gelu_math.render.report import derive
    from gelu_math.render.report.build import assemble, function_document

    out = {}
    for name in FUNCTIONS:
        d = derive(name, DIGITS, ORDER, approximations=False)
        out[name] = (d, assemble(function_document(d.analysis, d.claims), (), d.failures))
    return out


def _lines(doc):
    from gelu_math.render.report.model import Para, Table

    def blocks(bs):
        for b in bs:
            if isinstance(b, Para):
                yield b.line
            elif isinstance(b, Table):
                for row in b.rows:
                    yield from row

    yield from blocks(doc.intro)
    for sec in doc.sections:
        yield from blocks(sec.intro)
        for c in sec.claims:
            yield c.statement
            yield from blocks(c.blocks)
            yield from c.steps


def _ops(ln, i):
    """Operator characters written next to part ``i`` of a line (as :func:`slots` sees them)."""
    before = ln[i - 1].text.rstrip() if i and isinstance(ln[i - 1], Text) else ""
    after = ln[i + 1].text.lstrip() if i + 1 < len(ln) and isinstance(ln[i + 1], Text) else ""
    left = before[-1] if before and before[-1] in "−-+·×*/^⋅" else ""
    right = after[0] if after and after[0] in "−-+·×*/^⋅²³" else ""
    return left, right


def test_report_formulas_read_as_their_trees(reports):
    checked = 0
    for name, (_, doc) in reports.items():
        for ln in _lines(doc):
            for i, p in enumerate(ln):
                if isinstance(p, Num) and any(_ops(ln, i)):
                    # a number next to an operator must print as one token (a decimal or a fraction),
                    # never as a bare ball "mid ± rad" or "exact ∈ [ball]"
                    shown = parts(p.number, DIGITS, p.short)
                    assert shown.mid is None and (shown.exact is None or shown.exact.is_Rational), (name, ln)
                if not isinstance(p, Math):
                    continue
                left, right = _ops(ln, i)
                if left or right:
                    _check_slot(p.expr, sp.sstr(p.expr), left, right, f"{name}: {ln}")
                    checked += 1
                # the text form of every formula parses back to the same tree
                assert _by_name(_parse(sp.sstr(p.expr))) == _by_name(_parsed_tree(p.expr)), (name, p.expr)
    assert checked >= 3  # gelu's definitions step, the family's σ · ball, … reach the check


def test_report_outputs_have_no_raw_names(reports):
    for name, (d, doc) in reports.items():
        digits = d.analysis.digits
        md, tex, body = markdown.render(doc, digits), latex.render(doc, digits), latex.render_body(doc, digits)
        page = html.render(doc, digits)
        for text in (md, tex, body):
            m = RAW_TEX.search(text)
            assert m is None, f"{name}: raw name {m.group(0)!r} in TeX"
        m = RAW_MATHML.search(page)
        assert m is None, f"{name}: raw name {m.group(0)!r} in MathML"
        xml.dom.minidom.parseString(page)  # the page is XML
    gelu_md = markdown.render(reports["gelu"][1], DIGITS)
    assert r"\operatorname{He}_{k - 2}\left(x\right)" in gelu_md


def test_text_steps_precedence_and_raw_names(reports):
    """The CLI's text (``analyze --steps``) and every extra claim's steps, slot by slot."""
    for name, (d, _) in reports.items():
        out = analysis_text(d.analysis, show_steps=True)
        assert not RAW_TEXT.search(out), name
        facts = [*d.analysis.facts.values(), *d.claims.values()]
        for fact in facts:
            for st in fact.steps:
                text = step_text(st, DIGITS)
                assert not RAW_TEXT.search(text), (name, text)
                for piece in slots(st.text):
                    if piece[0] == "slot" and (piece[2] or piece[3]) and isinstance(st.math[piece[1]], sp.Basic) \
                            and not isinstance(st.math[piece[1]], sp.logic.boolalg.Boolean):
                        v = st.math[piece[1]]
                        shown = sp.sstr(Grouped(v)) if needs_group(v, piece[2], piece[3]) else sp.sstr(v)
                        _check_slot(v, shown, piece[2], piece[3], f"{name}/{fact.key}: {st.text}")


def test_exact_values_simplified(reports):
    from gelu_math.engine import analyze

    # mish′(0) = tanh(log 2) = (2 − 1/2)/(2 + 1/2) = 3/5 (by hand; mpmath: tanh(log 2) = 0.6)
    fact = analyze("mish", digits=DIGITS, order=ORDER, parts=("slope_at_0",))["slope_at_0"]
    assert fact.value["value"].exact == sp.Rational(3, 5)
    assert markdown.render_line(line(fact.statement, *fact.math), DIGITS).endswith(r" = $\frac{3}{5}$")
    # GELU′(0) = Φ(0) = 1/2 is printed as the fraction, not 0.5
    md = markdown.render(reports["gelu"][1], DIGITS)
    assert "= $0.5$" not in md and r"\right\vert _{\substack{ x=0 }}$ = $\frac{1}{2}$" in md


def test_a_wide_ball_prints_only_the_digits_its_radius_supports():
    # independent review: gelu.md printed the fitted a as 0.04438294381675170728 ± 5.2e-14 under "20 certified
    # digits"; the printed ball must contain the value and stop one digit below the radius's leading digit
    from decimal import Decimal

    from flint import arb, ctx

    from gelu_math.render.numbers import number_text, supported_ball

    old = ctx.prec
    ctx.prec = 200
    try:
        b = arb("0.04438294381675170728") + arb(0).union(arb("5.2e-14")) - arb("2.6e-14")
        mid, rad = supported_ball(Number(None, b), 20)
        assert mid == "0.044382943816752"
        m, r = Decimal(mid), Decimal(rad)
        lo, hi = b.lower(), b.upper()  # the printed ball contains the whole Arb ball
        assert arb(str(m - r)) <= lo and arb(str(m + r)) >= hi
        assert number_text(Number(None, b), 20).startswith("[0.044382943816752 ± ")
        p = parts(Number(None, b), 20)
        assert p.mid == "0.044382943816752" and p.rad[1] == "-14"
        tight = arb(sp.pi.evalf(40).__str__())  # a ball that meets the request prints as before
        assert supported_ball(Number(None, tight), 20)[0].startswith("3.14159265358979323846")
    finally:
        ctx.prec = old


def _md(ln) -> str:
    return markdown.render_line(ln, 20)


def test_parity_lipschitz_and_kinks_read_as_a_reviewer_expects():
    # independent review of the reports: parity printed as "−f(−x) + f(x) = 2 erf(x)" (SymPy's order); xielu's
    # "sup|f″| = +∞ (f is discontinuous)" although f″ is bounded on its pieces (it is the Lipschitz constant of
    # f′ that is infinite); SELU's convexity table reads like ELU's although f′ jumps down at 0
    from gelu_math.engine import analyze
    from gelu_math.render.report.build import property_claims

    erf = property_claims(analyze("erf", digits=20))
    assert _md(erf["parity"].statement) == "f is odd: f(−x) = −f(x)"
    gelu = property_claims(analyze("gelu", digits=20))
    assert _md(gelu["parity"].statement) == "f is neither even nor odd: f(x) − f(−x) = $x$"
    xielu = property_claims(analyze("xielu", digits=20))
    lines = [_md(xielu["lipschitz"].statement)] + [_md(b.line) for b in xielu["lipschitz"].blocks]
    assert lines[1] == "Lipschitz constant of f′: $+\\infty$ (f′ is discontinuous)" and "sup" not in lines[1]
    assert any("f jumps at x = $0$" in _md(s) for s in xielu["lipschitz"].steps)  # a derivation, not none
    selu = property_claims(analyze("selu", digits=20))
    kinks = [_md(s) for s in selu["convexity"].steps if "kink" in _md(s) and "At x" in _md(s)]
    assert len(kinks) == 1 and kinks[0].endswith("a concave kink.") and "At x = $0$" in kinks[0]
    elu = property_claims(analyze("elu", digits=20))  # alpha = 1: f′ continuous at 0, no kink to state
    assert not any("At x" in _md(s) for s in elu["convexity"].steps)


def test_supported_ball_is_exact_for_long_midpoints():
    # found by the report bench: `gelu-math analyze gelu_tanh` (30 digits) died with decimal.InvalidOperation,
    # since Decimal's default 28-digit context could not hold a 34-digit midpoint cut (and would have rounded
    # the grown radius); every printed ball must contain the Arb ball, for midpoints of any length and magnitude
    import random
    from fractions import Fraction

    from flint import arb, ctx

    from gelu_math.render.numbers import supported_ball

    rng = random.Random(20261202)
    old = ctx.prec
    ctx.prec = 400
    try:
        for _ in range(300):
            mid = arb(f"{rng.randint(1, 10 ** 40)}e{rng.randint(-60, 20)}") * (1 if rng.random() < 0.5 else -1)
            rad = arb(f"{rng.randint(1, 10 ** 6)}e{rng.randint(-70, 5)}")
            b = mid + arb(0).union(rad) - rad / 2
            for digits in (10, 20, 30, 50):
                m, r = supported_ball(Number(None, b), digits)
                if "E" in m:
                    continue
                lo, hi = Fraction(m) - Fraction(r), Fraction(m) + Fraction(r)
                assert arb(lo.numerator) / lo.denominator <= b.lower() and arb(hi.numerator) / hi.denominator >= b.upper()
    finally:
        ctx.prec = old


def test_balls_with_exponents_beyond_the_decimal_module():
    """E GELU(Z) at mean −10¹⁰ is about 10^(−1.1·10¹⁹): Python's decimal module refuses such exponents
    (InvalidOperation), the integer path prints them; a midpoint cut to nothing prints as 0, not 0E-45."""
    from flint import arb

    from gelu_math.facts import Number
    from gelu_math.render.numbers import number_text, short_upper, supported_ball

    tiny = arb(10) ** (-10 ** 19)
    mid, rad = supported_ball(Number(None, arb("1.2345678901234567", "1e-10") * tiny), 20)
    assert mid.startswith("1.23456789") and mid.endswith("E-10000000000000000000")
    lo, hi = float(mid.partition("E")[0]) - float(rad.partition("E")[0]), float(mid.partition("E")[0]) + float(rad.partition("E")[0])
    assert rad.endswith("E-10000000000000000010") and lo <= 1.2345678901234567 <= hi
    assert short_upper("9.96E-2000000000") == "1.0e-1999999999"  # rounded up past a power of ten
    assert supported_ball(Number(None, arb(0, 1) * tiny), 20)[0] == "0"
    assert number_text(Number(None, arb("3.97e-57") + arb(0, "7.19e-51")), 16).startswith("[0 ± 7.2e-51]")


def test_powers_of_Phi_print_as_Phi_of_z_to_the_n():
    # SymPy's f^{2}(x) convention (sin²x) would print Φ²(−3), which reads as Φ∘Φ; statistics writes
    # Φ(−3)², as the MathML back end's <msup> does.  Every LaTeX renderer goes through render.tex.
    from pathlib import Path

    from gelu_math.definitions.normal import Phi
    from gelu_math.render.json_out import _expr
    from gelu_math.render.report.markdown import latex_of

    e = Phi(-3) ** 2 / 9 + 4 * Phi(-3) / 3
    for tex in (latex_of(e), latex._P.doprint(e), _expr(e)["latex"]):
        assert r"\Phi{\left(-3 \right)}^{2}" in tex and r"\Phi^{" not in tex, tex
    proofs = Path(__file__).resolve().parents[1] / "proofs"
    committed = {p.name: p.read_text(encoding="utf-8") for p in [*proofs.glob("*.md"), *proofs.glob("*.tex")]}
    assert not [name for name, text in committed.items() if r"\Phi^{" in text]
    assert r"\Phi{\left(-3 \right)}^{2}" in committed["hardswish.md"]  # E hardswish(Z)² has Φ(−3)²


def test_mathml_a_derivative_as_the_last_factor_takes_no_parentheses():
    # x d/dx Φ(x), as LaTeX writes it; SymPy's MathML printer wrote x (d/dx Φ(x)).  Elsewhere in a
    # product the derivative keeps its parentheses.
    import re

    import sympy as sp

    from gelu_math.definitions.symbols import x
    from gelu_math.render.report.mathml import math_element

    F = sp.Function("F")

    def glyphs(e):
        return re.sub(r"<[^>]*>|\s", "", math_element(e))

    assert glyphs(x * sp.Derivative(F(x), x)) == "x\u2062&#8518;&#8518;xF(x)"
    assert glyphs(-x * sp.Derivative(F(x), x)) == "\u2212x\u2062&#8518;&#8518;xF(x)"
    assert glyphs(sp.Derivative(F(x), x) * sp.Derivative(F(x), (x, 2))).startswith("(&#8518;")
