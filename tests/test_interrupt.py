"""Interrupted runs lose nothing (issue 15 item 6).

Every file is written atomically (gelu_math/atomicio.py), so an interruption at any moment leaves
each output file either as it was or complete and new; SIGINT and SIGTERM to the main process stop
the worker processes too, and a SIGKILL'd main process leaves no worker behind (orphans end
themselves); a full disk names the file and keeps the old one; user functions reach the workers
under every start method.

The moments are made reproducible by a wrapper that announces each fsync of a written file on
stderr and then sleeps (the window between writing the data and renaming it into place).
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from gelu_math import atomicio

from .conftest import mounted_tmpfs

REPORT_ARGS = ["report", "--only", "relu", "hardtanh", "--figures", "", "--jobs", "2"]
TAG = "GELU_MATH_TEST_TAG"

WRAPPER = textwrap.dedent("""
    import os, sys, time
    _fsync, _count = os.fsync, [0]

    def announced_fsync(fd):
        _count[0] += 1
        print(f"@fsync {_count[0]}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("SLOW_FSYNC_S", "0")))
        _fsync(fd)

    os.fsync = announced_fsync
    from gelu_math.cli import main
    print("@start", file=sys.stderr, flush=True)
    sys.exit(main(sys.argv[1:]))
""")


def _env(tag: str, **extra) -> dict:
    return {**os.environ, TAG: tag, "PYTHONUNBUFFERED": "1", **extra}


def _tagged(tag: str) -> list[int]:
    """Live (not zombie) processes carrying ``tag`` in their environment (main, workers, forkserver)."""
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if f"{TAG}={tag}".encode() not in (d / "environ").read_bytes().split(b"\0"):
                continue
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            pids.append(int(d.name))
    return pids


def _none_left(tag: str, within: float = 15.0) -> list[int]:
    deadline = time.monotonic() + within
    while (left := _tagged(tag)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The complete report (uninterrupted run): file name -> bytes."""
    out = tmp_path_factory.mktemp("reference")
    r = subprocess.run([sys.executable, "-m", "gelu_math", *REPORT_ARGS, "--out", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(files) == 15 and not any(n.startswith(".") for n in files)
    return files


def _old(content: bytes) -> bytes:
    return b"OLD COPY FROM AN EARLIER RUN\n" + content


def _check_outputs(out: Path, reference: dict[str, bytes], killed: bool) -> None:
    for p in out.iterdir():
        if p.name in reference:
            data = p.read_bytes()
            assert data in (_old(reference[p.name]), reference[p.name]), f"{p.name} is neither old nor new"
        else:  # only a SIGKILL can leave a temporary file (beside an intact target)
            assert killed and p.name.startswith(".") and atomicio.TMP_SUFFIX in p.name, p.name
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == set(reference)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(argv, out: Path, sig: int, moment: str, tag: str) -> tuple[int, str]:
    """Run the wrapper; at ``moment`` ("compute": once the workers run; "fsync N": during the N-th
    file write) send ``sig`` to the main process only; the exit code and stderr."""
    # SIGINT restored to its default in the child: a test run started in the background of a
    # non-interactive shell inherits SIGINT ignored, and Python then installs no KeyboardInterrupt
    # handler — the command would rightly not be interrupted, and the test would test nothing
    p = subprocess.Popen([sys.executable, "-c", WRAPPER, *argv], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, env=_env(tag, SLOW_FSYNC_S="0.3"),
                         preexec_fn=_default_sigint)
    lines = []
    try:
        if moment == "compute":
            deadline = time.monotonic() + 120
            while len(_tagged(tag)) < 3 and time.monotonic() < deadline:  # main + 2 workers
                time.sleep(0.05)
            assert len(_tagged(tag)) >= 3, "the workers never started"
            time.sleep(0.5)
        else:
            while True:
                line = p.stderr.readline()
                assert line, f"ended before {moment!r}: {''.join(lines)}"
                lines.append(line)
                if line.strip() == f"@{moment}":
                    break
        os.kill(p.pid, sig)
        rest = p.stderr.read()
        rc = p.wait(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
    return rc, "".join(lines) + rest


@pytest.mark.parametrize("sig, moment", [
    (signal.SIGINT, "compute"), (signal.SIGINT, "fsync 3"),
    (signal.SIGTERM, "compute"), (signal.SIGTERM, "fsync 7"),
    (signal.SIGKILL, "compute"), (signal.SIGKILL, "fsync 2"),
], ids=["INT-compute", "INT-write", "TERM-compute", "TERM-write", "KILL-compute", "KILL-write"])
def test_interrupted_report_keeps_old_or_new_files_and_no_workers(tmp_path, reference, sig, moment):
    out = tmp_path / "out"
    out.mkdir()
    for name, content in reference.items():
        (out / name).write_bytes(_old(content))
    tag = uuid.uuid4().hex
    rc, err = _interrupt([*REPORT_ARGS, "--out", str(out)], out, sig, moment, tag)
    assert rc == {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -signal.SIGKILL}[sig], err
    assert "Traceback" not in err, err
    if sig != signal.SIGKILL:
        said = [ln for ln in err.splitlines() if not ln.startswith("@")]
        assert said == ["gelu-math: " + ("interrupted" if sig == signal.SIGINT else "terminated")], err
    assert _none_left(tag) == [], "worker processes outlived the main process"
    _check_outputs(out, reference, killed=sig == signal.SIGKILL)
    if moment != "compute":  # some files were already replaced, the rest still old
        assert any((out / n).read_bytes() == c for n, c in reference.items())


FIGURE_ARGS = ["plot", "compare", "relu", "--out"]


@pytest.fixture(scope="module")
def good_figure(tmp_path_factory) -> bytes:
    pytest.importorskip("matplotlib")
    good = tmp_path_factory.mktemp("figure") / "good.pdf"
    r = subprocess.run([sys.executable, "-m", "gelu_math", *FIGURE_ARGS, str(good)], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return good.read_bytes()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["INT", "TERM", "KILL"])
def test_interrupted_figure_keeps_the_old_copy(tmp_path, good_figure, sig):
    out = tmp_path / "c.pdf"
    out.write_bytes(b"%PDF- old copy\n")
    tag = uuid.uuid4().hex
    rc, err = _interrupt([*FIGURE_ARGS, str(out)], tmp_path, sig, "fsync 1", tag)
    assert rc in (130, 143, -9) and "Traceback" not in err
    assert out.read_bytes() == b"%PDF- old copy\n"  # interrupted before the rename: the old copy, whole
    stray = [p.name for p in tmp_path.iterdir() if p.name != "c.pdf"]
    assert stray == [] or (sig == signal.SIGKILL and all(atomicio.TMP_SUFFIX in n for n in stray))
    if sig == signal.SIGKILL:  # the next run completes it (a stray temporary file is no obstacle)
        r = subprocess.run([sys.executable, "-m", "gelu_math", *FIGURE_ARGS, str(out)], capture_output=True,
                           timeout=300)
        assert r.returncode == 0 and out.read_bytes() == good_figure


# --- atomicio ------------------------------------------------------------------------------------

def test_atomic_write_replaces_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "a.md"
    target.write_text("old\n")
    assert atomicio.write_text(target, "new ✓\n") == str(target)
    assert target.read_bytes() == "new ✓\n".encode() and os.listdir(tmp_path) == ["a.md"]
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def test_atomic_path_keeps_the_old_file_on_any_exception(tmp_path):
    target = tmp_path / "f.svg"
    target.write_text("old")
    for exc in (RuntimeError("writer failed"), KeyboardInterrupt()):
        with pytest.raises(type(exc)):
            with atomicio.atomic_path(target) as tmp:
                assert tmp.endswith(".svg") and os.path.dirname(tmp) == str(tmp_path)
                Path(tmp).write_text("half a fi")
                raise exc
        assert target.read_text() == "old" and os.listdir(tmp_path) == ["f.svg"]


def test_atomic_write_errors_name_the_file(tmp_path):
    target = tmp_path / "missing" / "gelu.html"
    with pytest.raises(OSError) as e:
        atomicio.write_text(target, "x")
    assert e.value.filename == str(target) and e.value.errno == errno.ENOENT
    with pytest.raises(OSError) as e:
        atomicio.check_writable_dir(tmp_path / "missing", create=False)
    assert e.value.filename == str(tmp_path / "missing")


@pytest.fixture
def tiny_fs(tmp_path):
    """A 64 KiB tmpfs (needs root); skipped where it cannot be mounted."""
    d = tmp_path / "tiny"
    d.mkdir()
    with mounted_tmpfs(d, "size=64k") as mounted:
        if not mounted:
            pytest.skip("cannot mount a tmpfs here")
        yield d


def test_full_disk_names_the_file_and_keeps_the_old_one(tiny_fs):
    target = tiny_fs / "gelu.html"
    target.write_text("old, complete\n")
    with pytest.raises(OSError) as e:
        atomicio.write_bytes(target, b"<p>" * 40_000)
    assert e.value.errno == errno.ENOSPC and e.value.filename == str(target)
    assert target.read_text() == "old, complete\n" and os.listdir(tiny_fs) == ["gelu.html"]


def test_report_on_a_full_disk(tiny_fs, reference):
    for name in reference:
        (tiny_fs / name).write_bytes(b"OLD\n")
    r = subprocess.run([sys.executable, "-m", "gelu_math", *REPORT_ARGS, "--out", str(tiny_fs)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1 and "No space left on device" in r.stderr
    named = r.stderr.rsplit(": ", 1)[1].strip()
    assert Path(named).parent == tiny_fs and Path(named).name in reference  # the error names the file
    assert (tiny_fs / Path(named).name).read_bytes() == b"OLD\n"
    for p in tiny_fs.iterdir():
        assert p.read_bytes() in (b"OLD\n", reference[p.name]), p.name  # no temporary file, nothing cut


# --- user functions under every start method -------------------------------------------------------

USER_ARGS = ["report", "--only", "relu", "halfabs", "--figures", "", "--format", "md"]


def _user_report(tmp_path: Path, jobs: str, env: dict) -> dict[str, bytes]:
    funcs = tmp_path / "f.toml"
    funcs.write_text('[function.halfabs]\nexpr = "x/2 + b*abs(x)"\nparams = {b = "1/2"}\n')
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "gelu_math", *USER_ARGS, "--functions", str(funcs), "--jobs", jobs,
                        "--out", str(out)], capture_output=True, text=True, timeout=600, env={**os.environ, **env})
    assert r.returncode == 0, r.stderr
    return {p.name: p.read_bytes() for p in out.iterdir()}


@pytest.fixture(scope="module")
def serial_user_report(tmp_path_factory) -> dict[str, bytes]:
    return _user_report(tmp_path_factory.mktemp("serial"), "1", {})


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_user_function_report_under_start_method(tmp_path, serial_user_report, method):
    # issue 14: "a report with a user function fails under spawn/forkserver with unknown function"
    import multiprocessing

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    assert "halfabs.md" in serial_user_report
    assert _user_report(tmp_path, "2", {"GELU_MATH_START_METHOD": method}) == serial_user_report


def test_unknown_start_method_is_bad_input(tmp_path, monkeypatch, capsys):
    from gelu_math.cli import main

    monkeypatch.setenv("GELU_MATH_START_METHOD", "teleport")
    assert main([*REPORT_ARGS, "--out", str(tmp_path)]) == 2
    assert "GELU_MATH_START_METHOD='teleport'" in capsys.readouterr().err

