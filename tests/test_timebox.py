"""Nested time boxes: an inner box must give back exactly the time it did not use."""

from __future__ import annotations

import time

import pytest

from gelu_math.errors import SymbolicTimeout
from gelu_math.timebox import attempt, timebox


def test_inner_box_does_not_shorten_the_outer_one():
    # regression: the outer timer was re-armed with (outer − inner length), here 1 ms, not (outer − time spent)
    with timebox(3.0, "outer"):
        with timebox(2.9, "inner"):
            pass
        time.sleep(0.3)  # well inside the outer box


def test_outer_box_still_fires_inside_a_longer_inner_box():
    with pytest.raises(SymbolicTimeout):
        with timebox(0.3, "outer"):
            with timebox(5.0, "inner"):
                time.sleep(2.0)


def test_an_expired_safety_limit_is_an_error_never_a_fallback(monkeypatch):
    # a step that runs past its limit must not return anything (a fallback value would make the
    # result depend on the machine's speed): the error propagates, naming the step
    import gelu_math.timebox as tb

    monkeypatch.setattr(tb, "STEP_LIMIT", 0.2)
    t = time.monotonic()
    with pytest.raises(SymbolicTimeout, match="slow step exceeded the 0.2 s safety limit"):
        attempt("slow step", time.sleep, 2.0)
    assert time.monotonic() - t < 1.5
    assert attempt("quick step", lambda: 7) == 7


def test_limits_from_the_environment_are_validated():
    import gelu_math.timebox as tb
    from gelu_math.errors import InputError

    assert tb._env_seconds("GELU_MATH_NO_SUCH_VARIABLE", 12.0) == 12.0
    for bad in ("soon", "0", "-5", "nan", "1e9"):
        import os
        os.environ["GELU_MATH_TEST_LIMIT"] = bad
        try:
            with pytest.raises(InputError, match="GELU_MATH_TEST_LIMIT"):
                tb._env_seconds("GELU_MATH_TEST_LIMIT", 1.0)
        finally:
            del os.environ["GELU_MATH_TEST_LIMIT"]


def test_a_swallowed_timeout_fires_again():
    # SymPy code catches Exception in places (e.g. inside solve); one swallowed alarm must not
    # let the body run on unboxed
    def stubborn():
        for _ in range(20):
            try:
                time.sleep(0.1)
            except Exception:  # noqa: BLE001 - deliberately swallowing, like SymPy internals
                pass
        return "ran to the end"

    t = time.monotonic()
    # every alarm is swallowed here, so the box cannot stop the loop; but each swallowed alarm is
    # followed by another one within REFIRE, so the first statement after the loop raises
    with pytest.raises(SymbolicTimeout):
        with timebox(0.2, "stubborn"):
            stubborn()
            time.sleep(1.0)  # outside the swallowing loop: must raise here at the latest
    assert time.monotonic() - t < 5


def test_no_timeout_is_raised_into_a_finalizer():
    # an alarm landing in __del__ or in a callback run by the garbage collector would be lost
    # (printed as "Exception ignored"); it must wait for the boxed code instead, and still end the box
    import gc
    import sys
    import weakref

    class Slow:
        def __del__(self):
            time.sleep(0.3)  # refcount finalizer: the alarm fires in here

    class Node:
        pass

    def callback(ref):
        time.sleep(0.3)  # run by gc.collect() for the cyclic garbage below

    seen = []
    old, sys.unraisablehook = sys.unraisablehook, seen.append
    try:
        for body in ("finalizer", "collector"):
            with pytest.raises(SymbolicTimeout):
                with timebox(0.1, body):
                    if body == "finalizer":
                        Slow()
                    else:
                        node = Node()
                        node.me = node
                        keep = weakref.ref(node, callback)  # noqa: F841
                        del node
                        gc.collect()
                    time.sleep(1.0)
    finally:
        sys.unraisablehook = old
    assert seen == []


def test_alarm_inside_the_collection_tracker_is_deferred():
    """The alarm can land in the gc callback itself, before it sets the collecting flag (seen once:
    'Exception ignored in _track_collection'); the handler must recognise that frame."""
    import types

    from gelu_math import timebox as tb

    def frame(code, back=None):
        return types.SimpleNamespace(f_code=code, f_back=back)

    here = test_alarm_inside_the_collection_tracker_is_deferred.__code__
    assert tb._interruptible(frame(here), None)
    assert not tb._interruptible(frame(tb._track_collection.__code__), None)
    assert not tb._interruptible(frame(here, frame(tb._track_collection.__code__)), None)


def test_importlibs_module_lock_callback_is_a_finalizer():
    """importlib's weakref callback for module locks runs whenever a finished import's lock is collected; a
    worker's SIGTERM landing there printed "Exception ignored in: <function _get_module_lock.<locals>.cb>"
    and a traceback on an interrupted report's stderr: the handlers must recognise that frame."""
    import importlib._bootstrap as bootstrap
    import types

    from gelu_math import timebox as tb

    cb = next(c for c in bootstrap._get_module_lock.__code__.co_consts
              if isinstance(c, types.CodeType) and c.co_name == "cb")
    here = test_importlibs_module_lock_callback_is_a_finalizer.__code__
    frame = types.SimpleNamespace(f_code=cb, f_back=types.SimpleNamespace(f_code=here, f_back=None))
    assert tb.in_finalizer(frame) and not tb._interruptible(frame, None)
    assert not tb.in_finalizer(types.SimpleNamespace(f_code=here, f_back=None))


def test_sympy_giving_up_is_an_unsupported_error():
    from sympy.core.function import PoleError

    from gelu_math.errors import UnsupportedError

    def gives_up(exc):
        raise exc

    for exc in (NotImplementedError("no"), PoleError("pole")):
        with pytest.raises(UnsupportedError, match="SymPy cannot do this limit"):
            attempt("limit", gives_up, exc)
    with pytest.raises(ZeroDivisionError):  # a bug of ours stays a bug
        attempt("limit", gives_up, ZeroDivisionError())


def test_a_crash_inside_sympy_is_sympy_giving_up():
    # an exception raised deep inside SymPy (mpmath's ZeroDivisionError in sp.limit was seen for
    # x·W(e^x)) means SymPy has no answer: "not certified", not a traceback; the same exception
    # raised by our own code stays a bug (previous test)
    import sympy as sp

    from gelu_math.errors import UnsupportedError

    with pytest.raises(UnsupportedError, match="SymPy failed in this inverse"):
        attempt("inverse", lambda: sp.Matrix([[1, 2]]).inv())  # ValueError (NonSquareMatrixError) in SymPy
