"""``gelu-math verify CLAIMS.toml``: check every claim; exit 1 if any is false, 2 on bad input."""

from __future__ import annotations

EXIT_FALSE = 1


def _run(args) -> int:
    from ..certified.balls import check_digits
    from ..claims import check_claims, load_claims
    from ..render import claims as render
    from .userfuncs import resolve_functions

    check_digits(args.digits)  # always, even when no claim needs an analysis
    resolve_functions(args)
    claims = load_claims(args.claims)
    verdicts = check_claims(claims, digits=args.digits)
    shown = max(render.DIGITS, args.digits)  # evidence at the precision of the check (a false verdict shows why)
    if args.json:
        out = render.verdicts_json(verdicts, shown)
    elif args.markdown:
        out = render.verdicts_markdown(verdicts, args.title, f"gelu-math verify {args.claims} --markdown", shown)
    else:
        out = render.verdicts_text(verdicts, shown)
    print(out, end="")
    return EXIT_FALSE if any(v.verdict == "false" for v in verdicts) else 0


def register(sub) -> None:
    from .common import integer

    p = sub.add_parser("verify", help="check the claims of a claims file (TOML) against certified facts")
    p.add_argument("claims", metavar="CLAIMS.toml")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object with every verdict and its evidence")
    fmt.add_argument("--markdown", action="store_true", help="a Markdown report (as in proofs/claims.md)")
    p.add_argument("--title", default="Claims about GELU and its relatives, checked", help="Markdown title")
    p.add_argument("--digits", type=integer("digits"), default=20, help="certified digits of the facts (1..1000)")
    p.add_argument("--functions", metavar="FILE.toml", action="append",
                   help="TOML file with [function.NAME] tables the claims may refer to; repeatable")
    p.set_defaults(run=_run)
