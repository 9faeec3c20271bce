"""Markdown back end: GitHub-flavoured Markdown with $…$ (inline) math and ```math fences (display).

Math is SymPy's ``latex()``; a ``|`` inside math becomes ``\\vert`` so tables stay intact.
"""

from __future__ import annotations

from ..tex import latex
from .model import Display, Document, Figure, Link, Math, Num, Para, Raw, Table, Text, claim_heading
from .numfmt import parts
from .prose import code_spans

EXT = "md"


_MEMO: dict[int, tuple[object, str]] = {}
_MEMO_MAX = 4096


def latex_of(expr) -> str:
    """:func:`gelu_math.render.tex.latex` (SymPy's ``latex`` with Φ's powers as Φ(z)ⁿ), memoised by
    object identity: the Markdown and LaTeX back ends print the same formulas of one document.  The memo holds the object, so its
    ``id`` cannot be reused while the entry lives; identity (not ``==``) is the key because
    SymPy < 1.13 has ``Float(2.0) == 2`` although the two print differently."""
    hit = _MEMO.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    s = latex(expr)
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[id(expr)] = (expr, s)
    return s


def _tex(expr) -> str:
    s = latex_of(expr)
    return s.replace(r"\left|", r"\left\vert ").replace(r"\right|", r"\right\vert ").replace("|", r"\vert ")


def num_tex(n, digits: int, short: bool) -> str:
    """The LaTeX of a Number (shared with the LaTeX back end)."""
    p = parts(n, digits, short)
    if p.infinite:
        return r"+\infty" if p.infinite > 0 else r"-\infty"
    if p.decimal is not None:
        return p.decimal
    ball = ""
    if p.mid is not None:
        ball = p.mid + (rf" \cdot 10^{{{p.mid_exp}}}" if p.mid_exp else "") \
            + (rf" \pm {p.rad[0]} \cdot 10^{{{p.rad[1]}}}" if p.rad else "")
    if p.exact is None:
        return ball
    return _tex(p.exact) + (r" \in [" + ball + "]" if ball else "")


def display(expr) -> str:
    return expr.get(EXT) if isinstance(expr, Raw) else _tex(expr)


def _text(s: str) -> str:
    """Prose with Markdown's specials (* _ ` $ | …) literal; a `code` span between backticks stays one
    (as the LaTeX and HTML back ends set it), its text as written."""
    spans = code_spans(s)
    if any(code and "\n" in p for code, p in spans):
        return _literal(s)
    # a | ends a table cell even in code: GFM takes \| there, also inside a code span (shown as |)
    return "".join(f"`{p.replace('|', chr(92) + '|')}`" if code else _literal(p) for code, p in spans)


def _literal(s: str) -> str:
    for ch in ("\\", "*", "_", "`", "$", "|", "<", ">", "[", "]"):
        s = s.replace(ch, "\\" + ch)
    return s


def tex_line(ln, digits: int, *, text, tex, ext: str, link) -> str:
    """A line of parts for a host format with TeX math in $…$ (Markdown, LaTeX): prose through
    ``text``, formulas through ``tex``, links through ``link``."""
    out = []
    for p in ln:
        if isinstance(p, Text):
            out.append(text(p.text))
        elif isinstance(p, Math):
            out.append(f"${tex(p.expr).strip()}$")  # GitHub: no space just inside $…$
        elif isinstance(p, Raw):
            out.append(p.get(ext))
        elif isinstance(p, Num):
            out.append(f"${num_tex(p.number, digits, p.short)}$")
        elif isinstance(p, Link):
            out.append(link(p))
    return "".join(out)


def render_line(ln, digits: int) -> str:
    return tex_line(ln, digits, text=_text, tex=_tex, ext=EXT, link=lambda p: f"[{_text(p.text)}]({p.target}.{EXT})")


def _table(t: Table, digits: int) -> list[str]:
    rows = ["| " + " | ".join(_text(h) for h in t.header) + " |", "|" + "---|" * len(t.header)]
    rows += ["| " + " | ".join(render_line(c, digits) for c in r) + " |" for r in t.rows]
    return rows + [""]


def _block(b, digits: int) -> list[str]:
    if isinstance(b, Para):
        return [render_line(b.line, digits), ""]
    if isinstance(b, Display):
        return ["```math", display(b.expr), "```", ""]  # GitHub: a math fence is not Markdown-processed
    if isinstance(b, Table):
        return _table(b, digits)
    if isinstance(b, Figure):
        return [f"![{_text(b.caption)}]({b.path})", "", f"*{_text(b.caption)}*", ""]
    raise TypeError(type(b))


def render(doc: Document, digits: int) -> str:
    out = [f"# {_text(doc.plain_title)}", ""]
    for b in doc.intro:
        out += _block(b, digits)
    for sec in doc.sections:
        out += [f"## {_text(sec.title)}", ""]
        for b in sec.intro:
            out += _block(b, digits)
        for c in sec.claims:
            heading = claim_heading(sec, c)
            out += ([] if heading is None else [f"### {_text(heading)}", ""]) + \
                ["**Claim.** " + render_line(c.statement, digits), ""]
            for b in c.blocks:
                out += _block(b, digits)
            if c.steps:
                out += ["**Derivation.**", ""]
                out += [f"{i}. " + render_line(s, digits) for i, s in enumerate(c.steps, 1)] + [""]
            if c.method is not None:
                from .build import CERTIFICATE

                out += ["**Certificate:** " + _text(CERTIFICATE[c.method]), ""]
            if c.references:
                out += ["**References:** " + "; ".join(_text(r) for r in c.references), ""]
    if doc.references:
        out += ["## References", ""] + [f"- {_text(r)}" for r in doc.references] + [""]
    return "\n".join(out).rstrip("\n") + "\n"
