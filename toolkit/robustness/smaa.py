"""Rank acceptability analysis (SMAA-2): how much of the weight space puts each unit at rank r.

With criteria values ``X`` (units × criteria, e.g. the dimension scores) and weights ``w``
drawn from a density on the simplex ``W = {w ≥ 0, Σ w = 1}`` (Lahdelma & Salminen 2001):

* rank acceptability ``b_i^r`` = share of weight vectors that put unit i at rank r, with
  ``rank(i, w) = 1 + #{k : u(x_k, w) > u(x_i, w)}``;
* central weight vector ``w_i^c`` = mean of the weights that make i first (NaN if none);
* holistic acceptability ``a_i^h = Σ_r α_r b_i^r`` with meta-weights ``1 = α_1 ≥ … ≥ α_m ≥ 0``
  (``linear`` ``(m − r)/(m − 1)``, ``inverse`` ``1/r``, ``centroid``);
* k-best acceptability ``Σ_{r ≤ k} b_i^r``.

Weights are drawn (i) uniformly over the whole simplex (Dirichlet(1, …, 1), normalised
exponentials, as Tervonen & Lahdelma 2007), (ii) uniformly within bounds per criterion
(rejection from (i)), or (iii) near given weights, e.g. an expert's AHP weights
(Dirichlet(c·w₀), mean w₀). Evaluation is vectorised: all draws × units in one matrix
product per batch, as the uncertainty engine does.

References
----------
Lahdelma, R. & Salminen, P. (2001). SMAA-2: Stochastic multicriteria acceptability analysis for
    group decision making. *Operations Research* 49(3), 444–454.
Tervonen, T. & Lahdelma, R. (2007). Implementing stochastic multicriteria acceptability
    analysis. *EJOR* 178(2), 500–513.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..callable_module import make_callable
from ..errors import DataError, SpecError

__all__ = ["SMAAResult", "meta_weights", "sample_weights", "smaa", "smaa_index"]

AGGREGATIONS = ("arithmetic", "geometric")
META_WEIGHTS = ("linear", "inverse", "centroid")


@dataclass(frozen=True, eq=False)
class SMAAResult:
    """Outcome of :func:`smaa`.

    Attributes
    ----------
    rank_acceptability : DataFrame
        Units × ranks 1..m: ``b_i^r`` (rows sum to 1).
    central_weights : DataFrame
        Units × criteria: ``w_i^c`` (NaN for a unit that is never first).
    holistic : Series
        Holistic acceptability ``a_i^h``.
    weights : ndarray (draws × criteria)
        The weight vectors drawn.
    ranks : ndarray (draws × units), int32
        Rank of each unit under each draw.

    Examples
    --------
    :func:`smaa` returns one:

    >>> X = pd.DataFrame({"c1": [1, 0.4], "c2": [0, 0.8]}, index=["A", "B"])
    >>> r = smaa(X, n=2000, seed=0)
    >>> r.weights.shape, r.ranks.shape
    ((2000, 2), (2000, 2))
    >>> bool(np.allclose(r.rank_acceptability.sum(axis=1), 1))  # each row sums to 1
    True
    >>> r.table().index.tolist()  # B is first for more weight vectors (4/7 in theory)
    ['B', 'A']
    """

    rank_acceptability: pd.DataFrame
    central_weights: pd.DataFrame
    holistic: pd.Series
    weights: np.ndarray = field(repr=False)
    ranks: np.ndarray = field(repr=False)

    def k_best(self, k: int) -> pd.Series:
        """Share of weight vectors that put each unit in the top ``k``."""
        return self.rank_acceptability.iloc[:, :k].sum(axis=1).rename(f"top{k}")

    def table(self, k: int = 3) -> pd.DataFrame:
        """One row per unit: first-rank acceptability, top-k, holistic, modal rank; sorted."""
        b = self.rank_acceptability
        out = pd.DataFrame({"first": b[1], f"top{k}": self.k_best(k), "holistic": self.holistic,
                            "modal_rank": b.idxmax(axis=1)})
        return out.sort_values(["holistic", "first"], ascending=False)


def meta_weights(m: int, kind: str = "linear") -> np.ndarray:
    """SMAA-2 meta-weights α_1..α_m (α_1 = 1, non-increasing).

    Examples
    --------
    >>> meta_weights(3).tolist()
    [1.0, 0.5, 0.0]
    >>> meta_weights(3, "inverse").round(4).tolist()
    [1.0, 0.5, 0.3333]
    """
    r = np.arange(1, m + 1, dtype=float)
    if kind == "linear":
        return (m - r) / (m - 1) if m > 1 else np.ones(1)
    if kind == "inverse":
        return 1.0 / r
    if kind == "centroid":
        h = 1.0 / r
        return np.cumsum(h[::-1])[::-1] / h.sum()
    raise SpecError(f"smaa: meta_weights must be one of {list(META_WEIGHTS)}, got {kind!r}")


def _vector(v, names, what) -> np.ndarray:
    if isinstance(v, Mapping) or isinstance(v, pd.Series):
        s = pd.Series(dict(v) if isinstance(v, Mapping) else v, dtype=float)
        missing = [c for c in names if c not in s.index]
        if missing:
            raise SpecError(f"smaa: {what} lacks criteria {missing}")
        return s.reindex(names).to_numpy()
    arr = np.asarray(v, dtype=float)
    if arr.shape != (len(names),):
        raise SpecError(f"smaa: {what} needs {len(names)} values, got shape {arr.shape}")
    return arr


def sample_weights(names, n: int = 10_000, seed: int = 0, *, bounds=None, near=None,
                   concentration: float = 50.0, max_tries: int = 200) -> np.ndarray:
    """Draw ``n`` weight vectors on the simplex.

    Parameters
    ----------
    names : sequence of criterion names (their number sets the dimension).
    n : number of draws.
    seed : random seed.
    bounds : mapping name → (lower, upper), optional
        Uniform on the part of the simplex within the bounds (rejection sampling).
    near : Series/mapping/sequence, optional
        Centre weights (e.g. AHP): draws from Dirichlet(concentration · near), mean ``near``.
    concentration : float
        The larger, the closer the draws stay to ``near``.
    max_tries : int
        Rejection rounds before giving up on bounds that cut away nearly all of the simplex.

    Returns
    -------
    ndarray (n × criteria)

    Examples
    --------
    >>> W = sample_weights(["a", "b", "c"], n=20000, seed=1)
    >>> bool(abs(W.mean() - 1 / 3) < 0.01), bool(np.allclose(W.sum(axis=1), 1))
    (True, True)
    """
    names = list(names)
    d = len(names)
    if d < 2:
        raise DataError("smaa: at least two criteria are needed")
    if int(n) < 1:
        raise SpecError(f"smaa: n must be at least 1, got {n}")
    if bounds is not None and near is not None:
        raise SpecError("smaa: give bounds or near, not both")
    rng = np.random.default_rng(seed)
    if near is not None:
        w0 = _vector(near, names, "near")
        if not np.isfinite(w0).all() or (w0 < 0).any() or w0.sum() <= 0 or concentration <= 0:
            raise SpecError(f"smaa: near must be non-negative weights and concentration > 0, got {w0.tolist()}")
        w0 = w0 / w0.sum()
        return rng.dirichlet(np.maximum(concentration * w0, 1e-9), size=int(n))
    if bounds is None:
        e = rng.exponential(size=(int(n), d))
        return e / e.sum(axis=1, keepdims=True)
    lo = np.zeros(d)
    hi = np.ones(d)
    unknown = [k for k in bounds if k not in names]
    if unknown:
        raise SpecError(f"smaa: bounds name unknown criteria {unknown}")
    for j, c in enumerate(names):
        if c in bounds:
            lo[j], hi[j] = map(float, bounds[c])
    if (lo > hi).any() or (lo < 0).any() or (hi > 1).any() or lo.sum() > 1 or hi.sum() < 1:
        raise SpecError(f"smaa: bounds leave no weights (lower {lo.tolist()}, upper {hi.tolist()})")
    out, have = [], 0
    for _ in range(max_tries):
        e = rng.exponential(size=(max(4 * int(n), 1000), d))
        W = e / e.sum(axis=1, keepdims=True)
        W = W[((W >= lo) & (W <= hi)).all(axis=1)]
        out.append(W)
        have += len(W)
        if have >= n:
            return np.vstack(out)[: int(n)]
    raise SpecError(f"smaa: the bounds keep too small a part of the simplex ({have} of {int(n)} draws "
                    f"after {max_tries} rounds); widen them")


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1 + number of units with a strictly larger score, row by row (SMAA's rank)."""
    from scipy.stats import rankdata

    return rankdata(-scores, method="min", axis=1).astype(np.int32)


def smaa(X, n: int = 10_000, seed: int = 0, *, weights=None, bounds=None, near=None,
         concentration: float = 50.0, aggregation: str = "arithmetic", meta: str = "linear",
         batch_size: int = 2000) -> SMAAResult:
    """SMAA-2 rank acceptability, central weights and holistic acceptability.

    Parameters
    ----------
    X : DataFrame (units × criteria), higher = better (e.g. dimension scores).
    n, seed : number of weight draws and their seed.
    weights : ndarray (draws × criteria), optional
        Use these weight vectors instead of drawing (each row is rescaled to sum 1).
    bounds, near, concentration : see :func:`sample_weights`.
    aggregation : {"arithmetic", "geometric"}
        The value function ``u(x, w)``: ``Σ w x`` or ``Π x^w`` (X > 0 needed).
    meta : {"linear", "inverse", "centroid"}
        Meta-weights of the holistic acceptability.
    batch_size : draws evaluated per vectorised batch.

    Returns
    -------
    SMAAResult

    Examples
    --------
    Hand-derived: A = (1, 0), B = (0.4, 0.8), w = (t, 1 − t); A is first iff t > 4/7.

    >>> import pandas as pd
    >>> X = pd.DataFrame({"c1": [1, 0.4], "c2": [0, 0.8]}, index=["A", "B"])
    >>> r = smaa(X, n=40000, seed=0)
    >>> bool(abs(r.rank_acceptability.loc["A", 1] - 3 / 7) < 0.01)
    True
    """
    if not isinstance(X, pd.DataFrame):
        raise DataError("smaa: X must be a DataFrame of units × criteria")
    if X.isna().any().any():
        r, c = next((r, c) for c in X.columns for r in X.index if pd.isna(X.at[r, c]))
        raise DataError(f"smaa: X has a missing value at unit {r!r}, criterion {c!r}; impute it first")
    if aggregation not in AGGREGATIONS:
        raise SpecError(f"smaa: aggregation must be one of {list(AGGREGATIONS)}, got {aggregation!r}")
    V = X.to_numpy(dtype=float)
    m, d = V.shape
    if aggregation == "geometric":
        if (V <= 0).any():
            raise DataError("smaa: geometric aggregation needs positive criteria values")
        V = np.log(V)
    if weights is not None:
        W = np.asarray(weights, dtype=float)
        if W.ndim != 2 or W.shape[1] != d or (W < 0).any():
            raise SpecError(f"smaa: weights must be a non-negative (draws × {d}) array")
        W = W / W.sum(axis=1, keepdims=True)
    else:
        W = sample_weights(list(X.columns), n, seed, bounds=bounds, near=near, concentration=concentration)
    K = W.shape[0]
    R = np.empty((K, m), dtype=np.int32)
    counts = np.zeros((m, m))
    first_w = np.zeros((m, d))
    for s in range(0, K, int(batch_size)):
        Wb = W[s:s + int(batch_size)]
        Rb = _ranks(Wb @ V.T)
        R[s:s + len(Wb)] = Rb
        counts += (Rb[:, :, None] == np.arange(1, m + 1)[None, None, :]).sum(axis=0)
        first_w += (Rb == 1).astype(float).T @ Wb
    b = counts / K
    n_first = counts[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        cw = first_w / n_first[:, None]
    cw[n_first == 0] = np.nan
    alpha = meta_weights(m, meta)
    ranks_cols = pd.Index(range(1, m + 1), name="rank")
    return SMAAResult(rank_acceptability=pd.DataFrame(b, index=X.index, columns=ranks_cols),
                      central_weights=pd.DataFrame(cw, index=X.index, columns=X.columns),
                      holistic=pd.Series(b @ alpha, index=X.index, name="holistic"), weights=W, ranks=R)


def smaa_index(result, year: int | None = None, n: int = 10_000, seed: int = 0, **kwargs) -> SMAAResult:
    """SMAA over the dimension weights of a built index (:func:`toolkit.build_index`).

    The dimension scores of ``year`` (default the latest) are the criteria; the aggregation of
    the index level in the spec is used when it is arithmetic or geometric (or a generalised mean
    with p = 1 or 0). Any other (BoD, Copeland, TOPSIS, …) is refused with a
    :class:`~toolkit.errors.SpecError` unless ``aggregation=`` is passed: SMAA would otherwise
    rank another index than the one built.

    Parameters
    ----------
    result : IndexResult
    year : int, optional
    n, seed, **kwargs : passed to :func:`smaa`.

    Returns
    -------
    SMAAResult (units labelled by unit id)

    Examples
    --------
    >>> import toolkit  # doctest: +SKIP
    >>> r = toolkit.build_index(toolkit.read_indicators("data/raw/demo_synthetic_returns.csv"))  # doctest: +SKIP
    >>> smaa_index(r, n=10_000, seed=1).table(k=10).head()  # doctest: +SKIP
    """
    year = result.years[-1] if year is None else year
    D = result.dimension_scores.xs(year, level="year")
    choice = result.spec.level_choice("aggregation", result.framework.root.level)
    method = choice.get("method", "arithmetic")
    if method == "generalised_mean":  # p = 1 and p = 0 are the two means SMAA samples weights for
        p = (choice.get("params") or {}).get("p", 1.0)
        method = {1: "arithmetic", 0: "geometric"}.get(p, method) if not isinstance(p, dict) else method
    if "aggregation" not in kwargs and method not in AGGREGATIONS:
        raise SpecError(f"smaa_index: the index is aggregated by {method!r}, but SMAA samples the weights of an "
                        f"arithmetic or geometric mean ({'BoD ignores the weights' if method == 'bod' else 'not this aggregation'}); "
                        "pass aggregation='arithmetic' or 'geometric' to rank under that mean instead")
    kwargs.setdefault("aggregation", method)
    return smaa(D, n=n, seed=seed, **kwargs)


make_callable(__name__)  # toolkit.robustness.smaa is this module, and calling it calls smaa()
