"""Data treatment: imputation of missing values and outlier treatment (OECD/JRC step 3).

Both halves follow COINr (``R/impute.R``, ``R/treat.R``, v1.1.x) and return a small frozen
result object whose ``.data`` is the treated DataFrame (same index and columns as the input)
and whose ``.log`` is a tidy DataFrame listing **every cell that was changed** — unit,
indicator, old value, new value and why — so that what was imputed or treated is always
recorded.

Imputation
----------
* :func:`impute` — dispatcher: ``"none"``, ``"mean"``, ``"median"``, ``"group_mean"``,
  ``"group_median"``, ``"knn"``, ``"iterative"`` and the panel methods of
  :func:`impute_panel`.
* :func:`impute_panel` — fills across years within each unit (COINr ``impute_panel``).

Every imputer refuses an indicator with no observed value at all (:class:`DataError`) and
checks, before returning, that no observed value was altered (COINr does the same); a
violation is a bug in this module and raises :class:`RuntimeError`.

Outliers
--------
* :func:`skew_kurt` — bias-corrected skewness G1 and excess kurtosis G2 per indicator.
* :func:`flag_outliers` — COINr's skew/kurtosis rule.
* :func:`treat_outliers` — COINr ``Treat()`` defaults: winsorise up to 5 points, else a
  log transform of the original values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._checks import as_matrix
from .errors import DataError, SpecError

__all__ = [
    "ImputeResult",
    "TreatResult",
    "IMPUTE_METHODS",
    "PANEL_METHODS",
    "LOG_TRANSFORMS",
    "impute",
    "impute_none",
    "impute_mean",
    "impute_median",
    "impute_group_mean",
    "impute_group_median",
    "impute_knn",
    "impute_iterative",
    "impute_panel",
    "skewness",
    "kurtosis",
    "skew_kurt",
    "flag_outliers",
    "treat_outliers",
    "log_ct",
    "log_ct_orig",
]

PANEL_METHODS = ("ffill", "bfill", "ffill_bfill", "linear", "linear_constant")
IMPUTE_METHODS = (
    "none", "mean", "median", "group_mean", "group_median", "knn", "iterative",
) + PANEL_METHODS
LOG_TRANSFORMS = ("log_CT", "log_CT_orig", "none")

_IMPUTE_LOG_COLUMNS = ["unit", "indicator", "old", "new", "method", "reason"]
_PANEL_LOG_COLUMNS = ["unit", "time", "indicator", "old", "new", "method", "reason"]
_TREAT_LOG_COLUMNS = ["unit", "indicator", "old", "new", "action", "reason"]


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


@dataclass(frozen=True)
class TreatResult:
    """Outcome of :func:`treat_outliers`.

    Attributes
    ----------
    data : DataFrame
        Treated data, same index and columns as the input; NaNs passed through.
    log : DataFrame
        One row per changed point: ``unit, indicator, old, new, action, reason`` where
        ``action`` is ``"winhi"`` / ``"winlo"`` (winsorised at the high / low end) or
        ``"log"`` (log transform; every observed point of the indicator is listed).
    details : DataFrame
        One row per indicator (index = indicator code): ``n``, ``skew_before``,
        ``kurt_before``, ``flagged_before``, ``forced``, ``n_winsorised`` (points winsorised
        by the first stage — as COINr's ``nwin``, also when that stage is then discarded in
        favour of the log transform), ``action``
        (``"none"``, ``"skipped"``, ``"winsorise"``, ``"log_CT"``, ``"log_CT_orig"``),
        ``skew_after``, ``kurt_after``, ``flagged_after`` and a plain-language ``reason``.
    params : dict
        The parameters used.
    """

    data: pd.DataFrame
    log: pd.DataFrame
    details: pd.DataFrame
    params: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------
# Shared helpers
# ----------------------------------------------------------------------------------------


def _log_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("old", "new"):
        frame[col] = frame[col].astype(float)
    return frame.reset_index(drop=True)


def _require_observed(X: pd.DataFrame, method: str) -> None:
    """All-missing indicator → DataError (nothing to impute from)."""
    empty = list(X.columns[np.isnan(X.to_numpy(dtype=float)).all(axis=0)])
    if empty:
        raise DataError(
            f"impute({method!r}): indicator(s) {empty} have no observed value in any unit; "
            "cannot impute an all-missing column — drop it or supply data"
        )


def _check_observed_unchanged(before: pd.DataFrame, after: pd.DataFrame, method: str) -> None:
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


def _as_code_list(codes, columns: pd.Index, name: str) -> list:
    if codes is None:
        return []
    if isinstance(codes, str) or not isinstance(codes, Iterable):
        codes = [codes]
    codes = list(codes)
    unknown = [c for c in codes if c not in columns]
    if unknown:
        raise DataError(f"{name}: indicator(s) {unknown} not found in X (columns: {list(columns)})")
    return codes


# ----------------------------------------------------------------------------------------
# Column-wise imputation
# ----------------------------------------------------------------------------------------


def impute_none(X) -> ImputeResult:
    """Return ``X`` unchanged with an empty log (switch imputation off, e.g. for sensitivity
    analysis — COINr ``disable = TRUE``)."""
    X = as_matrix(X, allow_nan=True)
    return ImputeResult(X.copy(), _log_frame([], _IMPUTE_LOG_COLUMNS), "none", {})


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
    _check_observed_unchanged(X, out, stat)
    return ImputeResult(out, _log_frame(rows, _IMPUTE_LOG_COLUMNS), stat, {})


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
    _check_observed_unchanged(X, out, method)
    return ImputeResult(out, _log_frame(rows, _IMPUTE_LOG_COLUMNS), method, {})


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
    _check_observed_unchanged(X, out, method)
    miss = X.isna().to_numpy()
    rows = [
        {"unit": X.index[i], "indicator": X.columns[j], "old": np.nan,
         "new": float(out.iat[i, j]), "method": method, "reason": reason}
        for i, j in np.argwhere(miss)
    ]
    return ImputeResult(out, _log_frame(rows, _IMPUTE_LOG_COLUMNS), method, {})


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
        return ImputeResult(X.copy(), _log_frame([], _IMPUTE_LOG_COLUMNS), "knn", params)
    Z, mu, sd = _standardise(X) if standardise else (X, None, None)
    imputer = KNNImputer(n_neighbors=n_neighbors, weights=weights, keep_empty_features=True)
    filled = imputer.fit_transform(np.array(Z.to_numpy(), dtype=float))
    reason = (f"{weights} mean of {n_neighbors} nearest units (nan-euclidean distance"
              f"{' on standardised indicators' if standardise else ''})")
    res = _fill_from_model(X, filled, "knn", reason, mu, sd)
    return ImputeResult(res.data, res.log, "knn", params)


def impute_iterative(X, max_iter: int = 10, random_state: int = 0, standardise: bool = True,
                     **kwargs) -> ImputeResult:
    """Multivariate iterative imputation (:class:`sklearn.impute.IterativeImputer`, MICE-like
    chained regressions with BayesianRidge by default).

    Parameters
    ----------
    X : DataFrame
        Units × indicators.
    max_iter : int, default 10
        Imputation rounds.
    random_state : int, default 0
        Fixed so the result is reproducible; ``sample_posterior`` is always False (a single
        deterministic imputation, not a draw).
    standardise : bool, default True
        Z-score indicators before fitting and back-transform after, so the regression
        priors and convergence tolerance do not depend on the indicators' units.
    **kwargs
        Passed to ``IterativeImputer`` (e.g. ``estimator``, ``tol``, ``n_nearest_features``).

    Returns
    -------
    ImputeResult
        Only missing cells change. Deterministic for a given ``random_state``.
    """
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer

    if "sample_posterior" in kwargs and kwargs["sample_posterior"]:
        raise SpecError("impute_iterative: sample_posterior=True is not supported "
                        "(single deterministic imputation)")
    kwargs.pop("sample_posterior", None)
    X = as_matrix(X, allow_nan=True)
    _require_observed(X, "iterative")
    params = {"max_iter": max_iter, "random_state": random_state, "standardise": standardise,
              **kwargs}
    if not X.isna().any().any():
        return ImputeResult(X.copy(), _log_frame([], _IMPUTE_LOG_COLUMNS), "iterative", params)
    Z, mu, sd = _standardise(X) if standardise else (X, None, None)
    imputer = IterativeImputer(max_iter=max_iter, random_state=random_state,
                               sample_posterior=False, keep_empty_features=True, **kwargs)
    filled = imputer.fit_transform(np.array(Z.to_numpy(), dtype=float))
    estimator = type(imputer.estimator).__name__ if imputer.estimator is not None else "BayesianRidge"
    reason = f"IterativeImputer ({estimator}, max_iter={max_iter}, random_state={random_state})"
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
    log = _log_frame(rows, _PANEL_LOG_COLUMNS)
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
        _check_observed_unchanged(X, out, method)
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
    _check_observed_unchanged(X, out, method)
    return ImputeResult(out, _log_frame(rows, _PANEL_LOG_COLUMNS), method,
                        {"unit_level": unit_level, "time_level": time_level, "max_gap": max_gap})


# ----------------------------------------------------------------------------------------
# Skewness / kurtosis
# ----------------------------------------------------------------------------------------


def _moments(x: np.ndarray):
    """Central moment ratios of observed values, scaled to avoid overflow.

    Returns (n, g1, g2) with g1 = m3/m2^1.5 and g2 = m4/m2^2 - 3, or NaN where undefined
    (constant data).
    """
    n = x.size
    if n == 0 or np.ptp(x) == 0:
        return n, np.nan, np.nan
    d = x - x.mean()
    scale = np.max(np.abs(d))
    d = d / scale
    m2 = np.mean(d**2)
    if m2 == 0:
        return n, np.nan, np.nan
    m3 = np.mean(d**3)
    m4 = np.mean(d**4)
    return n, m3 / m2**1.5, m4 / m2**2 - 3.0


def skewness(x) -> float:
    """Adjusted Fisher–Pearson skewness G1 of the non-NaN values (COINr ``skew``,
    e1071 type 2, Excel ``SKEW``, ``scipy.stats.skew(bias=False)``).

    ``G1 = g1 * sqrt(n (n - 1)) / (n - 2)`` with ``g1 = m3 / m2**1.5``. NaN if fewer than
    3 observed values or if the values are constant.
    """
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    n, g1, _ = _moments(x)
    if n < 3:
        return np.nan
    return float(g1 * np.sqrt(n * (n - 1)) / (n - 2))


def kurtosis(x) -> float:
    """Bias-corrected *excess* kurtosis G2 of the non-NaN values (COINr ``kurt``, e1071
    type 2, Excel ``KURT``, ``scipy.stats.kurtosis(fisher=True, bias=False)``).

    ``G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2)(n - 3))`` with ``g2 = m4 / m2**2 - 3``.
    NaN if fewer than 4 observed values or if the values are constant.
    """
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    n, _, g2 = _moments(x)
    if n < 4:
        return np.nan
    return float(((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)))


def _fails(sk: float, ku: float, skew_thresh: float, kurt_thresh: float) -> bool:
    """COINr check_SkewKurt negated: fail iff |skew| >= t_s and kurt >= t_k (NaN → pass)."""
    if np.isnan(sk) or np.isnan(ku):
        return False
    return bool(abs(sk) >= skew_thresh and ku >= kurt_thresh)


def _stat_reason(n: int, sk: float, ku: float, skew_thresh: float, kurt_thresh: float,
                 constant: bool) -> str:
    if n == 0:
        return "all values missing: not assessed"
    if n < 3:
        return f"only {n} observed values: skew needs n >= 3, kurtosis n >= 4; not flagged"
    if n < 4:
        return "only 3 observed values: kurtosis needs n >= 4; not flagged"
    if constant:
        return "constant values: skew and kurtosis undefined; not flagged"
    if _fails(sk, ku, skew_thresh, kurt_thresh):
        return f"|skew| = {abs(sk):.4g} >= {skew_thresh} and kurt = {ku:.4g} >= {kurt_thresh}"
    if abs(sk) < skew_thresh:
        return f"passes: |skew| = {abs(sk):.4g} < {skew_thresh}"
    return f"passes: kurt = {ku:.4g} < {kurt_thresh}"


def skew_kurt(X, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> pd.DataFrame:
    """Skewness, excess kurtosis and the COINr outlier flag of every indicator.

    Parameters
    ----------
    X : DataFrame
        Units × indicators; NaNs are ignored (statistics use the observed values).
    skew_thresh, kurt_thresh : float
        Thresholds of the flag (see :func:`flag_outliers`).

    Returns
    -------
    DataFrame
        Index = indicator code; columns ``n`` (observed values), ``skew`` (G1, needs
        n >= 3), ``kurt`` (excess G2, needs n >= 4), ``flagged`` (bool) and ``reason``.
        Constant columns have undefined (NaN) skew and kurtosis and are not flagged;
        all-missing columns are not flagged, with the reason given.
    """
    X = as_matrix(X, allow_nan=True)
    recs = {}
    for col in X.columns:
        x = X[col].to_numpy()
        x = x[~np.isnan(x)]
        n = int(x.size)
        sk, ku = skewness(x), kurtosis(x)
        constant = n > 0 and np.ptp(x) == 0
        recs[col] = {
            "n": n, "skew": sk, "kurt": ku,
            "flagged": _fails(sk, ku, skew_thresh, kurt_thresh),
            "reason": _stat_reason(n, sk, ku, skew_thresh, kurt_thresh, constant),
        }
    table = pd.DataFrame.from_dict(recs, orient="index",
                                   columns=["n", "skew", "kurt", "flagged", "reason"])
    table.index.name = "indicator"
    return table.astype({"n": int, "skew": float, "kurt": float, "flagged": bool})


def flag_outliers(X, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> pd.Series:
    """Which indicators have outliers by COINr's skew/kurtosis rule.

    COINr ``check_SkewKurt`` *passes* an indicator when ``|skew| < skew_thresh`` OR
    ``kurt < kurt_thresh``. Flagged is its exact negation:

        flagged  ⇔  |skew| >= skew_thresh  AND  kurt >= kurt_thresh

    so a value lying exactly on a threshold counts as failing (as in ``Treat()``; COINr's
    descriptive ``get_stats`` uses strict ``>`` instead — the two differ only on the
    boundary). Kurtosis is *excess* kurtosis (normal = 0). An indicator with fewer than 4
    observed values, or constant values, is never flagged (statistics undefined).

    Returns
    -------
    Series of bool indexed by indicator code (name ``"flagged"``).
    """
    return skew_kurt(X, skew_thresh, kurt_thresh)["flagged"].rename("flagged")


# ----------------------------------------------------------------------------------------
# Outlier treatment
# ----------------------------------------------------------------------------------------


def log_ct(x) -> np.ndarray:
    """COINr ``log_CT``: ``ln(x - min(x) + 0.01 (max(x) - min(x)))`` (NaNs ignored, kept)."""
    x = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(x), np.nanmax(x)
    return np.log(x - lo + 0.01 * (hi - lo))


def log_ct_orig(x) -> np.ndarray:
    """COINr ``log_CT_orig`` ("COIN Tool log"): ``ln(x - min(x) + 1)`` (NaNs kept)."""
    x = np.asarray(x, dtype=float)
    return np.log(x - np.nanmin(x) + 1.0)


_LOG_FUNCS = {"log_CT": log_ct, "log_CT_orig": log_ct_orig}
_LOG_FORMULAS = {"log_CT": "ln(x - min + 0.01*(max - min))", "log_CT_orig": "ln(x - min + 1)"}


def _winsorise(v: np.ndarray, winmax: int, skew_thresh: float, kurt_thresh: float,
               force: bool):
    """COINr ``winsorise`` on observed values ``v`` (no NaN).

    While the vector fails (or ``force``) and fewer than ``winmax`` points have been
    changed: if skew >= 0 set all points equal to the current maximum to the next-highest
    distinct value, else all points equal to the minimum to the next-lowest. Returns the
    winsorised vector and a per-point side label ("" / "winhi" / "winlo").
    """
    w = v.copy()
    side = np.full(w.size, "", dtype=object)
    changed = np.zeros(w.size, dtype=bool)
    while changed.sum() < winmax:
        sk, ku = skewness(w), kurtosis(w)
        if not (force or _fails(sk, ku, skew_thresh, kurt_thresh)) or np.isnan(sk):
            break
        if sk >= 0:
            hit = w == w.max()
            if hit.all():
                break
            w[hit] = w[~hit].max()
            side[hit] = "winhi"
        else:
            hit = w == w.min()
            if hit.all():
                break
            w[hit] = w[~hit].min()
            side[hit] = "winlo"
        changed |= hit
    return w, side, changed


def treat_outliers(X, winmax: int = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5,
                   log_transform: str = "log_CT", force=None, skip=None) -> TreatResult:
    """Treat outliers with COINr's ``Treat()`` default two-stage procedure.

    For each indicator (NaNs ignored in the statistics and passed through unchanged):

    1. If it passes :func:`flag_outliers` (and is not in ``force``), leave it alone.
    2. Winsorise (COINr ``winsorise``): while it fails and fewer than ``winmax`` points
       have been winsorised, if skew >= 0 replace the current maximum value(s) — tied
       points together — by the next-highest value (``"winhi"``), otherwise the minimum
       value(s) by the next-lowest (``"winlo"``); re-test after each step. Because ties
       move together the count can overshoot ``winmax`` (as in COINr).
    3. If it still fails, discard the winsorisation and apply ``log_transform`` to the
       **original** values (COINr ``combine_treat = FALSE``). The transform is kept even if
       the indicator still fails afterwards (``details.flagged_after`` says so).

    Parameters
    ----------
    X : DataFrame
        Units × indicators.
    winmax : int, default 5
        Maximum number of points to winsorise per indicator (>= 0).
    skew_thresh, kurt_thresh : float, default 2 and 3.5
        Thresholds of the fail rule ``|skew| >= skew_thresh and kurt >= kurt_thresh``
        (excess kurtosis).
    log_transform : {"log_CT", "log_CT_orig", "none"}, default "log_CT"
        ``log_CT`` = ``ln(x - min + 0.01 (max - min))``; ``log_CT_orig`` =
        ``ln(x - min + 1)``; ``"none"`` keeps the winsorised values even if still failing.
        Both logs are increasing, so the direction of the indicator is preserved.
    force : str or list of str, optional
        Indicators to winsorise up to ``winmax`` points even if they pass (COINr
        ``force_win = TRUE``, which in COINr's ``Treat()`` has no effect — issue #53; here it
        does). If still failing after ``winmax`` points, step 3 applies.
    skip : str or list of str, optional
        Indicators left untouched (COINr ``indiv_specs = "none"``).

    Returns
    -------
    TreatResult
        ``data``, ``log`` (one row per changed point) and ``details`` (one row per
        indicator).

    Raises
    ------
    DataError
        Unknown indicator in ``force``/``skip``, or an indicator in both.
    SpecError
        Bad ``winmax`` or ``log_transform``.
    """
    if log_transform not in LOG_TRANSFORMS:
        raise SpecError(f"treat_outliers: log_transform must be one of {list(LOG_TRANSFORMS)}, "
                        f"got {log_transform!r}")
    if isinstance(winmax, bool) or not isinstance(winmax, int | np.integer) or winmax < 0:
        raise SpecError(f"treat_outliers: winmax must be an integer >= 0, got {winmax!r}")
    X = as_matrix(X, allow_nan=True)
    force = _as_code_list(force, X.columns, "force")
    skip = _as_code_list(skip, X.columns, "skip")
    both = sorted(set(force) & set(skip), key=str)
    if both:
        raise DataError(f"treat_outliers: indicator(s) {both} are in both `force` and `skip`")

    values = X.to_numpy().copy()
    log_blocks: list[pd.DataFrame] = []  # one block per treated indicator, in column order
    details = {}
    for j, col in enumerate(X.columns):
        s = X[col]
        mask = s.notna().to_numpy()
        v = s.to_numpy()[mask]
        units = s.index[mask]
        n = int(v.size)
        sk0, ku0 = skewness(v), kurtosis(v)
        failing0 = _fails(sk0, ku0, skew_thresh, kurt_thresh)
        forced = col in force
        rec = {"n": n, "skew_before": sk0, "kurt_before": ku0, "flagged_before": failing0,
               "forced": forced, "n_winsorised": 0, "action": "none",
               "skew_after": sk0, "kurt_after": ku0, "flagged_after": failing0}
        if col in skip:
            rec["action"] = "skipped"
            rec["reason"] = "in skip list: left untouched"
            details[col] = rec
            continue
        if not (failing0 or forced):
            rec["reason"] = _stat_reason(n, sk0, ku0, skew_thresh, kurt_thresh,
                                         n > 0 and np.ptp(v) == 0)
            details[col] = rec
            continue
        if n < 3 or np.ptp(v) == 0:
            rec["reason"] = "forced, but skew is undefined (n < 3 or constant): left untouched"
            details[col] = rec
            continue

        w, side, changed = _winsorise(v, winmax, skew_thresh, kurt_thresh, forced)
        sk1, ku1 = skewness(w), kurtosis(w)
        failing1 = _fails(sk1, ku1, skew_thresh, kurt_thresh)
        nwin = int(changed.sum())
        why = "forced winsorisation" if forced and not failing0 else "flagged"
        if failing1 and log_transform != "none":
            new = _LOG_FUNCS[log_transform](v)
            sk2, ku2 = skewness(new), kurtosis(new)
            formula = _LOG_FORMULAS[log_transform]
            # every point changes: log them as one block (a dict per point is slow at 10⁵ units)
            log_blocks.append(pd.DataFrame({
                "unit": units, "indicator": col, "old": v.astype(float), "new": new.astype(float),
                "action": "log", "reason": f"{log_transform}: {formula} of original values"}))
            values[mask, j] = new
            rec.update(n_winsorised=nwin, action=log_transform, skew_after=sk2, kurt_after=ku2,
                       flagged_after=_fails(sk2, ku2, skew_thresh, kurt_thresh),
                       reason=(f"{why}; still failing after winsorising {nwin} point(s) "
                               f"(winmax={winmax}); {log_transform} applied to original values"
                               + ("; still flagged after transform"
                                  if _fails(sk2, ku2, skew_thresh, kurt_thresh) else "")))
        else:
            log_rows = []
            for idx in np.flatnonzero(changed):
                log_rows.append({"unit": units[idx], "indicator": col, "old": float(v[idx]),
                                 "new": float(w[idx]), "action": side[idx],
                                 "reason": ("winsorised to next-highest value"
                                            if side[idx] == "winhi"
                                            else "winsorised to next-lowest value")})
            if log_rows:
                log_blocks.append(pd.DataFrame(log_rows))
            values[mask, j] = w
            if failing1:
                reason = (f"{why}; still failing after winsorising {nwin} point(s) "
                          "and log_transform='none': winsorised values kept")
            else:
                reason = f"{why}; winsorised {nwin} point(s)"
            rec.update(n_winsorised=nwin, action="winsorise" if nwin else "none",
                       skew_after=sk1, kurt_after=ku1, flagged_after=failing1, reason=reason)
        details[col] = rec

    out = pd.DataFrame(values, index=X.index, columns=X.columns)
    # invariant: NaNs are passed through, no new NaN appears
    if not np.array_equal(np.isnan(values), X.isna().to_numpy()):
        raise RuntimeError("internal error in treat_outliers: the set of missing cells changed")
    det = pd.DataFrame.from_dict(details, orient="index",
                                 columns=["n", "skew_before", "kurt_before", "flagged_before",
                                          "forced", "n_winsorised", "action", "skew_after",
                                          "kurt_after", "flagged_after", "reason"])
    det.index.name = "indicator"
    det = det.astype({"n": int, "n_winsorised": int, "flagged_before": bool, "forced": bool,
                      "flagged_after": bool, "skew_before": float, "kurt_before": float,
                      "skew_after": float, "kurt_after": float})
    params = {"winmax": winmax, "skew_thresh": skew_thresh, "kurt_thresh": kurt_thresh,
              "log_transform": log_transform, "force": force, "skip": skip}
    log = (pd.concat(log_blocks, ignore_index=True)[_TREAT_LOG_COLUMNS] if log_blocks
           else pd.DataFrame(columns=_TREAT_LOG_COLUMNS))
    return TreatResult(out, _log_frame(log, _TREAT_LOG_COLUMNS), det, params)
