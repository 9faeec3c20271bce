"""Layer 6: the command line, with one error boundary for every command.

Each command lives in its own module with a ``register(subparsers)`` function;
:data:`COMMANDS` lists them in the order ``--help`` shows them.  :func:`main` turns every
failure into one line on stderr and a documented exit code, never a traceback:

====  =====================================================================================
0     success
1     ``verify``: some claim is false; a closed output pipe (``gelu-math list | head``)
2     bad input: InputError (unknown name, parameter, digits, malformed expression or file),
      usage errors, paths that cannot be read or written, out of memory
3     could not certify: CertificationError, UnsupportedError, SymbolicTimeout
4     internal error (a bug): any other exception — "please report this with the command line"
      (with ``GELU_MATH_DEBUG=1`` in the environment the traceback is printed first)
130   interrupted (SIGINT)
143   terminated (SIGTERM); the report's worker processes are stopped too
====  =====================================================================================
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import threading
import traceback

# One BLAS thread per process, unless the user chose a number: gelu-math parallelises by process
# (report tasks, audit chunks), and BLAS threads on top of that oversubscribe the cores; on a loaded
# machine they spin against each other.  Measured on the 2-core machine with another job running:
# 100 products (128×784)·(784×128) take 2.7 s with OpenBLAS's 2 threads and 0.15 s with one, and
# `report --only relu` (the network Monte Carlo) 19.5 s against 6.8 s.  Products are computed the
# same way either way (OpenBLAS splits gemm by blocks of the output), so no result changes.  This
# must run before numpy is imported (OpenBLAS reads the variable once, when it is loaded).
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from ..errors import CertificationError, GeluMathError, SymbolicTimeout, UnsupportedError, one_line  # noqa: E402
from .common import Parser  # noqa: E402

EXIT_OK, EXIT_FALSE, EXIT_INPUT, EXIT_UNCERTIFIED, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_SIGINT, EXIT_SIGTERM = 128 + signal.SIGINT, 128 + signal.SIGTERM

DEBUG_ENV = "GELU_MATH_DEBUG"  # set (non-empty): an internal error also prints its traceback (for bug reports)

COMMANDS = ("analyze", "envelope", "verify", "audit", "plot", "report", "relax", "gauss", "approximate")  # modules under gelu_math.cli


def version() -> str:
    """The installed distribution's version (``gelu_math.__version__`` when not installed)."""
    try:
        from importlib.metadata import PackageNotFoundError, version as dist_version

        return dist_version("gelu-math")
    except (ImportError, PackageNotFoundError):
        from .. import __version__

        return __version__


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for (importlib.metadata costs
    ~20 ms at start-up, a tenth of a quick command's own work)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"gelu-math {version()}")
        parser.exit()


def build_parser() -> Parser:
    p = Parser(prog="gelu-math", description="Certified mathematics of GELU and related activations.")
    p.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in COMMANDS:
        importlib.import_module(f"{__name__}.{module}").register(sub)
    return p


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like KeyboardInterrupt (``finally`` blocks stop worker processes)."""


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(one_line(message), file=sys.stderr)
        sys.stderr.flush()


def _raise_terminated(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def _sigterm_unwinds():
    """While a command runs in the main thread, SIGTERM raises :class:`Terminated`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        old = signal.signal(signal.SIGTERM, _raise_terminated)
    except (ValueError, OSError):  # not settable here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _os_error(exc: OSError) -> str:
    where = f": {exc.filename}" if exc.filename else ""
    return f"gelu-math: error: {exc.strerror or exc}{where}"


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code (see the module docstring).  Never raises, never a traceback."""
    try:
        with _sigterm_unwinds():
            try:
                args = build_parser().parse_args(argv)
                return args.run(args)
            except SystemExit as exc:  # argparse's --help / --version, or a command's own exit
                code = exc.code
                if code is None or isinstance(code, int):
                    return code or 0
                _say(f"gelu-math: error: {code}")
                return EXIT_INPUT
            except (CertificationError, UnsupportedError, SymbolicTimeout) as exc:
                _say(f"gelu-math: not certified: {exc}")
                return EXIT_UNCERTIFIED
            except GeluMathError as exc:
                _say(f"gelu-math: error: {exc}")
                return EXIT_INPUT
            except BrokenPipeError:  # `gelu-math list | head`: the reader left; stay quiet
                with contextlib.suppress(OSError, ValueError):
                    devnull = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(devnull, sys.stdout.fileno())  # Python's final flush of stdout must not fail again
                return EXIT_FALSE
            except OSError as exc:  # a path that cannot be written or read: the user's input, one line
                _say(_os_error(exc))
                return EXIT_INPUT
            except MemoryError:
                _say("gelu-math: error: out of memory: the input needs more memory than is available")
                return EXIT_INPUT
            except Exception as exc:  # a bug: say so, in one line, with what to report
                if os.environ.get(DEBUG_ENV):
                    traceback.print_exc()
                _say(f"gelu-math: internal error: {type(exc).__name__}: {exc} — please report this with the "
                     f"command line")
                return EXIT_INTERNAL
    except KeyboardInterrupt:
        _say("gelu-math: interrupted")
        return EXIT_SIGINT
    except Terminated:
        _say("gelu-math: terminated")
        return EXIT_SIGTERM


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
