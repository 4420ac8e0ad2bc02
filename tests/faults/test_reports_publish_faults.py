"""Issue #11, faults of ``reports``: a batch killed once a report is done picks up where it
stopped, and a batch killed precisely inside its publish step leaves the old or the new run.
"""

from __future__ import annotations

import json
import shutil

import pytest

from toolkit.publish import resumable_staging
from toolkit.reports.progress import recorded

from .kills import (
    folder_state,
    killed_at,
    needs_exchange,
    reports_argv,
    reports_complete,
    run_cli,
    run_forked,
)

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def test_reports_pick_up_where_they_stopped(cli, returns, tmp_path):
    data, _ = returns
    out = tmp_path / "reports"
    # the run writes into its staging copy; the published folder appears only when it completes
    staging, done = resumable_staging(out / "r"), []

    def one_done() -> bool:  # kill as soon as one report is recorded as done
        done[:] = [k for k, rec in recorded(staging)["reports"].items() if rec.get("status") == "ok"]
        return bool(done)

    code, _ = cli.run(reports_argv(data, out), kill_when=one_done)
    assert code == -9 and 1 <= len(done) <= 3
    assert not (out / "r").exists()  # nothing half-done was published
    r = run_cli(*reports_argv(data, out))  # the real command line: its summary line is read
    assert r.returncode == 0, r.stderr
    skipped = int(r.stdout.split(" up to date")[0].split()[-1])
    assert skipped >= len(done)  # the reports finished before the kill are not rendered again
    rendered = int(r.stdout.split(" rendered")[0].split()[-1])
    assert skipped + rendered == 3
    reports_complete(out / "r")
    assert sorted(p.name for p in out.iterdir()) == ["r"]


@pytest.fixture(scope="module")
def published(cli, generated_returns, tmp_path_factory):
    """A return and a completed batch of its reports (``reports/r``), made once for the publish
    tests of this file, which each copy the folder they write into (a batch from nothing renders
    its bundle and three kernels: about 6 CPU-s); both read-only."""
    base = tmp_path_factory.mktemp("reports_published")
    data = base / "r.csv"
    shutil.copy(generated_returns[0], data)
    run_forked(cli, *reports_argv(data, base / "reports"))
    return data, base / "reports"


@pytest.mark.parametrize("point, expected", [("staging:renamed", "old"), ("folder:exchanged", "new")])
def test_reports_killed_inside_the_publish(cli, published, tmp_path, point, expected):
    needs_exchange(tmp_path, point)
    data, built = published
    out = tmp_path / "reports"
    shutil.copytree(built, out, symlinks=True)  # this test's copy of the completed batch
    old = folder_state(out / "r")
    killed_at(cli, point, *reports_argv(data, out, "--force"))
    state = folder_state(out / "r")
    reports_complete(out / "r")
    if expected == "old":
        assert state == old
    else:  # the forced run re-rendered every report: the new run's manifest is published
        assert state != old and state.keys() == old.keys()
    run_forked(cli, *reports_argv(data, out))
    reports_complete(out / "r")
    assert sorted(p.name for p in out.iterdir()) == ["r"]
    assert json.loads((out / "r" / "manifest.json").read_text("utf-8"))["summary"]["failed"] == 0
