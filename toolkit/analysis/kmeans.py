"""k-means for the small matrices of a typology: scikit-learn's algorithm, without its per-fit overhead.

A typology makes some 300 k-means fits (the gap statistic's reference sets, the bootstrap, the
reported partitions) of tens of units × a handful of features. On data that small, scikit-learn's
``KMeans.fit`` spends most of its time on work that does not depend on the data: input and
parameter validation, the array-API namespace look-ups of every distance computation and a
thread-pool limit per restart. :func:`kmeans_labels` runs the same algorithm step by step in numpy —
``KMeans(n_clusters=k, n_init=n_init, random_state=seed)`` with its defaults (greedy k-means++
seeding with 2 + ⌊ln k⌋ local trials, Lloyd iterations, ``tol=1e-4`` scaled by the mean feature
variance, ``max_iter=300``, the same empty-cluster relocation and the same choice among restarts),
drawing from the same ``RandomState`` in the same order and doing the arithmetic in the same
order, so it returns the labels scikit-learn returns (checked fit by fit in
``tests/analysis/test_kmeans_same_as_sklearn.py``). It is about three times faster on these sizes
(``benchmarks/bench_typology.py``).

Only dense float data of at most :data:`CHUNK` rows is handled here (scikit-learn splits larger
data into chunks whose partial sums add in a different order); :func:`kmeans_labels` hands
anything larger to scikit-learn itself.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CHUNK", "kmeans_labels"]

#: scikit-learn's Lloyd iterations work on chunks of this many rows (``_k_means_common.CHUNK_SIZE``)
CHUNK = 256


def kmeans_labels(X, k: int, n_init: int, seed: int) -> np.ndarray:
    """Labels of ``KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(X)``.

    Parameters
    ----------
    X : array, units × features (finite; checked by the caller).
    k : int, 1 ≤ k ≤ n.
    n_init : int, restarts.
    seed : int, the ``random_state``.

    Returns
    -------
    ndarray of int32, labels 0…k−1 in scikit-learn's numbering.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    >>> kmeans_labels(X, 2, 3, 0).tolist() in ([0, 0, 1, 1], [1, 1, 0, 0])
    True
    """
    X = np.array(X, dtype=np.float64, order="C")  # a copy, centred in place as scikit-learn does
    if X.ndim != 2 or len(X) > CHUNK:
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(X)
    tol = np.mean(np.var(X, axis=0)) * 1e-4
    X -= X.mean(axis=0)
    x_sq = np.einsum("ij,ij->i", X, X)
    weight = np.ones(len(X), dtype=np.float64)
    rng = np.random.RandomState(seed)
    best_labels, best_inertia = None, None
    for _ in range(int(n_init)):
        centers = _plusplus(X, k, x_sq, weight, rng)
        labels, inertia = _lloyd(X, centers, tol)
        if best_inertia is None or (inertia < best_inertia and not _same_clustering(labels, best_labels, k)):
            best_labels, best_inertia = labels, inertia
    return best_labels


def _sq_distances(A, X, x_sq):
    """scikit-learn's ``_euclidean_distances(A, X, Y_norm_squared=x_sq, squared=True)``."""
    d = -2 * (A @ X.T)
    d += np.einsum("ij,ij->i", A, A)[:, None]
    d += x_sq.reshape(1, -1)
    return np.maximum(d, 0, out=d)


def _plusplus(X, k, x_sq, weight, rng):
    """scikit-learn's greedy k-means++ seeding (``_kmeans_plusplus``), the same draws in the same order."""
    n = len(X)
    centers = np.empty((k, X.shape[1]), dtype=X.dtype)
    trials = 2 + int(np.log(k))
    first = rng.choice(n, p=weight / weight.sum())
    centers[0] = X[first]
    closest = _sq_distances(centers[0, np.newaxis], X, x_sq)
    pot = closest @ weight
    for c in range(1, k):
        draws = rng.uniform(size=trials) * pot
        ids = np.searchsorted(np.cumsum(weight * closest), draws)
        np.clip(ids, None, closest.size - 1, out=ids)
        dist = _sq_distances(X[ids], X, x_sq)
        np.minimum(closest, dist, out=dist)
        pots = dist @ weight.reshape(-1, 1)
        best = np.argmin(pots)
        pot, closest = pots[best], dist[best]
        centers[c] = X[ids[best]]
    return centers


def _grouped_sq(D):
    """Row sums of D² in the order of scikit-learn's ``_euclidean_dense_dense``: groups of four, then the rest."""
    sq = D * D
    total = np.zeros(len(D))
    f = D.shape[1]
    for g in range(f // 4):
        j = 4 * g
        total = total + (((sq[:, j] + sq[:, j + 1]) + sq[:, j + 2]) + sq[:, j + 3])
    for j in range(f - f % 4, f):
        total = total + sq[:, j]
    return total


def _assign(X, centers):
    """E-step: the nearest centre of each row, distances as ‖c‖² − 2 x·c (scikit-learn's gemm form)."""
    d = -2.0 * (X @ centers.T)
    d += np.einsum("ij,ij->i", centers, centers)
    return np.argmin(d, axis=1).astype(np.int32)


def _update(X, labels, centers_old, k):
    """M-step of scikit-learn's ``lloyd_iter_chunked_dense``: sums in row order, empty clusters
    relocated to the farthest rows, then the means."""
    f = X.shape[1]
    sums = np.empty((k, f))
    for j in range(f):
        sums[:, j] = np.bincount(labels, weights=X[:, j], minlength=k)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        dist = ((X - centers_old[labels]) ** 2).sum(axis=1)
        far = np.argpartition(dist, -len(empty))[:-len(empty) - 1:-1]
        if np.max(dist) != 0:
            for new, i in zip(empty, far, strict=True):
                old = labels[i]
                sums[old] -= X[i]
                sums[new] = X[i]
                counts[new] = 1.0
                counts[old] -= 1.0
    top = np.argmax(counts)
    for j in range(k):  # one pass in cluster order, as scikit-learn's _average_centers
        if counts[j] > 0:
            sums[j] *= 1.0 / counts[j]
        else:
            sums[j] = sums[top]
    return sums


def _lloyd(X, centers, tol, max_iter: int = 300):
    """scikit-learn's ``_kmeans_single_lloyd``: labels and inertia of one restart."""
    k = len(centers)
    labels_old = np.full(len(X), -1, dtype=np.int32)
    strict = False
    for _ in range(max_iter):
        labels = _assign(X, centers)
        new = _update(X, labels, centers, k)
        shift = np.sqrt(_grouped_sq(new - centers))
        centers = new
        if np.array_equal(labels, labels_old):
            strict = True
            break
        if (shift ** 2).sum() <= tol:
            break
        labels_old = labels
    if not strict:
        labels = _assign(X, centers)
    inertia = np.cumsum(_grouped_sq(X - centers[labels]))[-1]  # row by row, as scikit-learn adds
    return labels, inertia


def _same_clustering(a, b, k) -> bool:
    """scikit-learn's ``_is_same_clustering``: a and b are the same partition up to renumbering."""
    mapping = np.full(k, -1)
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        if mapping[x] == -1:
            mapping[x] = y
        elif mapping[x] != y:
            return False
    return True
