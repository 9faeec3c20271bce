"""The seeds' MNIST network at initialisation (gelu_math.gauss.network, the "network" property) and
the Gaussian figures (gelu_math.plots.gauss).

References: the mean-field recursion iterated here independently with mpmath's tanh-sinh
quadrature at 30 digits (``mp.quad`` of GELU(√q z)² against the normal density, GELU written with
mpmath's erfc), and exact rational arithmetic for ReLU (E ReLU(√q Z)² = q/2, E ReLU′² = 1/2).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import pytest
import sympy as sp
from flint import arb

import gelu_math.extras.network  # noqa: F401  (registers the property until the engine imports it)
from gelu_math.errors import InputError
from gelu_math.gauss.network import INITS, network, sigmas
from gelu_math.gauss.moments import instance_of


def _contains(number, ref) -> bool:
    b = number.ball
    return bool(b.overlaps(arb(mp.nstr(ref, 28, strip_zeros=False), "1e-26"))) and b.rad() < 1e-14


def test_gelu_torch_default_prediction_against_mpmath_and_monte_carlo():
    n = network("gelu", init="torch")
    with mp.workdps(30):
        gelu = lambda z: z * mp.erfc(-z / mp.sqrt(2)) / 2  # noqa: E731
        dgelu = lambda z: mp.erfc(-z / mp.sqrt(2)) / 2 + z * mp.npdf(z)  # noqa: E731
        E = lambda g, q: mp.quad(lambda z: g(mp.sqrt(q) * z) ** 2 * mp.npdf(z), [-mp.inf, 0, mp.inf])  # noqa: E731
        # PyTorch nn.Linear: Var w = 1/(3 fan_in), Var b = 1/(3 fan_in); fan_in 784, then 128
        q = mp.mpf(1) / 3 + mp.mpf(1) / (3 * 784)
        qs, chis = [q], []
        for _ in range(7):
            chis.append(E(dgelu, q) / 3)
            q = E(gelu, q) / 3 + mp.mpf(1) / (3 * 128)
            qs.append(q)
        ratios = [mp.fprod(chis[l:]) for l in range(8)]
    for L, q, r in zip(n.layers, qs, ratios):
        assert _contains(L.q, q) and _contains(L.ratio, r)
        # the Monte Carlo estimate lies within its stated spread (2 sd over 10 seeds) of the prediction
        assert abs(L.q_mc - float(q)) <= 2 * L.q_sd
        if L.layer < 8:
            assert abs(L.ratio_mc - float(r)) <= 2 * L.ratio_sd
    assert n.layers[0].q.exact == Fraction(785, 2352)  # 1/3 + 1/2352, exact
    assert float(n.layers[0].ratio.ball.mid()) < 1e-7  # the vanishing gradient under torch's default


def test_relu_is_exact_and_he_init_preserves_everything():
    he = network("relu", init="he", seeds=(0, 1, 2))
    assert all(L.q.exact == 2 and L.ratio.exact == 1 for L in he.layers)  # σ_w² = 2: χ = 2·(1/2) = 1
    torch = network("relu", init="torch", seeds=(0,), batch=16)
    q = Fraction(1, 3) + Fraction(1, 3 * 784)
    for L in torch.layers:
        assert L.q.exact == q
        assert L.ratio.exact == Fraction(1, 6) ** (8 - L.layer)  # χ = (1/3)·(1/2)
        q = q / 6 + Fraction(1, 384)
    # the rms-gain initialisation keeps q = 1 exactly for GELU too (g² = 1/E GELU(Z)²)
    sig = sigmas(instance_of("gelu"), "gain")
    assert sig[0] == (1, 0) and sp.simplify(sig[1][0] - 6 * sp.pi / (sp.sqrt(3) + 2 * sp.pi)) == 0
    g = network("gelu", init="gain", seeds=(0,), batch=8)
    assert all(L.q.exact == 1 for L in g.layers)
    # χ = E GELU′(Z)²/E GELU(Z)² per layer (mpmath quadrature at 30 digits), so the ratio is χ⁷ at layer 1
    with mp.workdps(30):
        E = lambda g: mp.quad(lambda z: g(z) ** 2 * mp.npdf(z), [-mp.inf, 0, mp.inf])  # noqa: E731
        chi = E(lambda z: mp.ncdf(z) + z * mp.npdf(z)) / E(lambda z: z * mp.ncdf(z))
        assert _contains(g.layers[0].ratio, chi ** 7)


def test_network_is_deterministic_and_bad_input_is_typed():
    a = network("elu", init="he", seeds=(3, 4), batch=32)
    import importlib

    importlib.import_module("gelu_math.gauss.network")._CACHE.clear()  # the module (gauss.network is the function)
    b = network("elu", init="he", seeds=(3, 4), batch=32)
    assert [(L.q_mc, L.ratio_sd) for L in a.layers] == [(L.q_mc, L.ratio_sd) for L in b.layers]
    for kw in ({"init": "xavier"}, {"seeds": ()}, {"seeds": (-1,)}, {"batch": 0}, {"input_second": "-1"}):
        with pytest.raises(InputError):
            network("gelu", **kw)
    assert set(INITS) == {"torch", "he", "gain"}


def test_property_renders_in_every_back_end():
    from gelu_math.engine import analyze
    from gelu_math.properties import get_property
    from gelu_math.render.json_out import analysis_json
    from gelu_math.render.report import FORMATS
    from gelu_math.render.report.build import assemble, function_document, property_claims
    from gelu_math.render.text import TextPrinter

    assert not get_property("network").applies_to(instance_of("silu"))
    a = analyze("relu", parts=("network",), digits=20)
    fact = a.facts["network"]
    assert fact.method.value == "estimate" and len(fact.value) == 8 * len(INITS)
    text = TextPrinter(20).body(get_property("network"), fact)
    assert "Monte Carlo (estimate)" in text[0] and "785/2352" in text[1]
    row = analysis_json(a)["network"][0]
    assert row["q"]["exact"] == "785/2352" and isinstance(row["q_mc"], str)
    doc = assemble(function_document(a, property_claims(a)), (), a.failures)
    for fmt in ("md", "html", "tex"):
        assert "Deep network at initialisation" in FORMATS[fmt].render(doc, 20)


def test_figures_build():
    from gelu_math.plots import gauss as G

    fig = G.network_figure(("relu",), "single", seeds=(0, 1))
    gids = {a.get_gid() for ax in fig.axes for a in ax.get_lines()}
    assert "curve:relu:he:q" in gids and len(fig.axes) == 2 * len(INITS)
    ax = G.variance_maps(("tanh", "relu"))
    marks = [ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith("mark:fixed-point")]
    # tanh with σ_w² = 2, σ_b² = 1/10 has one fixed point (q* ≈ 0.8146), ReLU none (V(q) = q + 1/10)
    assert [m.get_gid() for m in marks] == ["mark:fixed-point:tanh"]
    assert abs(marks[0].get_xdata()[0] - 0.814644) < 1e-5
    ax = G.chi1(("relu",))
    assert [ln.get_gid() for ln in ax.get_lines()][-1] == "curve:relu:chi1"
    ax = G.kernels(("relu",))
    ks = [ln for ln in ax.get_lines() if ln.get_gid() == "mark:kernel:relu"]
    assert abs(ks[1].get_ydata()[0] - 1 / (2 * 3.141592653589793)) < 1e-9  # k(0) = 1/(2π)
