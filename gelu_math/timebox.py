"""Time boxes for SymPy steps that can run for a very long time.

SymPy's ``simplify``, ``limit`` and ``solve`` have no cancellation hook.  On the
main thread of a Unix process we arm ``SIGALRM`` (via ``setitimer``) and raise
:class:`~gelu_math.errors.SymbolicTimeout` from the handler; callers catch it and
take their stated fallback.  Elsewhere (other threads, Windows) the step runs
without a box, which is slower but never wrong.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import threading
import time

from sympy.core.function import PoleError

from .errors import SymbolicTimeout, UnsupportedError

_HAS_ALARM = hasattr(signal, "setitimer")


REFIRE = 0.05  # seconds: the alarm repeats until the box is left (SymPy's own `except Exception`
               # blocks, and garbage-collector finalizers, can swallow a single timeout)


_FOREIGN = ("/_pytest/", "/pluggy/", "/hypothesis/", "/tracemalloc", "weakref")
_COLLECTING = [False]  # a garbage collection is running (its callbacks and finalizers must not be hit)


def _track_collection(phase, info) -> None:
    _COLLECTING[0] = phase == "start"


gc.callbacks.append(_track_collection)
_TRACKER_CODE = _track_collection.__code__  # the alarm can land inside the callback itself, before the flag is set


def _interruptible(frame, entry) -> bool:
    """Whether the timeout may be raised into ``frame``: not when a finalizer, a garbage-collector
    callback or a test framework's hook runs between the box's entry and ``frame`` (the exception
    would be lost there, or break the hook); the repeating alarm comes back within REFIRE."""
    if _COLLECTING[0]:
        return False
    while frame is not None and frame is not entry:
        code = frame.f_code
        if code is _TRACKER_CODE or code.co_name == "__del__" or any(part in code.co_filename for part in _FOREIGN):
            return False
        frame = frame.f_back
    return True


@contextlib.contextmanager
def timebox(seconds: float, what: str):
    """Raise :class:`SymbolicTimeout` if the body runs longer than ``seconds``."""
    if not _HAS_ALARM or threading.current_thread() is not threading.main_thread():
        yield
        return
    active = [True]
    entry = sys._getframe(2)  # the frame running the ``with`` (above this generator and contextlib)

    def _handler(signum, frame):  # pragma: no cover - timing dependent
        if active[0] and _interruptible(frame, entry):
            raise SymbolicTimeout(f"{what} exceeded its {seconds:g} s time box")

    previous = signal.signal(signal.SIGALRM, _handler)
    old_delay, old_interval = signal.getitimer(signal.ITIMER_REAL)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, min(seconds, old_delay) if old_delay else seconds, REFIRE)
    try:
        yield
    finally:
        active[0] = False  # a late alarm from here on is ignored, never raised into the caller
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_delay:  # an enclosing box is still running: re-arm what is left of it (time actually spent)
            signal.setitimer(signal.ITIMER_REAL, max(old_delay - (time.monotonic() - start), 1e-3), old_interval)


def attempt(seconds: float, what: str, func, *args, fallback=None, **kwargs):
    """Run ``func`` in a time box; on timeout return ``fallback`` (never hang).  SymPy's "cannot
    do this" exceptions (NotImplementedError, PoleError) become :class:`UnsupportedError`, so a
    step SymPy gives up on is reported as not certified, never as a traceback."""
    try:
        with timebox(seconds, what):
            return func(*args, **kwargs)
    except SymbolicTimeout:
        return fallback
    except (NotImplementedError, PoleError) as exc:
        raise UnsupportedError(f"SymPy cannot do this {what} ({type(exc).__name__})") from None
