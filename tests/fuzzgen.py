"""A deterministic corpus of hostile and extreme inputs for every command and input channel
(issue 15 item 5), and the runner that judges each one.

``corpus(seed=0)`` returns the same list of :class:`Case` on every run (seeded ``random.Random``,
no dependence on the clock or the machine): expressions (``--expr``), ``--param`` values, TOML
function files, claims files, paths, integer options (``--digits``, ``--order``, ...), numbers such as
``1e999999``, ``nan``, ``-0``, unicode look-alikes (Arabic-Indic, mathematical bold and fullwidth
digits, Cyrillic x), NUL bytes, deep nesting, huge exponents, long strings, compositions of the
registered functions, and injection attempts that would create a canary file if anything were
executed.

Each case runs either in-process (:func:`run_inprocess`: ``gelu_math.cli.main(argv)`` with stdout
and stderr captured and a wall-clock limit) or in a subprocess (:func:`run_subprocess`: also a
memory cap, ``RLIMIT_AS``); devices and FIFOs run only in subprocesses.  :func:`problems` states
what the README promises: no traceback, no internal error (exit 4), no hang (the case ends within
``Case.limit``: LIMIT_S, or HEAVY_LIMIT_S for a full analysis), no execution (no canary), an exit
code from the documented set, and exactly one line on stderr when the command fails.

``bench/fuzz.py`` runs the whole corpus; ``tests/test_fuzz.py`` a deterministic sample.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

LIMIT_S = 20.0  # per case: every input is answered or refused within this (documented bound) ...
HEAVY_LIMIT_S = 60.0  # ... except a valid input that gets a full analysis (``Case.heavy``)
MEMORY_CAP = 4 * 2 ** 30  # bytes of address space for a subprocess case
CANARY = "CANARY"  # the file an executed injection would create in the case's directory
GLOBAL_CANARY = "/tmp/gelu-math-fuzz-CANARY"

ANALYZE = ("analyze", "--order", "1", "--digits", "5")  # the cheapest analysis that reads every channel
AUDIT = ("--dtype", "float16", "--samples", "10")  # a user function's kernel on 10 inputs: parse + compile

# --- the ingredients ------------------------------------------------------------------------------

NUMBERS = [
    "1e999999", "1e-999999", "-1e999999", "10^300", "10^-300", "10^(10^10)", "2^2^2^2^2", "nan", "NaN", "inf",
    "-inf", "oo", "-oo", "zoo", "-0", "0", "-0.0", "0.0", "00", "1/0", "0/0", "0^0", "1_000", "0x10", "0b1", "0o7",
    "1e3", "1E3", ".5", "5.", "1.702", "1/3", "-1", "+1", "--1", "+-1", "2**3", "2^3", "sqrt(2)", "pi", "e", "E",
    "exp(1000)", "exp(-1000)", "exp(10^300)", "exp(exp(exp(10)))", "9" * 5000, "1" + "0" * 400,
    "0." + "0" * 5000 + "1", "1e-300", "1e-30", "1e300", "(sqrt(2)+sqrt(3))^2-5-2*sqrt(6)",
    "(sqrt(2)+sqrt(3))^2-5-2*sqrt(6)+10^-300", "(sqrt(2)+sqrt(3))^2-5-2*sqrt(6)-10^-300", "(-1)^(1/2)", "log(0)",
    "log(-1)", "sqrt(-1)", "I", "1j", "1+1j", "True", "None", "", " ", "1 2", "1,5", "1.2.3", "٣", "٥", "𝟎", "𝟏",
    "５", "¹", "½", "Ⅳ", "১", "१", "\u22121", "1\u200b", "1\x00", "\x00", "1\n2", "１.５", "LambertW(1)",
    "W(-1)", "W(-1/e)", "erf(1)", "gelu(1)", "1/(1-1)", "sign(0)", "abs(-0)", "max(1,2)", "min()", "exp(", ")",
    "1" * 4301, "1.5e+", "e^e^e^e", "sinh(1000)", "cosh(710)", "tanh(10^300)", "atan(oo)", "2/3/4/5/6/7",
]

LOOKALIKE_X = ["х", "ｘ", "𝑥", "𝐱", "x\u0301", "\u200bx", "X", "ⅹ"]
INJECTIONS = [
    "__import__('os').system('touch {canary}')", "__import__(\"os\").system(\"touch {canary}\")",
    "x.__class__", "x.__class__.__mro__[1].__subclasses__()", "lambda x: x", "(lambda: open('{canary}','w'))()",
    "f'{{x}}'", "f\"{{__import__('os').system('touch {canary}')}}\"", "eval('1')", "exec('import os')",
    "open('{canary}', 'w')", "getattr(x, '__class__')", "x[0]", "x if x else x", "[x]", "{{x}}", "`x`",
    "x; import os", "x == x", "x and x", "globals()", "locals()", "vars()", "dir()", "breakpoint()",
    "compile('1','','eval')", "Symbol('x')", "sympify('x')", "S('x')", "Integer(1)", "E**x", "x.subs(x, 1)",
    "(1).__class__", "''.join('x')", "x @ x", "x // 2", "x % 2", "x << 1", "~x", "not x", "x is x", "*x", "**x",
    "x := 1", "__builtins__", "os.system('touch {canary}')", "import os", "\\x41", "'x'", '"x"', "x#comment",
    "x\\\n+1", "exp(x)$(touch {canary})", "x;touch {canary}", "x`touch {canary}`", "${{IFS}}x",
    "Function('f')(x)", "Lambda(x, x)", "sp.exp(x)", "mpmath.exp(x)", "numpy.exp(x)", "print(x)",
]
VALID = [
    "x*sigmoid(2*x)", "x^2", "x*tanh(x)", "x/2*(1+erf(x/sqrt(2)))", "max(x,0)", "x*Phi(x)", "softplus(x)",
    "x*erfc(-x)", "abs(x)", "x + x^3/3", "sign(x)*x^2", "min(x, 1)", "x*exp(-x^2)", "atan(x)", "sinh(x)/cosh(x)",
    "log(1+x^2)", "sqrt(1+x^2)", "x*LambertW(exp(x))", "LambertW(exp(x))", "max(x,0)*erf(x)", "x*(1+tanh(x^3))/2",
    "(1+x^2)^(1e-300)", "exp(10^300)*x", "exp(-10^300)+x", "exp(10^300)", "exp(exp(exp(exp(exp(x)))))",
    "(x^64)^64", "((x+1)^64)^64", "x^64", "x^65", "x^(1/3)", "x^-1", "1/x", "log(x)", "sqrt(x)", "x/0", "x^1e999999",
    "sigmoid(sigmoid(sigmoid(x)))", "gelu(gelu(gelu(gelu(gelu(x)))))", "mish(mish(x))", "x*٥", "x*𝟎", "x*５",
    "x + 10^-300*x^3", "x*sigmoid(1e-300*x)", "x*sigmoid(1e300*x)", "exp(x^6)", "x*W(x)", "W(x^2)", "erf(x)^64",
]
REGISTERED = ["gelu", "gelu_tanh", "gelu_sigmoid", "gelu_fast", "relu", "leaky_relu", "elu", "selu", "celu", "silu",
              "mish", "softplus", "sigmoid", "tanh", "softsign", "hardtanh", "relu6", "hardsigmoid", "hardswish",
              "logsigmoid", "quick_gelu", "i_gelu", "swish"]
GRAMMAR = ["exp", "erf", "erfc", "tanh", "sigmoid", "softplus", "abs", "atan", "sinh", "cosh", "sqrt", "log", "Phi",
           "LambertW", "sign"]
HOSTILE_CHARS = ["(", ")", "^", "*", "+", "-", "/", ",", ".", "e", "x", "0", "9", "\x00", "\n", "\t", " ", "٣", "𝟎",
                 "５", "х", "−", "×", "÷", "²", "\u200b", "\ufeff", "'", '"', "\\", "[", "]", "{", "}", "_", "$", "#",
                 "@", "!", "=", "<", ">", "|", "&", ";", ":", "?", "%", "~", "`"]
INTEGERS = ["٣", "𝟎", "５", "1_0", "+5", " 5", "5 ", "0x10", "1e3", "", "-1", "0", "1001", "5000", "13", "-0", "00",
            "9" * 5000, "99999999999999999999", "1.5", "nan", "inf", "\x005", "5\x00", "５０", "1\n", "-", "--5", "١٠"]


def _nest(head: str, tail: str, k: int, core: str = "x") -> str:
    return head * k + core + tail * k


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (every character escaped that TOML forbids raw)."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        elif o <= 0xFFFF:
            if 0xD800 <= o <= 0xDFFF:
                out.append("\\uFFFD")
            else:
                out.append(f"\\u{o:04X}")
        else:
            out.append(f"\\U{o:08X}")
    return '"' + "".join(out) + '"'


# --- cases -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One input: ``argv`` (``{dir}`` is the case's directory, ``{canary}`` the canary path) and the
    files to create there first.  ``heavy``: a valid input whose full analysis may take seconds."""

    channel: str
    argv: tuple[str, ...]
    files: tuple[tuple[str, bytes], ...] = ()
    fifo: str = ""  # a FIFO to create at {dir}/<fifo>
    subprocess_only: bool = False  # devices, FIFOs: unsafe in-process (unbounded reads, blocking opens)
    heavy: bool = False

    @property
    def id(self) -> str:
        h = hashlib.sha1(repr((self.argv, self.files, self.fifo)).encode("utf-8", "surrogatepass")).hexdigest()
        return f"{self.channel}-{h[:10]}"

    @property
    def limit(self) -> float:
        return HEAVY_LIMIT_S if self.heavy else LIMIT_S

    def command_line(self, directory: str = "DIR") -> list[str]:
        canary = os.path.join(directory, CANARY)
        return [a.replace("{dir}", directory).replace("{canary}", canary) for a in self.argv]


def _functions_file(body: str | bytes) -> tuple[tuple[str, bytes], ...]:
    return (("f.toml", body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")),)


def _fn_toml(expr_value: str, params: str = "", name: str = "u") -> str:
    return f"[function.{name}]\nexpr = {expr_value}\n" + (f"params = {params}\n" if params else "")


def _claim(kind: str, **keys: str) -> str:
    lines = ["[[claim]]", 'id = "c"', 'source = "fuzz"', 'text = "a claim"', f"kind = {toml_string(kind)}"]
    lines += [f"{k} = {v}" for k, v in keys.items()]
    return "\n".join(lines) + "\n"


def _expressions(rng: random.Random) -> tuple[list[str], set[str]]:
    """Every expression, and those refused by their form alone (cheap to run through any command)."""
    exprs = list(VALID) + [s for s in INJECTIONS]
    exprs += [f"x*{n}" for n in NUMBERS] + [f"x+{n}" for n in NUMBERS[:60]] + [f"x^{n}" for n in NUMBERS[:60]]
    exprs += [f"exp({n}*x)" for n in NUMBERS[:40]] + [f"x*sigmoid({n}*x)" for n in NUMBERS[:40]]
    exprs += [e.replace("x", lx) for lx in LOOKALIKE_X for e in ("x^2", "x*sigmoid(x)")]
    start = len(exprs)
    for k in (100, 1000, 5000, 50000):
        exprs += [_nest("(", ")", k), _nest("-", "", k), "x" + "+x" * k, _nest("exp(", ")", min(k, 2000)),
                  _nest("abs(", ")", min(k, 2000)), "x^" * min(k, 2000) + "2", _nest("sqrt(1+", ")", min(k, 500))]
    exprs += ["x" * 100000, "a" * 10000, "x+" * 50000 + "x", "1" * 100000 + "*x", "(" * 5000, ")" * 5000]
    cheap = set(INJECTIONS) | set(exprs[start:]) | {e.replace("x", lx) for lx in LOOKALIKE_X[:-3]
                                                    for e in ("x^2", "x*sigmoid(x)")}
    for depth in range(1, 6):  # compositions of registered and grammar functions
        for _ in range(12):
            e = "x"
            for _ in range(depth):
                e = f"{rng.choice(REGISTERED + GRAMMAR)}({e})"
            exprs.append(e)
    for _ in range(160):  # mutations of valid expressions
        e = list(rng.choice(VALID))
        for _ in range(rng.randint(1, 4)):
            op, at = rng.random(), rng.randrange(len(e) + 1)
            if op < 0.5:
                e.insert(at, rng.choice(HOSTILE_CHARS))
            elif e and op < 0.8:
                del e[min(at, len(e) - 1)]
            elif e:
                e.insert(at, e[min(at, len(e) - 1)] * rng.randint(2, 50))
        exprs.append("".join(e))
    return list(dict.fromkeys(exprs)), cheap


def _int_in(v: str, lo: int, hi: int) -> bool:
    return v.isascii() and v.lstrip("-").isdigit() and v.count("-") <= 1 and len(v) < 20 and lo <= int(v) <= hi


def corpus(seed: int = 0) -> list[Case]:
    """Every case, in a fixed order (the same on every run for a given seed)."""
    rng = random.Random(seed)
    cases: list[Case] = []
    exprs, cheap = _expressions(rng)

    # 1. expressions on the command line, and the same text in a TOML functions file (audit: cheap)
    for e in exprs:
        cases.append(Case("expr", (*ANALYZE, "--expr", e), heavy=e not in cheap))
        cases.append(Case("toml-expr", ("audit", "u", *AUDIT, "--functions", "{dir}/f.toml"),
                          _functions_file(_fn_toml(toml_string(e)))))
    for e in rng.sample(exprs, 60):  # other commands that take --expr
        cases.append(Case("expr-envelope", ("envelope", "--expr", e, "--domain=0,1", "--digits", "5"),
                          heavy=e not in cheap))
        cases.append(Case("expr-fit", ("fit", "--expr", e, "--coefficient", "k", "--param", "k=1"),
                          heavy=e not in cheap))

    # 2. --param values: audit (cheap) and analyze (a full analysis when the value is accepted)
    for n in NUMBERS:
        for fn, key in (("elu", "alpha"), ("gelu", "sigma"), ("softplus", "beta"), ("quick_gelu", "k")):
            cases.append(Case("param", ("audit", fn, *AUDIT, "--param", f"{key}={n}")))
        for fn, key in (("elu", "alpha"), ("gelu", "sigma")):
            cases.append(Case("param-analyze", (*ANALYZE, fn, "--param", f"{key}={n}"), heavy=True))
        cases.append(Case("param-expr", (*ANALYZE, "--expr", "x*sigmoid(k*x)", "--param", f"k={n}"), heavy=True))
    for bad in ("sigma", "=1", "sigma=", "sigma==1", "=", "sigma=1=2", "σ=1", "sigma\x00=1", " sigma = 1 ",
                "nosuch=1", "__class__=1", "SIGMA=1", "sigma=1\nmu=2", "x=1", "e=1", "pi=2"):
        cases.append(Case("param", ("audit", "gelu", *AUDIT, "--param", bad)))
        cases.append(Case("param", (*ANALYZE, "gelu", "--param", bad, "--param", "mu=1"), heavy=True))

    # 3. TOML functions files: hostile documents
    docs: list[str | bytes] = [
        b"", b"\x00", b"\xff\xfe\x00\x00", b"\xef\xbb\xbf" + _fn_toml('"x^2"').encode(),
        b"[function.u]\nexpr = \"x\x00\"\n",
        b"[function.u]\nexpr = \"\xff\"\n", "[function.u]\nexpr = 'x'\n" * 2, "a = " + "[" * 5000 + "]" * 5000,
        "a = [" * 5000, "a = " + "{a=" * 3000 + "1" + "}" * 3000, "[function.u\nexpr='x'", "[function]\nu = 1\n",
        "[function.u]\n", "[function.u]\nexpr = 5\n", "[function.u]\nexpr = ['x']\n", "[function.u]\nexpr = true\n",
        "[function.u]\nexpr = 'x'\nextra = 1\n", "function = 1\n", "[[function]]\nexpr = 'x'\n", "x = 'y'\n",
        "\n".join(f"[function.f{i}]\nexpr = 'x*{i}'" for i in range(201)),
        _fn_toml('"x*a0"', "{" + ", ".join(f"a{i} = \"1\"" for i in range(21)) + "}"),
        "[function.u]\nexpr = '''x\n+\n1'''\n", "[function.u]\nexpr = \"" + "x+" * 200000 + "x\"\n",
        "# " + "z" * 2_000_000 + "\n" + _fn_toml('"x"'), "[function.a]\nexpr = 'b(x)'\n[function.b]\nexpr = 'a(x)'\n",
        "[function.a]\nexpr = 'x^2'\n[function.b]\nexpr = 'a(a(a(a(a(a(x))))))'\n",
        "[function.u]\nexpr = 'u(x)'\n", "[function.u]\nexpr = 'x'\ndescription = 5\n",
        "[function.u]\nexpr = 'x'\nreference = [1, 2]\n", "[function.u]\nexpr = 'x'\nparams = 'a'\n",
    ]
    for name in ("gelu", "x", "e", "pi", "exp", "__class__", "a" * 41, "ünï", "1u", "u-v", "u.v", '""', "''",
                 "max", "W", "Phi", "sigmoid", "swish", "E"):
        docs.append(f"[function.{name}]\nexpr = 'x^2'\n")
    for value in ("1e999999", "nan", "inf", "-inf", "-0.0", "1979-05-27", "true", "[1]", "{c = 1}", "9" * 5000,
                  "0x10", "1_000", '"' + "9" * 5000 + '"', '"٣"', '"𝟎"', '"1e999999"', '"nan"', '"-0"', '""',
                  '"exp(1000)"', '"(sqrt(2)+sqrt(3))^2-5-2*sqrt(6)"', '"x"', '"b"', '"1/0"', '"sqrt(-1)"'):
        docs.append(_fn_toml('"x*sigmoid(b*x)"', "{b = " + value + "}"))
        docs.append(_fn_toml('"x^2 + b*x"', "{b = " + value + "}"))
    for doc in docs:
        files = _functions_file(doc)
        cases.append(Case("toml", ("audit", "u", *AUDIT, "--functions", "{dir}/f.toml"), files))
        cases.append(Case("toml-analyze", (*ANALYZE, "u", "--functions", "{dir}/f.toml"), files, heavy=True))
        cases.append(Case("toml-plot", ("plot", "derivatives", "u", "--functions", "{dir}/f.toml", "--out",
                                        "{dir}/u.svg"), files, heavy=True))

    # 4. claims files (verify): constants, coefficients and identities with hostile values, malformed files
    claims: list[str | bytes] = []
    for n in NUMBERS:
        claims.append(_claim("constant", expr=toml_string(n), approx='"1.5"'))
        claims.append(_claim("constant", expr='"sqrt(2)"', approx=toml_string(n)))
        claims.append(_claim("constant", expr='"sqrt(2)"', equals=toml_string(n)))
        claims.append(_claim("constant", expr='"sqrt(2)"', within=f"[{toml_string(n)}, \"2\"]"))
        claims.append(_claim("coefficient", function='"gelu_tanh"', parameter='"a"', equals=toml_string(n)))
        claims.append(_claim("property", function='"elu"', params="{alpha = " + toml_string(n) + "}",
                             property='"monotonic"', holds="true"))
    for e in rng.sample(exprs, 80):
        claims.append(_claim("identity", lhs='"x"', rhs=toml_string(e)))
    for approx in ("1.5", "1e999999", "nan", "-0", "٣", "", " ", "1.41421356" + "0" * 5000):
        claims.append(_claim("constant", expr='"sqrt(2)"', approx=approx if approx[:1].isdigit() and "٣" not in approx
                             else toml_string(approx)))
    claims += [
        b"", b"\x00", "[[claim]]\n", "[[claim]]\nid = 5\n", _claim("٣"), _claim("constant"),
        _claim("constant", expr="5"),
        _claim("constant", expr='"1"', approx="[1]"), _claim("constant", expr='"1"', within='["2", "1"]'),
        _claim("constant", expr='"1"', within='["1"]'), _claim("value", function='"gelu"', fact='"nosuch"'),
        _claim("property", function='"nosuch"', property='"convex"'), _claim("envelope", approximation='"relu"',
                                                                           domain='["٣", "1"]'),
        "".join(_claim("constant", expr='"1"', approx='"1"').replace('id = "c"', f'id = "c{i}"') for i in range(501)),
        _claim("constant", expr='"1"', approx='"1"') * 2, "claim = " + "[" * 5000 + "]" * 5000,
        _claim("constant", expr='"1"', approx='"1"', extra='"x"'),
    ]
    for doc in claims:
        data = doc if isinstance(doc, bytes) else doc.encode("utf-8", "surrogatepass")
        analysed = b'kind = "property"' in data or b'kind = "identity"' in data  # these analyse or simplify
        cases.append(Case("claims", ("verify", "{dir}/c.toml", "--digits", "10"), (("c.toml", data),),
                          heavy=analysed))

    # 5. paths: inputs that are not files, outputs that cannot be written
    ok_funcs = _functions_file(_fn_toml('"x^2"'))
    for path, special in (("/dev/zero", True), ("/dev/urandom", True), ("/dev/full", True), ("/dev/null", False),
                          ("{dir}/fifo", True), ("{dir}", False), ("{dir}/missing.toml", False), ("", False),
                          ("\x00", False), ("{dir}/" + "a" * 300, False), ("{dir}/f.toml\x00x", False),
                          ("/proc/self/status", False), ("{dir}/f.toml/x", False), ("/nonexistent/f.toml", False)):
        for argv in (("audit", "u", *AUDIT, "--functions", path), (*ANALYZE, "u", "--functions", path),
                     ("verify", path)):
            cases.append(Case("path-in", argv, ok_funcs, fifo="fifo" if "fifo" in path else "",
                              subprocess_only=special))
    for out in ("", "{dir}/f.toml", "{dir}/f.toml/sub", "{dir}/" + "a" * 300, "{dir}/x\x00y", "/dev/full/x",
                "/proc/nonexistent/x", "{dir}/" + "d/" * 3000, "/dev/null"):
        cases.append(Case("path-out", ("report", "--only", "relu", "--figures", "", "--format", "md", "--jobs", "1",
                                       "--digits", "5", "--order", "1", "--out", out), ok_funcs,
                          heavy=out == ""))
        cases.append(Case("path-out", ("report", "--only", "relu", "--figures", out, "--format", "md", "--jobs", "1",
                                       "--out", "{dir}/f.toml"), ok_funcs))
    for out in ("{dir}/c.jpg", "{dir}/c", "{dir}/f.toml/c.pdf", "{dir}/missing/c.pdf", "/dev/full", "{dir}/c.pdf\x00",
                "{dir}/" + "a" * 300 + ".pdf", "{dir}/.pdf", "{dir}/c.PDF", "{dir}"):
        cases.append(Case("path-out", ("plot", "compare", "relu", "--out", out), ok_funcs,
                          heavy=out.endswith(("c.PDF", ".pdf")) and "missing" not in out and "toml" not in out))

    # 6. integer and other options, every command
    for v in INTEGERS:
        digits, order = _int_in(v, 1, 1000), _int_in(v, 1, 12)
        cases += [
            Case("option", ("analyze", "relu", "--digits", v, "--order", "1"), heavy=digits),
            Case("option", ("analyze", "relu", "--order", v, "--digits", "5"), heavy=order),
            Case("option", ("verify", "{dir}/c.toml", "--digits", v),
                 (("c.toml", _claim("constant", expr='"sqrt(2)"', approx='"1.41"').encode()),)),
            Case("option", ("envelope", "relu", "--digits", v, "--domain=0,1"), heavy=digits),
            Case("option", ("envelope", "relu", "--derivative", v, "--domain=0,1"), heavy=_int_in(v, 0, 4)),
            Case("option", ("fit", "gelu_tanh", "--coefficient", "a", "--digits", v, "--search=0.04,0.05"),
                 heavy=digits),
            Case("option", ("report", "--only", "relu", "--figures", "", "--out", "{dir}/o", "--digits", v),
                 heavy=digits),
            Case("option", ("report", "--only", "relu", "--figures", "", "--out", "{dir}/o", "--order", v),
                 heavy=order),
            Case("option", ("report", "--only", "relu", "--figures", "", "--out", "{dir}/o", "--jobs", v),
                 heavy=_int_in(v, 1, 10 ** 12)),
            Case("option", ("audit", "gelu", "--dtype", "float16", "--samples", v)),
            Case("option", ("audit", "gelu", "--dtype", "float16", "--samples", "10", "--seed", v)),
            Case("option", ("audit", "gelu", "--dtype", "float16", "--samples", "10", "--workers", v)),
        ]
    for n in NUMBERS[:70]:
        cases += [
            Case("option", ("envelope", "relu", f"--domain={n},1", "--digits", "5"), heavy=True),
            Case("option", ("fit", "gelu_tanh", "--coefficient", "a", f"--search={n},1"), heavy=True),
            Case("option", ("audit", "gelu", *AUDIT, f"--domain={n},1")),
            Case("option", ("audit", "gelu", *AUDIT, "--rel-threshold", n)),
        ]
    for argv in (("--format", "pdf"), ("--format", ""), ("--format", ",,"), ("--only",), ("--only", "nosuch"),
                 ("--only", "gelu_tahn"), ("--only", "\x00")):
        cases.append(Case("option", ("report", "--figures", "", "--out", "{dir}/o", *argv)))
    for argv in ((), ("frobnicate",), ("--version", "x"), ("analyze",), ("analyze", "--expr"), ("analyze", "\x00"),
                 ("analyze", "gelu_tahn"), ("analyze", "a" * 100000), ("plot",), ("plot", "nonsense"),
                 ("plot", "family", "gelu"), ("plot", "grid", "--width", "wide"), ("envelope", "nosuch"),
                 ("fit", "gelu_tanh", "--coefficient", "zz"), ("audit", "os:system", "--dtype", "float16"),
                 ("audit", "os:system('touch {canary}')", "--dtype", "float16"),
                 ("audit", "builtins:eval", "--dtype", "float16"), ("audit", "subprocess:call", "--dtype", "float16"),
                 ("audit", "gelu", "--dtype", "float128"), ("verify",), ("analyze", "--json", "--steps")):
        cases.append(Case("option", argv))
    # 7. the Gaussian, relaxation and design commands: hostile numbers, options and expressions
    for n in NUMBERS:
        cases += [
            Case("gauss", ("gauss", "relu", "--mean", n, "--digits", "5"), heavy=True),
            Case("gauss", ("gauss", "relu", "--std", n, "--digits", "5"), heavy=True),
            Case("gauss", ("gauss", "relu", "--rho", n, "--digits", "5"), heavy=True),
            Case("gauss", ("gauss", "relu", "--rho", "1/2", "--q", n, "--digits", "5"), heavy=True),
            Case("relax", ("relax", "relu", f"--on={n},1", "--digits", "5"), heavy=True),
            Case("relax", ("relax", "gelu", f"--on=-1,{n}", "--digits", "5"), heavy=True),
            Case("approximate", ("approximate", "relu", "--degree", "2", f"--on={n},1", "--digits", "5"),
                 heavy=True),
        ]
    for n in NUMBERS[:60]:
        cases.append(Case("criticality", ("criticality", "relu", "--sigma-b", n, "--digits", "5"), heavy=True))
        cases.append(Case("approximate", ("approximate", "relu", "--degree", "2", "--on=-1,1", f"--knots={n}"),
                          heavy=True))
    for v in INTEGERS:
        cases += [
            Case("option", ("gauss", "relu", "--digits", v), heavy=_int_in(v, 1, 1000)),
            Case("option", ("relax", "relu", "--on=-1,1", "--digits", v), heavy=_int_in(v, 1, 1000)),
            Case("option", ("approximate", "relu", "--degree", v, "--on=-1,1", "--digits", "5"),
                 heavy=_int_in(v, 0, 64)),
            Case("option", ("approximate", "relu", "--degree", "2", "--on=-1,1", "--pieces", v, "--digits", "5"),
                 heavy=_int_in(v, 1, 10 ** 12)),
        ]
    for e in rng.sample(exprs, 30):
        cases.append(Case("expr-gauss", ("gauss", "--expr", e, "--digits", "5"), heavy=e not in cheap))
        cases.append(Case("expr-relax", ("relax", "--expr", e, "--on=-1,1", "--digits", "5"), heavy=e not in cheap))
    for argv in (("relax", "gelu", "--on=1,-1"), ("relax", "gelu", "--on=-inf,inf"), ("relax", "gelu", "--on=1"),
                 ("relax", "gelu", "--on=-1,1", "--mode", "magic"), ("relax", "nosuch", "--on=0,1"),
                 ("approximate", "gelu", "--degree", "2", "--on=-1,1", "--format", "float128"),
                 ("approximate", "gelu", "--degree", "2", "--on=-1,1", "--tails", "zero"),
                 ("approximate", "gelu", "--degree", "2", "--on=-1,1", "--tails", "x,y"),
                 ("approximate", "gelu", "--degree", "2", "--on=-1,1", "--metric", "l2"),
                 ("approximate", "gelu", "--degree", "2", "--on=-1,1", "--parity", "both"),
                 ("approximate", "gelu", "--degree", "2", "--on=-1,1", "--emit", "rust"),
                 ("approximate", "--expr", "piecewise(x < x^2, 0, x)", "--degree", "2", "--on=-1,1"),
                 ("approximate", "--expr", "piecewise(x < 1, 0)", "--degree", "2", "--on=-1,1"),
                 ("analyze", "--expr", "piecewise(exp(x) < 1, 0, x)"), ("analyze", "--expr", "x < 1"),
                 ("criticality", "gelu"), ("criticality", "nosuch", "--sigma-b", "0"),
                 ("gauss", "gelu", "--rho", "2"), ("gauss", "gelu", "--std", "0"), ("gauss", "--expr", "x*exp(x^2/2)")):
        cases.append(Case("option", argv))
    unique: dict[str, Case] = {}
    for c in cases:
        unique.setdefault(c.id, c)
    return list(unique.values())


def sample(cases: list[Case], n: int, seed: int = 0, heavy: int = 0) -> list[Case]:
    """``n`` cases spread over the channels (in-process ones), ``heavy`` of them full analyses."""
    rng = random.Random(seed)
    light = [c for c in cases if not c.subprocess_only and not c.heavy]
    weighty = [c for c in cases if not c.subprocess_only and c.heavy]
    by_channel: dict[str, list[Case]] = {}
    for c in light:
        by_channel.setdefault(c.channel, []).append(c)
    picked, channels = [], sorted(by_channel)
    while len(picked) < n - heavy:
        for ch in channels:
            pool = by_channel[ch]
            if pool and len(picked) < n - heavy:
                picked.append(pool.pop(rng.randrange(len(pool))))
        if not any(by_channel.values()):
            break
    return picked + rng.sample(weighty, min(heavy, len(weighty)))


# --- running and judging --------------------------------------------------------------------------------

@dataclass
class Result:
    case: Case
    rc: int | str  # exit code, or "hang" / "escaped" (an exception left main) / "killed by signal N"
    stdout: str
    stderr: str
    seconds: float
    canary: bool
    detail: str = ""  # the escaped exception's traceback, if any
    limit: float = LIMIT_S

    @property
    def last_line(self) -> str:
        lines = (self.detail or self.stderr).strip().splitlines()
        return lines[-1] if lines else ""


def _materialize(case: Case, directory: Path) -> None:
    for name, data in case.files:
        (directory / name).write_bytes(data)
    if case.fifo:
        os.mkfifo(directory / case.fifo)


def _canary(directory: Path) -> bool:
    return (directory / CANARY).exists() or os.path.exists(GLOBAL_CANARY)


class _Hang(BaseException):
    pass


def _on_alarm(signum, frame):
    raise _Hang()


def run_inprocess(case: Case, directory: Path, limit: float | None = None) -> Result:
    """``gelu_math.cli.main(argv)`` in this process (main thread), output captured, ``limit`` seconds
    (default: the case's own).

    User functions a case registers are removed afterwards, so cases do not see each other's."""
    from gelu_math.cli import main
    from gelu_math.definitions.registry import REGISTRY

    directory.mkdir(parents=True, exist_ok=True)
    _materialize(case, directory)
    argv = case.command_line(str(directory))
    limit = case.limit if limit is None else limit
    users = dict(REGISTRY._user)
    out, err = io.StringIO(), io.StringIO()
    detail, cwd = "", os.getcwd()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    start = time.monotonic()
    try:
        os.chdir(directory)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                rc: int | str = main(argv)
            except _Hang:
                rc = "hang"
            except BaseException:  # noqa: BLE001 - the boundary must not let anything out
                rc, detail = "escaped", traceback.format_exc()
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        seconds = time.monotonic() - start
        signal.signal(signal.SIGALRM, previous)
        os.chdir(cwd)
        REGISTRY._user.clear()
        REGISTRY._user.update(users)
    if seconds >= limit and rc != "escaped":
        rc = "hang"  # the gelu-math time boxes honour an outer alarm and may have turned it into an error
    return Result(case, rc, out.getvalue(), err.getvalue(), seconds, _canary(directory), detail, limit)


def _cap_memory():  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    os.setsid()


def run_subprocess(case: Case, directory: Path, limit: float | None = None, startup: float = 15.0) -> Result:
    """``python -m gelu_math argv`` with a memory cap; killed (with its process group) past the limit."""
    directory.mkdir(parents=True, exist_ok=True)
    _materialize(case, directory)
    argv = case.command_line(str(directory))
    limit = case.limit if limit is None else limit
    if any("\x00" in a for a in argv):  # the OS cannot pass a NUL in an argument: in-process only
        return run_inprocess(case, directory, limit)
    start = time.monotonic()
    p = subprocess.Popen([sys.executable, "-m", "gelu_math", *argv], cwd=directory, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, preexec_fn=_cap_memory)
    try:
        out, err = p.communicate(timeout=limit + startup)
        rc: int | str = p.returncode if p.returncode >= 0 else f"killed by signal {-p.returncode}"
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        rc = "hang"
    return Result(case, rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                  time.monotonic() - start, _canary(directory), limit=limit)


ALLOWED = {0, 2, 3}  # plus 1 for verify (a false claim)


def problems(r: Result) -> list[str]:
    """What is wrong with a result (empty: the promise holds)."""
    out = []
    if r.canary:
        out.append("EXECUTED: the canary file exists")
    if r.rc == "hang":
        out.append(f"hang: no answer within {r.limit:g} s")
    elif r.rc == "escaped":
        out.append("an exception escaped main(): " + r.last_line)
    elif isinstance(r.rc, str):
        out.append(r.rc)
    elif r.rc == 4:
        out.append("internal error (exit 4): " + r.stderr.strip())
    elif r.rc not in ALLOWED and not (r.rc == 1 and r.case.argv[:1] == ("verify",)):
        out.append(f"undocumented exit code {r.rc}")
    if "Traceback" in r.stderr:
        out.append("traceback on stderr")
    if isinstance(r.rc, int) and r.rc not in (0, 1):
        if r.stderr.count("\n") != 1 or not r.stderr.endswith("\n") or not r.stderr.startswith("gelu-math: "):
            out.append(f"stderr is not one 'gelu-math: ...' line ({r.stderr.count(chr(10))} lines)")
    return out
