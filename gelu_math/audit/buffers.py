"""Per-thread scratch memory that the compiled audit path reuses from one chunk to the next.

An exhaustive chunk of 4M inputs needs half a dozen float64 arrays (the inputs, the
transcendental calls, the loops between, the value, the rounded outputs).  Allocated afresh,
each is a new ``mmap`` that the kernel zero-fills page by page on first touch and unmaps
again when freed: on the 2-core machine that page-fault work alone was about a quarter of the
whole audit of gelu on [1, 16] (0.71 s → 0.49 s on one process).

The memory is an arena of slots: :func:`reset` starts a chunk, and each :func:`take` after it
hands out the next slot (grown, never shrunk, to the size asked for), so every array taken
during one chunk has memory of its own, and the next chunk reuses the same slots in the same
way.  What a thread holds is therefore one chunk's arrays, whatever kernels it audits.  The
contract: an array from ``take`` is valid until this thread's next :func:`reset` (Dask
workers may run chunks in threads; each thread has its own arena).  Only the chunk pipeline of
:mod:`.engine` resets and takes, and nothing a chunk returns refers to the arena (its summary
holds numbers and copies).  Contents are never assumed: every caller overwrites what it takes.
"""

from __future__ import annotations

import threading

import numpy as np

MAX_SLOTS = 256  # arrays per chunk; far more than any form needs (a missing reset() would grow without end)


class _Arena(threading.local):
    def __init__(self):
        self.slots: list[np.ndarray] = []
        self.next = 0


_ARENA = _Arena()


def reset() -> None:
    """Start a chunk: arrays taken before may be overwritten from now on."""
    _ARENA.next = 0


def take(n: int, dtype) -> np.ndarray:
    """An uninitialised array of ``n`` elements of ``dtype`` in the next slot of this thread's arena."""
    a = _ARENA
    dtype = np.dtype(dtype)
    nbytes = n * dtype.itemsize
    i = a.next
    if i >= MAX_SLOTS:
        raise RuntimeError("audit scratch memory: more arrays in one chunk than MAX_SLOTS (is reset() called?)")
    a.next += 1
    if i == len(a.slots):
        a.slots.append(np.empty(0, dtype=np.uint8))
    if a.slots[i].size < nbytes:
        a.slots[i] = np.empty(nbytes, dtype=np.uint8)  # numpy aligns it for any dtype
    return a.slots[i][:nbytes].view(dtype)


def release() -> None:
    """Drop this thread's arena (the memory returns when nothing else refers to it)."""
    _ARENA.slots = []
    _ARENA.next = 0
