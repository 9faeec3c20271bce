"""gelu_math.testing: kernels against exact definitions, certified property assertions, pytest plugin."""

from __future__ import annotations

import re

import mpmath
import numpy as np
import pytest

from gelu_math.definitions.registry import REGISTRY
from gelu_math.definitions.user import define
from gelu_math.testing import (Undecided, assert_bounded, assert_envelope_below, assert_lipschitz, assert_matches,
                               assert_minimum_in, assert_monotone)

pytest_plugins = ["pytester"]


def _mp_kernel(f, dtype=np.float64):
    """An independent, correctly rounded kernel: mpmath at 50 digits, rounded once to dtype."""
    def kernel(xs):
        with mpmath.workdps(50):
            return np.array([float(f(mpmath.mpf(float(t)))) for t in xs]).astype(dtype)
    return kernel


GELU_MP = _mp_kernel(lambda t: t * mpmath.ncdf(t))                        # GELU = x Φ(x)  [HG16]
SILU_MP = _mp_kernel(lambda t: t / (1 + mpmath.exp(-t)))


def _naive_gelu(xs):
    from scipy.special import erf
    return xs / 2 * (1 + erf(xs / np.sqrt(2)))  # cancels catastrophically for x << 0


def test_correctly_rounded_kernels_match_within_one_ulp():
    # float64 rounding (≤ 0.5 ulp), float→float conversion of mpmath (≤ 0.5 ulp): 1 ulp in all
    assert_matches(GELU_MP, "gelu", ulps=1, samples=401)
    assert_matches(SILU_MP, "silu", ulps=1, samples=401)
    assert_matches(_mp_kernel(lambda t: t * mpmath.ncdf(t), np.float32), "gelu", ulps=1, dtype=np.float32,
                   samples=401)
    assert_matches(lambda xs: np.maximum(xs, 0), "relu", atol=0, domain=(-2, 2), samples=5)  # hits x = 0


def test_kernel_off_by_1e_3_fails_a_1e_6_bound():
    with pytest.raises(AssertionError) as info:
        assert_matches(lambda xs: GELU_MP(xs) + 1e-3, "gelu", atol=1e-6, samples=101)
    msg = str(info.value)
    assert not isinstance(info.value, Undecided)
    assert "does not match gelu within atol=1e-06" in msg and re.search(r"\b(\d+) of \1 samples fail", msg)
    assert "abs error 1.000e-03" in msg


def test_cancellation_is_caught_in_ulps_but_not_in_absolute_terms():
    # x/2·(1 + erf(x/√2)) loses all relative accuracy for x < −5 (1 + erf ≈ 1e-7 .. 1e-15)
    with pytest.raises(AssertionError, match="ulp"):
        assert_matches(_naive_gelu, "gelu", ulps=4, samples=201)
    assert_matches(_naive_gelu, "gelu", atol=1e-15, samples=201)


def test_nan_outputs_and_wrong_shapes_fail():
    with pytest.raises(AssertionError, match="1 of"):
        assert_matches(lambda xs: np.where(xs == 0, np.nan, GELU_MP(xs)), "gelu", rtol=1e-12, samples=11)
    with pytest.raises(AssertionError, match="shape"):
        assert_matches(lambda xs: xs[:3], "gelu", rtol=1e-12, samples=11)
    with pytest.raises(ValueError):
        assert_matches(GELU_MP, "gelu")  # no bound given


def test_parameters_and_user_functions():
    k = 1.702
    assert_matches(_mp_kernel(lambda t: t / (1 + mpmath.exp(-mpmath.mpf("1.702") * t))), "gelu_sigmoid",
                   params={"k": "1.702"}, ulps=1, samples=201)
    define("square_minus", "x^2 - c", {"c": "1/4"})
    try:
        # x·x − 0.25 cancels near x = ±0.5 (caught in ulps); absolute accuracy is fine
        assert_matches(lambda xs: xs * xs - 0.25, "square_minus", atol=1e-15, domain=(-3, 3), samples=201)
        with pytest.raises(AssertionError, match="ulp"):
            assert_matches(lambda xs: xs * xs - 0.25, "square_minus", ulps=1, domain=(-3, 3), samples=201)
        assert_minimum_in("square_minus", (-0.1, 0.1))
        with pytest.raises(AssertionError):
            assert_matches(lambda xs: xs / (1 + np.exp(-k * xs)), "square_minus", rtol=1e-3, samples=21)
    finally:
        REGISTRY.remove_user("square_minus")


def test_torch_callables():
    torch = pytest.importorskip("torch")
    gelu = lambda t: torch.nn.functional.gelu(t)  # noqa: E731 - a tensor in, a tensor out
    # float64 torch GELU is x/2·(1 + erf(x/√2)): accurate where 1 + erf does not cancel ...
    assert_matches(gelu, "gelu", rtol=1e-12, atol=1e-300, domain=(-3.0, 8.0), samples=101)
    assert_matches(gelu, "gelu", ulps=4, dtype=np.float32, domain=(0.0, 8.0), samples=101)  # float32: 1e3 ULP at −3
    # ... and the helper catches the cancellation below x ≈ −5 (issue #7's finding, here in float64:
    # measured rel. error 3e-4 at x = −7.36 with torch 2.13.0)
    with pytest.raises(AssertionError, match="samples fail"):
        assert_matches(gelu, "gelu", rtol=1e-6, atol=1e-300, domain=(-8.0, -6.0), samples=51)


def test_jax_callables():
    jnp = pytest.importorskip("jax.numpy")
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    assert_matches(lambda t: jax.nn.gelu(jnp.asarray(t), approximate=False), "gelu", rtol=1e-12, atol=1e-300,
                   domain=(-3.0, 8.0), samples=101)
    tanh_form = lambda t: jax.nn.gelu(jnp.asarray(t), approximate=True)  # noqa: E731
    assert_matches(tanh_form, "gelu_tanh", ulps=4, dtype=np.float32, domain=(0.0, 8.0), samples=101)
    # 1 + tanh(u) cancels for u → −∞: jax 0.10.2 returns −0 at x = −6.4 (measured), 100 % relative error
    with pytest.raises(AssertionError, match="samples fail"):
        assert_matches(tanh_form, "gelu_tanh", rtol=1e-3, atol=0, dtype=np.float32, domain=(-8.0, -6.0), samples=21)


# --- certified properties: pass, fail (AssertionError), undecided (Undecided) ------------------------

def _x_min():
    """GELU′(x) = Φ(x) + xφ(x) = 0 at x* ≈ −0.7518 (mpmath root, independent of the engine)."""
    with mpmath.workdps(50):
        return mpmath.findroot(lambda t: mpmath.ncdf(t) + t * mpmath.npdf(t), -0.75)


def _fails(fn, *args, **kw) -> str:
    with pytest.raises(AssertionError) as info:
        fn(*args, **kw)
    assert not isinstance(info.value, Undecided), str(info.value)
    return str(info.value)


def test_monotone():
    assert_monotone("gelu", (-0.75, "inf"), "increasing")
    assert_monotone("gelu", ("-inf", -0.76), "decreasing")
    assert_monotone("relu", ("-inf", "inf"), "monotonic")
    msg = _fails(assert_monotone, "gelu", (-1, 1), "increasing")
    assert "decreasing on [-inf, [-0.7517915246935644574579" in msg
    with pytest.raises(Undecided, match="undecided"):  # the claimed end is x* to 35 digits: inside the ball
        assert_monotone("gelu", (mpmath.nstr(_x_min(), 35), "inf"), "increasing")


def test_bounded_lipschitz_minimum():
    assert_bounded("gelu", lower="-0.17")                           # min GELU = −0.169971...
    assert_bounded("softsign", lower=-1, upper=1)                   # x/(1+|x|) ∈ (−1, 1)
    assert "violated" in _fails(assert_bounded, "softsign", lower="-0.99")
    assert "violated" in _fails(assert_bounded, "gelu", lower="-0.1699")
    assert_lipschitz("gelu", "1.129")                                # sup|GELU′| = 1.128904145...
    assert "1.12890414518515478634" in _fails(assert_lipschitz, "gelu", 1)
    assert_minimum_in("gelu", ball=("-0.75", "0.002"))
    assert "not attained" in _fails(assert_minimum_in, "softsign", (-1, 1))  # inf −1 only as x → −∞
    assert "every x in [-inf, 0]" in _fails(assert_minimum_in, "relu", (-1, 1))


# --- the pytest plugin ----------------------------------------------------------------------------

def test_plugin_fixtures_and_marker(pytester):
    pytester.makefile(".toml", funcs='[function.parab]\nexpr = "x^2 - 2*x"\n')
    pytester.makepyfile("""
        import pytest
        from gelu_math.testing import assert_bounded

        @pytest.mark.activations("relu", "elu")
        def test_bounded_below(activation, gelu_math_analysis):
            a = gelu_math_analysis(activation)
            assert a["range"].value["inf"].value.is_finite
            assert gelu_math_analysis(activation) is a          # cached

        @pytest.mark.activations("relu")
        def test_not_bounded_below_by_one(activation):
            assert_bounded(activation, lower=1)

        @pytest.mark.activations("parab")
        def test_user_function(activation, gelu_math_analysis):
            (p,) = gelu_math_analysis(activation)["stationary_points"].value
            assert p["x"].exact == 1

        @pytest.mark.activations(family="gelu")
        def test_family(activation):
            assert activation.startswith(("gelu", "i_gelu"))

        def test_unmarked(activation=None):
            assert activation is None
    """)
    result = pytester.runpytest("-v", "-p", "no:cacheprovider", "--gelu-math-functions", "funcs.toml")
    result.assert_outcomes(passed=10, failed=1)
    result.stdout.fnmatch_lines(["*test_bounded_below?relu? PASSED*", "*test_bounded_below?elu? PASSED*",
                                 "*test_not_bounded_below_by_one?relu? FAILED*", "*test_family?gelu_tanh? PASSED*",
                                 "*AssertionError: 1 ≤ relu(x) for all real x is false. Certified evidence*"])


def test_envelope_below():
    # sup|x·σ(1.702x) − GELU| = 0.020334872209... (mpmath cross-check in tests/test_claims.py)
    env = assert_envelope_below("gelu_sigmoid", "0.0204")
    assert abs(float(env.sup.ball.mid()) - 0.0203348722092392) < 1e-15
    assert "0.02033487220923923" in _fails(assert_envelope_below, "gelu_sigmoid", "0.02")
    with pytest.raises(Undecided):  # a bound within 1e-30 of the supremum cannot be decided at 20 digits
        assert_envelope_below("gelu_sigmoid", env.sup.ball.mid().str(40, radius=False))
