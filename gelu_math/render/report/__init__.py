"""Derivation reports (issue 4): one document per function, an index and the comparison matrix,
in Markdown (GitHub math), self-contained HTML (MathML) and LaTeX (standalone + ``\\input`` body).

:func:`generate` is what ``gelu-math report`` runs::

    >>> from gelu_math.render.report import generate
    >>> generate("proofs", names=["gelu"], formats=("md",))      # doctest: +SKIP
    ['proofs/gelu.md', 'proofs/index.md', 'proofs/comparison.md']

The output is deterministic: no dates, registry order, fixed digits; byte-identical run to run.
Work is spread over worker processes (``jobs``): one task per function, plus one per GELU
approximation (envelope and optimal coefficient), whose section is added to the GELU report.
Tasks return *frozen* documents (every formula and number already rendered, per format), since
Arb balls do not pickle; :func:`render_derived` renders in-process through the same path.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import html, latex, markdown
from .figures import figure_blocks, figures_available, make_figures

FORMATS = {"md": markdown, "html": html, "tex": latex}
REPORT_DIGITS, REPORT_ORDER = 20, 4
APPROX_HOST = "gelu"  # the report that carries the approximation envelopes


def _check_formats(formats) -> tuple[str, ...]:
    from ...errors import InputError

    out = tuple(dict.fromkeys(formats))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise InputError(f"unknown report format(s) {', '.join(bad) or '(none)'}; choose from md, html, tex")
    return out


@dataclass
class Derived:
    """Everything a function's report states: the analysis, extra claims, failures (and, for GELU,
    the approximation facts when computed in-process)."""

    analysis: object
    claims: dict
    failures: dict
    approximation_facts: list = field(default_factory=list)


def derive(name: str, digits: int = REPORT_DIGITS, order: int = REPORT_ORDER, approximations: bool = True) -> Derived:
    from ...extras import extra_facts
    from ...engine import analyze

    a = analyze(name, digits=digits, order=order)
    extra, failures = extra_facts(a)
    d = Derived(a, extra, {**a.failures, **failures})
    if approximations and _hosts_approximations(a):
        from .approx import approximation_facts

        d.approximation_facts, env_failures = approximation_facts(digits)
        d.failures.update(env_failures)
    return d


def _hosts_approximations(a) -> bool:
    return a.instance.name == APPROX_HOST and a.instance.is_default


def _renderers(digits: int):
    return (lambda fmt, ln: FORMATS[fmt].render_line(ln, digits)), (lambda fmt, e: FORMATS[fmt].display(e))


def _write_formats(doc, formats, digits: int) -> dict[str, str]:
    files = {}
    for fmt in formats:
        files[f"{doc.name}.{fmt}"] = FORMATS[fmt].render(doc, digits)
        if fmt == "tex":
            files[f"{doc.name}-body.tex"] = latex.render_body(doc, digits)
    return files


def _cells(a, claims, formats, digits):
    from .build import comparison_row

    row = comparison_row(a, claims)
    return {fmt: tuple(FORMATS[fmt].render_line(c, digits) for c in row) for fmt in formats}


def render_derived(d: Derived, formats=tuple(FORMATS), figures_dir: str | None = None, out_dir: str = "proofs"):
    """Render one derived function in-process: ({file name: text}, {format: comparison cells})."""
    from .approx import approximation_section
    from .build import assemble, function_document
    from .model import Section

    a, digits = d.analysis, d.analysis.digits
    figs = figure_blocks(a.instance.name, figures_dir, out_dir) if figures_dir else ()
    doc = assemble(function_document(a, d.claims),
                   (approximation_section(d.approximation_facts), Section("Figures", (), figs) if figs else None),
                   d.failures)
    return _write_formats(doc, formats, digits), _cells(a, d.claims, formats, digits)


def render_function(name: str, formats=tuple(FORMATS), digits: int = REPORT_DIGITS, order: int = REPORT_ORDER,
                    figures_dir: str | None = None, out_dir: str = "proofs"):
    """Analyse one function (with its approximation section, for GELU) and render it in-process."""
    return render_derived(derive(name, digits, order), formats, figures_dir, out_dir)


def _function_task(name, formats, digits, order):
    """Worker: a frozen document (no failures section yet), its failures and its comparison cells."""
    from .build import function_document
    from .model import freeze

    d = derive(name, digits, order, approximations=False)
    doc = freeze(function_document(d.analysis, d.claims), *_renderers(digits), formats)
    return doc, d.failures, _cells(d.analysis, d.claims, formats, digits), _hosts_approximations(d.analysis)


def _approx_task(pair, formats, digits):
    """Worker: the frozen claims of one approximation and the failures."""
    from .approx import approximation_facts, approximation_section
    from .model import Document, freeze

    facts, failures = approximation_facts(digits, (pair,))
    sec = approximation_section(facts)
    claims = () if sec is None else freeze(Document("", "", (), (sec,)), *_renderers(digits), formats).sections[0].claims
    return claims, failures


def _run(task):
    kind, args = task
    return {"function": _function_task, "approx": _approx_task, "figures": make_figures}[kind](*args)


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
    from ...certified.balls import check_digits
    from ...definitions.registry import get, names as all_names
    from ...engine import check_order
    from ...errors import InputError
    from .approx import APPROXIMATIONS
    from .build import assemble, comparison_document
    from .model import Raw, Section

    formats = _check_formats(formats)
    check_digits(digits)
    check_order(order)
    chosen = list(all_names()) if not names else [get(n).name for n in dict.fromkeys(names)]
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise InputError(f"jobs must be a positive integer, got {jobs!r}")
    if figures:
        ok, why = figures_available()
        if not ok:
            if log:
                log(f"figures skipped: {why}")
            figures = None
    tasks = [("function", (n, formats, digits, order)) for n in chosen]
    approx = APPROX_HOST in chosen
    if approx:  # the slow approximation tasks go first, so they overlap the rest
        tasks = [("approx", (pair, formats, digits)) for pair in APPROXIMATIONS] + tasks
    if figures:  # the figure set is independent of the analyses: one more task, first
        tasks = [("figures", (figures,))] + tasks
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if jobs == 1:
        results = [_run(t) for t in tasks]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_run, tasks))
    if figures:
        results = results[1:]
    approx_claims, approx_failures = (), {}
    if approx:
        for claims, failures in results[:len(APPROXIMATIONS)]:
            approx_claims += tuple(claims)
            approx_failures.update(failures)
        results = results[len(APPROXIMATIONS):]

    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []

    def write(fname: str, text: str):
        path = outdir / fname
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(str(path))

    for name, (doc, failures, _, hosts) in zip(chosen, results):
        extra = []
        if hosts and approx_claims:
            extra.append(Section("Approximation envelopes", approx_claims))
        figs = figure_blocks(name, figures, out) if figures else ()
        if figs:
            extra.append(Section("Figures", (), figs))
        doc = assemble(doc, extra, {**failures, **(approx_failures if hosts else {})})
        for fname, text in _write_formats(doc, formats, digits).items():
            write(fname, text)
    rows = [tuple(Raw(tuple((fmt, cells[fmt][i]) for fmt in formats)) for i in range(len(cells[formats[0]])))
            for _, _, cells, _ in results]
    comparison = comparison_document([tuple((c,) for c in r) for r in rows], digits, order,
                                     figure_blocks("comparison", figures, out) if figures else ())
    for fname, text in render_index(chosen, formats, digits, order).items():
        write(fname, text)
    for fmt in formats:
        write(f"comparison.{fmt}", FORMATS[fmt].render(comparison, digits))
        if fmt == "tex":
            write("comparison-body.tex", latex.render_body(comparison, digits))
    return written
