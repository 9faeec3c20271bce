"""Derivation reports (issue 4): one document per function, an index and the comparison matrix,
in Markdown (GitHub math), self-contained HTML (MathML) and LaTeX (standalone + ``\\input`` body).

:func:`generate` is what ``gelu-math report`` runs::

    >>> from gelu_math.render.report import generate
    >>> generate("proofs", names=["gelu"], formats=("md",))      # doctest: +SKIP
    ['proofs/gelu.md', 'proofs/index.md', 'proofs/comparison.md']

The output is deterministic: no dates, registry order, fixed digits; byte-identical run to run.
Functions are analysed in parallel worker processes (``jobs``); each returns its rendered files
and its rendered comparison row (Arb balls do not pickle, strings do).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import html, latex, markdown
from .figures import figure_blocks, make_figures

FORMATS = {"md": markdown, "html": html, "tex": latex}
REPORT_DIGITS, REPORT_ORDER = 20, 4


def _check_formats(formats) -> tuple[str, ...]:
    from ...errors import InputError

    out = tuple(dict.fromkeys(formats))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise InputError(f"unknown report format(s) {', '.join(bad) or '(none)'}; choose from md, html, tex")
    return out


@dataclass
class Derived:
    """Everything a function's report states: the analysis, extra claims, envelope facts, failures."""

    analysis: object
    claims: dict
    failures: dict
    approximation_facts: list = field(default_factory=list)


def derive(name: str, digits: int = REPORT_DIGITS, order: int = REPORT_ORDER) -> Derived:
    from ...claims import claims
    from ...engine import analyze

    a = analyze(name, digits=digits, order=order)
    extra, failures = claims(a)
    d = Derived(a, extra, dict(failures))
    if name == "gelu" and a.instance.is_default:
        from .approx import approximation_facts

        d.approximation_facts, env_failures = approximation_facts(digits)
        d.failures.update(env_failures)
    return d


def render_derived(d: Derived, formats=tuple(FORMATS), figures_dir: str | None = None, out_dir: str = "proofs"):
    """Render one function: ({file name: text}, {format: comparison cells})."""
    from .approx import approximation_section
    from .build import comparison_row, function_document
    from .model import Section

    a, digits = d.analysis, d.analysis.digits
    name = a.instance.name
    sections = []
    sec = approximation_section(d.approximation_facts)
    if sec is not None:
        sections.append(sec)
    figs = figure_blocks(name, figures_dir, out_dir) if figures_dir else ()
    if figs:
        sections.append(Section("Figures", (), tuple(figs)))
    doc = function_document(a, d.claims, d.failures, tuple(sections))
    files = {}
    for fmt in formats:
        files[f"{name}.{fmt}"] = FORMATS[fmt].render(doc, digits)
        if fmt == "tex":
            files[f"{name}-body.tex"] = latex.render_body(doc, digits)
    row = comparison_row(a, d.claims)
    cells = {fmt: tuple(FORMATS[fmt].render_line(c, digits) for c in row) for fmt in formats}
    return files, cells


def render_function(name: str, formats=tuple(FORMATS), digits: int = REPORT_DIGITS, order: int = REPORT_ORDER,
                    figures_dir: str | None = None, out_dir: str = "proofs"):
    """Analyse one function and render it: ({file name: text}, {format: comparison cells})."""
    return render_derived(derive(name, digits, order), formats, figures_dir, out_dir)


def _job(args):
    return render_function(*args)


def render_index(names, formats=tuple(FORMATS), digits: int = REPORT_DIGITS, order: int = REPORT_ORDER) -> dict:
    """{file name: text} of the index (registry data only: no analysis needed)."""
    from .build import index_document

    doc = index_document(names, digits, order)
    return {f"index.{fmt}": FORMATS[fmt].render(doc, digits) for fmt in _check_formats(formats)}


def generate(out: str = "proofs", *, names=None, formats=tuple(FORMATS), digits: int = REPORT_DIGITS,
             order: int = REPORT_ORDER, figures: str | None = None, jobs: int | None = None,
             log=None) -> list[str]:
    """Write the reports for ``names`` (default: every registered function) into ``out``.

    ``figures``: a directory for figures; made by ``gelu_math.plots.write_all`` when that module and
    matplotlib are available, otherwise skipped (``log`` is told why).  Returns the paths written.
    """
    from ...definitions.registry import get, names as all_names
    from .build import comparison_document
    from ...certified.balls import check_digits
    from ...engine import check_order
    from ...errors import InputError
    from .model import Raw

    formats = _check_formats(formats)
    check_digits(digits)
    check_order(order)
    chosen = list(all_names()) if not names else [get(n).name for n in dict.fromkeys(names)]
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise InputError(f"jobs must be a positive integer, got {jobs!r}")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(chosen)))
    if figures:
        ok, why = make_figures(figures)
        if not ok:
            if log:
                log(f"figures skipped: {why}")
            figures = None
    args = [(n, formats, digits, order, figures, out) for n in chosen]
    if jobs == 1:
        results = [_job(a) for a in args]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_job, args))
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []

    def write(fname: str, text: str):
        path = outdir / fname
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(str(path))

    for files, _ in results:
        for fname, text in files.items():
            write(fname, text)
    rows = [tuple(Raw(tuple((fmt, cells[fmt][i]) for fmt in formats)) for i in range(len(cells[formats[0]])))
            for _, cells in results]
    comparison = comparison_document([tuple((c,) for c in r) for r in rows], digits, order,
                                     figure_blocks("comparison", figures, out) if figures else ())
    for fname, text in render_index(chosen, formats, digits, order).items():
        write(fname, text)
    for fmt in formats:
        write(f"comparison.{fmt}", FORMATS[fmt].render(comparison, digits))
        if fmt == "tex":
            write("comparison-body.tex", latex.render_body(comparison, digits))
    return written
