"""The claims checker: every kind gives true, false and undecided verdicts; bad files exit 2."""

from __future__ import annotations

import json
import pathlib

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gelu_math.claims import check_claims, claims_from_toml
from gelu_math.cli import main
from gelu_math.errors import InputError

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _gelu_minimum(dps: int = 50):
    """Independent reference: GELU′(x) = Φ(x) + xφ(x) = 0 solved by mpmath; returns (x*, GELU(x*))."""
    with mpmath.workdps(dps):
        d = lambda t: mpmath.ncdf(t) + t * mpmath.npdf(t)  # noqa: E731
        xs = mpmath.findroot(d, -0.75)
        return xs, xs * mpmath.ncdf(xs)


X_MIN, F_MIN = _gelu_minimum()


def claim(kind: str, cid: str = "c", **keys) -> str:
    lines = ["[[claim]]", f'id = "{cid}"', 'source = "test"', 'text = "a claim"', f'kind = "{kind}"']
    for k, v in keys.items():
        value = ("{" + ", ".join(f"{a} = {json.dumps(b)}" for a, b in v.items()) + "}") if isinstance(v, dict) \
            else json.dumps(v)
        lines.append(f"{k} = {value}")
    return "\n".join(lines) + "\n"


def verdicts(*docs: str) -> list[str]:
    return [v.verdict for v in check_claims(claims_from_toml("\n".join(docs)))]


def test_property_claims():
    assert verdicts(
        claim("property", "a", function="gelu", property="monotonic"),                 # min at -0.7518
        claim("property", "b", function="gelu", property="monotonic", holds=False),
        claim("property", "c", function="gelu", property="increasing", on=["-0.75", "inf"]),
        claim("property", "d", function="gelu", property="increasing", on=["-0.76", "inf"]),
        claim("property", "e", function="gelu", property="bounded_below", bound="-0.17"),  # min -0.16997...
        claim("property", "f", function="gelu", property="bounded_below", bound="-0.1699"),
        claim("property", "g", function="relu", property="convex"),
        claim("property", "h", function="relu", property="concave"),                   # kink turns up at 0
        claim("property", "i", function="relu", property="differentiable"),
        claim("property", "j", function="elu", property="differentiable"),              # ELU(alpha=1) is C^1
        claim("property", "k", function="gelu", property="even"),
    ) == ["false", "true", "true", "false", "true", "false", "true", "false", "false", "true", "false"]


def test_property_undecided_when_an_end_straddles_the_ball():
    # the decreasing/increasing boundary is x* = -0.75179152469356445745790...; a claimed end within
    # 1e-30 of it cannot be placed by 20-digit balls
    end = mpmath.nstr(X_MIN, 35, strip_zeros=False)
    assert verdicts(claim("property", function="gelu", property="increasing", on=[end, "inf"])) == ["undecided"]


def test_value_claims_true_false_undecided():
    near = mpmath.nstr(F_MIN, 35)  # within 1e-35 of the true minimum, but not equal to it
    assert verdicts(
        claim("value", "a", function="gelu", fact="minimum", approx="-0.17"),
        claim("value", "b", function="gelu", fact="minimum", approx="-0.1698"),       # -0.16997 rounds to -0.1700
        claim("value", "c", function="gelu", fact="minimum", equals=near),
        claim("value", "d", function="gelu", fact="argmin", within=["-0.76", "-0.75"]),
        claim("value", "e", function="silu", fact="argmin", equals="-1 - W(exp(-1))"),  # exact, proved
        claim("value", "f", function="gelu", fact="inflection_points", equals=["-sqrt(2)", "sqrt(2)"]),
        claim("value", "g", function="gelu", fact="inflection_points", equals=["sqrt(2)"]),
        claim("value", "h", function="relu", fact="maximum", equals="0"),                # sup +inf, not attained
        claim("value", "i", function="gelu", fact="derivative_at_0", equals="1/2"),
        claim("value", "j", function="gelu", fact="lipschitz", within=["0", "1"]),       # 1.1289...
    ) == ["true", "false", "undecided", "true", "true", "true", "false", "false", "true", "false"]


def test_zero_set_claims():
    assert verdicts(
        claim("zero_set", "a", function="gelu", on=["-inf", "0"]),                        # GELU'(x*) = 0
        claim("zero_set", "b", function="gelu", on=["-inf", "0"], zeros=["-0.7518"]),
        claim("zero_set", "c", function="gelu", on=["-inf", "0"], zeros=["-0.7519"]),
        claim("zero_set", "d", function="gelu", on=["0", "inf"]),
        claim("zero_set", "e", function="gelu", derivative=2, on=["-inf", "inf"], zeros=["-1.414", "1.414"]),
    ) == ["false", "true", "false", "true", "true"]


def test_coefficient_constant_identity_claims():
    pi35 = mpmath.nstr(mpmath.pi, 35)
    assert verdicts(
        claim("coefficient", "a", function="gelu_tanh", parameter="a", equals="0.044715"),
        claim("coefficient", "b", function="gelu_tanh", parameter="a", equals="0.047715"),
        claim("constant", "c", expr="sqrt(2/pi)", approx="0.7978845608"),
        claim("constant", "d", expr="sqrt(2/pi)", approx="0.7978845609"),
        claim("constant", "e", expr="pi", equals=pi35),               # pi - pi35 ~ 1e-35: its own ball decides
        claim("constant", "e2", expr="W(2*exp(2))", equals="2"),      # true, but not proved: no exact route
        claim("constant", "f", expr="sqrt(2/pi)", equals="sqrt(2)/sqrt(pi)"),
        claim("identity", "g", lhs="gelu(x)", rhs="x*Phi(x)"),
        claim("identity", "h", lhs="Phi(x)", rhs="sigmoid(1.702*x)"),
        claim("identity", "i", lhs="max(x, 100)", rhs="100"),                            # differ only for x > 100
        claim("identity", "j", lhs="x/2*(1 + tanh(x))", rhs="x*sigmoid(2*x)"),  # (1 + tanh x)/2 = σ(2x)
    ) == ["true", "false", "true", "false", "false", "undecided", "true", "true", "false", "undecided", "true"]


def test_evidence_is_printed_at_the_precision_of_the_check(tmp_path, capsys):
    # a claimed minimum that is off by ~3e-40 is false at 50 digits; the evidence must show it
    close = mpmath.nstr(F_MIN, 38)  # 38 significant digits: wrong beyond them
    path = tmp_path / "c.toml"
    path.write_text(claim("value", "m", function="gelu", fact="minimum", equals=close), encoding="utf-8")
    assert main(["verify", str(path), "--digits", "50"]) == 1
    out = capsys.readouterr().out
    with mpmath.workdps(60):
        assert mpmath.nstr(F_MIN, 45)[:-1] in out  # 44 correct digits of the true minimum are shown


def test_verdicts_carry_evidence():
    (v,) = check_claims(claims_from_toml(claim("value", function="gelu", fact="argmin", approx="-0.75")))
    ball = v.evidence.math[0].ball  # the certified argmin, which must contain the mpmath reference
    assert v.verdict == "true" and v.method == "certified"
    with mpmath.workdps(60):
        mid, rad = mpmath.mpf(ball.mid().str(50, radius=False)), mpmath.mpf(ball.rad().str(5, radius=False))
        assert abs(mid - X_MIN) <= rad + mpmath.mpf(10) ** -45 and rad < 1e-20


@pytest.mark.parametrize("text,message", [
    ("[[claim]\nid = 'x'", "malformed TOML"),
    ("", "no [[claim]] tables"),
    ("[claims]\nid = 1", "unknown top-level key"),
    (claim("guess", function="gelu"), "unknown kind 'guess'"),
    (claim("property", function="gelu"), "needs key 'property'"),
    (claim("property", function="gelu", property="monotonic", colour="red"), "unknown key 'colour'"),
    (claim("property", function="gelu", property="pretty"), "unknown property"),
    (claim("property", function="nope", property="monotonic"), "unknown function"),
    (claim("property", function="gelu", params={"tau": "1"}, property="monotonic"), "no parameter 'tau'"),
    (claim("value", function="gelu", fact="minimum"), "exactly one of"),
    (claim("value", function="gelu", fact="minimum", approx="about"), "approx expects a decimal"),
    (claim("value", function="gelu", fact="minimum", equals="__import__('os')"), "unexpected character"),
    (claim("identity", lhs="x.real", rhs="x"), "unexpected character"),
    (claim("zero_set", function="gelu", on=["1", "0"]), "is empty"),
    (claim("constant", expr="x", equals="1"), "not a real constant"),
    (claim("value", "a", function="gelu", fact="minimum", equals="0") * 2, "duplicate id"),
])
def test_bad_claims_files(text, message):
    with pytest.raises(InputError, match=".*" + message.replace("[", r"\[").replace("]", r"\]")
                       .replace("(", r"\(").replace(")", r"\)")):
        claims_from_toml(text)


def _file(tmp_path, text: str) -> str:
    p = tmp_path / "claims.toml"
    p.write_text(text)
    return str(p)


def test_cli_exit_codes(tmp_path, capsys):
    ok = _file(tmp_path, claim("constant", expr="sqrt(2/pi)", approx="0.7978845608"))
    assert main(["verify", ok]) == 0
    assert "[TRUE]" in capsys.readouterr().out
    bad = _file(tmp_path, claim("coefficient", function="gelu_tanh", parameter="a", equals="0.047715"))
    assert main(["verify", bad, "--json"]) == 1
    j = json.loads(capsys.readouterr().out)
    assert j["summary"] == {"true": 0, "false": 1, "undecided": 0} and j["claims"][0]["verdict"] == "false"
    undecided = _file(tmp_path, claim("identity", lhs="max(x, 100)", rhs="100"))
    assert main(["verify", undecided]) == 0  # undecided is reported, not a failure
    capsys.readouterr()
    for argv in (["verify", _file(tmp_path, claim("magic"))], ["verify", str(tmp_path / "missing.toml")],
                 ["verify"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("gelu-math: error:") and err.count("\n") == 1


def test_claims_may_use_user_functions(tmp_path, capsys):
    funcs = tmp_path / "f.toml"
    funcs.write_text('[function.parab]\nexpr = "x^2 - 2*x"\n')
    path = _file(tmp_path, claim("value", function="parab", fact="minimum", equals="-1"))
    assert main(["verify", path, "--functions", str(funcs)]) == 0
    assert "[TRUE]" in capsys.readouterr().out


def test_an_unprovable_tail_is_undecided_with_the_claims_remedy(tmp_path, capsys, forget_user_functions):
    # the envelope command's remedy is --domain; verify has no such option, a claim has a `domain` key —
    # and an undecided verdict from an uncertifiable fact is not labelled "certified" (found in review)
    funcs = tmp_path / "f.toml"
    funcs.write_text('[function.tailless]\nexpr = "x*sigmoid(k*x) + erf(x)*exp(-x^2)*log(1+x^2)/10^6"\n'
                     'params = { k = "1.702" }\n')
    path = _file(tmp_path, claim("envelope", approximation="tailless", reference="gelu", below="0.03"))
    assert main(["verify", path, "--functions", str(funcs), "--json"]) == 0
    v = json.loads(capsys.readouterr().out)["claims"][0]
    assert v["verdict"] == "undecided" and v["method"] == "not certified"
    assert v["evidence"].endswith("give the claim a bounded domain = [L, U]") and "--domain" not in v["evidence"]


def test_shipped_report_is_current(capsys):
    """proofs/claims.md is exactly what the documented command prints (deterministic, not stale)."""
    assert main(["verify", "proofs/claims.toml", "--markdown"]) == 1  # the file contains false claims
    assert capsys.readouterr().out == (ROOT / "proofs" / "claims.md").read_text()


def _sigmoid_envelope_reference(dps: int = 40):
    """sup_x |x·σ(1.702x) − x·Φ(x)| by mpmath: grid scan, then the root of e′ (independent of the engine)."""
    with mpmath.workdps(dps):
        k = mpmath.mpf(1702) / 1000
        e = lambda t: t / (1 + mpmath.exp(-k * t)) - t * mpmath.ncdf(t)  # noqa: E731
        t0 = max((mpmath.mpf(i) / 100 for i in range(-800, 801)), key=lambda t: abs(e(t)))
        t_star = mpmath.findroot(lambda t: mpmath.diff(e, t), t0)
        return abs(e(t_star))


def test_envelope_claims():
    sup = _sigmoid_envelope_reference()  # 0.02033487220923923...
    near = mpmath.nstr(sup, 35)
    assert verdicts(
        claim("envelope", "a", approximation="gelu_sigmoid", below="0.03"),
        claim("envelope", "b", approximation="gelu_sigmoid", below="0.01"),
        claim("envelope", "c", approximation="gelu_sigmoid", approx="0.02"),
        claim("envelope", "d", approximation="gelu_sigmoid", equals=near),   # within 1e-35: ball cannot decide
        claim("envelope", "e", approximation="relu", reference="gelu", within=["0", "1"]),  # sup = 0.1700 at -0.75
    ) == ["true", "false", "true", "undecided", "true"]


def test_envelope_claims_take_every_derivative_the_command_takes():
    # third derivatives, sup |A‴ − GELU‴| of the tanh form: mpmath numerical differentiation on a grid
    # around its maximiser (≈ ±1.996), independent of the engine; the command's range 0..4 holds for claims
    with mpmath.workdps(30):
        c = mpmath.sqrt(2 / mpmath.pi)
        e = lambda t: t / 2 * (1 + mpmath.tanh(c * (t + mpmath.mpf("0.044715") * t**3))) - t * mpmath.ncdf(t)  # noqa: E731
        sup = max(abs(mpmath.diff(e, mpmath.mpf(i) / 1000, 3)) for i in range(1900, 2100))
    assert mpmath.mpf("0.0057") < sup < mpmath.mpf("0.0058")
    assert verdicts(claim("envelope", "k3", approximation="gelu_tanh", derivative=3, within=["0.0057", "0.0058"]),
                    claim("envelope", "k3b", approximation="gelu_tanh", derivative=3, below="0.0057")) == ["true", "false"]
    with pytest.raises(InputError, match=r"derivative must be an integer 0\.\.4"):
        claims_from_toml(claim("envelope", "k5", approximation="gelu_tanh", derivative=5, below="1"))


CLAIM_TOKENS = ['[[claim]]', '\n', 'id = "a"', 'id = "b"', 'source = "s"', 'text = "t"', 'kind = "value"',
                'kind = "identity"', 'kind = "zero_set"', 'kind = "nope"', 'function = "gelu"', 'function = 3',
                'fact = "minimum"', 'equals = "__import__(\'os\')"', 'equals = "x.real"', 'approx = "-0.17"',
                'within = ["1", "0"]', 'lhs = "lambda: x"', 'rhs = "x"', 'lhs = "x**99999999"', 'on = ["-inf", "0"]',
                '=', '"', '[', ']', '{', '}', 'zeros = [1e400]', 'equals = "' + "(" * 300 + '"']


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(st.sampled_from(CLAIM_TOKENS), max_size=25).map("".join)))
def test_fuzz_claims_files_only_load_or_raise_input_errors(text):
    try:
        claims = claims_from_toml(text)
    except InputError:
        return
    assert all(c.kind in ("value", "identity", "zero_set") for c in claims)


def test_identity_claims_may_call_user_functions(tmp_path, capsys):
    funcs = tmp_path / "f.toml"
    funcs.write_text('[function.xsig2c]\nexpr = "x*sigmoid(2*x)"\n', encoding="utf-8")
    path = tmp_path / "c.toml"
    path.write_text(claim("identity", "u", lhs="xsig2c(x)", rhs="x/2*(1 + tanh(x))"), encoding="utf-8")
    assert main(["verify", str(path), "--functions", str(funcs)]) == 0
    out = capsys.readouterr().out
    assert "[TRUE] u" in out and out.rstrip().endswith("1 claim: 1 true, 0 false, 0 undecided")


def test_identity_sides_must_be_defined_on_the_line():
    # (x² − 1)/(x − 1) = x + 1 only where x ≠ 1: not an identity of functions on ℝ
    for lhs, rhs in (("log(x) + log(x)", "2*log(x)"), ("(x^2 - 1)/(x - 1)", "x + 1")):
        with pytest.raises(InputError, match="for every real x"):
            claims_from_toml(claim("identity", "i", lhs=lhs, rhs=rhs))


def test_toml_floats_are_read_as_written():
    # A bare TOML float was read as its double's shortest repr: `within = [1.4, 1.414213562373095048]` became
    # [1.4, 1.4142135623730951] and held for √2 = 1.41421356237309504880…, while the same claim with strings
    # failed; `approx = 1.1290` lost the 0 that sets its width (an independent review).  Now both forms agree.
    floats = "[[claim]]\nid = \"f\"\nsource = \"t\"\ntext = \"t\"\nkind = \"constant\"\nexpr = \"sqrt(2)\"\n" \
             "within = [1.4, 1.414213562373095048]\n"
    strings = floats.replace('id = "f"', 'id = "s"').replace("[1.4, 1.414213562373095048]",
                                                            '["1.4", "1.414213562373095048"]')
    assert verdicts(floats) == verdicts(strings) == ["false"]
    # sup|f′| of GELU = 1.12890414518515…: "≈ 1.1290" means [1.12895, 1.12905] (false), "≈ 1.129" [1.1285, 1.1295]
    lip = claim("value", function="gelu", fact="lipschitz", approx="X").replace('"X"', "1.1290")
    assert verdicts(lip) == verdicts(claim("value", function="gelu", fact="lipschitz", approx="1.1290")) == ["false"]
    assert verdicts(claim("value", function="gelu", fact="lipschitz", approx="1.129")) == ["true"]
    # underscores as TOML allows them, and a float id stays an error
    assert verdicts(claim("constant", expr="1/10", approx="X").replace('"X"', "0.100_0")) == ["true"]
    with pytest.raises(InputError):
        claims_from_toml(claim("constant", expr="1/10", approx="0.1").replace('id = "c"', "id = 1.5"))
