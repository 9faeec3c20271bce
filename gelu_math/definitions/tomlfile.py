"""TOML documents for user input (function tables, claims files): parsed with tomllib, checked
for their one expected top-level key, errors as one-line InputErrors."""

from __future__ import annotations

import sys

from ..errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def load_document(text: str, source: str, key: str, expected: str) -> dict:
    """The parsed document; ``key`` is the only top-level key allowed (``expected`` names its form)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: malformed TOML: {exc}") from None
    extra = sorted(set(doc) - {key})
    if extra:
        raise InputError(f"{source}: unknown top-level key {extra[0]!r} (expected {expected})")
    return doc
