"""``gelu-math envelope`` and ``gelu-math fit``."""

from __future__ import annotations

from ..errors import InputError
from .common import integer, params
from .userfuncs import add_arguments

FIT_DIGITS = 20


def _approx(args) -> tuple[str, dict]:
    """The approximation's name and parameters, registering --functions / --expr first."""
    from .userfuncs import resolve

    args.name = args.approx
    return resolve(args)


def _run_envelope(args) -> int:
    from ..certified.balls import check_digits
    from ..envelope import EnvelopeSpec, envelope
    from ..render.envelope import dumps, envelope_json, envelope_steps_text, envelope_text

    name, approx_params = _approx(args)
    check_digits(args.digits)
    spec = EnvelopeSpec(name, args.reference, args.metric, args.derivative, args.target, approx_params,
                        params(args.ref_param), args.domain)
    env = envelope(spec, digits=args.digits)
    if args.json:
        print(dumps(envelope_json(env)))
    else:
        print(envelope_text(env), end="")
        if args.steps:
            print("  steps:")
            print(envelope_steps_text(env), end="")
    return 0


def _search(text: str):
    """``LO,HI`` as two exact numbers (decimals as written, fractions)."""
    import argparse

    from ..definitions.parse import parse_number
    from .common import pair

    lo, hi = pair(text, parse_number)
    if not (lo.is_Rational and hi.is_Rational and lo < hi):
        raise argparse.ArgumentTypeError(f"expected rational LO < HI, got {text!r}")
    return lo, hi


def _run_fit(args) -> int:
    from ..envelope import EnvelopeSpec, fit
    from ..render.envelope import dumps, fit_json, fit_text

    if args.param and args.expr is None:
        raise InputError("--param declares the parameters of --expr; fit starts from a built-in's own value")
    name, _ = _approx(args)
    spec = EnvelopeSpec(name, args.reference, args.metric, 0, args.target)
    f = fit(spec, args.coefficient, digits=args.digits, search=args.search)
    print(dumps(fit_json(f, args.digits)) if args.json else fit_text(f, args.digits), end="\n" if args.json else "")
    return 0


def register(sub) -> None:
    from ..certified.balls import DEFAULT_DIGITS

    from ..options import ENVELOPE_MAX_DERIVATIVE, METRICS, TARGETS

    en = sub.add_parser("envelope", help="certified sup of an approximation's error over ℝ (or a domain)")
    en.add_argument("approx", nargs="?", help="registered or user-defined function (or give --expr)")
    add_arguments(en)
    en.add_argument("--reference", default="gelu")
    en.add_argument("--metric", choices=METRICS, default="abs")
    en.add_argument("--derivative", type=integer("derivative"), default=0, help=f"compare K-th derivatives (0..{ENVELOPE_MAX_DERIVATIVE})")
    en.add_argument("--domain", metavar="LO,HI", help="exact ends, -inf/inf allowed (default: all of ℝ)")
    en.add_argument("--target", choices=TARGETS, default="gelu", help="cdf: compare f(x)/x")
    en.add_argument("--param", action="append", metavar="KEY=VALUE", help="parameter of the approximation")
    en.add_argument("--ref-param", action="append", metavar="KEY=VALUE", help="parameter of the reference")
    en.add_argument("--digits", type=integer("digits"), default=DEFAULT_DIGITS, help="digits of the enclosure")
    en.add_argument("--json", action="store_true")
    en.add_argument("--steps", action="store_true", help="print the derivation steps (tail proofs)")
    en.set_defaults(run=_run_envelope)

    fi = sub.add_parser("fit", help="minimax-optimal coefficient of an approximation over ℝ")
    fi.add_argument("approx", nargs="?", help="registered or user-defined function (or give --expr)")
    add_arguments(fi)
    fi.add_argument("--coefficient", required=True)
    fi.add_argument("--param", action="append", metavar="KEY=VALUE",
                    help="with --expr: declare a parameter and its published value")
    fi.add_argument("--target", choices=TARGETS, default="gelu")
    fi.add_argument("--metric", choices=METRICS, default="abs")
    fi.add_argument("--reference", default="gelu")
    fi.add_argument("--digits", type=integer("digits"), default=FIT_DIGITS)
    fi.add_argument("--search", type=_search, metavar="LO,HI",
                    help="coefficient range searched and certified (exact decimals; default: published value ±50%%)")
    fi.add_argument("--json", action="store_true")
    fi.set_defaults(run=_run_fit)
