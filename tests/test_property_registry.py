"""The property registry: a new property is one module plus one registration, and then appears in
``analyze --json``, the text output, all three report formats, ``verify`` and ``gelu_math.testing``
(README: "Adding a property").  The toy property here is f(1) and f(1)² of ReLU: 1 and 1 (by hand)."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from gelu_math import engine, properties
from gelu_math.certified.numbers import exact_number
from gelu_math.claims import check as claims_check
from gelu_math.cli import main
from gelu_math.definitions.symbols import x
from gelu_math.facts import Fact, Method, Step
from gelu_math.values import Record


def _value_at_1(ctx):
    v = sp.simplify(ctx.pieces.at(sp.Integer(1)))
    n, sq = exact_number(v, ctx.digits), exact_number(v ** 2, ctx.digits)
    return Fact("toy_value_at_1", "{0} = {1}", Record(value=n, square=sq), Method.EXACT,
                (Step("Substitute x = 1 into {0}.", (ctx.instance.expr,)),), (sp.Function("f")(1), n))


TOY = properties.Property("toy_value_at_1", "Value at 1 (toy)", "Toy section", _value_at_1,
                          references=("a toy reference",),
                          columns=(properties.Column.at("f(1)² (toy)", "square", position=1.5),))


@pytest.fixture
def toy():
    engine._CACHE.clear()
    claims_check.analysis.cache_clear()
    properties.register(TOY)
    try:
        yield TOY
    finally:
        properties.unregister(TOY.key)
        properties.SECTIONS.remove("Toy section")
        engine._CACHE.clear()
        claims_check.analysis.cache_clear()


def test_a_registered_property_reaches_every_output(toy, capsys, tmp_path):
    # analyze --json
    assert main(["analyze", "relu", "--json", "--digits", "10"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["toy_value_at_1"]["value"] == {"exact": "1", "mid": "1", "rad": "0"}
    assert out["methods"]["toy_value_at_1"] == "exact"
    # text
    assert main(["analyze", "relu", "--digits", "10"]) == 0
    text = capsys.readouterr().out
    assert "  toy value at 1 [exact]:\n    value: 1\n    square: 1\n" in text
    # the three report formats: its own section, title, statement and reference
    from gelu_math.render.report import derive, render_derived

    files, cells = render_derived(derive("relu", digits=10, order=2, approximations=False),
                                  formats=("md", "html", "tex"))
    assert "## Toy section" in files["relu.md"] and "### Value at 1 (toy)" in files["relu.md"]
    assert "a toy reference" in files["relu.md"]
    assert "Value at 1 (toy)" in files["relu.html"] and "Toy section" in files["relu.html"]
    assert "Value at 1 (toy)" in files["relu.tex"] and "a toy reference" in files["relu.tex"]
    # its column in the comparison matrix, placed by its position (after f(0) at 1, before f′(0) at 2)
    from gelu_math.render.report.build import comparison_columns

    headers = comparison_columns()
    assert headers[1:4] == ("f(0)", "f(1)² (toy)", "f′(0)")
    assert cells["md"][2] == "$1$" and len(cells["md"]) == len(headers)
    # verify: a value claim by its path
    claims = tmp_path / "c.toml"
    claims.write_text('[[claim]]\nid = "t"\nsource = "s"\ntext = "f(1) = 1"\nkind = "value"\nfunction = "relu"\n'
                      'fact = "toy_value_at_1.square"\nequals = "1"\n'
                      '[[claim]]\nid = "u"\nsource = "s"\ntext = "f(1) = 2"\nkind = "value"\nfunction = "relu"\n'
                      'fact = "toy_value_at_1.value"\nequals = "2"\n', encoding="utf-8")
    assert main(["verify", str(claims), "--json", "--digits", "10"]) == 1  # one claim is false
    verdicts = {v["id"]: v["verdict"] for v in json.loads(capsys.readouterr().out)["claims"]}
    assert verdicts == {"t": "true", "u": "false"}
    # gelu_math.testing
    from gelu_math.testing import assert_fact

    assert_fact("relu", "toy_value_at_1.value", equals="1", digits=10)
    with pytest.raises(AssertionError):
        assert_fact("relu", "toy_value_at_1.value", within=("1.5", "2"), digits=10)


def test_unknown_property_paths_are_input_errors(capsys, tmp_path):
    claims = tmp_path / "c.toml"
    claims.write_text('[[claim]]\nid = "t"\nsource = "s"\ntext = "?"\nkind = "value"\nfunction = "relu"\n'
                      'fact = "no_such_property.value"\nequals = "1"\n', encoding="utf-8")
    assert main(["verify", str(claims)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown property 'no_such_property'" in err
    claims.write_text('[[claim]]\nid = "t"\nsource = "s"\ntext = "?"\nkind = "value"\nfunction = "relu"\n'
                      'fact = "boundedness.below"\nequals = "1"\n', encoding="utf-8")
    assert main(["verify", str(claims)]) == 2
    assert "is not a number (its value is of type bool)" in capsys.readouterr().err


def test_registration_rules():
    with pytest.raises(Exception, match="registered already"):
        properties.register(properties.get_property("range"))
    with pytest.raises(Exception, match="depends on unregistered"):
        properties.register(properties.Property("p", "P", "S", lambda c: None, depends=("nope",)))
    with pytest.raises(Exception, match="needed by"):
        properties.unregister("range")  # boundedness depends on it
    # the registry is the engine's order of computation: every dependency comes first
    seen = set()
    for p in properties.registered():
        assert set(p.depends) <= seen, p.key
        seen.add(p.key)


def test_every_registered_property_has_a_printer_for_its_value():
    # a property's value type must be printable by every back end (JSON, text, report claims)
    from gelu_math.render.json_out import JsonPrinter
    from gelu_math.render.report.build import ClaimPrinter
    from gelu_math.render.text import TextPrinter

    a = engine.analyze("gelu", digits=10, order=2)
    for p in properties.registered():
        if p.key not in a.facts:
            continue
        fact = a.facts[p.key]
        json.dumps(JsonPrinter(10).entries(p, fact))
        assert TextPrinter(10).body(p, fact)
        assert ClaimPrinter().claim(p, fact).title == p.title
    assert x in a.instance.expr.free_symbols


def test_extended_properties_reach_json_verify_and_testing(capsys, tmp_path):
    # ReLU under Z ~ N(0, 1): E max(Z, 0) = φ(0) = 1/√(2π), E max(Z, 0)² = 1/2 (by symmetry), so the
    # rms gain is √2 (He et al. 2015) — by hand, not by the code under test
    assert main(["analyze", "relu", "--json", "--digits", "10", "--extended"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["gaussian"]["moments"]["second"]["exact"] == "1/2"
    assert out["gaussian"]["gains"]["rms"]["exact"] == "sqrt(2)"
    # ReLU on [-1, 2]: the minimax line has the chord's slope 2/3; both sound lines are 2x/3 + b with
    # largest gap exactly 2/3 (at x = -1 and 2 below, at x = 0 above)
    row = next(r for r in out["relaxations"] if r["on"] == ["-1", "2"])
    assert abs(float(row["slope"]["mid"]) - 2 / 3) < 1e-12
    for key in ("gap_lower", "gap_upper"):
        assert 2 / 3 <= float(row[key]["mid"]) <= 2 / 3 * (1 + 1e-5)
    assert main(["analyze", "relu", "--json", "--digits", "10"]) == 0  # costly ones only when asked for
    assert "gaussian" not in json.loads(capsys.readouterr().out)
    claims = tmp_path / "c.toml"
    claims.write_text('[[claim]]\nid = "he"\nsource = "He et al. 2015"\ntext = "ReLU needs gain sqrt(2)"\n'
                      'kind = "value"\nfunction = "relu"\nfact = "gaussian.gains.rms"\nequals = "sqrt(2)"\n'
                      '[[claim]]\nid = "selu"\nsource = "torch calculate_gain"\ntext = "SELU gain 3/4 preserves the '
                      'variance"\nkind = "value"\nfunction = "selu"\nfact = "gaussian.gains.std"\nequals = "3/4"\n',
                      encoding="utf-8")
    assert main(["verify", str(claims), "--json", "--digits", "10"]) == 1
    verdicts = {v["id"]: v["verdict"] for v in json.loads(capsys.readouterr().out)["claims"]}
    assert verdicts == {"he": "true", "selu": "false"}  # SELU's std gain is 1 (self-normalising), not 3/4
    from gelu_math.testing import assert_fact

    assert_fact("relu", "gaussian.moments.mean", equals="1/sqrt(2*pi)", digits=10)


def test_the_readme_example_runs_as_written(capsys):
    # the README's "Adding a property" block, executed as it is printed there (our own document,
    # not user input), then checked in the JSON and the comparison matrix
    import pathlib
    import re

    text = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Adding a property.*?```python\n(.*?)```", text, re.S).group(1)
    assert "register(Property(\"value_at_1\"" in block
    engine._CACHE.clear()
    exec(compile(block, "README.md:Adding a property", "exec"), {"__name__": "my_property"})
    try:
        assert main(["analyze", "relu", "--json", "--digits", "10"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["value_at_1"]["value"] == {"exact": "1", "mid": "1", "rad": "0"}  # ReLU(1) = 1 by hand
        from gelu_math.render.report.build import comparison_columns

        assert comparison_columns()[1:4] == ("f(0)", "f(1)", "f′(0)")
    finally:
        properties.unregister("value_at_1")
        engine._CACHE.clear()
        claims_check.analysis.cache_clear()
