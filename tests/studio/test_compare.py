"""``python -m toolkit compare``: the page's numbers against build_index and scipy, computed
independently here; the page is self-contained."""

import re

import numpy as np
import pytest
import yaml
from scipy.stats import kendalltau, spearmanr

from toolkit import build_index, read_indicators
from toolkit.cli import main
from toolkit.errors import SpecError
from toolkit.studio.compare import compare_specs, write_compare

from ..conftest import DEMO_CSV, ROOT

DEFAULT = ROOT / "configs" / "default.yaml"
OTHER = {"name": "equal_geometric", "weights": {"dimension": {"method": "equal"}, "index": {"method": "equal"}},
         "aggregation": {"index": {"method": "geometric"}}}


@pytest.fixture(scope="module")
def data():
    return read_indicators(DEMO_CSV)


def test_compare_numbers(data):
    c = compare_specs(data, [DEFAULT, OTHER], year=2025)
    a = build_index(data, DEFAULT).rank.xs(2025, level="year")
    b = build_index(data, OTHER).rank.xs(2025, level="year")
    assert (c.ranks["default"] == a.reindex(c.ranks.index)).all()
    assert (c.ranks["equal_geometric"] == b.reindex(c.ranks.index)).all()
    row = c.agreement.iloc[0]
    assert row["spearman"] == pytest.approx(spearmanr(a, b.reindex(a.index)).statistic)
    assert row["kendall"] == pytest.approx(kendalltau(a, b.reindex(a.index)).statistic)
    spread = (a - b.reindex(a.index)).abs()
    assert c.movers["spread"].iloc[0] == spread.max()
    np.testing.assert_allclose(c.dimension_weights.sum().to_numpy(), 1.0)
    np.testing.assert_allclose(c.dimension_weights["equal_geometric"].to_numpy(), 0.2)
    with pytest.raises(SpecError, match="at least two"):
        compare_specs(data, [DEFAULT])


def _shown(html: str) -> str:
    """The text a page shows (its tags, and the keys of its marks, left out)."""
    return re.sub(r"<[^>]+>", "", html)


def test_cli_writes_a_self_contained_page(tmp_path, capsys):
    other = tmp_path / "b.yaml"
    other.write_text(yaml.safe_dump(OTHER), encoding="utf-8")
    out = tmp_path / "cmp"
    assert main(["compare", "--data", str(DEMO_CSV), "--spec", str(DEFAULT), "--spec", str(other),
                 "--out", str(out), "--lang", "zh"]) == 0
    html = (out / "compare.html").read_text(encoding="utf-8")
    assert str(out / "compare.html") in capsys.readouterr().out
    for part in ("排名变化", "排名一致性", "排名变动最大的产业大脑", "各维度有效权重", "模拟数据",
                 "equal_geometric", "<svg", '<meta name="viewport"', "@media print", '<html lang="zh">'):
        assert part in html, part
    assert not re.search(r"<script|<link|src=\"http|url\(http", html)
    assert "@font-face" in html
    # names, not codes; weights as percentages; no raw pandas tables
    assert "产业发展水平" in html and "<td>L1</td>" not in html and "20.0%" in html
    for raw in ("unit_id", "spearman", "True", "False", "nominal_selected"):
        assert raw not in _shown(html), raw
    assert 'class="dataframe"' not in html
    assert main(["compare", "--data", str(DEMO_CSV), "--spec", str(DEFAULT), "--spec", str(other),
                 "--out", str(out), "--lang", "en"]) == 0
    html = (out / "compare.html").read_text(encoding="utf-8")
    assert "Rank agreement" in html and "Brains that move most" in html and "Industrial development level" in html


@pytest.mark.slow
def test_selection_page(data, tmp_path):
    uspec = {"uncertainty_version": 1, "name": "sel", "factors": [
        {"name": "dimension_weights", "address": "weights.index", "options": [{"method": "equal"}, {"method": "critic"}]},
        {"name": "index_aggregation", "address": "aggregation.index.method", "options": ["arithmetic", "geometric"]}]}
    paths = write_compare(data, [DEFAULT, OTHER], tmp_path, uspec=uspec, quota=5, by="industry", n=16, lang="en")
    assert [p.name for p in paths] == ["compare.html", "selection.html"]
    page = (tmp_path / "selection.html").read_text(encoding="utf-8")
    html = _shown(page)
    assert "top 5 per Industry" in html and "Probability of selection" in html and "(--n 16)" in html
    for raw in ("nominal_selected", "True", "False"):
        assert raw not in html, raw
    assert ">in<" not in page and ">out<" not in page
    write_compare(data, [DEFAULT, OTHER], tmp_path, uspec=uspec, quota=5, by="industry", n=16, lang="zh")
    html = _shown((tmp_path / "selection.html").read_text(encoding="utf-8"))
    assert "每个产业前 5 名" in html and "入选概率" in html and "稳入选" in html
    with pytest.raises(SpecError, match="both"):
        write_compare(data, [DEFAULT, OTHER], tmp_path, quota=5)
