"""Typologies of units (类型划分): clusters of dimension scores, with profiles and zh/en labels.

``typology(result, year=2025)`` clusters the units of one year on their dimension scores
(L1–L5) and returns a :class:`TypologyResult`:

1. **Basis** (:data:`~toolkit.analysis.labels.BASES`): ``level`` (default) groups brains by how
   high they score in each dimension against the others; ``shape`` by what each is relatively
   good at — its z-scores minus its own mean z-score — whatever its overall level. The basis
   used is :attr:`TypologyResult.basis`; :func:`~toolkit.analysis.labels.basis_name` says it in
   words for a report.
2. **Features** (:func:`features`). By default the standing of the basis (z-scores per dimension,
   mean 0, population sd 1 over the units of the year, so each dimension counts equally
   whatever its spread); ``space="pca"`` uses the principal components of those, ``space="raw"``
   the scores as given (minus each unit's mean with ``basis="shape"``).
3. **Choice of k** over ``k_range`` (default 2…8) by silhouette, Calinski–Harabasz,
   Davies–Bouldin and the gap statistic, combined by majority vote with the silhouette as
   tie-break (:func:`toolkit.analysis.clustering.choose_k`, where the rule is spelt out).
4. **Partition** by k-means, Ward or a Gaussian mixture, numbered canonically: cluster 1 has
   the highest mean composite score (for a bare score table, the highest mean of its columns).
5. **Stability**: cluster-wise bootstrap Jaccard (Hennig 2007; ``fpc::clusterboot``,
   :mod:`toolkit.analysis.stability`); a cluster whose mean Jaccard is below 0.6 is flagged
   unstable. Hennig's reading: ≤ 0.5 the cluster is dissolved, 0.6–0.75 it shows a pattern but
   its members are doubtful, > 0.75 it is stable, > 0.85 highly stable.
6. **Profiles and labels** (:mod:`toolkit.analysis.labels`): each cluster is labelled by what
   distinguishes it — the dimensions where its mean standing is more than half a standard
   deviation from the mean, e.g. "数据资源强、价值释放弱 / data-rich, value release lagging" —
   and **each member gets a label that is true of it** (:attr:`TypologyResult.member_labels`,
   :meth:`TypologyResult.describe`): a member below the mean in a dimension its cluster's label
   calls strong is not described as strong there.

All options are grouped in :class:`TypologyOptions`; ``typology(result, year, method="ward",
k=4)`` sets them by keyword as well.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import linkage
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_samples

from ..errors import DataError, SpecError
from ..index.build import IndexResult
from ..methods.checks import as_matrix
from .clustering import GAP_MODES, METHODS, choose_k, cluster
from .labels import (
    BASES,
    DIMENSION_PHRASES,
    SPECIAL_LABELS,
    Z_THRESHOLD,
    as_phrases,
    basis_name,
    check_lang,
    member_labels,
    profile_label,
    profiles,
    standing,
)
from .stability import Stability, cluster_stability

__all__ = [
    "BASES", "DIMENSION_PHRASES", "SPECIAL_LABELS", "Z_THRESHOLD", "SPACES", "TypologyOptions",
    "TypologyResult", "features", "method_agreement", "profile_label", "profiles", "typology",
    "ward_linkage",
]

SPACES = ("z", "pca", "raw")


# ---------------------------------------------------------------------------- features
def features(scores, space: str = "z", n_components: int | None = None, basis: str = "level") -> pd.DataFrame:
    """The matrix that is clustered, units × features.

    Parameters
    ----------
    scores : DataFrame, units × dimensions (no missing values).
    space : {"z", "pca", "raw"}
        ``z``: the standing of ``basis`` (:func:`~toolkit.analysis.labels.standing`: z-scores,
        sd with divisor n as ``StandardScaler``; with ``shape`` minus each unit's mean z);
        ``pca``: principal-component scores of that standing, columns PC1…PCm;
        ``raw``: the scores unchanged (with ``shape``: minus each unit's mean score).
    n_components : int, optional
        Components kept with ``space="pca"``; default: those with eigenvalue ≥ 1 on the
        correlation matrix (Kaiser), at least 2.
    basis : {"level", "shape"}

    Returns
    -------
    DataFrame indexed like ``scores``.

    Examples
    --------
    >>> S = pd.DataFrame({"L1": [1.0, 2.0, 3.0], "L2": [3.0, 2.0, 4.0]}, index=list("abc"))
    >>> features(S, "raw", basis="shape").values.tolist()
    [[-1.0, 1.0], [0.0, 0.0], [-0.5, 0.5]]
    """
    S = as_matrix(scores, name="typology scores", min_rows=3)
    if space not in SPACES:
        raise SpecError(f"feature space {space!r} is unknown; use one of {list(SPACES)}")
    if basis not in BASES:
        raise SpecError(f"typology basis {basis!r} is unknown; use one of {list(BASES)}")
    if space == "raw":
        return S if basis == "level" else S.sub(S.mean(axis=1), axis=0)
    Z = standing(S, basis)
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


# ---------------------------------------------------------------------------- options
@dataclass(frozen=True)
class TypologyOptions:
    """Every choice of a typology, with its default (one object instead of fifteen arguments).

    Attributes
    ----------
    method : {"kmeans", "ward", "gmm"}
    k : int, optional; None uses the k recommended by the vote of
        :func:`~toolkit.analysis.clustering.choose_k` (the criteria are computed either way).
    k_range : (k_min, k_max), inclusive, default (2, 8).
    basis : {"level", "shape"}, what the types describe (module docstring).
    space, n_components : the feature space (:func:`features`); default the basis' z-scores.
    n_boot : int, bootstrap replicates for stability (0 skips it).
    n_ref : int, gap reference sets B; reference : {"pca", "uniform"} their distribution.
    gap : {"decide", "full"}, compute the gap statistic only as far as its vote needs (the
        same decision, cheaper), or for every k (for a full table).
    threshold : float, |z| of a strong/weak dimension in the labels (default 0.5).
    unstable_below : float, mean Jaccard under which a cluster is flagged unstable (default 0.6).
    phrases, max_terms : label vocabulary and length (:func:`~toolkit.analysis.labels.profile_label`).

    Examples
    --------
    >>> opts = TypologyOptions(method="ward", k=3)
    >>> opts.replace(basis="shape").basis, opts.k_range
    ('shape', (2, 8))
    >>> TypologyOptions(method="dbscan")
    Traceback (most recent call last):
    ...
    toolkit.errors.SpecError: clustering method 'dbscan' is unknown; use one of ['kmeans', 'ward', 'gmm']
    """

    method: str = "kmeans"
    k: int | None = None
    k_range: tuple = (2, 8)
    basis: str = "level"
    space: str = "z"
    n_components: int | None = None
    n_boot: int = 100
    n_ref: int = 50
    reference: str = "pca"
    gap: str = "decide"
    threshold: float = Z_THRESHOLD
    unstable_below: float = 0.6
    phrases: Mapping | None = None
    max_terms: int = 3

    def __post_init__(self):
        for name, allowed in (("method", METHODS), ("basis", BASES), ("space", SPACES),
                              ("reference", ("pca", "uniform")), ("gap", GAP_MODES)):
            value = getattr(self, name)
            if value not in allowed:
                what = {"method": "clustering method", "basis": "typology basis", "space": "feature space",
                        "reference": "gap reference", "gap": "gap mode"}[name]
                raise SpecError(f"{what} {value!r} is unknown; use one of {list(allowed)}")
        for name in ("n_boot", "n_ref", "max_terms"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise SpecError(f"typology: {name} must be a non-negative integer, got {value!r}")
        object.__setattr__(self, "k_range", tuple(self.k_range))
        as_phrases(self.phrases)

    def replace(self, **changes) -> TypologyOptions:
        """A copy with ``changes`` applied (unknown names raise :class:`~toolkit.errors.SpecError`)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise SpecError(f"typology: unknown option(s) {unknown}; known: {sorted(known)}")
        return replace(self, **changes)


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


# ---------------------------------------------------------------------------- the one call
def typology(result_or_scores, year: int | None = None, options: TypologyOptions | None = None, *,
             seed: int = 0, random_state: int | None = None, **overrides) -> TypologyResult:
    """Cluster the units of one year on their dimension scores and describe the types.

    Parameters
    ----------
    result_or_scores : IndexResult or DataFrame
        An index (its ``dimension_scores`` and ``composite`` are used) or a score table, units ×
        dimensions, indexed by unit id or by (unit_id, year).
    year : int, optional; required when the scores hold more than one year.
    options : TypologyOptions, optional; every choice (method, k, basis, …) with its default.
    seed : int, default 0; seeds k-means/GMM, the gap reference sets and the bootstrap.
    random_state : int, optional; the former name of ``seed`` (deprecated).
    **overrides
        Any field of :class:`TypologyOptions` by keyword, applied over ``options``:
        ``typology(result, 2025, method="ward", k=4, basis="shape")``.

    Returns
    -------
    TypologyResult

    Examples
    --------
    >>> S = pd.DataFrame({"L1": [9., 8, 7, 1, 0, 1], "L2": [9., 9, 3, 2, 2, 1]}, index=list("abcdef"))
    >>> ty = typology(S, k=2, n_boot=0, n_ref=2, k_range=(2, 3))
    >>> ty.assignments.tolist(), ty.basis, ty.labels.loc[1, "en"]
    ([1, 1, 1, 2, 2, 2], 'level', 'all-round leader')
    >>> typology(S, k=2, n_boot=0, n_ref=2, k_range=(2, 3), basis="shape").labels["en"].tolist()
    ['relatively strong in industry base, relatively weak in data resources', 'balanced profile']
    """
    if random_state is not None:
        warnings.warn("typology(random_state=) is deprecated; pass seed=", DeprecationWarning, stacklevel=2)
        seed = random_state
    opts = (options or TypologyOptions()).replace(**overrides) if overrides else (options or TypologyOptions())
    scores, overall, units, year = _scores_of(result_or_scores, year)
    scores = as_matrix(scores, name="typology scores", min_rows=4)
    X = features(scores, opts.space, opts.n_components, opts.basis)
    choice = choose_k(X, opts.k_range, opts.method, seed, opts.n_ref, opts.reference, opts.gap)
    k_used = choice.k if opts.k is None else opts.k
    order = scores.mean(axis=1) if overall is None else overall.reindex(scores.index)
    assignments = cluster(X, k_used, opts.method, seed, order_by=order)
    if opts.n_boot:
        stab = cluster_stability(X, assignments, opts.method, opts.n_boot, seed, opts.unstable_below)
    else:
        stab = Stability(clusters=pd.DataFrame(), replicates=pd.DataFrame())
    prof = profiles(scores, assignments, order, opts.threshold, opts.phrases, opts.max_terms, opts.basis)
    members = member_labels(scores, assignments, prof, opts.phrases, opts.max_terms, opts.basis)
    evidence = {**choice.evidence, "k_given": opts.k is not None, "basis": opts.basis,
                **_notes(choice.k, choice.evidence, float(choice.table.at[choice.k, "silhouette"]))}
    sil = pd.Series(silhouette_samples(X.to_numpy(), assignments.to_numpy()), index=X.index, name="silhouette")
    overall_mean = pd.concat([scores.mean(), pd.Series({"composite": float(order.mean())})])
    params = {"year": year, "seed": seed, **{k: v for k, v in asdict(opts).items() if k != "phrases"}}
    return TypologyResult(
        assignments=assignments, k=int(assignments.nunique()), recommended_k=choice.k, evidence=evidence,
        k_table=choice.table, profiles=prof,
        labels=prof[["label_zh", "label_en"]].rename(columns={"label_zh": "zh", "label_en": "en"}),
        member_labels=members, stability=stab.clusters, bootstrap=stab.replicates, silhouette=sil,
        linkage=linkage(X.to_numpy(), method="ward") if opts.method == "ward" else None,
        scores=scores, features=X, standing=standing(scores, opts.basis), overall=overall_mean, units=units,
        basis=opts.basis, options=opts, params=params,
    )


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
    >>> S = pd.DataFrame({"L1": [9., 8, 7, 1, 0, 1], "L2": [9., 9, 8, 2, 2, 1]}, index=list("abcdef"))
    >>> ward_linkage(typology(S, k=2, n_boot=0, n_ref=2, k_range=(2, 3))).shape
    (5, 4)
    """
    return ty.linkage if ty.linkage is not None else linkage(ty.features.to_numpy(), method="ward")
