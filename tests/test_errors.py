"""Bad input: typed exceptions in the API; one line and exit code 2 from the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gelu_math import (ParameterError, PrecisionError, UnknownFunctionError, analyze, get)
from gelu_math.cli import main


@pytest.mark.parametrize("call,exc", [
    (lambda: get("gleu"), UnknownFunctionError),
    (lambda: get("gelu", {"tau": "1"}), ParameterError),
    (lambda: get("gelu", {"sigma": "0"}), ParameterError),
    (lambda: get("gelu", {"sigma": "-1"}), ParameterError),
    (lambda: get("gelu", {"sigma": "__import__('os')"}), ParameterError),
    (lambda: get("hardtanh", {"min_val": "2"}), ParameterError),
    (lambda: analyze("relu", digits=0), PrecisionError),
    (lambda: analyze("relu", digits=1001), PrecisionError),
    (lambda: analyze("relu", order=13), PrecisionError),
])
def test_api_raises_typed_errors(call, exc):
    with pytest.raises(exc):
        call()


def test_unknown_name_suggests():
    with pytest.raises(UnknownFunctionError, match="gelu"):
        get("gelu_tahn")


@pytest.mark.parametrize("argv", [
    ["analyze", "nosuch"], ["analyze", "gelu", "--param", "sigma=0"], ["analyze", "gelu", "--param", "sigma"],
    ["analyze", "gelu", "--digits", "5000"], ["analyze", "gelu", "--digits", "ten"],
    ["analyze", "gelu", "--order", "0"], ["analyze", "gelu", "--param", "mu=exec('1')"], ["frobnicate"], [],
    ["analyze", "gelu", "--param", "mu=1", "--param", "mu=2"],
])
def test_cli_bad_input_one_line_exit_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gelu-math: error:") and "Traceback" not in err


def test_cli_subprocess_no_traceback():
    r = subprocess.run([sys.executable, "-m", "gelu_math", "analyze", "gelu", "--param", "sigma=-2"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [r.stderr.strip()]
