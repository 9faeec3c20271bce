"""Saturation thresholds of a kernel, from an exhaustive run.

For each end of the audited domain ("below": from the lowest input up; "above": from the
highest input down) and each *output class*, the innermost input ``threshold`` such that the
kernel's output is in the class for **every** input from the end of the domain to it (in value
order, −0 just before +0), and how many inputs that run has:

* ``constant`` — the same bit pattern as the output at the end of the domain (0, −0, 1, ±max,
  ±inf, …; never NaN; reported for runs of at least two inputs);
* ``zero`` — ±0 (either sign);
* ``identity`` — the output equals the input, bit for bit (f(x) = x).

Each class is evaluated twice: with IEEE subnormals, and under *FTZ*: every subnormal output
is replaced by the zero of its sign before classifying (flush-to-zero of outputs, as a kernel
running with FTZ stores them).  Inputs are not flushed (no DAZ): saturation is about the
domain's ends, which are normal numbers unless the domain itself lies among the subnormals.
Only exhaustive runs have thresholds: a sample cannot say "every input beyond".

The scan of each chunk stops at the first input outside the class (``_prefix``: blocks of
growing size), so it costs the length of the runs, not of the chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..floats import FloatFormat

CLASSES = ("constant", "zero", "identity")
SIDES = ("below", "above")


@dataclass(frozen=True)
class Saturation:
    """Every input from the ``side`` end of the domain to ``threshold`` gives an output of ``kind``."""

    side: str  # "below" (x <= threshold) | "above" (x >= threshold)
    kind: str  # "constant" | "zero" | "identity"
    ftz: bool  # outputs flushed to zero (subnormals -> signed zero) before classifying
    threshold: float  # the innermost input of the run (a value of the format)
    inputs: int  # inputs in the run
    value: float | None = None  # the constant output ("constant" only)


def _flush(fmt: FloatFormat, b: np.ndarray) -> np.ndarray:
    """Subnormal patterns replaced by the zero of their sign (FTZ)."""
    mag = b & fmt.uint(fmt.sign_mask - 1)
    sub = (mag < fmt.uint(1 << (fmt.precision - 1))) & (mag != 0)
    if not sub.any():
        return b
    return np.where(sub, b & fmt.uint(fmt.sign_mask), b)


def _is_nan(fmt: FloatFormat, b) -> bool:
    return int(b) & (fmt.sign_mask - 1) > fmt.max_bits + 1


def _run(ok, n: int, from_end: bool) -> int:
    """Length of the run of True at the start (or the end) of positions 0..n-1; ``ok(lo, hi)``
    gives the bools for positions lo..hi-1."""
    done, step = 0, 64
    while done < n:
        take = min(n - done, step)
        lo, hi = (n - done - take, n - done) if from_end else (done, done + take)
        v = ok(lo, hi)
        if not v.all():
            bad = np.flatnonzero(~v)
            return done + (hi - 1 - (lo + int(bad[-1])) if from_end else int(bad[0]))
        done += take
        step *= 4
    return n


def lengths(fmt: FloatFormat, xs: np.ndarray, got_bits: np.ndarray) -> tuple[int, ...]:
    """The run lengths of one value-ordered run of inputs: for FTZ off, then on, the lengths of the
    runs of (constant, zero, identity) outputs from its start and from its end — twelve numbers.
    (:func:`.compiled.saturation_lengths` computes the same in one compiled pass.)"""
    n = int(xs.size)
    mag = fmt.uint(fmt.sign_mask - 1)
    out = []
    for ftz in (False, True):
        def bits(lo, hi, ftz=ftz):
            b = got_bits[lo:hi]
            return _flush(fmt, b) if ftz else b

        first, last = bits(0, 1)[0], bits(n - 1, n)[0]
        tests = {
            "zero": lambda lo, hi: (bits(lo, hi) & mag) == 0,
            "identity": lambda lo, hi: bits(lo, hi) == fmt.to_bits(xs[lo:hi]),
        }
        for kind in CLASSES:
            if kind == "constant":
                p = 0 if _is_nan(fmt, first) else _run(lambda lo, hi: bits(lo, hi) == first, n, False)
                s = 0 if _is_nan(fmt, last) else _run(lambda lo, hi: bits(lo, hi) == last, n, True)
            else:
                p = _run(tests[kind], n, False)
                s = n if p == n else _run(tests[kind], n, True)
            out += [p, s]
    return tuple(out)


def segment(fmt: FloatFormat, xs: np.ndarray, got_bits: np.ndarray, runs=lengths) -> dict:
    """Summary of one run of consecutive inputs (value order): {(kind, ftz): (prefix length,
    its last x, its constant bits, suffix length, its first x, its constant bits)}; ``runs``
    computes the run lengths (:func:`lengths`, or its compiled twin)."""
    n = int(xs.size)
    out = {}
    if not n:
        return out
    ls = runs(fmt, xs, got_bits)
    ends = got_bits[[0, n - 1]]
    for j, ftz in enumerate((False, True)):
        first, last = _flush(fmt, ends) if ftz else ends
        for k, kind in enumerate(CLASSES):
            p, s = ls[6 * j + 2 * k], ls[6 * j + 2 * k + 1]
            out[(kind, ftz)] = (p, float(xs[p - 1]) if p else None, int(first),
                                s, float(xs[n - s]) if s else None, int(last))
    return out


def merge(fmt: FloatFormat, segments) -> tuple[Saturation, ...]:
    """The thresholds over the whole domain from ``segments``: [(n, summary)] in value order."""
    found = []
    segments = [s for s in segments if s[0]]
    if not segments:
        return ()
    for side in SIDES:
        seq = segments if side == "below" else segments[::-1]
        for kind in CLASSES:
            for ftz in (False, True):
                total, threshold, value = 0, None, None
                for n, summary in seq:
                    p, px, pv, s, sx, sv = summary[(kind, ftz)]
                    length, x_end, v = (p, px, pv) if side == "below" else (s, sx, sv)
                    if kind == "constant":
                        if value is None:
                            value = v
                        elif v != value:
                            break
                    if length:
                        total += length
                        threshold = x_end
                    if length < n:
                        break
                if total >= (2 if kind == "constant" else 1):  # one input is trivially constant
                    val = None
                    if kind == "constant":
                        val = float(fmt.from_bits(np.array([value], dtype=fmt.uint))[0])
                    found.append(Saturation(side, kind, ftz, threshold, total, val))
    return tuple(found)
