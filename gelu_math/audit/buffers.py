"""Per-thread scratch arrays that the compiled audit path reuses from one chunk to the next.

An exhaustive chunk of 4M inputs needs half a dozen float64 arrays (the inputs, the
transcendental call, the loops between, the value, the rounded outputs).  Allocated afresh,
each is a new ``mmap`` that the kernel zero-fills page by page on first touch and unmaps
again when freed: on the 2-core machine that page-fault work alone was about a quarter of the
whole audit of gelu on [1, 16] (0.71 s → 0.52 s on one process when glibc is told to keep
freed memory).  :func:`take` hands out the same memory for the same key instead.

The contract: an array from ``take(key, n, dtype)`` is valid until the next ``take`` of that
key *in the same thread* (Dask workers may run chunks in threads; each thread has its own
arrays).  Only the chunk pipeline of :mod:`.engine` asks for them, and nothing a chunk returns
refers to them (its summary holds numbers and copies).  Contents are never assumed: every
caller overwrites the whole view it takes.
"""

from __future__ import annotations

import threading

import numpy as np

_LOCAL = threading.local()


def take(key, n: int, dtype) -> np.ndarray:
    """An uninitialised array of ``n`` elements of ``dtype``: a view of this thread's buffer for
    ``key``, grown (never shrunk) as needed."""
    dtype = np.dtype(dtype)
    pool = getattr(_LOCAL, "pool", None)
    if pool is None:
        pool = _LOCAL.pool = {}
    buf = pool.get((key, dtype))
    if buf is None or buf.size < n:
        buf = pool[(key, dtype)] = np.empty(max(n, 1), dtype=dtype)
    return buf[:n]


def release() -> None:
    """Drop this thread's buffers (the memory returns when nothing else refers to them)."""
    _LOCAL.pool = {}
