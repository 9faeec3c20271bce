"""``gelu-math approximate NAME --degree D --on=LO,HI``: a certified minimax design (schema in the README)."""

from __future__ import annotations

import sympy as sp

from ..errors import InputError
from ..options import METRICS
from .common import integer
from .userfuncs import add_arguments

DIGITS = 10  # enclosures of the errors: 10 significant digits are plenty for a design


def _decimal(v: sp.Rational) -> str:
    from ..render.numbers import terminating_decimal

    return terminating_decimal(v) or sp.sstr(v)


def _bounds(n, digits):
    from ..render.envelope import interval_strings

    lo, hi = interval_strings(n, digits)
    return {"lower": lo, "upper": hi}


def design_json(d, digits: int, audits=None, scheme: str = "horner") -> dict:
    """The design as the JSON object of the README."""
    from ..render.audit_json import audit_dict

    pieces = []
    equi = []
    for i, p in enumerate(d.pieces):
        pts = [{"piece": i, "x": _decimal(t), "error": _bounds(n, digits)} for t, n in p.reference]
        equi += pts
        pieces.append({"on": [_decimal(p.lo), _decimal(p.hi)], "coefficients": [_decimal(c) for c in p.coefficients],
                       "lower": None if p.lower is None else _bounds(p.lower, digits)["lower"],
                       "not_proved": p.why_not or None})
    coefficients = pieces[0]["coefficients"] if len(pieces) == 1 else [p["coefficients"] for p in pieces]
    sup = (None if d.sup.unbounded else _bounds(d.sup.sup, digits))
    out = {
        "name": d.name,
        "reference": d.reference,
        "degree": d.degree,
        "on": [_decimal(d.on[0]), _decimal(d.on[1])],
        "metric": d.metric,
        "parity": d.parity,
        "format": d.format,
        "tails": [{"side": "-inf" if t.side < 0 else "+inf", "kind": t.kind,
                   "expr": None if t.expr is None else sp.sstr(t.expr)} for t in d.tails],
        "knots": [_decimal(k) for k in d.knots],
        "coefficients": coefficients,
        "pieces": pieces,
        "sup": sup,
        "sup_unbounded": d.sup.reason or None,
        "sup_where": list(d.sup.where),
        "sup_on": None if d.sup_on.unbounded else _bounds(d.sup_on.sup, digits),
        "sup_on_where": list(d.sup_on.where),
        "equioscillation": equi,
        "optimality": {
            "proved": d.lower is not None,
            "lower": None if d.lower is None else _bounds(d.lower, digits)["lower"],
            "ratio": None if d.ratio_upper is None else _decimal(d.ratio_upper),
            "meaning": "every design with these knots and powers has sup_on >= lower (de la Vallée Poussin); "
                       "this design's sup_on is at most ratio times the best possible",
        },
        "certified": d.certified,
        "method": d.method,
        "notes": list(d.notes),
    }
    if audits:
        out["audit"] = {dt: audit_dict(r) for dt, r in audits.items()}
        out["audit_scheme"] = scheme
        for dt in out["audit"]:
            out["audit"][dt].pop("seconds", None)
    return out


def design_text(d, digits: int, audits=None, scheme: str = "horner") -> str:
    j = design_json(d, digits)
    scheme = " (Estrin)" if scheme == "estrin" else ""
    lines = [f"{d.name}: minimax polynomial of degree {d.degree} on [{j['on'][0]}, {j['on'][1]}] "
             f"({'absolute' if d.metric == 'abs' else 'relative'} error"
             + (f", {d.parity} powers" if d.parity else "") + (f", {d.format} coefficients" if d.format else "") + ")"]
    for p in j["pieces"]:
        lines.append(f"  on [{p['on'][0]}, {p['on'][1]}]: coefficients c0..c{d.degree} = {', '.join(p['coefficients'])}")
    lines.append("  tails: " + "; ".join(f"x {'<' if t['side'] == '-inf' else '>'} {j['on'][0 if t['side'] == '-inf' else 1]}: "
                                         f"{t['kind']}{'' if t['expr'] is None else ' (' + t['expr'] + ')'}" for t in j["tails"]))
    so = j["sup_on"]
    lines.append(f"  sup |error| on [LO, HI] in [{so['lower']}, {so['upper']}]" if so else "  sup |error| on [LO, HI]: unbounded")
    lines.append(f"  sup |error| over R in [{j['sup']['lower']}, {j['sup']['upper']}]  ({'; '.join(j['sup_where'])})"
                 if j["sup"] else f"  sup |error| over R: unbounded ({j['sup_unbounded']})")
    o = j["optimality"]
    if o["proved"]:
        lines.append(f"  optimality: best possible sup on [LO, HI] >= {o['lower']}; this design is within a factor "
                     f"{o['ratio']} of it (de la Vallée Poussin, {len(j['equioscillation'])} alternation points)")
    else:
        lines.append("  optimality: not proved (" + "; ".join(p["not_proved"] for p in j["pieces"] if p["not_proved"]) + ")")
    for note in j["notes"]:
        lines.append(f"  note: {note}")
    if audits:
        for dt, r in audits.items():
            lines.append(f"  float audit of the numpy kernel{scheme} in {dt} ({r.mode}, {r.inputs} inputs): max abs error "
                         f"{r.max_abs.error!r} at x = {r.max_abs.x!r}, max {int(r.max_ulp.error)} ULP at x = {r.max_ulp.x!r}")
    lines.append(f"  method: {d.method}" + (" (certified)" if d.certified else ""))
    return "\n".join(lines) + "\n"


def _run(args) -> int:
    from ..approximate import approximate, audit_kernel, source
    from ..render.envelope import dumps
    from .userfuncs import resolve

    if args.degree is None:
        raise InputError("approximate needs --degree D")
    if args.on is None:
        raise InputError("approximate needs --on=LO,HI")
    name, params = resolve(args)
    audits_for = None
    if args.audit is not None:
        audits_for = [a.strip() for a in args.audit.split(",")]
        for a in audits_for:
            if a not in ("float16", "bfloat16", "float32"):
                raise InputError(f"--audit takes float16, bfloat16 and/or float32, got {a!r}")
    d = approximate(name, args.degree, args.on, tails=args.tails, parity=args.parity, metric=args.metric,
                    fmt=args.format, pieces=args.pieces, knots=args.knots, params=params, digits=args.digits)
    if args.emit:
        print(source(d, args.emit, args.scheme), end="")
        return 0
    audits = audit_kernel(d, audits_for, args.scheme) if audits_for else None
    print(dumps(design_json(d, args.digits, audits, args.scheme)) if args.json
          else design_text(d, args.digits, audits, args.scheme),
          end="\n" if args.json else "")
    return 0


def register(sub) -> None:
    ap = sub.add_parser("approximate", help="certified minimax polynomial (or piecewise) approximation")
    ap.add_argument("name", nargs="?", help="registered or user-defined function (or give --expr)")
    add_arguments(ap)
    ap.add_argument("--param", action="append", metavar="KEY=VALUE", help="parameter of the function")
    ap.add_argument("--degree", type=integer("degree"), help="polynomial degree D (0..64)")
    ap.add_argument("--on", metavar="LO,HI", help="interval of the polynomial (exact ends)")
    ap.add_argument("--tails", metavar="LEFT,RIGHT",
                    help="outside [LO, HI]: zero, identity, poly, asymptote or a constant (default: the asymptotes)")
    ap.add_argument("--parity", choices=("even", "odd"))
    ap.add_argument("--metric", choices=METRICS, default="abs")
    ap.add_argument("--format", choices=("float16", "bfloat16", "float32", "float64"),
                    help="round the coefficients to this format (re-optimised)")
    ap.add_argument("--pieces", type=integer("pieces"), help="K equal pieces on [LO, HI]")
    ap.add_argument("--knots", metavar="a,b,...", help="knots inside (LO, HI) of a piecewise design")
    ap.add_argument("--emit", choices=("numpy", "c", "torch"), help="print the kernel's source code instead")
    ap.add_argument("--scheme", choices=("horner", "estrin"), default="horner",
                    help="polynomial evaluation in the emitted and audited kernel (default horner)")
    ap.add_argument("--audit", metavar="DTYPES", help="float audit of the emitted numpy kernel, e.g. float16,bfloat16")
    ap.add_argument("--digits", type=integer("digits"), default=DIGITS, help="digits of the enclosures")
    ap.add_argument("--json", action="store_true")
    ap.set_defaults(run=_run)
