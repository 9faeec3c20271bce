"""The compiled (numba) path of the audit: one fused pass per chunk for gelu-math's own kernels.

What is fused (``fused_round``): the reference's error bound ``REL_BOUND·M(x) + ABS_BOUND``,
rounding y − bound, y + bound and y to the target format (float16 and float32: IEEE
nearest-even; bfloat16: float64 → float32 rounded to odd → bfloat16 nearest-even, as
:mod:`gelu_math.floats.dtypes`), the ambiguity test (the interval straddles a rounding
boundary), the own kernel's :meth:`~gelu_math.floats.FloatImpl.adjust` near 0 and its one
rounding, in one loop over the chunk; ``float_inputs`` builds a chunk's inputs from an
ordinal range.  The float64 values y (and M, and the kernel's own float64 values when the
kernel is not the reference) are evaluated by the same numpy/scipy ufuncs as the numpy path:
numba's ``math.erfc``/``exp``/``tanh`` are the C library's, which differ from numpy's SIMD
loops and scipy's cephes in the last bit on some inputs, and one differing last bit changes
which inputs escalate.  So the compiled path agrees with the numpy path bit for bit by
construction: everything it computes itself is exact integer work or IEEE-rounded
conversions; the few ambiguous inputs go to :meth:`.reference.Reference.settle` exactly as in
the numpy path; the comparison of the (few) differing outputs is shared code.

numba is optional (the ``fast`` extra): :func:`available` says whether it imports; without it
the audit uses its numpy path.  ``GELU_MATH_AUDIT=numpy`` forces the numpy path.  Functions are
compiled on first use and cached on disk (``cache=True``, in ``__pycache__``).

The chunk loop of an exhaustive run writes the inputs, the fused programs' arrays and the rounded
outputs into per-thread scratch memory reused from chunk to chunk (``reuse=True``,
:mod:`.buffers`): the same values, without the kernel zero-filling fresh pages for every chunk.
For float32 the per-input work is a branch-free pass that numba vectorises (flags: ambiguous,
differs, Taylor rule), then a scan of the flags eight bytes at a time for the few flagged inputs.
"""

from __future__ import annotations

import functools
import os

import numpy as np

from ..floats import FloatFormat
from ..floats.impl import TAYLOR_RADIUS
from . import buffers

KINDS = {"float16": 0, "bfloat16": 1, "float32": 2}


@functools.lru_cache(maxsize=1)
def _numba():
    if os.environ.get("GELU_MATH_AUDIT", "").strip().lower() == "numpy":
        return None
    try:
        import numba
    except ImportError:
        return None
    return numba


def available() -> bool:
    """Whether the compiled path can be used (numba imports and is not switched off)."""
    return _numba() is not None


def supports(fmt: FloatFormat) -> bool:
    return fmt.name in KINDS and available()


@functools.lru_cache(maxsize=1)
def _kernels():
    from . import _jit

    return _jit.fused_round, _jit.float_inputs, _jit.fused_float32, _jit.saturation_lengths


def float_inputs(fmt: FloatFormat, start: int, stop: int, extra: int = 0, reuse: bool = False) -> np.ndarray:
    """float64 values of the format's ordinals ``start..stop-1`` (as ``fmt.from_bits(fmt.bits_of_ordinal(...))``),
    followed by ``extra`` uninitialised places; ``reuse``: in this thread's scratch memory
    (:mod:`.buffers`, valid until its next reset)."""
    n = stop - start + extra
    out = buffers.take(n, np.float64) if reuse else np.empty(n, dtype=np.float64)
    _kernels()[1](KINDS[fmt.name], start, stop, out)
    return out


def fused_round(fmt: FloatFormat, xs, y, m, yk, taylor, rel: float, absb: float, reuse: bool = False):
    """(want_bits, got_bits, ambiguous indices, candidate indices or None) for one chunk; the
    candidates (float32) include every input whose output bits differ from round(y) (±0 aside).
    ``reuse``: want_bits and got_bits in this thread's scratch memory (:mod:`.buffers`)."""
    n = xs.size

    def empty(dtype):
        return buffers.take(n, dtype) if reuse else np.empty(n, dtype=dtype)

    amb = np.empty(n, dtype=np.int64)
    dummy = np.empty(1, dtype=np.float64)
    a1, a2 = taylor if taylor is not None else (0.0, 0.0)
    common = (xs, y, dummy if m is None else m, m is not None, dummy if yk is None else yk, yk is not None,
              float(a1), float(a2), taylor is not None, float(rel), float(absb), float(TAYLOR_RADIUS))
    kernels = _kernels()
    if fmt.name == "float32":
        want = empty(np.float32)
        got = empty(np.float32)
        cand = np.empty(n, dtype=np.int64)
        k, c = kernels[2](*common, want, got, amb, cand, empty(np.uint8))
        return want.view(np.uint32), got.view(np.uint32), amb[:k].copy(), cand[:c].copy()
    want = empty(fmt.uint)
    got = empty(fmt.uint)
    k = kernels[0](KINDS[fmt.name], *common, np.uint64(fmt.sign_mask - 1), want, got, amb)
    return want, got, amb[:k].copy(), None


def saturation_lengths(fmt: FloatFormat, xs: np.ndarray, got_bits: np.ndarray) -> tuple[int, ...]:
    """:func:`gelu_math.audit.saturation.lengths` in one compiled pass (the same twelve numbers)."""
    out = np.zeros(12, dtype=np.int64)
    _kernels()[3](KINDS[fmt.name], np.ascontiguousarray(xs, dtype=np.float64), np.ascontiguousarray(got_bits),
                  np.uint64(fmt.sign_mask - 1), np.uint64(fmt.sign_mask), np.uint64(1 << (fmt.precision - 1)),
                  np.uint64(fmt.max_bits + 1), out)
    return tuple(int(v) for v in out)
