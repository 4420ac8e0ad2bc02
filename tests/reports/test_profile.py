"""The brain profile's content: summary, strengths and weaknesses, comparisons, peers, tables.

Each number is checked against an independent computation from ``build_index`` (not from the
bundle the views read).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from toolkit.reports import facts, summary, views
from toolkit.reports.text import industry_name, unit_name

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
YEAR = 2025
UNIT = "SD-B010"
CODE = re.compile(r"\bL\dP\d+(_[A-Z0-9]+)?\b")


def _visible(html: str) -> str:
    return re.sub(r"<(style|script|title)[^>]*>[\s\S]*?</\1>|<[^>]+>", " ", html)


def test_summary_sentences_state_rank_interval_dimensions_change_and_obstacles(demo_bundle, demo_result):
    r = demo_result
    fw = r.framework
    for lang in ("zh", "en"):
        for unit in r.composite.xs(YEAR, level="year").index:
            assert 3 <= len(summary.sentences(demo_bundle, unit, YEAR, lang)) <= 5
    text = summary.sentences(demo_bundle, UNIT, YEAR, "zh")
    rank, n = int(r.rank.loc[(UNIT, YEAR)]), len(r.composite.xs(YEAR, level="year"))
    iv = demo_bundle.intervals.set_index(["unit_id", "year"]).loc[(UNIT, YEAR)]
    assert f"综合指数为{r.composite.loc[(UNIT, YEAR)]:.1f}，在{n}个产业大脑中排名第{rank}" in text[0]
    assert f"第{int(iv['p05'])}至{int(iv['p95'])}名" in text[0]
    ds = r.dimension_scores.xs(YEAR, level="year")
    gap = ds.loc[UNIT] - ds.mean()
    assert fw.label(gap.idxmax(), "zh") in text[1] and f"最薄弱的是{fw.label(gap.idxmin(), 'zh')}" in text[1]
    prev = r.composite.loc[(UNIT, 2024)]
    d = r.composite.loc[(UNIT, YEAR)] - prev
    assert f"综合指数{'上升' if d >= 0 else '下降'}{abs(d):.1f}分" in text[2]
    top = r.obstacles(YEAR).loc[UNIT].sort_values(ascending=False).head(3)
    for code in top.index:
        assert summary.indicator_label(fw, code, "zh") in text[3]
    en = summary.summary_text(demo_bundle, UNIT, YEAR, "en")
    assert f"rank {rank} of {n}" in en and not re.search(r"[\u4e00-\u9fff]", en)


def test_robust_rank_wording_follows_the_interval_width():
    assert summary.robust(10, 12, 50) and not summary.robust(10, 20, 50)  # 10 % of 50 = 5 places


def test_strengths_and_weaknesses_are_the_extreme_percentiles(demo_bundle, demo_result):
    r = demo_result
    fw = r.framework
    norm = r.normalised.xs(YEAR, level="year")
    pct = (norm.rank(pct=True, method="max") * 100).loc[UNIT]  # independent percentiles
    pct = pct[[fw.node(c).type != "binary" for c in pct.index]]
    strong, weak = summary.strengths_weaknesses(demo_bundle, UNIT, YEAR)
    assert len(strong) == len(weak) == 5 and not set(strong["code"]) & set(weak["code"])
    np.testing.assert_allclose(sorted(strong["percentile"], reverse=True), sorted(pct, reverse=True)[:5])
    np.testing.assert_allclose(sorted(weak["percentile"]), sorted(pct)[:5])
    assert strong["percentile"].min() >= weak["percentile"].max()


def test_dimension_comparisons_are_means_of_the_other_peers(demo_bundle, demo_result):
    r = demo_result
    f = views.dimension_frame(demo_bundle, UNIT, YEAR)
    units = r.units.xs(YEAR, level="year")
    ds = r.dimension_scores.xs(YEAR, level="year")
    me = units.loc[UNIT]
    ind = ds[(units["industry"] == me["industry"]) & (ds.index != UNIT)]
    city = ds[(units["city"] == me["city"]) & (ds.index != UNIT)]
    np.testing.assert_allclose(f["score"], ds.loc[UNIT])
    np.testing.assert_allclose(f["mean"], ds.mean())
    np.testing.assert_allclose(f["best"], ds.max())
    np.testing.assert_allclose(f["peers"], ind.mean())
    np.testing.assert_allclose(f["region"], city.mean())
    assert list(f["rank"]) == [int((ds[c] > ds.at[UNIT, c]).sum() + 1) for c in ds.columns]


def test_a_brain_alone_in_its_industry_gets_its_nearest_brains_as_peers(demo_bundle, demo_result):
    units = demo_result.units.xs(YEAR, level="year")
    counts = units["industry"].value_counts()
    alone = units.index[units["industry"] == counts.index[counts == 1][0]][0]
    kind, peers = views.peers_frame(demo_bundle, alone, YEAR)
    assert kind == "alone" and peers["unit_id"].iloc[0] == alone and len(peers) == 6
    ds = demo_result.dimension_scores.xs(YEAR, level="year")
    dist = np.sqrt(((ds - ds.loc[alone]) ** 2).sum(axis=1)).drop(alone).sort_values()
    assert list(peers["unit_id"].iloc[1:]) == list(dist.index[:5])
    kind, peers = views.peers_frame(demo_bundle, UNIT, YEAR)
    n_same = int((units["industry"] == units.at[UNIT, "industry"]).sum())
    assert kind == "peers" and len(peers) == min(n_same, views.MAX_PEERS + 1)


def test_indicator_table_has_names_units_percent_weights_and_no_codes(demo_bundle, demo_result):
    html = views.indicator_html(demo_bundle, UNIT, YEAR, "zh").data
    text = _visible(html)
    assert not CODE.search(text), CODE.search(text)
    assert "e+" not in text and "存储与计算资源 · 存储资源" in text
    weights = [float(w) for w in re.findall(r">(\d+\.\d)%<", html)]
    eff = demo_result.effective_weights.iloc[0]
    assert len(weights) == len(eff) and abs(sum(weights) - 100) < 0.5
    raw = demo_result.raw.loc[(UNIT, YEAR), "L1P1"]
    assert f"{raw:,.1f}".rstrip("0").rstrip(".") + " 亿元" in text  # raw value with its unit


def test_headline_change_arrow_and_type(demo_bundle, demo_result):
    r = demo_result
    h = views.headline(demo_bundle, UNIT, YEAR, "zh")
    d = r.composite.loc[(UNIT, YEAR)] - r.composite.loc[(UNIT, 2024)]
    assert h["change"][0] == pytest.approx(d) and h["change"][2] == 2024
    html = views.headline_html(demo_bundle, UNIT, YEAR, "zh").data
    assert ("↑" if d > 0 else "↓") + f" {abs(d):.1f}" in html
    assert h["interval"] is not None and h["type"]


def test_whole_profile_in_english_uses_english_names_and_labels(demo_bundle):
    row = facts.unit_row(demo_bundle, UNIT, YEAR)
    page = "".join(f(demo_bundle, UNIT, YEAR, "en").data for f in (
        views.headline_html, views.summary_html, views.dimension_html, views.position_html, views.trend_html,
        views.strengths_html, views.indicator_html, views.obstacle_html, views.coupling_html, views.peers_html))
    text = _visible(page)
    assert unit_name(row, "en", demo_bundle.framework) == f"Heze {industry_name(row['industry'], 'en')} Industrial Brain"
    assert "Heze" in text and "Provincial mean" in text and "Technological innovation capacity" in text
    cjk = set(re.findall(r"[\u4e00-\u9fff]+", text))
    assert cjk <= {row["brain_name"]}, cjk  # only the name as written in the return, shown under the English one


def test_industries_reference_covers_the_demo(demo_bundle):
    for ind in demo_bundle.summary["industry"].unique():
        assert industry_name(ind, "en") != ind, ind


def test_notices_name_what_was_not_computed_and_why(demo_bundle):
    import dataclasses

    assert facts.notice_keys(demo_bundle, YEAR) == []  # 50 brains in all 16 cities, Monte Carlo run
    off = dataclasses.replace(demo_bundle, meta={**demo_bundle.meta, "n_uncertainty": 0})
    assert facts.notice_keys(off, YEAR) == ["mc_off"]  # --uncertainty 0: not a small sample
    assert facts.interval(off, UNIT, YEAR) is None
    html = views.headline_html(off, UNIT, YEAR, "en").data
    assert "not computed" in html and not re.search(r'rank interval</div><div class="v">\d', html)
    assert "本次未运行蒙特卡洛模拟" in views.notices_html(off, YEAR, "zh").data


def test_the_type_shown_follows_the_one_rule_and_names_the_best_dimensions(demo_bundle):
    """The type is built from the framework's short names by one rule: a dimension is named
    strong exactly when the brain is in its top quarter (percentile ≥ 75), weak exactly in its
    bottom quarter; the profile ("relative to itself") names its best-placed dimension."""
    from toolkit.reports.standing import dimension_standing

    fw = demo_bundle.framework
    short = {n.code: n.short("zh") for n in fw.nodes("dimension")}
    s = demo_bundle.summary[demo_bundle.summary["year"] == YEAR]
    dims = list(short)
    for unit in s["unit_id"]:
        html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", views.headline_html(demo_bundle, unit, YEAR, "zh").data))
        label = re.search(r"类型 (\S+)", html).group(1)
        me = s[s["unit_id"] == unit].iloc[0]
        pct = {d: 100 * (s[d] <= me[d]).mean() for d in dims}  # share scoring no higher, by hand
        strong_part = label.split("居前四分之一")[0] if "居前四分之一" in label else ""
        for d in dims:
            if pct[d] >= 75 and "各维度均居前四分之一" not in label:
                assert short[d] in strong_part, (unit, d, pct[d], label)
            if short[d] in strong_part:
                assert pct[d] >= 75, (unit, d, pct[d], label)
        st = dimension_standing(demo_bundle, unit, YEAR)
        assert st["percentile"].round(6).to_dict() == {d: round(pct[d], 6) for d in dims}
        best = max(dims, key=lambda d: (pct[d], me[d]))
        if "较均衡" not in html:
            assert f"相对自身 {short[best]}最强" in html, (unit, html)
    # the #1 brain of the demo: the label names its best dimensions, with the framework's words
    top = s.sort_values("rank")["unit_id"].iloc[0]
    html = views.headline_html(demo_bundle, top, YEAR, "zh").data
    assert "数据资源" not in html and "价值释放强" not in html
