"""The ``relax`` claim kind of ``gelu-math verify``: a claimed linear bound of f on [L, U] is true (proved
sound), false (a certified point where it crosses f, or a largest gap certainly above the claimed bound)
or undecided.  Independent references: mpmath (GELU = x·ncdf(x), findroot) at 50 digits."""

from __future__ import annotations

import json

import mpmath as mp
import pytest

from gelu_math.claims import check_claims, claims_from_toml
from gelu_math.claims.spec import RELAX_MAX_END
from gelu_math.cli import main
from gelu_math.errors import InputError
from gelu_math.relax.linear import MAX_ABS_END


def claim(cid: str = "c", **keys) -> str:
    lines = ["[[claim]]", f'id = "{cid}"', 'source = "test"', 'text = "a relaxation"', 'kind = "relax"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in keys.items()]
    return "\n".join(lines) + "\n"


def check(*docs):
    return check_claims(claims_from_toml("\n".join(docs)))


def gelu(t):
    return t * mp.ncdf(t)


def test_sound_lines_and_their_gaps():
    with mp.workdps(50):
        # min over [-1, 2] of GELU(x) - 0.7x + 0.03: GELU'(x) = 0.7 at x = 0.25618549...: 0.00466227997597...
        t = mp.findroot(lambda v: mp.ncdf(v) + v * mp.npdf(v) - mp.mpf("0.7"), 0.25)
        gmin = gelu(t) - mp.mpf("0.7") * t + mp.mpf("0.03")
        # its largest gap is at the end x = 2: 2·Phi(2) - 1.37 = 0.58449973610...
        gmax = gelu(mp.mpf(2)) - mp.mpf("1.37")
        assert max(gelu(mp.mpf(-1)) + mp.mpf("0.73"), gelu(mp.mpf("0.5")) - mp.mpf("0.32")) < gmax
    line = {"function": "gelu", "on": ["-1", "2"], "lower": ["0.7", "-0.03"]}
    vs = check(claim("a", **line), claim("b", gap="0.59", **line), claim("c", gap="0.58", **line),
               claim("d", gap="2*Phi(2) - 1.37", **line))
    assert [v.verdict for v in vs] == ["true", "true", "false", "undecided"]
    gap_min, gap_max = vs[0].evidence.math[3], vs[0].evidence.math[4]
    with mp.workdps(50):
        for n, ref in ((gap_min, gmin), (gap_max, gmax)):
            mid = mp.mpf(n.ball.mid().str(40, radius=False))
            rad = mp.mpf(n.ball.rad().str(5, radius=False))
            assert abs(mid - ref) <= rad + mp.mpf(10) ** -30 and rad < 1e-15


def test_crossing_lines_are_false_with_a_certified_witness():
    (v,) = check(claim(function="gelu", on=["-1", "2"], lower=["0.7", "0"], upper=["0.7", "0.6"]))
    assert v.verdict == "false" and "crosses f" in v.evidence.text
    w = v.evidence.math[3]  # the witness point x, an exact rational in [-1, 2]
    with mp.workdps(50):
        xw = mp.mpf(w.p) / w.q
        assert -1 <= xw <= 2 and gelu(xw) < mp.mpf("0.7") * xw  # the line is above GELU there
    # an upper line that is too low at the end x = 2: GELU(2) = 1.9545 > 0.7·2 + 0.55 = 1.95 (mpmath)
    (u,) = check(claim(function="gelu", on=["-1", "2"], upper=["0.7", "0.55"]))
    assert u.verdict == "false" and u.evidence.math[3] == 2
    with mp.workdps(50):
        assert gelu(mp.mpf(2)) > mp.mpf("1.95")


def test_linear_pieces_are_exact():
    # ReLU: 0 <= relu on [-1, 1] with largest gap relu(1) = 1; the chord x/2 + 1/2 with gap exactly 1/2
    # (at x = 0); both gaps are exact, so "gap = 1/2" is decided, not undecided
    vs = check(claim("a", function="relu", on=["-1", "1"], upper=["1/2", "1/2"], gap="1/2"),
               claim("b", function="relu", on=["-1", "1"], lower=["0", "0"], gap="1/2"),
               claim("c", function="relu", on=["1", "3"], lower=["1", "0"], upper=["1", "0"], gap="0"),
               claim("d", function="relu", on=["1", "3"], lower=["1", "1/10**30"]))
    assert [v.verdict for v in vs] == ["true", "false", "true", "false"]


def test_a_touching_tangent_is_not_refuted():
    # GELU(x) - x/2 = x(Phi(x) - 1/2) >= 0 with a double zero at 0: sound, but the minimum is exactly 0
    (v,) = check(claim(function="gelu", on=["-1", "1"], lower=["1/2", "0"]))
    assert v.verdict in ("true", "undecided")
    (w,) = check(claim(function="gelu", on=["-1", "1"], lower=["1/2", "1/10**15"]))
    assert w.verdict == "false"  # above GELU at x = 0 by 1e-15


def test_cli_verify_exit_codes(tmp_path, capsys):
    ok = tmp_path / "ok.toml"
    # min GELU = -0.169971... (mpmath findroot of GELU' = 0 at -0.7518) > -0.17, and GELU < 0 for x < 0
    ok.write_text(claim(function="gelu", on=["-4", "-1"], lower=["0", "-0.17"], upper=["0", "0"]))
    assert main(["verify", str(ok)]) == 0
    assert "[TRUE]" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(claim(function="gelu", on=["-4", "-1"], upper=["0", "-0.0002"]))  # GELU(-4) = -0.000127 (mpmath)
    assert main(["verify", str(bad)]) == 1
    capsys.readouterr()


def test_a_point_interval_is_an_interval(tmp_path, capsys):
    # [a, a] is not empty (`gelu-math relax --on -1,-1` relaxes on it too): GELU(-1) = -0.158655253931457
    # (mpmath: -1·Φ(-1)), so -0.16 is below it and -0.15 is not
    good = tmp_path / "point.toml"
    good.write_text(claim(function="gelu", on=["-1", "-1"], lower=["0", "-0.16"]))
    assert main(["verify", str(good)]) == 0 and "[TRUE]" in capsys.readouterr().out
    good.write_text(claim(function="gelu", on=["-1", "-1"], lower=["0", "-0.15"]))
    assert main(["verify", str(good)]) == 1 and "[FALSE]" in capsys.readouterr().out


def test_the_end_limit_matches_relax():
    assert RELAX_MAX_END == MAX_ABS_END


@pytest.mark.parametrize("keys,message", [
    ({"function": "gelu", "on": ["-1", "2"]}, "needs a lower or an upper line"),
    ({"function": "gelu", "on": ["-inf", "2"], "lower": ["0", "-1"]}, "finite interval"),
    ({"function": "gelu", "on": ["2", "1"], "lower": ["0", "-1"]}, "is empty"),
    ({"function": "gelu", "on": ["0", "1e6"], "lower": ["0", "-1"]}, "within ±10^5"),
    ({"function": "gelu", "on": ["0", "sqrt(2)"], "lower": ["0", "-1"]}, "exact decimal or fraction"),
    ({"function": "gelu", "on": ["0", "1"], "lower": ["sqrt(2)", "-1"]}, "lower slope"),
    ({"function": "gelu", "on": ["0", "1"], "upper": ["1"]}, "upper must be [slope, intercept]"),
    ({"function": "gelu", "on": ["0", "1"], "upper": ["1", "x"]}, "upper intercept"),
    ({"function": "gelu", "on": ["0", "1"], "upper": ["1", "1"], "gap": "-1"}, "gap must be a number ≥ 0"),
    ({"function": "gelu", "on": ["0", "1"], "upper": ["1", "1"], "side": "up"}, "unknown key 'side'"),
    ({"function": "nope", "on": ["0", "1"], "upper": ["1", "1"]}, "unknown function"),
    ({"function": "gelu", "on": "0,1", "upper": ["1", "1"]}, "finite interval"),
])
def test_bad_relax_claims(keys, message):
    with pytest.raises(InputError) as info:
        claims_from_toml(claim(**keys))
    assert message in str(info.value) and "\n" not in str(info.value)
