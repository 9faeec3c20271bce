"""Decide claims against certified facts: each verdict is true, false or undecided, with evidence.

Layer: above the engine and the envelope API (L5 in the README's table); no formatting here.

A verdict is *true* or *false* only when a certified comparison decides it: exact forms equal
(proved by simplification), or a certified ball lying entirely on one side.  When a ball
straddles the claimed bound, or a needed fact could not be certified, the verdict is
*undecided* — never a guess.  The same primitives back :mod:`gelu_math.testing`.

Example::

    >>> from gelu_math.claims import claims_from_toml, check_claims
    >>> text = '''[[claim]]
    ... id = "m"
    ... source = "popular articles"
    ... text = "GELU is monotonic."
    ... kind = "property"
    ... function = "gelu"
    ... property = "monotonic"'''
    >>> [v.verdict for v in check_claims(claims_from_toml(text))]
    ['false']
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp
from flint import arb

from ..analysis.calculus import derivative, proved_zero, tidy
from ..certified.arbeval import compile_arb
from ..certified.balls import bits_for, precision, q
from ..certified.numbers import compare, exact_number
from ..certified.profile import profile
from ..definitions.registry import Instance
from ..definitions.symbols import x
from ..engine import Analysis, analyze
from ..errors import CertificationError, GeluMathError, InputError, SymbolicTimeout, UnsupportedError
from ..facts import Number, Step
from ..timebox import attempt
from ..properties import get_property, with_dependencies
from .spec import FACTS, LIST_FACTS, Claim, Comparison, Verdict

DIGITS = 20
TRUE, FALSE, UNDECIDED = "true", "false", "undecided"


@dataclass(frozen=True)
class Decision:
    """A verdict with its evidence (prose with {i} placeholders for ``math``)."""

    verdict: str
    text: str
    math: tuple = ()
    method: str = "certified"

    def step(self) -> Step:
        return Step(self.text, self.math)


@functools.lru_cache(maxsize=64)
def analysis(inst: Instance, digits: int = DIGITS) -> Analysis:
    """A cached analysis (order 2: enough for every claim kind)."""
    return analyze(inst, digits=digits, order=2)


def fact(inst: Instance, key: str, digits: int = DIGITS):
    """The value of fact ``key``, or raise CertificationError with the engine's reason."""
    return analysis(inst, digits)[key].value


def num(value: sp.Expr, digits: int = DIGITS) -> Number:
    return exact_number(sp.sympify(value), digits)


def order(a: Number, b: Number) -> int | None:
    """Certified sign of a − b (-1, 0, +1), or None when the balls overlap without an exact proof."""
    try:
        return compare(a, b)
    except CertificationError:
        return None


# --- primitive decisions ------------------------------------------------------------------------

def decide_in(value: Number, lo: sp.Expr, hi: sp.Expr, digits: int = DIGITS) -> str:
    """value ∈ [lo, hi] (closed; ±oo ends allowed)."""
    a, b = order(value, num(lo, digits)), order(value, num(hi, digits))
    if (a is not None and a < 0) or (b is not None and b > 0):
        return FALSE
    if a is not None and b is not None:
        return TRUE
    return UNDECIDED


def decide_comparison(value: Number, cmp: Comparison, digits: int = DIGITS) -> str:
    if cmp.how == "equals":
        c = order(value, num(cmp.lo, digits))
        return UNDECIDED if c is None else TRUE if c == 0 else FALSE
    return decide_in(value, cmp.lo, cmp.hi, digits)


def _cmp_text(cmp: Comparison) -> str:
    return {"equals": "= {1}", "within": "∈ {1}", "approx": "≈ {1} (that is, in {2})"}[cmp.how]


def _cmp_math(cmp: Comparison) -> tuple:
    if cmp.how == "equals":
        return (cmp.lo,)
    return (sp.Interval(cmp.lo, cmp.hi) if cmp.how == "within" else sp.Float(str(cmp.written), 30),
            sp.Interval(cmp.lo, cmp.hi))


def value_decision(label: str, value: Number, cmp: Comparison, digits: int = DIGITS) -> Decision:
    verdict = decide_comparison(value, cmp, digits)
    claimed = _cmp_math(cmp)
    why = {TRUE: "holds", FALSE: "fails",
           UNDECIDED: "is undecided (the certified ball straddles the claimed bound, and no exact proof)"}[verdict]
    text = label + " = {0}; the claim " + _cmp_text(cmp) + " " + why + "."
    return Decision(verdict, text, (value,) + claimed, "exact" if value.exact is not None else "certified")


def covering(intervals, lo: sp.Expr, hi: sp.Expr, digits: int = DIGITS):
    """The intervals (with labels) of a covering of ℝ that meet the open interval (lo, hi).

    Returns (meeting, undecided): an interval meets (lo, hi) when its lower end is < hi and its
    upper end is > lo; ``undecided`` lists those for which a ball straddles an end.
    """
    meet, unsure = [], []
    L, H = num(lo, digits), num(hi, digits)
    for iv in intervals:
        a, b = order(iv.lo, H), order(iv.hi, L)
        if a is None or b is None:
            unsure.append(iv)
        elif a < 0 and b > 0:
            meet.append(iv)
    return meet, unsure


_ALLOWED = {  # labels of the covering intervals that satisfy each claimed shape
    "increasing": ({"increasing"},), "decreasing": ({"decreasing"},),
    "monotonic": ({"increasing", "constant"}, {"decreasing", "constant"}),
    "convex": ({"convex", "linear"},), "concave": ({"concave", "linear"},),
}


def monotone_decision(inst: Instance, lo: sp.Expr, hi: sp.Expr, direction: str, key: str = "monotonicity",
                      digits: int = DIGITS) -> Decision:
    """Is f ``direction`` on (lo, hi)?  direction: increasing, decreasing (strict), monotonic (one
    direction, constant stretches allowed), convex or concave (key="convexity")."""
    ivs = fact(inst, key, digits)
    meet, unsure = covering(ivs, lo, hi, digits)
    shown = (lo, hi)
    name = "monotonicity" if key == "monotonicity" else "convexity"
    labels = {iv.label for iv in meet}
    options = _ALLOWED[direction]
    if not any(labels <= ok for ok in options):
        ok = options[0] if len(options) == 1 else next((o for o in options if meet[0].label in o), options[0])
        iv = next(iv for iv in meet if iv.label not in ok)
        other = next((j for j in meet if j.label in ok and j.label not in ("constant", "linear")), None)
        if other is None:
            return Decision(FALSE, "f is " + iv.label + " on [{0}, {1}], which meets ({2}, {3}) (certified " + name
                            + " intervals covering ℝ).", (iv.lo, iv.hi) + shown)
        return Decision(FALSE, "f is " + iv.label + " on [{0}, {1}] and " + other.label + " on [{4}, {5}], both "
                        "meeting ({2}, {3}) (certified " + name + " intervals covering ℝ).",
                        (iv.lo, iv.hi) + shown + (other.lo, other.hi))
    if unsure:
        iv = unsure[0]
        return Decision(UNDECIDED, "an end of the " + iv.label + " interval [{0}, {1}] cannot be placed relative "
                        "to ({2}, {3}) at this precision.", (iv.lo, iv.hi) + shown)
    kinks = []
    if key == "convexity":
        # a kink (f′ jumps at a breakpoint) must turn the claimed way: up for convex, down for concave
        for bp in fact(inst, "smoothness", digits).breakpoints:
            if bp.order == 1 and decide_in(num(bp.x, digits), lo, hi, digits) != FALSE:
                kinks.append(bp)
                jump = order(num(bp.right, digits), num(bp.left, digits))
                if jump is None or (jump > 0) != (direction == "convex"):
                    return Decision(FALSE if jump is not None else UNDECIDED,
                                    "f′ jumps from {1} to {2} at x = {0}, inside [{3}, {4}].",
                                    (bp.x, bp.left, bp.right) + shown)
    text = ", ".join("[{%d}, {%d}] " % (2 + 2 * i, 3 + 2 * i) + iv.label for i, iv in enumerate(meet))
    math = shown + tuple(n for iv in meet for n in (iv.lo, iv.hi))
    for bp in kinks:
        n = len(math)
        text += "; f′ jumps " + ("up" if direction == "convex" else "down") + " at x = {%d} (from {%d} to {%d})" \
            % (n, n + 1, n + 2)
        math += (bp.x, bp.left, bp.right)
    return Decision(TRUE, "certified " + name + " intervals meeting ({0}, {1}): " + text + ".", math)


def bound_decision(inst: Instance, lower: sp.Expr | None = None, upper: sp.Expr | None = None,
                   digits: int = DIGITS) -> Decision:
    """lower ≤ f(x) ≤ upper for all real x (either bound optional), from the certified range."""
    rng = fact(inst, "range", digits)
    inf, sup = rng["inf"].value, rng["sup"].value
    results, math = [], (inf, sup)
    if lower is not None:
        c = order(inf, num(lower, digits))
        results.append(None if c is None else c >= 0)
        math += (lower,)
    if upper is not None:
        c = order(sup, num(upper, digits))
        results.append(None if c is None else c <= 0)
        math += (upper,)
    text = "certified range: inf f = {0}, sup f = {1}"
    if False in results:
        return Decision(FALSE, text + "; the claimed bound" + (" {2}" if len(math) == 3 else "s {2}, {3}")
                        + " is violated.", math)
    if None in results:
        return Decision(UNDECIDED, text + "; the ball straddles the claimed bound.", math)
    return Decision(TRUE, text + ".", math)


def lipschitz_decision(inst: Instance, L: sp.Expr, digits: int = DIGITS) -> Decision:
    v = fact(inst, "lipschitz", digits)["f"]["value"]
    c = order(v, num(L, digits))
    verdict = UNDECIDED if c is None else TRUE if c <= 0 else FALSE
    return Decision(verdict, "sup|f′| = {0} (certified); claimed Lipschitz constant {1}.", (v, L))


def extremizers(inst: Instance, side: str = "inf", digits: int = DIGITS):
    """(extremum, points, intervals): where f attains inf (or sup) — points, and constant stretches."""
    ext = fact(inst, "range", digits)[side]
    points = []
    for c in ext.where:
        if c.attained and c.location is not None and not any(order(c.location, p) == 0 for p in points):
            points.append(c.location)
    intervals = []
    if any(c.attained and c.location is None for c in ext.where):
        for item in fact(inst, "stationary_points", digits):
            if "interval" in item and order(item["value"], ext.value) == 0:
                intervals.append(item["interval"])
    return ext, points, intervals


def minimum_decision(inst: Instance, lo: sp.Expr, hi: sp.Expr, digits: int = DIGITS) -> Decision:
    """The global minimum of f is attained, and only at points of [lo, hi]."""
    ext, locs, flats = extremizers(inst, "inf", digits)
    if not ext.attained:
        return Decision(FALSE, "inf f = {0} is not attained: f has no minimum.", (ext.value,))
    ends = [n for iv in flats for n in iv]
    verdicts = [decide_in(n, lo, hi, digits) for n in locs + ends]
    math = (ext.value, sp.Interval(lo, hi)) + tuple(locs) + tuple(ends)
    where = ", ".join("{%d}" % (2 + i) for i in range(len(locs)))
    if flats:
        k = 2 + len(locs)
        where = ", ".join(filter(None, [where] + ["every x in [{%d}, {%d}]" % (k + 2 * i, k + 2 * i + 1)
                                                   for i in range(len(flats))]))
    if FALSE in verdicts:
        return Decision(FALSE, "min f = {0} is attained at x = " + where + ", not only inside {1}.", math)
    if UNDECIDED in verdicts or not verdicts:
        return Decision(UNDECIDED, "min f = {0} is attained at x = " + where + "; a ball straddles an end "
                        "of {1}.", math)
    return Decision(TRUE, "min f = {0} is attained at x = " + where + ", inside {1}.", math)


def zeros_of_derivative(inst: Instance, k: int, digits: int = DIGITS):
    """Every zero of f^(k) on ℝ away from breakpoints (certified, complete): (points, flat intervals)."""
    return _zeros(inst, k, digits)


@functools.lru_cache(maxsize=64)
def _zeros(inst: Instance, k: int, digits: int):
    a = analysis(inst, digits)
    F = a.pieces if k == 1 else derivative(a.pieces, k - 1)
    p = profile(F, derivative(F, 1), derivative(F, 2), digits)
    points = [c.location for c in p.criticals]
    flats = [(seg.lo, seg.hi) for seg in p.segments if seg.sign == 0]
    return points, flats


# --- claims ---------------------------------------------------------------------------------------

def _property(spec: dict, digits: int) -> Decision:
    d = _property_holds(spec, digits)
    if spec["holds"] or d.verdict == UNDECIDED:
        return d
    return Decision(FALSE if d.verdict == TRUE else TRUE, d.text, d.math, d.method)


def _property_holds(spec: dict, digits: int) -> Decision:
    inst, prop = spec["instance"], spec["property"]
    if prop in ("monotonic", "increasing", "decreasing", "convex", "concave"):
        lo, hi = spec["on"] or (-sp.oo, sp.oo)
        key = "convexity" if prop in ("convex", "concave") else "monotonicity"
        return monotone_decision(inst, lo, hi, prop, key, digits)
    if prop in ("bounded_below", "bounded_above", "bounded"):
        rng = fact(inst, "range", digits)
        inf, sup = rng["inf"].value, rng["sup"].value
        if spec["bound"] is not None:
            b = spec["bound"]
            return bound_decision(inst, b if prop == "bounded_below" else None, b if prop == "bounded_above" else None,
                                  digits)
        ok = {"bounded_below": inf.is_finite, "bounded_above": sup.is_finite,
              "bounded": inf.is_finite and sup.is_finite}[prop]
        return Decision(TRUE if ok else FALSE, "certified range: inf f = {0}, sup f = {1}.", (inf, sup))
    if prop in ("continuous", "differentiable", "smooth", "analytic"):
        s = fact(inst, "smoothness", digits)
        cls = sp.oo if s.k is None else sp.Integer(s.k)
        c = "C^∞" if s.k is None else "discontinuous" if s.k < 0 else f"C^{s.k}"
        need = {"continuous": 0, "differentiable": 1, "smooth": sp.oo}.get(prop)
        if prop == "analytic":
            ok = s.analytic
            text = "f is " + ("" if ok else "not shown to be ") + "real-analytic on ℝ; smoothness class " + c + "."
            return Decision(TRUE if ok else (FALSE if s.k is not None else UNDECIDED), text, (), "exact")
        if s.k is not None and s.lower_bound_only and cls < need:
            return Decision(UNDECIDED, "smoothness class at least " + c + " (no jump found up to the orders checked).",
                            (), "exact")
        bad = [bp for bp in s.breakpoints if not bp.continuous]
        if bad and bad[0].removable:  # say why f is discontinuous there
            bp = bad[0]
            return Decision(TRUE if cls >= need else FALSE, "smoothness class " + c + " (f = {1} at x = {0}, its "
                            "one-sided limits both {2}).", (bp.x, bp.value, bp.limits[0]), "exact")
        bps = [bp for bp in s.breakpoints if bp.order is not None]
        text = "smoothness class " + c + (" (f^({1}) jumps at x = {0})" if bps else "") + "."
        return Decision(TRUE if cls >= need else FALSE, text, (bps[0].x, sp.Integer(bps[0].order)) if bps else (),
                        "exact")
    par = fact(inst, "parity", digits)
    ok = par.kind == prop
    verdict = TRUE if ok else (UNDECIDED if par.kind == "undecided" else FALSE)
    return Decision(verdict, "f(x) − f(−x) = {0}, f(x) + f(−x) = {1}.",
                    (par.difference, 2 * par.even), "exact")


def _fact_value(inst: Instance, name: str, digits: int):
    """(label, Number or list of Numbers, problem) for a 'value' claim fact."""
    if name == "value_at_0":
        return "f(0)", fact(inst, "value_at_0", digits), None
    if name == "derivative_at_0":
        d = analysis(inst, digits).derivatives
        if len(d) < 2:
            d = [None, derivative(d[0], 1)]
        return "f′(0)", num(d[1].at(sp.Integer(0)), digits), None
    if name in ("minimum", "maximum", "argmin", "argmax", "infimum", "supremum"):
        ext = fact(inst, "range", digits)["inf" if name in ("minimum", "argmin", "infimum") else "sup"]
        if name in ("infimum", "supremum"):
            return ("inf f" if name == "infimum" else "sup f"), ext.value, None
        if not ext.attained:
            return None, ext.value, ("inf" if "min" in name else "sup") + " f = {0} is not attained: there is no " \
                + ("minimum" if "min" in name else "maximum") + "."
        if name in ("minimum", "maximum"):
            return ("min f" if name == "minimum" else "max f"), ext.value, None
        _, locs, flats = extremizers(inst, "inf" if "min" in name else "sup", digits)
        if len(locs) != 1 or flats:
            return None, ext.value, "the extremum {0} is attained at more than one point or on an interval."
        return ("argmin f" if name == "argmin" else "argmax f"), locs[0], None
    if name == "lipschitz":
        return "sup|f′|", fact(inst, "lipschitz", digits)["f"]["value"], None
    if name in ("limit_at_minus_inf", "limit_at_plus_inf"):
        return ("lim at −∞" if "minus" in name else "lim at +∞"), \
            fact(inst, "limits", digits)[-1 if "minus" in name else 1], None
    if name in LIST_FACTS:
        items = fact(inst, name, digits)
        return ("stationary points" if name == "stationary_points" else "inflection points"), \
            [d["x"] for d in items if "x" in d], None
    return _property_value(inst, name, digits)


def _property_value(inst: Instance, path: str, digits: int):
    """A registered property's number (or list of numbers) by its path ``key.field…``: the claim
    kind that every property with a numeric value gets without code of its own."""
    key, *fields = path.split(".")
    prop = get_property(key)  # InputError for an unknown key
    if prop.extended:  # a costly property: derived on its own, when a claim names it
        a = analyze(inst, digits=digits, order=2, parts=with_dependencies(key))
        value = a[key].value
    else:
        value = fact(inst, key, digits)
    for i, name in enumerate(fields):
        if isinstance(value, dict) and name in value:
            value = value[name]
        elif isinstance(value, (list, tuple)) and name.isdigit() and int(name) < len(value):
            value = value[int(name)]
        else:
            where = ".".join([key, *fields[:i]])
            have = ", ".join(map(str, value)) if isinstance(value, dict) else f"{len(value)} items" \
                if isinstance(value, (list, tuple)) else type(value).__name__
            raise InputError(f"fact {path!r}: {where} has no field {name!r} (it has: {have})")
    if isinstance(value, (list, tuple)) and all(isinstance(v, Number) for v in value):
        return path, list(value), None
    if not isinstance(value, Number):
        raise InputError(f"fact {path!r} is not a number (its value is of type {type(value).__name__}); "
                         "name a numeric field of it")
    return path, value, None


def check_property_paths(claims: list[Claim]) -> None:
    """Every 'value' claim naming a registered property names one that exists (before any work)."""
    for c in claims:
        if c.kind == "value" and c.spec["fact"] not in FACTS:
            try:
                get_property(c.spec["fact"].split(".")[0])
            except InputError as exc:
                raise InputError(f"claim {c.id!r}: {exc}") from None


def _value(spec: dict, digits: int) -> Decision:
    label, value, problem = _fact_value(spec["instance"], spec["fact"], digits)
    if problem is not None:
        return Decision(FALSE, problem, (value,))
    cmp = spec["compare"]
    if not isinstance(cmp, list):
        return value_decision(label, value, cmp, digits)
    if len(value) != len(cmp):
        return Decision(FALSE, "there are {0} " + label + " (certified, complete on ℝ): "
                        + ", ".join("{%d}" % (i + 1) for i in range(len(value))) + "; the claim lists {%d} value(s)."
                        % (len(value) + 1), (sp.Integer(len(value)),) + tuple(value) + (sp.Integer(len(cmp)),))
    parts = [value_decision(label, v, c, digits) for v, c in zip(value, cmp)]
    verdict = FALSE if any(p.verdict == FALSE for p in parts) else \
        UNDECIDED if any(p.verdict == UNDECIDED for p in parts) else TRUE
    text, math = [], ()
    for p in parts:  # renumber each part's placeholders into one evidence text
        shift = len(math)
        text.append(p.text.format(*("{%d}" % (i + shift) for i in range(len(p.math)))))
        math += p.math
    return Decision(verdict, " ".join(text), math)


def _zero_set(spec: dict, digits: int) -> Decision:
    inst, k, (lo, hi) = spec["instance"], spec["derivative"], spec["on"]
    points, flats = zeros_of_derivative(inst, k, digits)
    d = {1: "f′", 2: "f″", 3: "f‴"}[k]
    inside, unsure = [], []
    for n in points:
        v = decide_in(n, lo, hi, digits)
        if v == TRUE and order(n, num(lo, digits)) != 0 and order(n, num(hi, digits)) != 0:
            inside.append(n)
        elif v != FALSE:
            unsure.append(n)
    shown = (sp.Interval.open(lo, hi),)
    if flats:
        return Decision(UNDECIDED, d + " vanishes identically on a piece; zero sets with intervals are not compared.",
                        shown)
    if unsure:
        return Decision(UNDECIDED, "a zero of " + d + " at {1} cannot be placed relative to {0}.", shown + (unsure[0],))
    claimed = spec["zeros"]
    listing = ", ".join("{%d}" % (1 + i) for i in range(len(inside))) or "none"
    math = shown + tuple(inside)
    text = "certified zeros of " + d + " in {0} (complete on ℝ, tails proved): " + listing
    if len(claimed) != len(inside):
        n = len(claimed)
        return Decision(FALSE, text + f"; the claim lists {'no' if n == 0 else n} zero{'' if n == 1 else 's'}.", math)
    verdicts = [decide_in(n, a, b, digits) for n, (a, b, _) in zip(inside, claimed)]
    verdict = FALSE if FALSE in verdicts else UNDECIDED if UNDECIDED in verdicts else TRUE
    return Decision(verdict, text + ".", math)


def _coefficient(spec: dict, digits: int) -> Decision:
    inst = spec["instance"]
    par = next(p for p in inst.activation.parameters if p.name == spec["parameter"])
    refs = "; ".join(inst.activation.references[:1])
    same = tidy(par.default - spec["equals"]) == 0
    return Decision(TRUE if same else FALSE, inst.name + " parameter " + par.name + " = {0} as published ("
                    + refs + "); the claim says {1}.", (num(par.default, digits), num(spec["equals"], digits)), "exact")


def _constant(spec: dict, digits: int) -> Decision:
    return value_decision("the constant", num(spec["expr"], digits), spec["compare"], digits)


SAMPLES = tuple(sp.Rational(n, 8) for n in (-40, -13, -5, -1, 3, 7, 11, 29))


def _identity(spec: dict, digits: int) -> Decision:
    lhs, rhs = spec["lhs"], spec["rhs"]
    if proved_zero(lhs - rhs):  # tidy, then the rational normal form over exponentials (tanh = σ identities)
        return Decision(TRUE, "{0} − ({1}) simplifies to 0 for all real x.", (lhs, rhs), "exact")
    diff = attempt("identity simplification", lambda: sp.simplify((lhs - rhs).rewrite(sp.erf)))
    if diff == 0:
        return Decision(TRUE, "{0} − ({1}) simplifies to 0 for all real x.", (lhs, rhs), "exact")
    try:
        F, G = compile_arb(lhs, x), compile_arb(rhs, x)
        with precision(bits_for(digits)):
            for t in SAMPLES:
                d = F(arb(q(t))) - G(arb(q(t)))
                if d > 0 or d < 0:
                    return Decision(FALSE, "at x = {0}: lhs − rhs = {1} ≠ 0.", (t, Number(None, d)))
    except SymbolicTimeout:
        raise
    except (UnsupportedError, GeluMathError):
        pass
    return Decision(UNDECIDED, "no exact proof that {0} = {1}, and no sample point separates them.", (lhs, rhs))


@functools.lru_cache(maxsize=64)
def _certified_envelope(spec, digits: int):
    """The certified envelope of an :class:`~gelu_math.envelope.EnvelopeSpec` (memoised per spec)."""
    from ..envelope import envelope

    return envelope(spec, digits=digits)


def _envelope(spec: dict, digits: int) -> Decision:
    from ..envelope import EnvelopeSpec

    env = _certified_envelope(EnvelopeSpec(spec["approximation"], spec["reference"], spec["metric"],
                                           spec["derivative"], spec["target"], domain=spec["domain"]), digits)
    label = "sup |" + ("relative " if spec["metric"] == "rel" else "") + "error" \
        + (" of f(x)/x (CDF target)" if spec["target"] == "cdf" else "") + "|"
    if env.unbounded or env.sup is None:
        return Decision(FALSE, label + " is unbounded: {0}.", (sp.Symbol(env.reason or "unbounded"),))
    method = env.method.replace("{", "(").replace("}", ")")
    if not env.certified:
        return Decision(UNDECIDED, label + " ≈ {0} is not certified (" + method + ").", (env.sup,))
    if "below" in spec:
        c = order(env.sup, num(spec["below"], digits))
        verdict = UNDECIDED if c is None else TRUE if c < 0 else FALSE
        return Decision(verdict, label + " = {0} (certified: " + method + "); the claim: below {1}.",
                        (env.sup, spec["below"]))
    return value_decision(label, env.sup, spec["compare"], digits)


def _relax(spec: dict, digits: int) -> Decision:
    """Each claimed line is decided by :func:`gelu_math.relax.check_line` — the certified minimum over
    [L, U] of its signed gap (f − line for a lower line, line − f for an upper one), by branch and bound
    in Arb on the exact definition; a crossing comes with a point where the gap is certainly negative.
    With ``gap``, each line's largest gap (certified enclosure) is compared with the claimed bound."""
    from ..relax import check_line
    from ..relax.curve import curve, fq

    inst, (lo, hi), bound = spec["instance"], spec["on"], spec["gap"]
    parts, math = [], [sp.Interval(lo, hi)]
    verdicts = []
    for side, (a, b, _) in spec["lines"].items():
        s = -1 if side == "lower" else 1
        c = check_line(inst, lo, hi, a, b, s, digits=digits)
        k = len(math)
        neg = sp.sympify(b).is_negative  # "a·x − |b|", not "a·x + (−b)"
        line = "%s line {%d}·x %s {%d}" % (side, k, "−" if neg else "+", k + 1)
        math += [a, -b if neg else b]
        if c.sound is False:
            w = c.witness
            with precision(bits_for(digits) + 40):
                g = s * (arb(fq(a)) * arb(fq(w)) + arb(fq(b)) - curve(inst).value(fq(w)))
            parts.append(line + " crosses f: at x = {%d} the gap %s = {%d} < 0"
                         % (k + 2, "f − line" if s < 0 else "line − f", k + 3))
            math += [w, Number(None, g)]
            verdicts.append(FALSE)
            continue
        gap = "f − line" if s < 0 else "line − f"
        if c.sound is None:
            parts.append(line + ": min over {0} of " + gap + " = {%d} straddles 0 at this precision" % (k + 2))
            math.append(c.gap_min)
            verdicts.append(UNDECIDED)
            continue
        text = line + ": min over {0} of " + gap + " = {%d} ≥ 0 (sound), largest gap {%d}" % (k + 2, k + 3)
        math += [c.gap_min, c.gap_max]
        verdict = TRUE
        if bound is not None:
            g = c.gap_max
            if g.exact is None and g.ball.rad() == 0:  # a ball of radius 0 is the exact value
                m, e = g.ball.mid().man_exp()
                g = Number(sp.Integer(int(m)) * sp.Integer(2) ** int(e), g.ball)
            o = order(g, num(bound, digits))
            verdict = UNDECIDED if o is None else TRUE if o <= 0 else FALSE
            text += {TRUE: " ≤ {%d}", FALSE: " > {%d}", UNDECIDED: " (straddles {%d})"}[verdict] % len(math)
            math.append(bound)
        parts.append(text)
        verdicts.append(verdict)
    verdict = FALSE if FALSE in verdicts else UNDECIDED if UNDECIDED in verdicts else TRUE
    return Decision(verdict, "; ".join(parts) + " (certified branch and bound in Arb).", tuple(math))


_KINDS = {"property": _property, "value": _value, "zero_set": _zero_set, "coefficient": _coefficient,
          "constant": _constant, "identity": _identity, "envelope": _envelope,
          "relax": _relax}


def _braces(text: str) -> str:
    return text.replace("{", "(").replace("}", ")")  # the evidence's {i} are placeholders


def check_claim(claim: Claim, digits: int = DIGITS) -> Verdict:
    """The verdict on one validated claim; a fact that cannot be certified gives 'undecided'."""
    from ..envelope.sup import UnprovedTail

    try:
        d = _KINDS[claim.kind](claim.spec, digits)
    except UnprovedTail as exc:  # the envelope command's remedy is --domain; a claim's is its domain key
        d = Decision(UNDECIDED, "could not certify: " + _braces(exc.reason) + "; give the claim a bounded "
                     "domain = [L, U]", method="not certified")
    except (CertificationError, UnsupportedError) as exc:  # a SymbolicTimeout is an error, not a verdict
        d = Decision(UNDECIDED, "could not certify: " + _braces(str(exc)), method="not certified")
    return Verdict(claim, d.verdict, d.step(), d.method)


def check_claims(claims: list[Claim], digits: int = DIGITS) -> list[Verdict]:
    check_property_paths(claims)
    return [check_claim(c, digits) for c in claims]
