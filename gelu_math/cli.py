"""Layer 6: the command line.  Every deliberate error is one line on stderr and exit code 2."""

from __future__ import annotations

import argparse
import sys

from .errors import GeluMathError, InputError, ParameterError

EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own usage errors: one line, exit 2
        raise InputError(message)


def _params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for item in pairs or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ParameterError(f"--param expects KEY=VALUE, got {item!r}")
        if key.strip() in out:
            raise ParameterError(f"parameter {key.strip()!r} given twice")
        out[key.strip()] = value.strip()
    return out


def _cmd_list(args) -> int:
    from .definitions import registry
    from .definitions.registry import names

    rows = []
    for name in names():
        act = registry.REGISTRY.get(name)
        params = ", ".join(f"{p.name}={p.default} in {p.range_text()}" for p in act.parameters) or "-"
        alias = f" (alias {', '.join(act.aliases)})" if act.aliases else ""
        rows.append((name + alias, act.formula, params, act.references[0] if act.references else ""))
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"{'name':<{w[0]}}  {'definition':<{w[1]}}  {'parameters':<{w[2]}}  reference")
    for r in rows:
        print(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]}")
    return 0


def _cmd_analyze(args) -> int:
    from .engine import analyze

    a = analyze(args.name, _params(args.param), digits=args.digits, order=args.order)
    if args.json:
        from .render.json_out import dumps

        print(dumps(a))
    else:
        from .render.text import analysis_text

        print(analysis_text(a, show_steps=args.steps), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .certified.balls import DEFAULT_DIGITS
    from .engine import DEFAULT_ORDER

    p = _Parser(prog="gelu-math", description="Certified mathematics of GELU and related activations.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="registered functions, parameters and references").set_defaults(run=_cmd_list)
    an = sub.add_parser("analyze", help="derive every property of one function")
    an.add_argument("name")
    an.add_argument("--param", action="append", metavar="KEY=VALUE", help="parameter value (exact decimal, "
                    "fraction or expression such as sqrt(2/pi)); repeatable")
    an.add_argument("--digits", type=_int("digits"), default=DEFAULT_DIGITS, help="certified digits (1..1000)")
    an.add_argument("--order", type=_int("order"), default=DEFAULT_ORDER, help="highest derivative and Taylor order (1..12)")
    an.add_argument("--json", action="store_true", help="one JSON object (schema in the README)")
    an.add_argument("--steps", action="store_true", help="print the derivation steps")
    an.set_defaults(run=_cmd_analyze)
    return p


def _int(what):
    def conv(text):
        try:
            return int(text)
        except ValueError:
            raise InputError(f"--{what} expects an integer, got {text!r}") from None
    return conv


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
