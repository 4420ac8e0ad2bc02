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
# # 05 稳健性 · Robustness
#
# > **⚠ 模拟数据 · SYNTHETIC DATA.** 默认数据由 `python -m toolkit demo` 生成，不是真实填报；数字只用于演示方法。
# > The default data are synthetic (`python -m toolkit demo`), not real returns; every number only
# > illustrates the method.
#
# 综合指数的每一步都有可辩护的替代选择：缺失值如何填补、是否处理异常值、如何归一化、如何赋权与合成、
# 是否剔除某个指标。不确定性分析同时随机改变这些选择（`configs/uncertainty.yaml`），给出每个单元的排名区间；
# 敏感性分析（Sobol 指数）把排名的变动归因到各个选择；逐一剔除则看单个指标或维度的影响（OECD/JRC 第 7 步，
# 对应 COINr 的 `get_sensitivity`）。
#
# Every step of a composite index has defensible alternatives: how gaps are filled, whether outliers
# are treated, how indicators are normalised, weighted and aggregated, whether one indicator is
# dropped. Uncertainty analysis varies these choices together (`configs/uncertainty.yaml`) and gives
# each unit a rank interval; sensitivity analysis (Sobol indices) apportions the rank changes to the
# choices; leave-one-out shows the pull of single indicators and dimensions (OECD/JRC step 7, COINr's
# `get_sensitivity`).
#
# 这里的重复次数刻意取小（默认 `n = 1000`），保证笔记本在数秒内运行；正式报告应取 n ≥ 10 000，Sobol 指数的置信区间才足够窄。
# The number of replications is kept small here (`n = 1000` by default) so the notebook runs in
# seconds; for a published assessment use n ≥ 10 000, or the Sobol intervals stay wide.

# %% tags=["parameters"]
# 参数 Parameters (papermill). Paths are relative to the repository root.
data_path = "data/raw/demo_synthetic_returns.csv"
spec_path = "configs/default.yaml"
uspec_path = "configs/uncertainty.yaml"  # the uncertain factors
year = None  # None: the latest year in the data
lang = "zh"  # "zh" or "en"
seed = 1  # the design, the weight-noise sets and the bootstrap all derive from it
n = 1000  # replications wanted (a Saltelli design of N·(d + 2) runs, N a power of two)
top = 15  # how many leading units the tables show

# %%
import toolkit
from toolkit import notebooks as nb
from toolkit import plots
from toolkit.analysis import results
from toolkit.robustness import leave_one_out, uncertainty

nb.setup_notebook()
data, spec = nb.load(data_path, spec_path)
result = toolkit.build_index(data, spec)
fw = data.framework
year = nb.latest_year(data, year)
nb.data_notice(data)

# %% [markdown]
# ## 1 不确定因素 · The uncertain factors
#
# 每个因素是名义规格中的一处可替换选择；离散因素的各选项等概率。权重噪声在所选权重上乘以 U(0.75, 1.25) 再归一化。
#
# Each factor is one replaceable choice of the nominal specification; the options of a discrete factor
# are equally likely. Weight noise multiplies whichever weights are chosen by U(0.75, 1.25) and
# renormalises.

# %%
# NBVAL_CHECK_OUTPUT
results.uncertainty_factors(nb.resolve(uspec_path), spec)

# %%
# NBVAL_CHECK_OUTPUT
ua = uncertainty(data, spec, nb.resolve(uspec_path), n=n, seed=seed)
seconds = sum(v for key, v in ua.info.items() if key.startswith("seconds_"))
print(f"{ua.n} replications (Saltelli design, N = {ua.n_base}, {len(ua.uspec.factors)} factors) in {seconds:.2f} s")
print(f"mean absolute rank shift from the nominal ranks: {ua.rank_shift.mean():.2f}")

# %% [markdown]
# ## 2 排名区间 · Rank intervals
#
# 每个单元在全部重复中的排名分布：名义排名（×）、中位数（●）和 5 %–95 % 区间。区间窄说明排名不依赖方法选择；
# 区间宽的单元，其名次不宜作为决策依据。
#
# Each unit's ranks over all replications: the nominal rank (×), the median (●) and the 5th–95th
# percentile interval. A narrow interval means the rank does not hinge on the methodological choices;
# a unit with a wide one should not be judged by its position.

# %%
intervals = results.rank_interval_table(ua, result, year, lang)
plots.rank_intervals(ua.caterpillar(year), lang, labels=intervals["brain_name"])

# %%
# NBVAL_CHECK_OUTPUT
intervals.head(top).round(2)

# %%
# NBVAL_CHECK_OUTPUT
intervals.nlargest(5, "width").round(2)

# %% [markdown]
# ## 3 敏感性 · Sensitivity (Sobol indices)
#
# 以平均绝对排名变动为目标：一阶指数 S1 是某因素单独造成的方差份额，总效应指数 ST 还包括它与其他因素的交互。
# ST 大而 S1 小的因素主要通过交互起作用。n 较小时区间很宽，S1 甚至可能略为负值，应主要看 ST 的次序。
#
# The target is the mean absolute rank shift. The first-order index S1 is the share of variance a
# factor causes alone; the total index ST adds its interactions with the others. A factor with a large
# ST and a small S1 acts through interactions. With a small n the intervals are wide and S1 can even
# be slightly negative: read the order of ST.

# %%
bars = ua.sensitivity_bars()
plots.sensitivity_bars(bars, lang)

# %%
# NBVAL_CHECK_OUTPUT
bars.round(3)

# %% [markdown]
# ## 4 逐一剔除 · Leave one out
#
# 每次剔除一个指标（或维度），其余选择保持名义值，数据驱动的权重在剩余指标上重算。表中为各年全部单元的平均与最大排名变动，
# 以及排名发生变化的单元数。
#
# One indicator (or dimension) is left out at a time, every other choice nominal, data-driven weights
# recomputed on the rest. The tables give the mean and largest rank shift over all units of all years
# and how many units moved.

# %%
# NBVAL_CHECK_OUTPUT
loo = leave_one_out(data, spec)
loo.summary.sort_values("mean_abs_shift", ascending=False).head(10).round(2)

# %%
# NBVAL_CHECK_OUTPUT
leave_one_out(data, spec, level="dimension").summary.round(2)

# %% [markdown]
# ## 小结 · Summary
#
# 排名区间、Sobol 指数与逐一剔除共同说明哪些名次可信、哪些方法选择最需要论证。报告中的排名应附上区间。
#
# Rank intervals, Sobol indices and leave-one-out together show which positions can be trusted and
# which methodological choices most need a justification. A published rank should carry its interval.
