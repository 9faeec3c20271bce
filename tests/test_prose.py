"""Plain-text subscripts in prose (σ_w, q_l, a_(l-1), x_max) are set as subscripts in LaTeX and
HTML, and code names with underscores are left alone (render/report/prose.py)."""

import xml.dom.minidom

from gelu_math.render.report.html import prose
from gelu_math.render.report.prose import split
from gelu_math.render.report.texwidth import literal, text


def _pairs(s):
    return [p if isinstance(p, str) else p[:2] for p in split(s)]


def test_single_letters_take_subscripts_words_do_not():
    assert _pairs("h_l = W_l a_(l-1) + b_l") == [("h", "l"), " = ", ("W", "l"), " ", ("a", "l-1"), " + ", ("b", "l")]
    assert _pairs("σ_w²/n and |δ_l|²/|δ_8|², δ_10") == [("σ", "w"), "²/n and |", ("δ", "l"), "|²/|", ("δ", "8"),
                                                       "|², ", ("δ", "10")]
    assert _pairs("x_max, g_(0,σ)(x)") == [("x", "max"), ", ", ("g", "0,σ"), "(x)"]
    for s in ("kaiming_normal_", "gelu_tanh", "i_gelu", "torch.nn.Linear.reset_parameters", "a.b_c", "x_long1",
              "x_(a b)", "q_", "h_sq: user function", "../figures/h_s.pdf", 'key "n_max"', "--x_lo=1", "x_(1/2)",
              "a_mc"):
        assert split(s) == [s], s


def test_latex_sets_math_subscripts():
    assert text("σ_w²/n") == r"$\sigma_{w}$$^{2}$/n"
    assert text("q_(k−2) and x_max") == r"$q_{k-2}$ and $x_{\mathrm{max}}$"
    assert text("He (kaiming_normal_)") == r"He (kaiming\_normal\_)"
    assert text("`h_l` h_l") == r"\texttt{h\_l} $h_{l}$"  # never inside a code span
    assert literal("figures/x_1.pdf") == r"figures/x\_1.pdf"  # names and paths as written


def test_single_letter_variables_are_math_italic():
    # as the formulas beside them (a reviewer: "x, f′ … are upright text, while the claims set them in
    # math italic"); words, code names, options, the article "a" and paths stay as written
    assert text("substitute x = 0 into f′ = x/3 at x₀; t² and f″") == \
        r"substitute $x$ = 0 into $f'$ = $x$/3 at $x_{0}$; $t^{2}$ and $f''$"
    assert text("a c-style x86 gelu_tanh `x` --x=1 figures/x.pdf") == \
        r"a c-style x86 gelu\_tanh \texttt{x} --x=1 figures/x.pdf"
    assert prose("f′(x) at x₀") == "<i>f</i>′(<i>x</i>) at <i>x</i>₀"


def test_html_sets_sub_elements_and_code():
    out = prose("h_l < W_l a_(l-1); kaiming_normal_; `a_p`")
    assert out == "<i>h</i><sub>l</sub> &lt; <i>W</i><sub>l</sub> <i>a</i><sub>l−1</sub>; kaiming_normal_; <code>a_p</code>"
    xml.dom.minidom.parseString(f"<p>{out}</p>")  # well-formed


def test_a_function_name_in_a_heading_is_set_as_written():
    # A user function called f_1 is an identifier (`gelu-math analyze f_1`): its report's heading
    # prints the name as written; the title after it is prose (its x_max takes a subscript).
    from gelu_math.render.report import html, latex, markdown
    from gelu_math.render.report.model import Document

    doc = Document("f_1", "a test with x_max", subject="f_1")
    assert doc.plain_title == "f_1: a test with x_max"
    assert r"\section*{f\_1: a test with $x_{\mathrm{max}}$}" in latex.render_body(doc, 10)
    page = html.render(doc, 10)
    assert "<h1>f_1: a test with <i>x</i><sub>max</sub></h1>" in page and "<title>f_1: a test with x_max</title>" in page
    assert markdown.render(doc, 10).startswith(r"# f\_1: a test with x\_max")


def test_a_claim_heading_that_repeats_its_section_title_is_left_out():
    # "## Smoothness" then "### Smoothness" (one claim of the same name) read as a stutter in every report
    from gelu_math.render.report import html, latex, markdown
    from gelu_math.render.report.model import Claim, Document, Section, line

    doc = Document("t", "t", sections=(Section("Smoothness", (Claim("a", "Smoothness", line("C^1.")),
                                                             Claim("b", "Kinks", line("none.")))),))
    md = markdown.render(doc, 10)
    assert "## Smoothness" in md and "### Smoothness" not in md and "### Kinks" in md
    tex = latex.render_body(doc, 10)
    assert r"\subsection*{Smoothness}" in tex and r"\subsubsection*{Smoothness}" not in tex
    assert r"\subsubsection*{Kinks}" in tex
    page = html.render(doc, 10)
    assert "<h3>Smoothness</h3>" not in page and "<h3>Kinks</h3>" in page and 'id="a"' in page


def test_reports_print_no_plain_text_exponents():
    # Steps once wrote formulas in plain text — f^(k) = x Φ^(k) + k Φ^(k−1), He_(k−1), e^(q(x)),
    # O(z^(−9)), C^∞ — which LaTeX printed as "f ˆ(k)" and "He_(k−1)" with a literal caret and
    # underscore.  Formulas are math parts now; expressions in messages are code spans.  Checked over
    # the committed reports (tests/test_report.py keeps them fresh).
    import glob
    import re

    from pathlib import Path

    proofs = Path(__file__).resolve().parent.parent / "proofs"
    for path in sorted(glob.glob(str(proofs / "*-body.tex"))):
        tex = Path(path).read_text(encoding="utf-8")
        tex = re.sub(r"\\texttt\{(?:[^{}]|\{\})*\}", "", tex)  # code is set as written
        assert r"\^{}" not in tex and r"\textasciicircum" not in tex, (path, re.findall(r".{30}\\\^\{\}.{20}", tex))
        assert not re.search(r"[A-Za-z]{2}\\_\(", tex), path  # He\_(k−1): a multi-letter base, not subscripted
    for path in sorted(glob.glob(str(proofs / "*.html"))):
        page = Path(path).read_text(encoding="utf-8")
        page = re.sub(r"<math.*?</math>|<code>.*?</code>|<style>.*?</style>|<svg.*?</svg>", "", page, flags=re.S)
        assert "^" not in page, (path, re.findall(r".{30}\^.{20}", page))


def test_html_counts_an_entity_as_one_glyph():
    # a formula with d/dx written as &#8518; (ⅆ) was counted seven glyphs per ⅆ and boxed on a line of
    # its own mid-sentence (GELU's Leibniz step)
    from gelu_math.render.report.html import LONG_GLYPHS, _inline

    short = "<math><mi>" + "&#8518;" * (LONG_GLYPHS - 10) + "</mi></math>"
    assert _inline(short) == short
    assert _inline("<math><mi>" + "&#8518;" * (LONG_GLYPHS + 1) + "</mi></math>").startswith('<span class="long">')
