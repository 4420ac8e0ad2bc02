"""Draw the figure of each pipeline-step page: ``python docs/gen_figures.py [NAME ...]``.

Every figure is drawn from the bundled SYNTHETIC demo data through the public API and written to
``docs/img/steps/<name>.png`` (committed, so the site builds in seconds; re-run this script after a
method changes). Each figure's title says the data are synthetic.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import toolkit  # noqa: E402
from toolkit.viz import plots  # noqa: E402
from toolkit.viz.fonts import register_cjk_font  # noqa: E402

OUT = ROOT / "docs" / "img" / "steps"
DEMO = ROOT / "data" / "raw" / "demo_synthetic_returns.csv"
SPEC = ROOT / "configs" / "default.yaml"
YEAR = 2025
NOTE = "（模拟数据 · synthetic data）"


def _span(result) -> str:
    """The years a pooled figure draws, as its title says them (2021–2025 for the five-year demo)."""
    years = sorted(result.raw.index.get_level_values("year").unique())
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def _context():
    data = toolkit.read_indicators(DEMO)
    spec = toolkit.load_spec(SPEC)
    return data, spec, toolkit.build_index(data, spec)


def framework(data, spec, result):
    fw = data.framework
    counts = fw.indicators.groupby("dimension").size()
    names = {d: f"{d} {fw.dimensions.loc[d, 'name_zh']}" for d in counts.index}
    fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
    ax.barh([names[d] for d in counts.index][::-1], counts.values[::-1], color="#3f51b5")
    for y, v in enumerate(counts.values[::-1]):
        ax.text(v + 0.1, y, str(v), va="center")
    ax.set_xlabel("指标个数 · indicators")
    ax.set_title("山东产业大脑指标体系：5 个维度、28 个指标 · 5 dimensions, 28 indicators")
    return fig


def reading(data, spec, result):
    fig = plots.missingness_map(result.raw.xs(YEAR, level="year"), data.framework, "zh")
    fig.suptitle(f"{YEAR} 年缺失单元格 · missing cells {NOTE}")
    return fig


def treatment(data, spec, result):
    log = result.treatment_log
    code = log["indicator"].iloc[0] if len(log) else result.raw.columns[0]
    fig, axes = plt.subplots(1, 2, figsize=(8, 3), layout="constrained", sharey=True)
    axes[0].hist(result.imputed[code].dropna(), bins=25, color="#9e9e9e")
    axes[0].set_title(f"{code} 处理前 · before")
    axes[1].hist(result.treated[code].dropna(), bins=25, color="#3f51b5")
    axes[1].set_title(f"{code} 处理后 · after (COINr rule)")
    fig.suptitle(f"{_span(result)} 年异常值处理 · outlier treatment {NOTE}")
    return fig


def normalisation(data, spec, result):
    from toolkit.methods import normalise

    code = "L1P1"
    x = result.treated[[code]]
    directions = pd.Series({code: 1})
    fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
    for method, params in (("minmax", {"lower": 1, "upper": 100}), ("rank", {}),
                           ("percentile_rank", {})):
        y = normalise.normalise(x, method, directions=directions, **params)[code]
        y = (y - y.min()) / (y.max() - y.min()) * 100
        ax.scatter(x[code], y, s=10, label=method)
    ax.set_xlabel(f"{code} 处理后原值 · treated value (亿元)")
    ax.set_ylabel("标准化值（缩放到 0–100）· normalised, rescaled")
    ax.legend()
    ax.set_title(f"{_span(result)} 三种标准化 · three normalisations {NOTE}")
    return fig


def weights(data, spec, result):
    from toolkit.methods import weights as w

    block = [c for c in result.normalised.columns if c.startswith("L1P")]
    X = result.normalised[block]
    table = pd.DataFrame({"equal": w.equal(X), "entropy 熵权法": w.entropy(X), "CRITIC": w.critic(X)})
    fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
    table.plot.bar(ax=ax, width=0.8)
    ax.set_ylabel("权重 · weight")
    ax.set_title(f"{_span(result)} L1 维度内的指标权重 · indicator weights within L1 {NOTE}")
    return fig


def aggregation(data, spec, result):
    geo = toolkit.build_index(data, spec.replace({"aggregation": {"index": {"method": "geometric"}}}))
    root = result.framework.root.code
    a = result.scores[root].xs(YEAR, level="year")
    g = geo.scores[root].xs(YEAR, level="year")
    fig, ax = plt.subplots(figsize=(5, 4.2), layout="constrained")
    ax.scatter(a, g, s=14, color="#3f51b5")
    lo, hi = min(a.min(), g.min()), max(a.max(), g.max())
    ax.plot([lo, hi], [lo, hi], color="#9e9e9e", lw=1)
    ax.set_xlabel("算术平均 · arithmetic")
    ax.set_ylabel("几何平均 · geometric")
    ax.set_title(f"{YEAR} 综合指数 · composite {NOTE}", fontsize=10)
    return fig


def audit(data, spec, result):
    from toolkit.analysis.audit import audit as run_audit

    rep = run_audit(result, year=YEAR)
    fig = plots.correlation_heatmap(rep.correlations, data.framework, "zh", p=rep.pvalues)
    fig.suptitle(f"相关系数（p > 0.05 留白）· correlations {NOTE}")
    return fig


def typology(data, spec, result):
    from toolkit.analysis.typology import typology as run_typology

    ty = run_typology(result, year=YEAR)
    dims = list(data.framework.dimensions.index)
    fig = plots.cluster_profiles(ty.profiles[dims], ty.overall[dims], data.framework, "zh")
    fig.suptitle(f"类型画像 · cluster profiles {NOTE}")
    return fig


def robustness(data, spec, result):
    from toolkit.robustness import uncertainty

    u = uncertainty(data, SPEC, ROOT / "configs" / "uncertainty.yaml", n=64, seed=1)
    fig = plots.rank_intervals(u.caterpillar(YEAR), "zh")
    fig.suptitle(f"排名区间 · rank intervals (n = {u.n}) {NOTE}")
    return fig


def studio(data, spec, result):
    other = toolkit.build_index(data, spec.replace({"weights": {"dimension": {"method": "equal"}}}))
    a = result.summary(YEAR)["rank"]
    b = other.summary(YEAR).loc[a.index, "rank"]
    top = a.sort_values().index[:12]
    fig, ax = plt.subplots(figsize=(5, 4.5), layout="constrained")
    for unit in top:
        ax.plot([0, 1], [a[unit], b[unit]], marker="o", color="#3f51b5", lw=1)
        ax.text(-0.04, a[unit], unit, ha="right", va="center", fontsize=7)
    ax.set_xticks([0, 1], ["熵权法 entropy", "等权 equal"])
    ax.invert_yaxis()
    ax.set_xlim(-0.4, 1.1)
    ax.set_ylabel("排名 · rank")
    ax.set_title(f"两套权重下的排名 · ranks under two weightings {NOTE}", fontsize=9)
    return fig


FIGURES = {f.__name__: f for f in (framework, reading, treatment, normalisation, weights, aggregation,
                                   audit, typology, robustness, studio)}


def main(names: list[str]) -> None:
    register_cjk_font()
    OUT.mkdir(parents=True, exist_ok=True)
    context = _context()
    for name in names or FIGURES:
        fig = FIGURES[name](*context)
        path = OUT / f"{name}.png"
        fig.savefig(path, dpi=110, metadata={"Software": None})
        plt.close(fig)
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main(sys.argv[1:])
