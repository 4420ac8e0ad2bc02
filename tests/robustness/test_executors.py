"""How the replications run (toolkit.robustness.executors, issue #25): batches sized by memory, run
grouped by data path, serially, on joblib or chosen automatically — and the same numbers whatever
the executor, the batch size or the order."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

import toolkit
from toolkit.index.plan import rank_rows
from toolkit.robustness import Execution, uncertainty
from toolkit.robustness import executors as ex
from toolkit.robustness.engine import Engine
from toolkit.robustness.sensitivity import base_size, saltelli_design

from ..conftest import DEMO_CSV, ROOT

USPEC = ROOT / "configs" / "uncertainty.yaml"


@pytest.fixture(scope="module")
def serial(demo, spec2025):
    """The reference: the full uncertainty file (18 data paths, every factor kind), serially, one
    replication per batch."""
    return uncertainty(demo, spec2025, USPEC, n=80, seed=9, executor="serial", batch_size=1, keep_scores=True,
                       sobol_targets="summary")


@pytest.mark.parametrize("execution", [
    Execution("serial", batch_size=7),
    Execution("serial", batch_size=10_000),
    Execution("serial", batch_bytes=1),  # the smallest budget: one replication a batch
    Execution("joblib", n_jobs=2, batch_size=16),
    Execution("auto", n_jobs=2),
], ids=["serial-7", "serial-all", "serial-1-byte", "joblib-16", "auto"])
def test_seeded_results_identical_whatever_the_executor_and_batch(demo, spec2025, serial, execution):
    run = uncertainty(demo, spec2025, USPEC, n=80, seed=9, execution=execution, keep_scores=True,
                      sobol_targets="summary")
    assert run.n == 4 * (9 + 2) * 2 and run.info["n_paths"] > 10  # ⌈80 / 11⌉ = 8 = N → 88 replications
    np.testing.assert_array_equal(run.scores, serial.scores)  # bit for bit
    np.testing.assert_array_equal(run.ranks, serial.ranks)
    pd.testing.assert_frame_equal(run.rank_stats, serial.rank_stats)
    pd.testing.assert_frame_equal(run.sobol, serial.sobol)
    assert run.info["executor"] in ("serial", "joblib") and run.info["executor_reason"]


def test_the_memory_budget_sets_the_batch_size(demo, spec2025):
    res, us = toolkit.build_index(demo, spec2025), toolkit.robustness.load_uncertainty_spec(USPEC, spec=spec2025)
    engine = Engine(res, us, 1)
    m, kmax, parents = len(engine.rows), max(len(c) for c in engine.tree.values()), len(engine.tree)
    per_rep = 8 * m * (4 * kmax + parents + 3)  # the documented estimate (Engine.batch_size)
    assert (m, kmax, parents) == (50, 10, 8)
    assert engine.batch_size(per_rep * 10) == 10 and engine.batch_size(per_rep * 10 - 1) == 9
    assert engine.batch_size(1) == 1
    run = uncertainty(demo, spec2025, USPEC, n=80, seed=9, executor="serial", batch_bytes=per_rep * 10,
                      sobol_targets="summary")
    assert run.info["batch_size"] == 10 and run.info["n_batches"] == 9  # ⌈88 / 10⌉


def test_auto_says_what_it_chose_and_why(demo, spec2025, monkeypatch):
    kw = dict(n=80, seed=9, sobol_targets="summary", batch_size=8)
    monkeypatch.setattr(ex, "_free_cpus", lambda: 1.0)  # a busy machine: workers cannot pay
    busy = uncertainty(demo, spec2025, USPEC, executor="auto", n_jobs=2, **kw)
    assert busy.info["executor"] == "serial" and busy.info["workers"] == 1
    assert "1.0 free CPU" in busy.info["executor_reason"]
    assert busy.info["calibration_seconds"] > 0 and busy.info["n_batches"] == 11
    # two idle CPUs and workers that start for free: the 10 other batches go to joblib
    monkeypatch.setattr(ex, "_free_cpus", lambda: 2.0)
    monkeypatch.setattr(ex, "WORKER_START_SECONDS", 0.0)
    idle = uncertainty(demo, spec2025, USPEC, executor="auto", n_jobs=2, **kw)
    assert idle.info["executor"] == "joblib" and idle.info["workers"] == 2
    assert re.match(r"auto: 10 more batches, ~[\d.]+ s serially against ~[\d.]+ s on 2 workers",
                    idle.info["executor_reason"])
    np.testing.assert_array_equal(idle.ranks, busy.ranks)


def test_an_error_names_the_replication_of_the_design_whatever_the_run_order(demo, spec2025):
    us = {"factors": [
        {"name": "norm", "address": "normalisation", "options": [{"method": "minmax", "params": {"lower": 0, "upper": 1}}]},
        {"name": "agg", "address": "aggregation.dimension.method", "options": ["arithmetic", "geometric"]},
    ]}
    seed = 4
    u = saltelli_design(2, base_size(8, 2), ex_seed(seed))
    first = int(np.flatnonzero(u[:, 1] >= 0.5)[0])  # the first geometric replication of the design
    assert first > 0
    for execution in (Execution("serial", batch_size=1), Execution("serial", batch_size=1000)):
        with pytest.raises(toolkit.DataError, match=rf"replication {first} \(norm=minmax.*agg=geometric\)"):
            uncertainty(demo, spec2025, us, n=8, seed=seed, execution=execution)


def ex_seed(seed: int) -> int:
    from toolkit.robustness.uncertainty import seed_streams

    return seed_streams(seed)[0]


def test_rank_rows_equals_scipy_min_ranks_with_ties():
    rng = np.random.default_rng(3)
    v = np.round(rng.normal(size=(50, 300)), 1)  # many ties
    groups = [np.arange(0, 120), np.arange(120, 300)]
    got = rank_rows(v, groups)
    for g in groups:
        np.testing.assert_array_equal(got[:, g], rankdata(-v[:, g], method="min", axis=1))
    assert got[0, :120].min() == 1 and got.dtype == float


def test_the_command_line_says_which_executor_ran_and_writes_the_tables(tmp_path, capsys):
    from toolkit.cli import main

    out = tmp_path / "ua"
    code = main(["uncertainty", str(DEMO_CSV), "--n", "16", "--seed", "3", "--executor", "serial",
                 "--batch-mb", "1", "--out", str(out), "--lang", "en"])
    printed = capsys.readouterr().out.splitlines()
    assert code == 0
    assert re.match(r"executor serial \(1 worker; asked for\); \d+ batches of ≤ \d+ replications; prepare", printed[0])
    assert printed[1:] == [str(out / name) for name in ("rank_stats.csv", "sobol.csv", "run.json")]
    stats = pd.read_csv(out / "rank_stats.csv")
    assert len(stats) == 250 and stats["p05"].le(stats["p95"]).all()  # 50 units × 5 years
    run = pd.read_json(out / "run.json", typ="series")
    assert run["replications"] == 4 * (9 + 2) and run["info"]["executor"] == "serial"
