"""One interface for running a grid of independent jobs: local processes (the default) or a Dask cluster.

The claims experiment hands its grid (task x row x seed x arm) to `make_executor(scheduler, workers)` and reads
the results back as they finish; it never sees how they ran. Jobs are `fn(job)` calls of a module-level
function on a picklable job; each job seeds itself, so the numbers do not depend on the executor, the worker
or the order.

- `scheduler=None`: `concurrent.futures.ProcessPoolExecutor` with `workers` spawned processes (one job runs in
  this process when workers <= 1).
- `scheduler="local"`: a Dask `distributed.LocalCluster` of `workers` single-threaded worker processes.
- `scheduler="tcp://HOST:PORT"`: an existing Dask scheduler (start one with `dask scheduler` and workers with
  `dask worker tcp://HOST:PORT --nthreads 1`; every worker needs cellviz importable).

Dask is an optional extra: `pip install -e .[cluster]`.
"""
from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any


class Executor:
    """Runs `fn(job)` for every job; `run` yields (index, result) in the order the jobs finish."""

    kind = "serial"

    def __init__(self, workers: int = 1):
        self.workers = max(1, int(workers))

    def run(self, fn: Callable[[Any], Any], jobs: list) -> Iterator[tuple[int, Any]]:
        for i, job in enumerate(jobs):
            yield i, fn(job)

    def describe(self) -> dict:
        return {"kind": self.kind, "workers": self.workers}

    def close(self) -> None:
        pass

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class LocalExecutor(Executor):
    """`workers` spawned processes (concurrent.futures); in this process when workers <= 1."""

    kind = "local"

    def run(self, fn, jobs):
        if self.workers <= 1:
            yield from super().run(fn, jobs)
            return
        with ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn")) as pool:
            futures = {pool.submit(fn, job): i for i, job in enumerate(jobs)}
            for f in as_completed(futures):
                yield futures[f], f.result()


class DaskExecutor(Executor):
    """Dask distributed: a `LocalCluster` (address "local") or the scheduler at `address` (tcp://HOST:PORT)."""

    kind = "dask"

    def __init__(self, address: str, workers: int = 2):
        super().__init__(workers)
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:           # the optional extra
            raise SystemExit("--scheduler needs Dask distributed: pip install -e .[cluster]") from e
        self.address = address
        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.client = Client(address)

    def run(self, fn, jobs):
        from distributed import as_completed as dask_completed
        futures = self.client.map(fn, jobs, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for f in dask_completed(futures):
            yield index[f.key], f.result()

    def describe(self) -> dict:
        n = len(self.client.scheduler_info().get("workers", {}))
        return {"kind": self.kind, "scheduler": self.address, "workers": n}

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(scheduler: str | None = None, workers: int = 2) -> Executor:
    """Local processes (scheduler None), a Dask LocalCluster ("local") or a Dask scheduler ("tcp://HOST:PORT")."""
    if scheduler is None:
        return LocalExecutor(workers)
    if scheduler != "local" and "://" not in scheduler:
        raise SystemExit(f"--scheduler takes 'local' or tcp://HOST:PORT, got {scheduler!r}")
    return DaskExecutor(scheduler, workers)
