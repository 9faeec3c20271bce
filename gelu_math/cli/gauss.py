"""``gelu-math gauss`` (Gaussian moments, gains, kernels, SELU's constants) and ``gelu-math criticality``."""

from __future__ import annotations

import json

from .common import integer
from .userfuncs import add_arguments

LABELS = {"mean": "E f(Z)", "second": "E f(Z)^2", "variance": "Var f(Z)", "fprime_second": "E f'(Z)^2"}
GAIN_LABELS = {"std": "1/sqrt(Var f(Z))", "rms": "1/sqrt(E f(Z)^2)", "grad": "1/sqrt(E f'(Z)^2)"}


def _number(text: str, what: str):
    from ..gauss.moments import exact_value

    return exact_value(text, what)


def compute(args) -> dict:
    """Every requested result as gelu_math objects (Numbers, Moments): the model both outputs print."""
    from ..gauss import gains, moments
    from ..gauss.torchgain import comparison
    from .userfuncs import resolve

    name, values = resolve(args)
    mean = _number(args.mean, "--mean")
    m = moments(name, values, mean=mean, std=args.std, digits=args.digits)
    std_one = m if (m.mean == 0 and m.std == 1) else moments(m.instance, mean=0, std=1, digits=args.digits)
    g = gains(std_one)
    out = {"m": m, "gains": g, "torch": comparison(m.instance, g, args.digits)}
    if args.rho is not None or args.q is not None or args.q2 is not None:
        from ..gauss.kernel import kernel

        rho = _number(args.rho if args.rho is not None else "1", "--rho")
        q = _number(args.q if args.q is not None else "1", "--q")
        q2 = None if args.q2 is None else _number(args.q2, "--q2")
        out["kernel"] = kernel(m.instance, rho=rho, q=q, q2=q2, digits=args.digits)
    if m.instance.name == "selu" and m.instance.is_default:
        from ..gauss.selfnorm import self_normalizing

        out["selfnorm"] = self_normalizing(args.digits)
    return out


def as_json(r: dict, digits: int) -> dict:
    import sympy as sp

    from ..render.numbers import number_json

    m = r["m"]
    num = lambda n: number_json(n, digits)  # noqa: E731
    out = {
        "name": m.instance.name,
        "parameters": {k: sp.sstr(v) for k, v in m.instance.params},
        "definition": sp.sstr(m.instance.expr),
        "distribution": {"mean": sp.sstr(m.mean), "std": sp.sstr(m.std)},
        "digits": digits,
        "moments": {k: num(v.value) for k, v in m.moments.items()},
        "methods": {k: v.method.value for k, v in m.moments.items()},
        "notes": {k: v.reason for k, v in m.moments.items() if v.reason},
        "gains": {k: num(v.value) for k, v in r["gains"].items()},
        "gain_methods": {k: v.method.value for k, v in r["gains"].items()},
    }
    t = r["torch"]
    if t is not None:
        out["torch_gain"] = {"nonlinearity": t["nonlinearity"], "value": num(t["value"]), "source": t["source"],
                             "against": {k: {"agree": c["agree"], "relative_difference": num(c["relative_difference"])}
                                         for k, c in t["against"].items()}}
    if "kernel" in r:
        k = r["kernel"]
        out["kernel"] = {"rho": sp.sstr(k.rho), "q": sp.sstr(k.q), "q2": sp.sstr(k.q2), "value": num(k.value.value),
                         "derivative": num(k.derivative.value),
                         "methods": {"value": k.value.method.value, "derivative": k.derivative.method.value},
                         "notes": {key: m.reason for key, m in (("value", k.value), ("derivative", k.derivative))
                                   if m.reason}}
    if "selfnorm" in r:
        s = r["selfnorm"]
        out["self_normalizing"] = {
            "alpha": {**num(s.alpha), "phi_form": sp.sstr(s.alpha_phi)},
            "lambda": {**num(s.lam), "phi_form": sp.sstr(s.lam_phi)},
            "registered": {k: {"value": sp.sstr(v["value"]), "difference": num(v["difference"]),
                               "agrees": v["agrees"], "decimals": v["places"]} for k, v in s.registered.items()},
        }
    return out


LONG = 160  # exact forms longer than this are left to --json in the text output


def _text(n, digits: int) -> str:
    from ..render.numbers import exact_str, number_text

    if n.exact is not None and n.ball is not None and len(exact_str(n.exact)) > LONG:
        from dataclasses import replace

        return number_text(replace(n, exact=None), digits) + "  (closed form: see --json)"
    return number_text(n, digits)


def as_text(r: dict, digits: int) -> str:
    import sympy as sp
    from sympy.printing.precedence import PRECEDENCE, precedence

    number_text = _text
    m = r["m"]
    params = ", ".join(f"{k}={sp.sstr(v)}" for k, v in m.instance.params)

    std = sp.sstr(m.std)  # grouped by precedence before ^2: (2/3)^2, (1 + sqrt(2))^2, sqrt(2)^2
    call = m.std.is_Function or (m.std.is_Pow and m.std.exp == sp.S.Half)  # printed as name(...)
    std = std if precedence(m.std) > PRECEDENCE["Pow"] or call else f"({std})"
    lines = [f"{m.instance.name}{'(' + params + ')' if params else ''}: Z ~ N({sp.sstr(m.mean)}, {std}^2)"]
    for k, v in m.moments.items():
        lines.append(f"  {LABELS[k]:<10} = {number_text(v.value, digits)}  ({v.method.value})")
        if v.reason:
            lines.append(f"    {v.reason}")
    lines.append("gains (Z ~ N(0, 1)):")
    for k, v in r["gains"].items():
        lines.append(f"  {k:<4} = {GAIN_LABELS[k]:<18} = {number_text(v.value, digits)}  ({v.method.value})")
    t = r["torch"]
    if t is not None:
        lines.append(f"torch.nn.init.calculate_gain('{t['nonlinearity']}') = {number_text(t['value'], digits)}"
                     f"  [{t['source']}]")
        for k, c in t["against"].items():
            verdict = "equal (proved)" if c["agree"] else \
                f"differs: torch/{k} - 1 = {number_text(c['relative_difference'], min(digits, 12))}"
            lines.append(f"  vs {k:<4}: {verdict}")
    if "kernel" in r:
        k = r["kernel"]
        qs = f"q = {sp.sstr(k.q)}" if k.q2 == k.q else f"q1 = {sp.sstr(k.q)}, q2 = {sp.sstr(k.q2)}"
        lines.append(f"dual kernel, u ~ N(0, q1), v ~ N(0, q2), corr(u, v) = rho; {qs}, rho = {sp.sstr(k.rho)}:")
        lines.append(f"  k(rho)  = E f(u)f(v)   = {number_text(k.value.value, digits)}  ({k.value.method.value})")
        lines.append(f"  k'(rho) = E f'(u)f'(v) = {number_text(k.derivative.value, digits)}  ({k.derivative.method.value})")
        for m in (k.value, k.derivative):
            if m.reason:
                lines.append(f"    {m.reason}")
        if k.derivative.reason:  # f jumps: Price's identity needs f absolutely continuous
            lines.append("  (the derivative kernel over f' almost everywhere; f jumps, so d k / d rho also has terms "
                         "from the jump and is not sqrt(q1*q2) * E f'(u)f'(v))")
        elif k.q * k.q2 != 1:  # the derivative kernel's convention (neural-tangents) is no derivative in rho here
            lines.append(f"  (the derivative kernel; d k / d rho = sqrt(q1*q2) * E f'(u)f'(v) = "
                         f"{sp.sstr(sp.sqrt(k.q * k.q2))} * that, by Price's theorem)")
    if "selfnorm" in r:
        s = r["selfnorm"]
        lines.append("self-normalising constants (E f(Z) = 0, E f(Z)^2 = 1, Z ~ N(0, 1)), derived:")
        lines.append(f"  alpha  = {sp.sstr(s.alpha_phi)}")
        lines.append(f"         = {number_text(s.alpha, digits)}")
        lines.append(f"  lambda = {sp.sstr(s.lam_phi)}")
        lines.append(f"         = {number_text(s.lam, digits)}")
        for key, v in s.registered.items():
            lines.append(f"  registered {key} {sp.sstr(v['value'])}: "
                         + ("the correct rounding to " if v["agrees"] else "NOT the correct rounding to ")
                         + f"{v['places']} decimals (difference {number_text(v['difference'], 6)})")
    return "\n".join(lines) + "\n"


def _run(args) -> int:
    r = compute(args)
    if args.json:
        print(json.dumps(as_json(r, args.digits), indent=2, ensure_ascii=False))
    else:
        print(as_text(r, args.digits), end="")
    return 0


def _search(text: str):
    from .common import pair

    return pair(text, lambda p: _number(p, "--search"))


def _run_criticality(args) -> int:
    import sympy as sp

    from ..gauss.criticality import SEARCH, criticality
    from ..render.numbers import number_json, number_text
    from .userfuncs import resolve

    name, values = resolve(args)
    c = criticality(name, values, sigma_b=_number(args.sigma_b, "--sigma-b"), search=args.search or SEARCH,
                    digits=args.digits)
    keys = ("q_star", "sigma_w", "chi1")
    if args.json:
        out = {"name": name, "sigma_b": sp.sstr(c.sigma_b), "digits": args.digits,
               "points": [{k: number_json(p[k], args.digits) for k in keys} for p in c.points],
               "continuum": None if c.continuum is None else
               {"q_star": [sp.sstr(c.search[0]), sp.sstr(c.search[1])],
                "sigma_w": number_json(c.continuum["sigma_w"], args.digits)},
               "search": {"q": [sp.sstr(c.search[0]), sp.sstr(c.search[1])], "complete": True,
                          "method": c.method, "boxes": c.boxes, "reason": c.reason or None}}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    lo, hi = (sp.sstr(v) for v in c.search)
    print(f"{name}: edge of chaos (chi1 = 1 at a fixed point q* of the variance map), sigma_b = {sp.sstr(c.sigma_b)}")
    print(f"  searched q* in [{lo}, {hi}] — {'exact' if c.method == 'exact' else f'{c.boxes} boxes'}; "
          f"the list is complete on this range")
    if c.reason:
        print(f"  {c.reason}")
    if c.continuum is not None:
        print(f"  every q* in [{lo}, {hi}], sigma_w = {number_text(c.continuum['sigma_w'], args.digits)}")
    for p in c.points:
        print(f"  q* = {number_text(p['q_star'], args.digits)}, sigma_w = {number_text(p['sigma_w'], args.digits)}, "
              f"chi1 = 1")
    if not c.points and c.continuum is None:
        print("  no critical point in the range")
    return 0


def register(sub) -> None:
    from ..certified.balls import DEFAULT_DIGITS

    p = sub.add_parser("gauss", help="Gaussian moments, initialisation gains, dual kernel; SELU's constants")
    p.add_argument("name", nargs="?", help="registered or user-defined function (optional with --expr)")
    add_arguments(p)
    p.add_argument("--param", action="append", metavar="KEY=VALUE", help="parameter value (exact); repeatable")
    p.add_argument("--mean", default="0", metavar="M", help="mean of Z (exact, default 0)")
    p.add_argument("--std", default="1", metavar="S", help="standard deviation of Z (exact, > 0, default 1)")
    p.add_argument("--rho", metavar="R", help="correlation of the dual kernel, |R| <= 1")
    p.add_argument("--q", metavar="Q", help="variance of the dual kernel's inputs (> 0, default 1)")
    p.add_argument("--q2", metavar="Q2", help="variance of the second input v when it differs from --q")
    p.add_argument("--digits", type=integer("digits"), default=DEFAULT_DIGITS, help="certified digits (1..1000)")
    p.add_argument("--json", action="store_true", help="one JSON object (schema in the README)")
    p.set_defaults(run=_run)

    c = sub.add_parser("criticality", help="edge of chaos: all (q*, sigma_w) with chi1 = 1 for a given sigma_b")
    c.add_argument("name", nargs="?", help="registered or user-defined function (optional with --expr)")
    add_arguments(c)
    c.add_argument("--param", action="append", metavar="KEY=VALUE", help="parameter value (exact); repeatable")
    c.add_argument("--sigma-b", required=True, metavar="B", help="bias standard deviation (exact, >= 0)")
    c.add_argument("--search", type=_search, metavar="LO,HI", help="range of q* searched (default 1/100,100)")
    c.add_argument("--digits", type=integer("digits"), default=20, help="certified digits (1..1000)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(run=_run_criticality)

