"""Shared command-line helpers: the one-line-error parser and argument converters."""

from __future__ import annotations

import argparse

from ..errors import InputError, ParameterError


class Parser(argparse.ArgumentParser):
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


def integer(what: str):
    def conv(text):
        try:
            return int(text)
        except ValueError:
            raise InputError(f"--{what} expects an integer, got {text!r}") from None
    return conv
