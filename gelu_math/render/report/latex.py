"""LaTeX back end: a standalone article and an ``\\input``-able body.

Math is SymPy's ``latex()``.  Prose is escaped and its Unicode symbols (ℝ, ′, −, ≤, Φ, …) are
mapped to LaTeX, so the output is pure ASCII and compiles with pdflatex (amsmath, amssymb,
graphicx and longtable only).  The body file needs ``\\usepackage{amsmath,amssymb,graphicx,longtable}``
in the including document.

Nothing may run off the page (a test compiles every report and fails on an overfull box):

* a display formula wider than the line is broken at its top-level terms (``+``/``−``) and, for a
  term still too wide, between the factors of a product and inside its parentheses (then written
  ``\\biggl( … \\biggr)``, which may span lines), in an ``align*`` aligned after the ``=``;
* a long inline formula gets the same break points (``\\*``, a discretionary ``×``, between
  factors; unpaired ``\\bigl( … \\bigr)`` so the terms inside may break);
* table columns get widths from the estimated width of their cells, and a wide table (the
  comparison matrix) is split into several tables of as many columns as fit;
* a table longer than the rest of the page continues on the next one with its header repeated
  (``longtable``; a ``tabular`` would run past the bottom margin — an overfull ``\\vbox``).

Widths are estimated from the printed LaTeX (:func:`.texwidth.tex_width`, in points at 11 pt), with a margin.
"""

from __future__ import annotations

import re

import sympy as sp

from ..numbers import Grouped
from ..tex import TexPrinter
from .markdown import latex_of, tex_line
from .model import Display, Document, Figure, Para, Raw, Table, claim_heading
from .texwidth import line_width, literal, tex_width, text, _split_math_text

EXT = "tex"
TEXTWIDTH_PT = 483.7  # 17 cm
BODY_PACKAGES = ("amsmath", "amssymb", "graphicx", "longtable")  # what a body needs of its host document
# the body's first comment line: how to \input it (the tables' columns and the formulas' breaks are sized for
# the standalone's text width; \sloppy and \allowdisplaybreaks hold inside the body's own group)
BODY_HOST = (r"\input into a document that loads " + ", ".join(BODY_PACKAGES[:-1]) + " and " + BODY_PACKAGES[-1]
             + "; laid out for a text width of at least 17 cm")
PREAMBLE = (r"\documentclass[11pt]{article}", r"\usepackage{" + ",".join(BODY_PACKAGES) + "}",
            r"\setlength{\textwidth}{17cm}", r"\setlength{\oddsidemargin}{-0.5cm}", r"\allowdisplaybreaks",
            r"\setlength{\parindent}{0pt}", r"\setlength{\parskip}{0.5em}", r"\sloppy")
MAX_TABLE_COLUMNS = 5  # data columns per table at most (plus the key columns, repeated)
DISPLAY_PT = 440.0  # a display formula estimated wider than this is broken (line 484 pt; the estimate is within 5 %)
INLINE_PT = 300.0  # an inline formula estimated wider than this gets break points
TABLE_SCALE = 10 / 11  # tables are \small (10 pt)


class _Printer(TexPrinter):
    """The project's LaTeX printer (:mod:`gelu_math.render.tex`), as :func:`.markdown.latex_of` uses it
    for whole formulas: the pieces of a broken formula read like the whole."""


_P = _Printer()


def _tex(expr) -> str:
    return latex_of(expr)  # = _P.doprint(expr), shared with the Markdown back end


def _paren(s: str, inline: bool) -> tuple[str, str]:
    if r"\frac" in s or r"\sum" in s:
        return (r"\bigl(", r"\bigr)") if inline else (r"\biggl(", r"\biggr)")
    return ("(", ")")


# A piece: (joiner, tex, new_line).  The joiner (" + ", " - ", a product's separator) precedes the
# piece; new_line asks for a line break before it (a term that itself spans lines starts and
# ends its own lines, so a product's continuation never follows another term on a line).
_MUL_SEP = {True: r" \* ", False: " "}


def _pieces(expr, budget: float, inline: bool) -> list[tuple[str, str, bool]]:
    """``expr`` as pieces that may go on separate lines; one piece when it fits ``budget``."""
    s = _tex(expr)
    if tex_width(s, 1 if inline else 0) <= budget or not isinstance(expr, (sp.Expr, sp.Equality)):
        return [("", s, False)]
    if isinstance(expr, sp.Equality):
        rhs = _pieces(expr.rhs, budget, inline)
        return [*_pieces(expr.lhs, budget, inline), (" = " + rhs[0][0], rhs[0][1], False), *rhs[1:]]
    if expr.is_Add:
        out: list[tuple[str, str, bool]] = []
        after_long = False
        for i, term in enumerate(_P._as_ordered_terms(expr, order=None)):
            join = ""
            if i and term.could_extract_minus_sign():
                join, term = " - ", -term
            elif i:
                join = " + "
            sub = _pieces(term, budget - 15.0, inline)
            long = len(sub) > 1
            out.append((join + sub[0][0], sub[0][1], bool(i) and (long or after_long)))
            out += sub[1:]
            after_long = long
        return out
    if expr.is_Mul:
        sign = ""
        if expr.could_extract_minus_sign():
            sign, expr = "- ", -expr
        coeff, rest = expr.as_coeff_Mul()
        numer, denom = sp.fraction(rest, exact=True)
        lead = coeff / denom if denom != 1 else coeff
        factors = numer.as_ordered_factors() if numer.is_Mul else [numer]
        out = [("", _P.doprint(lead), False)] if lead != 1 else []
        for f in factors:
            sub = _factor_pieces(f, budget, inline)
            out.append((_MUL_SEP[inline] if out else "", sub[0][1], False))
            out += sub[1:]
        out[0] = ("", sign + out[0][1], False)
        return out
    if expr.is_Pow and expr.base.is_Add and expr.exp.is_Integer and expr.exp > 0:
        return _bracketed(expr.base, budget, inline, "^{" + _P.doprint(expr.exp) + "}")
    if isinstance(expr, Grouped):
        return _bracketed(expr.args[0], budget, inline, "")
    return [("", s, False)]


def _factor_pieces(f, budget: float, inline: bool) -> list[tuple[str, str, bool]]:
    if f.is_Add:
        return _bracketed(f, budget, inline, "")
    if f.is_Pow and f.base.is_Add and f.exp.is_Integer and f.exp > 0:
        return _bracketed(f.base, budget, inline, "^{" + _P.doprint(f.exp) + "}")
    tex = _P.doprint(f)
    return [("", r"\left(" + tex + r"\right)" if _P._needs_mul_brackets(f, last=True) else tex, False)]


def _bracketed(inner, budget: float, inline: bool, after: str) -> list[tuple[str, str, bool]]:
    """``(inner)after`` as pieces; parentheses that may span lines when ``inner`` does not fit."""
    sub = _pieces(inner, budget - 20.0, inline)
    if len(sub) == 1:
        return [("", r"\left(" + sub[0][1] + r"\right)" + after, False)]
    op, cl = _paren("".join(t for _, t, _ in sub), inline)
    sub[0] = (sub[0][0], op + sub[0][1], sub[0][2])
    sub[-1] = (sub[-1][0], sub[-1][1] + cl + after, sub[-1][2])
    return sub


def _pack(pieces, budget: float, level: int) -> list[str]:
    """Greedy lines from pieces: a line is full when the next piece would pass ``budget``.  A
    continuation line starts with its operator (a product's with ×), spaced as a binary one."""
    lines: list[str] = []
    cur, width = "", 0.0
    for join, tex, new_line in pieces:
        w = tex_width(join + tex, level)
        if cur and (new_line or width + w > budget):
            lines.append(cur)
            cur, width = "", 0.0
            join = "{}" + (r"\times " if join.strip() in ("", r"\*") else join.strip() + " ")
        cur += join + tex
        width += w
    lines.append(cur)
    return lines


def display(expr) -> str:
    """A display formula as a complete environment: ``equation*`` when it fits the line, else an
    ``align*`` broken after its top-level terms (aligned after the ``=`` of an equation)."""
    if isinstance(expr, Raw):
        return expr.get(EXT)
    s = _tex(expr)
    if tex_width(s) <= DISPLAY_PT:
        return "\n".join((r"\begin{equation*}", s, r"\end{equation*}"))
    lhs, body = "", expr
    if isinstance(expr, sp.Equality) and tex_width(_P.doprint(expr.lhs)) <= DISPLAY_PT / 3:
        lhs, body = _P.doprint(expr.lhs) + " ={}", expr.rhs  # aligned after the =
    avail = DISPLAY_PT - tex_width(lhs) - 11.0
    lines = _pack(_pieces(body, avail, inline=False), avail, 0)
    out = [r"\begin{align*}", lhs + " & " + lines[0] + (r" \\" if len(lines) > 1 else "")]
    out += [r"& \quad " + ln + (r" \\" if i < len(lines) - 2 else "") for i, ln in enumerate(lines[1:])]
    return "\n".join(out + [r"\end{align*}"])


def _inline_tex(expr) -> str:
    """An inline formula; a long one with extra break points (see the module docstring)."""
    s = _tex(expr)
    if tex_width(s, 1) <= INLINE_PT or not isinstance(expr, sp.Basic):
        return s
    return "".join(j + t for j, t, _ in _pieces(expr, INLINE_PT / 2, inline=True))


LONG_NUMBER = 40  # digits: a run this long at the top level of inline math may break every 10 digits
_DIGITS = re.compile(r"\d{%d,}" % LONG_NUMBER)


def _breakable_numbers(s: str) -> str:
    """A number too long for a line (an exact decimal of 60 digits is 330 pt) may break between
    groups of 10 digits, where it stands at the top level of a formula (not in a fraction)."""
    out = []
    for is_math, seg in _split_math_text(s):
        if is_math and _DIGITS.search(seg):
            seg = _top_level_sub(seg, lambda run: r"\allowbreak ".join(run[i:i + 10] for i in range(0, len(run), 10)))
        out.append(f"${seg}$" if is_math else seg)
    return "".join(out)


def _top_level_sub(seg: str, fn) -> str:
    out, depth, i = [], 0, 0
    while i < len(seg):
        c = seg[i]
        if c == "\\":
            out.append(seg[i:i + 2])
            i += 2
            continue
        if c in "{}":
            depth += 1 if c == "{" else -1
        if depth == 0 and (m := _DIGITS.match(seg, i)) and not seg[i - 1:i].isdigit():
            out.append(fn(m.group(0)))
            i = m.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)


def render_line(ln, digits: int) -> str:
    return _breakable_numbers(tex_line(ln, digits, text=text, tex=_inline_tex, ext=EXT,
                                       link=lambda p: r"\texttt{" + literal(p.text) + "}"))


# --- tables and figures ------------------------------------------------------------------------

_CELL_PAD = 12.4  # 2 \tabcolsep + a rule


def _column_groups(mins: list[float], limit: float, keys: int = 1) -> list[list[int]]:
    """Column groups (each with the ``keys`` columns that name a row first) of at most
    MAX_TABLE_COLUMNS data columns whose widths ``mins`` fit ``limit``."""
    ncol = len(mins)
    keys = min(max(keys, 1), ncol)
    if ncol <= keys:
        return [list(range(ncol))]
    head = list(range(keys))
    groups: list[list[int]] = []
    cur = list(head)
    for c in range(keys, ncol):
        need = sum(mins[i] + _CELL_PAD for i in cur) + mins[c] + _CELL_PAD
        if len(cur) > keys and (len(cur) - keys >= MAX_TABLE_COLUMNS or need > limit):
            groups.append(cur)
            cur = list(head)
        cur.append(c)
    groups.append(cur)
    # balance: equal group sizes read better than 5 + 5 + 5 + 2
    if len(groups) > 1:
        per = -(-(ncol - keys) // len(groups))
        balanced = [head + list(range(i, min(i + per, ncol))) for i in range(keys, ncol, per)]
        if all(sum(mins[i] + _CELL_PAD for i in g) <= limit for g in balanced):
            groups = balanced
    return groups


def _widths(cols, nat, mins, limit: float) -> list[float]:
    natural = [nat[c] for c in cols]
    low = [mins[c] for c in cols]
    room = limit - _CELL_PAD * len(cols)
    if sum(natural) <= room:
        return natural
    extra = max(room - sum(low), 0.0)
    give = [n - m for n, m in zip(natural, low)]
    total = sum(give) or 1.0
    return [m + extra * g / total for m, g in zip(low, give)]


# table font sizes tried in turn (scale against 11 pt) until every column fits next to the first
TABLE_SIZES = ((r"\small", 10 / 11), (r"\footnotesize", 9 / 11), (r"\scriptsize", 8 / 11))
RAGGED = r"\rightskip=0pt plus 1fil\relax "  # ragged right in a cell, keeping \\ for the row end
BOLD_WIDTH = 1.15  # Computer Modern bold extended against roman, by which the header widths are scaled


def _table(t: Table, digits: int) -> list[str]:
    header = [r"\textbf{" + text(h) + "}" for h in t.header]
    rows = [[render_line(c, digits) for c in r] for r in t.rows]
    ncol = len(header)
    nat0, min0 = [0.0] * ncol, [0.0] * ncol
    for i, r in enumerate([header, *rows]):
        wide = BOLD_WIDTH if i == 0 else 1.0  # the header is set in bold, which the estimate measures as roman
        for c, cell in enumerate(r):
            n, m = line_width(cell)
            nat0[c], min0[c] = max(nat0[c], n * wide), max(min0[c], m * wide)
    limit = TEXTWIDTH_PT - 2.0
    for size, scale in TABLE_SIZES:
        nat = [n * scale + 2.0 for n in nat0]
        mins = [m * scale * 1.05 + 2.0 for m in min0]
        if all(sum(mins[:t.keys]) + mins[c] + (t.keys + 1) * _CELL_PAD <= limit for c in range(t.keys, ncol)):
            break
    # group by natural width (capped: a long prose column may wrap), so that cells wrap only where
    # even a table of one data column would make them
    want = [max(m, min(n, 0.25 * limit)) for n, m in zip(nat, mins)]
    out = []
    for cols in _column_groups(want, limit, t.keys):
        spec = "|".join(f"p{{{w:.1f}pt}}" for w in _widths(cols, nat, mins, limit))
        # longtable (centred by default) breaks between rows and repeats the header (\endhead)
        out += [r"\begingroup" + size, r"\begin{longtable}{|" + spec + "|}", r"\hline",
                " & ".join(RAGGED + header[c] for c in cols) + r" \\ \hline", r"\endhead"]
        out += [" & ".join(RAGGED + r[c] for c in cols) + r" \\ \hline" for r in rows]
        out += [r"\end{longtable}", r"\endgroup", ""]
    return out


def _figure(b: Figure) -> list[str]:
    pdf = b.path[:-4] + ".pdf" if b.path.endswith(".svg") else b.path
    # \IfFileExists: the report still compiles where the figures directory is not beside it.  At most 0.85 of
    # the text height, leaving room for the caption (the comparison's grid of 26 panels, capped at 0.42, was
    # printed at 40 % of its size, its labels unreadable)
    return [r"\begin{figure}[htbp]", r"\centering",
            r"\IfFileExists{" + pdf + r"}{\includegraphics[width=\linewidth,height=0.85\textheight,"
            r"keepaspectratio]{" + pdf + r"}}{\fbox{\texttt{" + literal(pdf) + r"} not found}}",
            r"\caption{" + text(b.caption) + "}", r"\end{figure}", ""]


def _block(b, digits: int) -> list[str]:
    if isinstance(b, Para):
        return [render_line(b.line, digits), ""]
    if isinstance(b, Display):
        return [display(b.expr), ""]
    if isinstance(b, Table):
        return _table(b, digits)
    if isinstance(b, Figure):
        return _figure(b)
    raise TypeError(type(b))


def render_body(doc: Document, digits: int) -> str:
    from .build import CERTIFICATE

    heading = ("" if doc.subject is None else literal(doc.subject) + ": ") + text(doc.title)
    out = [f"% gelu-math derivation report: {heading}",
           "% " + BODY_HOST,
           r"\begingroup\sloppy\allowdisplaybreaks", r"\section*{" + heading + "}", ""]
    for b in doc.intro:
        out += _block(b, digits)
    for sec in doc.sections:
        out += [r"\subsection*{" + text(sec.title) + "}", ""]
        for b in sec.intro:
            out += _block(b, digits)
        for c in sec.claims:
            heading = claim_heading(sec, c)
            out += ([] if heading is None else [r"\subsubsection*{" + text(heading) + "}", ""]) + \
                [r"\textbf{Claim.} " + render_line(c.statement, digits), ""]
            for b in c.blocks:
                out += _block(b, digits)
            if c.steps:
                out += [r"\textbf{Derivation.}", r"\begin{enumerate}"]
                out += [r"\item " + render_line(s, digits) for s in c.steps]
                out += [r"\end{enumerate}", ""]
            if c.method is not None:
                out += [r"\textbf{Certificate:} " + text(CERTIFICATE[c.method]), ""]
            if c.references:
                out += [r"\textbf{References:} " + "; ".join(text(r) for r in c.references), ""]
    if doc.references:
        out += [r"\subsection*{References}", r"\begin{itemize}"] + [r"\item " + text(r) for r in doc.references] \
            + [r"\end{itemize}", ""]
    out.append(r"\endgroup")
    return "\n".join(out).rstrip("\n") + "\n"


def standalone(body: str) -> str:
    """The standalone article around a :func:`render_body` text: preamble + the body (inlined, so
    it compiles from any directory).  A caller that writes both files renders the body once."""
    return "\n".join((*PREAMBLE, r"\begin{document}", body.rstrip("\n"), r"\end{document}")) + "\n"


def render(doc: Document, digits: int) -> str:
    """The standalone article of ``doc``."""
    return standalone(render_body(doc, digits))
