"""HTML back end: one self-contained XHTML file per document.

Every formula is presentation MathML from SymPy's printer (:mod:`.mathml`); figures are inline
SVG with a caption; no JavaScript, no external resources.  The output parses as XML.  Prose
sets its plain-text subscripts (σ_w, a_(l-1)) as ``<sub>`` (:mod:`.prose`).

The page never scrolls sideways (MathML has no line breaking): a display formula sits in its
own box that scrolls horizontally (``div.eq``), so does a long inline formula (``span.long``, set
on its own line) and every table (``div.wide``); figures shrink to the text width.
"""

from __future__ import annotations

import re
from html import escape

from .mathml import MATHML_NS, math_element, mathml_inner
from .model import Display, Document, Figure, Link, Math, Num, Para, Raw, Table, Text, claim_heading
from .numfmt import parts
from .prose import code_spans, minus_signs, split as split_subscripts, variables

EXT = "html"
STYLE = """body{font-family:Georgia,serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #bbb;padding:.25em .5em;vertical-align:top}
th{background:#f2f2f2}.claim{border-left:3px solid #446;padding-left:1em;margin:1.2em 0}
.cert{color:#264}.refs{color:#555;font-size:.92em}math[display=block]{margin:.4em 0}
.wide,.eq,.long{overflow-x:auto;overflow-y:hidden;max-width:100%}.long{display:block;margin:.2em 0}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.92em;color:#333}"""
LONG_GLYPHS = 80  # an inline formula with more glyphs than this (about 2/3 of the text width) gets its own box


def _mn(s: str) -> str:
    if s.startswith("-"):
        return f"<mo>\u2212</mo><mn>{s[1:]}</mn>"
    return f"<mn>{s}</mn>"


def num_mathml(n, digits: int, short: bool) -> str:
    p = parts(n, digits, short)
    if p.infinite:
        inner = ("<mo>+</mo>" if p.infinite > 0 else "<mo>\u2212</mo>") + "<mi>\u221e</mi>"
    elif p.decimal is not None:
        inner = _mn(p.decimal)
    else:
        ball = ""
        if p.mid is not None:
            ball = _mn(p.mid)
            if p.mid_exp:
                ball += f"<mo>\u00b7</mo><msup><mn>10</mn><mrow>{_mn(p.mid_exp)}</mrow></msup>"
            if p.rad:
                ball += (f"<mo>\u00b1</mo><mn>{p.rad[0]}</mn><mo>\u00b7</mo>"
                         f"<msup><mn>10</mn><mrow>{_mn(p.rad[1])}</mrow></msup>")
        if p.exact is None:
            inner = ball
        else:
            inner = mathml_inner(p.exact) + (f"<mo>\u2208</mo><mrow><mo>[</mo>{ball}<mo>]</mo></mrow>" if ball else "")
    return f'<math xmlns="{MATHML_NS}"><mrow>{inner}</mrow></math>'


def prose(s: str) -> str:
    """Escaped prose: a `code` span (between backticks, as in Markdown) as ``<code>``, and
    outside code the plain-text subscripts (σ_w, a_(l-1): :mod:`.prose`) as ``<sub>`` and the single-letter
    variables (and the bases of subscripts) in italic."""
    return "".join(f"<code>{escape(p, quote=False)}</code>" if code else _subscripts(p) for code, p in code_spans(s))


def _subscripts(s: str) -> str:
    return "".join(_plain(p) if isinstance(p, str)
                   else f"<i>{escape(p[0], quote=False)}</i><sub>{escape(p[1].replace('-', '−'), quote=False)}</sub>"
                   for p in split_subscripts(minus_signs(s)))


def _plain(s: str) -> str:
    """Escaped prose with its single-letter variables in italic, as MathML sets them (x, f′, x₀)."""
    return "".join(escape(p, quote=False) if isinstance(p, str) else f"<i>{p[0]}</i>{p[1]}{p[2]}{p[3]}"
                   for p in variables(s))


def render_line(ln, digits: int) -> str:
    out = []
    for p in ln:
        if isinstance(p, Text):
            out.append(prose(p.text))
        elif isinstance(p, Math):
            out.append(_inline(math_element(p.expr)))
        elif isinstance(p, Raw):
            out.append(p.get(EXT))
        elif isinstance(p, Num):
            out.append(num_mathml(p.number, digits, p.short))
        elif isinstance(p, Link):
            out.append(f'<a href="{escape(p.target)}.{EXT}">{escape(p.text)}</a>')
    return "".join(out)


def _inline(m: str) -> str:
    """A long inline formula in a box of its own that scrolls sideways (not the page)."""
    if len(re.sub(r"&#?\w+;", "x", re.sub(r"<[^>]*>", "", m))) > LONG_GLYPHS:  # an entity (&#8518;: ⅆ) is one glyph
        return f'<span class="long">{m}</span>'
    return m


def display(expr) -> str:
    return expr.get(EXT) if isinstance(expr, Raw) else f'<div class="eq">{math_element(expr, display=True)}</div>'



def _svg(svg: str) -> str:
    # an SVG file's XML declaration and DOCTYPE cannot appear inside the HTML document
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    return re.sub(r"<!DOCTYPE[^>]*>", "", svg).strip()


def _block(b, digits: int) -> str:
    if isinstance(b, Para):
        return f"<p>{render_line(b.line, digits)}</p>"
    if isinstance(b, Display):
        return display(b.expr)
    if isinstance(b, Table):
        head = "".join(f"<th>{prose(h)}</th>" for h in b.header)
        body = "".join("<tr>" + "".join(f"<td>{render_line(c, digits)}</td>" for c in r) + "</tr>" for r in b.rows)
        return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    if isinstance(b, Figure):
        return f"<figure>{_svg(b.svg)}<figcaption>{prose(b.caption)}</figcaption></figure>"
    raise TypeError(type(b))


def render(doc: Document, digits: int) -> str:
    from .build import CERTIFICATE

    out = ["<!DOCTYPE html>", '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">',
           '<head><meta charset="utf-8"/>', f"<title>{escape(doc.plain_title)}</title>", f"<style>{STYLE}</style>",
           "</head>", "<body>", f"<h1>{'' if doc.subject is None else escape(doc.subject) + ': '}{prose(doc.title)}</h1>"]
    out += [_block(b, digits) for b in doc.intro]
    for sec in doc.sections:
        out.append(f"<h2>{prose(sec.title)}</h2>")
        out += [_block(b, digits) for b in sec.intro]
        for c in sec.claims:
            out.append(f'<div class="claim" id="{escape(c.key)}">')
            heading = claim_heading(sec, c)
            if heading is not None:
                out.append(f"<h3>{prose(heading)}</h3>")
            out.append(f"<p><strong>Claim.</strong> {render_line(c.statement, digits)}</p>")
            out += [_block(b, digits) for b in c.blocks]
            if c.steps:
                out.append("<p><strong>Derivation.</strong></p><ol>")
                out += [f"<li>{render_line(s, digits)}</li>" for s in c.steps]
                out.append("</ol>")
            if c.method is not None:
                out.append(f'<p class="cert"><strong>Certificate:</strong> {escape(CERTIFICATE[c.method])}</p>')
            if c.references:
                out.append('<p class="refs"><strong>References:</strong> '
                           + "; ".join(prose(r) for r in c.references) + "</p>")
            out.append("</div>")
    if doc.references:
        out.append("<h2>References</h2><ul>" + "".join(f"<li>{prose(r)}</li>" for r in doc.references) + "</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
