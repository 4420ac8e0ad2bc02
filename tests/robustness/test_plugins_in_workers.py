"""Issue 20: methods a researcher registers in a notebook (or a script's ``__main__``) are seen by
the worker processes of a parallel run, including spawned ones.

A spawned worker starts from a fresh import of the toolkit: its registries hold the built-in
methods only, and a function defined in ``__main__`` cannot be imported there by name. The engine
ships the registrations with its work (:func:`toolkit.methods.registry.pack_plugins`, cloudpickle
by value) and installs them when it is unpickled. The script below registers a toy weighting and
a toy aggregation in ``__main__``, then runs the same design serially, on joblib's loky workers
and on a ``multiprocessing`` pool with the ``spawn`` start method; the ranks must be identical.
The control pickles the engine while the toys are unregistered (what a worker saw before): the
spawned worker, sent that engine before any other, cannot run the design.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ..conftest import DEMO_CSV, ROOT

SCRIPT = '''
import json
import multiprocessing
import pickle
import sys

import numpy as np

import toolkit
from toolkit import build_index, read_indicators
from toolkit.robustness.engine import Engine
from toolkit.robustness.spec import load_uncertainty_spec
from toolkit.robustness.uncertainty import Execution, uncertainty


def spread_weights(X):
    """Weighting: weights proportional to each column's standard deviation."""
    return X.std(ddof=1)


def weakest_link(X, weights):
    """Aggregation: a unit's weakest child with positive weight."""
    return X.loc[:, weights.to_numpy() > 0].min(axis=1)


def ranks_of(blob, u):
    return pickle.loads(blob).run(u)[1]


def attempt(blob, u):
    try:
        pickle.loads(blob).run(u)
    except Exception as exc:  # what the worker says without the registrations
        return f"{type(exc).__name__}: {exc}"
    return "ran"


if __name__ == "__main__":
    demo, spec = sys.argv[1], sys.argv[2]
    toolkit.methods.register("weighting", "toy_spread", spread_weights)
    toolkit.methods.register("aggregation", "toy_weakest", weakest_link)
    data = read_indicators(demo)
    uspec = {"name": "toys", "factors": [
        {"name": "dim_w", "address": "weights.dimension.method", "options": ["entropy", "toy_spread"]},
        {"name": "agg", "address": "aggregation.index.method", "options": ["arithmetic", "toy_weakest"]}]}
    serial = uncertainty(data, spec, uspec, n=12, seed=5, design="montecarlo",
                         execution=Execution("serial", batch_size=3))
    loky = uncertainty(data, spec, uspec, n=12, seed=5, design="montecarlo",
                       execution=Execution("joblib", n_jobs=2, batch_size=3))
    res = build_index(data, spec)
    engine = Engine(res, load_uncertainty_spec(uspec, spec=res.spec, framework=res.framework), 7)
    engine.prepare(serial.design)
    blob = pickle.dumps(engine)
    toolkit.methods.unregister("weighting", "toy_spread")
    toolkit.methods.unregister("aggregation", "toy_weakest")
    bare = pickle.dumps(engine)  # pickled with nothing registered: nothing shipped
    # one spawned worker (each costs a fresh import of the toolkit): it first gets the bare engine,
    # while it has never received the toys (the control), then the engine with the toys, in halves
    pool = multiprocessing.get_context("spawn").Pool(1)
    control = pool.apply(attempt, (bare, serial.design))
    halves = [serial.design[:6], serial.design[6:]]
    spawned = np.concatenate([pool.apply(ranks_of, (blob, h)) for h in halves])
    pool.close()
    pool.join()
    toy_rows = [i for i, row in serial.samples.iterrows() if "toy_spread" in row.tolist() or "toy_weakest" in row.tolist()]
    print(json.dumps({"serial": serial.ranks.tolist(), "loky": loky.ranks.tolist(), "spawned": spawned.tolist(),
                      "control": control, "toy_rows": len(toy_rows)}))
'''


@pytest.mark.slow
def test_a_method_registered_in_main_runs_in_spawned_workers(tmp_path):
    script = tmp_path / "researcher.py"
    script.write_text(SCRIPT, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script), str(DEMO_CSV), str(ROOT / "configs" / "default.yaml")],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["toy_rows"] >= 6  # most of the 12 replications use a toy, so the workers had to run them
    assert out["loky"] == out["serial"]
    assert out["spawned"] == out["serial"]
    assert "toy_" in out["control"] and out["control"] != "ran", out["control"]


def test_a_worker_imports_the_engine_without_the_index_build():
    """What a worker process pays before its first replication: unpickling the engine imports
    ``toolkit.robustness.engine`` and what it needs, not the package's other modules (the index
    build, the data reader and pandera: about a second of CPU per worker)."""
    code = ("import sys, toolkit.robustness.engine, toolkit.robustness as R; "
            "print(sorted(m for m in ('toolkit.index.build', 'toolkit.data.read', 'pandera', "
            "'toolkit.robustness.uncertainty', 'toolkit.robustness.leave_one_out') if m in sys.modules)); "
            "print(R.uncertainty.__name__, 'toolkit.robustness.uncertainty' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["[]", "toolkit.robustness.uncertainty True"]
