"""Kernels from designs: numpy, C and PyTorch source (Horner or Estrin, with the piece selection),
and the numpy kernel as a callable for the float audit.

Every language evaluates the same program: the tail or piece is selected by the design's own
conditions (first true wins: ``x < LO`` → left tail, ``x < k₁`` → P₁, …, ``x <= HI`` → P_n,
else the right tail) and each polynomial by Horner's rule (``scheme="horner"``: D multiplications
and D additions in sequence) or Estrin's scheme (``scheme="estrin"``: x², x⁴, … by squaring, then
pairs q = a + b·x^(2^j) level by level — ⌈log₂(D + 1)⌉ levels, shorter dependency chains for
pipelined and SIMD hardware) in the working type.  Float error of either, for an input x of the
working format with unit roundoff u and no underflow or overflow (Higham, *Accuracy and
Stability of Numerical Algorithms*, 2nd ed., §5.1 and Lemma 3.1): |kernel(x) − p(x)| ≤
γ_n · Σ|c_k||x|^k with γ_n = n·u/(1 − n·u), n = 2D (Horner) or Σ_{j<L}(2^j + 1) = 2^L + L − 1
with L = ⌈log₂(D + 1)⌉ (Estrin: x^(2^j), squared j times, carries 2^j − 1 rounding factors, and
the term c_k x^k meets one product and one sum per level), plus 1 when a coefficient is rounded
into the working format
(:func:`float_error_bound`).  C compilers may contract ``a * b + c`` into an FMA, which rounds
differently: compile with ``-ffp-contract=off`` to get the audited kernel.  The numpy and
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
SCHEMES = ("horner", "estrin")


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise InputError(f"--scheme must be one of {', '.join(SCHEMES)}, got {scheme!r}")


def _levels(degree: int) -> int:
    return degree.bit_length()  # ⌈log₂(D + 1)⌉ for D >= 0


def roundings(degree: int, scheme: str) -> int:
    """n of the error bound γ_n·Σ|c_k||x|^k of the module docstring (coefficients exact in the format)."""
    _check_scheme(scheme)
    if scheme == "horner":
        return 2 * degree
    L = _levels(degree)
    return 2 ** L + L - 1 if L else 0


def float_error_bound(coefficients, xv: Fraction, unit_roundoff: Fraction, scheme: str,
                      coefficients_exact: bool = True) -> Fraction:
    """An upper bound on |kernel(x) − p(x)| for the polynomial part of an emitted kernel evaluated in
    a format with the given unit roundoff (no underflow or overflow), exactly (Fractions)."""
    cs = [Fraction(c) for c in coefficients]
    while len(cs) > 1 and cs[-1] == 0:
        cs.pop()
    n = roundings(len(cs) - 1, scheme) + (0 if coefficients_exact else 1)
    nu = n * Fraction(unit_roundoff)
    if nu >= 1:
        raise InputError("the float error bound needs n·u < 1")
    return nu / (1 - nu) * sum(abs(c) * abs(Fraction(xv)) ** k for k, c in enumerate(cs))


def _estrin(cs):
    """Estrin's scheme for c_0 … c_D as straight-line code: [(target, a, b, p)] meaning
    target = a + b·p (a None: target = b·p), operands ("x",), ("c", Fraction), ("v", name);
    powers are ("sq", name, of): name = of·of.  Returns (statements, result operand)."""
    cs = [Fraction(c) for c in cs]
    while len(cs) > 1 and cs[-1] == 0:
        cs.pop()
    terms = [("c", c) for c in cs]
    stmts, power, level = [], ("x",), 0
    while len(terms) > 1:
        if level > 0:
            name = f"x{2 ** level}"
            stmts.append(("sq", name, power))
            power = ("v", name)
        nxt = []
        for i in range(0, len(terms), 2):
            if i + 1 == len(terms):
                nxt.append(terms[i])
                continue
            a, b = terms[i], terms[i + 1]
            target = f"q{level}_{i // 2}"
            if b == ("c", 0):
                nxt.append(a)
                continue
            stmts.append((target, None if a == ("c", 0) else a, b, power))
            nxt.append(("v", target))
        terms, level = nxt, level + 1
    return stmts, terms[0]


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


def source(d: Design, language: str, scheme: str = "horner") -> str:
    """The kernel of design ``d`` as source code in ``language`` (numpy, c, torch), each polynomial
    evaluated by ``scheme`` (horner, estrin)."""
    if language not in LANGUAGES:
        raise InputError(f"--emit must be one of {', '.join(LANGUAGES)}, got {language!r}")
    _check_scheme(scheme)
    prog = _program(d)
    head = (f"{d.name} ≈ minimax design of degree {d.degree} on [{d.on[0]}, {d.on[1]}] "
            f"({d.metric} error; gelu-math approximate{', coefficients in ' + d.format if d.format else ''}"
            f"{'; Estrin scheme' if scheme == 'estrin' else ''})")
    if language == "c":
        return _c(d, prog, head, scheme)
    return _python(d, prog, head, language, scheme)


def _py_operand(op, np_, name_prefix) -> str:
    if op[0] == "x":
        return "x"
    if op[0] == "v":
        return f"{name_prefix}{op[1]}"
    return f"t({_float_literal(op[1])})" if np_ else _float_literal(op[1])


def _python_estrin(lines, ind, name, cs, np_):
    stmts, result = _estrin(cs)
    pre = f"{name}_"
    for st in stmts:
        if st[0] == "sq":
            _, target, of = st
            o = _py_operand(of, np_, pre)
            lines.append(f"{ind}{pre}{target} = {o} * {o}")
            continue
        target, a, b, p = st
        prod = f"{_py_operand(b, np_, pre)} * {_py_operand(p, np_, pre)}"
        lines.append(f"{ind}{pre}{target} = " + (prod if a is None else f"{_py_operand(a, np_, pre)} + {prod}"))
    if result[0] == "c":  # a constant polynomial: an array of the input's shape and dtype
        lit = _float_literal(result[1])
        lines.append(f"{ind}{name} = {'np.full_like(x, t(' + lit + '))' if np_ else 'torch.full_like(x, ' + lit + ')'}")
    else:
        lines.append(f"{ind}{name} = {_py_operand(result, np_, pre)}")


def _python(d, prog, head, language, scheme="horner"):
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
        elif scheme == "estrin":
            _python_estrin(lines, ind, name, payload, np_)
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


def _c_estrin(cs, ctype) -> str:
    stmts, result = _estrin(cs)

    def opnd(op):
        if op[0] == "x":
            return "x"
        if op[0] == "v":
            return op[1]
        return _c_literal(op[1], ctype)

    body = ""
    for st in stmts:
        if st[0] == "sq":
            _, target, of = st
            body += f"{ctype} {target} = {opnd(of)} * {opnd(of)}; "
            continue
        target, a, b, p = st
        prod = f"{opnd(b)} * {opnd(p)}"
        body += f"{ctype} {target} = " + (prod if a is None else f"{opnd(a)} + {prod}") + "; "
    return body + f"return {opnd(result)};"


def _c(d, prog, head, scheme="horner"):
    ctype = "double" if d.format == "float64" else "float"
    lines = [f"/* {head}. */", "/* evaluated as written: compile with -ffp-contract=off (an FMA rounds differently) */",
             f"static inline {ctype} {d.name}_kernel({ctype} x)", "{"]
    for op, bound, kind, payload in prog:
        if kind == "zero":
            body = f"return ({ctype})0;"
        elif kind == "identity":
            body = "return x;"
        elif kind == "constant":
            body = f"return {_c_literal(payload, ctype)};"
        elif scheme == "estrin":
            body = _c_estrin(payload, ctype)
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


def _estrin_numpy(payload, xv, t):
    stmts, result = _estrin(payload)
    env = {}

    def val(op):
        if op[0] == "x":
            return xv
        if op[0] == "v":
            return env[op[1]]
        return t(float(op[1]))

    for st in stmts:
        if st[0] == "sq":
            _, target, of = st
            env[target] = val(of) * val(of)
            continue
        target, a, b, p = st
        prod = val(b) * val(p)
        env[target] = prod if a is None else val(a) + prod
    return np.full_like(xv, t(float(result[1]))) if result[0] == "c" else val(result)


def numpy_kernel(d: Design, scheme: str = "horner"):
    """The numpy kernel of :func:`source` as a Python callable (the same operations in the same
    order), for :func:`gelu_math.audit.audit`."""
    _check_scheme(scheme)
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
                elif scheme == "estrin":
                    vals.append(_estrin_numpy(payload, xv, t))
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


def audit_kernel(d: Design, dtypes=("float16", "bfloat16"), scheme: str = "horner"):
    """The float audit (exhaustive for 16-bit formats) of the emitted numpy kernel (``scheme``)
    against the correctly rounded reference: {dtype: AuditResult}."""
    from ..audit import audit

    k = numpy_kernel(d, scheme)
    return {dt: audit(k, dt, reference=d.reference, workers=1) for dt in dtypes}
