"""``report --cluster``: the report's tasks on a Dask cluster give the same files, byte for byte,
as a local run (issue 20).  The cluster is a scheduler and two worker processes bound to
127.0.0.1 only, started and stopped by the test."""

from __future__ import annotations

import pytest

distributed = pytest.importorskip("distributed")

from gelu_math.cli import main  # noqa: E402
from gelu_math.render.report import generate  # noqa: E402


@pytest.fixture(scope="module")
def scheduler():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=50)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_a_cluster_report_is_byte_identical_to_a_local_one(scheduler, tmp_path, forget_user_functions):
    # a user function too: the workers get its parsed body in their initializer (gelu_math.transport)
    from gelu_math.definitions.user import define

    define("halfrelu", "max(x, 0)/2")
    local, remote = tmp_path / "local", tmp_path / "remote"
    names = ["relu", "hardtanh", "halfrelu"]
    a = generate(str(local), names=names, formats=("md", "tex"), digits=10, order=2, jobs=1)
    b = generate(str(remote), names=names, formats=("md", "tex"), digits=10, order=2, cluster=scheduler)
    assert [p.replace(str(local), "") for p in a] == [p.replace(str(remote), "") for p in b]
    for p in a:
        name = p[len(str(local)) + 1:]
        assert (remote / name).read_bytes() == (local / name).read_bytes(), name


def test_an_unreachable_scheduler_is_one_line_exit_2(capsys, tmp_path, monkeypatch):
    # port 9 (discard) on the loopback: nothing listens there (a 1 s connect timeout: nothing to wait for)
    from gelu_math import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    rc = main(["report", "--only", "relu", "--out", str(tmp_path), "--figures", "", "--cluster", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
