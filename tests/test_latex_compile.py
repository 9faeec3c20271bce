"""The LaTeX reports compile with pdflatex and nothing runs off the page (issue 14, item 3).

Every committed ``proofs/*.tex`` and a few documents generated here (the longest formulas, a
wide table of certified balls, every committed figure) are compiled with
``pdflatex -interaction=nonstopmode -halt-on-error``; a test fails on any error, on any
overfull ``\\hbox`` that TeX reports (wider than its ``\\hfuzz``, 0.1 pt) and on any overfull
``\\vbox`` (a page whose content runs past the bottom margin: a table that does not break), read
from the ``.log``.  Skipped where
pdflatex is not installed (``.ci/run`` installs texlive from Debian's packages).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sympy as sp

from gelu_math.render.report import latex
from gelu_math.render.report.figures import figure_blocks
from gelu_math.render.report.model import Display, Document, Para, Section, Table, line

ROOT = Path(__file__).resolve().parent.parent
PROOFS, FIGURES = ROOT / "proofs", ROOT / "figures"
MAX_OVERFULL_PT = 0.0  # any overfull line TeX reports
OVERFULL = re.compile(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)")
OVERFULL_PAGE = re.compile(r"Overfull \\vbox \((\d+(?:\.\d+)?)pt too high\) has occurred while \\output is active")

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
x = sp.Symbol("x", real=True)


def compile_tex(path: Path) -> tuple[int, str]:
    """Run pdflatex on ``path`` in its directory: (exit status, log text)."""
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", path.name], cwd=path.parent,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    log = path.with_suffix(".log")
    return proc.returncode, log.read_text(encoding="latin-1") if log.exists() else proc.stdout.decode("latin-1")


def problems(path: Path) -> list[str]:
    """What is wrong with ``path`` compiled: the error, or each overfull box over the limit."""
    rc, log = compile_tex(path)
    if rc != 0:
        err = [ln for ln in log.splitlines() if ln.startswith("!")]
        return [f"{path.name}: pdflatex failed: {' | '.join(err[:3]) or 'exit status ' + str(rc)}"]
    return ([f"{path.name}: overfull \\hbox {w} pt" for w in OVERFULL.findall(log) if float(w) > MAX_OVERFULL_PT]
            + [f"{path.name}: a page {h} pt too high" for h in OVERFULL_PAGE.findall(log)])


def compile_all(paths) -> list[str]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return [p for ps in pool.map(problems, paths) for p in ps]


def write(tmp_path: Path, doc: Document, digits: int = 20) -> Path:
    path = tmp_path / f"{doc.name}.tex"
    path.write_text(latex.render(doc, digits), encoding="utf-8")
    return path


HOST_LINE = re.compile(r"^% \\input into a document that loads (.+); laid out for a text width of at least (\d+) cm$",
                       re.M)


def test_committed_bodies_paste_into_a_host_as_their_header_says(tmp_path):
    """Each ``*-body.tex`` pasted the way its own first lines say: a plain 11 pt article that loads the
    packages named there (parsed from the comment, so the comment cannot drift from what the body
    needs) at the text width named there, with none of the standalone's other settings (no
    \\sloppy, no \\allowdisplaybreaks, default paragraphs) — no error, no overfull box."""
    shutil.copytree(FIGURES, tmp_path / "figures")
    (tmp_path / "proofs").mkdir()
    paths = []
    for src in sorted(PROOFS.glob("*-body.tex")):
        body = src.read_text(encoding="utf-8")
        m = HOST_LINE.search(body)
        assert m, f"{src.name}: no '\\input into a document that loads ...' line"
        packages = [p.strip() for p in re.split(r",| and ", m.group(1)) if p.strip()]
        (tmp_path / "proofs" / src.name).write_text(body, encoding="utf-8")
        host = tmp_path / "proofs" / ("host-" + src.name)
        host.write_text("\n".join([r"\documentclass[11pt]{article}", r"\usepackage{" + ",".join(packages) + "}",
                                   r"\setlength{\textwidth}{" + m.group(2) + "cm}",
                                   r"\setlength{\oddsidemargin}{-0.5cm}", r"\begin{document}",
                                   r"\input{" + src.stem + "}", r"\end{document}", ""]), encoding="utf-8")
        paths.append(host)
    assert len(paths) >= 20, "expected the committed report bodies in proofs/"
    assert compile_all(paths) == []


def test_every_committed_report_compiles_without_overfull_boxes(tmp_path):
    """The committed reports, copied (with the figures beside, as in the repository) to a scratch
    directory so that the build files stay out of proofs/."""
    shutil.copytree(FIGURES, tmp_path / "figures")
    (tmp_path / "proofs").mkdir()
    paths = []
    for src in sorted(PROOFS.glob("*.tex")):
        if src.name.endswith("-body.tex"):
            continue
        dst = tmp_path / "proofs" / src.name
        shutil.copyfile(src, dst)
        paths.append(dst)
    assert len(paths) >= 20, "expected the committed reports in proofs/"
    assert compile_all(paths) == []


def _tanh_gelu():
    # the tanh form of GELU (Hendrycks & Gimpel 2016) with its published constant, as the registry has it
    return x / 2 * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (x + sp.Rational(44715, 10 ** 6) * x ** 3)))


def test_long_display_formulas_are_broken_across_lines(tmp_path):
    """f⁽ᵏ⁾ of the tanh form of GELU, k = 1..4, unabbreviated (f⁽⁴⁾ alone is about 30 lines wide
    on one line): every line of the broken formulas fits."""
    f = _tanh_gelu()
    blocks = tuple(Display(sp.Eq(sp.Derivative(sp.Function("f")(x), (x, k)), sp.diff(f, x, k), evaluate=False))
                   for k in range(1, 5))
    tex = latex.render_body(Document("long", "long", blocks), 20)
    assert tex.count(r"\begin{align*}") >= 3  # the long ones were broken …
    assert tex.count(r"\begin{equation*}") + tex.count(r"\begin{align*}") == 4
    assert compile_all([write(tmp_path, Document("long", "long", blocks))]) == []


def test_long_inline_formula_and_breakpoints(tmp_path):
    """A formula several lines long inside prose and a derivation step breaks inside the line."""
    f4 = sp.diff(_tanh_gelu(), x, 3)
    doc = Document("inline", "inline", (Para(line("Over a common denominator the numerator is {0}, a sum of terms.",
                                                  sp.expand(f4 * sp.cosh(x) ** 2))),
                                        Para(line("Definition: {0}", sp.Eq(sp.Function("f")(x), f4)))))
    assert compile_all([write(tmp_path, doc)]) == []


def test_wide_table_of_balls_fits(tmp_path):
    """A comparison-style table: 18 columns of 30-digit certified balls and exact forms."""
    from gelu_math.facts import Number
    from gelu_math.certified.numbers import exact_number

    values = [exact_number(v, 30) for v in (-sp.sqrt(2), sp.LambertW(sp.exp(-1)), sp.Rational(1, 3), sp.pi / 7)]
    header = ("function",) + tuple(f"property number {i}" for i in range(17))
    rows = tuple(((line(f"name_{r}")),) + tuple(line("{0}", values[(r + c) % 4]) for c in range(17)) for r in range(4))
    assert all(isinstance(v, Number) for v in values)
    small = Table(("x", "f(x)", "kind"), ((line("{0}", values[0]), line("{0}", values[1]), line("minimum")),) * 2)
    doc = Document("table", "table", (Table(header, rows), small))
    tex = latex.render(doc, 30)
    assert tex.count(r"\begin{longtable}") >= 4  # the 18 columns are split into several tables
    assert compile_all([write(tmp_path, doc, 30)]) == []


def test_long_table_continues_on_the_next_page(tmp_path):
    """A table longer than a page (the Gaussian-inputs network table of a report has ~30 rows of
    two-line cells) breaks between rows with its header repeated, instead of running past the
    bottom margin as a ``tabular`` did (an overfull vbox)."""
    from gelu_math.certified.numbers import exact_number

    value = exact_number(sp.exp(-sp.Rational(1, 2)) / sp.sqrt(2 * sp.pi), 30)
    rows = tuple((line(f"layer {k}"), line("{0}", value), line("a cell of prose that wraps onto a second line "
                                                                 "in its narrow column")) for k in range(90))
    doc = Document("long-table", "long table", (Table(("layer", "value", "note"), rows),))
    tex = latex.render(doc, 30)
    assert tex.count(r"\begin{longtable}") == 1 and r"\endhead" in tex
    path = write(tmp_path, doc, 30)
    assert compile_all([path]) == []
    assert "[3]" in path.with_suffix(".log").read_text(encoding="latin-1")  # it did span pages


def test_figures_are_included_from_pdf_with_captions(tmp_path):
    """Every committed figure, as the GELU report and the matrix embed them, is \\includegraphics'd
    from its PDF (relative path) under a caption saying what it shows; the document compiles."""
    (tmp_path / "proofs").mkdir()
    shutil.copytree(FIGURES, tmp_path / "figures")
    figs = figure_blocks("gelu", str(tmp_path / "figures"), str(tmp_path / "proofs")) + \
        figure_blocks("comparison", str(tmp_path / "figures"), str(tmp_path / "proofs"))
    assert {Path(f.path).stem for f in figs} >= {"gelu-derivatives", "gelu-family", "envelopes", "sweeps",
                                                 "compare", "grid"}
    doc = Document("figs", "figs", (), (Section("Figures", (), figs),))
    tex = latex.render(doc, 20)
    for f in figs:
        assert r"keepaspectratio]{../figures/" + Path(f.path).stem + ".pdf}" in tex
        assert Path(f.path).stem not in f.caption and len(f.caption) > 30  # says what it shows, not the file
    assert tex.count(r"\caption{") == len(figs)
    path = write(tmp_path / "proofs", doc)
    assert compile_all([path]) == []
    log = path.with_suffix(".log").read_text(encoding="latin-1").replace("\n", "")
    for f in figs:  # pdflatex names each file it embeds in the log: <../figures/compare.pdf>
        assert f"<../figures/{Path(f.path).stem}.pdf" in log


@pytest.mark.parametrize("name", ["gelu_tanh"])
def test_generated_report_compiles(tmp_path, name):
    """A report generated now (the longest derivative formulas of the registry), figures included."""
    from gelu_math.render.report import render_function, render_index

    out = tmp_path / "proofs"
    out.mkdir()
    shutil.copytree(FIGURES, tmp_path / "figures")
    files, _ = render_function(name, ("tex",), figures_dir=str(tmp_path / "figures"), out_dir=str(out))
    files.update(render_index([name, "gelu", "selu"], ("tex",)))
    paths = []
    for fname, text in files.items():
        (out / fname).write_text(text, encoding="utf-8")
        if not fname.endswith("-body.tex"):
            paths.append(out / fname)
    assert compile_all(paths) == []


def test_long_constants_are_named_exactly():
    """SELU's λ, α (Klambauer et al. 2017, exact decimals as in the registry): the definition and a
    formula with λα/4 (a Taylor coefficient) are written with c₁, c₂; substituting the values back
    gives the original formulas exactly, and no long rational is left."""
    from gelu_math.render.report.abbrev import name_constants
    from gelu_math.render.report.model import Math

    lam, alpha = sp.Rational("1.0507009873554804934193349852946"), sp.Rational("1.6732632423543772848170429916717")
    f = sp.Function("f")(x)
    definition = sp.Eq(f, lam * sp.Piecewise((alpha * (sp.exp(x) - 1), x <= 0), (x, True)), evaluate=False)
    taylor = lam * alpha * x ** 4 / 4 + lam * alpha * x / 7 + 3 * lam ** 2 * x ** 2
    doc = Document("selu", "selu", (Para(line("Definition: {0}", definition)),),
                   (Section("s", (), (Display(taylor),)),))
    out = name_constants(doc)
    c1, c2 = sp.Symbol("c_1", positive=True), sp.Symbol("c_2", positive=True)
    named_def = next(p.expr for p in out.intro[0].line if isinstance(p, Math))
    named_taylor = out.sections[0].intro[0].expr
    assert named_taylor == c1 * c2 * x ** 4 / 4 + c1 * c2 * x / 7 + 3 * c1 ** 2 * x ** 2
    assert named_def.subs({c1: lam, c2: alpha}) == definition
    assert sp.expand(named_taylor.subs({c1: lam, c2: alpha}) - taylor) == 0
    note = latex.render_line(out.intro[1].line, 20)
    assert note == ("Below, $c_{1}$ = $1.0507009873554804934193349852946$, "
                    "$c_{2}$ = $1.6732632423543772848170429916717$.")


def test_numbers_with_named_exact_values_carry_the_name():
    """A certified number whose exact value is λα (SELU's sup |f′|) is printed "c₁c₂ = 1.758…": the
    name the formulas around it use, then the exact decimal (an independent review found the bare
    62-digit decimal next to formulas in c₁c₂)."""
    from flint import arb, fmpq

    from gelu_math.facts import Number
    from gelu_math.render.report.abbrev import name_constants
    from gelu_math.render.report.model import Num

    lam, alpha = sp.Rational("1.0507009873554804934193349852946"), sp.Rational("1.6732632423543772848170429916717")
    definition = sp.Eq(sp.Function("f")(x), lam * sp.Piecewise((alpha * (sp.exp(x) - 1), x <= 0), (x, True)),
                       evaluate=False)
    sup = Number(lam * alpha, arb(fmpq(int((lam * alpha).p), int((lam * alpha).q))))
    doc = Document("selu", "selu", (Para(line("Definition: {0}", definition)),),
                   (Section("s", (), (Para(line("sup |f′| = {0}", sup)),)),))
    out = name_constants(doc)
    parts = out.sections[0].intro[0].line
    from decimal import Decimal, getcontext

    from gelu_math.render.report import markdown

    getcontext().prec = 100  # the product of the two 32-digit decimals, exactly
    product = Decimal("1.0507009873554804934193349852946") * Decimal("1.6732632423543772848170429916717")
    assert markdown.render_line(parts, 20).endswith(f"= $c_{{1}} c_{{2}}$ = ${product}$")
    assert any(isinstance(p, Num) and p.number.exact == lam * alpha for p in parts)


# Formulas of the committed reports whose widths the column sizing relies on: nested fractions put
# their inner parts in script and scriptscript style, where Computer Modern is drawn wider than
# the font size suggests (xielu's rms gain came out 157 pt against pdflatex's 196 pt, and its
# table cell overflowed).
WIDTH_SAMPLES = (
    r"\frac{1}{\sqrt{- \frac{12 e^{\frac{1}{2}} \Phi{\left(- \frac{1000001}{1000000} \right)}}{25} + \frac{16 e^{2} "
    r"\Phi{\left(- \frac{2000001}{1000000} \right)}}{25} + \frac{4 \sqrt{2}}{5 \sqrt{\pi}} + \frac{29}{20}}}",
    r"\frac{1}{\sqrt{- 2 e^{\frac{1}{2}} \Phi{\left(-1 \right)} - \left(- \frac{1}{2} + e^{\frac{1}{2}} "
    r"\Phi{\left(-1 \right)} + \frac{\sqrt{2}}{2 \sqrt{\pi}}\right)^{2} + e^{2} \Phi{\left(-2 \right)} + 1}}",
    r"\frac{1}{\frac{1}{\frac{1000001}{1000000}}}", r"x^{y^{1234567890}}", r"1234567890",
    r"\frac{2 \left(2 \sqrt{3} + 3 \pi\right)}{3 \left(\sqrt{3} + 2 \pi\right)}",
    r"\frac{\sqrt{2}}{12 \sqrt{\pi} e^{\frac{9}{2}}}", r"\operatorname{atan}{\left(\frac{2 \sqrt{5}}{5} \right)}",
)


def test_width_estimates_follow_pdflatex(tmp_path):
    """tex_width against the width pdflatex gives the same inline formula (\\sbox at 11 pt): the
    estimate may be generous but not short by more than 8 % (the tables add 5 % to it)."""
    from gelu_math.render.report.texwidth import tex_width
    src = [r"\documentclass[11pt]{article}\usepackage{amsmath,amssymb}\newsavebox\probe\begin{document}"]
    src += [r"\sbox\probe{$" + f + r"$}\typeout{WIDTH" + str(i) + r"=\the\wd\probe}" for i, f in enumerate(WIDTH_SAMPLES)]
    (tmp_path / "w.tex").write_text("\n".join(src + [r"\end{document}"]))
    rc, log = compile_tex(tmp_path / "w.tex")
    assert rc == 0, log[-2000:]
    measured = {int(i): float(w) for i, w in re.findall(r"WIDTH(\d+)=([\d.]+)pt", log)}
    assert sorted(measured) == list(range(len(WIDTH_SAMPLES)))
    for i, f in enumerate(WIDTH_SAMPLES):
        ratio = tex_width(f, 1) / measured[i]
        assert 0.92 <= ratio <= 1.25, (f, tex_width(f, 1), measured[i])
