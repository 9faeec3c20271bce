"""Where parallel work runs: a local process pool, or a Dask cluster (layer L0).

``executor(address, jobs, initializer=..., initargs=...)`` is a context manager yielding an
object with ``map(fn, iterable, on_result=None) -> list`` (results in input order; ``on_result``
is called with each result as it completes, e.g. for a progress bar):

* ``address=None``: a :class:`concurrent.futures.ProcessPoolExecutor` of ``jobs`` processes
  (default: all cores), each running ``initializer(*initargs)`` once; on an error or an
  interruption its workers are terminated at once.
* ``address="tcp://host:8786"``: a ``dask.distributed`` client connected to that scheduler;
  ``initializer(*initargs)`` runs on every worker, also on workers that join later (a
  ``WorkerPlugin``); tasks are submitted with ``pure=False`` and gathered in input order.
  dask is imported only here, when a cluster is asked for (``pip install 'gelu-math[cluster]'``).

A task's exception reaches the caller as the same exception type, locally and on a cluster.
Missing dask and an unreachable scheduler are one-line :class:`~gelu_math.errors.InputError`\\ s.

Example::

    >>> from operator import neg
    >>> with executor(None, 2) as ex:
    ...     ex.map(neg, [1, 2, 3])
    [-1, -2, -3]
"""

from __future__ import annotations

import os
import re
import uuid
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager

from .errors import InputError, one_line

CONNECT_TIMEOUT = 10  # seconds to reach a scheduler
_ADDRESS = re.compile(r"(tcp|tls|ws|wss|ucx)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):[0-9]{1,5}")


class ClusterError(InputError):
    """No cluster: dask is missing or the scheduler cannot be reached."""


class _Local:
    def __init__(self, pool: ProcessPoolExecutor):
        self.pool = pool

    def map(self, fn, iterable, on_result=None) -> list:
        futures = [self.pool.submit(fn, item) for item in iterable]
        if on_result is not None:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    on_result(f.result())
        return [f.result() for f in futures]


class _Dask:
    def __init__(self, client):
        self.client = client

    def map(self, fn, iterable, on_result=None) -> list:
        from distributed import as_completed

        items = list(iterable)
        if not items:
            return []
        futures = self.client.map(fn, items, pure=False)
        if on_result is not None:
            for f in as_completed(futures, loop=self.client.loop):
                on_result(f.result())
        return self.client.gather(futures)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and terminate the workers now (not after their current task)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        p.terminate()
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
            p.join(timeout=5)


def _plugin(initializer, initargs):
    from distributed.diagnostics.plugin import WorkerPlugin

    class Init(WorkerPlugin):
        def __init__(self, fn, args):
            self.fn, self.args = fn, args

        def setup(self, worker):
            self.fn(*self.args)

    return Init(initializer, tuple(initargs))


def connect(address: str, timeout: float | None = None):
    """A ``distributed.Client`` connected to the scheduler at ``address`` within ``timeout`` seconds
    (default ``CONNECT_TIMEOUT``), or a ClusterError."""
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--cluster needs dask[distributed]: pip install 'gelu-math[cluster]'") from None
    if not isinstance(address, str) or not _ADDRESS.fullmatch(address) or not 0 < int(address.rsplit(":", 1)[1]) < 65536:
        # checked before a Client exists: a Client that fails to parse its address is left half-built,
        # and its finaliser then waits 20 s and prints a traceback
        raise ClusterError(f"cannot reach the Dask scheduler at {address!r}: not an address of the form "
                           "tcp://HOST:PORT (or tls://, ws://, wss://, ucx://)")
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError (bad address): all one line
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: "
                           f"{one_line(exc) or type(exc).__name__}") from None


@contextmanager
def executor(address: str | None, jobs: int | None, *, initializer=None, initargs=(), mp_context=None):
    """A process pool (``address`` None) or a Dask cluster; see the module docstring."""
    if address is None:
        if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
            raise InputError(f"jobs must be a positive integer, got {jobs!r}")
        pool = ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1, mp_context=mp_context,
                                   initializer=initializer, initargs=tuple(initargs))
        try:
            yield _Local(pool)
        except BaseException:  # an error, SIGINT or SIGTERM: no worker outlives the main process's decision
            _stop(pool)
            raise
        pool.shutdown()
        return
    client = connect(address)
    name = None
    try:
        if initializer is not None:
            name = f"gelu-math-init-{uuid.uuid4().hex}"
            client.register_plugin(_plugin(initializer, initargs), name=name)
        yield _Dask(client)
    finally:
        try:
            if name is not None:
                client.unregister_worker_plugin(name)
        except Exception:  # noqa: BLE001 - best effort on a cluster that may be going away
            pass
        client.close()
