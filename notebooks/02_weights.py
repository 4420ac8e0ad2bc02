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
# # 02 权重 · Weights
#
# > **⚠ 模拟数据 · SYNTHETIC DATA.** 默认数据由 `python -m toolkit demo` 生成，不是真实填报；数字只用于演示方法。
# > The default data are synthetic (`python -m toolkit demo`), not real returns; every number only
# > illustrates the method.
#
# 权重决定了各指标对综合得分的贡献。本笔记本把所有客观赋权方法并排比较（等权、熵权法、CRITIC、变异系数、
# 标准差、主成分），看它们彼此是否一致；再以一个示例专家判断矩阵演示层次分析法（AHP），将主观与客观权重组合；
# 最后看排名在每种方法下如何变化。每个变体都是对 `configs/default.yaml` 的一处改动，再交给 `build_index`。
#
# Weights decide how much each indicator contributes to the composite. This notebook puts every
# objective method side by side (equal, entropy 熵权法, CRITIC, coefficient of variation, standard
# deviation, PCA) and asks how far they agree; derives AHP weights from an example expert matrix and
# combines subjective with objective weights; and shows how the ranks move under each choice. Each
# variant is one change to `configs/default.yaml`, passed to `build_index`.

# %% tags=["parameters"]
# 参数 Parameters (papermill). Paths are relative to the repository root.
data_path = "data/raw/demo_synthetic_returns.csv"
spec_path = "configs/default.yaml"
year = None  # None: the latest year in the data
lang = "zh"  # "zh" or "en"
seed = 0  # unused here (every method is deterministic); every notebook takes the same parameters

# %%
import toolkit
from toolkit import notebooks as nb
from toolkit import plots, weights
from toolkit.analysis import variants as var

nb.setup_notebook()
data, spec = nb.load(data_path, spec_path)
nominal = toolkit.build_index(data, spec)
fw = data.framework
root, dims = fw.root.code, list(fw.dimensions.index)
year = nb.latest_year(data, year)
nb.data_notice(data)

# %% [markdown]
# ## 1 各方法的权重 · Every method side by side
#
# 比较的是指标 → 维度这一层（`weights.dimension`，名义规格为熵权法）：每个维度内部各指标的权重，各列之和在每个维度内为 1。
# 熵权法、CRITIC、标准差与 PCA 作用于归一化数据；变异系数作用于处理后的原始数据（它需要比率尺度）。
#
# The level compared is indicators → dimension (`weights.dimension`; entropy in the nominal
# specification): the weight of each indicator within its dimension, so each column sums to 1 within
# every dimension. Entropy, CRITIC, std and PCA work on the normalised data; the coefficient of
# variation on the treated raw data, since it needs a ratio scale.

# %%
methods = ["equal", *toolkit.methods.methods_of("weighting", kind="objective")]  # the registry's objective methods
variants = {m: var.with_choice(spec, "weights", "dimension", {"method": m}) for m in methods}
results = var.build_variants(data, variants)
W = var.weight_table(results, level="dimension")
plots.weights_heatmap(W, lang)

# %%
# NBVAL_CHECK_OUTPUT
W.round(3)

# %% [markdown]
# ## 2 方法之间的一致性 · How the methods agree
#
# 权重向量之间的 Spearman 相关（全部 28 个指标一起）：高相关说明两种方法给出相似的重要性次序。
# 熵权法与变异系数都奖励离散程度，因此通常接近；CRITIC 还惩罚与其他指标的冗余。
# "有效指标数" 1/Σw² 衡量权重的集中程度：越小，综合得分越依赖少数指标。
#
# Spearman correlations between the weight vectors (all 28 indicators together): a high value means
# two methods rank the indicators' importance alike. Entropy and the coefficient of variation both
# reward dispersion, so they tend to agree; CRITIC also penalises redundancy with other indicators.
# The effective number of indicators, 1/Σw² of the overall weights, measures concentration: the
# smaller it is, the more the composite rests on a few indicators.

# %%
agreement = W.corr(method="spearman")
plots.correlation_heatmap(agreement, lang=lang, annot=True)

# %%
# NBVAL_CHECK_OUTPUT
effective = var.effective_weight_table(results)
print("effective number of indicators (1/Σw², out of", len(effective), "leaves):")
print((1 / (effective**2).sum()).round(1).to_string())
agreement.round(2)

# %% [markdown]
# ## 3 层次分析法 · AHP from an example expert matrix
#
# 下面是一个**示例**判断矩阵（Saaty 1–9 标度），比较五个维度的相对重要性：数据价值释放（L3）最重要，
# 数据支撑（L2）次之，产业发展（L1）与技术创新（L4）同等，运营保障（L5）最轻。真实应用中矩阵来自专家打分。
# 一致性比率 CR < 0.10 才可接受。
#
# An **example** pairwise judgement matrix (Saaty's 1–9 scale) over the five dimensions: data value
# release (L3) matters most, then data support (L2), with industrial development (L1) and
# innovation (L4) equal and operations (L5) least. In a real study the matrix comes from the experts'
# scores. The judgements are acceptable when the consistency ratio CR < 0.10.

# %%
# NBVAL_CHECK_OUTPUT
judgements = [  # rows and columns: L1 … L5; a_ij = importance of i over j
    [1, 1 / 2, 1 / 3, 1, 2],
    [2, 1, 1 / 2, 2, 3],
    [3, 2, 1, 3, 4],
    [1, 1 / 2, 1 / 3, 1, 2],
    [1 / 2, 1 / 3, 1 / 4, 1 / 2, 1],
]
ahp = weights.ahp(judgements, labels=dims)
print(f"λmax = {ahp.lambda_max:.4f}, CI = {ahp.ci:.4f}, CR = {ahp.cr:.4f} "
      f"({'consistent' if ahp.consistent else 'inconsistent'}: CR < 0.10 required)")
ahp.weights.round(4)

# %% [markdown]
# ## 4 组合赋权 · Combinations
#
# 在维度 → 综合指数这一层（`weights.index`，名义规格为等权），把主观的 AHP 权重与客观的熵权组合：
# 线性加权（各 0.5）、乘法合成、最小信息熵、博弈论组合。博弈论方法求出两个向量的最优组合系数 α。
#
# At the dimensions → composite level (`weights.index`; equal in the nominal specification) the
# subjective AHP weights are combined with objective entropy weights: linear (0.5 each),
# multiplicative, minimum information entropy and game theory. Game theory solves for the optimal
# coefficients α of the two vectors.

# %%
ahp_choice = {"method": "ahp", "matrix": {root: judgements}}
index_choices = {
    "equal": {"method": "equal"},
    "entropy": {"method": "entropy"},
    "AHP": ahp_choice,
    **{f"AHP+entropy {how}": {"method": "combine", "of": [ahp_choice, {"method": "entropy"}], "combine": how}
       for how in ["linear", "multiplicative", "min_info", "game_theory"]},
}
index_results = var.build_variants(
    data, {name: var.with_choice(spec, "weights", "index", c) for name, c in index_choices.items()})
WI = var.weight_table(index_results, level="index").droplevel("parent")
plots.weights_heatmap(WI, lang)

# %%
# NBVAL_CHECK_OUTPUT
_, details = weights.combine({"AHP": WI["AHP"], "entropy": WI["entropy"]}, method="game_theory",
                             return_details=True)
print("game-theory coefficients α:", details["alpha"].round(4).to_dict())
WI.round(4)

# %% [markdown]
# ## 5 排名如何变化 · How ranks move under each choice
#
# 以名义规格（维度内熵权、维度间等权）为参照，比较每个变体下所选年份的排名：Spearman ρ、Kendall τ、
# 平均与最大排名变动、前十名保留数以及第一名。箱线图显示每个变体下各单元排名变动的分布。
#
# Against the nominal specification (entropy within dimensions, equal across them), each variant's
# ranks in the chosen year: Spearman's ρ, Kendall's τ, the mean and largest rank shift, how many of the
# top ten stay in the top ten, and the leader. The box plot shows the spread of rank shifts per variant.

# %%
ranks = var.rank_table(
    {"nominal": nominal,
     **{f"dimension: {m}": r for m, r in results.items() if m != "entropy"},
     **{f"index: {n}": r for n, r in index_results.items() if n != "equal"}},
    year)
plots.rank_shift_figure(ranks, "nominal", lang)

# %%
# NBVAL_CHECK_OUTPUT
var.rank_agreement(ranks, "nominal").round(3)

# %%
# NBVAL_CHECK_OUTPUT
ranks.sort_values("nominal").head(10)

# %% [markdown]
# ## 下一步 · Next
#
# 读上表时可以问：维度内的赋权方法与维度间的权重，哪一个对排名影响更大？第一名与前十名是否稳定？
# 同时改变所有选择的系统性不确定性分析见 `05_robustness`。下一本 `03_typology` 按维度得分对产业大脑分类。
#
# Questions to put to the tables above: which moves the ranks more, the method within the dimensions
# or the weights across them? Do the leader and the top ten hold? The systematic uncertainty analysis,
# varying every choice at once, is in `05_robustness`. Next, `03_typology` classifies the brains by
# their dimension scores.
