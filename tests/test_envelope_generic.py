"""The envelope against GELU of every registered function, checked by an independent evaluator.

The error pieces are evaluated with mpmath (SymPy → mpmath lambdify, a code path separate from the
Arb compiler the envelope uses): a dense scan never exceeds the certified upper end, the values at
the certified maximisers lie in the enclosure, a supremum only approached at ±∞ is approached far
out, and an unbounded error grows on the side the reason names.
"""

from __future__ import annotations

import functools

import mpmath
import pytest

from gelu_math import names
from gelu_math.envelope import envelope
from gelu_math.render.envelope import interval_strings

from .reference import mp_function, piece_at

DIGITS = 15


@functools.lru_cache(maxsize=None)
def _env(name):
    return envelope(name, digits=DIGITS)


def _evaluator(env):
    fns = [mp_function(p.expr) for p in env.error.E.pieces]

    def e(t):
        return fns[piece_at(env.error.E, float(t))](mpmath.mpf(t))
    return e


def _bounds(env):
    lo, hi = interval_strings(env.sup, DIGITS)
    return mpmath.mpf(lo), mpmath.mpf(hi)


@pytest.mark.parametrize("name", names())
def test_envelope_against_gelu(name):
    env = _env(name)
    e = _evaluator(env)
    with mpmath.workdps(40):
        if env.unbounded:
            side = 1 if "+∞" in env.reason else -1
            far = [abs(e(side * t)) for t in (10**2, 10**4, 10**6)]
            assert far[0] < far[1] < far[2] and far[2] > 10**3, (env.reason, far)
            return
        lo, hi = _bounds(env)
        tol = mpmath.mpf(10) ** (-DIGITS + 2) * max(1, hi)
        scan = [abs(e(mpmath.mpf(i) / 50 + mpmath.mpf(1) / 997)) for i in range(-600, 601)]
        assert max(scan) <= hi + tol, (max(scan), hi)
        if env.attained:
            assert env.argmax or env.method.startswith("identical")
            for p in env.argmax:
                t = p.ball.mid()
                v = abs(e(mpmath.mpf(t.str(30, radius=False))))
                assert lo - tol <= v <= hi + tol, (t, v, lo, hi)
        else:
            far = max(abs(e(s * 10**4)) for s in (-1, 1))
            assert abs(far - hi) < 10**-3 * max(1, hi), (far, hi)
