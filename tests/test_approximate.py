"""gelu-math approximate: certified minimax designs, checked independently (mpmath, scipy LP)."""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from gelu_math.approximate import DesignError, FormatError, approximate, audit_kernel, numpy_kernel, source
from gelu_math.cli import main
from gelu_math.definitions.symbols import x

DIGITS = 10


@pytest.fixture(scope="module")
def design():
    return approximate("gelu", 4, "-4,4", digits=DIGITS)


@pytest.fixture(scope="module")
def rounded():
    return approximate("gelu", 4, "-4,4", digits=DIGITS, fmt="float16")


def _gelu(t):
    return t * mpmath.ncdf(t)  # independent of gelu-math's definitions: mpmath's normal CDF


def _design_value(d, t):
    """The design at t from its reported exact coefficients and tails (mpmath, 40 digits)."""
    lo, hi = (mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for v in d.on)
    if t < lo and d.tails[0].expr is not None:
        return mpmath.mpf(float(d.tails[0].expr.subs("x", 0))) if not d.tails[0].expr.has(sp.Symbol) else t
    if t > hi and d.tails[1].expr is not None:
        return t if d.tails[1].expr.free_symbols else mpmath.mpf(float(d.tails[1].expr))
    p = next(p for p in d.pieces if p.lo <= t <= p.hi) if lo <= t <= hi else d.pieces[0 if t < lo else -1]
    return mpmath.fsum(mpmath.mpf(c.p) / c.q * t ** k for k, c in enumerate(p.coefficients))


def _upper(n):
    return float(n.ball.upper())


def _lower(n):
    return float(n.ball.lower())


def test_dense_evaluation_never_exceeds_the_certified_bound(design):
    with mpmath.workdps(40):
        on = [abs(_design_value(design, t) - _gelu(t)) for t in mpmath.linspace(-4, 4, 2001)]
        out = [abs(_design_value(design, t) - _gelu(t)) for t in mpmath.linspace(-30, 30, 1201)]
    assert max(on) <= _upper(design.sup_on.sup)
    assert max(out) <= _upper(design.sup.sup)
    # and the bound is sharp: the dense maximum comes within 1e-6 (relative) of it
    assert max(on) >= _lower(design.sup_on.sup) * (1 - 1e-6)


def test_tails_are_the_asymptotes(design):
    assert [t.kind for t in design.tails] == ["asymptote", "asymptote"]
    assert design.tails[0].expr == 0 and design.tails[1].expr == sp.Symbol("x", real=True)


def test_lp_minimax_on_a_grid_is_not_better_than_the_ratio_allows(design):
    from scipy.optimize import linprog

    xs = np.linspace(-4, 4, 2001)
    with mpmath.workdps(30):
        g = np.array([float(_gelu(mpmath.mpf(float(t)))) for t in xs])
    u = xs / 4
    A = np.array([u ** k for k in range(5)]).T
    n = A.shape[1]
    res = linprog(np.r_[np.zeros(n), 1], A_ub=np.vstack([np.c_[A, -np.ones(len(xs))], np.c_[-A, -np.ones(len(xs))]]),
                  b_ub=np.r_[g, -g], bounds=[(None, None)] * (n + 1), method="highs")
    assert res.status == 0
    e_lp = res.x[-1]
    # design sup <= ratio * E* and E* >= E_lp (a subset of points); E_lp can be below E* only by the
    # grid's discretisation (h = 0.004: |e| within ~1e-7 relative of its peak between grid points)
    assert e_lp <= _upper(design.sup_on.sup) * (1 + 1e-9)
    assert e_lp >= _upper(design.sup_on.sup) / float(design.ratio_upper) * (1 - 1e-6)
    assert float(design.ratio_upper) < 1.001
    assert _lower(design.lower) <= e_lp * (1 + 1e-6)  # the proved lower bound really is below the optimum


def test_equioscillation_alternates_and_bounds_the_optimum(design):
    (piece,) = design.pieces
    assert len(piece.reference) == 6  # degree 4: D + 2 alternation points
    signs = [1 if n.ball > 0 else -1 for _, n in piece.reference]
    assert all(a == -b for a, b in zip(signs, signs[1:]))
    with mpmath.workdps(40):
        for t, n in piece.reference:  # the errors at the exact reference points, recomputed by mpmath
            tt = mpmath.mpf(t.p) / t.q
            v = _design_value(design, tt) - _gelu(tt)
            assert abs(float(v) - float(n.ball.mid())) < 1e-15


def test_rounding_never_claims_less_than_the_optimum(design, rounded):
    for c in rounded.pieces[0].coefficients:
        f = Fraction(int(c.p), int(c.q))
        assert Fraction(float(np.float16(float(f)))) == f  # exactly a float16 value
    assert _lower(rounded.sup_on.sup) >= _lower(design.lower)  # E* (real coefficients) <= rounded error
    assert _lower(rounded.sup_on.sup) >= _lower(design.sup_on.sup) * (1 - float(design.ratio_upper - 1))
    with mpmath.workdps(40):
        dense = max(abs(_design_value(rounded, t) - _gelu(t)) for t in mpmath.linspace(-4, 4, 2001))
    assert dense <= _upper(rounded.sup_on.sup)


def test_piecewise_design_with_knots():
    d = approximate("gelu", 3, "-4,4", knots="0", digits=DIGITS)
    assert [(p.lo, p.hi) for p in d.pieces] == [(-4, 0), (0, 4)]
    with mpmath.workdps(40):
        dense = max(abs(_design_value(d, t) - _gelu(t)) for t in mpmath.linspace(-4, 4, 2001))
    assert dense <= _upper(d.sup_on.sup) and d.lower is not None
    single = approximate("gelu", 3, "-4,4", digits=DIGITS)
    assert _upper(d.sup_on.sup) < _lower(single.lower)  # two pieces beat the best single cubic, provably


def test_odd_parity_design():
    d = approximate("tanh", 5, "-2,2", parity="odd", digits=DIGITS)
    (p,) = d.pieces
    assert all(c == 0 for c in p.coefficients[0::2])
    assert len(p.reference) == 4 and d.lower is not None  # 3 odd powers: 4 points on [0, 2]
    with mpmath.workdps(40):
        dense = max(abs(mpmath.fsum(mpmath.mpf(c.p) / c.q * t ** k for k, c in enumerate(p.coefficients))
                        - mpmath.tanh(t)) for t in mpmath.linspace(-2, 2, 2001))
    assert dense <= _upper(d.sup_on.sup) and dense >= _lower(d.sup_on.sup) * (1 - 1e-6)
    # beyond ±2 the tails are tanh's asymptotes ±1: sup over ℝ is |1 - tanh(2)| (mpmath), at the knot
    assert abs(float(d.sup.sup.ball.mid()) - float(1 - mpmath.tanh(2))) < 1e-14


@pytest.mark.parametrize("kwargs, error", [
    (dict(degree=-1), DesignError), (dict(degree=65), DesignError), (dict(on="4,-4"), DesignError),
    (dict(on="1,1"), DesignError), (dict(knots="5"), DesignError), (dict(knots="-4"), DesignError),
    (dict(knots="1,0"), DesignError), (dict(pieces=0), DesignError), (dict(pieces=2, knots="0"), DesignError),
    (dict(tails="zero"), DesignError), (dict(tails="zero,banana"), DesignError),
    (dict(parity="even", on="-1,2"), DesignError), (dict(metric="max"), DesignError),
    (dict(fmt="float8"), FormatError),
])
def test_bad_input_is_a_typed_error(kwargs, error):
    args = dict(name="gelu", degree=2, on="-4,4")
    args.update(kwargs)
    with pytest.raises(error) as err:
        approximate(args.pop("name"), args.pop("degree"), args.pop("on"), **args)
    assert "\n" not in str(err.value)


def test_format_that_cannot_hold_a_coefficient(capsys, forget_user_functions):
    assert main(["approximate", "big", "--expr", "100000*x", "--degree", "1", "--on=0,1", "--format", "float16"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot hold" in err


@pytest.mark.parametrize("argv", [
    ["--degree", "-1", "--on=-4,4"], ["--degree", "65", "--on=-4,4"], ["--degree", "2", "--on=4,-4"],
    ["--degree", "2", "--on=-4,4", "--knots=9"], ["--degree", "2"], ["--on=-4,4"],
    ["--degree", "2", "--on=-4,4", "--audit", ""], ["--degree", "2", "--on=-4,4", "--audit", "float16,"],
])
def test_cli_bad_input_exit_2_one_line(argv, capsys):
    assert main(["approximate", "gelu", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gelu-math")


def test_cli_non_constant_condition_exit_2(capsys, forget_user_functions):
    assert main(["approximate", "pw", "--expr", "piecewise(x < x^2, 1, 0)", "--degree", "2", "--on=-4,4"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gelu-math")


def test_cli_json_keys(capsys):
    assert main(["approximate", "gelu", "--degree", "3", "--on=-4,4", "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    for key in ("coefficients", "sup", "sup_on", "on", "tails", "equioscillation", "optimality", "certified", "method"):
        assert key in j, key
    assert len(j["coefficients"]) == 4 and all(isinstance(c, str) for c in j["coefficients"])
    assert set(j["sup"]) == {"lower", "upper"} and float(j["sup_on"]["lower"]) <= float(j["sup_on"]["upper"])
    assert j["optimality"]["proved"] and float(j["optimality"]["ratio"]) >= 1 and j["certified"] is True
    assert j["on"] == ["-4", "4"] and len(j["equioscillation"]) == 5
    out1 = json.dumps(j)
    assert main(["approximate", "gelu", "--degree", "3", "--on=-4,4", "--json"]) == 0
    assert json.dumps(json.loads(capsys.readouterr().out)) == out1  # byte-identical run to run


def test_emitted_kernels(rounded):
    ns: dict = {}
    exec(compile(source(rounded, "numpy"), "<emitted>", "exec"), ns)  # our own generated code, in a test
    xs = np.arange(-(2 ** 15), 2 ** 15, dtype=np.int64).astype(np.uint16).view(np.float16)
    xs = xs[np.isfinite(xs)]
    with np.errstate(all="ignore"):
        a, b = ns["gelu_kernel"](xs), numpy_kernel(rounded)(xs)
    assert a.dtype == np.float16 and np.array_equal(a, b, equal_nan=True)
    c = source(rounded, "c")
    for coef in rounded.pieces[0].coefficients:
        if coef:
            assert float(coef).hex() in c  # exact hexadecimal literals
    assert "torch.where" in source(rounded, "torch")


def test_audit_of_the_emitted_kernel(rounded):
    r = audit_kernel(rounded, ("float16",))["float16"]
    assert r.mode == "exhaustive" and r.inputs == 63488  # every finite float16 bit pattern, ±0 included
    e = r.max_abs
    with mpmath.workdps(30):
        want = float(np.float16(float(_gelu(mpmath.mpf(e.x)))))
    assert e.want == want and e.got == float(numpy_kernel(rounded)(np.array([e.x], dtype=np.float16))[0])
    # float error on top of the certified math error: Horner in float16 on |x| <= 4 (values < 8, ulp 2^-8)
    assert e.error >= _lower(rounded.sup_on.sup) - 2 ** -8
    assert e.error <= _upper(rounded.sup.sup) + 6 * 2 ** -8


def test_relative_metric_design():
    d = approximate("gelu", 2, "-1,1", metric="rel", digits=DIGITS)
    (p,) = d.pieces
    assert p.coefficients[0] == 0  # gelu(0) = 0: p = x*q keeps the relative error bounded
    with mpmath.workdps(40):
        dense = max(abs(_design_value(d, t) / _gelu(t) - 1) for t in mpmath.linspace(-1, 1, 1000) if t != 0)
    assert dense <= _upper(d.sup_on.sup) and dense >= _lower(d.sup_on.sup) * (1 - 1e-5)
    assert d.lower is not None and _lower(d.lower) <= _upper(d.sup_on.sup)


def test_relative_metric_needs_a_nonzero_reference(forget_user_functions):
    from gelu_math.definitions.user import define

    define("shifted", "x - 1")
    with pytest.raises(DesignError, match="changes sign"):  # x - 1 vanishes at 1: bad input (exit 2)
        approximate("shifted", 2, "0,2", metric="rel")


def test_relative_metric_of_an_odd_function_through_0(forget_user_functions):
    # independent review: tanh(x)/x on [-2, 2] was "cannot prove != 0" (exit 2), since Arb gives 0/0 on a
    # ball with 0; by the mean value theorem tanh(x)/x = sech^2(xi) there, which is >= sech^2(2) > 0
    from gelu_math.approximate.design import _no_zero, _Spec

    assert not _no_zero(sp.tanh(x) / x, sp.Integer(-2), sp.Integer(2))
    assert _no_zero(sp.tanh(x) / x, sp.Integer(-2), sp.Integer(2), near_zero=1 - sp.tanh(x) ** 2)
    spec = _Spec.make("tanh", 7, "-2,2", None, "odd", "rel", None, None, None)
    assert spec.divide and spec.powers == (1, 3, 5, 7)
    # x*(x - 1) has R/x = x - 1, zero at 1: refused as a certified sign change
    from gelu_math.definitions.user import define

    define("through_one", "x*(x - 1)")
    with pytest.raises(DesignError, match="changes sign"):
        _Spec.make("through_one", 3, "-2,2", None, None, "rel", None, None, None)


def test_degree_zero_is_the_midrange():
    d = approximate("tanh", 0, "0,1", tails="poly,poly", digits=DIGITS)
    (c,) = d.pieces[0].coefficients
    # the best constant on [0, 1] is (min + max)/2 = tanh(1)/2 with error tanh(1)/2 (mpmath)
    assert abs(float(c) - float(mpmath.tanh(1) / 2)) < 1e-12
    assert abs(float(d.sup_on.sup.ball.mid()) - float(mpmath.tanh(1) / 2)) < 1e-12


def test_published_puma():
    from gelu_math.approximate.published import published

    p = published("puma_gelu", dtypes=("float16",))
    # sup over ℝ at x = 3, the sextic's end (it includes 3): |sextic(3) - gelu(3)| by mpmath
    cs = [mpmath.mpf(c) for c in ("0.008526321541038084", "0.5", "0.3603292692789629", "0", "-0.037688200365904236",
                                  "0", "0.0018067462606141187")]
    with mpmath.workdps(40):
        s3 = mpmath.fsum(c * 3 ** k for k, c in enumerate(cs))
        want = abs(s3 - _gelu(mpmath.mpf(3)))
        tanh3 = 3 * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi) * (3 + mpmath.mpf("0.044715") * 27))) / 2
        want_tanh = abs(s3 - tanh3)
    assert abs(float(p.versus_gelu.sup.ball.mid()) - float(want)) < 1e-15
    assert abs(float(p.versus_tanh.sup.ball.mid()) - float(want_tanh)) < 1e-15
    assert [j[0] for j in p.jumps] == [-4, sp.Rational(-39, 20), 3]
    assert p.audits["float16"].mode == "exhaustive"


# --- Estrin beside Horner, and parity with pieces -------------------------------------------------

def _float16_inputs(lo, hi):
    xs = np.arange(-(2 ** 15), 2 ** 15, dtype=np.int64).astype(np.uint16).view(np.float16)
    xs = xs[np.isfinite(xs)]
    return xs[(xs >= lo) & (xs <= hi)]


def test_estrin_and_horner_agree_with_exact_evaluation_within_the_stated_bound(rounded):
    from gelu_math.approximate import float_error_bound

    xs = _float16_inputs(-4, 4)
    (piece,) = rounded.pieces
    cs = [Fraction(int(c.p), int(c.q)) for c in piece.coefficients]
    u, eta = Fraction(1, 2 ** 11), Fraction(1, 2 ** 24)  # float16: unit roundoff; a subnormal step bounds underflow
    worst = {}
    for scheme in ("horner", "estrin"):
        ns: dict = {}
        exec(compile(source(rounded, "numpy", scheme), "<emitted>", "exec"), ns)  # our own generated code
        with np.errstate(all="ignore"):
            got = ns["gelu_kernel"](xs)
        assert got.dtype == np.float16 and np.array_equal(got, numpy_kernel(rounded, scheme)(xs))
        worst[scheme] = Fraction(0)
        for xv, gv in zip(xs[::17], got[::17]):
            xf = Fraction(float(xv))
            exact = sum(c * xf ** k for k, c in enumerate(cs))  # exact rational arithmetic, independent of numpy
            err = abs(Fraction(float(gv)) - exact)
            bound = float_error_bound(cs, xf, u, scheme) + 40 * eta
            assert err <= bound, (scheme, float(xv), float(err), float(bound))
            worst[scheme] = max(worst[scheme], err / bound)
    assert all(w > Fraction(1, 100) for w in worst.values())  # the bounds are not vacuous
    c = source(rounded, "c", "estrin")
    assert "x2 = x * x" in c and "-ffp-contract=off" in c and "x2 = x * x" not in source(rounded, "c")
    assert "torch.where" in source(rounded, "torch", "estrin")


def test_estrin_float32_against_mpmath(design):
    from gelu_math.approximate import float_error_bound

    (piece,) = design.pieces
    cs = [Fraction(int(c.p), int(c.q)) for c in piece.coefficients]
    xs = np.linspace(-4, 4, 801, dtype=np.float32)
    with np.errstate(all="ignore"):
        got = numpy_kernel(design, "estrin")(xs)
    assert got.dtype == np.float32
    with mpmath.workdps(40):
        for xv, gv in zip(xs, got):
            exact = mpmath.fsum(mpmath.mpf(c.numerator) / c.denominator * mpmath.mpf(float(xv)) ** k
                                for k, c in enumerate(cs))
            # coefficients are not float32 values: one more rounding (coefficients_exact=False)
            bound = float_error_bound(cs, Fraction(float(xv)), Fraction(1, 2 ** 24), "estrin", False) + Fraction(1, 2 ** 140)
            assert abs(mpmath.mpf(float(gv)) - exact) <= mpmath.mpf(bound.numerator) / bound.denominator


def test_audit_of_the_estrin_kernel(rounded):
    r = audit_kernel(rounded, ("float16",), "estrin")["float16"]
    assert r.mode == "exhaustive" and r.inputs == 63488
    e = r.max_abs
    assert e.got == float(numpy_kernel(rounded, "estrin")(np.array([e.x], dtype=np.float16))[0])
    assert e.error >= _lower(rounded.sup_on.sup) - 2 ** -8
    assert e.error <= _upper(rounded.sup.sup) + 6 * 2 ** -8


def test_cli_scheme_option(capsys):
    assert main(["approximate", "gelu", "--degree", "3", "--on=-4,4", "--emit", "c", "--scheme", "estrin"]) == 0
    assert "x2 = x * x" in capsys.readouterr().out
    assert main(["approximate", "gelu", "--degree", "3", "--on=-4,4", "--scheme", "pade"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_parity_with_knots_each_piece_odd():
    d = approximate("tanh", 3, "-2,2", parity="odd", knots="0", digits=DIGITS)
    assert [(p.lo, p.hi) for p in d.pieces] == [(-2, 0), (0, 2)]
    for p in d.pieces:
        assert all(c == 0 for c in p.coefficients[0::2]) and p.lower is not None
    with mpmath.workdps(40):
        def value(t):
            p = d.pieces[0] if t < 0 else d.pieces[1]
            return mpmath.fsum(mpmath.mpf(c.p) / c.q * t ** k for k, c in enumerate(p.coefficients))
        dense = max(abs(value(t) - mpmath.tanh(t)) for t in mpmath.linspace(-2, 2, 2001))
    assert dense <= _upper(d.sup_on.sup) and dense >= _lower(d.sup_on.sup) * (1 - 1e-6)
    # tanh is odd, so the best odd cubic on [-2, 0] mirrors the one on [0, 2] (up to Remez's convergence)
    for a, b in zip(d.pieces[0].coefficients, d.pieces[1].coefficients):
        assert abs(float(a - b)) < 1e-9


def test_parity_with_a_piece_that_has_zero_inside_is_refused(capsys):
    with pytest.raises(DesignError, match=r"piece \[-4, 1\]"):
        approximate("gelu", 4, "-4,4", parity="even", knots="1")
    assert main(["approximate", "gelu", "--degree", "4", "--on=-4,4", "--parity", "even", "--knots=1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Haar" in err


def test_high_degree_exchange_targets_the_function_at_working_precision():
    # independent review: at degree 36-44 designs came out with certified sup errors of 161 and 8e16 (the target
    # was evaluated at Arb's default 53 bits, and mpf coefficients were rounded to 15 digits before their
    # decimals were taken); now the exchange's decimal coefficients keep its own error.  Reference: mpmath's
    # chebyfit (near-minimax, so the minimax error E* is below its error) at 50 digits.
    import mpmath

    from gelu_math.approximate.design import _decimal_coefficients, _fraction, _Spec
    from gelu_math.approximate.remez import remez

    with mpmath.workdps(40):
        v = mpmath.mpf(1) / 3
        assert _fraction(v) == Fraction(int(v.man), 1) * Fraction(2) ** int(v.exp)  # not rounded to 15 digits
    spec = _Spec.make("tanh", 30, "-1,1", None, None, "abs", None, None, None)
    with mpmath.workdps(50):
        t = mpmath.mpf("0.3")
        assert abs(spec.g(t) - mpmath.tanh(t)) < mpmath.mpf(10) ** -40
    res = remez(spec.g, list(spec.powers), -1, 1)
    real = _decimal_coefficients(res, spec.powers, 1, res.levelled)
    with mpmath.workdps(50):
        _, cheb_err = mpmath.chebyfit(mpmath.tanh, [-1, 1], 31, error=True)
        assert res.converged and res.levelled <= cheb_err
        worst = max(abs(mpmath.fsum(mpmath.mpf(c.p) / c.q * u ** k for k, c in enumerate(real)) - mpmath.tanh(u))
                    for u in mpmath.linspace(-1, 1, 401))
        assert worst <= 2 * res.levelled, (worst, res.levelled)
    spec._check_exchange(res, real, -1, 1)  # the design is usable: no error


def test_a_design_that_lost_its_accuracy_is_refused():
    from gelu_math.approximate.design import _decimal_coefficients, _Spec
    from gelu_math.approximate.remez import remez
    from gelu_math.errors import CertificationError

    spec = _Spec.make("tanh", 12, "-1,1", None, None, "abs", None, None, None)
    res = remez(spec.g, list(spec.powers), -1, 1)
    real = _decimal_coefficients(res, spec.powers, 1, res.levelled)
    bad = list(real)
    bad[3] += sp.Rational(1, 10 ** 6)  # far above the exchange's error (~1e-9)
    with pytest.raises(CertificationError, match="did not make a usable design"):
        spec._check_exchange(res, bad, -1, 1)


def test_a_parity_the_function_lacks_is_refused_with_its_certified_bound():
    # independent reviews: --parity even on GELU printed "best possible >= 0.1146" with no warning; an even design
    # for tanh on [-1, 1] (fitted on [0, 1] and mirrored) had sup 1.66 where p = 0 has 0.76.  For an even p,
    # |GELU(4) - GELU(-4)| = 4 <= |p(4) - GELU(4)| + |p(-4) - GELU(-4)|, so sup |error| >= 2 (exact arithmetic);
    # tanh is odd, so |tanh(1) - tanh(-1)|/2 = tanh(1) = 0.76159415595576488812 (mpmath) bounds any even p
    with pytest.raises(DesignError, match="gelu is not even") as e:
        approximate("gelu", 4, "-4,4", parity="even")
    bound = Fraction(str(e.value).split(">= ")[1].split(" ")[0])
    assert Fraction(199, 100) < bound <= 2
    with pytest.raises(DesignError, match="tanh is not even") as e:
        approximate("tanh", 3, "-1,1", parity="even", fmt="float16")
    bound = Fraction(str(e.value).split(">= ")[1].split(" ")[0])
    assert Fraction("0.76159") < bound <= Fraction("0.76159415595576488812")
    with pytest.raises(DesignError, match="silu is not odd"):  # a symmetric piece of a piecewise design too
        approximate("silu", 3, "-2,2", parity="odd", knots=["-1", "1"])
    assert main(["approximate", "gelu", "--degree", "4", "--on=-4,4", "--parity", "even"]) == 2
    odd = approximate("tanh", 5, "-3,3", parity="odd")  # tanh is odd: designed
    assert odd.sup_on.certified


def test_parity_pieces_without_0_inside_are_not_mirrored():
    # with pieces [-4, 0] and [0, 4], each is designed on itself (even powers are a Haar space on each): no
    # symmetry of GELU is needed, and each piece's error alternates on its own reference
    d = approximate("gelu", 2, "-4,4", parity="even", pieces=2)
    assert d.sup_on.certified and d.ratio_upper is not None and d.ratio_upper < 1.001


def test_format_rounding_tries_the_corners():
    # independent review: trying every round-down/round-up choice of the real minimax coefficients (its own
    # mpmath error, dense sampling) gave sup 0.0116766 for bfloat16 GELU of degree 8 on [-4, 4], where the
    # sequential rounding and the +-1 ulp descent certified 0.01623 (ratio 1.66); a third review's one-ulp
    # coordinate descent from the corner, run to its end, reached 0.0104182198517 (c0 = 139/16384, its mpmath
    # Horner evaluation, dense sampling plus golden-section refinement)
    d = approximate("gelu", 8, "-4,4", fmt="bfloat16")
    assert d.sup_on.sup.ball.upper() < mpmath.mpf("0.0104183")
    (cs,) = [p.coefficients for p in d.pieces]
    assert cs[3] == cs[5] == cs[7] == 0  # GELU - x/2 is even: the odd terms beyond x/2 are negligible, set to 0
    assert all(c == 0 or sp.Rational(c).q & (sp.Rational(c).q - 1) == 0 for c in cs)  # dyadic: bfloat16 values
    t = approximate("tanh", 9, "-3,3", parity="odd", fmt="float16")  # the review's best corner: 0.0057763441
    assert t.sup_on.sup.ball.upper() < mpmath.mpf("0.0057764")


def test_equioscillating_designs_with_ties_are_certified():
    # A minimax error equioscillates, so the one-sided limits of |e| at the knots equal the values there and
    # the interior extrema; such ties were refused as "cannot decide whether the supremum is attained"
    # (an independent review: degree 3 on [0, 1/1000], degree 20 on [−4, 4]).  References (mpmath, 40
    # digits): over ℝ the first design's error is max x·Φ(−x) (the tail x beyond 1/1000, 0 on the left:
    # |GELU(x)| = |x|Φ(x)), attained at ±0.7517915246935644...; the second's sup over ℝ is the jump
    # 4Φ(−4) to the tails at ±4, approached and not attained.
    with mpmath.workdps(40):
        t = mpmath.findroot(lambda v: mpmath.ncdf(-v) - v * mpmath.npdf(v), 0.75)
        peak = t * mpmath.ncdf(-t)
        jump = 4 * mpmath.ncdf(-4)
    d = approximate("gelu", 3, "0,1/1000", digits=DIGITS)
    assert _lower(d.sup.sup) <= peak <= _upper(d.sup.sup) and d.sup.attained
    d = approximate("gelu", 20, "-4,4", digits=DIGITS)
    assert _lower(d.sup.sup) <= jump <= _upper(d.sup.sup) and not d.sup.attained
