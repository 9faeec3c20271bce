"""Numbers to strings: exact SymPy forms and decimal balls that contain the true value.

Also the one rule every back end uses to put a value into a prose template's ``{i}`` slot
(:func:`slots`, :func:`needs_group`): a value that sits next to an operator written in the
template (``"{0} − {1}"``, ``"{1}/{2}"``, ``"σ · {0}"``) is parenthesised by precedence, so the
printed formula means what the SymPy objects mean (``1 − erfc(z)/2 − (erf(z)/2 + 1/2)``).
A SymPy value is wrapped in :class:`Grouped`, which SymPy's str, LaTeX and MathML printers
print inside parentheses.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal, localcontext

import sympy as sp

from ..facts import Number


def decimal_ball(n: Number, digits: int) -> tuple[str, str]:
    """(mid, rad) decimal strings whose ball [mid − rad, mid + rad] contains the Number's ball.

    Arb's ``mid_rad_10exp`` rounds outward, so containment survives the conversion.
    """
    mid, rad, exp = n.ball.mid_rad_10exp(digits + 4)
    e = int(exp)
    return _dec(int(mid), e), _dec(int(rad), e)


def supported_ball(n: Number, digits: int) -> tuple[str, str]:
    """:func:`decimal_ball` with the midpoint cut one digit below the radius's leading digit (the
    radius grows by the cut, so the ball still contains the value): a ball wider than requested — a
    fitted coefficient certified to 13 digits in a 20-digit report — shows only the digits it
    supports, never a 20-digit midpoint beside a radius of 10⁻¹³.  Balls that meet the request are
    unchanged (their midpoints stop there already)."""
    mid, rad = decimal_ball(n, digits)
    if rad == "0":
        return mid, rad
    if _huge(mid) or _huge(rad):  # exponents past Python's decimal module: integer arithmetic
        return _supported_huge(n, digits)
    m, r = Decimal(mid), Decimal(rad)
    quantum = Decimal(1).scaleb(r.adjusted() - 1)
    if m.as_tuple().exponent >= quantum.as_tuple().exponent:
        return mid, rad
    with localcontext() as c:  # exact: enough digits for every operand (the default 28 would round the radius)
        c.prec = len(m.as_tuple().digits) + len(r.as_tuple().digits) + abs(m.adjusted() - r.adjusted()) + 10
        cut = m.quantize(quantum)  # half-even; the difference joins the radius
        grown = r + abs(m - cut)
    if cut == 0:  # the digits left are all 0: "0", not "0E-45"
        return "0", _dec_str(grown)
    return (str(cut) if "E" in mid else _dec_str(cut)), _dec_str(grown)  # scientific stays scientific


def _dec_str(d: Decimal) -> str:
    sign, digits_, exp = d.as_tuple()
    return _dec((-1 if sign else 1) * int("".join(map(str, digits_)) or "0"), exp)


HUGE_EXPONENT = 10 ** 6  # decimal strings with larger exponents are built from integers


def _huge(text: str) -> bool:
    _, _, ex = text.upper().partition("E")
    return bool(ex) and abs(int(ex)) > HUGE_EXPONENT


def _scientific(m: int, e: int) -> str:
    """m·10^e in the decimal module's scientific notation ('-7.2E-2171472409516259138'), from integers."""
    if m == 0:
        return "0"
    s = str(abs(m))
    adjusted = e + len(s) - 1
    body = s[0] + ("." + s[1:] if len(s) > 1 else "")
    return f"{'-' if m < 0 else ''}{body}E{'+' if adjusted >= 0 else '-'}{abs(adjusted)}"


def _supported_huge(n: Number, digits: int) -> tuple[str, str]:
    """:func:`supported_ball` for exponents beyond the decimal module (E GELU(Z) at mean −10¹⁰ is about
    10^(−2.2·10¹⁹)): the midpoint cut to the digit below the radius's leading one, half-even, and the
    radius grown by the cut."""
    mid, rad, exp = n.ball.mid_rad_10exp(digits + 4)
    m, r, e = int(mid), int(rad), int(exp)
    k = len(str(r)) - 2
    if k <= 0:
        return _scientific(m, e), _scientific(r, e)
    q = 10 ** k
    d, rem = divmod(m, q)
    if 2 * rem > q or (2 * rem == q and d % 2 == 1):
        d += 1
    return _scientific(d, e + k), _scientific(r + abs(m - d * q), e)


def _dec(m: int, e: int) -> str:
    if m == 0:
        return "0"
    if abs(e) > HUGE_EXPONENT:
        return _scientific(m, e)
    d = Decimal(f"{m}E{e}")  # exact: no context rounding
    text = format(d, "f") if -40 <= e <= 0 and abs(d.adjusted()) < 40 else str(d)
    return text.rstrip("0").rstrip(".") if "." in text and "E" not in text else text


def exact_str(e: sp.Expr) -> str:
    """SymPy's str of an exact value; with the terms in stored order where the value holds exp(c) of a large
    constant (E ReLU6(Z) at mean −1000 has exp(−500000)): the printer's term ordering evaluates numerically,
    and through that cancellation mpmath's erf ran for minutes."""
    from ..analysis.calculus import has_large_exponential

    if has_large_exponential(e):
        return sp.sstr(e, order="none")
    return sp.sstr(e)


def number_json(n: Number, digits: int):
    """The schema's number object: {exact, mid, rad}, or "-inf"/"+inf"."""
    if n.infinite:
        return "+inf" if n.infinite > 0 else "-inf"
    if n.ball is None:  # symbolic (parameters kept as symbols): exact form only
        return {"exact": exact_str(n.exact), "mid": None, "rad": None}
    mid, rad = decimal_ball(n, digits)
    return {"exact": None if n.exact is None else exact_str(n.exact), "mid": mid, "rad": rad}


def terminating_decimal(q: sp.Expr) -> str | None:
    """The exact decimal of a rational whose denominator is 2^a 5^b, else None."""
    if not isinstance(q, sp.Rational):
        return None
    den = int(q.q)
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den != 1:
        return None
    if q.q == 1:
        return str(int(q.p))
    digits = 0
    while 10**digits % int(q.q):
        digits += 1
    s = str(abs(int(q.p)) * 10**digits // int(q.q)).rjust(digits + 1, "0")
    return f"{'-' if q < 0 else ''}{s[:-digits]}.{s[-digits:]}"


def number_text(n: Number, digits: int) -> str:
    """One-line human form: exact form and ball, e.g. 'sqrt(2) = 1.41421356… ± 1e-32'; a
    rational with a terminating decimal is written exactly ('8943/200000 = 0.044715')."""
    if n.infinite:
        return "+inf" if n.infinite > 0 else "-inf"
    if n.ball is None:
        return exact_str(n.exact)
    exact = terminating_decimal(n.exact)
    if exact is not None and len(exact) <= 60:
        return exact if exact_str(n.exact) == exact else f"{exact_str(n.exact)} = {exact}"
    mid, rad = supported_ball(n, digits)
    ball = mid if rad == "0" else f"[{mid} ± {short_upper(rad)}]"
    if n.exact is not None and exact_str(n.exact) != mid:
        return f"{exact_str(n.exact)} = {ball}"
    return ball


def short_upper(rad: str) -> str:
    """A radius with 2 significant digits, rounded up so the ball still contains the value."""
    if _huge(rad):  # two digits, rounded up, from the integers
        mant, _, ex = rad.upper().partition("E")
        digits_ = mant.replace("-", "").replace(".", "").lstrip("0")
        e = int(ex) + len(mant.replace("-", "").split(".")[0].lstrip("0")) - 1
        head = int(digits_[:2].ljust(2, "0")) + (1 if digits_[2:].strip("0") else 0)
        if head == 100:
            head, e = 10, e + 1
        return f"{head // 10}.{head % 10}e{'+' if e >= 0 else '-'}{abs(e)}"
    with localcontext() as c:
        c.prec, c.rounding = 2, ROUND_CEILING
        return f"{+Decimal(rad):.1e}"


# --- template slots -------------------------------------------------------------------------

_SLOT = re.compile(r"\{(\d+)\}")
_MINUS = "−-"
_PRODUCT = "·×*⋅"
_LEFT_OPS = _MINUS + "+" + _PRODUCT + "/^"  # an operator just before a slot ...
_RIGHT_OPS = _MINUS + "+" + _PRODUCT + "/^²³"  # ... or just after it


class Grouped(sp.Expr):
    """``expr`` printed inside parentheses by SymPy's str, LaTeX and MathML printers (a printing
    device for template slots; :func:`ungroup` removes it).  Substitution maps through it."""

    def __new__(cls, expr):
        return sp.Expr.__new__(cls, sp.sympify(expr))

    @property
    def expr(self):
        return self.args[0]

    def _sympystr(self, printer):
        return "(" + printer._print(self.args[0]) + ")"

    def _latex(self, printer):
        return r"\left(" + printer._print(self.args[0]) + r"\right)"

    def _mathml_presentation(self, printer):
        return printer._paren_comma_separated(self.args[0])


def ungroup(expr):
    """``expr`` without any :class:`Grouped` wrapper."""
    if isinstance(expr, sp.Basic) and expr.has(Grouped):
        return expr.replace(lambda e: isinstance(e, Grouped), lambda e: e.args[0])
    return expr


def _negative_first(e: sp.Basic) -> bool:
    """Whether ``e`` prints with a leading minus sign."""
    if isinstance(e, sp.Add):
        return False  # (handled as a sum)
    if e.is_Number:
        return bool(e.is_negative)
    return isinstance(e, sp.Expr) and e.could_extract_minus_sign()


def needs_group(value, left: str, right: str) -> bool:
    """Whether ``value`` (a SymPy object or a Number) must be parenthesised in a slot with the
    operator character ``left`` written just before it and ``right`` just after (``""``: none).

    Sums (and relations) inside a difference, product, quotient or power; a leading minus after
    any operator; products and fractions as divisor; anything compound as a base of a power."""
    if not left and not right:
        return False
    if isinstance(value, Number):
        if value.infinite:
            return bool(left)
        if value.ball is not None and (value.exact is None or not isinstance(value.exact, sp.Rational)):
            return True  # printed as a ball mid ± rad (and the exact form ∈ the ball)
        return needs_group(value.exact, left, right)
    if not isinstance(value, sp.Basic) or isinstance(value, (bool, sp.logic.boolalg.BooleanAtom)):
        return False
    power = left == "^" or (right != "" and right in "^²³")
    if isinstance(value, (sp.Add, sp.core.relational.Relational)):
        return (left != "" and left in _MINUS + _PRODUCT + "/^") or (right != "" and right in _PRODUCT + "/^²³")
    if _negative_first(value):
        return bool(left) or power
    if isinstance(value, sp.Mul) or (value.is_Rational and not value.is_Integer):
        return left == "/" or power
    if isinstance(value, sp.Pow):
        return power
    return False


def slots(template: str):
    """The pieces of a prose template: ``("text", s)`` and ``("slot", i, left, right)``, where
    ``left``/``right`` is the operator character adjacent to the slot (spaces skipped) or ""."""
    out = []
    pos = 0
    matches = list(_SLOT.finditer(template))
    for j, m in enumerate(matches):
        if m.start() > pos:
            out.append(("text", template[pos:m.start()]))
        before = template[pos:m.start()].rstrip()
        nxt = matches[j + 1].start() if j + 1 < len(matches) else len(template)
        after = template[m.end():nxt].lstrip()
        left = before[-1] if before and before[-1] in _LEFT_OPS else ""
        right = after[0] if after and after[0] in _RIGHT_OPS else ""
        out.append(("slot", int(m.group(1)), left, right))
        pos = m.end()
    if pos < len(template):
        out.append(("text", template[pos:]))
    return out


def fill(template: str, values, show) -> str:
    """``template`` with each ``{i}`` replaced by ``show(values[i])``, parenthesised by
    precedence (:func:`needs_group`); SymPy values are grouped as :class:`Grouped` so that the
    printer places the parentheses, other values get literal ones."""
    out = []
    for piece in slots(template):
        if piece[0] == "text":
            out.append(piece[1])
            continue
        _, i, left, right = piece
        v = values[i]
        if needs_group(v, left, right):
            out.append(show(Grouped(v)) if isinstance(v, sp.Basic) else "(" + show(v) + ")")
        else:
            out.append(show(v))
    return "".join(out)
