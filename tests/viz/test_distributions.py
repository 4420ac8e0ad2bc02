"""toolkit.viz.distributions (seaborn) and the weight figures of toolkit.viz.plots: what they draw,
and that Chinese labels render with the bundled font (no missing-glyph warning)."""

from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from scipy.cluster.hierarchy import leaves_list  # noqa: E402

from toolkit import load_framework  # noqa: E402
from toolkit.analysis.typology import typology, ward_linkage  # noqa: E402
from toolkit.errors import DataError  # noqa: E402
from toolkit.viz import distributions as D  # noqa: E402
from toolkit.viz import plots as P  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def fw():
    return load_framework()


@pytest.fixture(scope="module")
def dims(fw):
    rng = np.random.default_rng(5)
    codes = list(fw.dimensions.index)
    base = rng.normal(50, 10, size=(24, 1))
    return pd.DataFrame(base + rng.normal(0, 8, size=(24, len(codes))), columns=codes,
                        index=pd.Index([f"U{i:02d}" for i in range(24)], name="unit_id"))


@pytest.fixture(scope="module")
def ty(dims):
    return typology(dims, k=3, method="ward", n_boot=0, n_ref=2, k_range=(2, 3))


def _draw(fig: Figure) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught]


def _glyph_problems(messages):
    return [m for m in messages if "missing from font" in m or re.search(r"Glyph \d+", m)]


def test_seaborn_figures_render_chinese_without_missing_glyphs(fw, dims, ty):
    indicators = pd.DataFrame(np.random.default_rng(0).uniform(0, 100, size=(12, 6)),
                              columns=list(fw.indicators.index[:6]))
    figs = [D.distribution_plot(indicators, fw, "zh"), D.pair_plot(dims[["L1", "L2"]], fw, "zh", hue=ty.assignments),
            D.typology_clustermap(ty, fw, "zh"), P.weights_heatmap(pd.DataFrame({"熵权": [0.4, 0.6]}), "zh"),
            P.rank_shift_figure(pd.DataFrame({"a": [1, 2], "b": [2, 1]}), lang="zh")]
    for fig in figs:
        messages = _draw(fig)
        assert _glyph_problems(messages) == [], messages
        assert not any("deprecat" in m.lower() for m in messages), messages
    texts = {t.get_text() for fig in figs for t in fig.findobj(Text) if CJK.search(t.get_text())}
    assert fw.label("L1", "zh", with_code=False) in texts          # the dimension names, in Chinese
    assert "类别" in texts and "维度" in texts
    assert not plt.get_fignums()                                    # nothing left in pyplot's registry


def test_distribution_plot_one_box_per_indicator_and_the_units_as_points(fw):
    X = pd.DataFrame(np.arange(40.0).reshape(8, 5), columns=list(fw.indicators.index[:5]))
    fig = D.distribution_plot(X, fw, "en")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{c} {fw.label(c, 'en')}" for c in X.columns]
    points = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    assert points == 40                                             # 8 units × 5 indicators
    assert ax.get_legend().get_title().get_text() == "Dimension"
    assert len(D.distribution_plot(X, None, "en", kind="violin").axes) == 1
    with pytest.raises(DataError, match="kind"):
        D.distribution_plot(X, kind="bar")


def test_pair_plot_grid_and_groups(fw, dims, ty):
    fig = D.pair_plot(dims[["L1", "L2", "L3"]], fw, "en", hue=ty.assignments)
    assert {ax.get_xlabel() for ax in fig.axes} - {""} == {fw.label(d, "en", with_code=False) for d in ("L1", "L2", "L3")}
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["1", "2", "3"] and legend.get_title().get_text() == "Cluster"
    with pytest.raises(DataError, match="at most 8"):
        D.pair_plot(pd.DataFrame(np.ones((3, 9))))
    with pytest.raises(DataError, match="no group for unit 'U00'"):
        D.pair_plot(dims, hue=ty.assignments.drop("U00"))


def test_clustermap_rows_follow_the_typologys_own_ward_tree(fw, dims, ty):
    fig = D.typology_clustermap(ty, fw, "en")
    heat = next(ax for ax in fig.axes if ax.get_ylabel() == "Unit")
    rows = [t.get_text() for t in heat.get_yticklabels()]
    assert rows == [dims.index[i] for i in leaves_list(ward_linkage(ty))]
    # the cells are the typology's standing, in that order, centred on 0
    mesh = heat.collections[0].get_array().reshape(len(rows), -1)
    np.testing.assert_allclose(mesh, ty.standing.loc[rows].to_numpy())


def test_weights_heatmap_and_rank_shift_values():
    W = pd.DataFrame({"equal": [0.25, 0.75], "critic": [0.6, 0.4]}, index=[("L1", "L1P1"), ("L1", "L1P2")])
    fig = P.weights_heatmap(W, "en")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["L1 / L1P1", "L1 / L1P2"]
    assert [t.get_text() for t in ax.texts] == ["0.25", "0.60", "0.75", "0.40"]
    assert fig.axes[1].get_ylabel() == "Weight"
    ranks = pd.DataFrame({"nominal": [1, 2, 3, 4], "other": [4, 3, 2, 1]})
    fig = P.rank_shift_figure(ranks, "nominal", "en")
    whisker_lo, whisker_hi, median = fig.axes[0].lines[3], fig.axes[0].lines[4], fig.axes[0].lines[5]
    assert median.get_xdata()[0] == pytest.approx(np.median([3, 1, -1, -3]))     # shifts 3, 1, −1, −3
    assert (whisker_lo.get_xdata()[0], whisker_hi.get_xdata()[0]) == (-3, 3)
    with pytest.raises(DataError, match="lang"):
        P.weights_heatmap(W, "fr")
