"""Spatial autocorrelation: global Moran's I and LISA, on the weights of :mod:`~toolkit.dynamics.contiguity`.

* Weights: queen contiguity from polygons (two regions are neighbours when their boundaries share a
  point), or from a declared adjacency list; row-standardised for the statistics.
* Global Moran's I = (n/S_0) Σ_i Σ_j w_ij z_i z_j / Σ_i z_i², with z the deviations from the mean;
  inference by random permutation (seeded), and under normality.
* Local Moran's I (LISA): I_i = z_i Σ_j w_ij z_j / (Σ_k z_k²/n); quadrant HH, LH, LL, HL, kept as a
  cluster where the pseudo p-value of its permutation test is below ``alpha``, "ns" otherwise.

Both are esda's statistics (``esda.Moran``, ``esda.Moran_Local``) written with numpy, and
``tests/dynamics/test_markov_spatial.py`` checks them against esda: importing esda imports
libpysal, numba and scikit-learn, about 1.5 s of CPU in every process that builds an overview
page or runs this notebook chain, for a few sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from ..errors import DataError
from .contiguity import Weights, adjacency_weights, queen_weights, weights_among

__all__ = ["Weights", "adjacency_weights", "aligned_to", "lisa", "moran", "moran_panel", "queen_weights",
           "weights_among"]

QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


def aligned_to(values: pd.Series, w: Weights, where: str) -> np.ndarray:
    """``values`` in the order of ``w.id_order``; an error naming a unit without a value."""
    v = pd.Series(values.to_numpy(float), index=values.index.astype(str))
    missing = [i for i in w.id_order if i not in v.index or pd.isna(v.get(i))]
    if missing:
        raise DataError(f"{where}: no value for {len(missing)} region(s) of the weights, e.g. {missing[0]!r}")
    return v.loc[list(w.id_order)].to_numpy(float)


def moran(values: pd.Series, w: Weights, permutations: int = 999, seed: int | None = 0) -> pd.Series:
    """Global Moran's I of ``values`` (indexed by the ids of ``w``), row-standardised weights.

    Parameters
    ----------
    values : Series
        One value per region, indexed by the ids of ``w``.
    w : Weights
        The weights (row-standardised here).
    permutations : int
        Random permutations for the pseudo p-value.
    seed : int or None
        Seed of the permutations.

    Returns
    -------
    Series
        I, expected (−1/(n−1)), z_norm and p_norm (normal approximation, two-sided) as
        ``esda.Moran`` gives them; z_sim and p_sim from random permutations (one-sided pseudo p-value, as esda
        gives it), drawn here all at once with numpy: esda loops over them in Python (1.3 s for 999
        permutations of 2,000 regions on this machine, against 0.1 s).

    Examples
    --------
    >>> w = adjacency_weights({"a": ["b"], "b": ["c"], "c": ["d"], "d": []})   # a path a–b–c–d
    >>> r = moran(pd.Series({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}), w)
    >>> float(round(r["I"], 4)), float(round(r["expected"], 4))
    (0.4, -0.3333)
    """
    y = aligned_to(values, w, "moran")
    if np.ptp(y) == 0:
        raise DataError("moran: every region has the same value; Moran's I is undefined")
    w.transform = "r"
    A = w.sparse
    n = len(y)
    # esda.Moran's statistic and its moments under normality (Cliff and Ord), same operations
    z = y - y.mean()
    s0 = float(A.sum())
    At = A + A.T
    s1 = float(At.multiply(At).sum()) / 2.0
    s2 = float(((np.asarray(A.sum(1)).ravel() + np.asarray(A.sum(0)).ravel()) ** 2).sum())
    I = n / s0 * float((z * (A @ z)).sum()) / float((z * z).sum())   # noqa: E741 - the statistic's name
    EI = -1.0 / (n - 1)
    VI = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n - 1) * (n + 1) * s0 * s0) - (1.0 / (n - 1)) ** 2
    z_norm = (I - EI) / VI ** 0.5
    p_norm = 2.0 * float(ndtr(-abs(z_norm)))                            # two-sided, 2·Φ(−|z|), as esda
    z_sim = p_sim = float("nan")
    if permutations:
        # the permutation test of esda.Moran (shuffle z, recompute I; pseudo p = (#more extreme + 1)/(P + 1),
        # one-sided in the direction of the observed I), all permutations in one sparse product
        rng = np.random.default_rng(seed)
        z = z / y.std()                                                   # esda's standardised z
        Z = rng.permuted(np.broadcast_to(z, (permutations, len(z))), axis=1)   # each row a shuffle of z
        sims = len(z) / s0 * np.einsum("pi,pi->p", Z, (A @ Z.T).T) / float(z @ z)
        larger = int((sims >= I).sum())
        larger = min(larger, permutations - larger)
        p_sim = (larger + 1) / (permutations + 1)
        z_sim = float((I - sims.mean()) / sims.std())
    return pd.Series({"I": float(I), "expected": float(EI), "z_sim": z_sim, "p_sim": float(p_sim),
                      "z_norm": float(z_norm), "p_norm": float(p_norm), "n": float(n)})


def moran_panel(values: pd.Series, w: Weights, year: str = "year", permutations: int = 999, seed: int | None = 0) -> pd.DataFrame:
    """:func:`moran` in every year, on the regions with a value that year.

    A region without a value in a year is left out of that year's weights (with its links), and
    so is a region left without a neighbour; ``n`` says how many regions each year's I covers.

    Parameters
    ----------
    values : Series
        Indexed by (region, year) in either order.
    w : Weights
        The weights.
    year : str
        The index level of the year.
    permutations, seed : int
        As :func:`moran`.

    Returns
    -------
    DataFrame
        Index year; the columns of :func:`moran`.

    Examples
    --------
    >>> w = adjacency_weights({"a": ["b"], "b": ["c"], "c": ["d"], "d": []})
    >>> idx = pd.MultiIndex.from_product([list("abcd"), [2024, 2025]], names=["region", "year"])
    >>> moran_panel(pd.Series([1.0, 4, 2, 3, 3, 2, 4, 1], index=idx), w, permutations=99)["I"].round(2).tolist()
    [0.4, 0.4]
    """
    years = values.index.get_level_values(year)
    other = [n for n in values.index.names if n != year]
    rows = {}
    for t in sorted(years.unique()):
        v = values[years == t].droplevel(year).dropna()
        v.index = v.index.astype(str)
        rows[t] = moran(v, weights_among(w, list(v.index)), permutations, seed)
    out = pd.DataFrame(rows).T
    out.index.name = year
    out.attrs["regions"] = other[0] if other else None
    return out


def lisa(values: pd.Series, w: Weights, permutations: int = 999, seed: int | None = 0, alpha: float = 0.05) -> pd.DataFrame:
    """Local Moran's I of every region: Is, quadrant (HH, LH, LL, HL), p_sim and cluster.

    The statistic and the quadrants are esda's (``esda.Moran_Local``, row-standardised weights,
    scaling (n − 1)/Σ z²); the conditional randomisation is the same algorithm as esda's (site i
    fixed, its k_i neighbours' values drawn without replacement from the other n − 1 sites, one set
    of permuted ids shared by every site, the folded "directed" pseudo p-value
    (min(#≥, #<) + 1)/(permutations + 1)), written with numpy: esda's numba kernels are compiled
    afresh in every process, 10–40 s on this project's machine, longer than the whole chain.
    ``tests/dynamics/test_spatial.py`` checks Is and the quadrants against ``esda.Moran_Local``
    exactly and the p-values within Monte Carlo error. ``cluster`` is the quadrant where
    p_sim < ``alpha``, else ``"ns"`` (not significant).

    Parameters
    ----------
    values : Series
        One value per region, indexed by the ids of ``w``.
    w : Weights
        The weights (row-standardised here).
    permutations : int
        Conditional permutations per region.
    seed : int or None
        Seed of the permutations.
    alpha : float
        Significance level of a cluster.

    Returns
    -------
    DataFrame
        Index region: Is, quadrant, p_sim, cluster.

    Examples
    --------
    >>> w = adjacency_weights({"a": ["b"], "b": ["c"], "c": ["d"], "d": []})
    >>> lisa(pd.Series({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}), w)["quadrant"].tolist()
    ['LL', 'LL', 'HH', 'HH']
    """
    y = aligned_to(values, w, "lisa")
    n = len(y)
    if np.ptp(y) == 0:
        raise DataError("lisa: every region has the same value; local Moran's I is undefined")
    w.transform = "r"
    A = w.sparse.tocsr()
    z = y - y.mean()
    scaling = (n - 1) / float((z * z).sum())
    lag = A @ z
    Is = z * lag * scaling
    quad = np.where(z > 0, np.where(lag > 0, "HH", "HL"), np.where(lag > 0, "LH", "LL"))
    card = np.diff(A.indptr)
    kmax = int(card.max()) if n else 0
    rng = np.random.default_rng(seed)
    # one set of permuted ids (rows: replications) into the n − 1 other sites, shared by every site
    ids = (rng.permuted(np.broadcast_to(np.arange(n - 1), (permutations, n - 1)), axis=1)[:, :kmax] if kmax
           else np.zeros((permutations, 0), int))
    p = np.ones(n)
    for k in np.unique(card[card > 0]):
        sites = np.flatnonzero(card == k)
        for chunk in np.array_split(sites, max(1, len(sites) * permutations * k // 4_000_000 + 1)):
            idx = ids[None, :, :k] + (ids[None, :, :k] >= chunk[:, None, None])   # skip site i itself
            wts = np.stack([A.data[A.indptr[i]:A.indptr[i + 1]] for i in chunk])      # (sites, k)
            rand = z[chunk, None] * np.einsum("spk,sk->sp", z[idx], wts) * scaling
            larger = (rand >= Is[chunk, None]).sum(axis=1)
            larger = np.minimum(larger, permutations - larger)
            p[chunk] = (larger + 1) / (permutations + 1)
    return pd.DataFrame({"Is": Is, "quadrant": quad, "p_sim": p, "cluster": np.where(p < alpha, quad, "ns")},
                        index=pd.Index(list(w.id_order), name="region"))
