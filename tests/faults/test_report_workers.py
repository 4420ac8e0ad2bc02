"""Issue #11, faults of ``reports``: a worker process that dies mid-batch (SIGKILL from inside
its report's kernel) is reported exactly, with the Dask and the local executor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .kills import SPEC

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def killer_notebook(tmp_path: Path) -> Path:
    """The report notebook, plus a cell that kills the worker process rendering SD-B002 (the
    kernel's parent): a worker that dies mid-batch."""
    import nbformat

    from toolkit.reports.batch import NOTEBOOK

    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'if target == "SD-B002":\n    import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)'))
    path = tmp_path / "killer.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.mark.parametrize("executor", ["dask", "local"])
def test_a_worker_dying_mid_batch_is_reported_exactly(returns, tmp_path, executor):
    from toolkit.reports.batch import run_reports

    data, _ = returns
    ids = ["SD-B001", "SD-B002", "SD-B003"]
    s = run_reports(data, SPEC, by="unit", only=ids, workers=2, executor=executor, out=tmp_path / "out",
                    n_uncertainty=0, progress=False, notebook=killer_notebook(tmp_path))
    keys = {f"unit:{i}" for i in ids}
    assert "unit:SD-B002" in s.failed and set(s.ok) | set(s.failed) == keys and not set(s.ok) & set(s.failed)
    assert s.exit_code == 1
    manifest = json.loads((s.run_dir / "manifest.json").read_text("utf-8"))
    assert {k for k, rec in manifest["reports"].items() if rec["status"] == "failed"} == set(s.failed)
    if executor == "dask":  # Dask reschedules the others: only the report that kills its worker fails
        assert set(s.ok) == keys - {"unit:SD-B002"}
