"""Linear relaxations (gelu_math.relax): soundness checked independently, optimality against a
discrete LP, the vectorised float64 path never crossing f, and the CLI.

Independent references: mpmath at 60 digits on the exact SymPy definition (lambdify onto mpmath,
no code shared with gelu-math's Arb compiler) for moderate intervals; for far-out points of the
vectorised path, Arb at 256 bits on the exact definition (a violation must be certain).
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from flint import arb, ctx, fmpq

from gelu_math.analysis.pieces import decompose
from gelu_math.cli import main
from gelu_math.definitions.registry import get, names
from gelu_math.definitions.symbols import x
from gelu_math.errors import InputError
from gelu_math.relax import NoSoundLineError, RelaxInputError, bounds, image, interval_image, relax

DIGITS = 12


def mp_function(name):
    f = sp.lambdify(x, get(name).expr, modules="mpmath")
    return lambda v: mp.mpf(f(mp.mpf(v)))


def _q(r) -> mp.mpf:
    r = sp.Rational(r)
    return mp.mpf(int(r.p)) / int(r.q)


def _mp(v: arb) -> mp.mpf:
    """An exact Arb point (mid, lower or upper end) as an mpmath number, exactly."""
    m, e = v.man_exp()
    return mp.ldexp(mp.mpf(int(m)), int(e))


def _check_certified(name, r, L, U, n=241):
    """Dense mpmath check: both lines sound, the max gap inside its enclosure (grid max ≤ upper end,
    and within the grid's resolution of the lower end)."""
    f = mp_function(name)
    with mp.workdps(60):
        lo, hi = _q(L), _q(U)
        pts = [lo + (hi - lo) * mp.mpf(k) / (n - 1) for k in range(n)]
        pts += [_q(b) for b in decompose(get(name).expr).breakpoints if b.is_Rational and L <= b <= U]  # kinks
        pts += [_mp(c.ball.mid()) for ln in (r.lower, r.upper) for c in ln.contact
                if c.is_finite and lo <= _mp(c.ball.mid()) <= hi]
        gl, gu = [], []
        for t in pts:
            fv = f(t)
            dl = fv - (_q(r.lower.slope) * t + _q(r.lower.intercept))
            du = (_q(r.upper.slope) * t + _q(r.upper.intercept)) - fv
            assert dl >= 0, (name, r.mode, float(t), float(dl))
            assert du >= 0, (name, r.mode, float(t), float(du))
            gl.append(dl)
            gu.append(du)
        for ln, g in ((r.lower, gl), (r.upper, gu)):
            top = max(g)
            enc_hi = _mp(ln.gap_max.ball.upper())
            enc_lo = _mp(ln.gap_max.ball.lower())
            assert top <= enc_hi + mp.mpf(10) ** -40
            assert top >= enc_lo - 1e-3 * max(enc_lo, mp.mpf(1e-12)) - mp.mpf(10) ** -9
            assert ln.gap_min.ball.lower() >= 0


RNG = np.random.default_rng(19)
CASES = []
for _name in names():
    for _mode in ("chebyshev", "area"):
        c = RNG.uniform(-6, 6)
        w = 10 ** RNG.uniform(-1, 1)
        L = sp.Rational(round(c - w / 2, 3)).limit_denominator(1000)
        U = sp.Rational(round(c + w / 2, 3)).limit_denominator(1000)
        CASES.append((_name, _mode, L, U))


@pytest.mark.parametrize("name,mode,L,U", CASES, ids=[f"{n}-{m}" for n, m, _, _ in CASES])
def test_certified_lines_are_sound(name, mode, L, U):
    r = relax(name, L, U, mode, digits=DIGITS)
    assert r.sound and r.mode == mode and r.on == (L, U)
    _check_certified(name, r, L, U)


@pytest.mark.parametrize("name,L,U", [("gelu", -1, 2), ("silu", -3, 7), ("mish", "-2.5", "0.75"),
                                      ("relu", -1, 1), ("gelu_tanh", -4, -1)])
def test_chebyshev_matches_the_discrete_lp(name, L, U):
    """scipy's LP on 2001 grid points: min E s.t. 0 <= f(x_i) - a x_i - b <= E.  The LP optimum is the
    optimum over the grid, a lower bound of the continuous optimum; ours must not exceed it by more
    than the grid's resolution, and our certified lower bound must not exceed our own gap."""
    from scipy.optimize import linprog

    r = relax(name, L, U, digits=DIGITS)
    f = mp_function(name)
    xs = np.linspace(float(L), float(U), 2001)
    fx = np.array([float(f(v)) for v in xs])
    # variables (a, b, E): minimise E; f - a x - b >= 0 and f - a x - b <= E
    A = np.vstack([np.column_stack([xs, np.ones_like(xs), np.zeros_like(xs)]),
                   np.column_stack([-xs, -np.ones_like(xs), -np.ones_like(xs)])])
    rhs = np.concatenate([fx, -fx])
    lp = linprog([0, 0, 1], A_ub=A, b_ub=rhs, bounds=[(None, None)] * 3, method="highs")
    assert lp.status == 0
    e_lp = lp.x[2]
    ours = float(r.lower.gap_max.ball.upper())
    assert ours <= e_lp * (1 + 1e-4) + 1e-10, (ours, e_lp)
    assert ours >= e_lp * (1 - 1e-9) - 1e-12  # the LP's optimum over a subset cannot beat the certified one
    lb = float(r.optimality["optimal_gap_lower"])
    assert lb <= ours and lb >= ours * (1 - 1e-9) - 1e-12  # ratio 1 to 9 digits


def test_area_matches_the_discrete_lp():
    """Lower line: maximise a*m + b s.t. a x_i + b <= f(x_i) on the grid (scipy); ours is within the
    grid's resolution of it and below it by at most its certified area excess."""
    from scipy.optimize import linprog

    for name, L, U in (("gelu", -3, 1), ("silu", -6, 2), ("tanh", -1, 3)):
        r = relax(name, L, U, "area", digits=DIGITS)
        f = mp_function(name)
        xs = np.linspace(L, U, 4001)
        fx = np.array([float(f(v)) for v in xs])
        m = (L + U) / 2
        lp = linprog([-m, -1], A_ub=np.column_stack([xs, np.ones_like(xs)]), b_ub=fx,
                     bounds=[(None, None)] * 2, method="highs")
        best = -lp.fun
        ours = float(r.lower.slope) * m + float(r.lower.intercept)
        assert ours <= best + 1e-9
        assert ours >= best - 1e-6
        assert float(r.optimality["area_excess_lower"]) < 1e-8 * (U - L)


def test_optimality_bounds_are_one_sided_decimals_on_their_safe_side():
    # optimal_gap_lower and ratio_upper are bounds, not enclosures: they were printed as balls
    # ([1.000000000000000000000000107366759 ± 2.0e-33]) that did not contain the actual ratio
    # 1 + 1.065e-25.  Reference: the optimal Chebyshev gap of gelu on [-2, 1], from the alternation
    # theorem in mpmath (50 digits): the interior point t solves f'(t) = (f(1) - f(-2))/3 and the gap is
    # |(1 - t) f(-2) - 3 f(t) + (t + 2) f(1)|/3.
    mp.mp.dps = 50
    f = lambda v: v / 2 * (1 + mp.erf(v / mp.sqrt(2)))  # noqa: E731
    chord = (f(1) - f(-2)) / 3
    t = mp.findroot(lambda v: (1 + mp.erf(v / mp.sqrt(2))) / 2 + v * mp.exp(-v ** 2 / 2) / mp.sqrt(2 * mp.pi) - chord,
                    mp.mpf("-0.26"))
    optimum = abs((1 - t) * f(-2) - 3 * f(t) + (t + 2) * f(1)) / 3  # 0.57220372244292542944421563700569719...
    r = relax("gelu", "-2", "1", digits=25)
    lb, ratio = r.optimality["optimal_gap_lower"], r.optimality["ratio_upper"]
    assert isinstance(lb, sp.Rational) and isinstance(ratio, sp.Rational)
    lb_mp = mp.mpf(lb.p) / lb.q
    assert lb_mp <= optimum <= lb_mp + mp.mpf("1e-30")
    exact = lambda b: mp.mpf(int(b.man_exp()[0])) * mp.mpf(2) ** int(b.man_exp()[1])  # noqa: E731  (exact dyadic)
    for line in (r.lower, r.upper):  # the actual ratio of each line's max gap to the optimum is below the bound
        top = exact(line.gap_max.ball.mid()) + exact(line.gap_max.ball.rad())
        assert top / optimum <= mp.mpf(ratio.p) / ratio.q
    text = __import__("gelu_math.cli.relax", fromlist=["relax_text"]).relax_text(r, 25)
    bound_lines = [ln for ln in text.splitlines() if "optimal_gap_lower" in ln or "ratio_upper" in ln]
    assert len(bound_lines) == 2 and not any("±" in ln for ln in bound_lines)
    assert "(a lower bound: every sound line's max gap is at least this)" in bound_lines[0]


@pytest.mark.parametrize("lo,width", [("1", "1e-12"), ("-0.3", "1e-9"), ("2.5", "1e-20")])
def test_narrow_intervals_keep_the_optimal_gap(lo, width):
    # On a narrow interval the gap (~ f''·w²/8) lies far below 10^-20: rounding the intercept to 20
    # digits gave gelu on [1, 1 + 1e-12] a max gap of 9.0e-21 against the optimal 3.0e-26 (found by an
    # independent review).  Reference (mpmath, 80 digits): f'' = φ(x)(2 − x²) keeps its sign on each
    # interval (convex on the first two, concave on the third), so both optimal lines are parallel to the
    # chord — one is the chord, one touches f at the t with f'(t) = chord slope — and each max gap is
    # |chord(t) − f(t)|.
    with mp.workdps(80):
        f = lambda v: v * mp.ncdf(v)  # noqa: E731
        L, w = mp.mpf(lo), mp.mpf(width)
        U = L + w
        s = (f(U) - f(L)) / w
        t = mp.findroot(lambda v: mp.ncdf(v) + v * mp.npdf(v) - s, L + w / 2)
        optimum = abs(f(L) + s * (t - L) - f(t))
    r = relax("gelu", lo, str(Decimal(lo) + Decimal(width)))
    assert r.digits == 20 and "narrow" in r.steps[0].text
    with mp.workdps(80):
        for line in (r.lower, r.upper):
            gap = mp.mpf(float(line.gap_max.ball.mid()))
            assert optimum * (1 - mp.mpf("1e-10")) <= gap <= optimum * (1 + mp.mpf("1e-5")), (lo, width, gap, optimum)
    ratio = r.optimality["ratio_upper"]
    assert 1 <= ratio <= 1 + sp.Rational(1, 10 ** 5)


@pytest.mark.parametrize("name,L,U", [("mish", 30, 100000), ("mish", 1, 100000), ("gelu_tanh", 30, 100000),
                                      ("gelu_fast", 30, 10000), ("xielu", -1, 0),
                                      ("xielu", sp.Rational("-0.000002"), 0)])
def test_far_tails_and_ends_at_a_jump_are_relaxed(name, L, U):
    # found by an independent review: mish on [30, 10^5] stopped with an internal error (a Newton step of
    # the Remez search divided by a ball of f″ that contained 0), gelu_tanh on [30, 10^5] did not finish in
    # 150 s (a step of 2^(10^11) where f″ ~ e^(−10^11) was turned into a rational), and xIELU on [−1, 0]
    # "did not converge" (the limit 0 of the piece right of the jump at 0 was counted as a value of f on
    # [−1, 0]).  Each now gives lines, checked densely with mpmath.
    r = relax(name, L, U, digits=DIGITS)
    assert r.sound
    _check_certified(name, r, L, U)


def test_exact_lines_on_short_intervals():
    # where f is the line itself (ReLU's x, ELU's x on [1, 1.1]) both lines are that line, gap 0: the ball of
    # x − x at the non-dyadic end 11/10 made the upper intercept 10^-20 (independent review)
    for name, L, U in (("relu", "1", "1.1"), ("elu", "1", "1.001"), ("elu", "0.5", "0.5000000001"),
                       ("hardtanh", "-3", "-1.7")):
        r = relax(name, L, U)
        slope = sp.Integer(0) if name == "hardtanh" else sp.Integer(1)
        offset = sp.Integer(-1) if name == "hardtanh" else sp.Integer(0)
        for line in (r.lower, r.upper):
            assert (line.slope, line.intercept) == (slope, offset), (name, line)
            assert line.gap_max.ball == 0


def test_high_digits_converge():
    # 130 digits and more stopped with "did not converge" (a box-width floor of 2^-200, fixed, below which the
    # extremiser's boxes of ~10^-66 could not go); now the floor follows the working precision.  Checked:
    # soundness on a grid at 150 digits and the gap against the certified lower bound on every sound line's
    # max gap (the ratio must be 1 to ~120 digits).
    r = relax("gelu", -1, 2, digits=130)
    f = mp_function("gelu")
    with mp.workdps(150):
        for k in range(121):
            t = mp.mpf(-1) + 3 * mp.mpf(k) / 120
            assert f(t) - (_q(r.lower.slope) * t + _q(r.lower.intercept)) >= 0
            assert (_q(r.upper.slope) * t + _q(r.upper.intercept)) - f(t) >= 0
    assert 1 <= r.optimality["ratio_upper"] <= 1 + sp.Rational(1, 10 ** 120)


def test_infinite_ends():
    r = relax("relu", "-inf", "5")
    assert (r.lower.slope, r.lower.intercept) == (0, sp.Rational(-1, 10 ** 20)) or r.lower.intercept <= 0
    assert r.upper.slope == 0 and 5 <= r.upper.intercept <= 5 + sp.Rational(1, 10 ** 15)
    g = relax("gelu", "-inf", "0", digits=15)
    # min GELU = -0.16997120747990...  (gelu-math's certified range; mpmath: findroot of GELU')
    assert abs(float(g.lower.intercept) + 0.169971207479904) < 1e-13
    assert g.upper.slope == 0 and 0 <= g.upper.intercept < 1e-14
    t = relax("tanh", "-inf", "inf", digits=10)
    assert (t.lower.slope, t.upper.slope) == (0, 0) and t.lower.intercept == -1 and t.upper.intercept == 1
    s = relax("softplus", "0", "inf", digits=10)  # asymptote y = x at +inf; softplus(0) - 0 = log 2 is the max
    assert s.lower.slope == 1 and s.lower.intercept <= 0
    assert abs(float(s.upper.intercept) - float(mp.log(2))) < 1e-9
    with pytest.raises(NoSoundLineError):
        relax("gelu", "-inf", "inf")
    with pytest.raises(RelaxInputError):
        relax("gelu", "-inf", "1", "area")


def test_tangent_chord_and_image():
    r = relax("gelu", 0, 1, "tangent-chord", digits=DIGITS)
    assert r.optimality["shape"] == "convex"
    # chord slope of GELU on [0, 1] is GELU(1) = Phi(1) = 0.841344746068543 (mpmath ncdf)
    assert abs(float(r.upper.slope) - float(mp.ncdf(1))) < 1e-12
    _check_certified("gelu", r, 0, 1)
    with pytest.raises(RelaxInputError):
        relax("gelu", -2, 2, "tangent-chord")
    lo, hi = image("gelu", -2, 1, digits=15)
    # min GELU is attained at -0.7517915246935... inside; max at 1: Phi(1) = 0.8413447460685429...
    assert abs(float(lo.ball.mid()) + 0.169971207479904) < 1e-14
    assert abs(float(hi.ball.mid()) - float(mp.ncdf(1))) < 1e-14


def test_tangent_chord_across_a_breakpoint():
    # independent review: ELU (alpha = 1) on [-1/2, 1/2] was refused as "neither convex nor concave", although
    # ELU'(x) = e^x (x < 0), 1 (x > 0) is nondecreasing and continuous at 0: convex on R.  The tangent at the
    # midpoint 0 is y = x (ELU(0) = 0, ELU'(0) = 1) and the chord's slope is (1/2 - (e^(-1/2) - 1))/1.
    r = relax("elu", "-1/2", "1/2", "tangent-chord", digits=DIGITS)
    assert r.optimality["shape"] == "convex"
    assert abs(float(r.lower.slope) - 1) < 1e-12 and abs(float(r.lower.intercept)) <= 2e-12  # outward: -1e-12
    assert abs(float(r.upper.slope) - float(mp.mpf(1) / 2 - mp.expm1(-0.5))) < 1e-12
    _check_certified("elu", r, -0.5, 0.5)
    # SELU: lambda*alpha*(e^x - 1) for x < 0, lambda*x for x > 0: f' jumps down at 0 (lambda*alpha = 1.7581 to
    # lambda = 1.0507, Klambauer et al. 2017), so convex on (-inf, 0], linear after, and not convex on the union
    with pytest.raises(RelaxInputError, match="neither"):
        relax("selu", "-1/2", "1/2", "tangent-chord")
    # x^2 for x < 0 and -x for x >= 0: convex, then linear, with a concave kink (f' from 0 to -1) at 0
    from gelu_math.definitions.registry import Activation

    kinked = Activation("kinked", lambda: sp.Piecewise((x ** 2, x < 0), (-x, True)), "test", "x^2 | -x",
                        family="user").instance()
    with pytest.raises(RelaxInputError, match="neither"):
        relax(kinked, -1, 1, "tangent-chord")


@pytest.mark.parametrize("bad", [("2", "1"), ("a", "1"), ("1", "nan"), ("sqrt(2)", "3"), ("\u0663", "4"),
                                 ("1e999", "2")])
def test_bad_intervals(bad):
    with pytest.raises(InputError):
        relax("gelu", *bad)


def test_unknown_mode():
    with pytest.raises(RelaxInputError):
        relax("gelu", -1, 1, "minimax")


# --- the vectorised float64 path ---------------------------------------------------------------

def _intervals(rng, n):
    kind = rng.integers(0, 4, n)
    c = np.where(kind == 0, rng.uniform(-6, 6, n), np.where(kind == 1, rng.uniform(-1e4, 1e4, n),
                                                            rng.uniform(-30, 30, n)))
    w = np.where(kind == 2, 10.0 ** rng.uniform(-12, -3, n), 10.0 ** rng.uniform(-3, 1.5, n))
    w = np.where(kind == 3, 10.0 ** rng.uniform(0, 4.3, n), w)
    lo = np.clip(c - w / 2, -1e4, 1e4)
    hi = np.clip(c + w / 2, -1e4, 1e4)
    return lo, np.maximum(lo, hi)


def _arb_point(name):
    """f at an exact rational in Arb, from the exact definition (erf(a) written erfc(-a) - 1, the textbook
    identity, so that GELU far left is a tight ball); Piecewise conditions decided exactly."""
    from gelu_math.certified.arbeval import compile_arb

    a = sp.Wild("a")
    expr = get(name).expr.replace(sp.erf(a), sp.erfc(-a) - 1)
    pieces = decompose(expr)  # only to split at the breakpoints; values come from each piece's expression
    fns = [compile_arb(p.expr, x) for p in pieces.pieces]
    his = [None if p.hi == sp.oo else (fmpq(int(p.hi.p), int(p.hi.q)) if p.hi.is_Rational else None)
           for p in pieces.pieces]
    assert all(h is not None for h in his[:-1]), "test helper: rational breakpoints only"
    values = {fmpq(int(b.p), int(b.q)): compile_arb(v, x) for b, v in pieces.point_values}

    def F(q):
        if q in values:
            return values[q](arb(q))
        for fn, h in zip(fns, his):
            if h is None or q < h:
                return fn(arb(q))
    return F


def _fq(v: float) -> fmpq:
    return fmpq(*Fraction(float(v)).as_integer_ratio())


def _arb_check(name, lo, hi, lines, grid=65):
    """No line certainly crosses f at the grid points and ends of its interval (Arb, 256 bits, then 2048
    for the undecided).  A point still undecided must have f in a ball of radius < 2^-200 (1 + |x|): the
    line and f then agree to that; returns how many such points there were."""
    F = _arb_point(name)
    (al, bl), (au, bu) = lines
    undecided = 0
    old = ctx.prec
    try:
        for i in range(len(lo)):
            ts = np.minimum(np.linspace(lo[i], hi[i], grid), hi[i])
            ts[0], ts[-1] = lo[i], hi[i]
            for t in ts:
                q = _fq(t)
                for prec in (256, 2048):
                    ctx.prec = prec
                    v = F(q)
                    lval = arb(_fq(al[i])) * arb(q) + arb(_fq(bl[i]))
                    uval = arb(_fq(au[i])) * arb(q) + arb(_fq(bu[i]))
                    assert not (lval > v), (name, lo[i], hi[i], float(t))
                    assert not (uval < v), (name, lo[i], hi[i], float(t))
                    if lval <= v and uval >= v:
                        break
                else:
                    assert v.rad() < arb(2) ** -200 * (1 + abs(arb(q))), (name, lo[i], hi[i], float(t))
                    undecided += 1
    finally:
        ctx.prec = old
    return undecided


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "relu", "hardswish", "tanh", "softsign", "elu"])
def test_vectorised_path_is_sound(name):
    rng = np.random.default_rng(hash(name) % 2 ** 32)
    n = 120 if name == "gelu" else 25
    lo, hi = _intervals(rng, n)
    lo = np.concatenate([lo, [-1e4, 1e4 - 1e-12, 0.0, -3.0, -1e-300, 5.0]])
    hi = np.concatenate([hi, [1e4, 1e4, 0.0, 3.0, 1e-300, 5.0 + 2 ** -40]])
    for mode in ("chebyshev", "area"):
        lines = bounds(name, lo, hi, mode)
        _arb_check(name, lo, hi, lines)


def test_vectorised_path_is_near_optimal():
    """On moderate intervals the float64 lines' gap is within 10 % of the certified optimum (measured:
    README "relax"; bench/bench_relax.py prints the distribution)."""
    rng = np.random.default_rng(7)
    for name in ("gelu", "silu"):
        c = rng.uniform(-4, 4, 3)
        w = 10 ** rng.uniform(-1, 0.7, 3)
        lo, hi = c - w / 2, c + w / 2
        (al, bl), (au, bu) = bounds(name, lo, hi)
        f = mp_function(name)
        for i in range(len(lo)):
            r = relax(name, sp.Rational(*Fraction(lo[i]).as_integer_ratio()),
                      sp.Rational(*Fraction(hi[i]).as_integer_ratio()), digits=10)
            opt = float(r.lower.gap_max.ball.mid())
            xs = np.linspace(lo[i], hi[i], 401)
            fx = np.array([float(f(v)) for v in xs])
            gap_l = (fx - (al[i] * xs + bl[i])).max()
            gap_u = ((au[i] * xs + bu[i]) - fx).max()
            assert gap_l <= 1.1 * opt + 1e-12 and gap_u <= 1.1 * opt + 1e-12, (name, lo[i], hi[i], gap_l, opt)


def test_vectorised_image_and_errors():
    lo, hi = interval_image("gelu", np.array([-2.0, 0.0]), np.array([1.0, 0.0]))
    # min GELU = -0.169971207479904 (certified range), GELU(1) = Phi(1) = 0.8413447460685429 (mpmath)
    assert -0.1703 <= lo[0] <= -0.169971207479904 and 0.8413447460685429 <= hi[0] <= 0.8417
    assert lo[1] <= 0 <= hi[1]
    for bad in ((np.array([1.0]), np.array([0.0])), (np.array([np.nan]), np.array([1.0])),
                (np.array([-np.inf]), np.array([1.0])), (np.array([0.0]), np.array([1e5]))):
        with pytest.raises(RelaxInputError):
            bounds("gelu", *bad)
    with pytest.raises(RelaxInputError):
        bounds("gelu", np.zeros(1), np.ones(1), "tangent")
    from gelu_math.errors import UnsupportedError

    with pytest.raises(UnsupportedError):  # xIELU jumps at 0 (by -8.0e-7): sampling cannot bound a jump
        bounds("xielu", np.zeros(1), np.ones(1))


def test_torch_adapter():
    torch = pytest.importorskip("torch")
    from gelu_math.relax.torch import torch_bounds

    (al, bl), (au, bu) = torch_bounds("gelu", torch.tensor([-1.0]), torch.tensor([2.0]))
    assert al.dtype == torch.float64 and bl.item() <= 0


# --- command line -------------------------------------------------------------------------------

def test_cli_json(capsys):
    assert main(["relax", "gelu", "--on=-1,2", "--json", "--digits", "10", "--image"]) == 0
    j = json.loads(capsys.readouterr().out)
    for key in ("lower", "upper", "gap", "contact", "sound", "mode", "on", "optimality", "method", "image"):
        assert key in j
    assert set(j["lower"]) == {"slope", "intercept"} and set(j["gap"]) == {"lower", "upper"}
    assert j["sound"] is True and j["mode"] == "chebyshev" and j["on"] == ["-1", "2"]
    assert set(j["gap"]["lower"]) == {"exact", "mid", "rad"}
    # the printed decimals are the certified ones: parse back exactly
    a, b = sp.Rational(j["lower"]["slope"]), sp.Rational(j["lower"]["intercept"])
    f = mp_function("gelu")
    with mp.workdps(40):
        for k in range(101):
            t = -1 + 3 * mp.mpf(k) / 100
            assert _q(a) * t + _q(b) <= f(t)


def test_cli_text_and_user_function(capsys):
    assert main(["relax", "--expr", "x*sigmoid(2*x)", "--on=-1,1", "--digits", "8", "--mode", "area"]) == 0
    out = capsys.readouterr().out
    assert "lower: f(x) >= " in out and "upper: f(x) <= " in out


@pytest.mark.parametrize("argv", [["relax", "gelu", "--on=2,1"], ["relax", "gelu", "--on=-inf,inf"],
                                  ["relax", "gelu", "--on=a,b"], ["relax", "gelu", "--on=1,2", "--mode", "foo"],
                                  ["relax", "gelu"], ["relax", "gelu", "--on=1"], ["relax", "gelu", "--on=0,1e999"],
                                  ["relax", "gelu", "--on=-inf,1", "--mode", "area"], ["relax", "nope", "--on=0,1"]])
def test_cli_bad_input(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gelu-math: error:")


def test_check_line_for_claims():
    from gelu_math.relax import check_line

    # GELU on [-1, 2] lies above 0.7x - 0.03 (min of GELU(x) - 0.7x + 0.03 is about 0.00466 > 0, mpmath
    # findroot of GELU'(x) = 0.7 at x = 0.25618549...: 0.0046622799759733) and not above 0.7x
    ok = check_line("gelu", "-1", "2", "0.7", "-0.03", -1)
    assert ok.sound is True and abs(float(ok.gap_min.ball.mid()) - 0.00466228) < 1e-7
    bad = check_line("gelu", "-1", "2", "0.7", "0", -1)
    assert bad.sound is False and bad.witness is not None
    f = mp_function("gelu")
    assert f(_q(bad.witness)) < mp.mpf("0.7") * _q(bad.witness)
    assert check_line("relu", "-1", "1", "0.5", "0.6", 1).sound is True
    assert check_line("relu", "-1", "1", "0.5", "0.4", 1).sound is False
