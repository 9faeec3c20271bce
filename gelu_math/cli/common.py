"""Shared command-line helpers: the one-line-error parser and argument converters."""

from __future__ import annotations

import argparse
import re

from ..errors import InputError, ParameterError


# argparse reads only -5 and -.5 as negative numbers and takes '-1/2', '-1e-3' or '-3/10,2' for an
# option ("--mean: expected one argument"): a word that starts with a minus and then a digit, a point
# or a parenthesis is a value (no option of gelu-math looks like that)
NEGATIVE_VALUE = re.compile(r"^-[0-9.(]")


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = NEGATIVE_VALUE  # argparse's own hook (an attribute since 3.2)

    def error(self, message):  # argparse's own usage errors: one line, exit 2
        raise InputError(message)


def params(pairs: list[str] | None) -> dict[str, str]:
    """``--param KEY=VALUE`` pairs as a dict (values stay text; the registry parses them)."""
    out: dict[str, str] = {}
    for item in pairs or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ParameterError(f"--param expects KEY=VALUE, got {item!r}")
        if key.strip() in out:
            raise ParameterError(f"parameter {key.strip()!r} given twice")
        out[key.strip()] = value.strip()
    return out


INTEGER = re.compile(r"-?[0-9]{1,12}")  # ASCII only: int() also takes '٣', '𝟎', '1_0', '+5', ' 5 '


def integer(what: str):
    """Converter for ``--WHAT N``: ASCII digits with an optional minus sign, nothing else."""
    def conv(text):
        if not isinstance(text, str) or INTEGER.fullmatch(text) is None:
            raise argparse.ArgumentTypeError(f"expects an integer of at most 12 digits 0-9, got {text!r}")
        return int(text)
    conv.__name__ = "integer"
    return conv


def pair(text: str, convert) -> tuple:
    """``LO,HI`` as two values of ``convert`` (which raises an InputError for a bad one): the one
    parser of the commands' interval options (``--search``, ``--domain``); an argparse type error
    with one line otherwise."""
    parts = text.split(",") if isinstance(text, str) else []
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected LO,HI, got {text!r}")
    try:
        return tuple(convert(p.strip()) for p in parts)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
