"""``gelu-math list`` and ``gelu-math analyze``."""

from __future__ import annotations

from .common import integer
from .userfuncs import add_arguments


def _run_list(args) -> int:
    from ..definitions import registry
    from ..definitions.registry import names

    rows = []
    for name in names():
        act = registry.REGISTRY.get(name)
        ps = ", ".join(f"{p.name}={p.default} in {p.range_text()}" for p in act.parameters) or "-"
        alias = f" (alias {', '.join(act.aliases)})" if act.aliases else ""
        rows.append((name + alias, act.formula, ps, act.references[0] if act.references else ""))
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"{'name':<{w[0]}}  {'definition':<{w[1]}}  {'parameters':<{w[2]}}  reference")
    for r in rows:
        print(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]}")
    return 0


def _run_analyze(args) -> int:
    from ..engine import analyze
    from .userfuncs import resolve

    name, values = resolve(args)
    a = analyze(name, values, digits=args.digits, order=args.order, extended=args.extended)
    if args.json:
        from ..render.json_out import dumps

        print(dumps(a))
    else:
        from ..render.text import analysis_text

        print(analysis_text(a, show_steps=args.steps), end="")
    return 0


def register(sub) -> None:
    from ..certified.balls import DEFAULT_DIGITS
    from ..engine import DEFAULT_ORDER

    sub.add_parser("list", help="registered functions, parameters and references").set_defaults(run=_run_list)
    an = sub.add_parser("analyze", help="derive every property of one function")
    an.add_argument("name", nargs="?", help="registered or user-defined function (optional with --expr)")
    an.add_argument("--param", action="append", metavar="KEY=VALUE", help="parameter value (exact decimal, "
                    "fraction or expression such as sqrt(2/pi)); repeatable")
    an.add_argument("--digits", type=integer("digits"), default=DEFAULT_DIGITS, help="certified digits (1..1000)")
    an.add_argument("--order", type=integer("order"), default=DEFAULT_ORDER,
                    help="highest derivative and Taylor order (1..12)")
    an.add_argument("--json", action="store_true", help="one JSON object (schema in the README)")
    an.add_argument("--steps", action="store_true", help="print the derivation steps")
    an.add_argument("--extended", action="store_true", help="also the costly properties the reports show "
                    "(Gaussian moments and gains, example linear relaxations)")
    add_arguments(an)
    an.set_defaults(run=_run_analyze)
