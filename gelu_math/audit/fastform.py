"""Fused float64 evaluation of an own implementation's form for the compiled audit path.

:func:`gelu_math.floats.impl._compile` evaluates a stable form with the numpy code that
``sympy.lambdify`` generates: one whole-array numpy operation per ``+ − × ÷``, one temporary
array each, and every branch of a piecewise form over every input.  On a 4M-input chunk of an
exhaustive float32 audit that costs several times the one transcendental call the form needs.

:func:`program` reads that same generated code (its Python syntax tree, not SymPy's) and
evaluates it in fewer passes with **the same value in every bit**:

* every call of a numpy/scipy function on an array (``erfc``, ``expit``, ``exp``, ``tanh``,
  ``logaddexp``, …) and every power other than a square stays the very same call on an array
  of the same values — those functions are the C library's, numpy's SIMD loops or scipy's
  cephes, whose last bits a compiled re-implementation would not reproduce;
* what lies between them — ``+ − × ÷``, negation, ``abs``, squares (numpy evaluates ``a**2`` as
  ``a·a``), comparisons and ``select`` — is compiled by numba into one loop per stage, in the
  order Python evaluates the generated code.  IEEE arithmetic on float64 gives the same
  result one element at a time as one array at a time (numba compiles without fast-math, so
  nothing is reassociated or contracted into an FMA; ``error_model="numpy"`` gives inf/NaN
  where numpy gives them); a piecewise form computes, at each input, the branch numpy's
  ``select`` would pick;
* the same call on the same arguments is made once (the form and its magnitude form share
  their transcendental calls), which is the same value again;
* constant subexpressions are evaluated by Python with the generated code's own namespace,
  exactly as the numpy code evaluates them.

Whatever the reader does not know (an unfamiliar operator, keyword, a call that does not return
float64, an integer too large for float64) makes :func:`program` return None and the audit
evaluate the form as before.  The tests compare the program with ``FloatImpl.evaluate`` bit for
bit on every own kernel over all float16 and bfloat16 inputs and on float32 samples.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import operator

import numpy as np

from . import buffers

_BINOPS = {ast.Add: ("+", operator.add), ast.Sub: ("-", operator.sub), ast.Mult: ("*", operator.mul),
           ast.Div: ("/", operator.truediv)}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_CMP = {np.less: "<", np.less_equal: "<=", np.greater: ">", np.greater_equal: ">=", np.equal: "==",
        np.not_equal: "!="}
_LOGIC = {np.logical_and: "and", np.logical_or: "or"}
_ABS = (abs, np.abs, np.absolute)
_PREFIX = {"neg": "(-{})", "sq": "_sq({})", "abs": "abs({})"}  # loop code of the one-operand nodes
MIN_SIZE = 1 << 16  # below this, numba's compile time is not repaid: evaluate as before


class _Unsupported(Exception):
    pass


def _const(v):
    """A constant node: ("const", type, value, key) — the key tells +0.0 from −0.0 (equal as numbers),
    so that equal nodes compute equal bits."""
    if isinstance(v, (bool, np.bool_)):
        return ("const", bool, bool(v), bool(v))
    if isinstance(v, int):  # any size: folded by Python; an operand of a loop only up to 2^53
        return ("const", int, v, v)
    if isinstance(v, (float, np.floating)) and np.asarray(v).dtype == np.float64:
        return ("const", type(v), v, float(v).hex())
    raise _Unsupported


def _is_const(n) -> bool:
    return n[0] == "const"


class _Reader:
    """Syntax tree of the generated code → hashable nodes (equal nodes compute equal values)."""

    def __init__(self, fn):
        tree = ast.parse(inspect.getsource(fn))
        fdef = tree.body[0] if len(tree.body) == 1 else None
        if not isinstance(fdef, ast.FunctionDef) or len(fdef.args.args) != 1 or len(fdef.body) != 1 \
                or not isinstance(fdef.body[0], ast.Return):
            raise _Unsupported
        self.arg = fdef.args.args[0].arg
        self.ns = fn.__globals__
        self.root = self.node(fdef.body[0].value)

    def resolve(self, n):
        if isinstance(n, ast.Name):
            if n.id in self.ns:
                return self.ns[n.id]
            if hasattr(builtins, n.id):
                return getattr(builtins, n.id)
        elif isinstance(n, ast.Attribute):
            return getattr(self.resolve(n.value), n.attr)
        raise _Unsupported

    def node(self, n):
        if isinstance(n, ast.Constant):
            return _const(n.value)
        if isinstance(n, ast.Name):
            return ("x",) if n.id == self.arg else _const(self.resolve(n))
        if isinstance(n, ast.UnaryOp) and type(n.op) in _UNARY:
            a = self.node(n.operand)
            if _is_const(a):
                return _const(_UNARY[type(n.op)](a[2]))
            _need_float(a)
            return ("neg", a) if isinstance(n.op, ast.USub) else a
        if isinstance(n, ast.BinOp):
            a, b = self.node(n.left), self.node(n.right)
            if isinstance(n.op, ast.Pow):
                if _is_const(a) and _is_const(b):
                    return _const(_fold(operator.pow, a[2], b[2]))
                if _is_const(b) and b[1] in (int, float) and b[2] == 2:  # numpy: a**2 is square(a) = a·a
                    _need_float(a)
                    return ("sq", a)
                return self.call(operator.pow, (a, b), ())
            if type(n.op) not in _BINOPS:
                raise _Unsupported
            sym, op = _BINOPS[type(n.op)]
            if _is_const(a) and _is_const(b):
                return _const(_fold(op, a[2], b[2]))
            _need_float(a), _need_float(b)
            return ("op", sym, a, b)
        if isinstance(n, ast.Call):
            if any(isinstance(a, ast.Starred) for a in n.args) or any(k.arg is None for k in n.keywords):
                raise _Unsupported
            func = self.resolve(n.func)
            if func is np.select:
                return self.select(n)
            args = tuple(self.node(a) for a in n.args)
            kw = tuple((k.arg, self.node(k.value)) for k in n.keywords)
            if all(_is_const(a) for a in args) and all(_is_const(v) for _, v in kw):
                return _const(_fold(func, *[a[2] for a in args], **{k: v[2] for k, v in kw}))
            if not kw and len(args) == 1 and any(func is f for f in _ABS):
                _need_float(args[0])
                return ("abs", args[0])
            if not kw and len(args) == 2 and func in _CMP:
                _need_float(args[0]), _need_float(args[1])
                return ("cmp", _CMP[func], *args)
            if not kw and len(args) == 2 and func in _LOGIC:
                return ("logic", _LOGIC[func], *args)
            return self.call(func, args, kw)
        raise _Unsupported

    def select(self, n):
        if len(n.args) != 2 or not all(isinstance(a, ast.List) for a in n.args) or len(n.args[0].elts) != len(
                n.args[1].elts) or any(k.arg != "default" for k in n.keywords):
            raise _Unsupported
        conds = tuple(self.node(c) for c in n.args[0].elts)
        choices = tuple(self.node(c) for c in n.args[1].elts)
        if not conds or not n.keywords:
            raise _Unsupported
        default = self.node(n.keywords[0].value)
        # a float default (lambdify's nan) makes numpy's result float64 whatever the choices
        if not _is_const(default) or default[1] in (bool, int):
            raise _Unsupported
        for c in conds:  # numpy refuses conditions that are not boolean
            if not ((_is_const(c) and c[1] is bool) or (not _is_const(c) and _kind(c) == "b")):
                raise _Unsupported
        for c in (*choices, default):
            if _is_const(c) and c[1] is bool:
                raise _Unsupported
            if not _is_const(c):
                _need_float(c)
        return ("select", conds, choices, default)

    def call(self, func, args, kw):
        """An opaque call: made by numpy exactly as the generated code makes it.  Its result must
        be a float64 array of the argument's shape (checked on a probe input)."""
        probe = [np.array([0.5, -1.25, 3.0]) if not _is_const(a) else a[2] for a in args]
        try:
            with np.errstate(all="ignore"):
                out = func(*probe, **{k: v[2] for k, v in kw})
        except Exception:  # noqa: BLE001 - anything unusual: not fused
            raise _Unsupported from None
        if not isinstance(out, np.ndarray) or out.dtype != np.float64 or out.shape != (3,):  # no reduction
            raise _Unsupported
        for a in args:
            if not _is_const(a):
                _need_float(a)
        for _, v in kw:
            if not _is_const(v):
                raise _Unsupported
        return ("call", func, args, kw)


def _fold(op, *args, **kw):
    try:
        with np.errstate(all="ignore"):
            return op(*args, **kw)
    except Exception:  # noqa: BLE001 - the numpy code would raise here too: not fused
        raise _Unsupported from None


def _kind(n) -> str:
    """'b' (boolean) or 'f' (float64) for an array node."""
    if n[0] in ("cmp", "logic"):
        return "b"
    return "f"


def _need_float(n) -> None:
    """Arithmetic on booleans differs between numpy (bool·bool is bool) and a compiled loop."""
    if (_is_const(n) and n[1] is bool) or (not _is_const(n) and _kind(n) == "b"):
        raise _Unsupported


class Program:
    """The form (and its magnitude form) as stages of compiled loops and numpy calls."""

    def __init__(self, roots):
        self.calls = []  # distinct call nodes, each after the calls inside its arguments
        self._index = {}
        for r in roots:
            self._collect(r)
        level = {}
        for c in self.calls:
            level[c] = 1 + max((level[d] for d in self._inner_calls(c)), default=0)
        self.stages = []
        for s in range(1, max(level.values(), default=0) + 1):
            members = [c for c in self.calls if level[c] == s]
            exprs = []  # argument expressions to compute in this stage's loop
            for c in members:
                for a in c[2]:
                    if not (_is_const(a) or a[0] in ("x", "call")) and a not in exprs:
                        exprs.append(a)
            self.stages.append((members, exprs, self._loop(exprs) if exprs else None))
        self.roots = tuple(roots)
        self.final = self._loop(self.roots)
        self._into = set()  # calls that may write into scratch memory (:meth:`_learn`)

    def _collect(self, n):
        if _is_const(n) or n[0] == "x":
            return
        if n[0] == "call":
            for a in n[2]:
                self._collect(a)
            if n not in self._index:
                self._index[n] = len(self.calls)
                self.calls.append(n)
            return
        for child in _children(n):
            self._collect(child)

    def _inner_calls(self, c):
        out, todo = [], list(c[2])
        while todo:
            n = todo.pop()
            if _is_const(n) or n[0] == "x":
                continue
            if n[0] == "call":
                out.append(n)
            else:
                todo.extend(_children(n))
        return out

    def _loop(self, exprs):
        """A numba loop computing ``exprs`` elementwise: (function, the calls it reads, output kinds)."""
        from . import compiled

        numba = compiled._numba()
        consts, reads = [], []

        def code(n):
            kind = n[0]
            if kind == "const":
                if n[1] is int and abs(n[2]) > 2 ** 53:  # numpy and a compiled loop might convert it differently
                    raise _Unsupported
                consts.append(n[2])
                return f"c{len(consts) - 1}"
            if kind == "x":
                return "v"
            if kind == "call":
                if n not in reads:
                    reads.append(n)
                return f"d{reads.index(n)}[i]"
            if kind in ("op", "cmp"):  # infix: (a + b), (a <= b)
                return f"({code(n[2])} {n[1]} {code(n[3])})"
            if kind in _PREFIX:
                return _PREFIX[kind].format(code(n[1]))
            if kind == "logic":
                return f"(bool({code(n[2])}) {n[1]} bool({code(n[3])}))"
            if kind == "select":
                _, conds, choices, default = n
                s = f"float({code(default)})"
                for c, ch in reversed(list(zip(conds, choices))):
                    s = f"(float({code(ch)}) if {code(c)} else {s})"
                return s
            raise _Unsupported  # pragma: no cover - every node kind is listed above

        body = [f"        o{k}[i] = {code(e)}" for k, e in enumerate(exprs)]
        params = ["x"] + [f"d{j}" for j in range(len(reads))] + [f"o{k}" for k in range(len(exprs))]
        src = "\n".join([f"def _loop({', '.join(params)}):", "    for i in range(x.shape[0]):", "        v = x[i]", *body])
        ns = {f"c{j}": c for j, c in enumerate(consts)}
        ns["_sq"] = numba.njit(inline="always")(lambda a: a * a)
        exec(compile(src, "<gelu_math.audit.fastform>", "exec"), ns)  # our own generated source, no user text
        fn = numba.njit(error_model="numpy", nogil=True)(ns["_loop"])
        kinds = [("b" if not _is_const(e) and _kind(e) == "b" else "f") for e in exprs]
        return fn, tuple(reads), kinds

    def __call__(self, xs: np.ndarray, reuse: bool = False) -> tuple[np.ndarray, ...]:
        """``(form(xs),)`` or ``(form(xs), magnitude(xs))``.  ``reuse``: every array (the results
        included) is this thread's scratch memory (:mod:`.buffers`), valid until its next reset —
        the audit's chunk loop; the same bits either way."""
        xs = np.ascontiguousarray(xs, dtype=np.float64)
        if xs.ndim != 1:
            raise ValueError("the fused evaluator takes a one-dimensional array")
        results = {}

        def value(a, outs, exprs):
            if _is_const(a):
                return a[2]
            if a[0] == "x":
                return xs
            if a[0] == "call":
                return results[a]
            return outs[exprs.index(a)]

        with np.errstate(all="ignore"):
            for members, exprs, loop in self.stages:
                outs = self._run(loop, xs, results, reuse=reuse) if loop else []
                for c in members:
                    _, func, args, kw = c
                    argv = [value(a, outs, exprs) for a in args]
                    kwargs = {k: v[2] for k, v in kw}
                    if reuse and c in self._into:  # the same ufunc loop, written into scratch memory
                        out = func(*argv, **kwargs, out=buffers.take(xs.size, np.float64))
                    else:
                        out = np.ascontiguousarray(func(*argv, **kwargs))
                        self._learn(c, func, kw, out)
                    if out.shape != xs.shape or out.dtype != np.float64:  # the loops index it elementwise
                        raise RuntimeError(f"fused evaluation: {func!r} returned {out.dtype} {out.shape} for {xs.shape}")
                    results[c] = out
        return tuple(self._run(self.final, xs, results, final=True, reuse=reuse))

    def _learn(self, c, func, kw, out) -> None:
        """Remember that call ``c`` may write into a given array: a numpy/scipy ufunc of one
        output that returned float64 (its loop is chosen from the inputs' types, which are the
        same on every chunk, so ``out=`` of that type selects the very same loop)."""
        if (isinstance(func, np.ufunc) and func.nout == 1 and "out" not in dict(kw) and out.dtype == np.float64
                and out.ndim == 1):
            self._into.add(c)

    @staticmethod
    def _run(loop, xs, results, final=False, reuse=False):
        fn, reads, kinds = loop
        types = [np.float64 if final or k == "f" else np.bool_ for k in kinds]
        if not reuse:
            outs = [np.empty(xs.size, dtype=t) for t in types]
        else:
            outs = [buffers.take(xs.size, t) for t in types]
        fn(xs, *[results[r] for r in reads], *outs)
        return outs


def _children(n):
    kind = n[0]
    if kind in ("op", "cmp", "logic"):
        return (n[2], n[3])
    if kind in ("neg", "sq", "abs"):
        return (n[1],)
    if kind == "select":
        return (*n[1], *n[2], n[3])
    if kind == "call":
        return n[2]
    return ()


_PROGRAMS: dict = {}


def program(impl, magnitude: bool = True) -> Program | None:
    """The fused evaluator of ``impl``'s form and (with ``magnitude``, where it has one) its
    magnitude form — ``program(impl)(xs)`` is ``(impl.evaluate(xs),)`` or ``(impl.evaluate(xs),
    impl.evaluate_magnitude(xs))``, bit for bit — or None when the generated code uses something
    the reader does not handle or numba is not installed."""
    magnitude = magnitude and impl.evaluate_magnitude is not None
    key = (id(impl), magnitude)
    if key in _PROGRAMS and _PROGRAMS[key][0] is impl:
        return _PROGRAMS[key][1]
    from . import compiled

    prog = None
    if compiled.available():
        fns = [impl.evaluate] + ([impl.evaluate_magnitude] if magnitude else [])
        try:
            prog = Program([_Reader(f.lambdified).root for f in fns])
            prog(np.array([0.5, -2.0]))  # compiles the loops now (forked workers inherit them)
        except (_Unsupported, AttributeError, OSError, SyntaxError, TypeError, compiled._numba().errors.NumbaError):
            prog = None
    _PROGRAMS[key] = (impl, prog)
    return prog
