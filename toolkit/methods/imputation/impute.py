"""Imputation of missing values (OECD/JRC step 3, first half; re-exported by :mod:`toolkit.methods.treatment.treat`).

Follows COINr (``R/impute.R``, v1.1.x) and returns a small frozen :class:`ImputeResult` whose
``.data`` is the imputed DataFrame (same index and columns as the input) and whose ``.log`` is
a tidy DataFrame listing **every cell that was changed** — unit, indicator, old value, new
value and why — so that what was imputed is always recorded.

* :func:`impute` — dispatcher: ``"none"``, ``"mean"``, ``"median"``, ``"group_mean"``,
  ``"group_median"``, ``"knn"``, ``"iterative"`` and the panel methods of
  :func:`impute_panel`.
* :func:`impute_panel` — fills across years within each unit (COINr ``impute_panel``).

Every imputer refuses an indicator with no observed value at all (:class:`DataError`) and
checks, before returning, that no observed value was altered (COINr does the same); a
violation is a bug in this module and raises :class:`RuntimeError`.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..changelog import change_log
from ..checks import as_matrix
from ..declared import Method, Param, Registry
from .impute_panel import PANEL_METHODS, impute_panel
from .impute_result import (
    IMPUTE_LOG_COLUMNS,
    ImputeResult,
    check_observed_unchanged,
    require_observed,
)

__all__ = [
    "IMPUTATION",
    "ImputeResult",
    "PANEL",
    "PANEL_METHODS",
    "impute",
    "impute_none",
    "impute_mean",
    "impute_median",
    "impute_group_mean",
    "impute_group_median",
    "impute_knn",
    "impute_iterative",
    "impute_panel",
]



# ----------------------------------------------------------------------------------------
# Column-wise imputation
# ----------------------------------------------------------------------------------------


def impute_none(X) -> ImputeResult:
    """Return ``X`` unchanged with an empty log (switch imputation off, e.g. for sensitivity
    analysis — COINr ``disable = TRUE``)."""
    X = as_matrix(X, allow_nan=True)
    return ImputeResult(X.copy(), change_log([], IMPUTE_LOG_COLUMNS), "none", {})


def _impute_column_stat(X, stat: str) -> ImputeResult:
    X = as_matrix(X, allow_nan=True)
    require_observed(X, stat)
    values = X.to_numpy().copy()
    unit_of = X.index.to_numpy()  # index labels, materialised once (indexing a MultiIndex per cell is slow)
    blocks = []
    for j, col in enumerate(X.columns):
        s = X[col]
        miss = s.isna().to_numpy()
        if not miss.any():
            continue
        value = float(s.mean() if stat == "mean" else s.median())
        n_obs = int((~miss).sum())
        values[miss, j] = value
        blocks.append(pd.DataFrame({"unit": unit_of[miss], "indicator": col, "old": np.nan, "new": value,
                                    "method": stat, "reason": f"column {stat} of {n_obs} observed values"},
                                   columns=IMPUTE_LOG_COLUMNS))
    out = pd.DataFrame(values, index=X.index, columns=X.columns)
    check_observed_unchanged(X, out, stat)
    log = pd.concat(blocks, ignore_index=True) if blocks else []
    return ImputeResult(out, change_log(log, IMPUTE_LOG_COLUMNS), stat, {})


def impute_mean(X) -> ImputeResult:
    """Replace each missing value by the mean of the observed values of its indicator.

    Parameters
    ----------
    X : DataFrame
        Units × indicators.

    Returns
    -------
    ImputeResult

    Raises
    ------
    DataError
        If an indicator has no observed value.
    """
    return _impute_column_stat(X, "mean")


def impute_median(X) -> ImputeResult:
    """Replace each missing value by the median of the observed values of its indicator.

    See :func:`impute_mean` for parameters, return value and errors.
    """
    return _impute_column_stat(X, "median")


def _align_groups(groups, X: pd.DataFrame) -> pd.Series:
    if groups is None:
        raise DataError("group imputation needs `groups`: a Series of group labels indexed by unit")
    if isinstance(groups, pd.Series):
        if not X.index.isin(groups.index).all():
            missing = list(X.index[~X.index.isin(groups.index)])
            raise DataError(f"groups: no group label for unit(s) {missing[:10]}")
        if groups.index.has_duplicates:
            dup = list(groups.index[groups.index.duplicated()].unique())
            raise DataError(f"groups: unit(s) {dup[:10]} appear more than once in the grouping")
        groups = groups.reindex(X.index)
    else:
        groups = list(groups)
        if len(groups) != len(X):
            raise DataError(f"groups: {len(groups)} labels given for {len(X)} units")
        groups = pd.Series(groups, index=X.index)
    if groups.isna().any():
        bad = list(groups.index[groups.isna()])
        raise DataError(f"groups: missing group label for unit(s) {bad[:10]}")
    return groups


def _impute_group_stat(X, groups, stat: str) -> ImputeResult:
    method = f"group_{stat}"
    X = as_matrix(X, allow_nan=True)
    require_observed(X, method)
    g = _align_groups(groups, X)
    values = X.to_numpy(dtype=float, copy=True)
    miss = np.isnan(values)
    cols = np.flatnonzero(miss.any(axis=0))
    blocks = []
    if len(cols):
        # every column with a gap grouped at once (one factorisation); the statistics are
        # pandas' per-column group reductions, as a column-by-column groupby gives them
        codes, uniques = pd.factorize(g.to_numpy(), sort=False)
        grouped = pd.DataFrame(values[:, cols]).groupby(codes, sort=True)
        gstat = (grouped.mean() if stat == "mean" else grouped.median()).reindex(range(len(uniques))).to_numpy()
        gcount = grouped.count().reindex(range(len(uniques)), fill_value=0).to_numpy()
        unit_of = X.index.to_numpy()  # index labels, materialised once (and cached by the index)
        for jj, j in enumerate(cols):
            col, rows = X.columns[j], np.flatnonzero(miss[:, j])
            c = codes[rows]
            new = gstat[c, jj]
            fallback = np.isnan(new)
            reason_of = {k: f"{stat} of group {uniques[k]!r} ({int(gcount[k, jj])} observed values)"
                         for k in np.unique(c[~fallback])}
            reasons = np.array([reason_of.get(k, "") for k in c], dtype=object)
            used = np.full(len(rows), method, dtype=object)
            if fallback.any():
                s = X[col]
                overall = float(s.mean() if stat == "mean" else s.median())
                n_all = int(s.notna().sum())
                new[fallback], used[fallback] = overall, stat
                reasons[fallback] = [f"fallback: group {uniques[k]!r} has no observed value for {col!r}; "
                                     f"used column {stat} of {n_all} observed values" for k in c[fallback]]
            values[rows, j] = new
            blocks.append(pd.DataFrame({"unit": unit_of[rows], "indicator": col, "old": np.nan,
                                        "new": new, "method": used, "reason": reasons},
                                       columns=IMPUTE_LOG_COLUMNS))
    out = pd.DataFrame(values, index=X.index, columns=X.columns)
    check_observed_unchanged(X, out, method)
    log = pd.concat(blocks, ignore_index=True) if blocks else []
    return ImputeResult(out, change_log(log, IMPUTE_LOG_COLUMNS), method, {})


def impute_group_mean(X, groups) -> ImputeResult:
    """Replace missing values by the mean of the unit's group (COINr ``i_mean_grp``).

    Parameters
    ----------
    X : DataFrame
        Units × indicators.
    groups : Series or array-like
        Group label per unit (e.g. industry or city). A Series is aligned on ``X.index``;
        anything else is taken in row order. Every unit needs a label.

    Returns
    -------
    ImputeResult
        When all members of a group are missing an indicator, the overall column mean is
        used instead; such cells are logged with ``method="mean"`` and a ``reason``
        starting with ``"fallback:"``.

    Raises
    ------
    DataError
        All-missing indicator, or a unit without a group label.
    """
    return _impute_group_stat(X, groups, "mean")


def impute_group_median(X, groups) -> ImputeResult:
    """Replace missing values by the median of the unit's group (COINr ``i_median_grp``).

    Same fallback and errors as :func:`impute_group_mean` (fallback = column median).
    """
    return _impute_group_stat(X, groups, "median")


def _standardise(X: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    mu = X.mean()
    sd = X.std(ddof=0)
    sd = sd.where((sd > 0) & sd.notna(), 1.0)
    return (X - mu) / sd, mu, sd


def _fill_from_model(X: pd.DataFrame, filled: np.ndarray, method: str, reason: str,
                     mu: pd.Series | None, sd: pd.Series | None) -> ImputeResult:
    filled = pd.DataFrame(filled, index=X.index, columns=X.columns)
    if mu is not None:
        filled = filled * sd + mu
    out = X.where(X.notna(), filled)
    if out.isna().any().any():
        raise RuntimeError(f"internal error in impute({method!r}): model left missing values")
    check_observed_unchanged(X, out, method)
    miss = X.isna().to_numpy()
    rows = [
        {"unit": X.index[i], "indicator": X.columns[j], "old": np.nan,
         "new": float(out.iat[i, j]), "method": method, "reason": reason}
        for i, j in np.argwhere(miss)
    ]
    return ImputeResult(out, change_log(rows, IMPUTE_LOG_COLUMNS), method, {})


def impute_knn(X, n_neighbors: int = 5, weights: str = "uniform", standardise: bool = True
               ) -> ImputeResult:
    """k-nearest-neighbour imputation (:class:`sklearn.impute.KNNImputer`).

    Parameters
    ----------
    X : DataFrame
        Units × indicators.
    n_neighbors : int, default 5
        Number of donor units.
    weights : {"uniform", "distance"}, default "uniform"
        Donor weighting, as in scikit-learn.
    standardise : bool, default True
        Z-score each indicator (observed mean and population s.d.; a zero s.d. is replaced
        by 1) before the neighbour search, then back-transform the imputed values.
        Distances are scale-dependent: without this, an indicator measured in large units
        (e.g. revenue in yuan) would decide on its own which units are "near", and
        indicators in percent would be ignored. Standardising gives every indicator equal
        say; the back-transform returns imputed values on the original scale.

    Returns
    -------
    ImputeResult
        Only missing cells change. A unit sharing no observed indicator with any donor
        receives the column mean (scikit-learn's rule). Deterministic.
    """
    from sklearn.impute import KNNImputer

    X = as_matrix(X, allow_nan=True)
    require_observed(X, "knn")
    params = {"n_neighbors": n_neighbors, "weights": weights, "standardise": standardise}
    if not X.isna().any().any():
        return ImputeResult(X.copy(), change_log([], IMPUTE_LOG_COLUMNS), "knn", params)
    Z, mu, sd = _standardise(X) if standardise else (X, None, None)
    imputer = KNNImputer(n_neighbors=n_neighbors, weights=weights, keep_empty_features=True)
    filled = imputer.fit_transform(np.array(Z.to_numpy(), dtype=float))
    reason = (f"{weights} mean of {n_neighbors} nearest units (nan-euclidean distance"
              f"{' on standardised indicators' if standardise else ''})")
    res = _fill_from_model(X, filled, "knn", reason, mu, sd)
    return ImputeResult(res.data, res.log, "knn", params)


def impute_iterative(X, max_iter: int = 10, seed: int = 0, standardise: bool = True,
                     **kwargs) -> ImputeResult:
    """Multivariate iterative imputation (:class:`sklearn.impute.IterativeImputer`, MICE-like
    chained regressions with BayesianRidge by default).

    Parameters
    ----------
    X : DataFrame
        Units × indicators.
    max_iter : int, default 10
        Imputation rounds.
    seed : int, default 0
        scikit-learn's ``random_state``, fixed so the result is reproducible;
        ``sample_posterior`` is always False (a single
        deterministic imputation, not a draw).
    standardise : bool, default True
        Z-score indicators before fitting and back-transform after, so the regression
        priors and convergence tolerance do not depend on the indicators' units.
    **kwargs
        Passed to ``IterativeImputer`` (e.g. ``estimator``, ``tol``, ``n_nearest_features``).

    Returns
    -------
    ImputeResult
        Only missing cells change. Deterministic for a given ``seed``.
    """
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer

    if "sample_posterior" in kwargs and kwargs["sample_posterior"]:
        raise SpecError("impute_iterative: sample_posterior=True is not supported "
                        "(single deterministic imputation)")
    kwargs.pop("sample_posterior", None)
    X = as_matrix(X, allow_nan=True)
    require_observed(X, "iterative")
    params = {"max_iter": max_iter, "seed": seed, "standardise": standardise,
              **kwargs}
    if not X.isna().any().any():
        return ImputeResult(X.copy(), change_log([], IMPUTE_LOG_COLUMNS), "iterative", params)
    Z, mu, sd = _standardise(X) if standardise else (X, None, None)
    imputer = IterativeImputer(max_iter=max_iter, random_state=seed,
                               sample_posterior=False, keep_empty_features=True, **kwargs)
    filled = imputer.fit_transform(np.array(Z.to_numpy(), dtype=float))
    estimator = type(imputer.estimator).__name__ if imputer.estimator is not None else "BayesianRidge"
    reason = f"IterativeImputer ({estimator}, max_iter={max_iter}, seed={seed})"
    res = _fill_from_model(X, filled, "iterative", reason, mu, sd)
    return ImputeResult(res.data, res.log, "iterative", params)


# ----------------------------------------------------------------------------------------
# The registry entries
# ----------------------------------------------------------------------------------------

#: imputation across units (``imputation.method``)
IMPUTATION = Registry("imputation", "imputation.method", "median")
#: panel imputation across years within each unit (``imputation.panel``)
PANEL = Registry("panel imputation", "imputation.panel", "none")
for _name, _function, _en, _zh, _doc, _doc_zh in (
    ("none", impute_none, "none", "不插补", "leave missing values missing", "保留缺失值"),
    ("mean", impute_mean, "mean", "均值插补", "the indicator's mean over the observed units", "该指标观测值的均值"),
    ("median", impute_median, "median", "中位数插补", "the indicator's median over the observed units",
     "该指标观测值的中位数"),
):
    IMPUTATION.register(Method(_name, "imputation", _function, columnwise=True, label_en=_en, label_zh=_zh,
                               doc=_doc, doc_zh=_doc_zh))
for _name, _function, _en, _zh in (("group_mean", impute_group_mean, "group mean", "组内均值插补"),
                                   ("group_median", impute_group_median, "group median", "组内中位数插补")):
    IMPUTATION.register(Method(_name, "imputation", _function, columnwise=True, grouped=True, label_en=_en,
                               label_zh=_zh, doc=f"the {_en} of the unit's group (needs `imputation.by`)",
                               doc_zh=f"所在组的{_zh[2:-2]}（需要 `imputation.by`）"))
# kNN and the chained regressions look at every indicator at once: their settings are one per run
_KNN = "kNN finds each unit's donors by its distance over all indicators at once, so one neighbourhood serves every column"
_ITER = ("the chained regressions predict each indicator from all the others in one model, so its settings "
         "apply to every column together")
IMPUTATION.register(Method("knn", "imputation", impute_knn, params=(
    Param("n_neighbors", "integer", 5, "donor units (one value: " + _KNN + ")", low=1, shared=_KNN),
    Param("weights", "choice", "uniform", "donor weighting", choices=("uniform", "distance"), shared=_KNN),
    Param("standardise", "boolean", True, "z-score before the neighbour search", shared=_KNN)),
    label_en="k nearest neighbours", label_zh="K 近邻插补", doc="the mean of the k most similar units",
    doc_zh="最相近的 k 个单位的均值"))
IMPUTATION.register(Method("iterative", "imputation", impute_iterative, params=(
    Param("max_iter", "integer", 10, "imputation rounds", low=1, shared=_ITER),
    Param("seed", "integer", 0, "seed of the chained regressions", low=0, shared=_ITER),
    Param("standardise", "boolean", True, "z-score before fitting", shared=_ITER),
    Param("tol", "number", 1e-3, "convergence tolerance", low=0, low_open=True, shared=_ITER)),
    label_en="chained regressions", label_zh="链式回归插补", doc="each indicator predicted from the others (MICE)",
    doc_zh="由其他指标回归预测（MICE）"))
PANEL.register(Method("none", "panel imputation", impute_none, columnwise=True, label_zh="不插补",
                      doc="no filling across years", doc_zh="不跨年份填补"))
for _name, _zh in zip(PANEL_METHODS, ("向前填补", "向后填补", "先向前后向后填补", "线性插值", "线性插值并外推常数"), strict=True):
    PANEL.register(Method(_name, "panel imputation", partial(impute_panel, method=_name), columnwise=True,
                          label_zh=_zh, doc=f"{_name} within each unit across years (COINr impute_panel)",
                          doc_zh=f"每个单位跨年份{_zh}"))


def impute(X, method: str, groups=None, **params) -> ImputeResult:
    """Impute missing values with the named method.

    Parameters
    ----------
    X : DataFrame
        Units × indicators (a ``(unit_id, year)`` MultiIndex for panel methods).
    method : str
        ``"none"``, ``"mean"``, ``"median"``, ``"group_mean"``, ``"group_median"``,
        ``"knn"``, ``"iterative"``, or a panel method (``"ffill"``, ``"bfill"``,
        ``"ffill_bfill"``, ``"linear"``, ``"linear_constant"``; see :func:`impute_panel`).
    groups : Series, optional
        Group label per unit; required by, and only accepted for, the group methods.
    **params
        Passed to the method's function (e.g. ``n_neighbors`` for ``"knn"``,
        ``max_gap`` for panel methods).

    Returns
    -------
    ImputeResult

    Raises
    ------
    SpecError
        Unknown method, or ``groups`` given to a method that ignores it.
    DataError
        Bad data (e.g. an all-missing indicator).
    """
    if method in PANEL and method not in IMPUTATION:
        return PANEL[method].function(X, **params)
    if method not in IMPUTATION:
        raise SpecError(f"impute: unknown method {method!r}; choose one of "
                        f"{list(IMPUTATION.names) + [m for m in PANEL.names if m not in IMPUTATION]}")
    entry = IMPUTATION[method]
    if groups is not None and not entry.grouped:
        raise SpecError(f"impute: `groups` is only used by "
                        f"{'/'.join(m.name for m in IMPUTATION if m.grouped)}, not {method!r}")
    if entry.grouped:
        return entry.function(X, groups, **params)
    return entry.function(X, **params)
