"""The HTML reports in a real browser (issue 14, item 4): at a 1200 px wide window the page never
scrolls sideways (long formulas and tables scroll inside their own boxes) and the MathML is
rendered (every ``<math>`` element has a nonzero width).

The page is opened in headless Chromium with a small script appended that writes the measures
into the DOM (``document.documentElement.scrollWidth``, ``getBoundingClientRect`` of each
``<math>``), read back with ``--dump-dom``.  Skipped where Chromium is not installed (``.ci/run``
installs Debian's package).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy as sp

from gelu_math.render.report import html
from gelu_math.render.report.figures import figure_blocks
from gelu_math.render.report.model import Display, Document, Para, Section, Table, line

ROOT = Path(__file__).resolve().parent.parent
PROOFS, FIGURES = ROOT / "proofs", ROOT / "figures"
VIEWPORT = 1200
CHROMIUM = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
x = sp.Symbol("x", real=True)

MEASURE = """<script>//<![CDATA[
(function () {
  var m = document.getElementsByTagName("math"), shown = 0, widest = 0;
  for (var i = 0; i < m.length; i++) {
    var w = m[i].getBoundingClientRect().width;
    if (w > 0) shown++;
    if (w > widest) widest = w;
  }
  var p = document.createElement("pre");
  p.id = "measure";
  p.textContent = JSON.stringify({scrollWidth: document.documentElement.scrollWidth,
                                  innerWidth: window.innerWidth, maths: m.length, shown: shown, widest: widest});
  document.body.appendChild(p);
})();
//]]></script>"""


def measure(page: str, tmp_path: Path) -> dict:
    """Open ``page`` (HTML text) in headless Chromium at VIEWPORT × 900 px; the measures."""
    path = tmp_path / "page.html"
    path.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={VIEWPORT},900",
                           "--dump-dom", path.as_uri()], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          timeout=120)
    m = re.search(r'<pre id="measure">([^<]*)</pre>', proc.stdout.decode("utf-8"))
    assert m, "the measuring script did not run"
    return json.loads(m.group(1).replace("&quot;", '"'))


def check(page: str, tmp_path: Path) -> dict:
    got = measure(page, tmp_path)
    assert got["innerWidth"] == VIEWPORT
    assert got["scrollWidth"] <= VIEWPORT, f"the page scrolls sideways: {got}"
    assert got["maths"] > 0 and got["shown"] == got["maths"], f"MathML not rendered: {got}"
    return got


def test_long_formulas_scroll_inside_their_box(tmp_path):
    """Formulas far wider than the window (f⁽⁴⁾ of the tanh form of GELU, displayed and inline),
    a wide table and the committed figures: the page stays 1200 px wide."""
    f = x / 2 * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (x + sp.Rational(44715, 10 ** 6) * x ** 3)))
    f4 = sp.diff(f, x, 4)
    blocks = (Display(sp.Eq(sp.Derivative(sp.Function("f")(x), (x, 4)), f4, evaluate=False)),
              Para(line("Inline: {0}, then prose.", f4)),
              Table(tuple(f"column {i}" for i in range(18)), ((line("{0}", f4),) * 18,)))
    figs = figure_blocks("gelu", str(FIGURES), str(tmp_path))
    doc = Document("t", "t", blocks, (Section("Figures", (), figs),) if figs else ())
    got = check(html.render(doc, 20), tmp_path)
    assert got["widest"] > VIEWPORT  # the formula itself is wider than the window: it is its box that scrolls


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "comparison"])
def test_committed_page_fits_the_window(tmp_path, name):
    assert (PROOFS / f"{name}.html").exists()
    check((PROOFS / f"{name}.html").read_text(encoding="utf-8"), tmp_path)


def test_generated_page_fits_the_window(tmp_path):
    """A report generated now, figures inlined with their captions."""
    from gelu_math.render.report import render_function

    files, _ = render_function("gelu_tanh", ("html",), figures_dir=str(FIGURES), out_dir=str(tmp_path))
    page = files["gelu_tanh.html"]
    check(page, tmp_path)
