"""Imputation of missing values (OECD/JRC step 3, first half; re-exported by :mod:`toolkit.methods.treat`).

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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError, SpecError
from .changelog import change_log
from .checks import as_matrix

__all__ = [
    "ImputeResult",
    "IMPUTE_METHODS",
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

PANEL_METHODS = ("ffill", "bfill", "ffill_bfill", "linear", "linear_constant")
IMPUTE_METHODS = (
    "none", "mean", "median", "group_mean", "group_median", "knn", "iterative",
) + PANEL_METHODS

_IMPUTE_LOG_COLUMNS = ["unit", "indicator", "old", "new", "method", "reason"]
_PANEL_LOG_COLUMNS = ["unit", "time", "indicator", "old", "new", "method", "reason"]


# ----------------------------------------------------------------------------------------
# Result objects
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImputeResult:
    """Outcome of an imputation.

    Attributes
    ----------
    data : DataFrame
        The imputed data, same index and columns as the input.
    log : DataFrame
        One row per imputed cell. Columns ``unit, indicator, old, new, method, reason``
        (panel imputation adds ``time`` after ``unit``; ``unit`` is then the unit id).
        ``old`` is always NaN. ``method`` is the rule actually used for that cell, e.g.
        ``"mean"`` for a group whose members were all missing (a fallback, which ``reason``
        spells out).
    method : str
        The method requested.
    params : dict
        The parameters used.
    """

    data: pd.DataFrame
    log: pd.DataFrame
    method: str
    params: dict = field(default_factory=dict)

    @property
    def missing(self) -> pd.DataFrame:
        """Cells still missing after imputation (``unit``, ``indicator``), one row each.

        Column-wise methods leave none; panel methods can (e.g. ``"ffill"`` cannot fill a
        series that starts with a gap). Nothing is left missing silently: check here.
        """
        cells = np.argwhere(self.data.isna().to_numpy())
        return pd.DataFrame(
            {"unit": [self.data.index[i] for i, _ in cells],
             "indicator": [self.data.columns[j] for _, j in cells]},
            columns=["unit", "indicator"],
        )


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


def _require_observed(X: pd.DataFrame, method: str) -> None:
    """All-missing indicator → DataError (nothing to impute from)."""
    empty = list(X.columns[np.isnan(X.to_numpy(dtype=float)).all(axis=0)])
    if empty:
        raise DataError(
            f"impute({method!r}): indicator(s) {empty} have no observed value in any unit; "
            "cannot impute an all-missing column — drop it or supply data"
        )


def check_observed_unchanged(before: pd.DataFrame, after: pd.DataFrame, method: str) -> None:
    """Internal invariant (as in COINr): imputation never alters an observed value."""
    if not before.index.equals(after.index) or not before.columns.equals(after.columns):
        raise RuntimeError(f"internal error in impute({method!r}): labels changed")
    b = before.to_numpy()
    a = after.to_numpy()
    observed = ~np.isnan(b)
    bad = observed & (a != b)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise RuntimeError(
            f"internal error in impute({method!r}): observed value at unit "
            f"{before.index[i]!r}, indicator {before.columns[j]!r} changed from "
            f"{b[i, j]!r} to {a[i, j]!r}"
        )


# ----------------------------------------------------------------------------------------
# Column-wise imputation
# ----------------------------------------------------------------------------------------


def impute_none(X) -> ImputeResult:
    """Return ``X`` unchanged with an empty log (switch imputation off, e.g. for sensitivity
    analysis — COINr ``disable = TRUE``)."""
    X = as_matrix(X, allow_nan=True)
    return ImputeResult(X.copy(), change_log([], _IMPUTE_LOG_COLUMNS), "none", {})


def _impute_column_stat(X, stat: str) -> ImputeResult:
    X = as_matrix(X, allow_nan=True)
    _require_observed(X, stat)
    values = X.to_numpy().copy()
    rows = []
    for j, col in enumerate(X.columns):
        s = X[col]
        miss = s.isna().to_numpy()
        if not miss.any():
            continue
        value = float(s.mean() if stat == "mean" else s.median())
        n_obs = int((~miss).sum())
        values[miss, j] = value
        for i in np.flatnonzero(miss):
            rows.append({"unit": X.index[i], "indicator": col, "old": np.nan, "new": value,
                         "method": stat, "reason": f"column {stat} of {n_obs} observed values"})
    out = pd.DataFrame(values, index=X.index, columns=X.columns)
    check_observed_unchanged(X, out, stat)
    return ImputeResult(out, change_log(rows, _IMPUTE_LOG_COLUMNS), stat, {})


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
    _require_observed(X, method)
    g = _align_groups(groups, X)
    values = X.to_numpy().copy()
    labels = g.to_numpy()
    rows = []
    unit_of = None  # index labels, materialised once (indexing a MultiIndex per cell is slow)
    for j, col in enumerate(X.columns):
        s = X[col]
        miss = s.isna().to_numpy()
        if not miss.any():
            continue
        if unit_of is None:
            unit_of = X.index.tolist()
        grouped = s.groupby(labels, sort=False)
        gstat = (grouped.mean() if stat == "mean" else grouped.median()).to_dict()
        gcount = grouped.count().to_dict()
        overall = float(s.mean() if stat == "mean" else s.median())
        n_all = int(s.notna().sum())
        for i in np.flatnonzero(miss):
            unit, label = unit_of[i], labels[i]
            value = gstat[label]
            if pd.isna(value):
                value, used = overall, stat
                reason = (f"fallback: group {label!r} has no observed value for {col!r}; "
                          f"used column {stat} of {n_all} observed values")
            else:
                used = method
                reason = f"{stat} of group {label!r} ({int(gcount[label])} observed values)"
            values[i, j] = float(value)
            rows.append({"unit": unit, "indicator": col, "old": np.nan, "new": float(value),
                         "method": used, "reason": reason})
    out = pd.DataFrame(values, index=X.index, columns=X.columns)
    check_observed_unchanged(X, out, method)
    return ImputeResult(out, change_log(rows, _IMPUTE_LOG_COLUMNS), method, {})


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
    return ImputeResult(out, change_log(rows, _IMPUTE_LOG_COLUMNS), method, {})


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
    _require_observed(X, "knn")
    params = {"n_neighbors": n_neighbors, "weights": weights, "standardise": standardise}
    if not X.isna().any().any():
        return ImputeResult(X.copy(), change_log([], _IMPUTE_LOG_COLUMNS), "knn", params)
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
    _require_observed(X, "iterative")
    params = {"max_iter": max_iter, "seed": seed, "standardise": standardise,
              **kwargs}
    if not X.isna().any().any():
        return ImputeResult(X.copy(), change_log([], _IMPUTE_LOG_COLUMNS), "iterative", params)
    Z, mu, sd = _standardise(X) if standardise else (X, None, None)
    imputer = IterativeImputer(max_iter=max_iter, random_state=seed,
                               sample_posterior=False, keep_empty_features=True, **kwargs)
    filled = imputer.fit_transform(np.array(Z.to_numpy(), dtype=float))
    estimator = type(imputer.estimator).__name__ if imputer.estimator is not None else "BayesianRidge"
    reason = f"IterativeImputer ({estimator}, max_iter={max_iter}, seed={seed})"
    res = _fill_from_model(X, filled, "iterative", reason, mu, sd)
    return ImputeResult(res.data, res.log, "iterative", params)


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
    if method not in IMPUTE_METHODS:
        raise SpecError(f"impute: unknown method {method!r}; choose one of {list(IMPUTE_METHODS)}")
    if groups is not None and method not in ("group_mean", "group_median"):
        raise SpecError(f"impute: `groups` is only used by group_mean/group_median, not {method!r}")
    if method in PANEL_METHODS:
        return impute_panel(X, method=method, **params)
    funcs = {
        "none": impute_none,
        "mean": impute_mean,
        "median": impute_median,
        "knn": impute_knn,
        "iterative": impute_iterative,
    }
    if method in ("group_mean", "group_median"):
        func = impute_group_mean if method == "group_mean" else impute_group_median
        return func(X, groups, **params)
    return funcs[method](X, **params)


# ----------------------------------------------------------------------------------------
# Panel imputation
# ----------------------------------------------------------------------------------------


def _fill_series(t: np.ndarray, y: np.ndarray, method: str, max_gap: int | None):
    """Fill one unit's time series. Returns {position: (value, reason)}."""
    obs = np.flatnonzero(~np.isnan(y))
    fills: dict[int, tuple[float, str]] = {}
    if obs.size == 0 or obs.size == y.size:
        return fills
    within = (lambda d: True) if max_gap is None else (lambda d: d <= max_gap)
    tl = t.tolist()  # plain Python values for readable reasons
    for i in np.flatnonzero(np.isnan(y)):
        before = obs[obs < i]
        after = obs[obs > i]
        j = before[-1] if before.size else None
        k = after[0] if after.size else None
        if method in ("ffill", "ffill_bfill") and j is not None and within(i - j):
            fills[i] = (y[j], f"carried forward from {tl[j]!r}")
        elif method in ("bfill", "ffill_bfill") and k is not None and within(k - i):
            fills[i] = (y[k], f"carried backward from {tl[k]!r}")
        elif method in ("linear", "linear_constant"):
            if j is not None and k is not None:
                if within(k - j - 1):
                    w = (t[i] - t[j]) / (t[k] - t[j])
                    fills[i] = (y[j] + w * (y[k] - y[j]),
                                f"linear between {tl[j]!r} and {tl[k]!r}")
            elif method == "linear_constant":
                src = j if j is not None else k
                if within(abs(i - src)):
                    fills[i] = (y[src], f"constant extrapolation from {tl[src]!r}")
    return fills


def _carry_panel(X: pd.DataFrame, method: str, units, times) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Vectorised ffill / bfill / ffill_bfill within units (same results and log as the
    general path, which loops over gaps)."""
    order = np.lexsort((np.asarray(times), np.asarray(units)))
    V = X.to_numpy(dtype=float)[order]
    u = np.asarray(units)[order]
    t = np.asarray(times)[order]
    tnum = pd.factorize(t, sort=True)[0].astype(float) if not pd.api.types.is_numeric_dtype(t) else t.astype(float)
    obs_t = pd.DataFrame(np.where(np.isnan(V), np.nan, tnum[:, None]))
    vals = pd.DataFrame(V)
    fwd_v, fwd_t = vals.groupby(u, sort=False).ffill(), obs_t.groupby(u, sort=False).ffill()
    bwd_v, bwd_t = vals.groupby(u, sort=False).bfill(), obs_t.groupby(u, sort=False).bfill()
    out = V.copy()
    src = np.full(V.shape, np.nan)
    kind = np.zeros(V.shape, dtype=np.int8)  # 1 forward, 2 backward
    miss = np.isnan(V)
    if method in ("ffill", "ffill_bfill"):
        take = miss & fwd_v.notna().to_numpy()
        out[take], src[take], kind[take] = fwd_v.to_numpy()[take], fwd_t.to_numpy()[take], 1
    if method in ("bfill", "ffill_bfill"):
        take = np.isnan(out) & bwd_v.notna().to_numpy()
        out[take], src[take], kind[take] = bwd_v.to_numpy()[take], bwd_t.to_numpy()[take], 2
    result = np.empty_like(out)
    result[order] = out
    ii, jj = np.nonzero(kind)
    t_of = dict(zip(tnum.tolist(), t.tolist(), strict=False))
    rows = [{"unit": u[i], "time": t[i].item() if hasattr(t[i], "item") else t[i], "indicator": X.columns[j],
             "old": np.nan, "new": float(out[i, j]), "method": method,
             "reason": f"carried {'forward' if kind[i, j] == 1 else 'backward'} from {t_of[src[i, j]]!r}"}
            for i, j in zip(ii, jj, strict=True)]
    log = change_log(rows, _PANEL_LOG_COLUMNS)
    if len(log):
        # the general path logs unit by unit (first appearance), then column order, then time
        first = {k: n for n, k in enumerate(pd.unique(np.asarray(units)))}
        col_pos = {c: n for n, c in enumerate(X.columns)}
        log = log.iloc[np.lexsort((log["time"].rank(method="dense"), log["indicator"].map(col_pos),
                                   log["unit"].map(first)))].reset_index(drop=True)
    return pd.DataFrame(result, index=X.index, columns=X.columns), log


def impute_panel(X, method: str = "ffill", unit_level: str = "unit_id", time_level: str = "year",
                 max_gap: int | None = None) -> ImputeResult:
    """Impute panel data across time within each unit (COINr ``impute_panel``).

    Parameters
    ----------
    X : DataFrame
        Indicators in columns; a MultiIndex with levels ``unit_level`` and ``time_level``.
        Row order is kept in the output; each unit's rows are sorted by time internally.
    method : str, default "ffill"
        * ``"ffill"`` — last earlier observation (COINr ``"latest"``). A series that starts
          with a gap keeps it.
        * ``"bfill"`` — next later observation.
        * ``"ffill_bfill"`` — ffill, then bfill what is left (COINr ``"constant"``, i.e.
          ``approx(method="constant", rule=2)``).
        * ``"linear"`` — linear interpolation in time between the surrounding observations
          (weights use the time values, so uneven spacing is respected). No extrapolation:
          leading/trailing gaps stay missing.
        * ``"linear_constant"`` — ``"linear"`` plus constant extrapolation of the first/last
          observation to the ends of the series; a series with a single observation becomes
          constant. This is COINr ``"linear"`` (``approx(rule=2)``) with the single-observation
          fix of COINr ``"linear-constant"`` (issue #63).
    unit_level, time_level : str
        Names of the index levels holding unit id and time.
    max_gap : int, optional
        Limit counted in positions of the unit's own time-ordered rows. ffill/bfill and the
        constant extrapolation: the source observation must be at most ``max_gap`` rows away
        (COINr ``max_time``). ``"linear"``: a gap is interpolated only if it spans at most
        ``max_gap`` consecutive missing rows (all or nothing). None = no limit.

    Returns
    -------
    ImputeResult
        ``log`` columns: ``unit, time, indicator, old, new, method, reason``. Cells that the
        method cannot fill stay NaN and are listed by ``result.missing``. A unit with a
        single row or a single observation never fails.

    Raises
    ------
    DataError
        Index levels not found, duplicated (unit, time) rows, non-numeric time for the
        linear methods, or an indicator with no observed value at all.
    """
    if method not in PANEL_METHODS:
        raise SpecError(f"impute_panel: unknown method {method!r}; choose one of {list(PANEL_METHODS)}")
    if max_gap is not None and (int(max_gap) != max_gap or max_gap < 1):
        raise SpecError(f"impute_panel: max_gap must be a positive integer or None, got {max_gap!r}")
    X = as_matrix(X, allow_nan=True)
    names = list(X.index.names)
    for lvl, arg in ((unit_level, "unit_level"), (time_level, "time_level")):
        if lvl not in names:
            raise DataError(f"impute_panel: {arg}={lvl!r} is not an index level of X "
                            f"(levels: {names}); pass a MultiIndex (unit, time)")
    if X.index.has_duplicates:
        dup = X.index[X.index.duplicated()][0]
        raise DataError(f"impute_panel: duplicated row {dup!r}; each (unit, time) must be unique")
    units = X.index.get_level_values(unit_level)
    times = X.index.get_level_values(time_level)
    if method.startswith("linear") and not pd.api.types.is_numeric_dtype(times):
        raise DataError(f"impute_panel({method!r}): time level {time_level!r} must be numeric "
                        f"for interpolation, got dtype {times.dtype}")
    _require_observed(X, method)

    if method in ("ffill", "bfill", "ffill_bfill") and max_gap is None:
        out, log = _carry_panel(X, method, units, times)
        check_observed_unchanged(X, out, method)
        return ImputeResult(out, log, method,
                            {"unit_level": unit_level, "time_level": time_level, "max_gap": max_gap})
    values = X.to_numpy().copy()
    rows = []
    time_arr = np.asarray(times)
    missing = np.isnan(values)
    # only units and columns with a gap need work: this keeps 100,000-unit panels fast
    groups = pd.Series(np.arange(len(X))).groupby(np.asarray(units), sort=False).indices
    for unit, pos in groups.items():
        gaps = missing[pos].any(axis=0)
        if not gaps.any() or len(pos) < 2:
            continue
        pos = pos[np.argsort(time_arr[pos], kind="stable")]
        t = time_arr[pos]
        for j in np.flatnonzero(gaps):
            col = X.columns[j]
            y = values[pos, j]
            fills = _fill_series(t, y, method, max_gap)
            for i, (v, reason) in sorted(fills.items()):
                values[pos[i], j] = v
                rows.append({"unit": unit, "time": t[i].item() if hasattr(t[i], "item") else t[i],
                             "indicator": col, "old": np.nan,
                             "new": float(v), "method": method, "reason": reason})
    out = pd.DataFrame(values, index=X.index, columns=X.columns)
    check_observed_unchanged(X, out, method)
    return ImputeResult(out, change_log(rows, _PANEL_LOG_COLUMNS), method,
                        {"unit_level": unit_level, "time_level": time_level, "max_gap": max_gap})
