"""``gelu-math audit IMPL --dtype D``: a float kernel against the correctly rounded reference."""

from __future__ import annotations

import argparse
import math
import sys

from ..errors import InputError
from .common import integer, pair, params


class _NotFinite(InputError):
    pass


def _finite(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise InputError(text) from None
    if not math.isfinite(v):
        raise _NotFinite(text)
    return v


def domain(text: str) -> tuple[float, float]:
    """``LO,HI`` as two finite floats with LO <= HI (the shared parser cli/common.pair)."""
    try:
        lo, hi = pair(text, _finite)
    except argparse.ArgumentTypeError as exc:
        if str(exc).startswith("expected LO,HI"):
            raise
        numbers = all(_is_number(p) for p in text.split(","))
        raise argparse.ArgumentTypeError(f"expected finite LO <= HI, got {text!r}" if numbers
                                         else f"expected two numbers LO,HI, got {text!r}") from None
    if lo > hi:
        raise argparse.ArgumentTypeError(f"expected finite LO <= HI, got {text!r}")
    return lo, hi


def _is_number(part: str) -> bool:
    try:
        _finite(part.strip())
    except _NotFinite:
        return True
    except InputError:
        return False
    return True


def show_progress(quiet: bool, stream=None) -> bool:
    """The progress bar goes to stderr only when it is a terminal, and never with --quiet."""
    stream = sys.stderr if stream is None else stream
    try:
        return not quiet and stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return v


def _run(args) -> int:
    from ..audit import audit

    if args.samples is not None and args.samples < 1:
        raise InputError("--samples must be at least 1")
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be at least 1")
    if args.seed < 0:
        raise InputError(f"--seed must be a non-negative integer, got {args.seed}")
    from .userfuncs import resolve_functions

    resolve_functions(args)  # user-defined functions: own implementations and references like built-ins
    progress = show_progress(args.quiet)
    r = audit(args.impl, args.dtype, args.reference, derivative=args.derivative, params=params(args.param),
              ref_params=params(args.ref_param) if args.ref_param else None,
              exhaustive=True if args.exhaustive else None, samples=args.samples, seed=args.seed,
              domain=args.domain, rel_threshold=args.rel_threshold, workers=args.workers, progress=progress,
              cluster=args.cluster, device=args.device)
    if args.json:
        from ..render.audit_json import dumps

        print(dumps(r))
    else:
        from ..render.audit_text import audit_text

        print(audit_text(r), end="")
        print(f"  time             {r.seconds:.2f} s ({r.inputs / max(r.seconds, 1e-9):,.0f} inputs/s)")
    return 0


def register(sub) -> None:
    p = sub.add_parser("audit", help="audit a float implementation against the correctly rounded reference")
    p.add_argument("impl", help="our implementation by name (gelu, gelu_tanh, ...), torch:gelu, torch:gelu_tanh, "
                   "jax:gelu, jax:gelu_tanh, or module:function")
    p.add_argument("--dtype", required=True, choices=("float16", "bfloat16", "float32", "float64"))
    p.add_argument("--reference", help="registered function giving the exact values (default: gelu for GELU's "
                   "approximations and foreign kernels, else IMPL's own function)")
    p.add_argument("--param", action="append", metavar="KEY=VALUE",
                   help="parameter of IMPL (gelu-math's own implementations); repeatable")
    p.add_argument("--ref-param", action="append", metavar="KEY=VALUE",
                   help="parameter of the reference (default: IMPL's --param when both are the same function)")
    p.add_argument("--derivative", type=integer("derivative"), default=0, choices=(0, 1),
                   help="audit the first derivative (IMPL computes f')")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--exhaustive", action="store_true", help="every finite value (default for 16-bit types)")
    mode.add_argument("--samples", type=integer("samples"), help="N inputs uniform over bit patterns")
    p.add_argument("--seed", type=integer("seed"), default=0, help="sampling seed (default 0)")
    p.add_argument("--domain", type=domain, help="LO,HI: only inputs in [LO, HI] (write --domain=-8,8 when LO < 0)")
    p.add_argument("--rel-threshold", type=_positive_float, help="relative error that counts as lost accuracy "
                   "(default max(2^-10, 4 eps))")
    p.add_argument("--workers", type=integer("workers"), help="processes for exhaustive float32 (default: cores)")
    p.add_argument("--cluster", metavar="ADDRESS", help="run the exhaustive float32 chunks on the Dask scheduler at "
                   "ADDRESS (tcp://host:8786; needs gelu-math[cluster]); the result is the same as a local run")
    p.add_argument("--device", metavar="DEVICE", help="torch:gelu / torch:gelu_tanh only: run the kernel and the float64 "
                   "reference on this torch device (cuda, cuda:1, cpu); ambiguous inputs are decided on the CPU")
    p.add_argument("--quiet", action="store_true", help="no progress bar (shown only when stderr is a terminal)")
    p.add_argument("--json", action="store_true", help="one JSON object (schema in the README)")
    p.add_argument("--functions", metavar="FILE.toml", action="append",
                   help="TOML file with [function.NAME] tables of user-defined functions; repeatable")
    p.set_defaults(run=_run)
