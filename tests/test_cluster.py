"""gelu_math.cluster: local pool and Dask cluster executors; `audit --cluster` (issue 20 item 2).

A scheduler and two worker processes run on 127.0.0.1 only (no dashboard), for this module, and
are always stopped."""

import json
import sys
import time

import pytest

from gelu_math import cluster
from gelu_math.audit import audit
from gelu_math.cli import main
from gelu_math.errors import InputError, ParameterError
from gelu_math.floats import get_format
from gelu_math.render.audit_json import dumps

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def address():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, worker_dashboard_address=None) as lc:
        yield lc.scheduler_address


def _name(fmt_name):
    return get_format(fmt_name).name


def test_local_executor_keeps_order_and_exception_types():
    seen = []
    with cluster.executor(None, 2) as ex:
        assert ex.map(_name, ["float32", "float16", "bfloat16"], on_result=seen.append) == \
            ["float32", "float16", "bfloat16"]
        assert sorted(seen) == ["bfloat16", "float16", "float32"]
        with pytest.raises(ParameterError, match="unknown dtype 'float8'"):
            ex.map(get_format, ["float16", "float8"])
    with pytest.raises(InputError, match="jobs must be a positive integer"):
        with cluster.executor(None, 0):
            pass


def test_dask_executor_order_initializer_and_errors(address):
    with cluster.executor(address, None, initializer=_name, initargs=("float16",)) as ex:
        assert ex.map(_name, ["float64", "float16"]) == ["float64", "float16"]
        with pytest.raises(ParameterError, match="unknown dtype 'float8'"):  # same type as raised on the worker
            ex.map(get_format, ["float8"])


def test_cluster_audit_is_byte_identical_to_a_local_run(address, capsys):
    # 5 chunks of a region without ties (the subnormals, where half the inputs go to Arb, would take
    # minutes; the compiled and numpy paths are compared there in tests/test_audit_compiled.py)
    kw = dict(exhaustive=True, domain=(1.0, 1.15), chunk=1 << 18)
    local = audit("gelu", "float32", workers=2, **kw)
    remote = audit("gelu", "float32", cluster=address, **kw)
    assert dumps(remote) == dumps(local) and local.inputs > 4 * (1 << 18)
    argv = ["audit", "gelu", "--dtype", "float32", "--exhaustive", "--domain=2,2.001", "--json", "--quiet"]
    assert main(argv) == 0
    here = capsys.readouterr().out
    assert main(argv + ["--cluster", address]) == 0
    assert capsys.readouterr().out == here and json.loads(here)["mode"] == "exhaustive"


def test_unreachable_scheduler_and_missing_dask(monkeypatch, capsys):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    with pytest.raises(cluster.ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        with cluster.executor("tcp://127.0.0.1:9", None):
            pass
    assert main(["audit", "gelu", "--dtype", "float32", "--exhaustive", "--domain=1,1.001", "--cluster",
                 "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    # a malformed address is refused before any Client exists (a half-built Client's finaliser would
    # wait 20 s and print a traceback: found by an independent review), at once and in one line
    for bad in ("garbage", "tcp://host", "tcp://host:99999", "http://host:8786", "tcp://a b:1"):
        t = time.monotonic()
        assert main(["audit", "gelu", "--dtype", "float32", "--exhaustive", "--domain=1,1.001", "--cluster", bad]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "not an address of the form tcp://HOST:PORT" in err, err
        assert time.monotonic() - t < 5
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(InputError, match=r"--cluster needs dask\[distributed\]: pip install 'gelu-math\[cluster\]'"):
        with cluster.executor("tcp://127.0.0.1:8786", None):
            pass
