"""The "Approximations" report and its figure: bounds checked independently (mpmath, scipy LP)."""

from __future__ import annotations

import re

import mpmath
import numpy as np
import pytest
import sympy as sp
from flint import arb

from gelu_math.render.report import html, latex, markdown
from gelu_math.render.report.approximations import _outward, approximations_document, approximations_facts

DIGITS = 10
DEGREE = 4


@pytest.fixture(scope="module")
def facts():
    return approximations_facts(DIGITS, dict(degrees=(DEGREE,), intervals=(("-4", "4"),)),
                                published_names=("puma_gelu",))


@pytest.fixture(scope="module")
def document(facts):
    return approximations_document(DIGITS, None, "proofs", facts=facts)


def _gelu(t):
    return t * mpmath.ncdf(t)  # mpmath's normal CDF, independent of gelu-math


def _row(md: str, first_cell: str) -> list[str]:
    for ln in md.splitlines():
        cells = [c.strip() for c in ln.strip("|").split("|")]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row starting with {first_cell!r}")


def _number(cell: str) -> float:
    m = re.search(r"\$([-0-9.]+)\$", cell)
    assert m, cell
    return float(m.group(1))


def test_outward_rounding_is_exact():
    assert _outward(arb("0.0123456789"), True) == sp.Rational("0.0123457")
    assert _outward(arb("0.0123456789"), False) == sp.Rational("0.0123456")
    assert _outward(arb("-2.5"), True) == sp.Rational("-2.5") and _outward(arb(1000), False) == 1000
    b = arb("0.00978648755416") + arb("1e-15") * arb("0 +/- 1")  # a ball: each end rounded outward
    assert _outward(b, True) >= sp.Rational("0.00978648755417") and _outward(b, False) <= sp.Rational("0.00978648755415")


def test_printed_bounds_hold_against_mpmath_and_lp(facts, document):
    from scipy.optimize import linprog

    md = markdown.render(document, DIGITS)
    cells = _row(md, f"${DEGREE}$")
    up_on, up_r, up16_on, up16_r, lower = (_number(c) for c in cells[1:6])
    (exact, f16) = facts.family
    with mpmath.workdps(40):
        def dense(m, a, b, n):
            cs = [mpmath.mpf(c.p) / c.q for c in m.coefficients]
            return max(abs(mpmath.polyval(cs[::-1], t) - _gelu(t)) for t in mpmath.linspace(a, b, n))
        assert dense(exact, -4, 4, 1601) <= up_on and dense(f16, -4, 4, 1601) <= up16_on
        # over ℝ: beyond ±4 the tails are 0 and x, so the error there is |gelu(x)| resp. |x − gelu(x)|
        tails = max(abs(_gelu(t)) for t in mpmath.linspace(-30, -4, 300))
        assert max(tails, dense(exact, -4, 4, 401)) <= up_r
    # the discrete minimax of degree 4 on a grid (scipy HiGHS) can be no better than the proved lower bound
    xs = np.linspace(-4, 4, 2001)
    with mpmath.workdps(30):
        g = np.array([float(_gelu(mpmath.mpf(float(t)))) for t in xs])
    A = np.array([(xs / 4) ** k for k in range(DEGREE + 1)]).T
    res = linprog(np.r_[np.zeros(DEGREE + 1), 1], A_ub=np.vstack([np.c_[A, -np.ones(len(xs))], np.c_[-A, -np.ones(len(xs))]]),
                  b_ub=np.r_[g, -g], bounds=[(None, None)] * (DEGREE + 2), method="highs")
    assert res.status == 0
    assert lower <= res.x[-1] * (1 + 1e-6) <= up_on * (1 + 2e-6)
    assert lower <= up_on <= up16_on  # rounding to float16 never claims less than the real-coefficient design


def test_published_rows_and_jumps(document):
    md = markdown.render(document, DIGITS)
    assert "puma\\_gelu" in md and "Its pieces do not join" in md
    # the jump at x = 3: 3 − sextic(3), by mpmath from the published coefficients
    cs = [mpmath.mpf(c) for c in ("0.008526321541038084", "0.5", "0.3603292692789629", "0", "-0.037688200365904236",
                                  "0", "0.0018067462606141187")]
    with mpmath.workdps(40):
        jump = 3 - mpmath.fsum(c * 3 ** k for k, c in enumerate(cs))
    row = _row(md, "$3$")
    assert abs(float(re.findall(r"-?[0-9]+\.[0-9]+", row[3])[0]) - float(jump)) < 1e-12


def test_every_back_end_renders_and_is_deterministic(facts, document):
    again = approximations_document(DIGITS, None, "proofs", facts=facts)
    for fmt in (markdown, html, latex):
        a, b = fmt.render(document, DIGITS), fmt.render(again, DIGITS)
        assert a == b and "Minimax polynomials on" in a
    assert "\\begin{document}" in latex.render(document, DIGITS)


def test_error_vs_degree_figure(facts):
    pytest.importorskip("matplotlib")
    from gelu_math.plots.design import design_figure, error_vs_degree_figure

    fig = error_vs_degree_figure(facts.family)
    lines = {ln.get_gid(): ln for ax in fig.axes for ln in ax.get_lines()}
    exact, f16 = facts.family
    assert list(lines["design:-4,4:exact"].get_ydata()) == [float(exact.sup_on.ball.upper())]
    assert list(lines["design:-4,4:float16"].get_ydata()) == [float(f16.sup_on.ball.upper())]
    assert list(lines["lower:-4,4"].get_ydata()) == [float(exact.lower.ball.lower())]
    assert fig.axes[0].get_yscale() == "log"
    from gelu_math.errors import InputError

    with pytest.raises(InputError):
        design_figure(("gelu",), "single")


def test_the_report_command_writes_the_approximations_report_and_links_it(tmp_path, monkeypatch):
    # the wiring of `gelu-math report` (every function: approximations=None -> True); here one
    # degree of the family and no published approximation, so that it is quick
    import gelu_math.render.report as R

    monkeypatch.setattr(R, "APPROXIMATIONS_TASKS", ((dict(degrees=(2,), intervals=(("-4", "4"),)), ()),))
    written = R.generate(str(tmp_path), names=["relu"], formats=("md",), digits=10, order=2, jobs=1,
                         approximations=True)
    assert str(tmp_path / "approximations.md") in written
    text = (tmp_path / "approximations.md").read_text(encoding="utf-8")
    assert "### Minimax polynomials on \\[−4, 4\\]" in text and "| $2$ |" in text
    assert "[approximations](approximations.md)" in (tmp_path / "index.md").read_text(encoding="utf-8")
    # with --only (approximations=None and names given) it is not written
    R.generate(str(tmp_path / "only"), names=["relu"], formats=("md",), digits=10, order=2, jobs=1)
    assert not (tmp_path / "only" / "approximations.md").exists()
