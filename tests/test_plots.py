"""Publication figures: data, certified marks, labels, deterministic files, the committed set.

Reference values are independent of gelu_math's Arb evaluation: the formulas below are written
out by hand from the definitions (Hendrycks & Gimpel 2016 for GELU; Clevert et al. 2016 for ELU;
Elfwing et al. 2018 for SiLU) and evaluated with mpmath at 40 digits; the GELU minimum is an
mpmath root of f′(x) = Φ(x) + x·φ(x).
"""

from __future__ import annotations

import os
import pathlib
import struct

import mpmath
import numpy as np
import pytest
import sympy
from flint import arb

from gelu_math.certified.balls import precision
from gelu_math.errors import InputError

matplotlib = pytest.importorskip("matplotlib")  # in the [test] extra; absent only in a bare install
matplotlib.use("Agg")

from gelu_math import plots  # noqa: E402
from gelu_math.cli import main  # noqa: E402
from gelu_math.plots import gallery  # noqa: E402
from gelu_math.plots.style import GENERATOR, WIDTHS  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
FIGURES = REPO / "figures"

def _phi(t):
    return mpmath.npdf(t)


def _Phi(t):
    return mpmath.ncdf(t)


# name -> (f, f′) written out by hand; piecewise ones only away from their breakpoint 0
REFERENCE = {
    "gelu": (lambda t: t * _Phi(t), lambda t: _Phi(t) + t * _phi(t)),
    "relu": (lambda t: max(t, 0), lambda t: 1 if t > 0 else 0),
    "elu": (lambda t: t if t > 0 else mpmath.expm1(t), lambda t: 1 if t > 0 else mpmath.exp(t)),
    "silu": (lambda t: t / (1 + mpmath.exp(-t)),
             lambda t: (1 / (1 + mpmath.exp(-t))) * (1 + t * (1 - 1 / (1 + mpmath.exp(-t))))),
}
GELU_DERIVATIVES = (  # f, f′, f″ = φ(2 − x²), f‴ = x·φ·(x² − 4)
    REFERENCE["gelu"][0], REFERENCE["gelu"][1],
    lambda t: _phi(t) * (2 - t**2), lambda t: t * _phi(t) * (t**2 - 4),
)


def _line(ax, gid):
    found = [ln for ln in ax.get_lines() if ln.get_gid() == gid]
    assert len(found) == 1, (gid, [ln.get_gid() for ln in ax.get_lines()])
    return found[0]


def _check_values(line, ref, count=12, avoid=()):
    xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    idx = [i for i in np.linspace(0, len(xs) - 1, count).astype(int)
           if not np.isnan(ys[i]) and all(abs(xs[i] - a) > 1e-9 for a in avoid)]
    assert len(idx) >= count - 2
    with mpmath.workdps(40):
        for i in idx:
            want = ref(mpmath.mpf(float(xs[i])))
            assert abs(ys[i] - float(want)) <= 1e-13 * max(1.0, abs(float(want))), (line.get_gid(), xs[i])


@pytest.mark.parametrize("order", [0, 1])
def test_compare_data_equals_function_values(order):
    ax = plots.compare(order=order)
    for name, ref in REFERENCE.items():
        _check_values(_line(ax, f"curve:{name}:{order}"), ref[order], avoid=(0.0,))
    assert ax.get_xlabel() == "$x$" and ax.get_ylabel()
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["GELU", "ReLU", "ELU", "SiLU"]


def test_compare_jump_is_a_break_not_a_vertical_line():
    ax = plots.compare(order=1)
    relu = _line(ax, "curve:relu:1")
    xs, ys = np.asarray(relu.get_xdata(), float), np.asarray(relu.get_ydata(), float)
    at0 = np.flatnonzero(xs == 0.0)
    # left limit 0, a NaN break, right limit 1 — ReLU′ is undefined at 0
    assert list(ys[at0[0]:at0[-1] + 1][[0, -1]]) == [0.0, 1.0] and np.isnan(ys[at0[1]])
    gelu = np.asarray(_line(ax, "curve:gelu:1").get_ydata(), float)
    assert not np.isnan(gelu).any()  # analytic: one unbroken line


def test_derivatives_curves_and_certified_marks():
    ax = plots.derivatives("gelu")
    for k, ref in enumerate(GELU_DERIVATIVES):
        _check_values(_line(ax, f"curve:gelu:{k}"), ref)
    with mpmath.workdps(40):
        xmin = mpmath.findroot(GELU_DERIVATIVES[1], -0.75)
        fmin = GELU_DERIVATIVES[0](xmin)
        infl = mpmath.sqrt(2)
    # the digits, and the independent root, agree with the marked point
    assert abs(float(xmin) - float(mpmath.mpf("-0.751791524693564457457904"))) < 1e-17
    (mx,), (my,) = _line(ax, "mark:minimum").get_data()
    assert mx == pytest.approx(float(xmin), abs=1e-15) and my == pytest.approx(float(fmin), abs=1e-15)
    ix, iy = _line(ax, "mark:inflection").get_data()
    assert list(ix) == pytest.approx([-float(infl), float(infl)], abs=1e-15)
    assert list(iy) == pytest.approx([float(GELU_DERIVATIVES[0](-infl)), float(GELU_DERIVATIVES[0](infl))],
                                     abs=1e-15)
    # the marks are the certified facts themselves (ball midpoints), not a re-computation
    marks = plots.marks(plots.curves.instance("gelu"))
    m = next(m for m in marks if m.kind == "minimum")
    with precision(200):  # the fact's ball (20 digits) contains the independent root
        assert m.x.ball.overlaps(arb(mpmath.nstr(xmin, 35), "1e-34"))
        assert m.x.ball.rad() < 1e-20
    assert (mx, my) == m.xy
    texts = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "minimum" in texts and "-0.7518" in texts and "\\pm \\sqrt{2}" in texts
    assert ax.get_xlabel() == "$x$" and ax.get_title(loc="left") == "GELU"


def test_family_tends_to_relu():
    ax = plots.family()
    sigmas = {"1": 1, "1/2": 2, "1/4": 4, "1/10": 10}
    lines = [ln for ln in ax.get_lines() if ln.get_gid() == "curve:gelu:0"]
    assert [ln.get_label() for ln in lines] == [f"$\\sigma = {s}$" for s in sigmas]
    gaps = []
    relu = np.asarray(_line(ax, "curve:relu:0").get_ydata(), float)
    for ln, inv in zip(lines, sigmas.values()):
        _check_values(ln, lambda t, c=inv: t * _Phi(c * t))
        gaps.append(np.max(np.abs(np.asarray(ln.get_ydata(), float) - relu)))
    # sup|GELU_σ − ReLU| = σ·|min GELU| = 0.16997…σ (sampled sup is at most that, close to it)
    for gap, inv in zip(gaps, sigmas.values()):
        assert 0.1699712 / inv * 0.99 <= gap <= 0.16997120748 / inv
    assert "0.1700" in ax.get_legend().get_title().get_text()


def test_grid_subset_panels():
    fig = plots.grid(("relu", "softsign", "hardtanh"), width="single")
    used = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in used] == ["ReLU", "softsign", "hardtanh"]
    assert all(len(ax.get_lines()) == 2 for ax in used)
    _check_values(_line(used[1], "curve:softsign:0"), lambda t: t / (1 + abs(t)))
    hard = np.asarray(_line(used[2], "curve:hardtanh:1").get_ydata(), float)
    assert np.isnan(hard).sum() == 2  # f′ jumps at −1 and 1
    assert fig.get_size_inches()[0] == WIDTHS["single"]
    assert len(fig.legends) == 1


def test_style_palette_widths_and_scope():
    before = dict(matplotlib.rcParams)
    fig = plots.compare_figure()
    assert dict(matplotlib.rcParams) == before  # the style is scoped
    assert fig.get_size_inches()[0] == 7.0 and WIDTHS == {"single": 3.5, "double": 7.0}
    pal = plots.palette()
    # Okabe & Ito, "Color Universal Design" (2008)
    assert [p["color"].upper() for p in pal[:4]] == ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]
    styles = [str(p["linestyle"]) for p in pal]
    assert len(set(styles)) == len(styles)  # every colour has its own dash pattern
    line = fig.axes[0].get_lines()[1]
    assert line.get_linestyle() == "--" and matplotlib.colors.to_hex(line.get_color()).upper() == "#D55E00"
    assert os.path.isfile(plots.style_path())


def _png_dpi(data: bytes) -> float:
    i = data.index(b"pHYs")
    ppm_x, _, unit = struct.unpack(">IIB", data[i + 4:i + 13])
    assert unit == 1
    return ppm_x * 0.0254


@pytest.mark.parametrize("fmt", ["pdf", "svg", "png"])
def test_files_are_byte_identical(tmp_path, fmt):
    paths = []
    for run in (1, 2):
        ax = plots.derivatives("gelu")
        paths.append(plots.save(ax.figure, tmp_path / f"run{run}.{fmt}"))
    a, b = (pathlib.Path(p).read_bytes() for p in paths)
    assert a == b
    if fmt == "pdf":
        assert b"CreationDate" not in a and b"/Producer (gelu-math " in a  # parentheses are escaped in PDF
    elif fmt == "svg":
        assert b"<dc:date>" not in a and GENERATOR.encode() in a
    else:
        assert round(_png_dpi(a)) == 300 and GENERATOR.encode() in a
        width = struct.unpack(">I", a[16:20])[0]
        assert width == round(3.5 * 300)


def test_bad_format_is_an_input_error(tmp_path):
    ax = plots.family()
    with pytest.raises(InputError, match="unsupported figure format"):
        plots.save(ax.figure, tmp_path / "x.jpg")


def _write_one(args):
    outdir, stem = args
    return gallery.write_all(outdir, (stem,))


def test_committed_figures_match_the_generator(tmp_path):
    committed = sorted(p.name for p in FIGURES.iterdir() if not p.name.startswith("."))
    expected = sorted(f"{stem}.{fmt}" for stem, (*_, formats) in gallery.FIGURES.items() for fmt in formats)
    from_report = sorted(f"{stem}.{fmt}" for stem, formats in gallery.REPORT_FIGURES.items() for fmt in formats)
    assert committed == sorted(expected + from_report), "figures/ is stale: run gelu-math report"
    # (the report's own figures are drawn from the facts it derives: tests/test_approximations_report.py)
    if GENERATOR.encode() not in (FIGURES / "compare.svg").read_bytes():
        pytest.skip(f"figures/ was generated with another matplotlib version than {matplotlib.__version__}")
    # every committed figure, "sweeps" (two certified fits, ~10 s) included; one task per figure over
    # the cores (gelu_math.cluster's local pool), as `gelu-math report` makes them
    from gelu_math.cluster import executor

    with executor(None, None) as ex:
        written = [p for ps in ex.map(_write_one, [(str(tmp_path), stem) for stem in gallery.FIGURES]) for p in ps]
    assert len(written) == len(expected)
    for path in written:
        name = os.path.basename(path)
        assert pathlib.Path(path).read_bytes() == (FIGURES / name).read_bytes(), name


@pytest.mark.parametrize("argv, message", [
    (["plot", "nonsense"], "unknown plot kind"),
    (["plot", "compare", "gelu", "nosuch"], "unknown function"),
    (["plot", "family", "--out", "x.jpg"], "unsupported figure format"),
    (["plot", "family", "gelu"], "takes no function names"),
    (["plot", "derivatives", "gelu", "silu"], "at most one"),
    (["plot", "grid", "--width", "wide"], "invalid choice"),
    (["plot", "sweep", "relu"], "plot sweep supports"),
    (["plot", "envelope", "gelu_tanhh"], "unknown function"),
])
def test_cli_errors_are_one_line_exit_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_cli_writes_the_file(tmp_path, capsys):
    out = tmp_path / "fam.svg"
    assert main(["plot", "family", "--out", str(out), "--width", "double"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.read_bytes().startswith(b"<?xml") and b'width="504pt"' in out.read_bytes()


# --- approximation errors ---------------------------------------------------------------------

def _gelu_tanh(t):  # Hendrycks & Gimpel (2016), eq. for the tanh approximation, a = 0.044715
    return t / 2 * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi) * (t + mpmath.mpf("0.044715") * t**3)))


def _gelu_sigmoid(t):  # x·σ(1.702 x)
    return t / (1 + mpmath.exp(-mpmath.mpf("1.702") * t))


def test_error_envelope_data_and_certified_maximisers():
    ax = plots.error_envelope(("gelu_tanh", "gelu_sigmoid"), "abs", 0)
    _check_values(_line(ax, "error:gelu_tanh:abs:0"), lambda t: abs(_gelu_tanh(t) - t * _Phi(t)), count=9)
    _check_values(_line(ax, "error:gelu_sigmoid:abs:0"), lambda t: abs(_gelu_sigmoid(t) - t * _Phi(t)), count=9)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "$x$" and "GELU" in ax.get_ylabel()
    for name, f, guess in (("gelu_tanh", _gelu_tanh, 2.7), ("gelu_sigmoid", _gelu_sigmoid, 2.27)):
        with mpmath.workdps(30):  # independent: the root of e′ of the error near the maximiser
            err = lambda t: f(t) - t * _Phi(t)  # noqa: E731
            xstar = mpmath.findroot(lambda t: mpmath.diff(err, t), guess)
            sup = abs(err(xstar))
        xs, ys = _line(ax, f"max:{name}:abs:0").get_data()
        assert sorted(xs) == pytest.approx([-float(xstar), float(xstar)], rel=1e-12)
        assert list(ys) == pytest.approx([float(sup)] * 2, rel=1e-12)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "sup $4.732\\times 10^{-4}$" in texts


def test_relative_error_of_derivative_marks_the_pole_at_the_gelu_minimum():
    ax = plots.error_envelope(("gelu_tanh",), "rel", 1, certify=False)
    gelu_t_prime = lambda t: mpmath.diff(_gelu_tanh, t)  # noqa: E731
    _check_values(_line(ax, "error:gelu_tanh:rel:1"),
                  lambda t: abs(gelu_t_prime(t) / GELU_DERIVATIVES[1](t) - 1), count=7, avoid=(0.0,))
    (pole,) = [ln for ln in ax.get_lines() if ln.get_gid() == "pole:1"]
    with mpmath.workdps(30):
        xmin = mpmath.findroot(GELU_DERIVATIVES[1], -0.75)
    assert pole.get_xdata()[0] == pytest.approx(float(xmin), abs=1e-15)


def test_sweep_curve_and_marks(monkeypatch):
    from types import SimpleNamespace

    from gelu_math.facts import Number
    from gelu_math.plots import approx

    # The certified fit takes ~17 s: stub it with the real published envelope (certified, shared
    # with the test above) and a made-up optimum, and check the figure draws exactly these numbers.
    env, _ = approx.certified_envelope("gelu_tanh", "abs", 0)
    fake = SimpleNamespace(published_envelope=env,
                           optimum=Number(None, arb("0.04438", "1e-9")), estimate=sympy.Rational("0.04438"),
                           sup_error=Number(None, arb("0.0003874", "1e-10")))
    monkeypatch.setattr(approx, "certified_fit", lambda *a, **k: (fake, ""))
    ax = plots.sup_vs_coefficient("gelu_tanh", points=3)
    xs, ys = _line(ax, "sweep:gelu_tanh:a").get_data()
    assert list(xs) == pytest.approx([0.040, 0.04438, 0.0445, 0.044715, 0.049])
    grid = [mpmath.mpf(-6) + mpmath.mpf(12) * i / 600 for i in range(601)]
    for c, y in zip((xs[0], xs[3]), (ys[0], ys[3])):  # independent: the same grid, in mpmath
        a = mpmath.mpf(sympy.Rational(str(c)).p) / sympy.Rational(str(c)).q
        with mpmath.workdps(30):
            want = max(abs(t / 2 * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi) * (t + a * t**3))) - t * _Phi(t))
                       for t in grid)
        assert y == pytest.approx(float(want), rel=1e-12)
    (px,), (py,) = _line(ax, "published:gelu_tanh:a").get_data()
    assert (px, py) == (0.044715, float(env.sup.ball.mid()))
    assert py == pytest.approx(4.7323552068e-4, rel=1e-9)  # independent root in the envelope test above
    (ox,), (oy,) = _line(ax, "optimal:gelu_tanh:a").get_data()
    assert (ox, oy) == (0.04438, 0.0003874)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[1] == "published $a = 0.044715$, sup $4.732\\times 10^{-4}$"
    assert texts[2].startswith("optimal $a \\approx 0.04438$")


def test_sweep_without_a_certified_optimum_says_so(monkeypatch):
    from gelu_math.plots import approx

    monkeypatch.setattr(approx, "certified_fit", lambda *a, **k: (None, "tail proof timed out"))
    ax = plots.sup_vs_coefficient("gelu_tanh", points=2)
    gids = [ln.get_gid() for ln in ax.get_lines()]
    assert "published:gelu_tanh:a" in gids and "optimal:gelu_tanh:a" not in gids
    assert "optimum not certified" in [t.get_text() for t in ax.get_legend().get_texts()]
