"""toolkit.viz.plots and toolkit.viz.fonts: every figure's artists, and Chinese glyphs from the bundled font."""

from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from toolkit import load_framework  # noqa: E402
from toolkit import plots as P  # noqa: E402
from toolkit.errors import DataError  # noqa: E402
from toolkit.viz import fonts  # noqa: E402

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def fw():
    return load_framework()


@pytest.fixture(scope="module")
def indicators(fw):
    """Random scores for the 28 indicators of the framework, 12 units."""
    codes = list(fw.indicators.index)
    rng = np.random.default_rng(3)
    return pd.DataFrame(rng.uniform(0, 100, size=(12, len(codes))), columns=codes,
                        index=pd.Index([f"U{i:02d}" for i in range(12)], name="unit_id"))


def _draw_recording(fig: Figure, path=None) -> list[str]:
    """Render ``fig`` (to ``path`` if given) and return the warnings raised while drawing."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw() if path is None else fig.savefig(path, dpi=60)
    return [str(w.message) for w in caught]


def _glyph_warnings(messages: list[str]) -> list[str]:
    return [m for m in messages if "missing from font" in m or re.search(r"Glyph \d+", m)]


# --------------------------------------------------------------------------------- the font
def test_register_cjk_font_is_idempotent_and_first():
    name = fonts.register_cjk_font()
    assert name == "Noto Sans SC"
    assert fonts.register_cjk_font() == name
    assert mpl.rcParams["font.sans-serif"][0] == name
    assert mpl.rcParams["font.sans-serif"].count(name) == 1
    path = fonts.cjk_font_path()
    assert path is not None and path.is_file() and path.suffix == ".otf"
    assert any(f.fname == str(path.resolve()) for f in font_manager.fontManager.ttflist)


def test_chinese_labels_render_with_the_bundled_font(fw, indicators, tmp_path):
    from fontTools.ttLib import TTFont

    dims = list(fw.dimensions.index)
    means = pd.DataFrame(np.arange(15.0).reshape(3, 5) * 5 + 10, columns=dims, index=[1, 2, 3])
    figs = [P.distribution_grid(indicators, fw, "zh"),
            P.cluster_profiles(means, means.mean(), fw, "zh")]
    path = str(fonts.cjk_font_path().resolve())
    cmap = TTFont(path, fontNumber=0)["cmap"].getBestCmap()
    names = set()
    pngs = [tmp_path / "cjk_grid.png", "/tmp/toolkit_cjk_radar.png"]  # the radar: to look at
    for fig, png in zip(figs, pngs, strict=True):
        assert _glyph_warnings(_draw_recording(fig, png)) == []
        for text in fig.findobj(Text):
            s = text.get_text()
            if CJK.search(s):
                names.add(s)
                assert font_manager.findfont(text.get_fontproperties()) == path, s
                absent = [ch for ch in s if not ch.isspace() and ord(ch) not in cmap]
                assert absent == [], (s, absent)
    shown = "".join(names)
    for code in list(fw.indicators.index) + dims:
        assert fw.label(code, "zh").replace("\n", "") in shown.replace("\n", ""), code
    assert (tmp_path / "cjk_grid.png").stat().st_size > 10_000


def test_glyph_check_detects_a_font_without_chinese(fw):
    # the check above can fail: with only DejaVu Sans, matplotlib warns about missing glyphs
    with mpl.rc_context({"font.sans-serif": ["DejaVu Sans"], "font.family": ["sans-serif"]}):
        fig = Figure()
        fig.text(0.5, 0.5, fw.label("L1", "zh"))
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
        assert _glyph_warnings(_draw_recording(fig))


def test_missing_font_package_warns(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "cjk_font_path", lambda: None)
    with pytest.warns(fonts.CJKFontWarning):
        assert fonts.register_cjk_font() is None
    with pytest.warns(fonts.CJKFontWarning):
        assert fonts.register_cjk_font(tmp_path / "nope.otf") is None


# ------------------------------------------------------------------------------- the plots
def test_distribution_grid_one_panel_per_column(fw, indicators):
    fig = P.distribution_grid(indicators.iloc[:, :7], fw, "en", ncols=3)
    assert isinstance(fig, Figure) and len(fig.axes) == 7
    assert fig.axes[0].get_title() == "L1P1 " + fw.label("L1P1", "en")
    assert sum(len(ax.patches) for ax in fig.axes) == 7  # one step-filled histogram each
    fig = P.distribution_grid(indicators[["L1P1"]].rename(columns={"L1P1": "x"}), None, "zh")
    assert fig.axes[0].get_title() == "x"
    with pytest.raises(DataError, match="lang"):
        P.distribution_grid(indicators, fw, "fr")


def test_missingness_map_shows_exactly_the_missing_cells(indicators):
    X = indicators.iloc[:, :6].copy()
    X.iloc[0, 0] = X.iloc[3, 2] = X.iloc[3, 5] = np.nan
    fig = P.missingness_map(X, lang="en")
    top, ax = fig.axes
    image = ax.findobj(AxesImage)[0].get_array()
    np.testing.assert_array_equal(np.asarray(image, dtype=bool), X.isna().to_numpy())
    assert [p.get_height() for p in top.patches] == pytest.approx(X.isna().mean().tolist())
    assert len(ax.get_yticklabels()) == 12


def test_correlation_heatmap_masks_upper_triangle_and_insignificant_cells(fw, indicators):
    X = indicators.iloc[:, :5]
    r = X.corr()
    p = pd.DataFrame(0.01, index=r.index, columns=r.columns)
    p.iloc[3, 1] = p.iloc[1, 3] = 0.5
    fig = P.correlation_heatmap(r, fw, "zh", p=p)
    ax = fig.axes[0]
    data = ax.findobj(AxesImage)[0].get_array()
    assert int((~data.mask).sum()) == 5 * 6 // 2 - 1  # lower triangle with diagonal, one blanked
    assert data[3, 1] is np.ma.masked and data[4, 0] == pytest.approx(r.iat[4, 0])
    assert len([t for t in ax.texts if t.get_text()]) == 14  # annotations for visible cells
    assert len(ax.lines) == 0  # all five are L1: no dimension boundaries
    two = P.correlation_heatmap(indicators[["L1P1", "L1P2", "L2P2"]].corr(), fw, "en")
    assert len(two.axes[0].lines) == 2  # one boundary, horizontal and vertical
    assert _draw_recording(fig) == []


def test_scree_plot_bars_kaiser_line_and_cumulative(indicators):
    from toolkit.analysis.audit import pca_summary

    pca = pca_summary(indicators.iloc[:, :6])
    fig = P.scree_plot(pca, "en")
    ax, ax2 = fig.axes
    assert [b.get_height() for b in ax.patches] == pytest.approx(pca.table["eigenvalue"].tolist())
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), pca.table["cumulative"])
    assert ax.lines[0].get_ydata()[0] == 1.0 and ax2.lines[1].get_ydata()[0] == 0.6
    assert len(P.scree_plot(pd.Series([3.0, 1.0, 0.5]), "zh").axes[0].patches) == 3


def test_pca_biplot_points_and_arrows(indicators):
    from toolkit.analysis.audit import pca_summary

    pca = pca_summary(indicators.iloc[:, :5])
    hue = pd.Series([1, 2] * 6, index=indicators.index)
    fig = P.pca_biplot(pca, hue=hue, lang="zh")
    ax = fig.axes[0]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [len(c.get_offsets()) for c in points] == [6, 6]
    assert len(ax.patches) == 5  # one arrow per indicator
    assert ax.get_xlabel().startswith("主成分1 (")
    assert _draw_recording(fig) == []
    with pytest.raises(DataError, match="PC3"):
        P.pca_biplot(pca.scores[["PC1", "PC2"]], pca.loadings, components=("PC1", "PC3"))


def test_dendrogram_leaves_and_links():
    from scipy.cluster.hierarchy import linkage

    Z = linkage(np.random.default_rng(0).normal(size=(9, 3)), "ward")
    labels = [f"单元{i}" for i in range(9)]
    fig = P.dendrogram(Z, labels, "zh")
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == sorted(labels)
    assert sum(len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection)) == 8
    assert _draw_recording(fig) == []
    with pytest.raises(DataError, match="labels"):
        P.dendrogram(Z, labels[:3])
    with pytest.raises(DataError, match="linkage"):
        P.dendrogram(np.ones((3, 3)))


def test_silhouette_plot_one_bar_per_unit():
    units = pd.Index([f"U{i}" for i in range(10)])
    s = pd.Series(np.linspace(-0.1, 0.8, 10), index=units)
    c = pd.Series([1, 1, 1, 2, 2, 2, 2, 3, 3, 3], index=units)
    fig = P.silhouette_plot(s, c.iloc[::-1], "en")
    ax = fig.axes[0]
    assert len(ax.patches) == 10
    assert sorted(p.get_width() for p in ax.patches) == pytest.approx(sorted(s))
    assert ax.lines[0].get_xdata()[0] == pytest.approx(s.mean())
    assert _draw_recording(fig) == []  # the minus sign of negative ticks is in the font
    with pytest.raises(DataError):
        P.silhouette_plot(s, c.iloc[:5])


@pytest.mark.parametrize("kind", ["radar", "parallel"])
def test_cluster_profiles_one_line_per_cluster_plus_overall(fw, kind):
    dims = list(fw.dimensions.index)
    means = pd.DataFrame([[10, 20, 30, 40, 50], [50, 40, 30, 20, 10]], columns=dims, index=["A", "B"])
    fig = P.cluster_profiles(means, means.mean(), fw, "zh", kind=kind)
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    y = ax.lines[0].get_ydata()
    assert list(y[:5]) == [10, 20, 30, 40, 50]
    assert [t.get_text() for t in ax.get_xticklabels()] == [fw.label(d, "zh") for d in dims]
    assert ax.lines[2].get_linestyle() == "--"


def test_rank_intervals_one_interval_per_unit():
    df = pd.DataFrame({"nominal": [1, 2, 3, 4], "median": [2, 1, 3, 4], "p05": [1, 1, 2, 3],
                       "p95": [4, 3, 5, 4]}, index=["a", "b", "c", "d"])
    fig = P.rank_intervals(df, "en", labels=pd.Series({"a": "Alpha"}))
    ax = fig.axes[0]
    segments = ax.collections[0].get_segments()
    assert len(segments) == 4
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "Alpha", "c", "d"]  # by median
    assert [tuple(s[:, 0]) for s in segments] == [(1, 3), (1, 4), (2, 5), (3, 4)]
    with pytest.raises(DataError, match="p95"):
        P.rank_intervals(df.drop(columns="p95"))


def test_sensitivity_bars_two_bars_per_factor(fw):
    df = pd.DataFrame({"factor": ["weights", "L3", "aggregation"], "S1": [0.4, 0.05, 0.1],
                       "S1_conf": [0.05, 0.02, 0.03], "ST": [0.5, 0.1, 0.15],
                       "ST_conf": [0.06, 0.02, 0.03]})
    fig = P.sensitivity_bars(df, "zh", framework=fw)
    ax = fig.axes[0]
    assert len(ax.patches) == 6
    assert sorted(p.get_width() for p in ax.patches) == pytest.approx(sorted([*df["S1"], *df["ST"]]))
    assert "L3 数据价值释放能力" in [t.get_text() for t in ax.get_yticklabels()]
    assert _draw_recording(fig) == []


def test_correlation_heatmap_accepts_the_index_column():
    # the composite (INDEX) has no dimension above it; it used to raise KeyError
    import pandas as pd

    from toolkit import load_framework
    from toolkit.viz.plots import correlation_heatmap

    fw = load_framework()
    codes = ["L1P1", "L1P2", "L2P2", "L1", "INDEX"]
    r = pd.DataFrame(np.eye(5), index=codes, columns=codes)
    fig = correlation_heatmap(r, fw)
    ax = fig.axes[0]
    assert len(ax.get_xticklabels()) == 5
    assert len(ax.lines) == 2 * 3  # boundaries L1|L2, L2|L1 (dimension node), L1|INDEX
