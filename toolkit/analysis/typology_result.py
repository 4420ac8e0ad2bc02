"""What a typology found, and reading it: the result (:class:`TypologyResult`) with each unit's
description, the choice of k in one sentence (:func:`k_choice_note`), the partitions of the other
methods at the same k (:func:`method_agreement`) and the Ward linkage for a dendrogram
(:func:`ward_linkage`). The clustering itself is :func:`toolkit.analysis.typology.typology`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import linkage

from ..errors import DataError
from .clustering import cluster
from .labels import basis_name, check_lang
from .typology_options import TypologyOptions

__all__ = ["TypologyResult", "k_choice_note", "method_agreement", "ward_linkage"]


# ---------------------------------------------------------------------------- the choice of k in words
_NAMES = {"silhouette": ("轮廓系数", "silhouette"), "calinski_harabasz": ("CH 指数", "Calinski-Harabasz"),
          "davies_bouldin": ("DB 指数", "Davies-Bouldin"), "gap": ("Gap 统计量", "gap statistic")}
_READING_ZH = {"strong": "强", "reasonable": "较明显", "weak": "弱（可能是人为划分）",
               "no substantial structure": "无实质聚类结构"}


def k_choice_note(k: int, ev: dict, sil: float) -> dict:
    """The choice of k in one sentence, in English and Chinese: which criteria agree, which prefer
    another k, how strong the structure is, and whether the gap statistic rejects k = 1.

    Parameters
    ----------
    k : int
        The k the criteria recommend.
    ev : dict
        The evidence of :func:`~toolkit.analysis.clustering.choose_k`: ``choices`` (criterion →
        k), ``agree``, ``tie_break``, ``silhouette_reading`` and ``gap_rule_at_1``.
    sil : float
        The mean silhouette at ``k``.

    Returns
    -------
    dict
        ``note_en`` and ``note_zh``.

    Examples
    --------
    >>> ev = {"choices": {"silhouette": 3, "calinski_harabasz": 3, "davies_bouldin": 3, "gap": 2},
    ...       "agree": ["silhouette", "calinski_harabasz", "davies_bouldin"], "tie_break": False,
    ...       "silhouette_reading": "reasonable", "gap_rule_at_1": False}
    >>> k_choice_note(3, ev, 0.52)["note_en"]
    'k = 3: silhouette, Calinski-Harabasz, Davies-Bouldin agree (3 of 4 votes); gap statistic prefers 2. Mean silhouette 0.52: reasonable structure.'
    """
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


# ---------------------------------------------------------------------------- the result
@dataclass(frozen=True, eq=False)
class TypologyResult:
    """Everything :func:`typology` computed, labelled by unit id and cluster number (1 = strongest).

    Attributes
    ----------
    assignments : Series, unit → cluster (1…k).
    k, recommended_k : the k used and the k the criteria recommend (equal unless k was given).
    evidence : dict, each criterion's choice, the votes, which criteria agree, the rule, the
        silhouette reading, the ``basis``, and ``note_en`` / ``note_zh``: the choice in one sentence.
    k_table : DataFrame, per k: silhouette, calinski_harabasz, davies_bouldin, within_ss,
        log_W, log_W_ref, sd_ref, s_k, gap, gap_rule (gap columns NaN beyond what
        ``gap="decide"`` needed).
    profiles : DataFrame, per cluster (see :func:`~toolkit.analysis.labels.profiles`).
    labels : DataFrame, per cluster: ``zh`` and ``en`` (what distinguishes the cluster).
    member_labels : DataFrame, per unit: a label true of that unit and how it relates to its
        cluster's (:func:`~toolkit.analysis.labels.member_labels`).
    stability : DataFrame, per cluster: bootstrap Jaccard summary and verdict (empty if n_boot=0).
    bootstrap : DataFrame, per replicate: distinct units, ARI and each cluster's Jaccard.
    silhouette : Series, unit → silhouette width (for a silhouette plot).
    linkage : ndarray or None, the Ward linkage matrix of the features (for a dendrogram).
    scores, features : DataFrame, the dimension scores and the matrix that was clustered.
    standing : DataFrame, each unit's standing per dimension on the basis.
    overall : Series, per dimension and composite: the mean over all units.
    units : DataFrame, unit descriptors (brain name, city, industry) when known.
    basis : str, "level" or "shape".
    options : TypologyOptions, every choice of the call.
    params : dict, the arguments of the call (year, seed and the options).

    Examples
    --------
    :func:`typology` returns one (here on six hand-made units, two clear groups):

    >>> from toolkit.analysis.typology import typology
    >>> S = pd.DataFrame({"L1": [9., 8, 7, 1, 0, 1], "L2": [9., 9, 3, 2, 2, 1]}, index=list("abcdef"))
    >>> ty = typology(S, k=2, n_boot=0, n_ref=2, k_range=(2, 3))
    >>> ty.k, ty.assignments.to_dict()
    (2, {'a': 1, 'b': 1, 'c': 1, 'd': 2, 'e': 2, 'f': 2})
    >>> ty.k_table.index.tolist(), ty.labels.columns.tolist()
    ([2, 3], ['zh', 'en'])
    >>> round(float(ty.silhouette["d"]), 2)
    0.89
    """

    assignments: pd.Series
    k: int
    recommended_k: int
    evidence: dict
    k_table: pd.DataFrame
    profiles: pd.DataFrame
    labels: pd.DataFrame
    member_labels: pd.DataFrame
    stability: pd.DataFrame
    bootstrap: pd.DataFrame
    silhouette: pd.Series
    linkage: np.ndarray | None
    scores: pd.DataFrame
    features: pd.DataFrame
    standing: pd.DataFrame
    overall: pd.Series
    units: pd.DataFrame = field(default_factory=pd.DataFrame)
    basis: str = "level"
    options: TypologyOptions = field(default_factory=TypologyOptions)
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
        """The units of ``cluster``, in the order of the scores."""
        return list(self.assignments.index[self.assignments == cluster])

    def describe(self, unit, lang: str = "zh") -> dict:
        """What is true of one unit: its type, in words a report can show.

        Parameters
        ----------
        unit : a unit id of the typology.
        lang : "zh" or "en"

        Returns
        -------
        dict with ``unit``, ``cluster``, ``label`` (true of this unit), ``cluster_label``,
        ``fits_cluster_label``, ``exceptions`` (dimensions of the cluster's label not true of
        the unit), ``strong``, ``weak`` (dimension codes), ``basis`` and ``basis_name`` (what the
        basis means, to print beside the label).

        Examples
        --------
        >>> from toolkit.analysis.typology import typology
        >>> S = pd.DataFrame({"L1": [9., 8, 7, 1, 0, 1], "L2": [9., 9, 3, 2, 2, 1]}, index=list("abcdef"))
        >>> ty = typology(S, k=2, n_boot=0, n_ref=2, k_range=(2, 3))
        >>> d = ty.describe("c", "en")
        >>> d["label"], d["cluster_label"], d["fits_cluster_label"]
        ('industry-strong (but below average in data resources)', 'all-round leader', False)
        """
        lang = check_lang(lang)
        if unit not in self.member_labels.index:
            raise DataError(f"typology: no unit {unit!r}; the typology has {len(self.member_labels)} units")
        row = self.member_labels.loc[unit]
        return {"unit": unit, "cluster": int(row["cluster"]), "label": row[f"label_{lang}"],
                "cluster_label": row[f"cluster_label_{lang}"], "fits_cluster_label": bool(row["fits_cluster_label"]),
                "exceptions": tuple(row["exceptions"]), "strong": tuple(row["strong"]),
                "weak": tuple(row["weak"]), "basis": self.basis, "basis_name": basis_name(self.basis, lang)}

    def summary(self, lang: str = "zh") -> pd.DataFrame:
        """One row per unit: descriptors, cluster, the cluster's ``label``, the unit's own
        ``description`` (true of it) and ``fits_label``, silhouette — sorted by cluster."""
        lang = check_lang(lang)
        label = self.assignments.map(self.labels[lang]).rename("label")
        own = self.member_labels[f"label_{lang}"].rename("description")
        fits = self.member_labels["fits_cluster_label"].rename("fits_label")
        out = pd.concat([self.units, self.assignments, label, self.silhouette.rename("silhouette"), own, fits],
                        axis=1)
        return out.sort_values(["cluster", "silhouette"], ascending=[True, False], kind="stable")


# ---------------------------------------------------------------------------- reading a typology
def method_agreement(ty: TypologyResult, methods: Iterable[str] = ("kmeans", "ward", "gmm")
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Re-cluster a typology's features with each method at the same k and seed.

    Parameters
    ----------
    ty : TypologyResult
    methods : iterable of {"kmeans", "ward", "gmm"}

    Returns
    -------
    (ari, assignments)
        The adjusted Rand index between every pair of partitions (methods × methods), and the
        assignments (units × methods, clusters numbered as in :func:`typology`).

    Examples
    --------
    >>> from toolkit.analysis.typology import typology
    >>> S = pd.DataFrame({"L1": [9., 8, 7, 1, 0, 1], "L2": [9., 9, 8, 2, 2, 1]}, index=list("abcdef"))
    >>> ari, by = method_agreement(typology(S, k=2, n_boot=0, n_ref=2, k_range=(2, 3)), ["kmeans", "ward"])
    >>> float(ari.at["kmeans", "ward"]), by["ward"].tolist()
    (1.0, [1, 1, 1, 2, 2, 2])
    """
    from sklearn.metrics import adjusted_rand_score

    order = ty.scores.mean(axis=1)
    seed = ty.params.get("seed", 0)
    A = pd.DataFrame({m: cluster(ty.features, ty.k, m, seed, order_by=order) for m in methods})
    ari = pd.DataFrame({a: {b: adjusted_rand_score(A[a], A[b]) for b in A} for a in A})
    return ari.loc[list(A.columns), list(A.columns)], A


def ward_linkage(ty: TypologyResult) -> np.ndarray:
    """The Ward linkage of a typology's features (for a dendrogram or a clustered heatmap),
    whatever the method: the typology's own when it is Ward, else computed (scipy).

    Examples
    --------
    >>> from toolkit.analysis.typology import typology
    >>> S = pd.DataFrame({"L1": [9., 8, 7, 1, 0, 1], "L2": [9., 9, 8, 2, 2, 1]}, index=list("abcdef"))
    >>> ward_linkage(typology(S, k=2, n_boot=0, n_ref=2, k_range=(2, 3))).shape
    (5, 4)
    """
    return ty.linkage if ty.linkage is not None else linkage(ty.features.to_numpy(), method="ward")
