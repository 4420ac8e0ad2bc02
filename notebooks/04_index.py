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
# # 04 综合指数与审计 · Composite index and audit
#
# > **⚠ 模拟数据 · SYNTHETIC DATA.** 默认数据由 `python -m toolkit demo` 生成，不是真实填报；下文的得分与排名
# > 不评价任何真实的产业大脑。The default data are synthetic (`python -m toolkit demo`), not real returns;
# > the scores and ranks below do not assess any real 产业大脑.
#
# 按名义规格 `configs/default.yaml` 构建指数：维度得分与综合得分、排名及其年度变化；按 OECD/JRC 手册第 4 步
# 做统计审计（相关、Cronbach's α、KMO、Bartlett、主成分）；再用障碍度找出各单元的主要短板，用耦合协调度
# 衡量五个维度是否协调发展。
#
# The index under the nominal specification `configs/default.yaml`: dimension and composite scores,
# ranks and their change from the previous year; the statistical audit of step 4 of the OECD/JRC
# Handbook (correlations, Cronbach's α, KMO, Bartlett, PCA); obstacle degrees (障碍度) to find each
# unit's main shortfalls; and coupling coordination (耦合协调度) to see whether the five dimensions
# develop together.

# %% tags=["parameters"]
# 参数 Parameters (papermill). Paths are relative to the repository root.
data_path = "data/raw/demo_synthetic_returns.csv"
spec_path = "configs/default.yaml"
year = None  # None: the latest year in the data
lang = "zh"  # "zh" or "en"
seed = 0  # unused here (nothing is random); every notebook takes the same parameters
top = 10  # how many leading units the tables show

# %%
import pandas as pd

import toolkit
from toolkit import audit, plots
from toolkit import notebooks as nb
from toolkit.analysis import results

nb.setup_notebook()
data, spec = nb.load(data_path, spec_path)
result = toolkit.build_index(data, spec)
fw = data.framework
root, dims = fw.root.code, list(fw.dimensions.index)
year = nb.latest_year(data, year)
nb.data_notice(data)

# %% [markdown]
# ## 1 规格 · The specification
#
# 每一层的赋权与合成方法（`weights.<层>` 与 `aggregation.<层>` 以被构建的父节点命名），以及维度之间的权重。
#
# The weighting and aggregation method at each level (`weights.<level>` and `aggregation.<level>` are
# named after the parent being built), and the weights of the dimensions.

# %%
# NBVAL_CHECK_OUTPUT
print(spec["description"])
choices = pd.DataFrame({section: {level: c["method"] for level, c in spec[section].items()}
                        for section in ("weights", "aggregation")})
print(choices.to_string())
result.weights.query("level == 'index'").set_index("child")[["weight", "method", "aggregation"]].round(4)

# %% [markdown]
# ## 2 维度与综合得分 · Dimension and composite scores
#
# 得分在各年合并的数据上归一化（`panel.scope: pooled`），因此可以跨年比较。排名 1 为最好。
# 热图是所选年份各维度得分与综合得分之间的相关。
#
# Scores are normalised over all years pooled (`panel.scope: pooled`), so they compare across years.
# Rank 1 is the best. The heatmap shows the correlations between the dimension scores and the
# composite in the chosen year.

# %%
summary = result.summary(year, lang)
plots.correlation_heatmap(summary[dims + [root]].corr(), fw, lang, annot=True, groups={})

# %%
# NBVAL_CHECK_OUTPUT
summary.head(top).round(2)

# %%
# NBVAL_CHECK_OUTPUT
summary[dims + [root]].describe().round(2)

# %% [markdown]
# ## 3 排名变化 · Ranks and their change
#
# 与上一年相比排名变动最大的单元（`rank_change` 为正表示上升）。合并归一化下，得分变化是真实的进步或退步，
# 而不只是相对位置的改变。
#
# The units whose rank moved most since the previous year (a positive `rank_change` is a rise). With
# pooled normalisation a score change is real progress or decline, not only a change of position.

# %%
# NBVAL_CHECK_OUTPUT
results.rank_changes(result, year, lang=lang).head(top).round(2)

# %% [markdown]
# ## 4 统计审计 · Statistical audit
#
# 每个维度与全体指标的信度和可因子性：Cronbach's α（< 0.7 标记）、KMO（< 0.5 标记）、Bartlett 检验、
# 特征值大于 1 的成分数。标记表列出每一项问题：与本维度负相关或弱相关（r < 0.3）的指标、
# 维度内近乎共线（r > 0.9）的指标对、与综合指数几乎重合（r > 0.92）的维度，以及覆盖率不足。
#
# Reliability and factorability of each dimension and of all indicators: Cronbach's α (flagged below
# 0.7), KMO (below 0.5), Bartlett's test, and the components with eigenvalue > 1. The flags list
# every issue: indicators correlating negatively or weakly (r < 0.3) with their dimension,
# near-collinear pairs within a dimension (r > 0.9), dimensions almost identical to the index
# (r > 0.92), and low coverage.

# %%
report = audit.audit(result, year)
plots.correlation_heatmap(report.correlations, fw, lang, p=report.pvalues)

# %%
# NBVAL_CHECK_OUTPUT
report.summary(lang).round(3)

# %%
# NBVAL_CHECK_OUTPUT
report.flags[["check", "item", "other", "value", "message"]].round(3)

# %% [markdown]
# ## 5 障碍度 · Obstacle degrees
#
# 障碍度 O = F·I / Σ F·I：F 为指标的总权重，I = 1 − 归一化值（到理想值的差距）。先看各维度在全体单元中的平均障碍度，
# 再列出排名靠前单元的三大障碍指标——即使领先者也有短板。
#
# Obstacle degree O = F·I / Σ F·I, with F the indicator's overall weight and I = 1 − its normalised
# value (the gap to the ideal). First the mean obstacle share of each dimension over all units, then
# the three largest obstacles of the leading units: even leaders have shortfalls.

# %%
# NBVAL_CHECK_OUTPUT
obstacles = result.obstacles(year)
print("mean obstacle degree by dimension (%):")
print(result.obstacles(year, by="dimension").mean().round(2).to_string())
obstacles.mean().nlargest(8).round(2).rename("mean obstacle degree (%)")

# %%
# NBVAL_CHECK_OUTPUT
results.leading_obstacles(result, year, top=top, k=3, lang=lang)

# %% [markdown]
# ## 6 耦合协调度 · Coupling coordination
#
# 把五个维度视为子系统：耦合度 C 衡量它们是否同步，综合发展指数 T 衡量整体水平，协调度 D = √(C·T)
# 按十级标准分级（田深圳等 2021）。
#
# The five dimensions as subsystems: coupling C measures whether they move together, the development
# index T their overall level, and coordination D = √(C·T) is graded on the ten-level scale of
# 田深圳 et al. (2021).

# %%
# NBVAL_CHECK_OUTPUT
coupling = result.coupling(year)
grade = "grade_zh" if lang == "zh" else "grade_en"
coupling.groupby(["grade", grade]).size().rename("units")

# %%
# NBVAL_CHECK_OUTPUT
summary[["brain_name", "rank"]].join(coupling[["C", "T", "D", grade]]).head(top).round(3)

# %% [markdown]
# ## 下一步 · Next
#
# 这些排名依赖于规格中的每一个方法选择。`05_robustness` 同时改变这些选择，给出排名的不确定区间与各选择的敏感性。
#
# These ranks depend on every methodological choice in the specification. `05_robustness` varies the
# choices together and reports rank intervals and the sensitivity to each choice.
