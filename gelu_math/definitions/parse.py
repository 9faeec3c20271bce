"""A whitelist parser for user-written numbers and expressions — never ``eval``.

``sympy.sympify`` and ``parse_expr`` evaluate Python code, so user input must not
reach them.  This module tokenizes and parses a small grammar by recursive
descent and builds SymPy objects directly::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := ("+" | "-") unary | power
    power  := atom (("^" | "**") unary)?          (right associative)
    atom   := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"
            | "piecewise" "(" cond "," expr ("," cond "," expr)* "," expr ")"   (function grammar)
    cond   := "x" ("<" | "<=" | ">" | ">=") expr        (expr constant in x; "c < x" is mirrored)

Names and functions come from whitelists supplied by the caller.  Decimal
literals become exact rationals (``1.702`` is 1702/1000, "constants as
written").  Only ASCII is read: a look-alike digit (``٥``, ``𝟎``) or sign is an error.

Every limit on the work an expression can cause is decided while it is parsed,
before any analysis, and each refusal is an :class:`ExpressionError` naming the limit:

* ``MAX_LENGTH`` characters; ``MAX_DEPTH`` levels of grammar recursion (about 20 nested
  parentheses or calls); ``MAX_NODES`` nodes of the SymPy tree (counted as a tree, so nested
  calls of built-in activations, which copy their argument, are counted in full);
* ``MAX_DEGREE``: the polynomial degree in x, where a function of u counts as u (so
  ``(x^64)^64``, ``((x+1)^64)^64``, ``x^20*x^50`` and ``exp(x^65)`` are refused);
* ``MAX_EXP_NESTING``: exponential-type functions (exp, erf, erfc, tanh, sinh, cosh — and so
  sigmoid, Phi and the activations built from them) nested inside one another along x:
  ``sigmoid(sigmoid(x))``, ``gelu(gelu(x))``, ``exp(-exp(x))`` are refused.  log, atan and
  LambertW do not count (their derivatives are algebraic), nor does tanh/sinh/cosh of
  c·log(u), which is algebraic in u: ``x*tanh(softplus(x))`` (Mish) has one level;
* ``MAX_MAGNITUDE``: every numeric constant c in the expression (each literal and each numeric
  sub-expression, decided in ball arithmetic) has c = 0 or 10^-100 <= |c| <= 10^100, so
  ``1e-300``, ``10^300``, ``exp(1000)``, ``exp(exp(exp(10)))`` are refused before SymPy or the
  analysis would try to handle them; literals have at most ``MAX_NUMBER_DIGITS`` characters.

:func:`check_limits` applies the same limits to an expression built otherwise (a user
function with its parameter values substituted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

import sympy as sp

from ..errors import ExpressionError, InputError, one_line
from .domain import constant_ball
from .symbols import x as _x

MAX_LENGTH = 2000
MAX_DEPTH = 100  # grammar recursion (about five levels per parenthesis or call)
MAX_SYMBOLIC_EXPONENT = 64  # |n| in x^n and similar: larger powers make the analysis hopeless
MAX_NODES = 2000  # SymPy tree size of a parsed expression
MAX_DEGREE = 64  # polynomial degree in x, functions of u counted as u
MAX_EXP_NESTING = 1  # exponential-type functions nested along x
MAX_MAGNITUDE = 100  # numeric constants: 0 or 10^-100 <= |c| <= 10^100
MAX_NUMBER_DIGITS = 60
MAX_NUMERIC_EXPONENT = 1000  # |e| in a numeric power c^e (the result must still pass MAX_MAGNITUDE)
MAX_INTEGER_DIGITS = 1000  # ascii_integer

_TOKEN = re.compile(
    r"[ \t\r\n]*(?:(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|<=|>=|[-+*/^(),<>]))", re.ASCII
)
_EXP_TYPE = (sp.exp, sp.erf, sp.erfc, sp.tanh, sp.sinh, sp.cosh)
_OF_LOG_ALGEBRAIC = (sp.exp, sp.tanh, sp.sinh, sp.cosh)  # f(c*log(u)) is algebraic in u
_BIG = 10 ** MAX_MAGNITUDE


def ascii_integer(text: str, what: str, lo: int | None = None, hi: int | None = None,
                  error: type[InputError] = InputError) -> int:
    """An integer written in ASCII digits with an optional leading ``-``, within [lo, hi]:
    no ``+``, no ``_``, no spaces, no look-alike digits (``int()`` accepts all of those).

    >>> ascii_integer("30", "--digits", 1, 1000)
    30
    """
    if not isinstance(text, str) or not re.fullmatch(r"-?[0-9]+", text, re.ASCII):
        raise error(f"{what} expects an integer written in ASCII digits, got {text!r}")
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise error(f"{what}: integer has more than {MAX_INTEGER_DIGITS} digits")
    n = int(text)
    if (lo is not None and n < lo) or (hi is not None and n > hi):
        raise error(f"{what} must be in {lo if lo is not None else '-inf'}..{hi if hi is not None else 'inf'}, got {n}")
    return n


@dataclass(frozen=True)
class Grammar:
    """What a parse may refer to: constant names and functions with their arities.

    An arity ``n >= 0`` means exactly n arguments; ``-n`` means at least n (``max``/``min``).
    """

    names: Mapping[str, sp.Expr]
    functions: Mapping[str, tuple[Callable[..., sp.Expr], int]]
    # called with ("log", args), ("/", (a, b)), ("^", (base, exponent)), ... before the operation is
    # built (and possibly simplified away by SymPy); a returned reason rejects the expression
    check: Callable[[str, tuple], str | None] | None = None
    piecewise: bool = False  # accept piecewise(cond1, e1, ..., otherwise) (conditions x < c, ...)

    def checked(self, op: str, args: tuple) -> None:
        if self.check is not None:
            why = self.check(op, args)
            if why is not None:
                raise ExpressionError(why)


CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "e": sp.E, "E": sp.E}
NUMERIC_FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], int]] = {
    "sqrt": (sp.sqrt, 1),
    "exp": (sp.exp, 1),
    "log": (sp.log, 1),
}
NUMERIC = Grammar(CONSTANTS, NUMERIC_FUNCTIONS)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.rstrip(" \t\r\n")
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError(f"unexpected character {text[pos]!r} at position {pos}")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


def _number(lexeme: str) -> sp.Rational:
    if len(lexeme) > MAX_NUMBER_DIGITS:
        raise ExpressionError(f"number literal {lexeme[:20]}... is longer than {MAX_NUMBER_DIGITS} characters")
    mantissa, _, exponent = lexeme.lower().partition("e")
    if exponent and abs(int(exponent)) > MAX_MAGNITUDE:
        raise ExpressionError(f"exponent in {lexeme!r} is out of range (|e| <= {MAX_MAGNITUDE})")
    return sp.Rational(mantissa) * sp.Integer(10) ** int(exponent or 0)


class Limits:
    """The work limits of the module docstring, measured on SymPy trees (memoised, so a parse
    measures each distinct sub-expression once)."""

    def __init__(self):
        self.size: dict = {}
        self.degree: dict = {}
        self.nesting: dict = {}
        self.balls: dict = {}

    def check(self, e: sp.Expr) -> sp.Expr:
        """``e`` itself, or ExpressionError naming the first limit it exceeds."""
        if not isinstance(e, sp.Basic):
            return e
        if not e.free_symbols:
            self._magnitude(e)
            return e
        if self._size(e) > MAX_NODES:
            raise ExpressionError(f"expression has more than {MAX_NODES} nodes (limit on expression size)")
        d = self._degree(e)
        if d > MAX_DEGREE:
            raise ExpressionError(f"expression has degree {d if d < 10**6 else 'above 10^6'} in x "
                                  f"(limit: degree <= {MAX_DEGREE})")
        if self._nesting(e) > MAX_EXP_NESTING:
            raise ExpressionError(f"expression nests exponential-type functions (exp, erf, erfc, tanh, sinh, "
                                  f"cosh, sigmoid, Phi, activations built on them) inside one another "
                                  f"(limit: {MAX_EXP_NESTING} level along x)")
        return e

    def _magnitude(self, e: sp.Expr) -> None:
        if e.is_Rational:
            if e != 0 and not sp.Rational(1, _BIG) <= abs(e) <= _BIG:
                raise ExpressionError(f"number {_short(e)} is outside 10^-{MAX_MAGNITUDE} <= |c| <= "
                                      f"10^{MAX_MAGNITUDE} (limit on number magnitude)")
            return
        if isinstance(e, sp.exp) and not _within(self._ball(e.args[0]), 230):
            raise ExpressionError(f"exp({_short(e.args[0])}) is outside 10^-{MAX_MAGNITUDE} <= |c| <= "
                                  f"10^{MAX_MAGNITUDE}: the argument of exp must be within [-230, 230]")
        b = self._ball(e)
        if b is None:
            return  # an operation the ball evaluator does not know: its parts were checked
        if not _within(b, _BIG):
            raise ExpressionError(f"number {_short(e)} is not shown to be real with |c| <= 10^{MAX_MAGNITUDE} "
                                  f"(limit on number magnitude)")
        if (b > 0 or b < 0) and _within(b, sp.Rational(1, _BIG)):
            raise ExpressionError(f"number {_short(e)} is nonzero and smaller than 10^-{MAX_MAGNITUDE} in "
                                  f"magnitude (limit on number magnitude)")

    def _ball(self, e):
        return constant_ball(e, 64, self.balls)

    def _size(self, e) -> int:
        n = self.size.get(e)
        if n is None:
            n = 1 + sum(self._size(a) for a in e.args if isinstance(a, sp.Basic))
            self.size[e] = n
        return n

    def _degree(self, e) -> int:
        d = self.degree.get(e)
        if d is not None:
            return d
        if e == _x:
            d = 1
        elif not e.has(_x):
            d = 0
        elif e.is_Mul:
            d = sum(self._degree(a) for a in e.args)
        elif e.is_Pow:
            db, n = self._degree(e.base), e.exp
            if n.has(_x):
                d = db + self._degree(n)
            elif n.free_symbols:
                d = db  # a parameter: decided again once its value is known (check_limits)
            elif n.is_Rational:
                d = db * -(-abs(int(n.p)) // int(n.q))
            else:
                b = constant_ball(n, 64)
                d = db * (int(abs(b).upper().floor().unique_fmpz() or 0) + 1) if _within(b, 10**6) else db * 10**6
        else:
            d = max((self._degree(a) for a in e.args if isinstance(a, sp.Basic)), default=0)
        self.degree[e] = d
        return d

    def _nesting(self, e) -> int:
        h = self.nesting.get(e)
        if h is not None:
            return h
        if not e.has(_x):
            h = 0
        elif isinstance(e, _OF_LOG_ALGEBRAIC) and _log_argument(e.args[0]) is not None:
            h = self._nesting(_log_argument(e.args[0]))
        else:
            h = max((self._nesting(a) for a in e.args if isinstance(a, sp.Basic)), default=0)
            if isinstance(e, _EXP_TYPE) or (e.is_Pow and e.exp.has(_x)):
                h += 1
        self.nesting[e] = h
        return h


def sp_arb(p: int, q: int):
    from flint import arb

    return arb(p) / q


def _within(b, bound) -> bool:
    """|b| <= bound, proved (b an arb ball or None; bound an int or Rational)."""
    if b is None or not b.is_finite():
        return False
    bound = sp.Rational(bound)
    return bool(abs(b) <= sp_arb(int(bound.p), int(bound.q)))


def _log_argument(a):
    """u when ``a`` is c*log(u) with rational c, else None."""
    c, rest = a.as_coeff_Mul()
    return rest.args[0] if isinstance(rest, sp.log) and c.is_Rational else None


def _short(e) -> str:
    bits = max(int(e.p).bit_length(), int(e.q).bit_length()) if isinstance(e, sp.Rational) else 0
    if bits > 1000:  # never str() a huge integer (Python refuses beyond 4300 digits)
        return f"(a number of about {bits * 3 // 10} digits)"
    text = sp.sstr(e)
    if len(text) > 40 and isinstance(e, sp.Rational):
        return f"(about {sp.Float(e, 3)})"
    return text if len(text) <= 80 else f"<an expression of {len(text)} characters>"  # described, never cut


def check_limits(e: sp.Expr) -> sp.Expr:
    """``e`` if it keeps the limits of this module (size, degree, nesting, number magnitude) in
    every sub-expression, else ExpressionError naming the limit."""
    limits, seen, stack = Limits(), set(), [(e, False)]
    while stack:  # children before parents, each distinct sub-expression once
        node, done = stack.pop()
        if done:
            limits.check(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if isinstance(a, sp.Basic))
    return e


class _Parser:
    def __init__(self, text: str, grammar: Grammar):
        self.tokens = _tokenize(text)
        self.pos = 0
        self.grammar = grammar
        self.depth = 0
        self.limits = Limits()
        self.relation_depth = -1  # the depth of expr() whose result may be followed by < <= > >=

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self, value=None):
        kind, lex = self.peek()
        if kind is None:
            raise ExpressionError("unexpected end of expression")
        if value is not None and lex != value:
            raise ExpressionError(f"expected {value!r}, found {lex!r}")
        self.pos += 1
        return kind, lex

    def nested(self, method):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            # counted in grammar levels (about five per parenthesis or call): say it in what the user wrote
            raise ExpressionError(f"expression nests too deeply (at most about {MAX_DEPTH // 5} levels of "
                                  "parentheses or function calls)")
        try:
            return self.limits.check(method())
        finally:
            self.depth -= 1

    def expr(self):
        value = self.nested(self.term)
        while self.peek()[1] in ("+", "-"):
            _, op = self.take()
            rhs = self.nested(self.term)
            value = self.limits.check(value + rhs if op == "+" else value - rhs)
        if self.peek()[1] in RELATIONS and self.depth != self.relation_depth:
            raise ExpressionError(f"comparison {self.peek()[1]!r} is allowed only as a condition of "
                                  "piecewise(x < c, value, ..., otherwise)")
        return value

    def term(self):
        value = self.nested(self.unary)
        while self.peek()[1] in ("*", "/"):
            _, op = self.take()
            rhs = self.nested(self.unary)
            if op == "/":
                if rhs == 0:
                    raise ExpressionError("division by zero")
                self.grammar.checked("/", (value, rhs))
                value = value / rhs
            else:
                value = value * rhs
            self.limits.check(value)
        return value

    def unary(self):
        if self.peek()[1] in ("+", "-"):
            _, op = self.take()
            operand = self.nested(self.unary)
            return -operand if op == "-" else operand
        return self.nested(self.power)

    def power(self):
        base = self.nested(self.atom)
        if self.peek()[1] in ("^", "**"):
            self.take()
            exponent = self.nested(self.unary)
            _check_power(base, exponent)
            self.grammar.checked("^", (base, exponent))
            return base**exponent
        return base

    def atom(self):
        kind, lex = self.take()
        if kind == "num":
            return _number(lex)
        if kind == "name":
            if lex == "piecewise" and self.grammar.piecewise and self.peek()[1] == "(":
                return self.piecewise()
            if self.peek()[1] == "(":
                if lex not in self.grammar.functions:
                    raise ExpressionError(f"unknown function {lex!r}; allowed: {', '.join(sorted(self.grammar.functions))}")
                func, arity = self.grammar.functions[lex]
                self.take("(")
                args = [self.nested(self.expr)]
                while self.peek()[1] == ",":
                    self.take()
                    args.append(self.nested(self.expr))
                self.take(")")
                if arity >= 0 and len(args) != arity:
                    raise ExpressionError(f"{lex}() takes {arity} argument(s), got {len(args)}")
                if arity < 0 and len(args) < -arity:
                    raise ExpressionError(f"{lex}() takes at least {-arity} arguments, got {len(args)}")
                self.grammar.checked(lex, tuple(args))
                return func(*args)
            if lex not in self.grammar.names:
                raise ExpressionError(f"unknown name {lex!r}; allowed: {', '.join(sorted(self.grammar.names))}")
            return self.grammar.names[lex]
        if lex == "(":
            value = self.nested(self.expr)
            self.take(")")
            return value
        raise ExpressionError(f"unexpected {lex!r}")

    def piecewise(self):
        """``piecewise(cond1, e1, cond2, e2, ..., otherwise)``, first true condition wins: a SymPy
        Piecewise (whose semantics are exactly that)."""
        self.take("(")
        pairs, n = [], 0
        while True:
            n += 1
            self.relation_depth, saved = self.depth + 1, self.relation_depth
            try:
                lhs = self.nested(self.expr)
            finally:
                self.relation_depth = saved
            if self.peek()[1] not in RELATIONS:
                if not pairs or self.peek()[1] == ",":
                    raise ExpressionError(f"piecewise(): argument {2 * n - 1} must be a condition such as x < 1 "
                                          "(form: piecewise(cond1, value1, ..., otherwise))")
                self.take(")")
                return self.limits.check(sp.Piecewise(*pairs, (lhs, True)))
            _, op = self.take()
            rhs = self.nested(self.expr)
            cond = condition(lhs, op, rhs, self.grammar.names.values())
            if self.peek()[1] != ",":
                raise ExpressionError(f"piecewise(): condition {n} must be followed by its value "
                                      "(form: piecewise(cond1, value1, ..., otherwise))")
            self.take(",")
            value = self.nested(self.expr)
            if self.peek()[1] != ",":
                raise ExpressionError("piecewise(): the last argument must be the value where no condition holds "
                                      "(form: piecewise(cond1, value1, ..., otherwise))")
            self.take(",")
            pairs.append((value, cond))


RELATIONS = ("<", "<=", ">", ">=")
_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_RELATION = {"<": sp.StrictLessThan, "<=": sp.LessThan, ">": sp.StrictGreaterThan, ">=": sp.GreaterThan}


def condition(lhs: sp.Expr, op: str, rhs: sp.Expr, constants=()) -> sp.Expr:
    """The relation ``x op c`` (or ``c op x``, mirrored) with c a real constant expression
    (numbers, pi, e, parameters), unevaluated; anything else is an ExpressionError."""
    if lhs != _x and rhs == _x:
        lhs, rhs, op = rhs, lhs, _MIRROR[op]
    if lhs != _x or rhs.has(_x):
        raise ExpressionError(f"piecewise(): condition {_short(lhs)} {op} {_short(rhs)} is not of the form x < c, "
                              "x <= c, x > c or x >= c with c a constant")
    if rhs.free_symbols:
        allowed = {s for s in constants if isinstance(s, sp.Symbol)}
        if not rhs.free_symbols <= allowed:
            raise ExpressionError(f"piecewise(): condition x {op} {_short(rhs)} is not constant")
    else:
        b = constant_ball(rhs, 64)
        if b is None or not b.is_finite():
            raise ExpressionError(f"piecewise(): the bound {_short(rhs)} of condition x {op} ... is not "
                                  "shown to be a finite real number")
    return _RELATION[op](_x, rhs, evaluate=False)


def _check_power(base: sp.Expr, exponent: sp.Expr) -> None:
    """Refuse a numeric exponent too large to build (before SymPy builds c^e exactly)."""
    if exponent.free_symbols or not isinstance(exponent, sp.Basic):
        return
    b = constant_ball(exponent, 64)
    if not _within(b, MAX_NUMERIC_EXPONENT):
        raise ExpressionError(f"exponent {_short(exponent)} is too large (|exponent| <= {MAX_NUMERIC_EXPONENT})")
    if not base.free_symbols and exponent.is_Rational and exponent.q > MAX_NUMERIC_EXPONENT:
        # SymPy would look for an exact root of that index (integer_nthroot overflows beyond 2^64)
        raise ExpressionError(f"exponent {_short(exponent)} of a number has a denominator above "
                              f"{MAX_NUMERIC_EXPONENT} (limit on roots)")
    if base.free_symbols and not _within(b, MAX_SYMBOLIC_EXPONENT):
        raise ExpressionError(f"exponent {_short(exponent)} is too large for a power of a variable "
                              f"(|exponent| <= {MAX_SYMBOLIC_EXPONENT})")


def parse_condition(text: str, grammar: Grammar) -> sp.Expr:
    """A condition ``x < c``, ``x <= c``, ``x > c`` or ``x >= c`` (c constant) written alone, as in a
    ``when`` key of a TOML piece: the unevaluated relation, or ExpressionError."""
    parser = _Parser(_checked_text(text), grammar)
    parser.relation_depth = 1
    lhs = parser.nested(parser.expr)
    if parser.peek()[1] not in RELATIONS:
        raise ExpressionError(f"expected a condition such as x < 1, got {text.strip()!r}")
    _, op = parser.take()
    cond = condition(lhs, op, parser.nested(parser.expr), grammar.names.values())
    if parser.pos != len(parser.tokens):
        raise ExpressionError(f"unexpected {parser.tokens[parser.pos][1]!r} after a complete condition")
    return cond


def _checked_text(text: str) -> str:
    if not isinstance(text, str):
        raise ExpressionError(f"expected a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_LENGTH} characters")
    for pos, ch in enumerate(text):
        if not (" " <= ch <= "~" or ch in "\t\r\n"):
            raise ExpressionError(f"character {ch!r} at position {pos} is not printable ASCII "
                                  f"(only ASCII digits, letters and + - * / ^ ( ) , are read)")
    if not text.strip():
        raise ExpressionError("empty expression")
    return text


def parse(text: str, grammar: Grammar = NUMERIC) -> sp.Expr:
    """Parse ``text`` with ``grammar`` into a SymPy expression, or raise ExpressionError."""
    parser = _Parser(_checked_text(text), grammar)
    value = parser.expr()
    if parser.pos != len(parser.tokens):
        raise ExpressionError(f"unexpected {parser.tokens[parser.pos][1]!r} after a complete expression")
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ExpressionError("expression contains an infinite or undefined constant (e.g. a division by zero)")
    return value


def _extremum(kind, args):
    """sp.Max / sp.Min with numeric arguments decided first: SymPy refuses a number it cannot
    compare by evalf ("not comparable"), such as a zero in disguise; a proved 0 is written 0."""
    from .domain import constant_sign

    exact = []
    for a in args:
        if isinstance(a, sp.Basic) and a.is_number and not a.is_Rational:
            s = constant_sign(a)
            if s is None:
                raise ExpressionError(f"{kind.__name__.lower()}(): cannot decide the sign of {_short(a)}")
            a = sp.Integer(0) if s == 0 else a
        exact.append(a)
    try:
        return kind(*exact)
    except ValueError as exc:  # two arguments SymPy cannot order (equal or nearly so)
        raise ExpressionError(f"{kind.__name__.lower()}(): cannot order its arguments ({one_line(exc)})") from None


def _max(*args):
    return _extremum(sp.Max, args)


def _min(*args):
    return _extremum(sp.Min, args)


def function_grammar(parameters: Mapping[str, sp.Expr] = {}, extra: Mapping = {}, check=None) -> Grammar:
    """The grammar of user-defined activations: ``x``, the given parameters, constants, and
    exp, log, sqrt, erf, erfc, tanh, sinh, cosh, atan, sigmoid, softplus, Phi, abs, sign,
    max/min (two or more arguments), LambertW, and ``piecewise(cond1, e1, ..., otherwise)`` with
    conditions ``x < c``, ``x <= c``, ``x > c``, ``x >= c`` (c constant; the first true condition
    wins); ``extra`` adds more functions (name -> (f, arity)).

    >>> from gelu_math.definitions.symbols import Phi, x
    >>> parse("x*Phi(x)", function_grammar()) == x*Phi(x)
    True
    """
    from .symbols import Phi, sigmoid, softplus, x  # symbols imports nothing from here

    names = dict(CONSTANTS, x=x)
    for key, value in parameters.items():
        if key in names or key == "piecewise":
            raise ExpressionError(f"parameter name {key!r} is reserved")
        names[key] = value
    functions = dict(NUMERIC_FUNCTIONS)
    functions.update({
        "erf": (sp.erf, 1), "erfc": (sp.erfc, 1), "tanh": (sp.tanh, 1), "sinh": (sp.sinh, 1),
        "cosh": (sp.cosh, 1), "atan": (sp.atan, 1), "sigmoid": (sigmoid, 1), "softplus": (softplus, 1),
        "Phi": (Phi, 1), "abs": (sp.Abs, 1), "sign": (sp.sign, 1), "max": (_max, -2), "min": (_min, -2),
        "LambertW": (sp.LambertW, 1), "W": (sp.LambertW, 1),
    })
    for key, value in extra.items():
        functions.setdefault(key, value)
    clash = set(names) & set(functions)
    if clash:
        raise ExpressionError(f"parameter name {sorted(clash)[0]!r} is a function name")
    return Grammar(names, functions, check, piecewise=True)


def parse_number(text: str) -> sp.Expr:
    """Parse an exact real constant such as ``1.702``, ``17/10`` or ``sqrt(2/pi)``."""
    value = parse(text, NUMERIC)
    if not (value.is_number and value.is_real and value.is_finite):
        raise ExpressionError(f"{text!r} is not a finite real number")
    return value
