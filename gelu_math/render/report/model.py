"""The document model shared by the Markdown, HTML and LaTeX back ends.

A :class:`Document` is built once from an analysis (:mod:`.build`); each back end only decides
notation.  Inline content is a tuple of parts: :class:`Text` (prose, Unicode allowed),
:class:`Math` (a SymPy object, printed by SymPy's ``latex``/``mathml``) and :class:`Num` (a
:class:`~gelu_math.facts.Number` from a fact, printed exact and/or as a certified ball).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Union

import sympy as sp

from ...facts import Method, Number
from ..numbers import Grouped, needs_group, slots


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Math:
    expr: Any  # a SymPy object


@dataclass(frozen=True, eq=False)
class Num:
    number: Number
    short: bool = False  # comparison tables: fewer digits, exact form only when short


@dataclass(frozen=True)
class Link:
    text: str
    target: str  # a base name, e.g. "gelu" (each back end adds its own extension)


@dataclass(frozen=True)
class Raw:
    """Already-rendered text per back end (``(("md", …), ("html", …), ("tex", …))``), used to
    assemble the comparison matrix from rows rendered in worker processes."""

    by_format: tuple[tuple[str, str], ...]

    def get(self, fmt: str) -> str:
        return dict(self.by_format)[fmt]


Part = Union[Text, Math, Num, Link, Raw]
Line = tuple  # tuple[Part, ...]


@dataclass(frozen=True)
class Para:
    line: Line


@dataclass(frozen=True)
class Display:
    expr: Any  # one SymPy object shown as a block formula


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Line, ...], ...]
    keys: int = 1  # leading columns that name a row: repeated in every part of a table split by width


@dataclass(frozen=True)
class Figure:
    svg: str  # inline SVG (HTML only; Markdown and LaTeX refer to the file)
    path: str
    caption: str


Block = Union[Para, Display, Table, Figure]


@dataclass(frozen=True)
class Claim:
    key: str
    title: str
    statement: Line
    blocks: tuple = ()
    steps: tuple[Line, ...] = ()
    method: Method | None = None
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    title: str
    claims: tuple[Claim, ...]
    intro: tuple = ()


def claim_heading(section: Section, claim: Claim) -> str | None:
    """The claim's own heading under its section; None when it would repeat the section's title
    (a section "Smoothness" holding the one claim "Smoothness")."""
    return None if claim.title == section.title else claim.title


@dataclass(frozen=True)
class Document:
    name: str  # file base name
    title: str  # prose (plain-text subscripts such as x_max are set as subscripts)
    intro: tuple = ()
    sections: tuple[Section, ...] = ()
    references: tuple[str, ...] = field(default=())
    subject: str | None = None  # the function's name, printed before the title as written (an identifier)

    @property
    def plain_title(self) -> str:
        """The heading as plain text: "NAME: title" for a function's report."""
        return self.title if self.subject is None else f"{self.subject}: {self.title}"


def part(value) -> Part:
    """One inline part for a value from a fact: Number, SymPy object, bool, str or int."""
    if isinstance(value, (Text, Math, Num, Link, Raw)):
        return value
    if isinstance(value, Number):
        return Num(value)
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, str):
        return Text(value)
    if isinstance(value, int):
        return Math(sp.Integer(value))
    return Math(sp.sympify(value))


def line(template: str, *values) -> Line:
    """Split prose with ``{i}`` placeholders into parts (literal braces elsewhere stay text).

    A value next to an operator written in the prose (``"{0} − {1}"``, ``"{1}/{2}"``) is
    parenthesised by precedence (:func:`gelu_math.render.numbers.needs_group`): a SymPy value
    as :class:`~gelu_math.render.numbers.Grouped` (the printers draw the parentheses), a Number
    between literal parentheses."""
    out: list = []
    for piece in slots(template):
        if piece[0] == "text":
            out.append(Text(piece[1]))
            continue
        _, i, left, right = piece
        p = part(values[i])
        if isinstance(p, Math) and needs_group(p.expr, left, right):
            p = Math(Grouped(p.expr))
        elif isinstance(p, Num) and needs_group(p.number, left, right):
            out += [Text("("), p, Text(")")]
            continue
        out.append(p)
    return _merge(out)


def _merge(parts: list) -> Line:
    """Adjacent Text parts joined (literal parentheses next to prose stay one Text)."""
    out: list = []
    for p in parts:
        if isinstance(p, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + p.text)
        else:
            out.append(p)
    return tuple(out)


def step_lines(fact) -> tuple[Line, ...]:
    """The derivation's steps as lines, each stated once (two routes to one fact can produce the same
    sentence — mish's "Rewrite …; the denominator … is positive" for two pieces of the same form)."""
    out, seen = [], set()
    for s in fact.steps:
        key = (s.text, tuple(sp.srepr(m) if isinstance(m, sp.Basic) else repr(m) for m in s.math))
        if key not in seen:
            seen.add(key)
            out.append(line(s.text, *s.math))
    return tuple(out)


def map_document(doc: Document, line_fn, display_fn, keep_intro=()) -> Document:
    """``doc`` with every Line replaced by ``line_fn(line)`` and every display formula by
    ``display_fn(expr)`` (intro paragraphs whose index is in ``keep_intro`` stay as they are)."""
    def block(b):
        if isinstance(b, Para):
            return Para(line_fn(b.line))
        if isinstance(b, Display):
            return Display(display_fn(b.expr))
        if isinstance(b, Table):
            return dataclasses.replace(b, rows=tuple(tuple(line_fn(c) for c in row) for row in b.rows))
        return b

    def claim(c: Claim) -> Claim:
        return Claim(c.key, c.title, line_fn(c.statement), tuple(block(b) for b in c.blocks),
                     tuple(line_fn(s) for s in c.steps), c.method, c.references)

    def section(s: Section) -> Section:
        return Section(s.title, tuple(claim(c) for c in s.claims), tuple(block(b) for b in s.intro))

    intro = tuple(b if i in keep_intro else block(b) for i, b in enumerate(doc.intro))
    return dataclasses.replace(doc, intro=intro, sections=tuple(section(s) for s in doc.sections))


def freeze(doc: Document, render_line, render_display, formats) -> Document:
    """The same document with every Line and display formula already rendered (one :class:`Raw`
    per part, holding each format's text), so it can cross process boundaries (Arb balls do not
    pickle).  ``render_line(fmt, line)`` and ``render_display(fmt, expr)`` give the texts."""
    return map_document(doc, lambda x: (Raw(tuple((f, render_line(f, x)) for f in formats)),),
                        lambda e: Raw(tuple((f, render_display(f, e)) for f in formats)))
