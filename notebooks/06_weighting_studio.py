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
# # 06 权重工作室 · Weighting studio
#
# > **⚠ 模拟数据 · SYNTHETIC DATA.** 默认数据由 `python -m toolkit demo` 生成，不是真实填报；数字只用于演示方法。
# > The default data are synthetic (`python -m toolkit demo`), not real returns; every number only
# > illustrates the method.
#
# 拖动指数内各维度权重与任一分块（维度，或含子指标的指标）内权重的滑块，为框架的每一层选择赋权与合成方法，或在 AHP 编辑器中输入两两比较判断，
# 右侧的排名表、凹凸图、Spearman/Kendall 一致性与前 N 名保留数即时更新；“save spec YAML” 把当前选择存为
# `index` 与 `reports` 命令可用的规格文件。`make studio` 以 Voilà 网页形式提供本笔记本（不显示代码）。
#
# Move the sliders of the weights in the index and of the weights within any block (a dimension, or
# an indicator built from sub-measures), choose the weighting and aggregation method of every level
# of the framework, or type pairwise judgements in the AHP editor:
# the rank table, bump chart, Spearman/Kendall agreement and top-N kept update at once. "save spec
# YAML" stores the choices as a specification that `index` and `reports` accept. `make studio`
# serves this notebook as a web page with Voilà (no code shown). The logic is in `toolkit.studio`.

# %% tags=["parameters"]
# 参数 Parameters (papermill). Paths are relative to the repository root.
data_path = "data/raw/demo_synthetic_returns.csv"
spec_path = "configs/default.yaml"
uspec_path = "configs/uncertainty.yaml"
year = None  # None: the latest year in the data
lang = "zh"
seed = 1
top_n = 10  # the N of "top N kept" and of the selection quota
n_smaa = 10_000  # weight vectors drawn for the rank acceptability
n_selection = 256  # replications of the uncertainty specification for the selection

# %%
import toolkit
from toolkit import notebooks as nb
from toolkit.robustness.selection import selection
from toolkit.robustness.smaa import smaa_index
from toolkit.studio import Studio

data, spec = nb.load(data_path, spec_path)
year = nb.latest_year(data, year)
studio = Studio(data, spec, year=year, top_n=top_n, save_path="configs/studio.yaml", lang=lang)
nb.data_notice(data)

# %%
studio.widget

# %% [markdown]
# ## 1 排名可接受度 · Rank acceptability (SMAA-2)
#
# 在整个维度权重单纯形上均匀抽取权重，统计每个大脑排在第 r 名的权重占比、它排第一时的中心权重、以及整体可接受度
# （Lahdelma & Salminen 2001）。
#
# Weights drawn uniformly over the whole simplex of dimension weights: the share of weight vectors
# that put each brain at rank r, its central weights, and its holistic acceptability.

# %%
result = toolkit.build_index(data, spec)
acc = smaa_index(result, year=year, n=n_smaa, seed=seed)
acc.table(k=top_n).head(15).round(3)

# %%
# NBVAL_CHECK_OUTPUT
acc.rank_acceptability[1].nlargest(3).round(3)

# %%
acc.central_weights.loc[acc.table().index[:5]].round(3)  # NaN: never first

# %% [markdown]
# ## 2 入选稳健性 · Selection with confidence
#
# 按配额（总体前 N 名）在不确定性规格的每次重复中选出大脑：入选概率、稳健入选 / 稳健落选 / 边缘，以及决定边缘者的因素
# （入选指示变量的 Sobol 指数）。
#
# With a quota (top N overall), each replication of the uncertainty specification selects brains:
# the probability of selection, robustly in / out / borderline, and the factors that decide the
# borderline cases (Sobol indices of the selection indicator).

# %%
chosen = selection(data, spec, nb.resolve(uspec_path), quota=top_n, year=year, n=n_selection, seed=seed)
chosen.table.head(20).round(3)

# %%
# NBVAL_CHECK_OUTPUT
{k: len(v) for k, v in chosen.shortlist().items()}
