"""The report pipeline: parameters, kernel isolation, failures, safety, numbers, skipping."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

import toolkit
from toolkit.data.demo import generate
from toolkit.reports.batch import NOTEBOOK, plan, run_reports, safe_filename

from .conftest import link_bundle, write_return

EVIL_ID = "../../x"
EVIL_NAME = "<script>alert(1)</script>"
LONG_NAME = "山东" * 150  # 300 Chinese characters
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def evil_data(tmp_path_factory) -> Path:
    """Twelve synthetic brains, three of them with hostile or very long names."""
    df = generate(n_units=12, years=(2024, 2025), seed=5, missing_rate=0.0, n_outliers=0)
    ids = list(df["unit_id"].unique())
    df.loc[df["unit_id"] == ids[0], "unit_id"] = EVIL_ID
    df.loc[df["unit_id"] == ids[1], "brain_name"] = EVIL_NAME
    df.loc[df["unit_id"] == ids[2], "brain_name"] = LONG_NAME
    return write_return(tmp_path_factory.mktemp("data") / "evil.csv", df)


@pytest.fixture(scope="module")
def run(evil_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    ids = [EVIL_ID, "SD-B002", "SD-B003", "SD-B004"]
    summary = run_reports(evil_data, by="unit", only=ids, workers=1, executor="serial", out=out,
                          n_uncertainty=16, progress=False)
    return summary, out, ids


def test_safe_filenames_stay_inside_the_run_folder():
    names = [safe_filename("unit", t) for t in (EVIL_ID, EVIL_NAME, LONG_NAME, "a/b", "..", "", "SD-B001")]
    for n in names:
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.html", n) and len(n) <= 80
        assert Path(n).name == n
    assert len(set(names)) == len(names)
    assert safe_filename("unit", "a/b") != safe_filename("unit", "a_b")


def test_run_renders_every_report_safely(run):
    summary, out, ids = run
    assert summary.exit_code == 0 and len(summary.ok) == 4 and not summary.failed
    run_dir = summary.run_dir
    html_files = sorted(run_dir.glob("*.html"))
    assert len(html_files) == 5  # four reports + index.html
    assert all(p.parent == run_dir for p in html_files)
    assert not (out.parent / "x").exists() and not list(out.parent.glob("x*"))
    evil = (run_dir / safe_filename("unit", "SD-B002")).read_text("utf-8")
    assert EVIL_NAME not in evil and "&lt;script&gt;alert(1)&lt;/script&gt;" in evil
    index = (run_dir / "index.html").read_text("utf-8")
    assert EVIL_NAME not in index and "&lt;script&gt;" in index
    for page in (index, evil):  # both embed the CJK font subset, so browsers show the Chinese
        assert page.count("@font-face") == 1 and "data:font/woff;base64," in page
    _assert_font_covers(run_dir, index + evil)
    assert "SYNTHETIC" in evil or "模拟数据" in evil
    long = (run_dir / safe_filename("unit", "SD-B003")).read_text("utf-8")
    assert LONG_NAME in long  # shown in full, but the file name stays short
    manifest = json.loads((run_dir / "manifest.json").read_text("utf-8"))
    assert {r["status"] for r in manifest["reports"].values()} == {"ok"}
    assert manifest["inputs"]["data_sha256"] and manifest["versions"]["toolkit"] == toolkit.__version__


def _assert_font_covers(run_dir: Path, text: str) -> None:
    """The embedded subset has a glyph for every CJK character the pages contain."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    css = (run_dir / "_bundle" / "fontface.css").read_text("utf-8")
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1))
    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    visible = re.sub(r"<(style|script)[^>]*>[\s\S]*?</\1>|<[^>]+>", "", text)
    missing = sorted({c for c in visible if ord(c) >= 0x2E80 and ord(c) not in cmap})
    assert not missing, "".join(missing)


def test_report_numbers_equal_build_index(run, evil_data):
    summary, _, _ = run
    data = toolkit.read_indicators(evil_data)
    r = toolkit.build_index(data, Path(__file__).resolve().parents[2] / "configs" / "default.yaml")
    html = (summary.run_dir / safe_filename("unit", "SD-B004")).read_text("utf-8")
    comp = r.composite.loc[("SD-B004", 2025)]
    rank = r.rank.loc[("SD-B004", 2025)]
    n = len(r.composite.xs(2025, level="year"))
    assert f">{comp:.1f}<" in html and f">{rank} / {n}<" in html
    bundle = toolkit.reports.bundle.load_bundle(summary.run_dir / "_bundle")
    s = bundle.summary.set_index(["unit_id", "year"])
    np.testing.assert_allclose(s["INDEX"].loc[r.composite.index], r.composite, rtol=0, atol=0)


def test_unchanged_inputs_are_skipped_and_force_rerenders(run, evil_data):
    summary, out, ids = run
    again = run_reports(evil_data, by="unit", only=ids, workers=1, executor="serial", out=out,
                        n_uncertainty=16, progress=False)
    assert sorted(again.skipped) == sorted(f"unit:{i}" for i in ids) and not again.ok
    forced = run_reports(evil_data, by="unit", only=ids[:1], workers=1, executor="serial", out=out,
                         n_uncertainty=16, progress=False, force=True)
    assert forced.ok == [f"unit:{EVIL_ID}"]


def test_one_failing_report_does_not_stop_the_others(evil_data, run, tmp_path):
    link_bundle(tmp_path, run[0].run_dir / "_bundle")  # the same inputs: the run's bundle is reused, not computed
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('if target == "SD-B006":\n    raise RuntimeError("boom")'))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, str(broken))
    ids = ["SD-B005", "SD-B006", "SD-B007"]
    s = run_reports(evil_data, by="unit", only=ids, workers=2, out=tmp_path, n_uncertainty=16,
                    progress=False, notebook=broken)
    assert s.exit_code == 1 and list(s.failed) == ["unit:SD-B006"] and "boom" in s.failed["unit:SD-B006"]
    assert sorted(s.ok) == ["unit:SD-B005", "unit:SD-B007"]
    index = (s.run_dir / "index.html").read_text("utf-8")
    assert 'class="failed"' in index
    assert not (s.run_dir / safe_filename("unit", "SD-B006")).exists()
    fixed = run_reports(evil_data, by="unit", only=["failed"], workers=1, executor="serial", out=tmp_path,
                        n_uncertainty=16, progress=False)
    assert fixed.ok == ["unit:SD-B006"] and fixed.exit_code == 0


def test_reused_kernel_gives_the_same_report_as_a_fresh_one(run):
    from toolkit.reports.render import NotebookRenderer

    summary, _, _ = run
    params = summary.run_dir / "_params" / (safe_filename("unit", "SD-B003")[:-5] + ".json")
    other = summary.run_dir / "_params" / (safe_filename("unit", "SD-B002")[:-5] + ".json")
    with NotebookRenderer(NOTEBOOK) as fresh:
        alone = fresh.render(params, "t")
        if os.name == "posix":  # the kernel talks over local sockets: no TCP port, no TCP warning
            info = json.loads(Path(fresh.km.connection_file).read_text("utf-8"))
            assert info["transport"] == "ipc" and fresh.km.transport == "ipc"
    with NotebookRenderer(NOTEBOOK) as reused:
        reused.render(other, "t")
        reused._run("leaked = 42\nimport matplotlib.pyplot as plt\nplt.figure()")  # state a report might leave
        after = reused.render(params, "t")
    assert after == alone


def test_parameters_cell_and_parameters_as_data(tmp_path):
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("by", "target", "year", "lang", "bundle_dir", "params_file"):
        assert re.search(rf"^{name} = ", tagged[0].source, re.M), name
    from toolkit.reports.batch import Job

    job = Job("unit:x", "unit", 'a"; import os #\n', 2025, "zh", "f.html", "t")
    p = job.params(tmp_path)
    assert json.loads(json.dumps(p))["target"] == 'a"; import os #\n'  # travels as JSON data


def test_city_reports_and_plan(run):
    summary, _, _ = run
    bundle = toolkit.reports.bundle.load_bundle(summary.run_dir / "_bundle")
    jobs = plan(bundle, "city")
    assert {j.target for j in jobs} == set(bundle.summary.query("year == 2025")["city"])
    with pytest.raises(ValueError, match="unknown"):
        plan(bundle, "unit", only=["nope"])


def test_dask_executor_gives_the_same_reports(evil_data, run, tmp_path):
    pytest.importorskip("distributed")
    summary, _, _ = run
    # the run's bundle copied under the same run name, so only the executor differs from the
    # run's own page of SD-B004, rendered by the serial executor (the run fixture)
    out = tmp_path / "dask"
    shutil.copytree(summary.run_dir / "_bundle", out / summary.run_dir.name / "_bundle")
    s = run_reports(evil_data, by="unit", only=["SD-B004"], workers=1, executor="dask", out=out,
                    n_uncertainty=16, progress=False)
    assert s.ok == ["unit:SD-B004"] and s.run_dir.name == summary.run_dir.name
    page = safe_filename("unit", "SD-B004")
    assert (s.run_dir / page).read_text("utf-8") == (summary.run_dir / page).read_text("utf-8")


def test_report_renders_in_a_real_browser(run, tmp_path):
    from matplotlib import image

    from toolkit.reports.screenshot import find_chromium, screenshot

    if find_chromium() is None:
        pytest.skip("Chromium not installed (make browser)")
    summary, _, _ = run
    png = screenshot(summary.run_dir / safe_filename("unit", "SD-B004"), tmp_path / "r.png", width=1000, height=900)
    img = image.imread(png)[..., :3].mean(axis=2)
    assert img.shape[:2] == (900, 1000)
    assert (img[:300] < 0.5).mean() > 0.005  # the banner and the headline are drawn


def test_a_second_run_on_the_same_inputs_reuses_the_bundle(run, evil_data):
    summary, out, _ = run
    city = run_reports(evil_data, by="city", only=[], workers=1, executor="serial", out=out, run="cities",
                       n_uncertainty=16, progress=False)
    a = json.loads((summary.run_dir / "_bundle" / "meta.json").read_text("utf-8"))
    b = json.loads((city.run_dir / "_bundle" / "meta.json").read_text("utf-8"))
    assert a["computed_at"] == b["computed_at"] and a["source_sha256"] == b["source_sha256"]
