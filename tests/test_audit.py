"""Float implementation audit (issue 7): formats, derived implementations, reference, engine, CLI.

Independent references: mpmath at 50 digits with its own functions (``mpmath.ncdf``,
``mpmath.erfc``, ``mpmath.log1p`` ...), exact rational arithmetic (``fractions``) for
rounding, and bit patterns fixed by the IEEE 754 / bfloat16 definitions.
"""

from __future__ import annotations

import dataclasses
import json
import re
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from gelu_math.audit import Reference, audit
from gelu_math.audit.reference import REL_BOUND
from gelu_math.cli import main
from gelu_math.definitions.registry import names
from gelu_math.definitions.symbols import x
from gelu_math.errors import CertificationError, InputError, ParameterError, UnknownFunctionError
from gelu_math.floats import FORMATS, implementation
from gelu_math.floats.forms import Erfc
from gelu_math.floats.impl import check_form

F16, BF16, F32, F64 = (FORMATS[n] for n in ("float16", "bfloat16", "float32", "float64"))


# --- exact rounding, test side (Fractions: no floating point involved) ---------------------

def _exact_round(fmt, q: Fraction) -> float:
    """Round the rational q to fmt by IEEE 754 round-to-nearest-even, from the format's
    parameters alone (precision p, emin = 2 - 2^(e-1), emax)."""
    p = fmt.precision
    ebits = fmt.bits - p
    emax = 2 ** (ebits - 1) - 1
    emin = 1 - emax
    if q == 0:
        return 0.0
    s = -1 if q < 0 else 1
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    e = max(e, emin)  # subnormals share the quantum of the smallest binade
    quantum = Fraction(2) ** (e - p + 1)
    n, r = divmod(a, quantum)
    n = int(n)
    if r > quantum / 2 or (r == quantum / 2 and n % 2 == 1):
        n += 1
    v = n * quantum
    if v >= Fraction(2) ** (emax + 1):
        return s * float("inf")
    return s * float(v)


def _mp_round(fmt, v: mpmath.mpf) -> float:
    """Round an mpmath value (50 digits, far from any tie) to fmt."""
    if abs(v) < mpmath.mpf(2) ** -1100:  # far below half the smallest subnormal of every format
        return 0.0
    sign, man, exp, _ = mpmath.mpf(v)._mpf_  # v = (-1)^sign · man · 2^exp exactly
    q = Fraction(int(man)) * (Fraction(2) ** int(exp))
    return _exact_round(fmt, -q if sign else q)


# --- formats --------------------------------------------------------------------------------

def test_bfloat16_known_bit_patterns():
    # float32 bits -> bfloat16 bits, round to nearest even (bfloat16 = top half of float32).
    cases = {
        0x3F800000: 0x3F80,  # 1.0
        0x40490FDB: 0x4049,  # pi -> 3.140625 (low half 0x0FDB < 0x8000: down)
        0x3EAAAAAB: 0x3EAB,  # 1/3 (low half 0xAAAB > 0x8000: up)
        0x3F808000: 0x3F80,  # exact tie, even neighbour below
        0x3F818000: 0x3F82,  # exact tie, even neighbour above
        0x7F7FFFFF: 0x7F80,  # float32 max rounds to inf in bfloat16
        0x7F7F7FFF: 0x7F7F,  # just below the overflow midpoint: bfloat16 max
        0x80000000: 0x8000,  # -0
        0x00000001: 0x0000,  # smallest float32 subnormal -> +0
        0x00018000: 0x0002,  # subnormal tie -> even
        0xFF800000: 0xFF80,  # -inf
    }
    f32 = np.array(list(cases), dtype=np.uint32).view(np.float32)
    got = BF16.to_bits(f32.astype(np.float64))
    assert [int(b) for b in got] == list(cases.values())
    nan = BF16.to_bits(np.array([np.nan]))
    assert np.isnan(BF16.from_bits(nan))[0]


def test_rounding_has_no_double_rounding():
    # 1 + 2^-8 + 2^-30: float32 would round it to the bfloat16 tie 1 + 2^-8 and then to 1.0;
    # the correct bfloat16 value is 1 + 2^-7 (0x3F81).
    v = np.array([1 + 2.0 ** -8 + 2.0 ** -30, -(1 + 2.0 ** -8 + 2.0 ** -30)])
    assert [int(b) for b in BF16.to_bits(v)] == [0x3F81, 0xBF81]
    # same for float16: 1 + 2^-11 + 2^-40 -> 1 + 2^-10 (0x3C01)
    assert int(F16.to_bits(np.array([1 + 2.0 ** -11 + 2.0 ** -40]))[0]) == 0x3C01


@pytest.mark.parametrize("fmt", [F16, BF16, F32])
def test_rounding_matches_exact_rational_rounding(fmt):
    rng = np.random.default_rng(7)
    v = np.concatenate([rng.normal(size=300) * 10.0 ** rng.integers(-45, 39, size=300),
                        [fmt.max_value * (1 + 2.0 ** -(fmt.precision + 1)), 1e39, -1e-46, 2.0 ** -150]])
    got = fmt.from_bits(fmt.to_bits(v))
    want = [_exact_round(fmt, Fraction(float(a))) for a in v]
    assert np.array_equal(got, np.array(want))


def test_ordinals_and_ulp_distance():
    b = F32.to_bits(np.array([-0.0, 0.0, 1.0, np.nextafter(np.float32(1), np.float32(2)), np.inf]))
    o = F32.ordinal(b)
    assert o[0] == o[1] == 0 and o[3] - o[2] == 1 and o[4] == F32.max_ordinal + 1
    o16 = np.arange(-F16.max_ordinal, F16.max_ordinal + 1)
    vals = F16.from_bits(F16.bits_of_ordinal(o16))
    assert np.all(np.diff(vals) > 0)  # ordinals are monotone, one step per value


# --- derived implementations ------------------------------------------------------------------

def test_forms_are_cancellation_free():
    g = implementation("gelu")
    assert g.form.has(Erfc) and not g.form.has(sp.erf)
    assert "Sigmoid" in str(implementation("gelu_tanh").form)
    assert "Expm1" in str(implementation("elu").form)
    assert "Softplus" in str(implementation("softplus").form)
    # softsign': x/(1-x)^2 + 1/(1-x) cancels for x -> -oo; the form is 1/(x-1)^2
    assert implementation("softsign", 1).form.args[0][0] == (x - 1) ** -2


def test_snake_derivative_form_does_not_cancel_near_its_zeros():
    # f' = 1 + sin(2x) (SymPy writes 1 + 2 sin x cos x) vanishes at x = -pi/4 + k*pi; 1 + sin
    # cancels there (6.1e8 float32 ULP before the rewrite). The float32 inputs nearest the zeros,
    # including huge ones where only libm's exact argument reduction helps, against mpmath at 80
    # digits (1 + sin(2x) written independently of the registry).
    f = implementation("snake", 1)
    assert f.form.has(sp.Piecewise) and f.form.has(sp.cos)
    mpmath.mp.dps = 80
    zeros = [-mpmath.pi / 4 + k * mpmath.pi for k in (0, 1, -3, 10**6, 24324717, 10**12)]
    xs = []
    for z in zeros:
        c = np.float32(float(z))
        xs += [c, np.nextafter(c, np.float32(np.inf)), np.nextafter(c, np.float32(-np.inf))]
    xs += [np.float32(7.641344679031603e16), np.float32(-1e30), np.float32(3e38)]
    xs = np.array(xs, dtype=np.float32).astype(np.float64)
    got = f.evaluate(xs)
    for a, b in zip(xs, got):
        ref = 1 + mpmath.sin(2 * mpmath.mpf(float(a)))
        assert abs(b - ref) <= REL_BOUND * abs(ref), (a, b, ref)
    # the c - c*sin(u) branch of the same rule (1 - sin u = cos^2 u / (1 + sin u) where sin u > 0)
    from gelu_math.floats.forms import stable_form
    g = stable_form(1 - sp.sin(3 * x))
    assert g.has(sp.Piecewise)
    check_form(1 - sp.sin(3 * x), g)


def test_erf_derivative_near_tie_is_reported_one_ulp_off():
    # erf'(x) = 2 exp(-x^2)/sqrt(pi) at the float32 input -2.9308454e-5: its float64 value is exactly
    # the midpoint of two float32 neighbours (rounds to even: down), while the exact value lies
    # 3.6e-17 above it, so the correctly rounded value is the upper neighbour. The exhaustive table
    # once called erf' correctly rounded; mpmath at 300 bits, written independently of the registry.
    xv = float(np.float32(-2.9308454031706788e-05))
    with mpmath.workprec(300):
        exact = 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-mpmath.mpf(xv) ** 2)
        lo = np.float32(float(exact))
        hi = np.nextafter(lo, np.float32(np.inf))
        if mpmath.mpf(float(lo)) > exact:
            lo, hi = np.nextafter(lo, np.float32(-np.inf)), lo
        mid = (mpmath.mpf(float(lo)) + mpmath.mpf(float(hi))) / 2
        assert 0 < exact - mid < mpmath.mpf(10) ** -16  # a near-tie, above the boundary
    for x_in in (xv, -xv):  # erf' is even
        r = audit("erf", "float32", "erf", derivative=1, exhaustive=True, domain=(x_in, x_in), workers=1)
        assert r.inputs == 1 and r.max_ulp.error == 1
        assert r.max_ulp.want == float(hi) and r.max_ulp.got == float(lo)


def test_check_form_rejects_a_wrong_rewrite():
    g = implementation("gelu")
    with pytest.raises(CertificationError):
        check_form(g.definition, x * Erfc(x / sp.sqrt(2)) / 2)  # sign of the argument flipped


# mpmath formulas written independently of the registry (sources: the definitions in
# catalog.py's references; mpmath.ncdf is the normal CDF).
MP = {
    "gelu": lambda t: t * mpmath.ncdf(t),
    "silu": lambda t: t / (1 + mpmath.exp(-t)),
    "softplus": lambda t: mpmath.log1p(mpmath.exp(t)),
    "mish": lambda t: t * mpmath.tanh(mpmath.log1p(mpmath.exp(t))),
    "elu": lambda t: mpmath.expm1(t) if t <= 0 else t,
    "logsigmoid": lambda t: -mpmath.log1p(mpmath.exp(-t)),
}


@pytest.mark.parametrize("name", sorted(MP))
def test_float64_values_against_mpmath(name):
    mpmath.mp.dps = 50
    xs = np.concatenate([np.linspace(-40, 40, 161), [-1e-30, 1e-30, -700.5, 700.5]])
    y = implementation(name).evaluate(xs)
    for a, b in zip(xs, y):
        ref = MP[name](mpmath.mpf(float(a)))
        assert abs(b - ref) <= REL_BOUND * abs(ref) + 1e-300, (name, a)  # the bound the reference assumes


def test_float64_error_bound_holds_near_zeros_of_the_derivative():
    """The reference's bound REL_BOUND·M(x) covers cancellation near gelu′'s zero (−0.7518)."""
    mpmath.mp.dps = 50
    ref = Reference("gelu", 1)
    root = -0.751791524693564457457904  # gelu' zero (gelu-math analyze gelu; A. Hendrycks' minimum)
    xs = F32.from_bits(F32.bits_of_ordinal(F32.ordinal(F32.to_bits(np.array([root]))) + np.arange(-50, 51)))
    y, b = ref.float64_with_bound(xs)
    for a, yy, bb in zip(xs, y, b):
        t = mpmath.mpf(float(a))
        exact = mpmath.ncdf(t) + t * mpmath.npdf(t)
        assert abs(yy - exact) <= bb


def _definition_ball(name: str, derivative: int, t: float):
    """f^(derivative)(t) from the *definition* (not the cancellation-free float form) in Arb balls,
    at rising precision until the ball is tight; None at a breakpoint or when it does not tighten."""
    from flint import arb, ctx

    from gelu_math.analysis.calculus import derivative as deriv
    from gelu_math.analysis.pieces import decompose
    from gelu_math.certified.arbeval import compile_arb
    from gelu_math.definitions.registry import get

    pieces = deriv(decompose(get(name).expr), derivative) if derivative else decompose(get(name).expr)
    if any(abs(float(bp) - t) < 1e-9 for bp in pieces.breakpoints):
        return None
    q = sp.Rational(t)
    piece = next(p for p in pieces.pieces if p.contains(q))
    F = compile_arb(piece.expr, x)
    saved = ctx.prec
    try:
        for bits in (128, 512, 2048, 8192):
            ctx.prec = bits
            v = F(arb(t))
            if v.is_finite() and (v.rad() == 0 or v.rad() < abs(v.mid()) * 2.0 ** -80):
                return v
        return None
    finally:
        ctx.prec = saved


@pytest.mark.parametrize("derivative", [0, 1])
@pytest.mark.parametrize("name", names())
def test_float64_error_bound_against_the_definition(name, derivative):
    """The reference's float64 bound REL_BOUND·M(x) + ABS_BOUND, which every correctly rounded value
    (and the exhaustive float32 audit) rests on, checked for every function and derivative against
    Arb evaluation of the exact definition — an independent route (the float form is a rewrite)."""
    from flint import arb

    rng = np.random.default_rng(7)
    grid = np.concatenate([np.linspace(-30, 30, 121), -np.geomspace(1e-6, 1e4, 40), np.geomspace(1e-6, 1e4, 40)])
    xs = np.concatenate([F32.round(grid), F32.from_bits(F32.bits_of_ordinal(
        rng.integers(-F32.max_ordinal, F32.max_ordinal, 120)))])
    y, b = Reference(name, derivative).float64_with_bound(xs)
    checked = 0
    for t, yy, bb in zip(xs, y, b):
        if not np.isfinite(yy + bb):
            continue  # non-finite float64: the reference decides these in Arb
        v = _definition_ball(name, derivative, float(t))
        if v is None:
            continue
        assert (arb(yy) - v).__abs__().upper() <= arb(bb), (name, derivative, float(t), yy, bb, v)
        checked += 1
    assert checked >= 250, checked


# --- reference: correctly rounded -------------------------------------------------------------

def _gelu_mp(v: float, dps: int = 50):
    mpmath.mp.dps = dps
    t = mpmath.mpf(v)
    return t * mpmath.ncdf(t)


def test_reference_hard_cases_against_mpmath():
    ref = Reference("gelu")
    hard = [
        2.0 ** -149, -2.0 ** -149, 3 * 2.0 ** -149, -3 * 2.0 ** -149,  # x/2 is an exact tie
        1e-30, -1e-30, 2.0 ** -126, -(2.0 ** -126) * 1.5,  # tiny
        -13.0, -13.5, -14.0, -9.5, -5.0,  # gelu underflows / tiny values
        3e38, -3e38, 1e30, 7.5, 0.0,  # huge
    ]
    # and float32 inputs whose float64 value lies closest to a rounding boundary
    rng = np.random.default_rng(3)
    xs = F32.from_bits(F32.bits_of_ordinal(rng.integers(-F32.max_ordinal, F32.max_ordinal, 200_000)))
    y, b = ref.float64_with_bound(xs)
    r = F32.round(y)
    ulp = np.abs(F32.from_bits(F32.bits_of_ordinal(F32.ordinal(F32.to_bits(r)) + 1)) - r)
    dist = np.abs(np.abs(y - r) - ulp / 2) / np.maximum(ulp, 1e-300)
    near = xs[np.argsort(dist)[:40]]
    xs_all = np.concatenate([F32.round(np.array(hard)), near])
    got = ref.rounded(F32, xs_all).values
    for a, g in zip(xs_all, got):
        assert g == _mp_round(F32, _gelu_mp(float(a))), a


@pytest.mark.parametrize("fmt", [F16, BF16])
def test_reference_on_a_16bit_grid_against_mpmath(fmt):
    ref = Reference("gelu")
    o = np.arange(-fmt.max_ordinal, fmt.max_ordinal + 1, 97)  # every 97th value, all binades
    o = np.concatenate([o, np.arange(-300, 301)])  # and the subnormals around 0
    xs = fmt.from_bits(fmt.bits_of_ordinal(o))
    got = ref.rounded(fmt, xs).values
    for a, g in zip(xs, got):
        assert g == _mp_round(fmt, _gelu_mp(float(a))), a


def test_reference_float64_against_mpmath():
    ref = Reference("gelu")
    xs = np.array([-37.5, -20.25, -3.0000001, -1e-300, 0.1, 1.5, 2.0 ** -1074, 5.4e300])
    rv = ref.rounded(F64, xs)
    assert rv.escalated == xs.size  # float64 targets always go to Arb
    for a, g in zip(xs, rv.values):
        # 400 digits: at x = 2^-1074 the value exceeds the tie x/2 by a relative 2^-1075
        assert g == _mp_round(F64, _gelu_mp(float(a), 400)), a


def test_reference_exact_ties_of_rational_pieces():
    # hardswish x(x+3)/6 at x = -2.5 is -5/24 ... at x = 1.5: 1.125 exactly representable;
    # at x = 2^-24 (float16 subnormal): value 2^-25 + 2^-48/6, just above a float16 tie.
    ref = Reference("hardswish")
    xs = np.array([1.5, -1.5, 2.0 ** -24, -(2.0 ** -24), -3.0, 3.0, 2.9990234375])
    got = ref.rounded(F16, xs).values
    for a, g in zip(xs, got):
        q = Fraction(a) * (Fraction(a) + 3) / 6 if -3 < a < 3 else (Fraction(0) if a <= -3 else Fraction(a))
        assert g == _exact_round(F16, q), a


def test_reference_decided_in_arb_keeps_the_sign_of_zero():
    # hardswish(−2^−24) = −2^−25 + 2^−48/6: just inside the float16 tie at −2^−25, so it rounds to
    # −0.  A float64 value placed on the tie forces the Arb route, whose ordinal 0 has no sign.
    rv = Reference("hardswish").rounded_from(F16, np.array([-(2.0 ** -24)]), np.array([-(2.0 ** -25)]),
                                             np.array([2.0 ** -70]))
    assert rv.escalated == 1 and rv.values[0] == 0 and np.signbit(rv.values[0])


@pytest.mark.parametrize("name,derivative", [("hardsigmoid", 0), ("hardswish", 0), ("hardswish", 1), ("relu6", 0),
                                             ("hardtanh", 0), ("leaky_relu", 0), ("relu", 1)])
def test_exact_rational_evaluator_agrees_with_sympy(name, derivative):
    from flint import fmpq

    from gelu_math.audit.rational import rational_evaluator

    definition = implementation(name, derivative).definition
    f = rational_evaluator(definition)
    rng = np.random.default_rng(7)
    points = [0.0, -3.0, 3.0, 6.0, -1.0, 1.0, 2.0 ** -24, -(2.0 ** -24)] + list(rng.uniform(-8, 8, 40))
    for xv in points:
        v = sp.piecewise_fold(definition).subs(x, sp.Rational(Fraction(xv)))
        got = f(xv)
        if v.is_Rational:
            assert got == fmpq(int(v.p), int(v.q)), (name, xv)
        else:  # undefined at a breakpoint (relu′ at 0): no value, never a guess
            assert got is None, (name, xv)


def test_exact_rational_evaluator_declines_transcendental_pieces():
    from flint import fmpq

    from gelu_math.audit.rational import rational_evaluator

    assert rational_evaluator(implementation("gelu").definition) is None
    elu = rational_evaluator(implementation("elu").definition)  # x for x > 0, α(e^x − 1) below
    assert elu(2.5) == fmpq(5, 2) and elu(-1.0) is None


# --- the audit: known answers -------------------------------------------------------------------

def test_own_gelu_float16_exhaustive_is_correctly_rounded():
    r = audit("gelu", "float16")
    assert r.mode == "exhaustive" and r.inputs == 63488  # 2^16 - 2048 NaN/inf patterns
    assert r.max_ulp.error == 0 and r.histogram == (("0", 63488),)
    assert r.regions == () and r.nan_outputs == r.inf_outputs == 0


def test_own_gelu_bfloat16_exhaustive_is_correctly_rounded():
    # includes the subnormal ties x/2 that plain "float64 then round" gets wrong half the time
    r = audit("gelu", "bfloat16")
    assert r.inputs == 65280 and r.max_ulp.error == 0


def test_tiny_inputs_are_correctly_rounded_whatever_the_float64_form():
    # hardswish = x(x + 3)/6: at subnormal x, f(x) = x/2 + x²/6 sits just above the float32 tie
    # x/2, but the float64 form gives x/2 one step low (before the fix: 1.1% of these inputs one
    # ULP off); the reference decides these ties exactly in rational arithmetic
    for name in ("hardswish", "gelu", "silu"):
        r = audit(name, "float32", samples=50_000, domain=(-1e-36, 1e-36))
        assert r.max_ulp.error == 0 and r.inputs == 50_000, name


def test_tanh_form_in_float16_is_about_900_ulp_from_gelu():
    # The measurement: the fp16 tanh form is ~900 ULP off (deep negative x, where
    # gelu and its tanh approximation differ relatively most).
    r = audit("gelu_tanh", "float16")
    assert 800 <= r.max_ulp.error <= 1000 and -5 < r.max_ulp.x < -3


@pytest.mark.parametrize("name", names())
def test_own_implementations_float32_within_one_ulp(name):
    for d in (0, 1):
        r = audit(name, "float32", name, derivative=d, samples=3000, domain=(-30, 30))
        assert r.max_ulp.error <= 1, (name, d, r.max_ulp)
        r = audit(name, "float32", name, derivative=d, samples=1000, seed=1)  # whole range
        assert r.max_ulp.error <= 1 and r.nan_outputs == r.inf_outputs == 0, (name, d, r.max_ulp)


def naive_gelu32(a):
    """PyTorch's formula x·0.5·(1 + erf(x/√2)) evaluated in float32."""
    from scipy import special

    a = np.asarray(a, dtype=np.float32)
    return a * np.float32(0.5) * (np.float32(1) + special.erf(a * np.float32(0.70710678)).astype(np.float32))


def test_naive_float32_gelu_loses_relative_accuracy_below_minus_5():
    r = audit(naive_gelu32, "float32", samples=50_000, domain=(-20, 20))
    main_region = max(r.regions, key=lambda g: g.count)
    assert -5.5 < main_region.hi < -4 and main_region.lo < -12 and main_region.max_rel == 1.0
    assert r.max_ulp.error > 2 ** 20


# --- injected faults are caught -----------------------------------------------------------------

def _own16(a):
    return implementation("gelu").kernel(F16)(a)


def test_off_by_one_ulp_is_caught():
    def faulty(a):
        out = _own16(a)
        bump = (a > 1) & (a < 2)
        out[bump] = np.nextafter(out[bump], np.float16(np.inf))
        return out

    r = audit(faulty, "float16")
    n = int(np.sum((F16.from_bits(np.arange(0x3C01, 0x4000)) > 1)))  # float16 values in (1, 2)
    assert r.max_ulp.error == 1 and dict(r.histogram)["1"] == n and 1 < r.max_ulp.x < 2


def test_nan_injection_is_caught():
    def faulty(a):
        out = _own16(a)
        out[a == np.float16(2.5)] = np.nan
        return out

    r = audit(faulty, "float16")
    assert r.nan_outputs == 1 and r.nonfinite_examples[0].x == 2.5
    assert any(g.lo <= 2.5 <= g.hi for g in r.regions)


def naive_tanh_gelu16(a):
    """tanh-form GELU computed naively in float16, tanh(u) = (e^2u − 1)/(e^2u + 1): x³
    overflows float16 for |x| > 40.3 and e^2u for u > 5.5 (inf/inf = NaN)."""
    a = np.asarray(a, dtype=np.float16)
    with np.errstate(all="ignore"):
        u = np.float16(0.7978846) * (a + np.float16(0.044715) * a * a * a)
        e = np.exp(np.float16(2) * u)
        return np.float16(0.5) * a * (np.float16(1) + (e - np.float16(1)) / (e + np.float16(1)))


def test_fp16_overflow_of_naive_tanh_form_is_caught():
    r = audit(naive_tanh_gelu16, "float16")
    assert r.nan_outputs > 0 and all(e.x > 2.7 for e in r.nonfinite_examples)
    assert max(g.hi for g in r.regions) == 65504.0  # the NaN region runs to the largest float16



def test_float64_ulp_error_across_zero_does_not_wrap():
    """float64 ordinals reach ±2^63: the distance from −x to x is 2·(bits of x), computed here
    from the IEEE bit pattern by ``struct`` (Python ints: no overflow)."""
    import struct

    r = audit(lambda a: -a, "float64", reference="relu", samples=50, domain=(1e300, 1e301))
    e = r.max_ulp
    bits = struct.unpack(">q", struct.pack(">d", e.x))[0]
    assert e.want == e.x and e.got == -e.x
    assert e.error == pytest.approx(2 * bits, rel=1e-15) and e.error > 2 ** 63  # the int64 difference wraps


def test_saturating_instead_of_overflowing_is_caught():
    """SELU's positive piece λx (λ = 1.0507..., Klambauer et al. 2017) overflows float16 where
    λx ≥ 65520 = max + half an ULP, i.e. from x = 62368 (spacing 32 in [32768, 65504]): a
    kernel that clips to 65504 there is infinitely far off relatively, not dropped as inf/inf."""
    selu16 = implementation("selu").kernel(F16)

    def clipped(a):
        with np.errstate(over="ignore"):
            return np.clip(selu16(a).astype(np.float64), -65504, 65504).astype(np.float16)

    first = 62368.0
    assert 1.0507009873554804934 * first >= 65520 > 1.0507009873554804934 * (first - 32)
    r = audit(clipped, "float16", reference="selu")
    assert r.max_rel.error == np.inf and r.max_rel.x == first and r.max_rel.want == np.inf
    assert r.max_ulp.error == 1  # 65504 is the neighbour of inf
    assert any(g.lo == first and g.hi == 65504.0 for g in r.regions), r.regions
    assert r.max_abs.error == np.inf


def test_domain_beyond_the_largest_value_has_no_inputs():
    for dom in ((1e6, 2e6), (-2e6, -1e6)):
        with pytest.raises(InputError, match="contains no float16 value"):
            audit("gelu", "float16", domain=dom)
    assert audit("gelu", "float16", domain=(-1e6, 1e6)).inputs == audit("gelu", "float16").inputs


def test_exhaustive_float32_merge_is_independent_of_workers():
    """[−8, −3.5] spans three chunks; regions crossing chunk boundaries and argmax ties must
    merge to the same result with one worker or two."""
    def faulty(a):
        out = implementation("gelu").kernel(F32)(a)
        bump = (a > -6) & (a < -4)  # one region across the chunk boundary, 1 ULP off
        out[bump] = np.nextafter(out[bump], np.float32(0))
        return out

    one = audit(faulty, "float32", exhaustive=True, domain=(-8, -3.5), workers=1)
    two = audit(faulty, "float32", exhaustive=True, domain=(-8, -3.5), workers=2)
    assert one.inputs > 2 * 4_194_304  # more than two chunks
    assert dataclasses.replace(one, seconds=0) == dataclasses.replace(two, seconds=0)
    assert one.max_ulp.error == 1 and dict(one.histogram)["1"] == int(np.sum(
        (F32.from_bits(np.arange(0xC0800001, 0xC0C00000, dtype=np.uint64)) > -6)))  # float32 values in (−6, −4)


# --- IMPL resolution and bad input --------------------------------------------------------------

def test_bad_impl_specs():
    with pytest.raises(UnknownFunctionError):
        audit("nosuch", "float16")
    for spec in ("1bad:f", "os:", "a b:c", "os:path:join", "torch:relu"):
        with pytest.raises(InputError):
            audit(spec, "float16")
    with pytest.raises(InputError):
        audit("no_such_module_xyz:f", "float16")
    with pytest.raises(InputError):
        audit("os:no_such_attribute", "float16")
    with pytest.raises(InputError):
        audit("os:sep", "float16")  # not callable
    with pytest.raises(ParameterError):
        audit("gelu", "float8")
    with pytest.raises(InputError):
        audit("gelu", "float16", domain=(3, 1))
    with pytest.raises(InputError):
        audit("gelu", "float64", exhaustive=True)


def test_kernel_that_raises_or_returns_the_wrong_shape_is_an_input_error():
    def broken(a):
        raise RuntimeError("boom")

    with pytest.raises(InputError, match="boom"):
        audit(broken, "float16")
    with pytest.raises(InputError, match="shape"):
        audit(lambda a: a[:1], "float16")
    # strings and complex values are refused, never converted (numpy would take "1.5" or drop 2j)
    for bad in (lambda a: np.array(["x"] * a.size), lambda a: a.astype(str), lambda a: a.astype(complex)):
        with pytest.raises(InputError, match="not real numbers"):
            audit(bad, "float16")


def test_module_function_spec_imports_a_callable():
    r = audit("numpy:negative", "float16", "gelu", domain=(0.5, 1))
    assert r.impl == "numpy:negative" and r.max_rel.error > 1


@pytest.mark.parametrize("argv", [
    ["audit", "nosuch", "--dtype", "float16"],
    ["audit", "gelu", "--dtype", "float8"],
    ["audit", "gelu", "--dtype", "float16", "--domain", "1,x"],
    ["audit", "gelu", "--dtype", "float16", "--domain", "3,1"],
    ["audit", "gelu", "--dtype", "float16", "--domain=nan,1"],
    ["audit", "os:nosuchfn", "--dtype", "float16"],
    ["audit", "1bad:f", "--dtype", "float16"],
    ["audit", "gelu", "--dtype", "float16", "--samples", "0"],
    ["audit", "gelu", "--dtype", "float16", "--samples", "10", "--exhaustive"],
    ["audit", "gelu"],
])
def test_cli_bad_input_exit_2_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gelu-math: error:")


def test_cli_text_and_json(capsys):
    assert main(["audit", "gelu_tanh", "--dtype", "float16", "--domain=-8,8"]) == 0
    out = capsys.readouterr().out
    assert "max ULP error" in out and "ULP histogram" in out and "lost relative accuracy" in out
    # gelu_tanh against gelu in float16 on [-8, 8]: several ULP (measured 918 over all inputs),
    # printed with its unit and in float16 digits
    assert re.search(r"max ULP error +\d+ ULP at x = -?\d", out), out
    assert main(["audit", "gelu", "--dtype", "float16"]) == 0  # own kernel: correctly rounded
    assert "max ULP error    0 ULP (every input)" in capsys.readouterr().out
    # the exact value is shown next to got/want: GELU(−4.008) to 9 digits, from mpmath (ncdf)
    xm = float(re.search(r"max ULP error +\d+ ULP at x = (-?[\d.]+)", out).group(1))
    xm = float(np.float16(xm))
    assert f"exact ≈ {float(mpmath.mpf(xm) * mpmath.ncdf(xm)):.9g})" in out.splitlines()[3]
    runs = []
    for _ in range(2):
        assert main(["audit", "gelu", "--dtype", "bfloat16", "--samples", "3000", "--json"]) == 0
        runs.append(capsys.readouterr().out)
    assert runs[0] == runs[1]  # deterministic
    j = json.loads(runs[0])
    assert j["mode"] == "sampled" and j["inputs"] == 3000 and j["dtype"] == "bfloat16"
    assert set(j["max_ulp_error"]) == {"error", "x", "got", "want", "exact_float64"}



def test_default_reference_and_parameters(capsys, tmp_path):
    assert audit("elu", "float16").reference == "elu"  # not a GELU approximation: its own function
    assert audit("gelu_sigmoid", "float16", samples=100).reference == "gelu"  # family "gelu"
    assert audit(_own16, "float16", samples=100).reference == "gelu"  # foreign kernels: GELU
    half = audit("elu", "float16", params={"alpha": "1/2"})  # reference follows IMPL's parameters
    assert half.impl == half.reference == "elu(alpha=1/2)" and half.max_ulp.error == 0
    # against the default α = 1: at x = −65504, ELU = α(e^x − 1) rounds to −α, so −0.5 vs −1.0
    # is one float16 binade apart: 1024 ULP (10-bit significand)
    off = audit("elu", "float16", params={"alpha": "1/2"}, ref_params={"alpha": 1}, domain=(-65504, -20))
    assert off.reference == "elu" and off.max_ulp.error == 1024 and off.max_ulp.want == -1.0
    with pytest.raises(InputError, match="own implementations"):
        audit("torch:gelu", "float16", params={"a": 1})
    with pytest.raises(ParameterError):
        audit("elu", "float16", params={"beta": 1})
    assert main(["audit", "elu", "--dtype", "float16", "--param", "alpha=1/2", "--ref-param", "alpha=1",
                 "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["impl"] == "elu(alpha=1/2)" and j["reference"] == "elu"
    toml = tmp_path / "f.toml"
    toml.write_text('[function.xsig2]\nexpr = "x*sigmoid(2*x)"\n', encoding="utf-8")
    assert main(["audit", "xsig2", "--dtype", "float16", "--functions", str(toml), "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["reference"] == "xsig2" and j["max_ulp_error"]["error"] == 0


def test_missing_framework_is_one_clean_error(capsys):
    try:
        import jax  # noqa: F401
    except ImportError:
        assert main(["audit", "jax:gelu", "--dtype", "float16"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "jax is not installed" in err
    else:  # pragma: no cover - jax present: the adapter must work instead
        assert audit("jax:gelu", "float32", samples=1000).inputs == 1000


# --- framework adapters -------------------------------------------------------------------------

def test_torch_gelu_adapters():
    pytest.importorskip("torch")
    r = audit("torch:gelu", "float32", samples=20_000, domain=(-20, 20))
    assert r.impl == "torch:gelu"
    # the finding: PyTorch's float32 GELU loses relative accuracy for x below about -5
    assert any(g.hi < -3.5 and g.max_rel >= 0.5 for g in r.regions), r.regions
    r16 = audit("torch:gelu_tanh", "float16")
    assert r16.inputs == 63488 and r16.max_ulp.error > 100
    rb = audit("torch:gelu", "bfloat16", domain=(-4, 4))
    # measured with torch 2.13.0 (CPU): 98.4% correctly rounded; the worst case is a tiny
    # result flushed to zero (subnormal output lost), no NaN or inf
    assert rb.nan_outputs == rb.inf_outputs == 0 and rb.correctly_rounded_fraction > 0.98
    assert rb.max_ulp.got == 0 and 0 < abs(rb.max_ulp.want) < 1.2e-38
    rd = audit("torch:gelu", "float32", derivative=1, samples=2000, domain=(-3, 3))
    assert rd.reference == "gelu'" and rd.regions == ()  # autograd f' is within 2^-10 relative on [-3, 3]


# --- saturation thresholds (issue 20 item 4) -------------------------------------------------

def _bf16_step(v: float, k: int) -> float:
    """The bfloat16 value k steps up the number line from v (v > 0), by IEEE bit patterns."""
    b = int(np.array([np.float32(v)]).view(np.uint32)[0]) + 0x10000 * k
    return float(np.array([b], dtype=np.uint32).view(np.float32)[0])


def _mp_gelu(xv: float):
    return mpmath.mpf(xv) * mpmath.ncdf(mpmath.mpf(xv))


def test_saturation_bfloat16_gelu_against_mpmath():
    # Expected thresholds derived here with mpmath (50 digits) on the bfloat16 grid, not by the
    # audit: below -12, |GELU| = |x|·Φ(x) increases with x, so "zero for every input <= t" is
    # decided by the largest t whose correctly rounded value is 0 (IEEE: |f| below half the
    # smallest subnormal 2^-133, i.e. < 2^-134) or whose value is below the smallest normal's
    # rounding boundary 2^-126 - 2^-134 (FTZ: subnormal results become 0).  Issue 20 quotes
    # -13.1875 under FTZ and nonzero down to -13.5 with subnormals.
    mpmath.mp.dps = 50
    grid = [-_bf16_step(12.0, k) for k in range(0, 64)]  # -12 down to -15.9 in bfloat16 steps (1/16)
    ieee = max(v for v in grid if abs(_mp_gelu(v)) < mpmath.mpf(2) ** -134)
    ftz = max(v for v in grid if abs(_mp_gelu(v)) < mpmath.mpf(2) ** -126 - mpmath.mpf(2) ** -134)
    assert (ieee, ftz) == (-13.5625, -13.1875)
    # above: GELU(x) < x rounds to x iff it exceeds the midpoint of x and the value below it;
    # from 8 on, x·(1 - Φ(x)) < 1e-14 is far below half a spacing, and it decreases
    above = [_bf16_step(1.0, k) for k in range(0, 3 * 128 + 1)]  # 1 .. 8 in bfloat16 steps
    ident = {v for v in above if _mp_gelu(v) > (mpmath.mpf(v) + mpmath.mpf(_bf16_step(v, -1))) / 2}
    first = min(v for v in above if all(u in ident for u in above if u >= v))
    mpmath.mp.dps = 15
    r = audit("gelu", "bfloat16")
    got = {(s.side, s.kind, s.ftz): s for s in r.saturation}
    assert got[("below", "constant", False)].threshold == ieee and got[("below", "constant", False)].value == 0.0
    assert np.signbit(got[("below", "constant", False)].value)  # -0
    assert got[("below", "constant", True)].threshold == ftz
    assert got[("below", "zero", True)].threshold == ftz
    assert got[("above", "identity", False)].threshold == first == got[("above", "identity", True)].threshold
    # the run lengths count the bfloat16 values from -max up to the threshold
    assert got[("below", "constant", False)].inputs == int(BF16.ordinal(BF16.to_bits(np.array([ieee])))[0]) + 0x7F7F + 1
    j = json.loads(__import__("gelu_math.render.audit_json", fromlist=["dumps"]).dumps(r))
    assert {"side": "below", "output": "constant", "ftz": True, "threshold": ftz,
            "inputs": got[("below", "constant", True)].inputs, "value": -0.0} in j["saturation"]


def test_saturation_of_relu_and_sampled_runs():
    # relu in float16: relu(x) = 0 for x <= 0 (+0 for x < 0; relu(-0) is 0 of some sign) and
    # x for x >= 0; under FTZ the positive subnormal outputs flush too, so "zero" extends to the
    # largest subnormal 2^-14 - 2^-24 and identity starts at the smallest normal 2^-14.
    r = audit("relu", "float16")
    got = {(s.side, s.kind, s.ftz): s for s in r.saturation}
    assert got[("below", "zero", False)].threshold == 0.0
    assert got[("below", "zero", True)].threshold == 2.0 ** -14 - 2.0 ** -24
    assert got[("above", "identity", True)].threshold == 2.0 ** -14
    assert got[("above", "identity", True)].inputs == 0x7BFF - 0x0400 + 1  # normal positive float16 values
    assert audit("relu", "float16", samples=500).saturation is None  # a sample proves no "every input"
    lines = __import__("gelu_math.render.audit_text", fromlist=["audit_text"]).audit_text(r)
    assert "saturation" in lines and "under FTZ: x ≥ 6.104e-05" in lines


def test_saturation_over_a_restricted_domain_is_written_from_the_domain_end():
    # Over --domain -20,20 the bfloat16 GELU run of -0 outputs starts at -20, not at -max: the text
    # must not read like a threshold over every bfloat16 value ("x ≤ -13.56").  The thresholds are the
    # same as over the full range (-13.56 with subnormals, -13.19 under FTZ: the test above).
    from gelu_math.render.audit_text import audit_text

    r = audit("gelu", "bfloat16", domain=(-20.0, 20.0))
    text = audit_text(r)
    assert "from the end of the audited domain [-20, 20] to the threshold" in text
    assert "with subnormals: -20 ≤ x ≤ -13.56 (" in text and "under FTZ: -20 ≤ x ≤ -13.19 (" in text
    assert "2.781 ≤ x ≤ 20 (" in text and ": x ≤ " not in text and ": x ≥ " not in text
    full = audit_text(audit("gelu", "bfloat16"))
    assert "every input beyond the threshold" in full and "with subnormals: x ≤ -13.56 (" in full


# --- progress output (issue 20 item 5) ----------------------------------------------------------

_PROGRESS_ARGV = ["-m", "gelu_math", "audit", "gelu", "--dtype", "float32", "--exhaustive", "--domain=1,1.01",
                  "--workers", "1", "--json"]


def _run_with_stderr(stderr_tty: bool, extra=()):
    import os
    import pty
    import subprocess
    import sys

    if not stderr_tty:
        p = subprocess.run([sys.executable, *_PROGRESS_ARGV, *extra], capture_output=True, timeout=120)
        return p.returncode, p.stderr
    master, slave = pty.openpty()
    try:
        p = subprocess.run([sys.executable, *_PROGRESS_ARGV, *extra], stdout=subprocess.DEVNULL, stderr=slave,
                           timeout=120)
        os.close(slave)
        slave = None
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the slave side is closed and drained
                break
            if not data:
                break
            chunks.append(data)
        return p.returncode, b"".join(chunks)
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)


def test_progress_only_on_a_terminal(capsys):
    import os
    import pty

    from gelu_math.cli.audit import show_progress

    # stderr a pipe (pytest's capture): no progress line, even for --exhaustive
    assert main(_PROGRESS_ARGV[2:]) == 0
    assert capsys.readouterr().err == ""
    # stderr a terminal: the bar, in a real process on a pseudo-terminal; --quiet silences it
    rc, err = _run_with_stderr(True)
    assert rc == 0 and b"\r[" in err and b"100.0%" in err
    master, slave = pty.openpty()
    try:
        with os.fdopen(os.dup(slave), "w") as tty:
            assert show_progress(False, tty) and not show_progress(True, tty)
    finally:
        os.close(master)
        os.close(slave)


def test_more_samples_than_the_domain_has_values_audits_every_value():
    # independent review: --samples 1000 over [1, 1] reported 1,000 inputs (one float32 value, drawn
    # with replacement); now every value of such a domain is audited, and the mode says "exhaustive"
    r = audit("gelu", "float32", samples=1000, domain=(1.0, 1.0))
    assert (r.inputs, r.mode) == (1, "exhaustive")
    r = audit("gelu", "float16", samples=5000, domain=(1.0, 2.0))  # 1,025 float16 values in [1, 2]
    assert (r.inputs, r.mode) == (1025, "exhaustive")
    assert audit("gelu", "float32", samples=100, domain=(1.0, 2.0)).mode == "sampled"


# --- the sign of a correctly rounded zero --------------------------------------------------------

def test_the_sign_of_a_rounded_zero_is_the_exact_values():
    """gelu′ = Φ(x) + xφ(x) < 0 for x < −0.7518 (an independent review): where it rounds to zero the
    correctly rounded float16 value is −0, while the float64 stage gives +0 (Φ underflows, 0 + (−0) = +0)
    and so does the kernel.  Reference: mpmath at 30 digits, rounded to float16 by hand (|v| ≤ 2^−25
    rounds to zero: half the least subnormal 2^−24, the tie going to the even 0), the kernel's own
    float64 values rounded by numpy."""
    r = audit("gelu", dtype="float16", derivative=1)
    xs = np.arange(0, 2 ** 16, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float64)
    xs = xs[np.isfinite(xs) & (xs < -0.75)]
    kernel = implementation("gelu", 1).evaluate(xs).astype(np.float16)
    want = 0
    with mpmath.workdps(30):
        for v, k in zip(xs, kernel):
            t = mpmath.mpf(float(v))
            exact = mpmath.ncdf(t) + t * mpmath.npdf(t)
            if exact < 0 and abs(exact) <= mpmath.mpf(2) ** -25 and k == 0 and not np.signbit(k):
                want += 1
    assert want > 10000  # the saturated left tail, well below −0.7518
    assert r.zero_sign_mismatches == want
    assert r.max_ulp.error == 0 and r.correctly_rounded_fraction == 1.0  # ±0 count as equal in the ULP measures
    j = json.loads(__import__("gelu_math.render.audit_json", fromlist=["dumps"]).dumps(r))
    assert j["zero_sign_mismatches"] == want


def test_zero_signs_of_f_itself_and_where_they_cannot_be_certified():
    # GELU's own kernel keeps the sign of its tiny negative outputs (−0 at the far left); ReLU is exactly 0 on
    # x < 0 (no sign to certify); Snake has infinitely many zeros, so no sign is claimed: None, and the text says so
    assert audit("gelu", dtype="bfloat16").zero_sign_mismatches == 0
    assert audit("relu", dtype="float16").zero_sign_mismatches == 0
    r = audit("snake", dtype="float16")
    assert r.zero_sign_mismatches is None
    from gelu_math.render.audit_text import audit_text

    assert "sign of zero     not checked" in audit_text(r)
