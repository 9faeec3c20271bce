"""Layer 4: analyse one activation — every property as a Fact.

:func:`analyze` runs the symbolic layer (pieces, derivatives, limits, series,
parity, smoothness) and the certified layer (zeros, profiles, ranges) and
collects the results in an :class:`Analysis`.  A part that cannot be derived
rigorously is recorded in ``Analysis.failures`` with the reason — never filled
with an unvouched number.
"""

from __future__ import annotations

import collections
import dataclasses

from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from .analysis import calculus
from .analysis.calculus import one_sided
from .analysis.pieces import Pieces, decompose
from .analysis.series import parity, taylor
from .analysis.smoothness import Smoothness, smoothness
from .certified.balls import DEFAULT_DIGITS, check_digits
from .certified.limits import checked_limit
from .certified.numbers import abs_number, compare, exact_number, hull_extreme, value_at_root
from .certified.profile import Profile, Segment, kinks, profile
from .definitions.registry import Instance, resolve
from .definitions.symbols import x
from .errors import CertificationError, PrecisionError, UnsupportedError
from .facts import Fact, Method, Number, Step, weakest
from .properties import Column, Property, register, registered
from .values import Constants, Derivatives, Extremes, Phrase, Points, Segments, Sides
from .timebox import task_limit
from .references import LEE

MIN_ORDER, MAX_ORDER, DEFAULT_ORDER = 1, 12, 4
_f = sp.Function("f")  # the function under analysis, in statements: f(0), lim f(x)


def check_order(order: int) -> int:
    if isinstance(order, bool) or not isinstance(order, int):
        raise PrecisionError(f"order must be an integer, got {order!r}")
    if not MIN_ORDER <= order <= MAX_ORDER:
        raise PrecisionError(f"order must be between {MIN_ORDER} and {MAX_ORDER}, got {order}")
    return order


@dataclass(frozen=True)
class Interval:
    """[lo, hi] (Numbers, ±∞ allowed) with a label (direction or shape)."""

    lo: Number
    hi: Number
    label: str


@dataclass
class Analysis:
    """Every derived property of one activation instance, as Facts keyed by name."""

    instance: Instance
    digits: int
    order: int
    pieces: Pieces
    derivatives: list[Pieces]  # derivatives[k] is the k-th derivative (derivatives[0] = f)
    facts: dict[str, Fact] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Fact:
        if key in self.facts:
            return self.facts[key]
        if key in self.failures:
            raise CertificationError(f"{key}: {self.failures[key]}")
        raise KeyError(key)

    def _repr_latex_(self) -> str:  # Jupyter; the one upward import, kept lazy (see README)
        from .render.latex import analysis_latex

        return analysis_latex(self)


def _maybe_number(value: sp.Expr, digits: int) -> Number:
    """A Number; with symbolic parameters in ``value`` the exact form alone (no ball)."""
    if value.free_symbols:
        return Number(value, None)
    return exact_number(value, digits)


def _method_of(*numbers: Number) -> Method:
    return weakest(*(Method.EXACT if n.exact is not None else Method.CERTIFIED for n in numbers))


class _Builder:
    def __init__(self, inst: Instance, digits: int, order: int):
        self.inst, self.digits, self.order = inst, digits, order
        self.pieces = decompose(inst.expr)
        self.a = Analysis(inst, digits, order, self.pieces, [self.pieces])
        self._profiles: dict[int, Profile] = {}

    # the analysis context of gelu_math.properties: what a property's compute() may read
    instance = property(lambda self: self.inst)
    facts = property(lambda self: self.a.facts)
    failures = property(lambda self: self.a.failures)
    derivatives = property(lambda self: self.a.derivatives)

    def deriv(self, k: int) -> Pieces:
        while len(self.a.derivatives) <= k:
            self.a.derivatives.append(calculus.derivative(self.a.derivatives[-1], 1))
        return self.a.derivatives[k]

    def profile(self, k: int) -> Profile:
        """Profile of the k-th derivative (k = 0: f itself)."""
        if k not in self._profiles:
            self._profiles[k] = profile(self.deriv(k), self.deriv(k + 1), self.deriv(k + 2), self.digits)
        return self._profiles[k]

    def run(self, key: str, fn: Callable[[], Fact | None]):
        try:
            fact = fn()
        except (CertificationError, UnsupportedError) as exc:
            self.a.failures[key] = str(exc)
            return
        if fact is not None:
            self.a.facts[key] = fact


def analyze(name_or_instance: str | Instance, params: dict | None = None, *, digits: int = DEFAULT_DIGITS,
            order: int = DEFAULT_ORDER, parts: tuple[str, ...] | None = None, extended: bool = False) -> Analysis:
    """Derive every registered property of an activation (see the README for the list); the costly
    ones (``Property.extended``: Gaussian moments, example relaxations) with ``extended=True`` or by
    name in ``parts``.

    >>> a = analyze("gelu", digits=20)
    >>> x_min = a["stationary_points"].value[0]["x"].ball   # a ball containing -0.75179152469356...
    >>> x_min.mid().str(15, radius=False), float(x_min.rad()) < 1e-20
    ('-0.751791524693564', True)
    """
    check_digits(digits)
    check_order(order)
    inst = resolve(name_or_instance, params)
    key = (inst.name, inst.params, inst.expr, digits, order, None if parts is None else tuple(parts), extended)
    # a hit must be of this very activation: a user function defined again under its name (even with the same
    # expression) is another object, and an Analysis of the old one could not be sent to a worker by name
    if key in _CACHE and _CACHE[key].instance.activation is inst.activation:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    with task_limit(f"the analysis of {inst.name}"), calculus.without_units_import():
        a = _analyze(inst, digits, order, parts, extended)
    _CACHE[key] = a
    if len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return a


# Analyses are deterministic, so one process (a report, a test session, a claims file) derives
# each (function, parameters, digits, order) once.  Treat a returned Analysis as read-only.
CACHE_SIZE = 128
_CACHE: "collections.OrderedDict" = collections.OrderedDict()


def _analyze(inst: Instance, digits: int, order: int, parts, extended: bool) -> Analysis:
    b = _Builder(inst, digits, order)
    for prop in registered():
        key = prop.key
        if parts is not None and key not in parts:
            continue
        if prop.extended and not extended and parts is None:  # costly ones only when asked for
            continue
        if not prop.applies_to(inst):
            continue
        if not inst.is_numeric and not prop.symbolic:
            b.a.failures[key] = "needs numeric parameter values (symbolic parameters give the symbolic facts only)"
            continue
        lost = [d for d in prop.depends if d in b.a.failures]
        if lost:  # a derived property never rests on a fact that is not certified
            b.a.failures[key] = f"rests on {', '.join(f'`{k}`' for k in lost)}, which " + \
                ("is" if len(lost) == 1 else "are") + " not certified"  # keys as code (the JSON keys)
            continue
        b.run(key, lambda prop=prop: prop.compute(b))
    return b.a


# --- the individual facts --------------------------------------------------------------------

def _value_at_0(b: _Builder) -> Fact:
    v = sp.simplify(b.pieces.at(sp.Integer(0)))
    n = exact_number(v, b.digits)
    return Fact("value_at_0", "{0} = {1}", n, Method.EXACT,
                (Step("Substitute x = 0 into the defining expression.", (b.inst.expr,)),), (_f(0), n))


def _derivatives(b: _Builder) -> Fact:
    ds = Derivatives((k, calculus.as_piecewise(b.deriv(k))) for k in range(1, b.order + 1))
    steps = [Step("Differentiate each analytic piece separately (never the piecewise definition as a whole) and simplify."
                  if b.pieces.breakpoints else "Differentiate the definition and simplify.")]
    if b.pieces.breakpoints:
        steps.append(Step("At the breakpoints {0} the derivative is left undefined by the strict conditions; "
                          "its one-sided values are part of the smoothness fact.", (sp.FiniteSet(*b.pieces.breakpoints),)))
    return Fact("derivatives", "The derivatives of orders 1 to {0}:", ds, Method.EXACT, tuple(steps),
                (sp.Integer(b.order),))


def _limits(b: _Builder) -> Fact:
    ends = {-1: b.pieces.pieces[0].expr, 1: b.pieces.pieces[-1].expr}
    lims = Sides((side, _maybe_number(checked_limit(e, sp.oo * side), b.digits)) for side, e in ends.items())
    return Fact("limits", "{0} = {1} and {2} = {3}", lims, Method.EXACT,
                (Step("SymPy's symbolic limit (Gruntz algorithm) of the unbounded piece at each end, {0} and {1}; "
                      "as a guard against SymPy errors each is compared with ball evaluation at |x| = 16, 64, 256, …, 2⁶⁴, "
                      "and a contradicted limit is refused.",
                      (b.pieces.pieces[0].expr, b.pieces.pieces[-1].expr)),),
                (sp.Limit(_f(x), x, -sp.oo), lims[-1], sp.Limit(_f(x), x, sp.oo), lims[1]))


def _asymptotes(b: _Builder) -> Fact:
    asy = Sides((side, calculus.asymptote(b.pieces, side, checked_limit)) for side in (-1, 1))
    return Fact("asymptotes", "asymptotes at ±inf", asy, Method.EXACT,
                (Step("Horizontal when lim f is finite; otherwise slope m = lim f/x and intercept "
                      "c = lim (f − m x), both finite for an oblique asymptote."),))


def _differs(a: sp.Expr, c: sp.Expr, digits: int) -> bool:
    """Whether the exact values a and c are certified different (separated balls)."""
    try:
        return compare(exact_number(a, digits), exact_number(c, digits)) != 0
    except CertificationError:
        return False


def _certify_differ(a: sp.Expr, c: sp.Expr, digits: int, what: str) -> None:
    if not _differs(a, c, digits):
        raise CertificationError(f"cannot certify that {what}: {a} and {c} are neither proved equal nor separated")


def _smoothness(b: _Builder) -> Fact:
    s: Smoothness = smoothness(b.pieces)
    values = dict(b.pieces.point_values)
    for bp in s.breakpoints:  # symbolic "not shown equal" is a proposal; a jump needs a certificate
        if bp.order is not None:
            _certify_differ(bp.left, bp.right, b.digits, f"the derivative of order {bp.order} jumps at x = {bp.x}")
        if not bp.continuous and bp.order != 0 and bp.x in values:
            i = b.pieces.breakpoints.index(bp.x)
            sides = (one_sided(b.pieces.pieces[i], bp.x), one_sided(b.pieces.pieces[i + 1], bp.x))
            if not any(_differs(side, values[bp.x], b.digits) for side in sides):
                raise CertificationError(f"cannot certify the discontinuity of f at x = {bp.x}")
    steps = []
    for bp in s.breakpoints:
        if bp.removable:
            steps.append(Step("At x = {0} the definition gives f the value {1}, while its one-sided limits are both "
                              "{2}: f is not continuous there (a removable discontinuity).",
                              (bp.x, bp.value, bp.limits[0])))
        if bp.order is None:
            steps.append(Step("At x = {0} the one-sided derivatives agree up to the highest order checked.", (bp.x,)))
        else:
            steps.append(Step("At x = {0}: the one-sided derivatives of order {1} are {2} (left) and {3} (right), "
                              "computed from each adjacent piece; all lower orders agree.",
                              (bp.x, sp.Integer(bp.order), bp.left, bp.right)))
    if not s.breakpoints:
        e = b.pieces.pieces[0].expr
        powers = [p for p in e.atoms(sp.Pow) if p.base.has(x)]  # of x: √2 and 1/π are constants
        singular = [name for name, present in (
            ("every denominator", any(p.exp.is_negative for p in powers)),
            ("every argument of a logarithm", any(g.has(x) for g in e.atoms(sp.log))),
            ("every radicand", any(not p.exp.is_integer for p in powers))) if present]
        steps.append(Step("One analytic expression on ℝ: "
                          + (" and ".join(singular) + (" has" if len(singular) == 1 else " have") + " constant sign"
                             if singular else "no division, logarithm or root")
                          + ", so f is {0}" + (" and real-analytic." if s.analytic else "."),
                          (sp.Pow(sp.Symbol("C"), sp.oo, evaluate=False),)))
        if s.entire:
            names = sorted({type(g).__name__ for g in e.atoms(sp.Function)})
            steps.append(Step("It is built from entire functions (" + ", ".join(["polynomials", *names]) + ") by "
                              "sums, products and composition, so it extends to an entire function on ℂ."))
    return Fact("smoothness", "smoothness class", s, Method.EXACT, tuple(steps))


def _stationary(b: _Builder) -> Fact:
    p = b.profile(0)
    items = []
    for seg in p.segments:
        if seg.sign == 0:
            lo = Number.inf(-1) if seg.lo is None else seg.lo.number(b.digits)
            hi = Number.inf(1) if seg.hi is None else seg.hi.number(b.digits)
            items.append({"interval": (lo, hi), "kind": "constant",
                          "value": exact_number(b.pieces.pieces[seg.piece_index].expr, b.digits)})
    for c in p.criticals:
        items.append({"x": c.location, "value": c.value, "kind": c.kind})
    items.sort(key=lambda d: float(d["x"].ball.mid()) if "x" in d else
               (float(d["interval"][0].ball.mid()) if d["interval"][0].is_finite else -1e300))
    items = Points(items)
    numbers = [d["x"] for d in items if "x" in d]
    method = _method_of(*numbers) if numbers else Method.EXACT
    signs = ", ".join("+" if s.sign > 0 else "−" if s.sign < 0 else "0" for s in p.segments)
    steps = list(p.steps) + [Step(
        ("Sign of f′ on the segments between consecutive zeros of f′ and breakpoints (certified ball at an interior "
         "point): " if b.pieces.breakpoints else "Sign of f′ between consecutive zeros (certified ball at an interior "
         "point): ") + signs + "; at a zero of f′, a change − to + is a minimum, + to − a maximum"
        + (" (a sign change at a breakpoint, where f′ does not exist, is an extremum of f that is no stationary point "
           "and is not listed here)." if b.pieces.breakpoints else "."))]
    return Fact("stationary_points", "all zeros of f′ on ℝ", items, method, tuple(steps))


def _range(b: _Builder) -> Fact:
    p = b.profile(0)
    value = Extremes(inf=p.inf, sup=p.sup)
    steps = (Step("f is monotone on each segment between consecutive zeros of f′ and breakpoints, so its "
                  "infimum and supremum are among: values at critical points, constant pieces, breakpoints "
                  "(and one-sided limits there), and the limits at ±∞; these are compared in certified balls "
                  "(exactly where both are exact)."),)
    return Fact("range", "inf f = {0}, sup f = {1}", value, _method_of(p.inf.value, p.sup.value), steps)


def _merge(segments: list[Segment], digits: int, kinks: dict | None = None) -> list[Interval]:
    """Merge consecutive segments with compatible labels into closed intervals covering ℝ."""
    out: list[tuple] = []
    for seg in segments:
        lo = seg.lo
        label = {1: "+", -1: "-", 0: "0"}[seg.sign]
        if out:
            prev_lo, prev_label, _ = out[-1]
            kink = (kinks or {}).get(id(seg.lo)) if seg.lo is not None else None
            merged = _combine(prev_label, label, kink)
            if merged is not None:
                out[-1] = (prev_lo, merged, seg.hi)
                continue
        out.append((lo, label, seg.hi))
    return [Interval(Number.inf(-1) if lo is None else lo.number(digits),
                     Number.inf(1) if hi is None else hi.number(digits), label) for lo, label, hi in out]


def _combine(a: str, b: str, kink: str | None) -> str | None:
    """Labels '+', '-', '0' (and kinks '+'/'-'): one strict direction at most, '0' joins anything."""
    strict = {s for s in (a, b, kink) if s in ("+", "-")}
    if len(strict) > 1:
        return None
    if kink is None and a == "0" and b == "0":
        return "0"
    if not strict:
        return "0"
    if a == "0" and b == "0":
        return kink  # two linear pieces meeting at a convex (concave) kink: convex (concave) on the union
    if a == "0" or b == "0":
        return None if a != b else a  # keep constant pieces separate from strict ones
    return strict.pop()


_DIRECTION = {"+": "increasing", "-": "decreasing", "0": "constant"}
_SHAPE = {"+": "convex", "-": "concave", "0": "linear"}


def _require_continuous(b: _Builder, what: str) -> None:
    """Merging segments across breakpoints, and parity parts built from the open pieces, hold for
    continuous f only: at a discontinuity (x + sign(x), sign(x)²) refuse rather than state them."""
    sm = smoothness(b.pieces)
    if sm.k == -1:
        where = ", ".join(str(bp.x) for bp in sm.breakpoints if not bp.continuous or bp.order == 0)
        raise CertificationError(f"f is discontinuous at x = {where}: {what} are stated for continuous functions only")


def _monotonicity(b: _Builder) -> Fact:
    _require_continuous(b, "monotone intervals")
    p = b.profile(0)
    ivs = Segments((Interval(i.lo, i.hi, _DIRECTION[i.label]) for i in _merge(p.segments, b.digits)), "direction")
    return Fact("monotonicity", "monotone intervals covering ℝ", ivs, Method.CERTIFIED,
                (Step("The sign of f′ on each segment between consecutive zeros of f′ and breakpoints is constant "
                      "(no zero inside) and is read off a certified ball at one interior point; neighbouring "
                      "segments of the same sign merge (f is continuous)."),))


def _kinks(b: _Builder, p: Profile) -> dict:
    """Breakpoints where f′ jumps: '+' (jump up: convex kink) or '-' (concave kink), keyed by Point id."""
    kind = kinks(b.pieces)
    return {id(seg.lo): kind[seg.lo.at] for seg in p.segments
            if seg.lo is not None and seg.lo.is_break and seg.lo.at in kind}


def _convexity(b: _Builder) -> Fact:
    _require_continuous(b, "convexity intervals")
    p = b.profile(1)
    merged = _merge(p.segments, b.digits, _kinks(b, p))
    kind = kinks(b.pieces)
    ivs = Segments((Interval(i.lo, i.hi, _SHAPE[i.label]) for i in merged), "shape",
                   tuple((x_, _SHAPE[k]) for x_, k in kind.items()))  # in the breakpoints' order
    steps = [Step("The sign of f″ between consecutive zeros of f″ and breakpoints is read off a certified "
                  "ball; at a breakpoint where f′ jumps up (down) the kink is convex (concave); segments of one "
                  "strict shape merge, and a linear stretch is listed on its own.")]
    # the kinks themselves: the table alone reads "convex, linear" for SELU as for ELU, yet SELU's f′ jumps down
    for bp in smoothness(b.pieces).breakpoints:
        if bp.x in kind:
            steps.append(Step(f"At x = {{0}} f′ jumps from {{1}} (left) to {{2}} (right): a {_SHAPE[kind[bp.x]]} "
                              "kink.", (bp.x, bp.left, bp.right)))
    # f′ non-decreasing on ℝ (f″ >= 0 on every interval, no downward jump of f′) is convexity on all of ℝ
    for sign, word in (("+", "convex"), ("-", "concave")):
        labels = {i.label for i in merged} | set(kind.values())
        if len(merged) > 1 and sign in labels and labels <= {sign, "0"}:
            steps.append(Step(f"f″ {'≥' if sign == '+' else '≤'} 0 on every interval and f′ "
                              f"{'never jumps down' if sign == '+' else 'never jumps up'} at a breakpoint, so f′ is "
                              f"{'non-decreasing' if sign == '+' else 'non-increasing'} and f is {word} on all of ℝ."))
    return Fact("convexity", "convexity intervals covering ℝ", ivs, Method.CERTIFIED, tuple(steps))


def _inflection(b: _Builder) -> Fact:
    p = b.profile(1)
    pts = []
    for c in p.criticals:
        if c.kind in ("minimum", "maximum"):
            piece = next(i for i, pz in enumerate(p.zeros) if any(r is c.root for r in pz.roots))
            pts.append({"x": c.location, "value": value_at_root(b.pieces.pieces[piece].expr, c.root, b.digits)})
    # breakpoints where f′ is continuous and f″ has strictly opposite signs on the two sides
    sm = smoothness(b.pieces)
    for i, seg in enumerate(p.segments[:-1]):
        nxt = p.segments[i + 1]
        if seg.hi is not None and seg.hi.is_break and seg.sign * nxt.sign < 0:
            bp = next((x_ for x_ in sm.breakpoints if x_.x == seg.hi.at), None)
            if bp is not None and (bp.order is None or bp.order >= 2):
                pts.append({"x": exact_number(bp.x, b.digits), "value": exact_number(b.pieces.at(bp.x), b.digits)})
    pts = Points(sorted(pts, key=lambda d: float(d["x"].ball.mid())))
    method = _method_of(*(d["x"] for d in pts)) if pts else Method.EXACT
    return Fact("inflection_points", "points where f″ changes sign", pts, method,
                tuple(p.steps) + (Step("An inflection point is a zero of f″ where its sign changes (an extremum of "
                                       "f′), or a breakpoint with f′ continuous and f″ of opposite signs around it."),))


def _sup_abs(p: Profile) -> tuple[Number, bool, tuple]:
    lo, hi = abs_number(p.inf.value), abs_number(p.sup.value)
    try:
        c = compare(lo, hi)
    except CertificationError:
        # |inf| and |sup| agree to the working precision (e.g. an odd f″): the maximum of two
        # values lies in Arb's max of their balls, which is as tight as either
        if p.inf.attained != p.sup.attained:
            raise CertificationError("cannot decide whether sup|f′| is attained (|inf| and |sup| agree to "
                                     "working precision)") from None
        return hull_extreme(lo, hi, 1), p.inf.attained, p.inf.where + p.sup.where
    if c > 0:
        return lo, p.inf.attained, p.inf.where
    if c < 0:
        return hi, p.sup.attained, p.sup.where
    return hi, p.inf.attained or p.sup.attained, p.inf.where + p.sup.where


def _lipschitz(b: _Builder) -> Fact:
    sm = smoothness(b.pieces)
    out, steps = Constants(), []
    for key, k, name in (("f", 1, "f′"), ("fprime", 2, "f″")):
        if sm.k == -1:  # f jumps: neither f nor f′ (undefined at the jump, its one-sided limits apart) is Lipschitz
            bp = next(bp for bp in sm.breakpoints if not bp.continuous)
            out[key] = {"value": Number.inf(1), "attained": False,
                        "reason": "f is discontinuous" if key == "f" else "f′ is discontinuous", "at": bp.x}
            steps.append(Step("f jumps at x = {0} (from {1} to {2}), so f has no Lipschitz constant." if key == "f" else
                              "f′ does not exist at the jump x = {0}, and no constant bounds |f′(x) − f′(y)|/|x − y| "
                              "for x, y on either side of it, so f′ has no Lipschitz constant.",
                              (bp.x, bp.left, bp.right) if key == "f" else (bp.x,)))
            continue
        if k == 2 and sm.k == 0:
            bp = next(bp for bp in sm.breakpoints if bp.order == 1)
            out[key] = {"value": Number.inf(1), "attained": False, "reason": "f′ jumps", "at": bp.x}
            steps.append(Step("f′ jumps at x = {0} (from {1} to {2}), so f′ has no Lipschitz constant.",
                              (bp.x, bp.left, bp.right)))
            continue
        value, attained, where = _sup_abs(b.profile(k))
        out[key] = {"value": value, "attained": attained, "where": where}
        steps.append(Step("sup|" + name + "| is the larger of |inf " + name + "| and |sup " + name + "|, from the "
                          "certified profile of " + name + " (its critical points are the zeros of the next "
                          "derivative, found on ℝ with tail proofs)."))
    method = weakest(*(Method.EXACT if v["value"].exact is not None or v["value"].infinite else Method.CERTIFIED
                       for v in out.values()))
    return Fact("lipschitz", "sup|f′| and sup|f″|", out, method, tuple(steps))


def _taylor(b: _Builder) -> Fact:
    t = taylor(b.pieces, b.order)
    steps = [Step("SymPy series of the piece containing 0, to order {0}." if t.polynomial is not None else
                  "0 is a breakpoint: SymPy series of each adjacent piece, to order {0}.", (sp.Integer(b.order),))]
    if t.general_term is not None:
        steps.append(Step("SymPy's formal power series gives the general term {0} (summed over n ≥ 0, plus {1}); "
                          "its first terms are checked against the series.", (t.general_term, t.extra)))
    return Fact("taylor", "Taylor series at 0", t, Method.EXACT, tuple(steps))


PARITY_PROBES = tuple(sp.Rational(p, q) for p, q in ((1, 3), (1, 1), (7, 3), (5, 1), (1, 7), (13, 2)))


def _parity(b: _Builder) -> Fact:
    _require_continuous(b, "the even and odd parts (from the open pieces)")
    par = parity(b.pieces)
    # "even"/"odd" rest on a part proved 0; a part not shown 0 must be certified nonzero somewhere
    extra = ()
    for part, name in ((par.odd, "odd"), (par.even, "even")):
        if part == 0:
            continue
        if part.free_symbols - {x}:  # symbolic parameters: the decomposition stands, the kind does not
            par = dataclasses.replace(par, decided=False)
            extra = (Step("With symbolic parameters neither part is proved 0, and no ball can show that one is not "
                          "identically 0: the kind (even/odd/neither) is undecided."),)
            break
        probes = [t for t in PARITY_PROBES if t not in b.pieces.breakpoints and -t not in b.pieces.breakpoints]
        if not any(_differs(part.subs(x, t), sp.Integer(0), b.digits) for t in probes):
            raise CertificationError(f"cannot certify that the {name} part {part} is not identically 0")
    return Fact("parity", "f(x) = E(x) + O(x)", par, Method.EXACT,
                (Step("Even part (f(x) + f(−x))/2 = {0}; odd part (f(x) − f(−x))/2 = {1}; so f(x) − f(−x) = {2}.",
                      (par.even, par.odd, par.difference)),) + extra)


# --- the registry: the engine's properties in presentation order (text, JSON) --------------------

# comparison-matrix cells (values the matrix prints by type; see properties.Column)


def _range_cell(fact, facts):
    r = fact.value
    return Phrase(("[" if r["inf"].attained else "(") + "{0}, {1}" + ("]" if r["sup"].attained else ")"),
                  (r["inf"].value, r["sup"].value))


def _minimum_cell(fact, facts):
    inf = fact.value["inf"]
    return inf.value if inf.attained else "none (inf not attained)"


def _behaviour_cell(side: int):
    def cell(fact, facts):
        asy = facts["asymptotes"].value.get(side) if "asymptotes" in facts else None
        if asy is not None and asy.kind == "oblique":
            return Phrase("{0}; asymptote {1}", (fact.value[side], sp.Eq(sp.Symbol("y"), asy.slope * x + asy.intercept)))
        return fact.value[side]
    return cell


for _p in (
    Property("value_at_0", "Value at 0", "Value and slope at 0", _value_at_0, columns=(Column.at("f(0)", "", 1),)),
    Property("derivatives", "Derivatives", "Derivatives", _derivatives, symbolic=True),
    Property("limits", "Limits at ±∞", "Behaviour at ±∞", _limits, symbolic=True,
             columns=(Column("x → −∞", _behaviour_cell(-1), 13), Column("x → +∞", _behaviour_cell(1), 14))),
    Property("asymptotes", "Asymptotes", "Behaviour at ±∞", _asymptotes, order=1),
    Property("range", "Range", "Range and extrema", _range,
             columns=(Column("range", _range_cell, 3), Column("minimum", _minimum_cell, 8))),
    Property("stationary_points", "Stationary points", "Range and extrema", _stationary, references=(LEE,), order=2,
             phrases={"count": "f′ = 0 on ℝ exactly at these {n} places (points, or intervals where f is constant):",
                      "count_one": "f′ = 0 on ℝ exactly at:",
                      "none": "f′ has no zero on ℝ.", "text_none": "none (f′ has no zero on ℝ)"},
             columns=(Column.at("stationary points", "", 7),)),
    Property("inflection_points", "Inflection points", "Convexity and inflection points", _inflection, order=1,
             phrases={"count": "{n} inflection points on ℝ, and no others:", "count_one": "Exactly one inflection "
                      "point on ℝ:", "none": "No inflection point on ℝ.",
                      "text_none": "none"},
             columns=(Column("inflection points", lambda fact, facts: sp.Integer(len(fact.value)), 9),)),
    Property("monotonicity", "Monotonicity", "Monotonicity", _monotonicity),
    Property("convexity", "Convexity", "Convexity and inflection points", _convexity),
    Property("smoothness", "Smoothness", "Smoothness", _smoothness, references=(LEE,),
             columns=(Column.at("smoothness", "", 10),)),
    Property("lipschitz", "Lipschitz constants", "Lipschitz constants", _lipschitz, references=(LEE,),
             columns=(Column.at("Lipschitz const. of f", "f.value", 11),
                      Column.at("Lipschitz const. of f′", "fprime.value", 12))),
    Property("taylor", "Taylor series at 0", "Taylor series", _taylor, symbolic=True),
    Property("parity", "Parity", "Parity", _parity, symbolic=True,
             columns=(Column("parity", lambda fact, facts: fact.value.kind, 15),)),
):
    register(_p)

from . import extras  # noqa: E402,F401  (registers the derived properties: slope at 0, boundedness, …)
# the extended properties (each imports its engine — gauss/, relax/ — only when derived)
from .extras import gaussian as _gaussian, network as _network  # noqa: E402,F401
from .extras import relaxations as _relaxations  # noqa: E402,F401
