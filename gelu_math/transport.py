"""Layer 0: facts across process boundaries, exactly as they were.

A report's worker process returns the facts it derived (SymPy expressions, certified balls,
registered functions) to the main process, which renders them.  Plain pickling is not enough:
SymPy rebuilds an expression by calling its class on the arguments, which *evaluates* again
(``Piecewise((0, x < 0), (0, x > 0))`` comes back as ``Piecewise((0, (x > 0) | (x < 0)))``,
``erfc(-z)`` as ``2 - erfc(z)``), so the main process would print something other than what was
derived.  :func:`dumps` pickles every compound SymPy expression as its class and attributes and
:func:`loads` restores it without calling its constructor, node for node: the result is
structurally equal to the original and prints identically.

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> e = sp.Piecewise((0, x < 0), (0, x > 0))
    >>> loads(dumps(e)).args == e.args
    True

Balls (:class:`~gelu_math.facts.Number`) carry their exact midpoint and an outward radius
(``Number.__reduce__``); registered activations travel by name (``Activation.__reduce__``).
"""

from __future__ import annotations

import io
import pickle

import sympy as sp


def _slots(cls) -> tuple[str, ...]:
    out = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        out += [slots] if isinstance(slots, str) else list(slots)
    return tuple(dict.fromkeys(s for s in out if s not in ("__dict__", "__weakref__")))


def _restore(cls, state):
    """The node as it was pickled: its class and attributes, with no constructor (so no evaluation)."""
    obj = object.__new__(cls)
    for key, value in state.items():
        object.__setattr__(obj, key, value)
    return obj


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, sp.Basic) and not obj.is_Atom and type(obj).__reduce_ex__ is sp.Basic.__reduce_ex__:
            state = {k: getattr(obj, k) for k in _slots(type(obj)) if hasattr(obj, k)}
            state.update(getattr(obj, "__dict__", {}))
            state["_mhash"] = None  # the hash is recomputed from the contents on first use
            return _restore, (type(obj), state)
        return NotImplemented


def dumps(obj) -> bytes:
    """``obj`` pickled so that :func:`loads` gives back SymPy expressions unevaluated (see above)."""
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


def loads(data: bytes):
    """The object :func:`dumps` pickled."""
    return pickle.loads(data)
