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
# # 03 类型划分 · Typologies
#
# > **⚠ 模拟数据 · SYNTHETIC DATA.** 默认数据由 `python -m toolkit demo` 生成，不是真实填报；生成器在其中植入了
# > 四种潜在类型（见 `data/raw/README.md`），可对照下面的准则找回了多少结构。数字只用于演示方法。
# > The default data are synthetic (`python -m toolkit demo`), not real returns. The generator planted
# > four latent archetypes in them (`data/raw/README.md`): compare how much of that structure the
# > criteria below recover. Every number only illustrates the method.
#
# 综合排名把五个维度压成一个数；类型划分则问：哪些产业大脑的**长短板结构**相似？步骤：对维度得分做主成分分析；
# 用轮廓系数、CH、DB 与 Gap 统计量投票选择类别数 k；聚类；用自助法 Jaccard 系数检验每类的稳定性；
# 最后为每一类生成画像与中英文标签（`toolkit.analysis.typology`）。
#
# A rank compresses five dimensions into one number; a typology asks which brains share a profile of
# strengths and weaknesses. Steps: PCA of the dimension scores; the number of clusters k by a vote of
# the silhouette, Calinski–Harabasz, Davies–Bouldin and the gap statistic; clustering; the stability
# of each cluster by bootstrap Jaccard; and a profile with a zh/en label per cluster (`toolkit.analysis.typology`).

# %% tags=["parameters"]
# 参数 Parameters (papermill). Paths are relative to the repository root.
data_path = "data/raw/demo_synthetic_returns.csv"
spec_path = "configs/default.yaml"
year = None  # None: the latest year in the data
lang = "zh"  # "zh" or "en"
seed = 0  # seeds k-means/GMM, the gap statistic's reference sets and the bootstrap
method = "kmeans"  # "kmeans", "ward" or "gmm"
k = None  # None: the k the criteria recommend
n_boot = 50  # bootstrap replicates for cluster stability

# %%
import toolkit
from toolkit import audit, plots
from toolkit import notebooks as nb
from toolkit.analysis.typology import method_agreement, typology, ward_linkage
from toolkit.viz import distributions

nb.setup_notebook()
data, spec = nb.load(data_path, spec_path)
result = toolkit.build_index(data, spec)
fw = data.framework
dims = list(fw.dimensions.index)
year = nb.latest_year(data, year)
nb.data_notice(data)

# %% [markdown]
# ## 1 主成分分析 · PCA of the dimension scores
#
# 五个维度得分的相关矩阵的主成分。Kaiser 准则保留特征值大于 1 的成分；累计方差准则保留达到 60 % 所需的最少成分。
# 载荷表示每个维度与成分的相关：若第一主成分上所有载荷同号，它就是"总体水平"，其余成分刻画结构差异。
#
# Principal components of the correlation matrix of the five dimension scores. Kaiser's rule keeps
# components with eigenvalue > 1; the cumulative rule the fewest that reach 60 % of the variance. A
# loading is the correlation of a dimension with a component: if every loading on PC1 has the same
# sign, PC1 is the overall level and the later components describe the profile.

# %%
scores = result.dimension_scores.xs(year, level="year")
pca = audit.pca_summary(scores)
plots.scree_plot(pca, lang)

# %%
# NBVAL_CHECK_OUTPUT
print(f"Kaiser: {pca.n_kaiser} component(s) with eigenvalue > 1; "
      f"{pca.n_cumulative} reach {pca.cumulative_threshold:.0%} of the variance")
pca.table.join(pca.loadings.T).round(3)

# %% [markdown]
# ## 2 类别数 k 的选择 · Choice of k
#
# 对 k = 2…8 计算四个准则（特征为按维度标准化的得分）；多数票决定 k，平票时以轮廓系数裁决。
# 轮廓系数低于 0.25 表示结构弱；Gap 统计量若不拒绝 k = 1，说明数据可能并无明显聚类。
#
# Four criteria for k = 2…8 on the z-scored dimension scores; the majority decides, the silhouette
# breaks ties. A mean silhouette below 0.25 means weak structure; if the gap statistic does not reject
# k = 1 the data may have no clear clusters at all.

# %%
# NBVAL_CHECK_OUTPUT
ty = typology(result, year=year, method=method, k=k, seed=seed, n_boot=n_boot, n_ref=20, gap="full")
print(f"k = {ty.k} (recommended: {ty.recommended_k}; method {method})")
print(ty.evidence["note_zh" if lang == "zh" else "note_en"])
ty.k_table[["silhouette", "calinski_harabasz", "davies_bouldin", "gap", "s_k", "gap_rule"]].round(3)

# %% [markdown]
# ## 3 聚类结果 · Clusters
#
# 类别按平均综合得分编号（第 1 类最强）。双标图把单元投影到前两个主成分上，箭头是各维度的载荷；
# 轮廓图中负值的单元更接近另一类。树状图是同一特征上的 Ward 层次聚类，供对照。
#
# Clusters are numbered by mean composite score (cluster 1 is the strongest). The biplot projects the
# units on the first two components, with the dimensions' loadings as arrows; in the silhouette plot a
# negative bar marks a unit closer to another cluster. The dendrogram is Ward's hierarchical
# clustering of the same features, for comparison.

# %%
plots.pca_biplot(pca, hue=ty.assignments, framework=fw, lang=lang)

# %%
plots.silhouette_plot(ty.silhouette, ty.assignments, lang)

# %%
plots.dendrogram(ward_linkage(ty), labels=list(ty.features.index), lang=lang)

# %%
# NBVAL_CHECK_OUTPUT
ty.summary(lang)[["brain_name", "city", "industry", "cluster", "label", "silhouette"]].round(3)

# %% [markdown]
# ## 4 稳定性 · Stability
#
# 自助法重抽样后重新聚类，计算每一类与其最相近新类的 Jaccard 系数（Hennig 2007）：> 0.85 高度稳定，
# 0.75–0.85 稳定，0.6–0.75 有模式但成员可疑，≤ 0.5 解体。再用三种算法在同一 k 下重新划分，
# 以调整兰德指数（ARI）衡量划分是否依赖算法。
#
# Each bootstrap resample is re-clustered and every cluster is matched with its most similar new
# cluster by the Jaccard coefficient (Hennig 2007): > 0.85 highly stable, 0.75–0.85 stable,
# 0.6–0.75 a pattern with doubtful members, ≤ 0.5 dissolved. Then three algorithms partition the same
# features at the same k; the adjusted Rand index (ARI) shows whether the partition depends on the algorithm.

# %%
# NBVAL_CHECK_OUTPUT
print(f"mean ARI between the partition and its bootstrap re-clusterings: {ty.ari_mean:.3f}")
ty.stability.round(3)

# %%
# NBVAL_CHECK_OUTPUT
ari, by_method = method_agreement(ty, ["kmeans", "ward", "gmm"])
ari.round(3)

# %% [markdown]
# ## 5 类型画像 · Profiles
#
# 每一类的平均维度得分，以及相对全体均值的标准化偏离 z。|z| > 0.5 的维度为该类的长板或短板，并据此生成标签。
#
# Each cluster's mean dimension scores and their standardised distance z from the mean of all units.
# A dimension with z > 0.5 is a strength of the cluster, z < −0.5 a weakness; the label names them.

# %%
plots.cluster_profiles(ty.profiles[dims], ty.overall[dims], fw, lang)

# %%
distributions.typology_clustermap(ty, fw, lang)

# %%
# NBVAL_CHECK_OUTPUT
ty.profiles[["size", "label_zh", "label_en", "composite", *dims, *[f"z_{d}" for d in dims]]].round(2)

# %% [markdown]
# ## 6 每个成员的描述 · What is true of each member
#
# 类别标签描述的是类的均值，不一定适用于每个成员：若某成员在标签称为"强"的维度上低于平均，标签对它就不成立。
# 因此每个成员另有一条**对它本身成立**的描述：只保留对它成立的词，并注明例外（例如"（运营保障低于平均）"）。
# 报告显示的是这条描述（`ty.describe(unit)`）。
#
# A cluster's label describes its mean, not necessarily every member: a member below the mean in a
# dimension its label calls strong is not described by it. So each member also gets a description that
# is **true of it**: the terms that hold, and the exceptions named (e.g. "(but below average in
# operations)"). Reports show this description (`ty.describe(unit)`).

# %%
# NBVAL_CHECK_OUTPUT
members = ty.member_labels
print(f"{int((~members['fits_cluster_label']).sum())} of {len(members)} members are not fully described by "
      "their cluster's label")
members.loc[~members["fits_cluster_label"], ["cluster", "label_zh", "label_en"]]

# %% [markdown]
# ## 7 按结构分类 · Typology of profile shape
#
# 上面的类型按**水平**划分：谁在各维度上高于或低于其他产业大脑。按**结构**划分则先减去每个大脑自身的平均水平，
# 只看它相对擅长什么——水平不同但长短板相同的大脑归为一类。
#
# The types above are by **level**: who is above or below the others in each dimension. A typology of
# **shape** first removes each brain's own average and asks only what it is relatively good at: brains
# with the same strengths and weaknesses fall together whatever their level.

# %%
# NBVAL_CHECK_OUTPUT
shape = typology(result, year=year, method=method, k=k, basis="shape", seed=seed, n_boot=0, n_ref=20)
print(f"{ty.evidence['basis']} → k = {ty.k}; {shape.evidence['basis']} → k = {shape.k}")
shape.profiles[["size", "label_zh", "label_en", "composite", *[f"z_{d}" for d in dims]]].round(2)

# %% [markdown]
# ## 下一步 · Next
#
# 类型描述结构，`04_index` 回到综合得分：排名、统计审计、障碍度与耦合协调度。
#
# Types describe profiles; `04_index` returns to the composite: ranks, the statistical audit, obstacle
# degrees and coupling coordination.
