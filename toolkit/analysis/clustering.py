"""The clustering engine behind :func:`toolkit.analysis.typology.typology`: partitions, choice of k and
bootstrap stability.

* :func:`cluster` — k-means (scikit-learn, fixed restarts), Ward hierarchical (scipy) or a
  Gaussian mixture (scikit-learn, diagonal covariances), with cluster numbers made canonical:
  cluster 1 has the highest mean score, so the numbering never depends on the algorithm's
  internal label permutation.
* :func:`gap_statistic` — Tibshirani, Walther & Hastie (2001), *JRSS B* 63(2):411–423.
* :func:`choose_k` — silhouette, Calinski–Harabasz, Davies–Bouldin and the gap statistic for
  every k in a range, and one recommended k by a documented vote.
* the bootstrap stability of a partition is in :mod:`toolkit.analysis.stability`.

Inputs are units × features (rows labelled by unit id); everything random is seeded by
``seed`` (default 0; passed to scikit-learn as ``random_state``), so the same call gives
identical numbers.

Speed: the gap statistic dominates (k-means on every reference set for every k). With
``gap="decide"`` (the default of :func:`choose_k`) it is computed for k = 1, 2, … only until
its decision is known; the values it does compute are the same numbers as with ``gap="full"``,
because the reference sets are drawn once up front and every fit has its own fixed seed. Gap
tables are also memoised by a hash of the data and the arguments (:func:`clear_cache`). Each
k-means fit is :func:`toolkit.analysis.kmeans.kmeans_labels`: scikit-learn's ``KMeans`` algorithm
run in numpy without its per-fit overhead, giving the labels ``KMeans`` gives.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sklearn
from scipy.cluster.hierarchy import linkage
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.mixture import GaussianMixture
from threadpoolctl import ThreadpoolController

from ..errors import DataError, SpecError
from ..methods.checks import as_matrix
from .kmeans import kmeans_labels

__all__ = [
    "METHODS", "CRITERIA", "KChoice", "cluster", "fit_labels", "canonical_labels",
    "within_ss", "gap_statistic", "choose_k", "GAP_MODES", "clear_cache", "reference_sets",
    "one_thread",
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


def one_thread(func):
    """Decorator: run ``func`` with BLAS/OpenMP limited to one thread: the data here are tens of units,
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
        raise SpecError(f"clustering method {method!r} is unknown; use one of {list(METHODS)}")


@one_thread
def fit_labels(X, k: int, method: str = "kmeans", seed: int = 0,
               n_init: int | None = None) -> np.ndarray:
    """Labels 0…k−1 of ``X`` (array, units × features) in the algorithm's own numbering.

    k-means: ``KMeans(n_init=25)`` (10 in the gap statistic and the bootstrap), through
    :func:`~toolkit.analysis.kmeans.kmeans_labels` (the same labels, faster); Ward: scipy's
    ``linkage(X, "ward")`` cut into exactly k groups; GMM: ``GaussianMixture(n_init=5,
    covariance_type="diag")`` (2 in the gap statistic and the bootstrap) — diagonal because ~50
    units cannot support k full 5 × 5 covariance matrices. ``n_init`` overrides the number of
    restarts (:data:`RESTARTS`).
    """
    _check_method(method)
    X = np.asarray(X, dtype=float)
    n_init = RESTARTS[method][0] if n_init is None else int(n_init)
    # the inputs are checked at the edge (as_matrix); scikit-learn need not check them again
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        if method == "kmeans":  # KMeans(n_clusters=k, n_init=n_init, random_state=seed), the same labels
            return kmeans_labels(X, k, n_init, seed)
        if method == "ward":
            return _cut(linkage(X, method="ward"), k)
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=n_init, random_state=seed)
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


@one_thread
def cluster(X, k: int, method: str = "kmeans", seed: int = 0, order_by=None) -> pd.Series:
    """Partition the units of ``X`` into ``k`` clusters numbered canonically.

    Parameters
    ----------
    X : DataFrame, units × features (no missing values).
    k : int, 2 ≤ k ≤ n − 1.
    method : {"kmeans", "ward", "gmm"}
    seed : int, default 0
    order_by : Series or array, optional
        The score that orders the clusters (cluster 1 = highest mean). Default: the row mean of
        ``X``.

    Returns
    -------
    Series of ints 1…k indexed like ``X``, named ``cluster``.
    """
    X = as_matrix(X, name="cluster", min_rows=3)
    _check_k(k, len(X))
    raw = fit_labels(X.to_numpy(), k, method, seed)
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
GAP_MODES = ("decide", "full")
_GAP_CACHE: OrderedDict = OrderedDict()
_GAP_CACHE_SIZE = 32


def clear_cache() -> None:
    """Forget the memoised gap tables (:func:`gap_statistic` keeps the last 32).

    Examples
    --------
    >>> clear_cache()
    """
    _GAP_CACHE.clear()


def reference_sets(X: np.ndarray, n_ref: int, reference: str, rng) -> list[np.ndarray]:
    """The gap statistic's uniform reference data sets, shaped like ``X``.

    Parameters
    ----------
    X : ndarray, units × features.
    n_ref : int, how many sets.
    reference : "uniform" or "pca"
        ``uniform``: over the features' bounding box (Tibshirani et al.'s (a)); ``pca``: over the
        box of the principal axes, rotated back (their (b)).
    rng : numpy Generator; the sets are drawn from it in order.

    Returns
    -------
    list of ndarray

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 1.0]])
    >>> R = reference_sets(X, 3, "uniform", np.random.default_rng(0))
    >>> len(R), R[0].shape, bool(all((r >= 0).all() and (r <= 2).all() for r in R))
    (3, (3, 2), True)
    """
    if reference == "uniform":
        lo, hi = X.min(axis=0), X.max(axis=0)
        return [rng.uniform(lo, hi, size=X.shape) for _ in range(n_ref)]
    if reference == "pca":
        mean = X.mean(axis=0)
        _, _, vt = np.linalg.svd(X - mean, full_matrices=False)
        P = (X - mean) @ vt.T
        lo, hi = P.min(axis=0), P.max(axis=0)
        return [rng.uniform(lo, hi, size=(X.shape[0], len(lo))) @ vt + mean for _ in range(n_ref)]
    raise SpecError(f"gap reference {reference!r} is unknown; use 'pca' or 'uniform'")


def _gap_key(X: np.ndarray, *args) -> tuple:
    return (hashlib.sha256(np.ascontiguousarray(X).tobytes()).hexdigest(), X.shape, *args)


def _gap_rule(out: pd.DataFrame) -> pd.Series:
    nxt = out.reindex(out.index + 1)
    rule = out["gap"].to_numpy() >= nxt["gap"].to_numpy() - nxt["s_k"].to_numpy()
    return pd.Series(rule, index=out.index, dtype=object).where(nxt["gap"].notna().to_numpy())


@one_thread
def gap_statistic(X, ks, method: str = "kmeans", n_ref: int = 50, reference: str = "pca",
                  seed: int = 0, decide_from: int | None = None) -> pd.DataFrame:
    """Gap statistic of Tibshirani, Walther & Hastie (2001) for each k in ``ks``.

    gap(k) = mean_b log W*_kb − log W_k, with W the pooled within-cluster sum of squares of the
    same clustering procedure on ``X`` and on ``n_ref`` uniform reference sets (drawn once, shared
    by every k; :func:`reference_sets`); sd_k is the standard deviation of log W*_kb (divisor B,
    as in the paper) and s_k = sd_k √(1 + 1/B). ``gap_rule`` is the paper's criterion
    gap(k) ≥ gap(k+1) − s_{k+1} (NaN for the last k). k = 1 is allowed (W_1 = total sum of squares).

    Parameters
    ----------
    X : DataFrame or array, units × features.
    ks : iterable of int, each in 1…n − 1.
    method : {"kmeans", "ward", "gmm"}, the clustering procedure.
    n_ref : int, B ≥ 2.
    reference : {"pca", "uniform"}
    seed : int, seeds the reference sets and every fit.
    decide_from : int, optional
        Stop as soon as the rule holds at some k ≥ ``decide_from`` (the last row computed is
        then that k + 1): the decision of :func:`choose_k` is known, and the rows computed are
        the same numbers as without stopping. None computes every k.

    Returns
    -------
    DataFrame indexed by k: log_W, log_W_ref, sd_ref, s_k, gap, gap_rule. Memoised by a hash
    of ``X`` and the arguments (a copy is returned).

    Examples
    --------
    Two tight groups far apart: the gap rule rejects k = 1 and holds at k = 2.

    >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [5.0, 5.0], [5.1, 5.0], [5.0, 5.1]])
    >>> g = gap_statistic(X, [1, 2, 3], method="ward", n_ref=5)
    >>> g["gap_rule"].tolist()[:2]
    [False, True]
    """
    X = as_matrix(X, name="gap_statistic", min_rows=3).to_numpy()
    _check_method(method)
    if int(n_ref) < 2:
        raise DataError(f"gap_statistic: n_ref must be at least 2, got {n_ref}")
    ks = sorted(int(k) for k in ks)
    if not ks or ks[0] < 1 or ks[-1] > len(X) - 1:
        raise DataError(f"gap_statistic: every k must lie in 1…{len(X) - 1}, got {ks}")
    key = _gap_key(X, tuple(ks), method, int(n_ref), reference, int(seed), decide_from)
    if key in _GAP_CACHE:
        _GAP_CACHE.move_to_end(key)
        return _GAP_CACHE[key].copy()
    rng = np.random.default_rng(seed)
    refs = reference_sets(X, int(n_ref), reference, rng)

    def log_w(data, k):
        labels = np.zeros(len(data), int) if k == 1 else \
            fit_labels(data, k, method, seed, RESTARTS[method][1])
        return np.log(within_ss(data, labels))

    rows = []
    for k in ks:
        ref = np.array([log_w(R, k) for R in refs])
        lw = log_w(X, k)
        sd = float(ref.std())
        rows.append({"k": k, "log_W": lw, "log_W_ref": float(ref.mean()), "sd_ref": sd,
                     "s_k": sd * np.sqrt(1 + 1 / len(refs)), "gap": float(ref.mean()) - lw})
        if decide_from is not None and len(rows) >= 2:
            prev, last = rows[-2], rows[-1]
            if prev["k"] >= decide_from and prev["k"] + 1 == k and prev["gap"] >= last["gap"] - last["s_k"]:
                break
    out = pd.DataFrame(rows).set_index("k")
    out["gap_rule"] = _gap_rule(out)
    _GAP_CACHE[key] = out.copy()
    while len(_GAP_CACHE) > _GAP_CACHE_SIZE:
        _GAP_CACHE.popitem(last=False)
    return out


@dataclass(frozen=True, eq=False)
class KChoice:
    """Result of :func:`choose_k`: ``table`` (criteria per k), ``k`` and the ``evidence``."""

    table: pd.DataFrame
    k: int
    evidence: dict


@one_thread
def choose_k(X, k_range=(2, 8), method: str = "kmeans", seed: int = 0, n_ref: int = 50,
             reference: str = "pca", gap: str = "decide") -> KChoice:
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
    log_W may differ slightly from log(within_ss)). With ``gap="decide"`` (default) the gap is
    computed only as far as its vote needs (k = 1, 2 always, for ``gap_rule_at_1``), so the gap
    columns are NaN beyond; ``gap="full"`` computes it for every k. The vote and the values
    computed are the same either way.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(c, 0.3, size=(10, 2)) for c in (0, 5, 10)])
    >>> choose_k(X, k_range=(2, 4), n_ref=5).k
    3
    """
    X = as_matrix(X, name="choose_k", min_rows=4)
    lo, hi = _k_range(k_range, len(X))
    if gap not in GAP_MODES:
        raise SpecError(f"choose_k: gap={gap!r} is unknown; use one of {list(GAP_MODES)}")
    data = X.to_numpy()
    gap_ks = range(1, min(hi + 1, len(X) - 1) + 1)
    table_gap = gap_statistic(data, gap_ks, method, n_ref, reference, seed,
                              decide_from=lo if gap == "decide" else None)
    rows = []
    for k in range(lo, hi + 1):
        labels = fit_labels(data, k, method, seed)
        ok = len(np.unique(labels)) >= 2
        rows.append({"k": k, "n_clusters": len(np.unique(labels)),
                     "silhouette": silhouette_score(data, labels) if ok else np.nan,
                     "calinski_harabasz": calinski_harabasz_score(data, labels) if ok else np.nan,
                     "davies_bouldin": davies_bouldin_score(data, labels) if ok else np.nan,
                     "within_ss": within_ss(data, labels)})
    table = pd.DataFrame(rows).set_index("k").join(table_gap)
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
        "gap_rule_at_1": bool(table_gap.at[1, "gap_rule"]) if 2 in table_gap.index else None,
        "gap_computed": [int(k) for k in table_gap.index],
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
