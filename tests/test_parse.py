"""The whitelist parser never evaluates input; hostile strings only raise ExpressionError."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gelu_math.definitions.parse import parse_number
from gelu_math.errors import ExpressionError

HOSTILE = ["__import__('os').system('true')", "().__class__", "lambda: 1", "x.real", "1e999999", "9**9**9**9",
           "(" * 500 + "1" + ")" * 500, "exec('1')", "eval", "1;2", "1 if 1 else 2", "[1]", "{}", "'a'", "2^^3"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_rejected(text):
    with pytest.raises(ExpressionError):
        parse_number(text)


@pytest.mark.parametrize("text,value", [("1.702", sp.Rational(851, 500)), ("17/10", sp.Rational(17, 10)),
                                         ("sqrt(2/pi)", sp.sqrt(2 / sp.pi)), ("-1e-3", sp.Rational(-1, 1000)),
                                         ("2^3", sp.Integer(8))])
def test_numbers_are_exact(text, value):
    assert parse_number(text) == value


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.text(max_size=40),
                 st.text(alphabet="0123456789.+-*/^()e pisqrtlogx_,", max_size=40)))
def test_fuzz_parser_only_returns_or_raises_its_error(text):
    try:
        v = parse_number(text)
    except ExpressionError:
        return
    assert isinstance(v, sp.Expr) and v.is_number
