"""The batch's own mechanics that keep it linear in its reports (issue #25): each report's
parameter file names the published bundle from the start (no rewrite of every file after the
run), the digest text of a report is the one ``json.dumps`` of its parameters gives (made once
per list of linked reports), planning looks each unit's region up once, and the kernels' own
time is reported."""

from __future__ import annotations

import json
import tempfile

from toolkit import read_indicators
from toolkit.reports.batch import params_json, run_reports
from toolkit.reports.bundle import compute_bundle
from toolkit.reports.plan import plan

from .conftest import SPEC


def test_parameter_files_name_the_published_bundle_and_the_kernel_copies_are_gone(three_return, tmp_path,
                                                                                   monkeypatch):
    # a temporary folder of this test's own: other runs' parameter files in the shared /tmp cannot race it
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    before = set(own_tmp.glob("sdb-params-*.json"))
    s = run_reports(three_return, SPEC, workers=1, executor="serial", out=tmp_path / "out", n_uncertainty=0,
                    progress=False, workbook=False)
    assert s.exit_code == 0 and len(s.ok) == 3
    params = sorted((s.run_dir / "_params").glob("*.json"))
    assert len(params) == 3
    for p in params:
        assert json.loads(p.read_text("utf-8"))["bundle_dir"] == str(s.run_dir.resolve() / "_bundle")
    assert set(own_tmp.glob("sdb-params-*.json")) <= before  # the kernel's copies removed
    # the kernels' own time: three notebook executions and one kernel start, each a positive time
    assert 0 < s.render_seconds < s.seconds and 0 <= s.kernel_seconds < s.seconds  # 0 when a warm kernel is reused
    manifest = json.loads((s.run_dir / "manifest.json").read_text("utf-8"))
    assert all("render_seconds" not in r for r in manifest["reports"].values())  # not part of the record
    again = run_reports(three_return, SPEC, workers=1, executor="serial", out=tmp_path / "out", n_uncertainty=0,
                        progress=False, workbook=False)
    assert again.skipped and not again.ok  # the digests still match: nothing re-rendered


def test_digest_text_is_the_parameters_json_for_every_kind_of_report(three_return):
    bundle = compute_bundle(read_indicators(three_return), SPEC, n_uncertainty=0)
    text = params_json("_bundle")
    jobs = plan(bundle, "all")
    assert {j.by for j in jobs} == {"unit", "city"}
    for j in jobs:
        assert text(j) == json.dumps(j.params("_bundle"), sort_keys=True)
    city = next(j for j in jobs if j.by == "city")
    units = dict(dict(city.links)["units"])
    assert set(units) == set(bundle.summary.loc[bundle.summary["city"] == city.target, "unit_id"])
