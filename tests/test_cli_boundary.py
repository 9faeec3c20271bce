"""The command line's error boundary: every failure is one line on stderr and a documented exit code.

Exit codes (gelu_math/cli/__init__.py): 0 ok, 1 false claim / closed pipe, 2 bad input, 3 could not
certify, 4 internal error, 130 SIGINT, 143 SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from gelu_math import cli
from gelu_math.cli import EXIT_INPUT, EXIT_INTERNAL, EXIT_SIGINT, EXIT_SIGTERM, EXIT_UNCERTIFIED, main, one_line
from gelu_math.errors import CertificationError, ExpressionError, SymbolicTimeout, UnsupportedError

from .conftest import mounted_tmpfs


def _one_line_err(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err, err
    return err


def _command_raising(monkeypatch, exc: BaseException):
    """Make ``gelu-math list`` raise ``exc`` (the boundary is the same for every command)."""
    from gelu_math.cli import analyze

    def boom(args):
        raise exc

    monkeypatch.setattr(analyze, "_run_list", boom)


def test_version(capsys):
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"gelu-math {version('gelu-math')}\n"


@pytest.mark.parametrize("exc, code, prefix", [
    (ExpressionError("bad\n  input"), EXIT_INPUT, "gelu-math: error: bad input"),
    (CertificationError("no certified\nanswer"), EXIT_UNCERTIFIED, "gelu-math: not certified: no certified answer"),
    (UnsupportedError("outside"), EXIT_UNCERTIFIED, "gelu-math: not certified: outside"),
    (SymbolicTimeout("limit ran past 60 s"), EXIT_UNCERTIFIED, "gelu-math: not certified: limit ran past 60 s"),
    (MemoryError(), EXIT_INPUT, "gelu-math: error: out of memory"),
    (RecursionError("maximum recursion depth exceeded"), EXIT_INTERNAL, "gelu-math: internal error: RecursionError"),
    (ZeroDivisionError("division by zero"), EXIT_INTERNAL,
     "gelu-math: internal error: ZeroDivisionError: division by zero — please report this with the command line"),
    (OSError(28, "No space left on device", "out/gelu.html"), EXIT_INPUT,
     "gelu-math: error: No space left on device: out/gelu.html"),
])
def test_every_failure_is_one_line_with_its_code(monkeypatch, capsys, exc, code, prefix):
    _command_raising(monkeypatch, exc)
    assert main(["list"]) == code
    assert _one_line_err(capsys).startswith(prefix)


def test_long_message_is_joined_not_cut(monkeypatch, capsys):
    # the old boundary kept splitlines()[0]: "… (x\n + 1)" lost its second half
    _command_raising(monkeypatch, CertificationError("cannot bound exp(x\n    + 1)\n\tfor x → +∞"))
    assert main(["list"]) == EXIT_UNCERTIFIED
    assert _one_line_err(capsys) == "gelu-math: not certified: cannot bound exp(x + 1) for x → +∞\n"
    assert one_line(" a \n\n b\r\n c ") == "a b c"


def test_interrupt_and_terminate(monkeypatch, capsys):
    _command_raising(monkeypatch, KeyboardInterrupt())
    assert main(["list"]) == EXIT_SIGINT == 130
    assert _one_line_err(capsys) == "gelu-math: interrupted\n"

    from gelu_math.cli import analyze

    def terminated(args):
        os.kill(os.getpid(), signal.SIGTERM)
        signal.sigtimedwait([], 0)  # let the handler run (it raises)
        raise AssertionError("SIGTERM did not unwind the command")

    monkeypatch.setattr(analyze, "_run_list", terminated)
    before = signal.getsignal(signal.SIGTERM)
    assert main(["list"]) == EXIT_SIGTERM == 143
    assert _one_line_err(capsys) == "gelu-math: terminated\n"
    assert signal.getsignal(signal.SIGTERM) is before  # the handler is scoped to the command


@pytest.mark.parametrize("digits", ["٣", "𝟎", "５", "1_0", "+5", " 5", "5 ", "0x10", "1e3", "", "9" * 5000])
def test_integer_options_take_ascii_digits_only(capsys, digits):
    # int() accepts Arabic-Indic, mathematical bold and fullwidth digits, underscores and signs
    assert main(["analyze", "relu", "--digits", digits]) == EXIT_INPUT
    assert "expects an integer" in _one_line_err(capsys)


@pytest.mark.parametrize("digits", ["-1", "0", "1001"])
def test_verify_checks_digits_even_for_constant_claims(tmp_path, capsys, digits):
    path = tmp_path / "c.toml"
    path.write_text('[[claim]]\nid = "c"\nsource = "test"\ntext = "a claim"\nkind = "constant"\nexpr = "sqrt(2)"\n'
                    'approx = "1.41421356"\n')
    assert main(["verify", str(path), "--digits", digits]) == EXIT_INPUT
    assert "digits must be between 1 and 1000" in _one_line_err(capsys)
    assert main(["verify", str(path), "--digits", "10"]) == 0


def test_report_into_the_current_directory_says_so(monkeypatch, tmp_path, capsys):
    import gelu_math.render.report as report

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(report, "generate", lambda out, **kw: ["index.md", "comparison.md"])
    assert main(["report", "--out", ""]) == 0
    assert capsys.readouterr().out == "wrote 2 files to ./\n"
    assert main(["report", "--out", "proofs"]) == 0
    assert capsys.readouterr().out == "wrote 2 files to proofs/\n"


def _fail_if_computed(*args, **kw):
    raise AssertionError("computation started before the output place was checked")


def test_wrong_out_is_reported_before_any_work(monkeypatch, tmp_path, capsys):
    import gelu_math.render.report as report
    from gelu_math import plots

    monkeypatch.setattr(report, "_run", _fail_if_computed)
    monkeypatch.setattr(report, "_run_parallel", _fail_if_computed)
    monkeypatch.setattr(plots, "build", _fail_if_computed)
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    for argv in (["report", "--only", "relu", "--figures", "", "--out", str(a_file)],
                 ["report", "--only", "relu", "--figures", "", "--out", str(a_file / "sub")],
                 ["report", "--only", "relu", "--out", str(tmp_path / "ok"), "--figures", str(a_file)],
                 ["plot", "compare", "--out", str(a_file / "c.pdf")],
                 ["plot", "compare", "--out", str(tmp_path / "missing" / "c.pdf")],
                 ["plot", "compare", "--out", ""], ["plot", "compare", "--out", "  "]):
        assert main(argv) == EXIT_INPUT, argv
        err = _one_line_err(capsys)
        assert err.startswith("gelu-math: error:")
        assert "--out is empty" in err if not argv[-1].strip() else \
            str(a_file if "a_file" in " ".join(argv) else tmp_path) in err


@pytest.fixture
def read_only_dir(tmp_path):
    """A read-only file system (root ignores permission bits, so chmod would not do)."""
    d = tmp_path / "ro"
    d.mkdir()
    with mounted_tmpfs(d, "size=64k,ro") as mounted:
        if mounted:
            yield d
            return
    if os.geteuid() == 0:
        pytest.skip("cannot mount a read-only tmpfs here")
    d.chmod(0o555)
    yield d
    d.chmod(0o755)


def test_read_only_out_is_reported_at_once(monkeypatch, read_only_dir, capsys):
    import gelu_math.render.report as report
    from gelu_math import plots

    monkeypatch.setattr(report, "_run", _fail_if_computed)
    monkeypatch.setattr(report, "_run_parallel", _fail_if_computed)
    monkeypatch.setattr(plots, "build", _fail_if_computed)
    for argv in (["report", "--only", "relu", "--figures", "", "--out", str(read_only_dir)],
                 ["report", "--only", "relu", "--figures", "", "--out", str(read_only_dir / "new")],
                 ["plot", "compare", "--out", str(read_only_dir / "c.pdf")]):
        assert main(argv) == EXIT_INPUT, argv
        err = _one_line_err(capsys)
        assert "Read-only file system" in err or "Permission denied" in err
        assert str(read_only_dir) in err


def test_subprocess_internal_error_has_no_traceback(tmp_path):
    # a bug deep inside a command, in a real process: one line, exit 4
    code = ("import sys, gelu_math.cli.analyze as a\n"
            "def boom(args): return {}['missing']\n"
            "a._run_list = boom\n"
            "from gelu_math.cli import main\n"
            "sys.exit(main(['list']))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == EXIT_INTERNAL and r.stdout == ""
    assert r.stderr == "gelu-math: internal error: KeyError: 'missing' — please report this with the command line\n"


def test_exit_codes_are_documented():
    doc = cli.__doc__
    for code in ("0 ", "1 ", "2 ", "3 ", "4 ", "130", "143"):
        assert f"\n{code}" in doc


def test_plot_derivatives_of_a_user_function_with_many_extrema(tmp_path, capsys):
    # issue 15: `plot derivatives` of a user function failed inside matplotlib (numpy LinAlgError): a legend
    # that spelled out every extremum grew wider than the figure and the constrained layout collapsed
    import warnings

    pytest.importorskip("matplotlib")
    from gelu_math import plots

    funcs = tmp_path / "f.toml"
    funcs.write_text('[function.wavy]\nexpr = "x*(x^2-1)*(x^2-4)*(x^2-9)*(x^2-1/4)*(x^2-9/4)"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "constrained_layout not applied because axes sizes collapsed to zero"
        assert main(["plot", "derivatives", "wavy", "--functions", str(funcs), "--out", str(tmp_path / "w.svg")]) == 0
        assert capsys.readouterr().out == f"{tmp_path / 'w.svg'}\n"
        fig = plots.build("derivatives", ["wavy"])
        fig.canvas.draw()
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    # f′ = 0 has 10 real roots, 9 of them in the plotted [-4, 3]: counted, not listed
    assert any(t.endswith(" minima") or t.endswith(" maxima") for t in texts), texts
    assert all(t.count("x ") <= 2 and t.count("x =") + t.count("x \\approx") <= 2 for t in texts), texts
    legend = ax.get_legend().get_window_extent()
    assert fig.bbox.x0 <= legend.x0 and legend.x1 <= fig.bbox.x1  # inside the figure


def test_debug_environment_prints_the_traceback_of_an_internal_error(monkeypatch, capsys):
    _command_raising(monkeypatch, ZeroDivisionError("division by zero"))
    monkeypatch.setenv("GELU_MATH_DEBUG", "1")
    assert main(["list"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("Traceback")
    assert err.splitlines()[-1].startswith("gelu-math: internal error: ZeroDivisionError")
    monkeypatch.delenv("GELU_MATH_DEBUG")
    assert main(["list"]) == EXIT_INTERNAL and "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("argv, where", [
    (["gauss", "relu", "--mean", "-1/2", "--digits", "8"], "N(-1/2, 1^2)"),      # a negative fraction
    (["gauss", "relu", "--mean", "-1e-1", "--digits", "8"], "N(-1/10, 1^2)"),    # a negative exponent form
    (["gauss", "relu", "--rho", "-1/3", "--digits", "8"], "rho = -1/3"),
])
def test_negative_values_after_a_space_are_values(capsys, argv, where):
    # argparse alone reads only -5 and -.5 as numbers and took '-1/2' for an option ("--mean: expected one
    # argument"); a word starting with a minus and a digit is now the option's value
    assert main(argv) == 0
    assert where in capsys.readouterr().out


def test_a_negative_value_is_still_checked(capsys):
    assert main(["criticality", "gelu", "--sigma-b", "-1/10"]) == 2
    assert "sigma_b must be >= 0, got -1/10" in _one_line_err(capsys)
