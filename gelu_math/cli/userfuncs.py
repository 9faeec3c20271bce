"""``--expr`` and ``--functions`` for any command that takes a function name.

``add_arguments(parser)`` adds the two options (and makes the positional ``name``
optional); ``resolve(args)`` registers the user functions and returns
``(name, params)`` for the registry.  With ``--expr``, ``--param NAME=VALUE`` pairs
declare the expression's parameters and their defaults.
"""

from __future__ import annotations

from ..errors import InputError
from .common import params as param_pairs

EXPR_NAME = "expr"  # name of the function given by --expr when no name is given


def add_arguments(parser) -> None:
    parser.add_argument("--expr", metavar="EXPR", help="analyse a user-defined function of x, e.g. "
                        "'x*sigmoid(2*x)' (whitelist grammar; --param NAME=VALUE declares parameters)")
    parser.add_argument("--functions", metavar="FILE.toml", action="append",
                        help="TOML file with [function.NAME] tables of user-defined functions; repeatable")


def resolve_functions(args) -> dict[str, str]:
    """Register the functions of every ``--functions FILE.toml``; name -> the file defining it.

    A function defined in two of the files (or twice in one list of files) is refused, naming
    both: a later file must not silently redefine an earlier one."""
    from ..definitions.registry import REGISTRY
    from ..definitions.user import load_functions

    origin: dict[str, str] = {}
    for path in args.functions or []:
        acts = load_functions(path, register=False)
        for act in acts:
            if act.name in origin:
                raise InputError(f"function {act.name!r} is defined in {origin[act.name]} and again in {path}")
        for act in acts:  # functions of a later file may call those of earlier files
            origin[act.name] = str(path)
            REGISTRY.add_user(act)
    return origin


def resolve(args) -> tuple[str, dict[str, str]]:
    """Register the user functions of ``args``; the function name and parameters to use."""
    from ..definitions.user import define

    origin = resolve_functions(args)
    pairs = param_pairs(args.param)
    if args.expr is not None:
        name = args.name or EXPR_NAME
        if name in origin:
            raise InputError(f"function {name!r} is defined in {origin[name]} and again by --expr")
        define(name, args.expr, pairs)
        return name, {}
    if not args.name:
        raise InputError("give a function name or --expr EXPR")
    return args.name, pairs
