"""Layer 6: the command line.  Every deliberate error is one line on stderr and exit code 2.

Each command lives in its own module with a ``register(subparsers)`` function;
:data:`COMMANDS` lists them in the order ``--help`` shows them.
"""

from __future__ import annotations

import importlib
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
