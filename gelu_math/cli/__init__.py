"""Layer 6: the command line.  Every deliberate error is one line on stderr and exit code 2.

Each command lives in its own module with a ``register(subparsers)`` function;
:data:`COMMANDS` lists them in the order ``--help`` shows them.
"""

from __future__ import annotations

import importlib
import os
import sys

from ..errors import GeluMathError
from .common import Parser

EXIT_INPUT = 2

COMMANDS = ("analyze", "envelope", "verify", "audit", "plot", "report")  # modules under gelu_math.cli


def build_parser() -> Parser:
    p = Parser(prog="gelu-math", description="Certified mathematics of GELU and related activations.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in COMMANDS:
        importlib.import_module(f"{__name__}.{module}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except GeluMathError as exc:
        print(f"gelu-math: error: {exc}".splitlines()[0], file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("gelu-math: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `gelu-math list | head`: the reader left; stay quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's final flush of stdout must not fail again
        return 1
    except OSError as exc:  # a path that cannot be written or read: the user's input, one line
        where = f": {exc.filename}" if exc.filename else ""
        print(f"gelu-math: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
