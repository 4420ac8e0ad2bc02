"""Bootstrap stability of a partition: cluster-wise Jaccard (Hennig 2007) and the adjusted Rand index.

:func:`cluster_stability` follows Hennig (2007), *CSDA* 52(1):258–271, as
``fpc::clusterboot(bootmethod="boot")``: each replicate reclusters a bootstrap sample with the
same method and k (:func:`toolkit.analysis.clustering.fit_labels`) and scores each original
cluster by its best Jaccard with a bootstrap cluster; :func:`jaccard_verdict` reads the mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from ..errors import DataError, SpecError
from ..methods.checks import as_matrix
from .clustering import METHODS, RESTARTS, fit_labels, one_thread

__all__ = ["Stability", "cluster_stability", "jaccard_verdict"]


def jaccard_verdict(mean_jaccard: float) -> str:
    """Hennig's (2007) reading: ≤ 0.5 dissolved, < 0.6 unstable, ≤ 0.75 pattern (points
    doubtful), ≤ 0.85 stable, above that highly stable.

    Examples
    --------
    >>> jaccard_verdict(0.5), jaccard_verdict(0.8), jaccard_verdict(0.9)
    ('dissolved', 'stable', 'highly stable')
    """
    if mean_jaccard <= 0.5:
        return "dissolved"
    if mean_jaccard < 0.6:
        return "unstable"
    if mean_jaccard <= 0.75:
        return "pattern"
    return "stable" if mean_jaccard <= 0.85 else "highly stable"


@dataclass(frozen=True, eq=False)
class Stability:
    """Result of :func:`cluster_stability`.

    Attributes
    ----------
    clusters : DataFrame, one row per cluster: size, jaccard_mean, jaccard_median, jaccard_sd,
        dissolved (replicates with Jaccard ≤ 0.5), recovered (replicates with Jaccard > 0.75),
        verdict, unstable (mean Jaccard < ``unstable_below``).
    replicates : DataFrame, one row per bootstrap replicate: n_units (distinct units drawn),
        ari (adjusted Rand index with the original partition on those units) and the Jaccard of
        each cluster (columns ``jaccard_<cluster>``).
    """

    clusters: pd.DataFrame
    replicates: pd.DataFrame

    @property
    def ari_mean(self) -> float:
        """Mean adjusted Rand index over the replicates."""
        return float(self.replicates["ari"].mean())


@one_thread
def cluster_stability(X, labels, method: str = "kmeans", n_boot: int = 100, seed: int = 0,
                      unstable_below: float = 0.6) -> Stability:
    """Cluster-wise bootstrap Jaccard stability (Hennig 2007; ``fpc::clusterboot``).

    Each replicate draws n units with replacement and keeps the distinct ones (fpc's default
    ``multipleboot=FALSE``), reclusters them with the same method and k, and scores each
    original cluster C by max_B |C ∩ B| / |C ∪ B| over the bootstrap clusters B, with C
    restricted to the drawn units (0 when C has no drawn unit, as fpc). The replicate's adjusted
    Rand index compares the two partitions on the drawn units.

    Parameters
    ----------
    X : DataFrame, units × features (the space the partition was made in).
    labels : Series indexed like ``X`` (or array in row order): the original partition.
    method : {"kmeans", "ward", "gmm"}, the method that made ``labels``.
    n_boot : int, number of replicates B (Hennig uses 100).
    seed : int, default 0; seeds the resamples and the refits.
    unstable_below : float, mean Jaccard under which a cluster is flagged unstable (0.6).

    Returns
    -------
    Stability

    Examples
    --------
    Two groups far apart are recovered whenever a resample holds members of both:

    >>> X = pd.DataFrame([[0.0, 0.0], [0.1, 0.2], [0.2, 0.1], [9.0, 9.0], [9.1, 9.2], [9.2, 9.1]])
    >>> st = cluster_stability(X, pd.Series([1, 1, 1, 2, 2, 2]), method="ward", n_boot=10)
    >>> st.clusters["verdict"].tolist(), len(st.replicates)
    (['highly stable', 'highly stable'], 10)
    """
    X = as_matrix(X, name="cluster_stability", min_rows=4)
    labels = pd.Series(labels.reindex(X.index) if isinstance(labels, pd.Series) else
                       np.asarray(labels), index=X.index)
    if labels.isna().any():
        raise DataError(f"cluster_stability: no cluster label for unit {labels.index[labels.isna()][0]!r}")
    if method not in METHODS:
        raise SpecError(f"clustering method {method!r} is unknown; use one of {list(METHODS)}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise DataError(f"cluster_stability: n_boot must be a positive integer, got {n_boot!r}")
    clusters = np.sort(labels.unique())
    k, n, data, lab = len(clusters), len(X), X.to_numpy(), labels.to_numpy()
    if k < 2:
        raise DataError("cluster_stability: the partition has a single cluster")
    rng = np.random.default_rng(seed)
    rows, J = [], np.zeros((n_boot, k))
    for b in range(n_boot):
        idx = np.unique(rng.integers(0, n, size=n))
        fit_seed = int(rng.integers(2**31 - 1))
        if len(idx) <= k:
            raise DataError(f"cluster_stability: a resample has {len(idx)} distinct units for k = {k}")
        boot = fit_labels(data[idx], k, method, fit_seed, RESTARTS[method][1])
        orig = lab[idx]
        A = (orig[:, None] == clusters[None, :]).astype(float)           # units × original
        B = (boot[:, None] == np.unique(boot)[None, :]).astype(float)    # units × bootstrap
        inter = A.T @ B
        union = A.sum(0)[:, None] + B.sum(0)[None, :] - inter
        J[b] = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0).max(axis=1)
        rows.append({"replicate": b + 1, "n_units": len(idx), "ari": adjusted_rand_score(orig, boot)})
    replicates = pd.DataFrame(rows, columns=["replicate", "n_units", "ari"]).set_index("replicate")
    for j, c in enumerate(clusters):
        replicates[f"jaccard_{c}"] = J[:, j]
    sizes = labels.value_counts()
    mean = J.mean(axis=0)
    table = pd.DataFrame({
        "size": [int(sizes[c]) for c in clusters],
        "jaccard_mean": mean,
        "jaccard_median": np.median(J, axis=0),
        "jaccard_sd": J.std(axis=0, ddof=1) if n_boot > 1 else np.full(k, np.nan),
        "dissolved": (J <= 0.5).sum(axis=0),
        "recovered": (J > 0.75).sum(axis=0),
        "verdict": [jaccard_verdict(m) for m in mean],
        "unstable": mean < unstable_below,
    }, index=pd.Index(clusters, name="cluster"))
    return Stability(clusters=table, replicates=replicates)
