# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (sd-brain toolkit)
#     language: python
#     name: sd-brain
# ---

# %% [markdown]
# # 07 差距与收敛 · Gaps and convergence
#
# > **⚠ 模拟数据 · SYNTHETIC DATA.** 默认数据由 `python -m toolkit demo` 生成，不是真实填报；下文的差距与收敛
# > 不评价任何真实的产业大脑。The default data are synthetic (`python -m toolkit demo`), not real returns;
# > the gaps and convergence below do not assess any real 产业大脑.
# > 模拟数据（2021–2025）中预置了增长、后进者追赶和 2023 年胶东经济圈的一次冲击（见 `data/raw/README.md`），
# > 下面的分析应能发现它们。The demo (2021–2025) has growth, a catch-up of the laggards and a one-year shock
# > to 胶东经济圈 in 2023 planted in it (see `data/raw/README.md`); the chain below should find them.
#
# 指数建成之后的下一个问题：差距在缩小吗？按三大经济圈做 Dagum 基尼系数分解，看各年核密度、σ 与 β 收敛、
# 等级的马尔可夫转移，以及城市之间的空间自相关（Moran's I、LISA，16 市真实边界的邻接关系）。
# 真实数据上的完整示例（HDI 1990–2022，按 UNDP 区域）见文档 `docs/dynamics.md`。
#
# After "who ranks where": are the gaps closing? The Dagum Gini decomposition by economic circle, the
# kernel density of each year, σ- and β-convergence, Markov transitions between classes, and spatial
# autocorrelation between cities (Moran's I, LISA, with the queen contiguity of the 16 cities' real
# boundaries). The full worked example on real data (the HDI 1990–2022 by UNDP region) is `docs/dynamics.md`.

# %% tags=["parameters"]
# 参数 Parameters (papermill). Paths are relative to the repository root.
data_path = "data/raw/demo_synthetic_returns.csv"
spec_path = "configs/default.yaml"
year = None  # None: the latest year in the data
lang = "zh"  # "zh" or "en"
seed = 0  # seed of the permutation tests
group = "circle"  # any group column: circle, city, industry
k = 4  # Markov classes (quantiles)

# %%
from IPython.display import SVG, display

from toolkit import dynamics
from toolkit import notebooks as nb
from toolkit.dynamics import boundaries
from toolkit.viz import dynamics_plots

nb.setup_notebook()
data, spec = nb.load(data_path, spec_path)
nb.data_notice(data)
panel = dynamics.build_panel(data, spec)
year = nb.latest_year(data, year)
y, groups = panel.values(), panel.groups(group)
print(panel.basis)

# %% [markdown]
# ## 1 Dagum 基尼系数分解 · Dagum Gini decomposition
#
# 总体基尼系数 G = 组内 G_w + 组间净差 G_nb + 超变密度 G_t（组间交叠）。贡献率说明差距主要来自哪里。
#
# The overall Gini G = within G_w + net between G_nb + transvariation G_t (the overlap between groups);
# the shares say where the gap comes from.

# %%
# NBVAL_CHECK_OUTPUT
d = dynamics.dagum_panel(y, groups)
print(d.overall.round(4).to_string())
print(d.groups.round(4).to_string())

# %%
_ = dynamics_plots.dagum_lines(d.overall, lang)

# %% [markdown]
# ## 2 核密度 · Kernel density
#
# 每年一条高斯核密度曲线（Scott 带宽规则）：峰的位置是水平，高度与宽度是离散程度，峰的个数是极化。
#
# One Gaussian kernel density per year (Scott's bandwidth rule): the peak's position is the level, its
# height and width the dispersion, the number of peaks polarisation.

# %%
# NBVAL_CHECK_OUTPUT
density = dynamics.kde_by_year(y)
print(density.attrs["rule"])
dynamics.kde_features(density).round(3)

# %%
_ = dynamics_plots.kde_ridge(density, lang)

# %% [markdown]
# ## 3 σ 与 β 收敛 · σ- and β-convergence
#
# σ 收敛：变异系数、基尼系数逐年下降（趋势需要至少三年）。绝对 β 收敛：增长率对初始水平对数回归，β < 0 为收敛。
#
# σ-convergence: the CV and the Gini fall year by year (a trend needs three years or more). Absolute
# β-convergence: growth regressed on the log initial level; β < 0 is convergence.

# %%
# NBVAL_CHECK_OUTPUT
sigma = dynamics.sigma_convergence(y)
print(sigma.table.round(4).to_string())
beta = dynamics.beta_convergence(y)
beta[["beta", "se", "p", "n", "speed", "half_life"]].astype(float).round(4)

# %% [markdown]
# ## 4 马尔可夫转移 · Markov transitions
#
# 按全部单元-年份的四分位数分等级（Q1 最低），统计下一年留在原等级或升降的比例。
#
# Classes by the quartiles of all unit-years (Q1 lowest); the share of units staying in their class or
# moving up or down the next year.

# %%
# NBVAL_CHECK_OUTPUT
m = dynamics.markov_chain(y, k=k)
print(m.counts.to_string())
print(f"mobility {m.mobility:.3f}")

# %%
_ = dynamics_plots.transition_heatmap(m.P, lang)

# %% [markdown]
# ## 5 空间自相关 · Spatial autocorrelation
#
# 城市得分取该市产业大脑综合得分的均值；邻接关系来自 16 市边界（queen 邻接，行标准化）。
# Moran's I > 0 表示相邻城市得分相近；LISA 找出高-高、低-低等聚集（999 次条件置换，p < 0.05）。
#
# A city's score is the mean composite of its brains; neighbours come from the 16 cities' boundaries
# (queen contiguity, row-standardised). Moran's I > 0: neighbouring cities score alike; LISA finds
# high–high, low–low clusters (999 conditional permutations, p < 0.05).

# %%
# NBVAL_CHECK_OUTPUT
fw = data.framework
geo = fw.geography[0]
cities = boundaries.read_polygons(geo.polygons, geo.id_property)
w = dynamics.queen_weights(cities, geo.id_property)
city_scores = panel.table.groupby([geo.column, "year"])["composite"].mean()
print(dynamics.moran_panel(city_scores, w, seed=seed).round(3).to_string())
local = dynamics.lisa(city_scores.xs(year, level="year"), w, seed=seed)
local.join(cities.set_index(geo.id_property)["zh" if lang == "zh" else "en"]).round(3)

# %%
display(SVG(dynamics.choropleth_svg(cities, city_scores.xs(year, level="year"), geo.id_property,
                                    title=f"{year}", label_column="zh" if lang == "zh" else "en")))
