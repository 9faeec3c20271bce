"""A whitelist parser for user-written numbers and expressions — never ``eval``.

``sympy.sympify`` and ``parse_expr`` evaluate Python code, so user input must not
reach them.  This module tokenizes and parses a small grammar by recursive
descent and builds SymPy objects directly::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := ("+" | "-") unary | power
    power  := atom (("^" | "**") unary)?          (right associative)
    atom   := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

Names and functions come from whitelists supplied by the caller.  Decimal
literals become exact rationals (``1.702`` is 1702/1000, "constants as
written").  Length, nesting depth and the size of numeric powers are bounded so
that hostile input fails fast with :class:`ExpressionError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

import sympy as sp

from ..errors import ExpressionError

MAX_LENGTH = 2000
MAX_DEPTH = 100  # grammar recursion (about five levels per parenthesis or call)
MAX_SYMBOLIC_EXPONENT = 64  # |n| in x^n and similar: larger powers make the analysis hopeless
MAX_NODES = 2000  # SymPy tree size of a parsed expression
MAX_NUMBER_DIGITS = 60
MAX_POWER_DIGITS = 2000  # log10 of the size of an exact numeric power we agree to build

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|[-+*/^(),]))"
)


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
    text = text.rstrip()
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
    if exponent and abs(int(exponent)) > 300:
        raise ExpressionError(f"exponent in {lexeme!r} is out of range (|e| <= 300)")
    return sp.Rational(mantissa) * sp.Integer(10) ** int(exponent or 0)


class _Parser:
    def __init__(self, text: str, grammar: Grammar):
        self.tokens = _tokenize(text)
        self.pos = 0
        self.grammar = grammar
        self.depth = 0

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
            raise ExpressionError(f"expression nests deeper than {MAX_DEPTH} levels")
        try:
            return method()
        finally:
            self.depth -= 1

    def expr(self):
        value = self.nested(self.term)
        while self.peek()[1] in ("+", "-"):
            _, op = self.take()
            rhs = self.nested(self.term)
            value = value + rhs if op == "+" else value - rhs
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


def _check_power(base: sp.Expr, exponent: sp.Expr) -> None:
    if exponent.is_number and exponent.is_real and exponent.free_symbols == set():
        e = abs(float(exponent)) if exponent.is_finite else float("inf")
        if e > 1000:
            raise ExpressionError(f"exponent {exponent} is too large (|exponent| <= 1000)")
        if base.free_symbols and e > MAX_SYMBOLIC_EXPONENT:
            raise ExpressionError(f"exponent {exponent} is too large for a power of a variable "
                                  f"(|exponent| <= {MAX_SYMBOLIC_EXPONENT})")
        if base.is_number and base.is_real and base != 0:
            size = e * abs(float(sp.log(abs(base), 10))) if base.is_finite else float("inf")
            if size > MAX_POWER_DIGITS:
                raise ExpressionError("numeric power is too large to represent exactly")


def parse(text: str, grammar: Grammar = NUMERIC) -> sp.Expr:
    """Parse ``text`` with ``grammar`` into a SymPy expression, or raise ExpressionError."""
    if not isinstance(text, str):
        raise ExpressionError(f"expected a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError("empty expression")
    parser = _Parser(text, grammar)
    value = parser.expr()
    if parser.pos != len(parser.tokens):
        raise ExpressionError(f"unexpected {parser.tokens[parser.pos][1]!r} after a complete expression")
    if sp.count_ops(value, visual=False) > MAX_NODES:
        raise ExpressionError(f"expression has more than {MAX_NODES} operations")
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ExpressionError("expression contains an infinite or undefined constant (e.g. a division by zero)")
    return value


def _max(*args):
    return sp.Max(*args)


def _min(*args):
    return sp.Min(*args)


def function_grammar(parameters: Mapping[str, sp.Expr] = {}, extra: Mapping = {}, check=None) -> Grammar:
    """The grammar of user-defined activations: ``x``, the given parameters, constants, and
    exp, log, sqrt, erf, erfc, tanh, sinh, cosh, atan, sigmoid, softplus, Phi, abs, sign,
    max/min (two or more arguments), LambertW; ``extra`` adds more functions (name -> (f, arity)).

    >>> from gelu_math.definitions.symbols import x
    >>> parse("x*Phi(x)", function_grammar()) == x*Phi(x)
    True
    """
    from .symbols import Phi, sigmoid, softplus, x  # symbols imports nothing from here

    names = dict(CONSTANTS, x=x)
    for key, value in parameters.items():
        if key in names:
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
    return Grammar(names, functions, check)


def parse_number(text: str) -> sp.Expr:
    """Parse an exact real constant such as ``1.702``, ``17/10`` or ``sqrt(2/pi)``."""
    value = parse(text, NUMERIC)
    if not (value.is_number and value.is_real and value.is_finite):
        raise ExpressionError(f"{text!r} is not a finite real number")
    return value
