"""Typed exceptions of gelu-math.

Every error the library raises on purpose derives from :class:`GeluMathError`, so
callers (and the CLI, which turns them into a one-line message and exit code 2)
can tell a rejected input or an uncertifiable result from a bug.
"""


class GeluMathError(Exception):
    """Base class of all deliberate gelu-math errors."""


class InputError(GeluMathError, ValueError):
    """Bad user input: unknown name, bad parameter, bad option value."""


class UnknownFunctionError(InputError):
    """The activation name is not registered."""


class ParameterError(InputError):
    """A parameter is unknown, malformed or outside its allowed range."""


class PrecisionError(InputError):
    """Requested digits or series order outside the supported range."""


class ExpressionError(InputError):
    """A user expression is malformed or uses something not on the whitelist."""


class CertificationError(GeluMathError, ArithmeticError):
    """A certified result could not be obtained (no convergence, undecidable sign).

    Raised instead of returning a number that cannot be vouched for.
    """


class SymbolicTimeout(GeluMathError, TimeoutError):
    """A symbolic (SymPy) step exceeded its time box."""


class UnsupportedError(GeluMathError):
    """The function is outside what an analysis step can handle rigorously."""


def one_line(text: object) -> str:
    """``text`` (a message, a SymPy object) on one line: every run of whitespace, newlines
    included, becomes one space.  Nothing is cut: a message never ends mid-expression."""
    return " ".join(str(text).split())
