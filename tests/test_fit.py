"""``fit``: the search range it reports, the certified window, the whole-range exclusion, and the
metric/approximation pairs whose supremum no coefficient changes (issue 14, item 6).

Reference values come from formulas retyped in mpmath (Hendrycks & Gimpel 2016: GELU = x·Φ(x),
the sigmoid form x·σ(kx), SiLU x·σ(βx); the tanh form x/2·(1 + tanh(√(2/π)(x + a x³)))), evaluated
on dense grids at 30 digits — a code path separate from gelu_math's SymPy/Arb pipeline.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal

import mpmath
import pytest
import sympy as sp

from gelu_math.cli import main
from gelu_math.envelope import NoOptimumError, fit
from gelu_math.errors import CertificationError, ParameterError
from gelu_math.render.envelope import interval_strings


def _gelu(t):
    return t / 2 * mpmath.erfc(-t / mpmath.sqrt(2))


def _silu_minus_gelu(beta):
    return lambda t: t / (1 + mpmath.exp(-beta * t)) - _gelu(t)


def _scan_sup(e, lo=-10, hi=10, n=4001):
    """max |e| on a dense grid refined by golden steps around the best grid points (a lower bound of sup)."""
    with mpmath.workdps(30):
        ts = [mpmath.mpf(lo) + (hi - lo) * mpmath.mpf(i) / (n - 1) for i in range(n)]
        vals = [abs(e(t)) for t in ts]
        best = max(vals)
        for i in range(1, n - 1):
            if vals[i] >= vals[i - 1] and vals[i] >= vals[i + 1] and vals[i] > best / 2:
                m = mpmath.findroot(lambda s: mpmath.diff(e, s), ts[i])
                best = max(best, abs(e(m)))
        return best


@functools.lru_cache(maxsize=None)
def _silu_fit():
    return fit("silu", "beta", search=("1.5", "2"), digits=20)


def test_search_is_the_callers_range_and_the_window_is_named():
    f = _silu_fit()
    assert f.search == (sp.Rational(3, 2), sp.Integer(2))
    w_lo, w_hi = f.certified_window
    assert f.search[0] <= w_lo < w_hi <= f.search[1] and (w_lo, w_hi) != f.search
    lo, hi = (mpmath.mpf(s) for s in interval_strings(f.optimum, 20))
    assert w_lo <= lo and hi <= w_hi
    # The whole search range is certified: the steps say how the rest of it was excluded
    assert any("whole search range" in s.text for s in f.steps)


def test_the_excluded_coefficients_have_a_larger_sup():
    # independent check of the exclusion claim: for β in the search range but outside the window, the mpmath
    # sup of |x·σ(βx) − x·Φ(x)| exceeds the certified minimax value; at the optimum it does not
    f = _silu_fit()
    s_lo, s_hi = (mpmath.mpf(s) for s in interval_strings(f.sup_error, 20))
    w_lo, w_hi = f.certified_window
    for beta in (mpmath.mpf("1.5"), (mpmath.mpf("1.5") + mpmath.mpf(w_lo.p) / w_lo.q) / 2,
                 (mpmath.mpf(w_hi.p) / w_hi.q + 2) / 2, mpmath.mpf(2)):
        assert _scan_sup(_silu_minus_gelu(beta)) > s_hi, beta
    mid = (mpmath.mpf(interval_strings(f.optimum, 20)[0]) + mpmath.mpf(interval_strings(f.optimum, 20)[1])) / 2
    assert _scan_sup(_silu_minus_gelu(mid)) <= s_hi * (1 + mpmath.mpf(10) ** -12)


def test_cli_reports_the_callers_range(capsys):
    assert main(["fit", "silu", "--coefficient", "beta", "--search=1.5,2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["search"] == ["1.5", "2"]
    assert main(["fit", "silu", "--coefficient", "beta", "--search=1.5,2"]) == 0
    assert "search range [1.5, 2]" in capsys.readouterr().out


def test_default_search_is_published_value_plus_minus_half():
    # the documented default: published ±50% (k = 1.702 → [0.851, 2.553])
    f = fit("gelu_sigmoid", "k", target="cdf", digits=15)
    assert f.search == (sp.Rational("0.851"), sp.Rational("2.553"))
    assert f.search[0] <= f.certified_window[0] and f.certified_window[1] <= f.search[1]


def test_bad_search_range_is_a_typed_error():
    with pytest.raises(ParameterError):
        fit("gelu_sigmoid", "k", search=("2", "1"))
    with pytest.raises(ParameterError):
        fit("gelu_sigmoid", "k", search=("1",))


@pytest.mark.slow
def test_relative_error_of_the_tanh_form_has_no_optimum():
    # (1 + tanh u)/(1 + erf(x/√2)) → 0 as x → −∞ for every a > 0 (u is cubic, the Gaussian tail only quadratic),
    # so the relative error tends to −1 and sup |e| ≥ 1 for every a; at a = 0.044715 it is exactly 1
    with mpmath.workdps(30):
        for a in (mpmath.mpf("0.0223575"), mpmath.mpf("0.0670725")):
            u = mpmath.sqrt(2 / mpmath.pi) * (-12 + a * (-12) ** 3)
            assert abs((1 + mpmath.tanh(u)) / mpmath.erfc(12 / mpmath.sqrt(2)) - 1 + 1) < 1e-20
    with pytest.raises(NoOptimumError) as info:
        fit("gelu_tanh", "a", metric="rel", digits=15)
    msg = str(info.value)
    assert "\n" not in msg and "lim e = -1 as x → −∞" in msg and "sup |e| ≥ 1" in msg and "0.044715" in msg


def test_relative_error_of_the_sigmoid_form_is_unbounded_for_every_k(capsys):
    # σ(kx)/Φ(x) ~ e^{kx}·|x|·√(2π)·e^{x²/2} → ∞ as x → −∞ for every k > 0
    with mpmath.workdps(30):
        assert all(1 / (1 + mpmath.exp(k * 20)) / mpmath.ncdf(-20) > 1e60 for k in (mpmath.mpf("0.851"), 3))
    with pytest.raises(NoOptimumError, match="unbounded for every k in"):
        fit("gelu_sigmoid", "k", metric="rel", digits=15)
    assert main(["fit", "gelu_sigmoid", "--coefficient", "k", "--metric", "rel"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no coefficient to fit" in err


def test_fit_refusals_are_certification_errors():
    assert issubclass(NoOptimumError, CertificationError)


def test_fit_prints_only_the_digits_its_enclosure_supports(capsys):
    # the optimum is confined to ~1e-12 (the gap between the two bounds of the minimax value): --digits 30 must
    # not print 33 digits; each bound has at most one digit beyond the place of the enclosure's width
    assert main(["fit", "gelu_sigmoid", "--coefficient", "k", "--digits", "30", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    for key in ("optimum", "sup_error"):
        lo, hi = Decimal(d[key]["lower"]), Decimal(d[key]["upper"])
        assert lo < hi
        for b in (lo, hi):
            assert -b.as_tuple().exponent <= -(hi - lo).adjusted() + 2, (key, b, hi - lo)
    assert d["search"] == ["0.851", "2.553"] and d["certified_window"] == ["1.68429", "1.86158"]
    # a tight envelope keeps all its digits
    assert len(d["published"]["sup_error"]["lower"].lstrip("0.")) >= 30


@pytest.mark.parametrize("argv", [["fit", "gelu_tanh", "--coefficient", "a", "--search=-2,-1"],
                                  ["fit", "gelu_sigmoid", "--coefficient", "k", "--search=-1,3"]])
def test_a_search_range_outside_the_parameter_range_is_refused(argv, capsys):
    # independent review: a ∈ [0, ∞) searched over [−2, −1] gave exit 3 ("no local extremum"), k > 0
    # searched over [−1, 3] was "certified over the search range"; like --param, exit 2
    assert main(argv + ["--digits", "10"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "search range" in err and "is outside its range" in err
    with pytest.raises(ParameterError):
        fit("gelu_tanh", "a", digits=10, search=("-2", "-1"))
