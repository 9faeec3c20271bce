"""Kernels from designs: numpy, C and PyTorch source (Horner, with the piece selection), and the
numpy kernel as a callable for the float audit.

Every language evaluates the same program: the tail or piece is selected by the design's own
conditions (first true wins: ``x < LO`` → left tail, ``x < k₁`` → P₁, …, ``x <= HI`` → P_n,
else the right tail) and each polynomial by Horner's rule in the working type.  The numpy and
PyTorch kernels compute in the input's dtype (a bfloat16 audit passes float32 arrays holding
bfloat16 values, so bfloat16 means bfloat16 storage with float32 arithmetic); the C kernel
computes in ``float`` (``double`` for a float64 design).  Coefficients are written exactly when
they are values of the working type (a ``--format`` design: C99 hexadecimal literals), else
as the nearest float64 (17 significant digits) — the audit measures the kernel as written.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp

from ..definitions.symbols import x
from ..errors import InputError
from .design import Design

LANGUAGES = ("numpy", "c", "torch")


def _program(d: Design):
    """[(condition, bound, kind, payload)]: kind "poly" (coefficients c0..cD as Fractions),
    "zero", "identity", "constant" (a Fraction); the last entry has no condition."""
    lo, hi = d.on
    out = []
    if d.tails[0].expr is not None:
        out.append(("<", lo, *_tail(d.tails[0], d.pieces[0])))
    for p in d.pieces[:-1]:
        out.append(("<", p.hi, "poly", [Fraction(int(c.p), int(c.q)) for c in p.coefficients]))
    last = ("poly", [Fraction(int(c.p), int(c.q)) for c in d.pieces[-1].coefficients])
    if d.tails[1].expr is not None:
        out.append(("<=", hi, *last))
        out.append((None, None, *_tail(d.tails[1], d.pieces[-1])))
    else:
        out.append((None, None, *last))
    return out


def _tail(t, piece):
    e = sp.expand(t.expr)
    if e == 0:
        return "zero", None
    if e == x:
        return "identity", None
    if e.is_Rational:
        return "constant", Fraction(int(e.p), int(e.q))
    a, b = sp.Poly(e, x).all_coeffs()  # a line: slope, intercept
    return "poly", [_fraction(b), _fraction(a)]


def _fraction(v: sp.Expr) -> Fraction:
    """An exact rational as a Fraction; an irrational constant as its nearest float64 (the
    kernel can hold no more)."""
    return Fraction(int(v.p), int(v.q)) if v.is_Rational else Fraction(float(sp.N(v, 30)))


def _float_literal(v: Fraction) -> str:
    return repr(float(v))


def _c_literal(v: Fraction, ctype: str) -> str:
    f = float(v)
    exact = Fraction(f) == v and (ctype == "double" or Fraction(float(np.float32(f))) == v)
    text = f.hex() if exact else repr(f)
    return text + ("f" if ctype == "float" else "")


def _bound(v) -> str:
    return repr(float(v))


def source(d: Design, language: str) -> str:
    """The kernel of design ``d`` as source code in ``language`` (numpy, c, torch)."""
    if language not in LANGUAGES:
        raise InputError(f"--emit must be one of {', '.join(LANGUAGES)}, got {language!r}")
    prog = _program(d)
    head = (f"{d.name} ≈ minimax design of degree {d.degree} on [{d.on[0]}, {d.on[1]}] "
            f"({d.metric} error; gelu-math approximate{', coefficients in ' + d.format if d.format else ''})")
    if language == "c":
        return _c(d, prog, head)
    return _python(d, prog, head, language)


def _python(d, prog, head, language):
    np_ = language == "numpy"
    lines = ["import numpy as np" if np_ else "import torch", "", "",
             f"def {d.name}_kernel(x):", f'    """{head}."""']
    if np_:
        lines += ["    x = np.asarray(x)", "    t = x.dtype.type", "    with np.errstate(all=\"ignore\"):"]
        ind = "        "
    else:
        ind = "    "
    names = []
    for i, (_, _, kind, payload) in enumerate(prog):
        name = f"v{i}"
        names.append(name)
        if kind == "zero":
            lines.append(f"{ind}{name} = {'np.zeros_like(x)' if np_ else 'torch.zeros_like(x)'}")
        elif kind == "identity":
            lines.append(f"{ind}{name} = x")
        elif kind == "constant":
            lit = _float_literal(payload)
            lines.append(f"{ind}{name} = {'np.full_like(x, t(' + lit + '))' if np_ else 'torch.full_like(x, ' + lit + ')'}")
        else:
            cs = payload
            top = _float_literal(cs[-1])
            lines.append(f"{ind}{name} = {'np.full_like(x, t(' + top + '))' if np_ else 'torch.full_like(x, ' + top + ')'}")
            for c in reversed(cs[:-1]):
                lit = _float_literal(c)
                lines.append(f"{ind}{name} = {name} * x + {'t(' + lit + ')' if np_ else lit}")
    expr = names[-1]
    for (op, bound, _, _), name in reversed(list(zip(prog[:-1], names[:-1]))):
        cond = f"x {op} {_bound(bound)}"
        expr = f"{'np' if np_ else 'torch'}.where({cond}, {name}, {expr})"
    lines.append(f"{ind}return {expr}")
    return "\n".join(lines) + "\n"


def _c(d, prog, head):
    ctype = "double" if d.format == "float64" else "float"
    lines = [f"/* {head}. */", f"static inline {ctype} {d.name}_kernel({ctype} x)", "{"]
    for op, bound, kind, payload in prog:
        if kind == "zero":
            body = f"return ({ctype})0;"
        elif kind == "identity":
            body = "return x;"
        elif kind == "constant":
            body = f"return {_c_literal(payload, ctype)};"
        else:
            cs = payload
            body = f"{ctype} p = {_c_literal(cs[-1], ctype)};"
            for c in reversed(cs[:-1]):
                body += f" p = p * x + {_c_literal(c, ctype)};"
            body += " return p;"
        lit = _bound(bound) + ("f" if ctype == "float" else "") if bound is not None else ""
        lines.append(f"    if (x {op} {lit}) {{ {body} }}" if op else f"    {{ {body} }}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def numpy_kernel(d: Design):
    """The numpy kernel of :func:`source` as a Python callable (the same operations in the same
    order), for :func:`gelu_math.audit.audit`."""
    prog = _program(d)

    def kernel(xv):
        xv = np.asarray(xv)
        t = xv.dtype.type
        vals = []
        with np.errstate(all="ignore"):
            for _, _, kind, payload in prog:
                if kind == "zero":
                    vals.append(np.zeros_like(xv))
                elif kind == "identity":
                    vals.append(xv)
                elif kind == "constant":
                    vals.append(np.full_like(xv, t(float(payload))))
                else:
                    v = np.full_like(xv, t(float(payload[-1])))
                    for c in reversed(payload[:-1]):
                        v = v * xv + t(float(c))
                    vals.append(v)
            out = vals[-1]
            for (op, bound, _, _), v in reversed(list(zip(prog[:-1], vals[:-1]))):
                cond = xv < float(bound) if op == "<" else xv <= float(bound)
                out = np.where(cond, v, out)
        return out

    kernel.__qualname__ = f"{d.name}_kernel"
    return kernel


def audit_kernel(d: Design, dtypes=("float16", "bfloat16")):
    """The float audit (exhaustive for 16-bit formats) of the emitted numpy kernel against the
    correctly rounded reference: {dtype: AuditResult}."""
    from ..audit import audit

    k = numpy_kernel(d)
    return {dt: audit(k, dt, reference=d.reference, workers=1) for dt in dtypes}
