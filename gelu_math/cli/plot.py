"""``gelu-math plot KIND [NAME...] [--out FILE.pdf|svg|png] [--width single|double]``."""

from __future__ import annotations

import os

from ..errors import GeluMathError, InputError, UnsupportedError

KIND_HELP = ("compare (activations and first derivatives; default GELU ReLU ELU SiLU), derivatives (one "
             "function with f′, f″, f‴ and its certified extrema and inflection points; default gelu), family "
             "(GELU(mu, sigma) as sigma -> 0), grid (every registered activation, or the NAMEs, with f′), envelope "
             "(|error| of the approximations against GELU, abs and rel, f and f′, certified maximisers; default "
             "gelu_tanh gelu_sigmoid), sweep (sup error vs the coefficient a of gelu_tanh and k of gelu_sigmoid, "
             "published and certified optimal values marked), design (certified sup error vs degree of GELU's "
             "minimax polynomials D = 2..16 on [-4, 4] and [-8, 8], exact and float16 coefficients; about 90 s), "
             "relax (f with its certified chebyshev lines on three intervals; default gelu), variance-maps, chi1, "
             "kernels (Gaussian-input maps with certified marks), network (the seeds' 8-layer network: predicted "
             "against Monte Carlo)")


def _run_plot(args) -> int:
    try:
        from .. import plots
        from ..plots.style import format_of
    except (ImportError, UnsupportedError) as exc:  # matplotlib missing
        raise GeluMathError(f"plotting needs matplotlib: pip install 'gelu-math[plots]' ({exc})") from None
    if args.kind not in plots.KINDS:
        raise InputError(f"unknown plot kind {args.kind!r}; kinds: {', '.join(plots.KINDS)}")
    if args.out is not None and not args.out.strip():
        raise InputError("--out is empty; give a file name such as figure.pdf")
    out = args.out or f"{args.kind}.pdf"
    if "\0" in out:
        raise InputError(f"--out contains a NUL byte: {out!r}")
    format_of(out)  # bad extension or unwritable place: fail before any computation
    from ..atomicio import check_writable_dir

    try:
        check_writable_dir(os.path.dirname(out) or ".", "directory of --out", create=False)
    except OSError as exc:  # name the file the user gave
        raise OSError(exc.errno, f"cannot write {out!r}: {exc.strerror}", exc.filename) from None
    from .userfuncs import resolve_functions

    resolve_functions(args)  # user-defined functions are plotted like built-ins
    fig = plots.build(args.kind, args.names, args.width)
    print(plots.save(fig, out))
    return 0


def register(sub) -> None:
    p = sub.add_parser("plot", help="publication figures (PDF, SVG, PNG)", description="Kinds: " + KIND_HELP)
    p.add_argument("kind", metavar="KIND", help="compare, derivatives, family, grid, envelope or sweep")
    p.add_argument("names", nargs="*", metavar="NAME", help="function names (depends on KIND)")
    p.add_argument("--out", metavar="FILE", help="output file; the extension picks the format: .pdf, .svg or "
                   ".png (300 dpi); default KIND.pdf")
    p.add_argument("--width", default="single", choices=("single", "double"),
                   help="paper width: single column 3.5 in (default) or double 7 in")
    p.add_argument("--functions", metavar="FILE.toml", action="append",
                   help="TOML file with [function.NAME] tables of user-defined functions; repeatable")
    p.set_defaults(run=_run_plot)
