"""TOML documents for user input (function tables, claims files): read with a size cap, parsed
with tomllib, checked for their one expected top-level key, errors as one-line InputErrors.

Limits (refused up front, each naming the limit): only regular files are read (a device such as
``/dev/zero``, a FIFO or a directory is refused before it is opened for reading, and the file is
opened non-blocking and checked again after opening), at most ``MAX_FILE_BYTES`` bytes (at most
that many plus one are read, whatever ``st_size`` says); tables and arrays nest at most
``MAX_NESTING`` levels; integers have at most ``MAX_INTEGER_DIGITS`` = 4300 digits (Python's
limit; a longer one is refused naming its line).  Numbers used as parameters must further keep
10^-100 <= |c| <= 10^100 (:mod:`.parse`).
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

from ..errors import InputError, one_line

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_FILE_BYTES = 1_000_000
MAX_NESTING = 16
MAX_INTEGER_DIGITS = 4300  # Python's default int/str conversion limit; tomllib refuses more


def read_text(path: str | Path, what: str = "file") -> str:
    """The UTF-8 text of a small regular file, or a one-line InputError (never blocks on a FIFO,
    never reads more than ``MAX_FILE_BYTES + 1`` bytes)."""
    name = str(path)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{name}: {what} is not a regular file")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between stat and open
                raise InputError(f"{name}: {what} is not a regular file")
            chunks, size = [], 0
            while size <= MAX_FILE_BYTES:
                chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"cannot read {what} {name!r}: {exc.strerror or exc}") from None
    except ValueError as exc:  # e.g. a NUL byte in the path
        raise InputError(f"cannot read {what} {name!r}: {exc}") from None
    if size > MAX_FILE_BYTES:
        raise InputError(f"{name}: {what} is larger than {MAX_FILE_BYTES} bytes (limit on input files)")
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{name}: {what} is not UTF-8 text") from None


class TomlFloat(str):
    """A TOML float kept as the text it was written as (``parse_float=TomlFloat``), so that a
    coefficient such as ``-0.011034134030615728`` is read as that exact decimal, not as the
    nearest binary double; :meth:`as_float` gives what tomllib would have given."""

    __slots__ = ()

    def as_float(self) -> float:
        return float(self.replace("_", ""))


def load_document(text: str, source: str, key: str, expected: str, parse_float=float) -> dict:
    """The parsed document; ``key`` is the only top-level key allowed (``expected`` names its form).
    ``parse_float=TomlFloat`` keeps every float as written (see :class:`TomlFloat`)."""
    if len(text) > MAX_FILE_BYTES:
        raise InputError(f"{source}: document is longer than {MAX_FILE_BYTES} characters (limit on input files)")
    try:
        doc = tomllib.loads(text, parse_float=parse_float)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: malformed TOML: {one_line(exc)}") from None
    except RecursionError:
        raise InputError(f"{source}: tables or arrays nest deeper than {MAX_NESTING} levels") from None
    except ValueError as exc:  # an integer beyond Python's int/str conversion limit (4300 digits)
        long = re.search(r"[0-9_]{%d,}" % (MAX_INTEGER_DIGITS + 1), text)
        where = f" (line {text.count(chr(10), 0, long.start()) + 1})" if long else ""
        raise InputError(f"{source}: malformed TOML{where}: a number has more than {MAX_INTEGER_DIGITS} digits "
                         f"(limit on numbers)" if long else f"{source}: malformed TOML: {one_line(exc)}") from None
    if _nesting(doc) > MAX_NESTING:
        raise InputError(f"{source}: tables or arrays nest deeper than {MAX_NESTING} levels")
    extra = sorted(set(doc) - {key})
    if extra:
        raise InputError(f"{source}: unknown top-level key {str(extra[0])[:60]!r} (expected {expected})")
    return doc


def _nesting(doc) -> int:
    """Depth of nested tables/arrays (iterative: a deep document cannot exhaust the stack)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            return depth
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return deepest
