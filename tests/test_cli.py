"""The CLI's normal paths: list, analyze text and JSON."""

from __future__ import annotations

import json

from gelu_math import names
from gelu_math.cli import main


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in names():
        assert name in out
    assert "quick_gelu" in out and "swish" in out


def test_analyze_json_schema(capsys):
    assert main(["analyze", "gelu", "--json", "--digits", "12"]) == 0
    j = json.loads(capsys.readouterr().out)
    for key in ("name", "parameters", "definition", "derivatives", "limits", "asymptotes", "range",
                "stationary_points", "inflection_points", "monotonicity", "convexity", "convexity_kinks",
                "smoothness", "lipschitz", "taylor"):
        assert key in j, key
    assert set(j["definition"]) == {"sympy", "latex"}
    assert set(j["derivatives"][0]) == {"order", "sympy", "latex"}
    assert set(j["range"]) == {"inf", "sup", "inf_attained", "sup_attained"}
    assert set(j["stationary_points"][0]) == {"x", "value", "kind"}
    assert set(j["stationary_points"][0]["x"]) == {"exact", "mid", "rad"}
    assert set(j["smoothness"]) >= {"class", "analytic", "breakpoints"}
    assert set(j["lipschitz"]) == {"f", "fprime"} and set(j["taylor"]) >= {"order", "sympy"}


def test_analyze_text_with_param(capsys):
    assert main(["analyze", "quick_gelu", "--param", "k=1.702", "--digits", "10"]) == 0
    out = capsys.readouterr().out
    assert "minimum at x =" in out and "k=851/500" in out


def test_closed_pipe_and_unwritable_paths_are_not_tracebacks(tmp_path, capsys):
    import subprocess
    import sys

    # the reader closes the pipe before gelu-math writes (`gelu-math list | head -0`)
    p = subprocess.Popen([sys.executable, "-m", "gelu_math", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait() == 1 and "Traceback" not in err and err == ""
    missing = tmp_path / "no" / "such" / "dir" / "c.pdf"
    assert main(["plot", "compare", "relu", "--out", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gelu-math: error:") and str(missing) in err
