"""Running the replications of :func:`toolkit.robustness.uncertainty.uncertainty`: in batches
sized by a memory budget, in an order that groups them by data path, serially, on joblib
workers on this machine, or on a Dask cluster — and, by default, whichever of serial and joblib
pays (``executor="auto"``).

* **Batches by memory.** ``batch_bytes`` (default :data:`~toolkit.robustness.engine.BATCH_BYTES`,
  64 MiB) is turned into replications per batch by :meth:`Engine.batch_size
  <toolkit.robustness.engine.Engine.batch_size>` from the number of units and the widest node:
  every process holds one batch at a time, so the replications take about ``workers ×
  batch_bytes`` beyond the prepared data and the output (the ranks, replications × units ×
  4 bytes).
* **Order.** The replications run grouped by data path and by the other factors' values
  (:meth:`Engine.run_order <toolkit.robustness.engine.Engine.run_order>`), and every result is
  written back to its replication's row. A replication's numbers depend neither on its batch
  nor on the process that runs it, so the same seed gives the same ranks with any executor and
  any batch size (``tests/robustness/test_executors.py``).
* **Prepared data shared, not pickled per batch.** joblib: the prepared engine is written once
  (``joblib.dump``) and each worker maps it (``mmap_mode="r"``) once, on its first chunk: the
  workers share its arrays through the page cache. Dask: ``client.scatter(broadcast=True)``
  sends it to each worker once.
* **auto.** The first batch runs serially and is timed; joblib is chosen only when the other
  batches, spread over the CPUs that are free (``os.getloadavg``), would finish sooner than
  serially by more than the cost of starting workers (:data:`WORKER_START_SECONDS`). The choice
  and its reason are in ``UncertaintyResult.info`` (``executor``, ``executor_reason``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import SpecError
from .engine import BATCH_BYTES, Engine

__all__ = ["EXECUTORS", "WORKER_START_SECONDS", "Execution", "Replications", "run_replications"]

EXECUTORS = ("auto", "serial", "joblib", "dask")

WORKER_START_SECONDS = 3.0
"""What ``auto`` charges for starting joblib workers (a Python with numpy, pandas and the toolkit
imported, and the prepared engine mapped): an allowance, not measured per run; on the 2-core
machine of ``benchmarks/bench_engine.py`` two workers cost about 7 CPU s more than serial in all."""


@dataclass(frozen=True)
class Execution:
    """Where and how the replications run (:func:`uncertainty`'s ``execution=``).

    ``executor``: ``"auto"`` (serial or joblib, whichever pays; the default), ``"serial"``,
    ``"joblib"`` (processes on this machine) or ``"dask"`` (``scheduler``: an address such as
    ``"tcp://host:8786"`` or a ``dask.distributed.Client``; None: a LocalCluster of ``n_jobs``
    workers). ``batch_size`` (replications per batch) overrides ``batch_bytes`` (the memory
    budget of one batch, default 64 MiB).

    Examples
    --------
    >>> Execution("joblib", n_jobs=2)
    Execution(executor='joblib', n_jobs=2, scheduler=None, batch_size=None, batch_bytes=None)
    """

    executor: str = "auto"
    n_jobs: int | None = None
    scheduler: object = None
    batch_size: int | None = None
    batch_bytes: int | None = None


@dataclass
class Replications:
    """What :func:`run_replications` returns: the ranks (and composites) in design order, and how
    they were run."""

    ranks: np.ndarray
    scores: np.ndarray | None
    executor: str
    workers: int
    batch_size: int
    n_batches: int
    reason: str
    info: dict = field(default_factory=dict)


def _workers(n_jobs) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return int(n_jobs) if n_jobs and n_jobs > 0 else cpus


def _free_cpus() -> float:
    """CPUs not busy with other work: the CPUs minus the load average (less this process)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - no load average on this platform
        return float(cpus)
    return max(1.0, min(float(cpus), cpus - max(0.0, load - 1.0)))


def _in_worker() -> bool:
    """True in a daemon process (a joblib, multiprocessing or Dask worker): no nested pools."""
    return multiprocessing.current_process().daemon


def run_replications(engine: Engine, u: np.ndarray, execution: Execution, keep_scores: bool = False) -> Replications:
    """Ranks (and composites) of every design row of ``u``, in design order.

    Examples
    --------
    See :func:`toolkit.robustness.uncertainty.uncertainty`, which calls it; its ``info`` says
    which executor ran and why.
    """
    executor = execution.executor
    if executor not in EXECUTORS:
        raise SpecError(f"executor must be one of {list(EXECUTORS)}, got {executor!r}")
    if execution.batch_size is not None:
        batch = int(execution.batch_size)
        if batch < 1:
            raise SpecError(f"batch_size must be positive, got {execution.batch_size}")
    else:
        budget = BATCH_BYTES if execution.batch_bytes is None else int(execution.batch_bytes)
        if budget < 1:
            raise SpecError(f"batch_bytes must be positive, got {execution.batch_bytes}")
        batch = engine.batch_size(budget)
    n, m = len(u), len(engine.rows)
    order = engine.run_order(u)
    ranks = np.empty((n, m), dtype=np.int32 if engine.complete else float)
    scores = np.empty((n, m)) if keep_scores else None
    batches = [order[s:s + batch] for s in range(0, n, batch)]

    def store(part):
        ids, comp, rk = part
        ranks[ids] = rk
        if keep_scores:
            scores[ids] = comp

    workers = 1 if executor == "serial" else _workers(execution.n_jobs)
    reason = "asked for"
    info: dict = {}
    if executor == "auto":
        t0 = time.perf_counter()
        store(run_batches(engine, u[batches[0]], batches[:1], keep_scores))
        first = time.perf_counter() - t0
        batches = batches[1:]
        serial_rest = first * len(batches)
        free = _free_cpus()
        useful = min(workers, free)
        parallel_rest = WORKER_START_SECONDS + serial_rest / useful
        info.update(calibration_seconds=first, estimated_serial_seconds=serial_rest,
                    estimated_parallel_seconds=parallel_rest, free_cpus=free)
        if not batches:
            executor, reason = "serial", "auto: a single batch"
        elif _in_worker():
            executor, reason = "serial", "auto: already in a worker process"
        elif workers < 2 or useful < 1.5:
            executor, reason = "serial", f"auto: {useful:.1f} free CPU(s) of {workers} (load average)"
        elif parallel_rest < 0.8 * serial_rest:
            executor, reason = "joblib", (f"auto: {len(batches)} more batches, ~{serial_rest:.1f} s serially "
                                          f"against ~{parallel_rest:.1f} s on {workers} workers")
        else:
            executor, reason = "serial", (f"auto: {len(batches)} more batches, ~{serial_rest:.1f} s serially; "
                                          f"workers would take ~{parallel_rest:.1f} s with their start")
    if executor == "serial":
        workers = 1
        for rows in batches:  # one batch at a time: the memory of one batch, plus the output
            store(run_batches(engine, u[rows], [rows], keep_scores))
    elif batches:
        n_chunks = max(1, min(len(batches), 4 * workers))
        per = -(-len(batches) // n_chunks)
        chunks = [batches[i:i + per] for i in range(0, len(batches), per)]
        runner = _joblib if executor == "joblib" else _dask
        for part in runner(engine, u, chunks, workers, execution.scheduler, keep_scores):
            store(part)
    return Replications(ranks, scores, executor, workers, batch, -(-n // batch), reason, info)


def run_batches(engine, u_rows: np.ndarray, batches: list[np.ndarray], keep_scores: bool):
    """Run ``batches`` (lists of design row numbers) whose rows are ``u_rows``, in order; returns
    (row numbers, composites or None, ranks)."""
    if isinstance(engine, str):
        engine = _mapped_engine(engine)
    ids = np.concatenate(batches)
    ranks, comps, at = [], [], 0
    for rows in batches:
        c, r = engine.run(u_rows[at:at + len(rows)], ids=rows)
        at += len(rows)
        ranks.append(r)
        if keep_scores:
            comps.append(c)
    return ids, (np.concatenate(comps) if keep_scores else None), np.concatenate(ranks)


_MAPPED: dict[str, Engine] = {}


def _mapped_engine(path: str) -> Engine:
    """The engine at ``path``, mapped once per worker process (the last one only)."""
    if path not in _MAPPED:
        import joblib

        _MAPPED.clear()
        _MAPPED[path] = joblib.load(path, mmap_mode="r")
    return _MAPPED[path]


def _joblib(engine, u, chunks, workers, scheduler, keep_scores):
    import joblib

    folder = Path(tempfile.mkdtemp(prefix="toolkit-engine-"))
    try:
        path = str(folder / "engine.pkl")
        joblib.dump(engine, path)  # once: every worker maps it on its first chunk
        tasks = (joblib.delayed(run_batches)(path, u[np.concatenate(c)], c, keep_scores) for c in chunks)
        yield from joblib.Parallel(n_jobs=workers, backend="loky", return_as="generator")(tasks)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _dask(engine, u, chunks, workers, scheduler, keep_scores):
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SpecError("executor='dask' needs dask[distributed] (pip install 'dask[distributed]')") from exc
    own_cluster = own_client = None
    if isinstance(scheduler, Client):
        client = scheduler
    elif scheduler is None:
        own_cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        client = own_client = Client(own_cluster)
    else:
        client = own_client = Client(scheduler)
    try:
        eng = client.scatter(engine, broadcast=True)  # once per worker
        futures = [client.submit(run_batches, eng, u[np.concatenate(c)], c, keep_scores, pure=False)
                   for c in chunks]
        for fut in as_completed(futures):
            yield fut.result()
            fut.release()
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()
