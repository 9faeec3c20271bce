"""Fuzz suite (issue 15 item 5): hostile and extreme inputs over every command and channel.

The corpus (tests/fuzzgen.py, seeded, ~4,000 cases) is run whole by ``python bench/fuzz.py``; the
normal test run takes a deterministic sample of it, spread over the channels, in-process, plus a few
cases as real subprocesses under a memory cap (devices, FIFOs, NUL bytes).  Each case must end
within its limit (tests.fuzzgen: LIMIT_S = 20 s; HEAVY_LIMIT_S = 60 s for a full analysis) with an
exit code from the documented set, no traceback, no internal error, one line on stderr when it
fails, and no canary file (nothing executed).

KNOWN lists corpus cases that still fail because of bugs outside the command line (parser, engine),
one or more per root cause (the findings of the fuzz run, F1... in the hand-over notes).  None of
them is in the sample; each would cost its whole time limit, so ``test_fuzz_known_findings`` runs
them only with ``GELU_MATH_FUZZ_KNOWN=1`` in the environment, as xfail(strict=False): an XPASS means
the fix landed — remove the entry.  A sampled case that fails goes into KNOWN too (it is then
xfail in the sample as well).
"""

from __future__ import annotations

import os

import pytest

from tests import fuzzgen
from tests.fuzzgen import Case, corpus, problems, run_inprocess, run_subprocess, sample

SAMPLE_SIZE, SAMPLE_HEAVY = 150, 6
CASES = corpus()
SAMPLE = sample(CASES, SAMPLE_SIZE, heavy=SAMPLE_HEAVY)

KNOWN: dict[str, str] = {}  # none left (F4, x*sigmoid(16*x) taking 2m44s, is fixed: logistic forms)
# the slowest cases of the last full run (bench/fuzz.py): each must end within its documented limit
SLOWEST = ("toml-analyze-2f75476c9a",)  # was F4: x*sigmoid(b*x), b = 16, 164 s; now ~4 s
KNOWN_ENV = "GELU_MATH_FUZZ_KNOWN"


def _param(case: Case):
    if case.id in KNOWN:
        return pytest.param(case, id=case.id, marks=pytest.mark.xfail(strict=False, reason=KNOWN[case.id]))
    return pytest.param(case, id=case.id)


@pytest.mark.parametrize("case", [_param(c) for c in SAMPLE])
def test_fuzz_sample(case, tmp_path):
    r = run_inprocess(case, tmp_path / "case")
    assert problems(r) == [], f"gelu-math {' '.join(case.command_line())[:300]!r}: {r.stderr[-400:]}{r.detail}"


SUBPROCESS_CASES = [  # unsafe in-process: unbounded reads of devices, a FIFO that blocks the open
    c for c in CASES if c.subprocess_only and c.argv[0] == "audit" and ("/dev/zero" in c.argv or "{dir}/fifo" in c.argv)
] + [c for c in SAMPLE if c.channel == "expr" and not c.heavy][:2]


BY_ID = {c.id: c for c in CASES}


@pytest.mark.parametrize("case", [_param(BY_ID[i]) for i in SLOWEST])
def test_fuzz_slowest_cases_finish_within_their_limit(case, tmp_path):
    r = run_inprocess(case, tmp_path / "case")
    assert problems(r) == [], f"gelu-math {' '.join(case.command_line())[:300]!r}: {r.stderr[-400:]}{r.detail}"


@pytest.mark.parametrize("case", [_param(BY_ID[i]) for i in KNOWN])
def test_fuzz_known_findings(case, tmp_path):
    if not os.environ.get(KNOWN_ENV):
        pytest.skip(f"known finding, slow: set {KNOWN_ENV}=1 to run it")
    r = run_inprocess(case, tmp_path / "case")
    assert problems(r) == [], f"gelu-math {' '.join(case.command_line())[:300]!r}: {r.stderr[-400:]}"


@pytest.mark.parametrize("case", [_param(c) for c in SUBPROCESS_CASES])
def test_fuzz_subprocess(case, tmp_path):
    r = run_subprocess(case, tmp_path / "case")
    assert problems(r) == [], f"gelu-math {' '.join(case.command_line())[:300]!r}: {r.stderr[-400:]}"


def test_corpus_is_large_deterministic_and_covers_every_channel():
    assert len(CASES) >= 2000 and len({c.id for c in CASES}) == len(CASES)
    again = corpus()
    assert [c.id for c in again] == [c.id for c in CASES]
    assert {c.channel for c in CASES} >= {"expr", "param", "toml", "toml-expr", "claims", "path-in", "path-out",
                                          "option", "expr-envelope", "expr-fit", "toml-plot", "param-analyze"}
    commands = {c.argv[0] for c in CASES if c.argv}
    assert commands >= {"analyze", "envelope", "fit", "verify", "audit", "plot", "report"}
    text = "\n".join(" ".join(c.argv) for c in CASES) + "".join(d.decode("utf-8", "replace") for c in CASES
                                                                 for _, d in c.files)
    for needle in ("1e999999", "nan", "-0", "٣", "𝟎", "５", "\x00", "(" * 5000, "__import__", "{canary}", "lambda",
                   "x.__class__", "f'"):
        assert needle in text, needle
    assert [c.id for c in SAMPLE] == [c.id for c in sample(CASES, SAMPLE_SIZE, heavy=SAMPLE_HEAVY)]
    assert len({c.channel for c in SAMPLE}) >= 10
    assert set(KNOWN) <= set(BY_ID)  # every known finding is still a case of the corpus


# --- the judge itself can fail --------------------------------------------------------------------

def _fake(monkeypatch, behaviour):
    import gelu_math.cli as cli

    monkeypatch.setattr(cli, "main", behaviour)


def test_judge_sees_execution_hangs_tracebacks_and_bad_codes(monkeypatch, tmp_path):
    import sys
    import time

    case = Case("expr", ("analyze", "--expr", "__import__('os').system('touch {canary}')"))

    def executes(argv):
        open(os.path.join(str(tmp_path / "a"), fuzzgen.CANARY), "w").close()
        return 2

    def hangs(argv):
        time.sleep(5)
        return 0

    def traceback_and_two_lines(argv):
        print("Traceback (most recent call last):\nValueError: x", file=sys.stderr)
        return 2

    def escapes(argv):
        raise ValueError("escaped")

    for name, behaviour, expected in (("a", executes, "EXECUTED"), ("b", hangs, "hang"),
                                      ("c", traceback_and_two_lines, "traceback"), ("d", escapes, "escaped"),
                                      ("e", lambda argv: 4, "internal error"), ("f", lambda argv: 7, "exit code 7")):
        _fake(monkeypatch, behaviour)
        r = run_inprocess(case, tmp_path / name, limit=0.5)
        assert any(expected in p for p in problems(r)), (name, problems(r))
    _fake(monkeypatch, lambda argv: (print("gelu-math: error: refused", file=sys.stderr), 2)[1])
    assert problems(run_inprocess(case, tmp_path / "g", limit=0.5)) == []
