"""``gelu-math report``: derivation reports for every function (the main job)."""

from __future__ import annotations

import os
import sys

from .common import integer


def _formats(text: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in text.split(",") if f.strip())


def _run(args) -> int:
    from .userfuncs import resolve_functions

    resolve_functions(args)  # user-defined functions are reported like built-ins (with --only NAME)
    from ..render.report import generate

    written = generate(args.out, names=args.only, formats=args.format, digits=args.digits, order=args.order,
                       figures=args.figures, jobs=args.jobs, log=lambda m: print(m, file=sys.stderr),
                       cluster=args.cluster)
    print(f"wrote {len(written)} files to {os.path.join(args.out, '') if args.out else './'}")
    return 0


def register(sub) -> None:
    from ..options import REPORT_DIGITS, REPORT_ORDER

    p = sub.add_parser("report", help="derivation reports (Markdown, HTML, LaTeX) and the comparison matrix")
    p.add_argument("--out", default="proofs", help="output directory (default: proofs)")
    p.add_argument("--figures", default="figures", metavar="DIR",
                   help="figures directory (default: figures; skipped when plotting is unavailable); '' for none")
    p.add_argument("--format", type=_formats, default=("md", "html", "tex"), metavar="md,html,tex",
                   help="comma-separated formats (default: all three)")
    p.add_argument("--only", nargs="+", action="extend", metavar="NAME",
                   help="only these functions (index and comparison list them); may be repeated")
    p.add_argument("--digits", type=integer("digits"), default=REPORT_DIGITS, help="certified digits (default 20)")
    p.add_argument("--order", type=integer("order"), default=REPORT_ORDER, help="derivative order (default 4)")
    p.add_argument("--jobs", type=integer("jobs"), default=None, help="worker processes (default: CPU count)")
    p.add_argument("--cluster", metavar="ADDRESS", default=None,
                   help="run the tasks on a Dask cluster (scheduler address, e.g. tcp://127.0.0.1:8786; "
                        "needs gelu-math[cluster])")
    p.add_argument("--functions", metavar="FILE.toml", action="append",
                   help="TOML file with [function.NAME] tables of user-defined functions; repeatable")
    p.set_defaults(run=_run)
