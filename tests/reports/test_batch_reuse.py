"""What a batch reuses when its inputs have not changed (issue #25), and that any change is still
caught: the data are not read and checked again for a bundle recorded for their very bytes, the
overview's added sections are kept per bundle, and a kernel keeps every value it derived from
its bundle however many reports it renders."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

import toolkit
import toolkit.data.read as read_module
from toolkit.data.demo import generate
from toolkit.data.problems import ValidationError
from toolkit.reports import facts, index_page, standing, views
from toolkit.reports.batch import run_reports
from toolkit.reports.plan import plan, unit_file

from .conftest import SPEC, THREE, write_return


def three(path, scale: float = 1.0, bad: str | None = None):
    """The fixture's three-brain return, its first indicator of the first row × ``scale`` (or the
    text ``bad`` in that cell)."""
    df = generate(n_units=50, years=(2024, 2025), seed=5)
    df = df[df["unit_id"].isin(THREE)].reset_index(drop=True)
    col = toolkit.load_framework().columns[0]
    if bad is not None:
        df[col] = df[col].astype(object)
        df.loc[0, col] = bad
    else:
        df.loc[0, col] = df.loc[0, col] * scale
    return write_return(path, df)


OPTS = dict(only=["failed"], workers=1, executor="serial", n_uncertainty=0, progress=False, workbook=False)


@pytest.fixture
def counted(monkeypatch):
    """Calls of ``read_indicators`` (the full read and check of a return) and of the overview's
    added sections."""
    calls = {"read": 0, "sections": 0}
    real_read = read_module.read_indicators

    def read(*a, **k):
        calls["read"] += 1
        return real_read(*a, **k)

    monkeypatch.setattr(read_module, "read_indicators", read)
    real_sections = list(index_page.OVERVIEW_SECTIONS)

    def counting(make):
        def section(*a, **k):
            calls["sections"] += 1
            return make(*a, **k)
        return section

    monkeypatch.setattr(index_page, "OVERVIEW_SECTIONS", [counting(m) for m in real_sections])
    return calls


def meta(run_dir):
    return json.loads((run_dir / "_bundle" / "meta.json").read_text("utf-8"))


def test_an_up_to_date_bundle_is_used_without_reading_the_data_and_a_changed_byte_is_caught(tmp_path, counted):
    data = three(tmp_path / "r.csv")
    first = run_reports(data, SPEC, out=tmp_path / "out", **OPTS)
    assert counted == {"read": 1, "sections": 1}
    m1, page1 = meta(first.run_dir), (first.run_dir / "index.html").read_text("utf-8")
    assert m1["source_sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()

    again = run_reports(data, SPEC, out=tmp_path / "out", **OPTS)
    assert counted == {"read": 1, "sections": 1}  # neither read nor recomputed: the bundle records these bytes
    assert meta(again.run_dir) == m1 and (again.run_dir / "index.html").read_text("utf-8") == page1
    manifest = json.loads((again.run_dir / "manifest.json").read_text("utf-8"))
    assert manifest["inputs"]["data_sha256"] == m1["source_sha256"]

    before = data.read_bytes()
    three(data, scale=1.5)  # one value changed: another file for the bundle
    assert data.read_bytes() != before
    changed = run_reports(data, SPEC, out=tmp_path / "out", **OPTS)
    assert counted == {"read": 2, "sections": 2}  # read, checked and computed again
    m2 = meta(changed.run_dir)
    assert m2["source_sha256"] == hashlib.sha256(data.read_bytes()).hexdigest() != m1["source_sha256"]
    assert m2["computed_at"] >= m1["computed_at"]
    manifest = json.loads((changed.run_dir / "manifest.json").read_text("utf-8"))
    assert manifest["inputs"]["data_sha256"] == m2["source_sha256"]

    # another spec or seed is another bundle too: recomputed from the data read again
    run_reports(data, SPEC, out=tmp_path / "out", **{**OPTS, "seed": 7})
    assert counted["read"] == 3


def test_a_bad_return_is_refused_though_a_bundle_of_the_earlier_file_exists(tmp_path, counted):
    data = three(tmp_path / "r.csv")
    first = run_reports(data, SPEC, out=tmp_path / "out", **OPTS)
    page = (first.run_dir / "index.html").read_bytes()
    three(data, bad="12abc")
    bad = data.read_bytes()
    with pytest.raises(ValidationError) as err:
        run_reports(data, SPEC, out=tmp_path / "out", **OPTS)
    problems = err.value.report
    assert problems["value"].tolist() == ["12abc"] and problems["row"].tolist() == [3]  # the header, the note row
    assert data.read_bytes() == bad  # the input untouched
    assert (first.run_dir / "index.html").read_bytes() == page and meta(first.run_dir)["source_sha256"] != \
        hashlib.sha256(bad).hexdigest()  # the published run kept as it was


def test_a_bundles_derived_values_are_kept_for_all_its_units(demo_bundle):
    """More than 64 statements (50 brains × 2 languages) no longer drop the tables every page
    shares: the year's standings are computed once per bundle."""
    year = demo_bundle.years[-1]
    units = facts.year_rows(demo_bundle, year)["unit_id"]
    standing.dimension_standing(demo_bundle, units.iloc[0], year)  # the year's standings, computed
    for lang in ("zh", "en"):
        for u in units:
            standing.type_statement(demo_bundle, u, year, lang)
    assert len(units) * 2 > 64

    def again():
        raise AssertionError("the year's standings were computed again")

    assert units.iloc[0] in facts.cached(demo_bundle, ("standing", int(year)), again)


def test_a_unit_reports_parameters_do_not_grow_with_the_run_and_link_each_peer_to_its_own_report(demo_bundle):
    """Each unit report used to carry the file names of every unit (a run of N reports wrote,
    pickled and parsed N² names); the link now follows the rule the files are named by."""
    jobs = plan(demo_bundle, "unit")
    assert len(jobs) == 50
    sizes = [len(json.dumps(j.params("_bundle"), ensure_ascii=False)) for j in jobs]
    assert max(sizes) < 700  # 50 names alone took ~2,500 characters
    own = {j.target: j.filename for j in jobs}
    links = jobs[0].params("_bundle")["links"]
    assert {u: unit_file(links, u) for u in own} == own  # every link is the file that unit's report is written to
    html = views.peers_html(demo_bundle, jobs[0].target, jobs[0].year, "en", links).data
    linked = set(re.findall(r'href="([^"]+)"', html))
    assert linked and linked <= set(own.values()) - {jobs[0].filename}  # its peers, never itself
