"""The clustering engine behind :func:`toolkit.analysis.typology.typology`: partitions, choice of k and
bootstrap stability.

* :func:`cluster` — k-means (scikit-learn, fixed restarts), Ward hierarchical (scipy) or a
  Gaussian mixture (scikit-learn, diagonal covariances), with cluster numbers made canonical:
  cluster 1 has the highest mean score, so the numbering never depends on the algorithm's
  internal label permutation.
* :func:`gap_statistic` — Tibshirani, Walther & Hastie (2001), *JRSS B* 63(2):411–423.
* :func:`choose_k` — silhouette, Calinski–Harabasz, Davies–Bouldin and the gap statistic for
  every k in a range, and one recommended k by a documented vote.
* :func:`cluster_stability` — cluster-wise Jaccard bootstrap of Hennig (2007), *CSDA*
  52(1):258–271, as ``fpc::clusterboot(bootmethod="boot")``, plus the adjusted Rand index.

Inputs are units × features (rows labelled by unit id); everything random is seeded by
``random_state`` (default 0), so the same call gives identical numbers.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import KMeans
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.mixture import GaussianMixture
from threadpoolctl import ThreadpoolController

from ..errors import DataError
from ..methods.checks import as_matrix

__all__ = [
    "METHODS", "CRITERIA", "KChoice", "Stability", "cluster", "fit_labels", "canonical_labels",
    "within_ss", "gap_statistic", "choose_k", "cluster_stability", "jaccard_verdict",
]

METHODS = ("kmeans", "ward", "gmm")
CRITERIA = ("silhouette", "calinski_harabasz", "davies_bouldin", "gap")
#: Restarts (k-means / GMM ``n_init``): (reported partitions, gap statistic and bootstrap). The
#: reported partitions use more restarts so that they are the same optimum whatever the seed;
#: the gap statistic (data and every reference set alike, so that W_k is compared like for
#: like) and the bootstrap replicates use fewer, for speed (fpc's clusterboot uses one run).
RESTARTS = {"kmeans": (25, 10), "gmm": (5, 2), "ward": (1, 1)}

_CONTROLLER: list = []  # the ThreadpoolController, created on first use (it scans the libraries)
_DEPTH = threading.local()


def _one_thread(func):
    """Run ``func`` with BLAS/OpenMP limited to one thread: the data here are tens of units,
    where thread start-up costs far more than it saves (k-means runs several times faster on a
    busy machine). Only the outermost call sets the limit; it is lifted on return."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        depth = getattr(_DEPTH, "n", 0)
        if depth:
            return func(*args, **kwargs)
        if not _CONTROLLER:
            _CONTROLLER.append(ThreadpoolController())
        _DEPTH.n = 1
        try:
            with _CONTROLLER[0].limit(limits=1):
                return func(*args, **kwargs)
        finally:
            _DEPTH.n = 0
    return wrapper


# ---------------------------------------------------------------------------- partitions
def _check_method(method: str) -> None:
    if method not in METHODS:
        raise DataError(f"clustering method {method!r} is unknown; use one of {list(METHODS)}")


@_one_thread
def fit_labels(X, k: int, method: str = "kmeans", random_state: int = 0,
               n_init: int | None = None) -> np.ndarray:
    """Labels 0…k−1 of ``X`` (array, units × features) in the algorithm's own numbering.

    k-means: ``KMeans(n_init=25)`` (10 in the gap statistic and the bootstrap); Ward: scipy's
    ``linkage(X, "ward")`` cut into exactly k groups; GMM: ``GaussianMixture(n_init=5,
    covariance_type="diag")`` (2 in the gap statistic and the bootstrap) — diagonal because ~50
    units cannot support k full 5 × 5 covariance matrices. ``n_init`` overrides the number of
    restarts (:data:`RESTARTS`).
    """
    _check_method(method)
    X = np.asarray(X, dtype=float)
    n_init = RESTARTS[method][0] if n_init is None else int(n_init)
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit_predict(X)
    if method == "ward":
        return _cut(linkage(X, method="ward"), k)
    gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=n_init,
                         random_state=random_state)
    return gm.fit(X).predict(X)


def _cut(Z: np.ndarray, k: int) -> np.ndarray:
    """Cut a scipy linkage into exactly k clusters: replay its first n − k merges."""
    n = len(Z) + 1
    root = np.arange(2 * n - 1)
    for i in range(n - k):
        root[int(Z[i, 0])] = root[int(Z[i, 1])] = n + i
    for node in range(2 * n - 2, -1, -1):  # parents have larger ids: resolve top-down
        root[node] = root[root[node]]
    return np.unique(root[:n], return_inverse=True)[1]


def canonical_labels(labels, order_by) -> np.ndarray:
    """Renumber clusters 1…k by descending mean of ``order_by`` (ties: first unit first)."""
    labels = np.asarray(labels)
    score = np.asarray(order_by, dtype=float)
    keys = []
    for c in pd.unique(labels):
        members = np.flatnonzero(labels == c)
        keys.append((-float(score[members].mean()), int(members[0]), c))
    mapping = {c: i + 1 for i, (_, _, c) in enumerate(sorted(keys, key=lambda t: t[:2]))}
    return np.array([mapping[c] for c in labels], dtype=int)


@_one_thread
def cluster(X, k: int, method: str = "kmeans", random_state: int = 0, order_by=None) -> pd.Series:
    """Partition the units of ``X`` into ``k`` clusters numbered canonically.

    Parameters
    ----------
    X : DataFrame, units × features (no missing values).
    k : int, 2 ≤ k ≤ n − 1.
    method : {"kmeans", "ward", "gmm"}
    random_state : int, default 0
    order_by : Series or array, optional
        The score that orders the clusters (cluster 1 = highest mean). Default: the row mean of
        ``X``.

    Returns
    -------
    Series of ints 1…k indexed like ``X``, named ``cluster``.
    """
    X = as_matrix(X, name="cluster", min_rows=3)
    _check_k(k, len(X))
    raw = fit_labels(X.to_numpy(), k, method, random_state)
    if len(np.unique(raw)) < 2:
        raise DataError(f"cluster: {method} put every unit in one cluster for k = {k}")
    score = X.mean(axis=1) if order_by is None else pd.Series(order_by, index=X.index)
    if score.isna().any():
        raise DataError(f"cluster: no ordering score for unit {score.index[score.isna()][0]!r}")
    return pd.Series(canonical_labels(raw, score.to_numpy()), index=X.index, name="cluster")


def _check_k(k, n: int) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k <= n - 1:
        raise DataError(f"number of clusters k={k!r} must be an integer in 2…{n - 1} (n = {n} units)")


def within_ss(X, labels) -> float:
    """Pooled within-cluster sum of squares W_k = Σ_r D_r / (2 n_r) of Tibshirani et al."""
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels)
    return float(sum(((X[labels == c] - X[labels == c].mean(axis=0)) ** 2).sum()
                     for c in np.unique(labels)))


# ---------------------------------------------------------------------------- choice of k
def _reference_sets(X: np.ndarray, n_ref: int, reference: str, rng) -> list[np.ndarray]:
    """Uniform reference data: over the features' bounding box ("uniform", Tibshirani's (a)) or
    over the box of the principal axes, rotated back ("pca", their (b))."""
    if reference == "uniform":
        lo, hi = X.min(axis=0), X.max(axis=0)
        return [rng.uniform(lo, hi, size=X.shape) for _ in range(n_ref)]
    if reference == "pca":
        mean = X.mean(axis=0)
        _, _, vt = np.linalg.svd(X - mean, full_matrices=False)
        P = (X - mean) @ vt.T
        lo, hi = P.min(axis=0), P.max(axis=0)
        return [rng.uniform(lo, hi, size=(X.shape[0], len(lo))) @ vt + mean for _ in range(n_ref)]
    raise DataError(f"gap reference {reference!r} is unknown; use 'pca' or 'uniform'")


@_one_thread
def gap_statistic(X, ks, method: str = "kmeans", n_ref: int = 50, reference: str = "pca",
                  random_state: int = 0) -> pd.DataFrame:
    """Gap statistic of Tibshirani, Walther & Hastie (2001) for each k in ``ks``.

    gap(k) = mean_b log W*_kb − log W_k, with W the pooled within-cluster sum of squares of the
    same clustering procedure on ``X`` and on ``n_ref`` uniform reference sets (drawn once, shared
    by every k); sd_k is the standard deviation of log W*_kb (divisor B, as in the paper) and
    s_k = sd_k √(1 + 1/B). ``gap_rule`` is the paper's criterion gap(k) ≥ gap(k+1) − s_{k+1}
    (NaN for the last k). k = 1 is allowed (W_1 = total sum of squares).

    Returns
    -------
    DataFrame indexed by k: log_W, log_W_ref, sd_ref, s_k, gap, gap_rule.
    """
    X = as_matrix(X, name="gap_statistic", min_rows=3).to_numpy()
    _check_method(method)
    if int(n_ref) < 2:
        raise DataError(f"gap_statistic: n_ref must be at least 2, got {n_ref}")
    ks = sorted(int(k) for k in ks)
    if not ks or ks[0] < 1 or ks[-1] > len(X) - 1:
        raise DataError(f"gap_statistic: every k must lie in 1…{len(X) - 1}, got {ks}")
    rng = np.random.default_rng(random_state)
    refs = _reference_sets(X, int(n_ref), reference, rng)

    def log_w(data, k):
        labels = np.zeros(len(data), int) if k == 1 else \
            fit_labels(data, k, method, random_state, RESTARTS[method][1])
        return np.log(within_ss(data, labels))

    rows = []
    for k in ks:
        ref = np.array([log_w(R, k) for R in refs])
        lw = log_w(X, k)
        sd = float(ref.std())
        rows.append({"k": k, "log_W": lw, "log_W_ref": float(ref.mean()), "sd_ref": sd,
                     "s_k": sd * np.sqrt(1 + 1 / len(refs)), "gap": float(ref.mean()) - lw})
    out = pd.DataFrame(rows).set_index("k")
    nxt = out.reindex(out.index + 1)
    rule = out["gap"].to_numpy() >= nxt["gap"].to_numpy() - nxt["s_k"].to_numpy()
    out["gap_rule"] = pd.Series(rule, index=out.index, dtype=object).where(nxt["gap"].notna().to_numpy())
    return out


@dataclass(frozen=True, eq=False)
class KChoice:
    """Result of :func:`choose_k`: ``table`` (criteria per k), ``k`` and the ``evidence``."""

    table: pd.DataFrame
    k: int
    evidence: dict


@_one_thread
def choose_k(X, k_range=(2, 8), method: str = "kmeans", random_state: int = 0, n_ref: int = 50,
             reference: str = "pca") -> KChoice:
    """Criteria for each k in ``k_range`` (inclusive) and one recommended k.

    Each criterion votes for one k: silhouette (max), Calinski–Harabasz (max), Davies–Bouldin
    (min) — a tie within a criterion going to the smaller k — and the gap statistic (the
    smallest k in the range with gap(k) ≥ gap(k+1) − s_{k+1}; the largest k if none; the gap
    is computed for 1…k_max + 1). **Decision rule: the k with most votes; a tie is broken by
    the higher mean silhouette, then the smaller k.** ``evidence`` lists each criterion's choice,
    the votes, the criteria that agree with the result, whether a tie-break was needed, and
    ``gap_rule_at_1``: True when the gap rule already holds at k = 1, i.e. the gap statistic
    finds no cluster structure at all (the typology is then a segmentation, not natural groups).
    ``silhouette_reading`` grades the mean silhouette of the recommended k after Kaufman &
    Rousseeuw (1990): > 0.70 strong, > 0.50 reasonable, > 0.25 weak (could be artificial), else
    no substantial structure.

    ``table`` (index k): n_clusters, silhouette, calinski_harabasz, davies_bouldin and
    within_ss of the partition :func:`cluster` would report, then log_W, log_W_ref, sd_ref,
    s_k, gap and gap_rule from :func:`gap_statistic` (whose fits use fewer restarts, so its
    log_W may differ slightly from log(within_ss)).
    """
    X = as_matrix(X, name="choose_k", min_rows=4)
    lo, hi = _k_range(k_range, len(X))
    data = X.to_numpy()
    gap_ks = range(1, min(hi + 1, len(X) - 1) + 1)
    gap = gap_statistic(data, gap_ks, method, n_ref, reference, random_state)
    rows = []
    for k in range(lo, hi + 1):
        labels = fit_labels(data, k, method, random_state)
        ok = len(np.unique(labels)) >= 2
        rows.append({"k": k, "n_clusters": len(np.unique(labels)),
                     "silhouette": silhouette_score(data, labels) if ok else np.nan,
                     "calinski_harabasz": calinski_harabasz_score(data, labels) if ok else np.nan,
                     "davies_bouldin": davies_bouldin_score(data, labels) if ok else np.nan,
                     "within_ss": within_ss(data, labels)})
    table = pd.DataFrame(rows).set_index("k").join(gap)
    choices = {
        "silhouette": int(table["silhouette"].idxmax()),
        "calinski_harabasz": int(table["calinski_harabasz"].idxmax()),
        "davies_bouldin": int(table["davies_bouldin"].idxmin()),
    }
    holds = [k for k in table.index if table.at[k, "gap_rule"] is True]
    choices["gap"] = int(holds[0]) if holds else hi
    votes = pd.Series(list(choices.values())).value_counts()
    tied = sorted(int(k) for k in votes.index[votes == votes.max()])
    best = max(tied, key=lambda k: (table.at[k, "silhouette"], -k))
    evidence = {
        "rule": "majority vote of silhouette (max), Calinski-Harabasz (max), Davies-Bouldin (min) "
                "and the gap rule (smallest k with gap(k) >= gap(k+1) - s_(k+1)); ties broken by "
                "the higher silhouette, then the smaller k",
        "choices": choices,
        "votes": {int(k): int(v) for k, v in votes.sort_index().items()},
        "agree": [c for c, k in choices.items() if k == best],
        "tie_break": len(tied) > 1,
        "gap_satisfied_in_range": bool(holds),
        "gap_rule_at_1": bool(gap.at[1, "gap_rule"]) if 2 in gap.index else None,
        "silhouette_reading": _silhouette_reading(table.at[best, "silhouette"]),
    }
    return KChoice(table=table, k=best, evidence=evidence)


def _silhouette_reading(s: float) -> str:
    return ("strong" if s > 0.70 else "reasonable" if s > 0.50 else "weak" if s > 0.25
            else "no substantial structure")


def _k_range(k_range, n: int) -> tuple[int, int]:
    try:
        lo, hi = (int(v) for v in k_range)
    except (TypeError, ValueError) as exc:
        raise DataError(f"k_range must be a pair (k_min, k_max), got {k_range!r}") from exc
    if not 2 <= lo <= hi <= n - 1:
        raise DataError(f"k_range {tuple(k_range)} must satisfy 2 ≤ k_min ≤ k_max ≤ n − 1 = {n - 1}")
    return lo, hi


# ---------------------------------------------------------------------------- stability
def jaccard_verdict(mean_jaccard: float) -> str:
    """Hennig's (2007) reading: ≤ 0.5 dissolved, < 0.6 unstable, ≤ 0.75 pattern (points
    doubtful), ≤ 0.85 stable, above that highly stable."""
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


@_one_thread
def cluster_stability(X, labels, method: str = "kmeans", n_boot: int = 100, random_state: int = 0,
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
    random_state : int, default 0
    unstable_below : float, mean Jaccard under which a cluster is flagged unstable (0.6).
    """
    X = as_matrix(X, name="cluster_stability", min_rows=4)
    labels = pd.Series(labels.reindex(X.index) if isinstance(labels, pd.Series) else
                       np.asarray(labels), index=X.index)
    if labels.isna().any():
        raise DataError(f"cluster_stability: no cluster label for unit {labels.index[labels.isna()][0]!r}")
    _check_method(method)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise DataError(f"cluster_stability: n_boot must be a positive integer, got {n_boot!r}")
    clusters = np.sort(labels.unique())
    k, n, data, lab = len(clusters), len(X), X.to_numpy(), labels.to_numpy()
    if k < 2:
        raise DataError("cluster_stability: the partition has a single cluster")
    rng = np.random.default_rng(random_state)
    rows, J = [], np.zeros((n_boot, k))
    for b in range(n_boot):
        idx = np.unique(rng.integers(0, n, size=n))
        seed = int(rng.integers(2**31 - 1))
        if len(idx) <= k:
            raise DataError(f"cluster_stability: a resample has {len(idx)} distinct units for k = {k}")
        boot = fit_labels(data[idx], k, method, seed, RESTARTS[method][1])
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
