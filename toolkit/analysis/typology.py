"""Typologies of units (类型划分): clusters of dimension scores, with profiles and zh/en labels.

``typology(result, year=2025)`` clusters the units of one year on their dimension scores
(L1–L5) and returns a :class:`TypologyResult`:

1. **Features** (:func:`features`). By default the dimension scores are z-scored per dimension
   (mean 0, population sd 1 over the units of the year), so each dimension counts equally
   whatever its spread; ``space="pca"`` uses the principal components of those z-scores,
   ``space="raw"`` the scores as given.
2. **Choice of k** over ``k_range`` (default 2…8) by silhouette, Calinski–Harabasz,
   Davies–Bouldin and the gap statistic, combined by majority vote with the silhouette as
   tie-break (:func:`toolkit.analysis.clustering.choose_k`, where the rule is spelt out).
3. **Partition** by k-means, Ward or a Gaussian mixture, numbered canonically: cluster 1 has
   the highest mean composite score (for a bare score table, the highest mean of its columns).
4. **Stability**: cluster-wise bootstrap Jaccard (Hennig 2007; ``fpc::clusterboot``); a cluster
   whose mean Jaccard is below 0.6 is flagged unstable. Hennig's reading: ≤ 0.5 the cluster is
   dissolved, 0.6–0.75 it shows a pattern but its members are doubtful, > 0.75 it is stable,
   > 0.85 highly stable.
5. **Profiles and labels** (:func:`profiles`): each cluster's mean scores against the mean of
   all units, as z = (cluster mean − overall mean) / overall sd. A dimension is *strong* when
   z > 0.5 and *weak* when z < −0.5 (half a standard deviation: clearly apart from the mean
   without requiring extreme groups). The label names the strong then the weak dimensions
   with the phrases of :data:`DIMENSION_PHRASES` (at most ``max_terms``, the largest |z|
   first), e.g. "数据资源强、价值释放弱 / data-rich, value release lagging"; special labels
   when every dimension is strong (全面领先型 / all-round leader), every one weak (蓄势追赶型 /
   catching up) or none apart (均衡中游型 / balanced, mid-range). Identical labels get the
   cluster number appended (（第2类）/ (type 2)), so labels are unique.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import linkage
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_samples

from ..errors import DataError
from ..index.build import IndexResult
from ..methods.checks import as_matrix
from .clustering import (
    METHODS,
    Stability,
    choose_k,
    cluster,
    cluster_stability,
)

__all__ = [
    "DIMENSION_PHRASES", "SPECIAL_LABELS", "Z_THRESHOLD", "SPACES", "TypologyResult", "features",
    "profile_label", "profiles", "typology",
]

SPACES = ("z", "pca", "raw")
#: Half a standard deviation: the distance from the overall mean that makes a dimension strong/weak.
Z_THRESHOLD = 0.5
#: Short descriptors per dimension: code → {"strong": (zh, en), "weak": (zh, en)}.
DIMENSION_PHRASES = {
    "L1": {"strong": ("产业基础强", "industry-strong"), "weak": ("产业基础弱", "industry-weak")},
    "L2": {"strong": ("数据资源强", "data-rich"), "weak": ("数据资源弱", "data-poor")},
    "L3": {"strong": ("价值释放强", "strong value release"), "weak": ("价值释放弱", "value release lagging")},
    "L4": {"strong": ("创新能力强", "innovation-strong"), "weak": ("创新能力弱", "innovation lagging")},
    "L5": {"strong": ("运营保障强", "well-operated"), "weak": ("运营保障弱", "operations lagging")},
}
SPECIAL_LABELS = {
    "all_strong": ("全面领先型", "all-round leader"),
    "all_weak": ("蓄势追赶型", "catching up"),
    "balanced": ("均衡中游型", "balanced, mid-range"),
}


# ---------------------------------------------------------------------------- features
def features(scores, space: str = "z", n_components: int | None = None) -> pd.DataFrame:
    """The matrix that is clustered, units × features.

    Parameters
    ----------
    scores : DataFrame, units × dimensions (no missing values).
    space : {"z", "pca", "raw"}
        ``z``: (x − mean) / sd per column, sd with divisor n (as ``StandardScaler``);
        ``pca``: principal-component scores of those z-scores, columns PC1…PCm;
        ``raw``: the scores unchanged.
    n_components : int, optional
        Components kept with ``space="pca"``; default: those with eigenvalue ≥ 1 on the
        correlation matrix (Kaiser), at least 2.
    """
    S = as_matrix(scores, name="typology scores", min_rows=3)
    if space not in SPACES:
        raise DataError(f"feature space {space!r} is unknown; use one of {list(SPACES)}")
    if space == "raw":
        return S
    sd = S.std(ddof=0)
    if (sd <= 0).any():
        raise DataError(f"typology: dimension {sd.index[sd <= 0][0]!r} is constant over the units; "
                        "it cannot be z-scored — drop it or use space='raw'")
    Z = (S - S.mean()) / sd
    if space == "z":
        return Z
    p = Z.shape[1]
    if n_components is None:
        eig = np.linalg.eigvalsh(np.corrcoef(Z.to_numpy(), rowvar=False))
        n_components = max(min(2, p), int((eig >= 1.0).sum()))
    if not 1 <= int(n_components) <= min(p, len(Z)):
        raise DataError(f"n_components={n_components} must lie in 1…{min(p, len(Z))}")
    pcs = PCA(n_components=int(n_components), svd_solver="full").fit_transform(Z.to_numpy())
    return pd.DataFrame(pcs, index=S.index, columns=[f"PC{i + 1}" for i in range(pcs.shape[1])])


# ---------------------------------------------------------------------------- profiles and labels
def _phrases(code, phrases) -> dict:
    table = {**DIMENSION_PHRASES, **(phrases or {})}
    return table.get(code) or {"strong": (f"{code}强", f"strong {code}"), "weak": (f"{code}弱", f"weak {code}")}


def profile_label(z: pd.Series, threshold: float = Z_THRESHOLD, phrases=None, max_terms: int = 3) -> dict:
    """The zh/en label of one profile ``z`` (dimension → z), and the dimensions it names.

    Returns a dict with ``zh``, ``en``, ``strong`` and ``weak`` (tuples of dimension codes that
    the label names; for the all-strong / all-weak labels every dimension).
    """
    strong = [d for d in z.index if z[d] > threshold]
    weak = [d for d in z.index if z[d] < -threshold]
    if len(strong) == len(z):
        return {"zh": SPECIAL_LABELS["all_strong"][0], "en": SPECIAL_LABELS["all_strong"][1],
                "strong": tuple(strong), "weak": ()}
    if len(weak) == len(z):
        return {"zh": SPECIAL_LABELS["all_weak"][0], "en": SPECIAL_LABELS["all_weak"][1],
                "strong": (), "weak": tuple(weak)}
    if not strong and not weak:
        return {"zh": SPECIAL_LABELS["balanced"][0], "en": SPECIAL_LABELS["balanced"][1],
                "strong": (), "weak": ()}
    order = list(z.index)
    named = set(sorted(strong + weak, key=lambda d: (-abs(z[d]), order.index(d)))[:max_terms])
    strong = tuple(d for d in strong if d in named)
    weak = tuple(d for d in weak if d in named)
    terms = [_phrases(d, phrases)["strong"] for d in strong] + [_phrases(d, phrases)["weak"] for d in weak]
    return {"zh": "、".join(t[0] for t in terms), "en": ", ".join(t[1] for t in terms),
            "strong": strong, "weak": weak}


def profiles(scores, assignments, overall=None, threshold: float = Z_THRESHOLD, phrases=None,
             max_terms: int = 3) -> pd.DataFrame:
    """Profile of each cluster: size, members, mean scores, z against all units, and labels.

    Parameters
    ----------
    scores : DataFrame, units × dimensions (the scores, not the z-scored features).
    assignments : Series, unit → cluster.
    overall : Series, optional, unit → composite score (default: the row mean of ``scores``).
    threshold : float, |z| beyond which a dimension is strong/weak (default 0.5).
    phrases : mapping, optional, overrides/extends :data:`DIMENSION_PHRASES`.
    max_terms : int, most dimensions a label names.

    Returns
    -------
    DataFrame indexed by cluster: ``size``, ``label_zh``, ``label_en``, ``strong``, ``weak``,
    ``composite`` (mean overall score), the mean of each dimension, ``z_<dimension>``, and
    ``members`` (tuple of unit ids).
    """
    S = as_matrix(scores, name="profiles", min_rows=2)
    a = assignments.reindex(S.index) if isinstance(assignments, pd.Series) else \
        pd.Series(np.asarray(assignments), index=S.index)
    if a.isna().any():
        raise DataError(f"profiles: no cluster for unit {a.index[a.isna()][0]!r}")
    total = S.mean(axis=1) if overall is None else pd.Series(overall).reindex(S.index)
    mean, sd = S.mean(), S.std(ddof=0).replace(0.0, np.nan)
    rows = []
    for c in sorted(a.unique()):
        m = a == c
        z = ((S[m].mean() - mean) / sd).fillna(0.0)
        lab = profile_label(z, threshold, phrases, max_terms)
        rows.append({"cluster": c, "size": int(m.sum()), "label_zh": lab["zh"], "label_en": lab["en"],
                     "strong": lab["strong"], "weak": lab["weak"], "composite": float(total[m].mean()),
                     **S[m].mean().to_dict(), **{f"z_{d}": float(v) for d, v in z.items()},
                     "members": tuple(S.index[m])})
    out = pd.DataFrame(rows).set_index("cluster")
    dup = out["label_zh"].duplicated(keep=False) | out["label_en"].duplicated(keep=False)
    out.loc[dup, "label_zh"] = [f"{t}（第{c}类）" for c, t in out.loc[dup, "label_zh"].items()]
    out.loc[dup, "label_en"] = [f"{t} (type {c})" for c, t in out.loc[dup, "label_en"].items()]
    return out


_NAMES = {"silhouette": ("轮廓系数", "silhouette"), "calinski_harabasz": ("CH 指数", "Calinski-Harabasz"),
          "davies_bouldin": ("DB 指数", "Davies-Bouldin"), "gap": ("Gap 统计量", "gap statistic")}
_READING_ZH = {"strong": "强", "reasonable": "较明显", "weak": "弱（可能是人为划分）",
               "no substantial structure": "无实质聚类结构"}


def _notes(k: int, ev: dict, sil: float) -> dict:
    """One-sentence summary of the choice of k, in English and Chinese."""
    others = {c: v for c, v in ev["choices"].items() if v != k}
    en = (f"k = {k}: {', '.join(_NAMES[c][1] for c in ev['agree'])} agree "
          f"({len(ev['agree'])} of 4 votes{', tie broken by silhouette' if ev['tie_break'] else ''})")
    zh = f"k = {k}：{'、'.join(_NAMES[c][0] for c in ev['agree'])}一致（4 票中 {len(ev['agree'])} 票）"
    if others:
        en += "; " + ", ".join(f"{_NAMES[c][1]} prefers {v}" for c, v in others.items())
        zh += "；" + "，".join(f"{_NAMES[c][0]}倾向 {v}" for c, v in others.items())
    en += f". Mean silhouette {sil:.2f}: {ev['silhouette_reading']} structure"
    zh += f"。平均轮廓系数 {sil:.2f}，聚类结构{_READING_ZH[ev['silhouette_reading']]}"
    if ev["gap_rule_at_1"]:
        en += "; the gap statistic does not reject k = 1 (no clear cluster structure)"
        zh += "；Gap 统计量不拒绝 k = 1（无明显聚类结构）"
    return {"note_en": en + ".", "note_zh": zh + "。"}


# ---------------------------------------------------------------------------- the one call
@dataclass(frozen=True, eq=False)
class TypologyResult:
    """Everything :func:`typology` computed, labelled by unit id and cluster number (1 = strongest).

    Attributes
    ----------
    assignments : Series, unit → cluster (1…k).
    k, recommended_k : the k used and the k the criteria recommend (equal unless k was given).
    evidence : dict, each criterion's choice, the votes, which criteria agree, the rule, the
        silhouette reading, and ``note_en`` / ``note_zh``: the choice in one sentence.
    k_table : DataFrame, per k: silhouette, calinski_harabasz, davies_bouldin, within_ss,
        log_W, log_W_ref, sd_ref, s_k, gap, gap_rule.
    profiles : DataFrame, per cluster (see :func:`profiles`).
    labels : DataFrame, per cluster: ``zh`` and ``en``.
    stability : DataFrame, per cluster: bootstrap Jaccard summary and verdict (empty if n_boot=0).
    bootstrap : DataFrame, per replicate: distinct units, ARI and each cluster's Jaccard.
    silhouette : Series, unit → silhouette width (for a silhouette plot).
    linkage : ndarray or None, the Ward linkage matrix of the features (for a dendrogram).
    scores, features : DataFrame, the dimension scores and the matrix that was clustered.
    overall : Series, per dimension and composite: the mean over all units.
    units : DataFrame, unit descriptors (brain name, city, industry) when known.
    params : dict, the arguments of the call.
    """

    assignments: pd.Series
    k: int
    recommended_k: int
    evidence: dict
    k_table: pd.DataFrame
    profiles: pd.DataFrame
    labels: pd.DataFrame
    stability: pd.DataFrame
    bootstrap: pd.DataFrame
    silhouette: pd.Series
    linkage: np.ndarray | None
    scores: pd.DataFrame
    features: pd.DataFrame
    overall: pd.Series
    units: pd.DataFrame = field(default_factory=pd.DataFrame)
    params: dict = field(default_factory=dict)

    @property
    def unstable(self) -> list:
        """Clusters whose mean bootstrap Jaccard is below the threshold."""
        return [] if self.stability.empty else list(self.stability.index[self.stability["unstable"]])

    @property
    def ari_mean(self) -> float:
        """Mean adjusted Rand index between the partition and its bootstrap re-clusterings."""
        return float(self.bootstrap["ari"].mean()) if len(self.bootstrap) else float("nan")

    def members(self, cluster: int) -> list:
        return list(self.assignments.index[self.assignments == cluster])

    def summary(self, lang: str = "zh") -> pd.DataFrame:
        """One row per unit: descriptors, cluster, label, silhouette — sorted by cluster."""
        if lang not in ("zh", "en"):
            raise DataError(f"lang must be 'zh' or 'en', got {lang!r}")
        label = self.assignments.map(self.labels[lang]).rename("label")
        out = pd.concat([self.units, self.assignments, label, self.silhouette.rename("silhouette")], axis=1)
        return out.sort_values(["cluster", "silhouette"], ascending=[True, False], kind="stable")


def _scores_of(source, year):
    """Dimension scores of one year, the composite (or None), unit descriptors and the year."""
    if isinstance(source, IndexResult):
        scores, overall, units = source.dimension_scores, source.composite, source.units
    elif isinstance(source, pd.DataFrame):
        scores, overall, units = source, None, pd.DataFrame(index=source.index)
    else:
        raise DataError(f"typology: expected an IndexResult or a DataFrame of scores, got {type(source).__name__}")
    if isinstance(scores.index, pd.MultiIndex) and "year" in scores.index.names:
        years = sorted(scores.index.get_level_values("year").unique())
        if year is None and len(years) == 1:
            year = years[0]
        if year not in years:
            raise DataError(f"typology: pass year= one of {[int(y) for y in years]} (got {year!r})")
        year = int(year)
        scores = scores.xs(year, level="year")
        overall = None if overall is None else overall.xs(year, level="year")
        units = units.xs(year, level="year") if isinstance(units.index, pd.MultiIndex) else units
    elif year is not None:
        raise DataError("typology: year= was given but the scores have no 'year' index level")
    if not scores.index.is_unique:
        raise DataError(f"typology: unit {scores.index[scores.index.duplicated()][0]!r} appears twice")
    return scores, overall, units.reindex(scores.index), year


def typology(result_or_scores, year: int | None = None, method: str = "kmeans", k: int | None = None,
             k_range=(2, 8), space: str = "z", n_components: int | None = None, random_state: int = 0,
             n_boot: int = 100, n_ref: int = 50, reference: str = "pca", threshold: float = Z_THRESHOLD,
             unstable_below: float = 0.6, phrases=None, max_terms: int = 3) -> TypologyResult:
    """Cluster the units of one year on their dimension scores and describe the types.

    Parameters
    ----------
    result_or_scores : IndexResult or DataFrame
        An index (its ``dimension_scores`` and ``composite`` are used) or a score table, units ×
        dimensions, indexed by unit id or by (unit_id, year).
    year : int, optional; required when the scores hold more than one year.
    method : {"kmeans", "ward", "gmm"}
    k : int, optional; None uses the k recommended by the vote of
        :func:`~toolkit.analysis.clustering.choose_k` (the criteria are computed either way).
    k_range : (k_min, k_max), inclusive, default (2, 8).
    space, n_components : the feature space (:func:`features`); default z-scored scores.
    random_state : int, default 0; seeds k-means/GMM, gap reference sets and the bootstrap.
    n_boot : int, bootstrap replicates for stability (0 skips it).
    n_ref : int, gap reference sets B; reference : {"pca", "uniform"} their distribution.
    threshold : float, |z| of a strong/weak dimension in the labels (default 0.5).
    unstable_below : float, mean Jaccard under which a cluster is flagged unstable (default 0.6).
    phrases, max_terms : label vocabulary and length (:func:`profile_label`).
    """
    if method not in METHODS:
        raise DataError(f"clustering method {method!r} is unknown; use one of {list(METHODS)}")
    scores, overall, units, year = _scores_of(result_or_scores, year)
    scores = as_matrix(scores, name="typology scores", min_rows=4)
    X = features(scores, space, n_components)
    choice = choose_k(X, k_range, method, random_state, n_ref, reference)
    k_used = choice.k if k is None else k
    order = scores.mean(axis=1) if overall is None else overall.reindex(scores.index)
    assignments = cluster(X, k_used, method, random_state, order_by=order)
    if n_boot:
        stab = cluster_stability(X, assignments, method, n_boot, random_state, unstable_below)
    else:
        stab = Stability(clusters=pd.DataFrame(), replicates=pd.DataFrame())
    prof = profiles(scores, assignments, order, threshold, phrases, max_terms)
    evidence = {**choice.evidence, "k_given": k is not None,
                **_notes(choice.k, choice.evidence, float(choice.table.at[choice.k, "silhouette"]))}
    sil = pd.Series(silhouette_samples(X.to_numpy(), assignments.to_numpy()), index=X.index, name="silhouette")
    overall_mean = pd.concat([scores.mean(), pd.Series({"composite": float(order.mean())})])
    return TypologyResult(
        assignments=assignments, k=int(assignments.nunique()), recommended_k=choice.k, evidence=evidence,
        k_table=choice.table, profiles=prof,
        labels=prof[["label_zh", "label_en"]].rename(columns={"label_zh": "zh", "label_en": "en"}),
        stability=stab.clusters, bootstrap=stab.replicates, silhouette=sil,
        linkage=linkage(X.to_numpy(), method="ward") if method == "ward" else None,
        scores=scores, features=X, overall=overall_mean, units=units,
        params={"year": year, "method": method, "k": k, "k_range": tuple(k_range), "space": space,
                "n_components": n_components, "random_state": random_state, "n_boot": n_boot,
                "n_ref": n_ref, "reference": reference, "threshold": threshold,
                "unstable_below": unstable_below, "max_terms": max_terms},
    )
