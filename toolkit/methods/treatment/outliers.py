"""Outlier treatment (OECD/JRC step 3, second half; re-exported by :mod:`toolkit.methods.treatment.treat`).

Follows COINr (``R/treat.R``, v1.1.x) and returns a small frozen :class:`TreatResult` whose
``.data`` is the treated DataFrame (same index and columns as the input) and whose ``.log`` is
a tidy DataFrame listing **every cell that was changed** — unit, indicator, old value, new
value and why — so that what was treated is always recorded.

* :func:`skew_kurt` — bias-corrected skewness G1 and excess kurtosis G2 per indicator, and
  :func:`flag_outliers` — COINr's skew/kurtosis rule (both from :mod:`toolkit.methods.treatment.moments`,
  re-exported here).
* :func:`treat_outliers` — COINr ``Treat()`` defaults: winsorise up to 5 points, else a
  log transform of the original values.
* :func:`log_ct`, :func:`log_ct_orig` — the two log transforms (:data:`LOG_TRANSFORMS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..changelog import change_log
from ..checks import as_matrix
from ..declared import Method, Param, Registry
from .moments import (
    column_skew_kurt,
    fails_rule,
    flag_outliers,
    kurtosis,
    skew_kurt,
    skew_kurt_1d,
    skewness,
    stat_reason,
)

__all__ = [
    "TREATMENT",
    "TreatResult",
    "LOG_TRANSFORMS",
    "skewness",
    "kurtosis",
    "skew_kurt",
    "column_skew_kurt",
    "flag_outliers",
    "treat_outliers",
    "log_ct",
    "log_ct_orig",
]

LOG_TRANSFORMS = ("log_CT", "log_CT_orig", "none")

_TREAT_LOG_COLUMNS = ["unit", "indicator", "old", "new", "action", "reason"]


# ----------------------------------------------------------------------------------------
# Result objects
# ----------------------------------------------------------------------------------------


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
# Helpers
# ----------------------------------------------------------------------------------------


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
        sk, ku = skew_kurt_1d(w)
        if not (force or fails_rule(sk, ku, skew_thresh, kurt_thresh)) or np.isnan(sk):
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

    values = X.to_numpy(dtype=float, copy=True)
    observed = ~np.isnan(values)
    ns, sks, kus = column_skew_kurt(values)  # every column's statistics in one pass
    labels = None  # the row labels as one array, made once (a MultiIndex materialises its tuples)
    log_blocks: list[pd.DataFrame] = []  # one block per treated indicator, in column order
    details = {}
    for j, col in enumerate(X.columns):
        mask = observed[:, j]
        v = values[mask, j].copy()
        n, sk0, ku0 = int(ns[j]), float(sks[j]), float(kus[j])
        failing0 = fails_rule(sk0, ku0, skew_thresh, kurt_thresh)
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
            rec["reason"] = stat_reason(n, sk0, ku0, skew_thresh, kurt_thresh,
                                         n > 0 and np.ptp(v) == 0)
            details[col] = rec
            continue
        if n < 3 or np.ptp(v) == 0:
            rec["reason"] = "forced, but skew is undefined (n < 3 or constant): left untouched"
            details[col] = rec
            continue

        if labels is None:
            labels = X.index.to_numpy()
        units = labels[mask]
        w, side, changed = _winsorise(v, winmax, skew_thresh, kurt_thresh, forced)
        sk1, ku1 = skew_kurt_1d(w)
        failing1 = fails_rule(sk1, ku1, skew_thresh, kurt_thresh)
        nwin = int(changed.sum())
        why = "forced winsorisation" if forced and not failing0 else "flagged"
        if failing1 and log_transform != "none":
            new = _LOG_FUNCS[log_transform](v)
            sk2, ku2 = skew_kurt_1d(new)
            formula = _LOG_FORMULAS[log_transform]
            # every point changes: log them as one block (a dict per point is slow at 10⁵ units)
            log_blocks.append(pd.DataFrame({
                "unit": units, "indicator": col, "old": v.astype(float), "new": new.astype(float),
                "action": "log", "reason": f"{log_transform}: {formula} of original values"}))
            values[mask, j] = new
            rec.update(n_winsorised=nwin, action=log_transform, skew_after=sk2, kurt_after=ku2,
                       flagged_after=fails_rule(sk2, ku2, skew_thresh, kurt_thresh),
                       reason=(f"{why}; still failing after winsorising {nwin} point(s) "
                               f"(winmax={winmax}); {log_transform} applied to original values"
                               + ("; still flagged after transform"
                                  if fails_rule(sk2, ku2, skew_thresh, kurt_thresh) else "")))
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
    return TreatResult(out, change_log(log, _TREAT_LOG_COLUMNS), det, params)


def _untreated(X, **_params):
    return X


#: the outlier-treatment step's registry (``outliers.method``)
TREATMENT = Registry("outlier treatment", "outliers.method", "coinr")
TREATMENT.register(Method("none", "outlier treatment", _untreated, columnwise=True, label_zh="不处理",
                          doc="leave outliers as they are", doc_zh="不处理离群值"))
TREATMENT.register(Method("coinr", "outlier treatment", treat_outliers, columnwise=True, params=(
    Param("winmax", "integer", 5, "maximum points winsorised per indicator", low=0, per_indicator=True),
    Param("skew_thresh", "number", 2.0, "|skewness| threshold", low=0, low_open=True, per_indicator=True),
    Param("kurt_thresh", "number", 3.5, "excess kurtosis threshold", low=0, low_open=True, per_indicator=True),
    Param("log_transform", "choice", "log_CT", "transform when winsorising fails",
          choices=("log_CT", "log_CT_orig", "none"), per_indicator=True)),
    label_en="COINr winsorise-then-log", label_zh="COINr 缩尾后取对数",
    doc="winsorise up to winmax points while |skew| and kurtosis are high, else log-transform (COINr Treat)",
    doc_zh="偏度和峰度过高时缩尾至多 winmax 个点，否则取对数（COINr Treat）"))
