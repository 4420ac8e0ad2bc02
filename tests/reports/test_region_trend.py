"""A region report's trend (issue 23): the region's mean, its wider group's and the whole's over the
years, and its units', with the sentence saying how the gap changed; one year: a sentence, no chart."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

import toolkit
from toolkit.reports import facts
from toolkit.reports.bundle import Bundle, index_tables
from toolkit.reports.region_trend import (
    composite_percentiles,
    region_trend_frame,
    region_trend_html,
)

from ..conftest import ROOT, SHARED_DATA

CIRCLE = ["临沂市", "枣庄市", "济宁市", "菏泽市"]   # 鲁南经济圈 (framework groupings)


def _charts(html: str) -> list[tuple[float, float, list[float]]]:
    return [(float(lo), float(hi), [float(v) for v in vals.split()])
            for lo, hi, vals in re.findall(r'data-lo="([^"]+)" data-hi="([^"]+)" data-values="([^"]*)"', html)]


def test_the_lines_are_the_means_of_the_units(panel_bundle):
    s = panel_bundle.summary
    f = region_trend_frame(panel_bundle, "菏泽市", 2025)
    assert list(f.index) == [2021, 2022, 2023, 2024, 2025]
    heze = s[s["city"] == "菏泽市"]
    assert np.allclose(f["region"], heze.groupby("year")["INDEX"].mean())
    assert np.allclose(f["whole"], s.groupby("year")["INDEX"].mean())
    assert np.allclose(f["circle"], s[s["city"].isin(CIRCLE)].groupby("year")["INDEX"].mean())
    assert f.attrs["groups"] == {"circle": "鲁南经济圈"}
    for u in heze["unit_id"].unique():
        assert np.allclose(f[u], heze[heze["unit_id"] == u].set_index("year")["INDEX"].reindex(f.index))
    assert list(region_trend_frame(panel_bundle, "菏泽市", 2023).index) == [2021, 2022, 2023]   # up to the page's year


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sentence_states_the_gap_at_both_ends(panel_bundle, lang):
    sc = facts.scale(panel_bundle)
    html = region_trend_html(panel_bundle, "菏泽市", 2025, lang).data
    f = region_trend_frame(panel_bundle, "菏泽市", 2025)
    gap = f["region"] - f["whole"]
    text = re.search(r'<p class="summary">(.*?)</p>', html).group(1)
    g0, g1 = sc.fmt(abs(gap.iloc[0])), sc.fmt(abs(gap.iloc[-1]))
    assert f" {g0} " in text and f" {g1}" in text
    word = {"zh": ("差距缩小", "差距扩大"), "en": ("the gap narrowed", "the gap widened")}[lang]
    assert word[0 if float(g1) < float(g0) else 1] in text
    side = {"zh": ("高于", "低于"), "en": ("above", "below")}[lang]
    assert side[0 if gap.iloc[-1] > 0 else 1] in text
    cg = f["region"] - f["circle"]
    assert f"{cg.iloc[0]:+.{sc.digits}f} " in text and f"{cg.iloc[-1]:+.{sc.digits}f}" in text
    # the chart: three lines (city, circle, province) on the run's axis, every value inside it
    (lo, hi, vals), = _charts(html)
    assert (lo, hi) == (sc.lo, sc.hi) and len(vals) == 3 * 5 and all(lo <= v <= hi for v in vals)
    assert np.allclose(vals[:5], f["region"]) and np.allclose(vals[-5:], f["whole"])
    # the table: every series and brain, each value at the run's precision
    for u in [c for c in f.columns if c.startswith("SD-")]:
        assert all(sc.fmt(v) in html for v in f[u].dropna())
    if lang == "en":
        assert not re.search(r"[\u2E80-\u9fff]", re.sub(r"<[^>]+>", "", html))


def test_the_strong_and_weak_counts_follow_the_one_rule(panel_bundle):
    """Top quarter: percentile ≥ 75 of all units' composites (as toolkit.reports.standing)."""
    assert composite_percentiles([4.0, 1.0, 3.0, 2.0]).tolist() == [100.0, 25.0, 75.0, 50.0]
    s = panel_bundle.summary
    counts = []
    for y in (2021, 2025):
        rows = s[s["year"] == y]
        pct = 100 * rows["INDEX"].rank(method="max") / len(rows)
        heze = rows["city"] == "菏泽市"
        counts.append(((pct[heze] >= 75).sum(), (pct[heze] <= 25).sum()))
    n = s.loc[s["city"] == "菏泽市", "unit_id"].nunique()
    text = region_trend_html(panel_bundle, "菏泽市", 2025, "en").data
    assert (f"has {counts[1][0]} of its {n} brains in the top quarter in 2025 and {counts[1][1]} in the bottom "
            f"quarter (2021: {counts[0][0]} and {counts[0][1]})") in text


@pytest.mark.parametrize("lang, words", [("zh", "只有 2021 年一年的数据"), ("en", "only one year of data (2021)")])
def test_one_year_says_so_and_draws_nothing(panel_bundle, lang, words):
    html = region_trend_html(panel_bundle, "菏泽市", 2021, lang).data
    assert words in html and "<svg" not in html and "<table" not in html


HDR_CSV = SHARED_DATA / "hdi" / "HDR23-24_Composite_indices_complete_time_series.csv"


@pytest.mark.skipif(not HDR_CSV.is_file(), reason=f"{HDR_CSV} not found (../shared/data)")
def test_hdi_region_reports_get_the_trend_by_undp_region(tmp_path):
    """The HDI declaring UNDP's region as its region column: South Asia's mean HDI against the sample's,
    2018–2022, on the 0–1 axis at 3 decimals (the specification ranks at 3)."""
    from toolkit.dynamics.hdr import hdr_panel

    doc = yaml.safe_load((Path(toolkit.__file__).parent / "frameworks" / "undp_hdi.yaml").read_text("utf-8"))
    doc["reporting"]["region"] = {"column": "region", "zh": "区域", "en": "region", "en_plural": "regions"}
    (tmp_path / "hdi.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    fw = toolkit.load_framework(tmp_path / "hdi.yaml")
    long = hdr_panel(HDR_CSV, range(2018, 2023))
    long = long[long[["LE", "EYS", "MYS", "GNI"]].notna().all(axis=1)]
    spec = toolkit.load_spec(ROOT / "configs" / "hdi.yaml", framework=fw)
    r = toolkit.build_index(long.drop(columns=["hdi_published"]), spec, framework=fw)
    b = Bundle(index_tables(r), {}, fw)
    assert facts.scale(b).digits == 3 and (facts.scale(b).lo, facts.scale(b).hi) == (0.0, 1.0)
    f = region_trend_frame(b, "SA", 2022)
    sa = long[long["region"] == "SA"]
    assert list(f.index) == list(range(2018, 2023)) and len(f.columns) == 2 + sa["unit_id"].nunique()
    assert np.allclose(f["region"], b.summary[b.summary["region"] == "SA"].groupby("year")["HDI"].mean())
    for lang in ("zh", "en"):
        html = region_trend_html(b, "SA", 2022, lang).data
        (lo, hi, vals), = _charts(html)
        assert (lo, hi) == (0.0, 1.0) and len(vals) == 2 * 5 and all(0 <= v <= 1 for v in vals)
        assert f"{abs(f['region'] - f['whole']).iloc[-1]:.3f}" in html
        assert ("样本平均" if lang == "zh" else "sample mean") in html
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<title>.*?</title>", "", html))   # what a reader sees
        if lang == "en":   # the countries in English, nothing in Chinese
            assert "Sri Lanka" in text and not re.search(r"[\u2E80-\u9fff]", text)
        else:              # the countries in Chinese (Unicode CLDR), no English word
            assert "斯里兰卡" in text and not re.search(r"[A-Za-z]{3,}", text)
    assert "circle" not in f   # the HDI derives no grouping from its region: no wider group
