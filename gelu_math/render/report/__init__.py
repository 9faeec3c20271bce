"""Derivation reports: one document per function, an index and the comparison matrix,
in Markdown (GitHub math), self-contained HTML (MathML) and LaTeX (standalone + ``\\input`` body).

:func:`generate` is what ``gelu-math report`` runs::

    >>> from gelu_math.render.report import generate
    >>> generate("proofs", names=["gelu"], formats=("md",))      # doctest: +SKIP
    ['proofs/gelu.md', 'proofs/index.md', 'proofs/comparison.md']

The output is deterministic: no dates, registry order, fixed digits; byte-identical run to run.
Work is spread over worker processes (``jobs``): one task per function, plus one per GELU
approximation (envelope and optimal coefficient), whose facts join the GELU report.  Tasks return
*facts* (a :class:`Derived`: the analysis with its certified balls, which pickle exactly — see
``gelu_math.facts.Number`` — and registered functions, which pickle by name); the main process
renders every document through :func:`render_derived`, the one path of a single-process run too.

Interruptions lose nothing: the output directories are checked writable before any work, every
file is written atomically (:mod:`gelu_math.atomicio`: the old file or the complete new one,
never a truncated one), and when the main process is interrupted (SIGINT, SIGTERM — the CLI
turns SIGTERM into an exception — or any error) the worker processes are terminated at once;
workers ignore SIGINT (the main process decides) and exit by themselves if the main process dies.
User-defined functions reach the workers under every start method (fork, spawn, forkserver; the
environment variable ``GELU_MATH_START_METHOD`` picks one): the pool initializer registers them.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
from dataclasses import dataclass, field

from . import html, latex, markdown
from .figures import figure_blocks, figure_stems, figures_available, make_figures

FORMATS = {"md": markdown, "html": html, "tex": latex}
START_METHOD_ENV = "GELU_MATH_START_METHOD"  # fork, spawn or forkserver (default: the platform's)
ORPHAN_POLL_S = 0.5  # how often a worker checks that the main process is still there
ORPHAN_GRACE_S = 5.0  # an orphaned worker unwinds its task, or is ended after this long
WORKER_TERMINATED = 128 + signal.SIGTERM
from ...options import REPORT_DIGITS, REPORT_ORDER  # noqa: E402  (the command's defaults, spelled once)
APPROX_HOST = "gelu"  # the report that carries the approximation envelopes
# the Approximations report (proofs/approximations.*, with every function: `report` without --only):
# its facts in three tasks (the family on each interval, the published approximations), 10 digits
# whatever --digits says (6 significant digits are printed, rounded outward)
APPROXIMATIONS_DIGITS = 10
APPROXIMATIONS_TASKS = ((dict(intervals=(("-4", "4"),)), ()), (dict(intervals=(("-8", "8"),)), ()),
                        (dict(degrees=()), None))


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

    a = analyze(name, digits=digits, order=order, extended=True)  # with the costly properties
    extra, failures = extra_facts(a)
    d = Derived(a, extra, {**a.failures, **failures})
    if approximations and _hosts_approximations(a):
        from .approx import approximation_facts

        d.approximation_facts, env_failures = approximation_facts(digits)
        d.failures.update(env_failures)
    return d


def _hosts_approximations(a) -> bool:
    return a.instance.name == APPROX_HOST and a.instance.is_default


def _write_formats(doc, formats, digits: int) -> dict[str, str]:
    files = {}
    for fmt in formats:
        if fmt == "tex":  # the body once: the article inlines it
            body = latex.render_body(doc, digits)
            files[f"{doc.name}.tex"], files[f"{doc.name}-body.tex"] = latex.standalone(body), body
        else:
            files[f"{doc.name}.{fmt}"] = FORMATS[fmt].render(doc, digits)
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


def _function_task(name, digits, order):
    """Worker: the derived facts of one function (its approximation facts come from their own tasks)."""
    return derive(name, digits, order, approximations=False)


def _approx_task(pair, digits):
    """Worker: the facts of one GELU approximation (envelope, optimal coefficient) and the failures."""
    from .approx import approximation_facts

    return approximation_facts(digits, (pair,))


def _approximations_task(digits, family_kwargs, published_names):
    """Worker: a part of the Approximations report's facts (see APPROXIMATIONS_TASKS)."""
    from .approximations import approximations_facts

    return approximations_facts(digits, family_kwargs, published_names)


def _figures_task(stem: str) -> list[tuple[str, bytes]]:
    """Worker: one figure of the set as (file name, contents), made in a scratch directory — the
    main process writes the files, so a worker on another machine (``cluster``) makes them too."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        return [(Path(p).name, Path(p).read_bytes()) for p in make_figures(d, (stem,))]


def _run(task) -> bytes:
    """One task, its result as :func:`gelu_math.transport.dumps` bytes: facts cross from a worker
    to the main process exactly as derived (and a single-process run takes the same path)."""
    from ...transport import dumps

    kind, args = task
    return dumps({"function": _function_task, "approx": _approx_task, "approximations": _approximations_task,
                  "figures": _figures_task}[kind](*args))


def _worker_run(task):
    """A task in a worker process; SIGTERM (see :func:`_worker_init`) ends the process, after the
    unwinding has removed any half-written temporary file."""
    global _IN_TASK
    _IN_TASK = True
    try:
        return _run(task)
    except _WorkerTerminated:
        os._exit(WORKER_TERMINATED)
    finally:
        _IN_TASK = False


_IN_TASK = False  # in a worker: whether a task is running (SIGTERM then unwinds it; else exit at once)


class _WorkerTerminated(BaseException):
    """SIGTERM in a worker: unwinds the task (``finally`` blocks run), then the worker exits."""


def _user_definitions() -> bytes:
    """The registered user functions as plain data (:func:`~gelu_math.definitions.user.definition_data`:
    parsed body, parameters, formula, title, references), for the workers' initializer — through
    :mod:`gelu_math.transport`, since plain pickling (spawn, forkserver, a cluster) would rebuild each
    body by evaluating it again (a Piecewise could come back merged)."""
    from ...definitions.registry import REGISTRY
    from ...definitions.user import definition_data
    from ...transport import dumps

    return dumps(tuple(definition_data(REGISTRY.get(name)) for name in REGISTRY.user_names()))


def _register_user_functions(definitions: bytes) -> None:
    """Register ``definitions`` (from :func:`_user_definitions`) here, in their order; their bodies
    are already parsed (a function that calls another has it inlined), so no order matters."""
    from ...definitions.user import define_data
    from ...transport import loads

    for data in loads(definitions):
        define_data(data)


def _watch_parent() -> None:
    """End this worker when the process that started it is gone (SIGKILL of the main process):
    SIGTERM to itself (the task unwinds), and a hard exit if that has not ended it soon."""
    import time

    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL_S)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(ORPHAN_GRACE_S)
    os._exit(WORKER_TERMINATED)


def _raise_worker_terminated(signum, frame):
    if not _IN_TASK:  # idle in the pool's loop: nothing to clean up
        os._exit(WORKER_TERMINATED)
    from ...timebox import in_finalizer

    if in_finalizer(frame):
        # inside a garbage-collector callback or a finalizer the exception would be printed as
        # "Exception ignored" and lost: deliver the signal again in a moment instead
        threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGTERM)).start()
        return
    raise _WorkerTerminated()


def _worker_init(definitions) -> None:
    """Pool initializer: SIGINT is the main process's business (ignored here), SIGTERM unwinds the
    task and ends the worker (the main process's handler must not be inherited under fork),
    orphans end themselves, and the user functions are registered."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _raise_worker_terminated)
    threading.Thread(target=_watch_parent, name="gelu-math-orphan-watch", daemon=True).start()
    _register_user_functions(definitions)


def _pool_context():
    import multiprocessing

    from ...errors import InputError

    method = os.environ.get(START_METHOD_ENV) or None
    if method is not None and method not in multiprocessing.get_all_start_methods():
        raise InputError(f"{START_METHOD_ENV}={method!r} is not a start method here; choose from "
                         f"{', '.join(multiprocessing.get_all_start_methods())}")
    return multiprocessing.get_context(method)


def _run_parallel(tasks, jobs: int) -> list:
    """The tasks over ``jobs`` local worker processes (:func:`gelu_math.cluster.executor`: on an error,
    SIGINT or SIGTERM no worker outlives the main process's decision)."""
    from ...cluster import executor

    with executor(None, jobs, initializer=_worker_init, initargs=(_user_definitions(),),
                  mp_context=_pool_context()) as ex:
        return ex.map(_worker_run, tasks)


def render_index(names, formats=tuple(FORMATS), digits: int = REPORT_DIGITS, order: int = REPORT_ORDER,
                 approximations: bool = False) -> dict:
    """{file name: text} of the index (registry data only: no analysis needed); ``approximations``:
    it links the Approximations report too."""
    from .build import index_document

    doc = index_document(names, digits, order, approximations)
    return {f"index.{fmt}": FORMATS[fmt].render(doc, digits) for fmt in _check_formats(formats)}


def generate(out: str = "proofs", *, names=None, formats=tuple(FORMATS), digits: int = REPORT_DIGITS,
             order: int = REPORT_ORDER, figures: str | None = None, jobs: int | None = None,
             log=None, cluster: str | None = None, approximations: bool | None = None) -> list[str]:
    """Write the reports for ``names`` (default: every registered function) into ``out``.

    ``figures``: a directory for figures; made by ``gelu_math.plots.write_all`` when that module and
    matplotlib are available, otherwise skipped (``log`` is told why).  ``cluster``: the address of
    a Dask scheduler (``tcp://host:8786``) whose workers run the tasks instead of local processes
    (:mod:`gelu_math.cluster`; the files are the same byte for byte).  ``approximations``: write the
    Approximations report too (default: when every function is reported).  Returns the paths written.
    """
    from ...certified.balls import check_digits
    from ...definitions.registry import get, names as all_names
    from ...engine import check_order
    from ...atomicio import check_writable_dir, write_bytes, write_text
    from ...errors import InputError
    from .approx import APPROXIMATIONS
    from .build import comparison_document
    from .model import Raw

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
    outdir = check_writable_dir(out)  # before any work: a wrong or read-only --out is reported at once
    figdir = check_writable_dir(figures, "figures directory") if figures else None
    tasks = [("function", (n, digits, order)) for n in chosen]
    approx = APPROX_HOST in chosen
    if approx:  # the slow approximation tasks go first, so they overlap the rest
        tasks = [("approx", (pair, digits)) for pair in APPROXIMATIONS] + tasks
    full = not names if approximations is None else bool(approximations)  # its tasks are the slowest: first
    if full:
        tasks = [("approximations", (APPROXIMATIONS_DIGITS, kw, pub)) for kw, pub in APPROXIMATIONS_TASKS] + tasks
    stems = figure_stems() if figures else ()
    if figures:  # the figure set is independent of the analyses: a task per figure, first
        tasks = [("figures", (stem,)) for stem in stems] + tasks
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if cluster is not None:
        from ...cluster import executor

        with executor(cluster, None, initializer=_register_user_functions, initargs=(_user_definitions(),)) as ex:
            results = ex.map(_run, tasks)
    elif jobs == 1:
        results = [_run(t) for t in tasks]
    else:
        results = _run_parallel(tasks, jobs)
    from ...transport import loads

    results = [loads(r) for r in results]
    if figures:
        for files in results[:len(stems)]:
            for fname, data in files:
                write_bytes(figdir / fname, data)  # atomic, like every file written here
        results = results[len(stems):]
    approximations_parts = ()
    if full:
        approximations_parts, results = results[:len(APPROXIMATIONS_TASKS)], results[len(APPROXIMATIONS_TASKS):]
    approx_facts, approx_failures = [], {}
    if approx:
        for facts, failures in results[:len(APPROXIMATIONS)]:
            approx_facts += facts
            approx_failures.update(failures)
        results = results[len(APPROXIMATIONS):]

    written = []

    def write(fname: str, text: str):
        path = outdir / fname
        write_text(path, text)  # atomic: an interruption leaves the old file or the new one
        written.append(str(path))

    all_cells = []
    for d in results:
        if _hosts_approximations(d.analysis):
            d = dataclasses.replace(d, approximation_facts=approx_facts, failures={**d.failures, **approx_failures})
        files, cells = render_derived(d, formats, figures, out)
        for fname, text in files.items():
            write(fname, text)
        all_cells.append(cells)
    rows = [tuple(Raw(tuple((fmt, cells[fmt][i]) for fmt in formats)) for i in range(len(cells[formats[0]])))
            for cells in all_cells]
    comparison = comparison_document([tuple((c,) for c in r) for r in rows], digits, order,
                                     figure_blocks("comparison", figures, out) if figures else ())
    if full:
        from .approximations import approximations_document, merge
        from .figures import make_design_figure

        facts = merge(*approximations_parts)
        if figures:  # drawn from the certified facts (not computed again), before the document embeds it
            make_design_figure(figures, facts.family)
        doc = approximations_document(APPROXIMATIONS_DIGITS, figures, out, facts=facts)
        for fname, text in _write_formats(doc, formats, APPROXIMATIONS_DIGITS).items():
            write(fname, text)
    for fname, text in render_index(chosen, formats, digits, order, approximations=full).items():
        write(fname, text)
    for fname, text in _write_formats(comparison, formats, digits).items():
        write(fname, text)
    return written
