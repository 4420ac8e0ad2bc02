"""A 3-brain return: every report renders, says what was not computed, and exits 0."""

from __future__ import annotations

import json
import re

import pytest

from toolkit.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def _visible(html: str) -> str:
    return re.sub(r"<(style|script|title)[^>]*>[\s\S]*?</\1>|<[^>]+>", " ", html)


@pytest.fixture(scope="module")
def three_runs(three_return, tmp_path_factory):
    out = tmp_path_factory.mktemp("three_out")
    codes = {}
    for lang in ("zh", "en"):
        codes[lang] = main(["reports", "--data", str(three_return), "--by", "all", "--lang", lang, "--workers", "1",
                            "--executor", "serial", "--out", str(out), "--uncertainty", "16", "--no-progress"])
    return out, codes


def test_three_brains_render_every_report_and_exit_0(three_runs):
    out, codes = three_runs
    assert codes == {"zh": 0, "en": 0}
    zh, en = out / "three__default", out / "three__default__en"  # each language its own folder
    for run, lang in ((zh, "zh"), (en, "en")):
        manifest = json.loads((run / "manifest.json").read_text("utf-8"))
        assert {r["status"] for r in manifest["reports"].values()} == {"ok"}
        assert len(manifest["reports"]) == 4  # three brains and one city
        assert (run / "results.xlsx").exists()
        for page in sorted(run.glob("*.html")):
            assert page.name.startswith(("unit-", "city-Jinan-", "index"))
            text = _visible(page.read_text("utf-8"))
            nc = "未计算" if lang == "zh" else "not computed"
            assert nc in text, page.name
            assert ("样本平均" if lang == "zh" else "Sample mean") in text, page.name
            assert ("全省平均" if lang == "zh" else "Provincial mean") not in text, page.name
            assert ("本次数据仅含 3 个产业大脑" if lang == "zh" else "only 3 brains") in text, page.name


def test_no_interval_is_shown_that_was_not_computed(three_runs):
    out, _ = three_runs
    meta = json.loads((out / "three__default" / "_bundle" / "meta.json").read_text("utf-8"))
    for page in (out / "three__default").glob("*.html"):
        html = page.read_text("utf-8")
        if meta["n_uncertainty"] == 0:  # the Monte Carlo could not run on three brains
            assert "intervals" in meta["not_computed"]
            assert not re.search(r"90% 排名区间</div><div class=\"v\">\d", html)
            assert not re.search(r"<td class=\"num\">\d+–\d+</td>", html)
    typ = meta["not_computed"].get("typology", "")
    assert "at least" in typ  # the typology needs more brains and says so


def test_english_run_links_stay_english(three_runs):
    out, _ = three_runs
    index = (out / "three__default__en" / "index.html").read_text("utf-8")
    links = re.findall(r'href="([^"]+\.html)"', index)
    assert links and all((out / "three__default__en" / h).exists() for h in links)
    assert "<title>Industrial Brain evaluation: overview · 2025</title>" in index
    assert "Jinan" in _visible(index)
