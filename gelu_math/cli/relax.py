"""``gelu-math relax``: certified linear lower and upper bounds of a function on [L, U]."""

from __future__ import annotations

import json

from .common import integer, pair
from .userfuncs import add_arguments


def _end(text: str):
    """One end of ``--on``: an exact decimal or fraction, or -inf/inf (RelaxInputError otherwise)."""
    from ..relax.linear import parse_end

    return parse_end(text, 0)


def _interval(text: str) -> tuple:
    return pair(text, _end)


def _dec(q) -> str:
    from ..render.numbers import terminating_decimal

    text = terminating_decimal(q)
    if text is None:  # the relaxation prints decimals only; a fraction here would be a bug
        raise ValueError(f"not a terminating decimal: {q}")
    return text


def _end_text(e) -> str:
    import sympy as sp

    if e == sp.oo:
        return "+inf"
    if e == -sp.oo:
        return "-inf"
    return _dec(e) if _terminating(e) else sp.sstr(e)


def _terminating(q) -> bool:
    from ..render.numbers import terminating_decimal

    return terminating_decimal(q) is not None


def relax_json(r, digits: int, image=None) -> dict:
    """The relaxation as the JSON object of the README ("relax")."""
    import sympy as sp

    from ..render.numbers import number_json

    num = lambda n: number_json(n, digits)  # noqa: E731

    def opt_value(v):
        if isinstance(v, sp.Rational):  # a one-sided bound, rounded to its safe side (never a ball)
            return _dec(v)
        if isinstance(v, tuple):
            return [sp.sstr(t) if not _terminating(t) else _dec(t) for t in v]
        if hasattr(v, "ball") and hasattr(v, "exact"):
            return num(v)
        return v

    out = {
        "function": r.function,
        "parameters": {k: sp.sstr(v) for k, v in r.params},
        "on": [_end_text(r.on[0]), _end_text(r.on[1])],
        "mode": r.mode,
        "digits": r.digits,
        "lower": {"slope": _dec(r.lower.slope), "intercept": _dec(r.lower.intercept)},
        "upper": {"slope": _dec(r.upper.slope), "intercept": _dec(r.upper.intercept)},
        "gap": {"lower": num(r.lower.gap_max), "upper": num(r.upper.gap_max)},
        "gap_min": {"lower": num(r.lower.gap_min), "upper": num(r.upper.gap_min)},
        "contact": {"lower": [num(c) for c in r.lower.contact], "upper": [num(c) for c in r.upper.contact]},
        "sound": r.sound,
        "optimality": {k: opt_value(v) for k, v in r.optimality.items()},
        "method": r.method,
        "steps": [s.text.format(*(sp.sstr(m) for m in s.math)) for s in r.steps],
    }
    if image is not None:
        out["image"] = {"inf": num(image[0]), "sup": num(image[1])}
    return out


_BOUNDS = {  # what each one-sided bound of the optimality section bounds (text output)
    "optimal_gap_lower": "a lower bound: every sound line's max gap is at least this",
    "ratio_upper": "an upper bound on max gap / optimal max gap",
    "area_excess_lower": "an upper bound on the area the lower line loses against the optimal one",
    "area_excess_upper": "an upper bound on the area the upper line loses against the optimal one",
}


def relax_text(r, digits: int, image=None) -> str:
    import sympy as sp

    from ..render.numbers import number_text

    lines = [f"{r.function} on [{_end_text(r.on[0])}, {_end_text(r.on[1])}]: linear relaxation ({r.mode}), sound (proved)"]
    for label, ln, rel in (("lower", r.lower, ">="), ("upper", r.upper, "<=")):
        lines.append(f"  {label}: f(x) {rel} {_dec(ln.slope)}*x + ({_dec(ln.intercept)})")
        lines.append(f"    max gap: {number_text(ln.gap_max, digits)}")
        lines.append(f"    min gap: {number_text(ln.gap_min, digits)}  (>= 0)")
        if ln.contact:
            lines.append("    closest at: " + ", ".join(number_text(c, min(digits, 12)) for c in ln.contact))
    for k, v in r.optimality.items():
        if isinstance(v, sp.Rational):  # a one-sided bound (the key says which side)
            lines.append(f"  {k}: {_dec(v)}" + (f"  ({_BOUNDS[k]})" if k in _BOUNDS else ""))
        elif hasattr(v, "ball"):
            lines.append(f"  {k}: {number_text(v, digits)}")
        elif isinstance(v, tuple):
            lines.append(f"  {k}: " + ", ".join(_dec(t) if _terminating(t) else str(t) for t in v))
        else:
            lines.append(f"  {k}: {v}")
    if image is not None:
        lines.append(f"  image: inf f = {number_text(image[0], digits)}, sup f = {number_text(image[1], digits)}")
    return "\n".join(lines) + "\n"


def _run(args) -> int:
    from ..relax import image, relax
    from .userfuncs import resolve

    name, values = resolve(args)
    if args.on is None:
        from ..relax import RelaxInputError

        raise RelaxInputError("give the interval: --on=L,U")
    lo, hi = args.on
    r = relax(name, lo, hi, args.mode, params=values, digits=args.digits)
    img = image(name, lo, hi, params=values, digits=args.digits) if args.image else None
    if args.json:
        print(json.dumps(relax_json(r, args.digits, img), indent=2, ensure_ascii=True))
    else:
        print(relax_text(r, args.digits, img), end="")
    return 0


def register(sub) -> None:
    from ..options import RELAX_DIGITS as DEFAULT_DIGITS, RELAX_MODES as MODES

    p = sub.add_parser("relax", help="certified linear lower/upper bounds on [L, U] (NN verification)")
    p.add_argument("name", nargs="?", help="registered or user-defined function (optional with --expr)")
    p.add_argument("--on", metavar="L,U", type=_interval, help="the interval: exact decimals or fractions, -inf/inf where a sound "
                   "line with a finite gap exists (write --on=-1,2 when L is negative)")
    p.add_argument("--mode", default="chebyshev", metavar="|".join(MODES),
                   help="chebyshev: minimise each line's max gap (default); area: minimise its integral; "
                        "tangent-chord: tangent at the midpoint and chord (convex or concave f)")
    p.add_argument("--param", action="append", metavar="KEY=VALUE", help="parameter value (exact); repeatable")
    p.add_argument("--digits", type=integer("digits"), default=DEFAULT_DIGITS, help="decimal digits (1..1000)")
    p.add_argument("--image", action="store_true", help="also the certified interval image f([L, U])")
    p.add_argument("--json", action="store_true", help="one JSON object (schema in the README)")
    add_arguments(p)
    p.set_defaults(run=_run)
