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

All options are grouped in :class:`~toolkit.analysis.typology_options.TypologyOptions`;
``typology(result, year, method="ward", k=4)`` sets them by keyword as well. This module is the
clustering (features, then the one call); what a typology found and how to read it — the result,
each unit's description, the choice of k in words, the other methods' partitions — is
:mod:`toolkit.analysis.typology_result`. The options, the result, :func:`method_agreement` and
:func:`ward_linkage` are importable from here too.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import linkage
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_samples

from ..errors import DataError, SpecError
from ..index.build import IndexResult
from ..methods.checks import as_matrix
from .clustering import choose_k, cluster
from .labels import (
    BASES,
    DIMENSION_PHRASES,
    SPECIAL_LABELS,
    Z_THRESHOLD,
    member_labels,
    profile_label,
    profiles,
    standing,
)
from .stability import Stability, cluster_stability
from .typology_options import SPACES, TypologyOptions
from .typology_result import TypologyResult, k_choice_note, method_agreement, ward_linkage

__all__ = [
    "BASES", "DIMENSION_PHRASES", "SPECIAL_LABELS", "Z_THRESHOLD", "SPACES", "TypologyOptions",
    "TypologyResult", "features", "method_agreement", "profile_label", "profiles", "typology",
    "ward_linkage",
]


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
                **k_choice_note(choice.k, choice.evidence, float(choice.table.at[choice.k, "silhouette"]))}
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


