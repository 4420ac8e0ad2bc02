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
``tests/analysis/test_typology_same_results.py``). The restarts' seeds are drawn first, in
scikit-learn's order, and their Lloyd iterations then run side by side, each stopping where
scikit-learn's would. A demo typology takes about half the CPU it took with ``KMeans``
(≈1.5 → ≈0.8 CPU-s; ``benchmarks/bench_typology.py``).

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
    # the seeds draw from one generator in turn; the restarts' Lloyd iterations then run side by side
    cdf = (weight / weight.sum()).cumsum()
    cdf /= cdf[-1]
    seeds = np.stack([_plusplus(X, k, x_sq, weight, cdf, rng) for _ in range(int(n_init))])
    labels, inertia = _lloyd(X, seeds, tol)
    best = 0
    for r in range(1, len(labels)):  # scikit-learn's choice among restarts
        if inertia[r] < inertia[best] and not _same_clustering(labels[r], labels[best], k):
            best = r
    return labels[best]


def _sq_distances(rows, X, x_sq):
    """scikit-learn's ``_euclidean_distances(X[rows], X, Y_norm_squared=x_sq, squared=True)``; the
    norms of X[rows] are the same numbers as x_sq[rows] (the same einsum, row by row)."""
    d = -2 * (X[rows] @ X.T)
    d += x_sq[rows][:, None]
    d += x_sq.reshape(1, -1)
    return np.maximum(d, 0, out=d)


def _plusplus(X, k, x_sq, weight, cdf, rng):
    """scikit-learn's greedy k-means++ seeding (``_kmeans_plusplus``), the same draws in the same
    order. ``cdf``: the cumulative first-centre probabilities, as ``RandomState.choice`` makes them."""
    trials = 2 + int(np.log(k))
    ids_chosen = np.empty(k, dtype=np.intp)
    # rng.choice(n, p=weight / weight.sum()): one uniform draw looked up in the cdf
    ids_chosen[0] = cdf.searchsorted(rng.random_sample(), side="right")
    closest = _sq_distances(ids_chosen[:1], X, x_sq)
    pot = closest @ weight
    for c in range(1, k):
        draws = rng.uniform(size=trials) * pot
        ids = np.searchsorted(np.cumsum(weight * closest), draws)
        np.minimum(ids, closest.size - 1, out=ids)
        dist = _sq_distances(ids, X, x_sq)
        np.minimum(closest, dist, out=dist)
        pots = dist @ weight.reshape(-1, 1)
        best = np.argmin(pots)
        pot, closest = pots[best], dist[best]
        ids_chosen[c] = ids[best]
    return X[ids_chosen]


def _grouped_sq(D):
    """Row sums of D² in the order of scikit-learn's ``_euclidean_dense_dense``: groups of four, then the rest."""
    sq = (D * D).T
    f = len(sq)
    total = None  # 0 + s is s: start from the first term
    for g in range(f // 4):
        j = 4 * g
        part = ((sq[j] + sq[j + 1]) + sq[j + 2]) + sq[j + 3]
        total = part if total is None else total + part
    for j in range(f - f % 4, f):
        total = sq[j] if total is None else total + sq[j]
    return total


def _assign(X, C):
    """E-step of ``m`` restarts at once: C is m × k × f; the nearest centre of each row, distances as
    ‖c‖² − 2 x·c (scikit-learn's gemm form). Returns m × n labels."""
    m, k, f = C.shape
    flat = C.reshape(m * k, f)
    d = -2.0 * (X @ flat.T)
    d += np.einsum("ij,ij->i", flat, flat)
    return np.argmin(d.reshape(len(X), m, k), axis=2).T.astype(np.int32)


def _update(X, labels, C):
    """M-step of scikit-learn's ``lloyd_iter_chunked_dense`` for m restarts: sums in row order,
    empty clusters relocated to the farthest rows, then the means. Returns m × k × f."""
    m, k, f = C.shape
    n = len(X)
    group = labels + (np.arange(m) * k)[:, None]  # (restart, cluster) of each row
    cells = (group[:, :, None] * f + np.arange(f)).ravel()  # … and feature of each value, row by row
    sums = np.bincount(cells, weights=np.broadcast_to(X, (m, n, f)).ravel(), minlength=m * k * f).reshape(m, k, f)
    counts = np.bincount(group.ravel(), minlength=m * k).reshape(m, k).astype(np.float64)
    for r in np.flatnonzero((counts == 0).any(axis=1)):
        _relocate(X, labels[r], C[r], sums[r], counts[r])
    if (counts > 0).all():
        return sums * (1.0 / counts)[:, :, None]
    for r in range(m):  # one pass in cluster order, as scikit-learn's _average_centers
        top = np.argmax(counts[r])
        for j in range(k):
            if counts[r, j] > 0:
                sums[r, j] *= 1.0 / counts[r, j]
            else:
                sums[r, j] = sums[r, top]
    return sums


def _relocate(X, labels, centers_old, sums, counts) -> None:
    """scikit-learn's ``_relocate_empty_clusters_dense``: each empty cluster takes one of the rows
    farthest from their centres (in place)."""
    empty = np.flatnonzero(counts == 0)
    dist = ((X - centers_old[labels]) ** 2).sum(axis=1)
    far = np.argpartition(dist, -len(empty))[:-len(empty) - 1:-1]
    if np.max(dist) == 0:
        return
    for new, i in zip(empty, far, strict=True):
        old = labels[i]
        sums[old] -= X[i]
        sums[new] = X[i]
        counts[new] = 1.0
        counts[old] -= 1.0


def _lloyd(X, C, tol, max_iter: int = 300):
    """scikit-learn's ``_kmeans_single_lloyd`` for m restarts at once (C: m × k × f initial
    centres); each restart stops when scikit-learn's would. Returns m × n labels and m inertias."""
    m, k, f = C.shape
    n = len(X)
    centers = C.copy()
    labels_old = np.full((m, n), -1, dtype=np.int32)
    labels_out = np.empty((m, n), dtype=np.int32)
    strict = np.zeros(m, dtype=bool)
    active = np.arange(m)
    for _ in range(max_iter):
        labels = _assign(X, centers[active])
        new = _update(X, labels, centers[active])
        shift = np.sqrt(_grouped_sq((new - centers[active]).reshape(-1, f))).reshape(len(active), k)
        centers[active] = new
        same = (labels == labels_old[active]).all(axis=1)
        small = np.array([(s ** 2).sum() <= tol for s in shift])  # each restart's own sum, as scikit-learn's
        done = same | small
        strict[active[same]] = True
        labels_out[active[same]] = labels[same]
        labels_old[active] = labels
        active = active[~done]
        if not len(active):
            break
    loose = np.flatnonzero(~strict)
    if len(loose):
        labels_out[loose] = _assign(X, centers[loose])
    resid = X[None, :, :] - np.take_along_axis(centers, labels_out[:, :, None].astype(np.intp), axis=1)
    inertia = np.cumsum(_grouped_sq(resid.reshape(-1, f)).reshape(m, n), axis=1)[:, -1]  # row by row
    return labels_out, inertia


def _same_clustering(a, b, k) -> bool:
    """scikit-learn's ``_is_same_clustering``: a and b are the same partition up to renumbering."""
    mapping = np.full(k, -1)
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        if mapping[x] == -1:
            mapping[x] = y
        elif mapping[x] != y:
            return False
    return True
