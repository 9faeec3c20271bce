"""Safety-net time limits for SymPy steps that have no cancellation hook.

No result of gelu-math depends on how fast the machine is.  Whether a symbolic step is tried at
all is decided from the expression (sizes, classes: see ``tidy``, ``solvable_class``, the
holonomic gate of the series), and a step that is tried runs to its end.  The limits here are a
last safety net against a step that would run for hours: their expiry raises
:class:`~gelu_math.errors.SymbolicTimeout`, an *error* that ends the whole computation — never
a fallback value, never a part silently reported differently.  The slowest SymPy step of any
registered function was measured at about 1.5 s on the 2-core reference machine; the per-step
limit is 100 times that, and ``tests/test_determinism.py`` regenerates a report with four busy
loops competing for the cores and compares it byte for byte.

On the main thread of a Unix process the limit arms ``SIGALRM`` (via ``setitimer``); elsewhere
(other threads, Windows) the step runs without a limit, which can be slower but never differs.

Limits (seconds; environment variables override them, for very slow machines):

* :data:`STEP_LIMIT` — one SymPy step (simplify, limit, solve, series, ...):
  ``GELU_MATH_STEP_LIMIT``, default 150.
* :data:`TASK_LIMIT` — one whole analysis, envelope or claim: ``GELU_MATH_TIME_LIMIT``, default 900.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time

from sympy.core.function import PoleError

from .errors import GeluMathError, InputError, SymbolicTimeout, UnsupportedError

_HAS_ALARM = hasattr(signal, "setitimer")


def _env_seconds(name: str, default: float) -> float:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{name} must be a number of seconds, got {text!r}") from None
    if not 1 <= value <= 10 ** 6:
        raise InputError(f"{name} must be between 1 and 1000000 seconds, got {text!r}")
    return value


STEP_LIMIT = _env_seconds("GELU_MATH_STEP_LIMIT", 150.0)
TASK_LIMIT = _env_seconds("GELU_MATH_TIME_LIMIT", 900.0)


REFIRE = 0.05  # seconds: the alarm repeats until the box is left (SymPy's own `except Exception`
               # blocks, and garbage-collector finalizers, can swallow a single timeout)


_FOREIGN = ("/_pytest/", "/pluggy/", "/hypothesis/", "/tracemalloc", "weakref")
_COLLECTING = [False]  # a garbage collection is running (its callbacks and finalizers must not be hit)


def _track_collection(phase, info) -> None:
    _COLLECTING[0] = phase == "start"


gc.callbacks.append(_track_collection)
_TRACKER_CODE = _track_collection.__code__  # the alarm can land inside the callback itself, before the flag is set


# weakref callbacks outside weakref.py: importlib's module-lock callback runs whenever a lock of a finished
# import is collected (seen in an interrupted report: "Exception ignored in: <function
# _get_module_lock.<locals>.cb>" and a traceback on stderr)
_CALLBACKS = {"_get_module_lock.<locals>.cb"}


def _blocked(frame, entry, parts) -> bool:
    """Whether a garbage collection runs, or a frame from ``frame`` up to (not including) ``entry``
    runs the collector's callback, a ``__del__`` or code from a file whose path contains one of
    ``parts``: an exception raised there by a signal handler would be lost or break a hook."""
    if _COLLECTING[0]:
        return True
    while frame is not None and frame is not entry:
        code = frame.f_code
        if (code is _TRACKER_CODE or code.co_name == "__del__" or any(part in code.co_filename for part in parts)
                or getattr(code, "co_qualname", "") in _CALLBACKS):
            return True
        frame = frame.f_back
    return False


def in_finalizer(frame) -> bool:
    """Whether ``frame`` (or a caller) runs a garbage-collector callback, a ``__del__`` or a weakref
    callback: an exception raised there by a signal handler is printed as "Exception ignored" and
    lost, so a handler must deliver it later instead."""
    return _blocked(frame, None, ("weakref",))


def _interruptible(frame, entry) -> bool:
    """Whether the timeout may be raised into ``frame``: not when a finalizer, a garbage-collector
    callback or a test framework's hook runs between the box's entry and ``frame`` (the exception
    would be lost there, or break the hook); the repeating alarm comes back within REFIRE."""
    return not _blocked(frame, entry, _FOREIGN)


def _message(what: str, seconds: float) -> str:
    return (f"{what} exceeded the {seconds:g} s safety limit on machine time (not a mathematical limit; "
            f"nothing was reported from it; on a very slow machine raise GELU_MATH_STEP_LIMIT / GELU_MATH_TIME_LIMIT)")


@contextlib.contextmanager
def timebox(seconds: float, what: str):
    """Raise :class:`SymbolicTimeout` if the body runs longer than ``seconds`` (a safety net:
    callers let the error propagate; they never turn it into a different result)."""
    if not _HAS_ALARM or threading.current_thread() is not threading.main_thread():
        yield
        return
    active, fired = [True], [False]
    entry = sys._getframe(2)  # the frame running the ``with`` (above this generator and contextlib)

    def _handler(signum, frame):  # pragma: no cover - timing dependent
        if active[0] and _interruptible(frame, entry):
            fired[0] = True
            raise SymbolicTimeout(_message(what, seconds))

    old_delay, old_interval = signal.getitimer(signal.ITIMER_REAL)
    if old_delay and old_delay < seconds:  # an enclosing limit (a whole task, or a caller's alarm) ends first
        what = f"{what}, within an enclosing computation,"
        seconds = old_delay
    previous = signal.signal(signal.SIGALRM, _handler)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds, REFIRE)
    try:
        yield
    except SystemError:
        # a C extension (flint, gmpy) that checks for signals can lose our exception and report
        # "error return without exception set": once the limit has fired, that is the timeout
        if fired[0]:
            raise SymbolicTimeout(_message(what, seconds)) from None
        raise
    finally:
        active[0] = False  # a late alarm from here on is ignored, never raised into the caller
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_delay:  # an enclosing box is still running: re-arm what is left of it (time actually spent)
            signal.setitimer(signal.ITIMER_REAL, max(old_delay - (time.monotonic() - start), 1e-3), old_interval)


def task_limit(what: str):
    """The safety net around one whole analysis, envelope or claim (:data:`TASK_LIMIT`)."""
    return timebox(TASK_LIMIT, what)


def attempt(what: str, func, *args, **kwargs):
    """Run the SymPy step ``func`` under the :data:`STEP_LIMIT` safety net.

    Its expiry raises :class:`SymbolicTimeout` (never a fallback value: whether a step is worth
    trying is decided before, from the expression).  SymPy's "cannot do this" exceptions
    (NotImplementedError, PoleError) become :class:`UnsupportedError`, so a step SymPy gives up on
    is reported as not certified, never as a traceback — that answer does not depend on time."""
    try:
        with timebox(STEP_LIMIT, what):
            return func(*args, **kwargs)
    except (NotImplementedError, PoleError) as exc:
        raise UnsupportedError(f"SymPy cannot do this {what} ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - SymPy's own failures (PolynomialError, CoercionFailed, ...)
        if isinstance(exc, (GeluMathError, MemoryError)) or not _raised_in_sympy(exc):
            raise  # our own error, or a bug of ours: stays what it is
        raise UnsupportedError(f"SymPy failed in this {what} ({type(exc).__name__} inside SymPy)") from None


def _raised_in_sympy(exc: BaseException) -> bool:
    """Whether the innermost frame of ``exc``'s traceback is SymPy's (or mpmath's, which SymPy calls)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    path = tb.tb_frame.f_code.co_filename.replace("\\", "/")
    return "/sympy/" in path or "/mpmath/" in path
