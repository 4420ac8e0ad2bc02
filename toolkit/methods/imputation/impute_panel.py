"""Panel imputation: filling gaps across years within each unit (COINr ``impute_panel``),
logged cell by cell like every imputer (:class:`~toolkit.methods.imputation.impute_result.ImputeResult`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..changelog import change_log
from ..checks import as_matrix
from .impute_result import (
    PANEL_LOG_COLUMNS,
    ImputeResult,
    check_observed_unchanged,
    require_observed,
)

__all__ = ["PANEL_METHODS", "impute_panel"]

PANEL_METHODS = ("ffill", "bfill", "ffill_bfill", "linear", "linear_constant")




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
    log = change_log(rows, PANEL_LOG_COLUMNS)
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
    require_observed(X, method)

    if units.is_unique:  # one row per unit (a single year): nothing to carry or interpolate
        return ImputeResult(X, change_log([], PANEL_LOG_COLUMNS), method,
                            {"unit_level": unit_level, "time_level": time_level, "max_gap": max_gap})
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
    return ImputeResult(out, change_log(rows, PANEL_LOG_COLUMNS), method,
                        {"unit_level": unit_level, "time_level": time_level, "max_gap": max_gap})
