"""Envelopes and fits to text and JSON (schema in the README)."""

from __future__ import annotations

import json
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

import sympy as sp

from ..facts import Number
from .numbers import decimal_ball, number_json, number_text
from .text import step_text


def interval_strings(n: Number, digits: int) -> tuple[str, str]:
    """[lower, upper] decimal strings (outward rounded) that contain the Number's ball, with no
    more significant digits than the ball supports: digits + 3 at most, and one beyond the place
    of its radius (a fit's optimum known to ~1e−13 prints 12 digits, not digits + 3)."""
    mid, rad = decimal_ball(n, digits + 4)
    prec = digits + 3
    m, r = Decimal(mid), Decimal(rad)
    if m and r:
        prec = max(1, min(prec, m.adjusted() - r.adjusted() + 1))
    with localcontext() as c:  # directed rounding: the strings enclose [mid − rad, mid + rad]
        c.prec = prec
        c.rounding = ROUND_FLOOR
        lo = Decimal(mid) - Decimal(rad)
        c.rounding = ROUND_CEILING
        hi = Decimal(mid) + Decimal(rad)
    return _plain(lo), _plain(hi)


def _plain(d: Decimal) -> str:
    if d.is_zero():
        return "0"  # never "-0" (a ball [0 ± 0] rounded downwards)
    text = format(d, "f") if abs(d.adjusted()) < 30 else str(d)
    return text


def _decimal(v: sp.Rational) -> str:
    """A rational with a terminating decimal expansion, written exactly (else its SymPy form)."""
    d = Decimal(int(v.p)) / Decimal(int(v.q))
    return _plain(d) if Decimal(int(v.q)) * d == Decimal(int(v.p)) else sp.sstr(v)


def _end(v: sp.Expr) -> str:
    return "-inf" if v == -sp.oo else "+inf" if v == sp.oo else sp.sstr(v)


def envelope_json(env, digits: int | None = None) -> dict:
    """The envelope as JSON (schema in the README); ``digits`` defaults to the envelope's own."""
    digits = env.digits if digits is None else digits
    out = {
        "approximation": env.approximation,
        "reference": env.reference,
        "metric": env.metric,
        "derivative": env.derivative,
        "target": env.target,
        "domain": [_end(env.domain[0]), _end(env.domain[1])],
    }
    if env.unbounded:
        out.update({"unbounded": True, "reason": env.reason, "sup": None, "attained": False,
                    "argmax": [], "poles": [number_json(n, digits) for n in env.argmax]})
    else:
        lo, hi = interval_strings(env.sup, digits)
        out.update({"unbounded": False, "sup": {"lower": lo, "upper": hi}, "attained": env.attained,
                    "argmax": [number_json(n, digits) for n in env.argmax], "where": list(env.where)})
    out.update({
        "certified": env.certified,
        "method": env.method,
        "symmetry": env.symmetry,
        "core": [_end(env.core[0]), _end(env.core[1])],
        "tails": [{"side": "+inf" if t.side > 0 else "-inf", "beyond": sp.sstr(t.cut), "limit": sp.sstr(t.limit),
                   "how": t.method} for t in env.tails],
        "steps": [step_text(s, digits) for s in env.steps],
    })
    return out


def envelope_text(env, digits: int | None = None) -> str:
    digits = env.digits if digits is None else digits
    what = ("relative" if env.metric == "rel" else "absolute") + " error"
    if env.derivative:
        what += f" of derivative {env.derivative}"
    if env.target == "cdf":
        what += " (CDF target: functions divided by x)"
    lines = [f"{env.approximation} vs {env.reference}: {what}",
             f"  domain: [{_end(env.domain[0])}, {_end(env.domain[1])}]"]
    if env.unbounded:
        lines.append(f"  sup |error| = +inf (unbounded): {env.reason}")
        if env.argmax:
            lines.append("  pole at x = " + ", ".join(number_text(n, digits) for n in env.argmax))
    else:
        lo, hi = interval_strings(env.sup, digits)
        lines.append(f"  sup |error| in [{lo}, {hi}]  ({'attained' if env.attained else 'approached, not attained'})")
        intervals = [w for w in env.where if w.startswith("constant")]  # e constant and maximal on an interval
        if env.argmax:
            lines.append("  attained at x = " + ", ".join(number_text(n, digits) for n in env.argmax))
        if intervals:
            lines.append("  attained at every x of: " + "; ".join(w.removeprefix("constant on ") for w in intervals))
        if not env.argmax and not intervals:
            lines.append("  approached at: " + ", ".join(env.where))
    lines.append(f"  method: {env.method} (certified)")
    return "\n".join(lines) + "\n"


def envelope_steps_text(env, digits: int | None = None) -> str:
    digits = env.digits if digits is None else digits
    return "".join(f"    - {step_text(s, digits)}\n" for s in env.steps)


def fit_json(f, digits: int) -> dict:
    lo, hi = interval_strings(f.optimum, digits)
    slo, shi = interval_strings(f.sup_error, digits)
    plo, phi = interval_strings(f.published_envelope.sup, digits)
    return {
        "approximation": f.approximation,
        "coefficient": f.coefficient,
        "target": f.target,
        "metric": f.metric,
        "reference": f.reference,
        "search": [_decimal(f.search[0]), _decimal(f.search[1])],
        "certified_window": [_decimal(f.certified_window[0]), _decimal(f.certified_window[1])],
        "optimum": {"lower": lo, "upper": hi},
        "sup_error": {"lower": slo, "upper": shi},
        "certified_at": sp.sstr(f.estimate),
        "equioscillation": [number_json(n, digits) for n in f.equioscillation],
        "published": {"value": sp.sstr(f.published.exact), "sup_error": {"lower": plo, "upper": phi},
                      "argmax": [number_json(n, digits) for n in f.published_envelope.argmax]},
        "certified": True,
        "method": "golden-section estimate; certified envelope at the estimate (upper bound); de la Vallée Poussin "
                  "lower bound and optimum enclosure from two equioscillation points",
        "steps": [step_text(s, digits) for s in f.steps],
    }


def fit_text(f, digits: int) -> str:
    d = fit_json(f, digits)
    what = f"{'relative' if f.metric == 'rel' else 'absolute'} error against " + (
        "the CDF (functions divided by x)" if f.target == "cdf" else f.reference)
    return "\n".join([
        f"{f.approximation}: minimax-optimal {f.coefficient} for the {what}",
        f"  optimum {f.coefficient} in [{d['optimum']['lower']}, {d['optimum']['upper']}]"
        f"  (certified over the search range [{d['search'][0]}, {d['search'][1]}]; equioscillation directions "
        f"checked on [{d['certified_window'][0]}, {d['certified_window'][1]}])",
        f"  sup |error| at the optimum in [{d['sup_error']['lower']}, {d['sup_error']['upper']}]",
        "  equioscillation near x ≈ " + ", ".join(f"{float(n.ball.mid()):.12g}" for n in f.equioscillation)
        + " (estimated extrema; the lower bound uses |e| at exact rationals there)",
        f"  published {f.coefficient} = {d['published']['value']}: sup |error| in "
        f"[{d['published']['sup_error']['lower']}, {d['published']['sup_error']['upper']}]",
    ]) + "\n"


def dumps(obj: dict) -> str:
    return json.dumps(obj, indent=2, sort_keys=False, ensure_ascii=False)
