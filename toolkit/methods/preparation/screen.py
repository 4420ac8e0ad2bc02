"""Unit screening: drop units with too little data or too many zeros (COINr ``Screen``).

COINr's rules (``R/screen_units.R``), applied to the indicator columns of each unit (row):

* data availability ``1 − n_missing / n_indicators``; a unit has *low data* when it is below
  ``dat_thresh`` (default 2/3);
* non-zero share ``1 − n_zero / (n_indicators − n_missing)``; a unit has *low non-zero* when it
  is below ``nonzero_thresh`` (default 0.05);
* ``byNA`` drops units with low data, ``byzeros`` those with low non-zero, ``byNAandzeros``
  those with either;
* ``force_include`` / ``force_exclude`` override the rule for the units they name.

The log says, for every unit, its availability, its non-zero share, whether it was kept and
why. This is the one implementation, used by :func:`toolkit.build_index` and the uncertainty
engine alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..declared import Method, Param, Registry

__all__ = ["SCREENING", "SCREEN_RULES", "ScreenResult", "screen_units"]

SCREEN_RULES = ("none", "byNA", "byzeros", "byNAandzeros")


@dataclass(frozen=True)
class ScreenResult:
    """``data``: the rows kept; ``log``: one row per unit (n_missing, n_zero, availability,
    non_zero, included, reason); ``removed``: the labels of the rows dropped."""

    data: pd.DataFrame
    log: pd.DataFrame
    removed: list


def screen_units(X: pd.DataFrame, rule: str = "byNA", dat_thresh: float = 2 / 3,
                 nonzero_thresh: float = 0.05, force_include=(), force_exclude=()) -> ScreenResult:
    """Screen the rows of ``X`` by data availability and/or the share of non-zero values.

    Parameters
    ----------
    X : DataFrame
        Units × indicators, indexed by unit id (or by (unit_id, year): then each row is
        screened on its own, and the force lists name unit ids).
    rule : {"byNA", "byzeros", "byNAandzeros", "none"}
    dat_thresh, nonzero_thresh : float in [0, 1]
        A unit is kept when its availability (non-zero share) is at least the threshold.
    force_include, force_exclude : iterable of unit ids
        Kept / dropped whatever the rule says.

    Returns
    -------
    ScreenResult

    Raises
    ------
    SpecError
        For an unknown rule, a threshold outside [0, 1], a forced unit that is not in the data
        or a unit in both lists.
    DataError
        When no unit is left.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1.0, None, 0.0], "b": [2.0, None, 0.0], "c": [3.0, 1.0, 0.0]},
    ...                  index=pd.Index(["A", "B", "C"], name="unit_id"))
    >>> r = screen_units(X, "byNA", dat_thresh=0.5)
    >>> list(r.data.index), r.removed
    (['A', 'C'], ['B'])
    >>> r.log.loc["B", "reason"]
    'data availability 0.333 < 0.5'
    >>> list(screen_units(X, "byNAandzeros", 0.5, 0.05, force_include=["B"]).data.index)
    ['A', 'B']
    """
    if rule not in SCREEN_RULES:
        raise SpecError(f"screening: rule must be one of {list(SCREEN_RULES)}, got {rule!r}")
    for name, t in (("dat_thresh", dat_thresh), ("nonzero_thresh", nonzero_thresh)):
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 <= t <= 1:
            raise SpecError(f"screening: {name} must be a number within [0, 1], got {t!r}")
    include, exclude = [str(u) for u in force_include or ()], [str(u) for u in force_exclude or ()]
    labels = None
    if include or exclude:  # the units' names only when a force list needs them
        level = X.index.get_level_values(0) if isinstance(X.index, pd.MultiIndex) else X.index
        labels = np.asarray(level.astype(str))
        units = set(labels)
        for name, lst in (("force_include", include), ("force_exclude", exclude)):
            absent = sorted(set(lst) - units)
            if absent:
                raise SpecError(f"screening: {name} names unit(s) {absent} that are not in the data")
    both = sorted(set(include) & set(exclude))
    if both:
        raise SpecError(f"screening: unit(s) {both} are in both force_include and force_exclude")
    a = X.to_numpy(dtype=float)
    k = a.shape[1]
    n_missing = np.isnan(a).sum(axis=1)
    n_zero = (a == 0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        avail = 1 - n_missing / k
        nonzero = 1 - n_zero / (k - n_missing)
    low_data = avail < dat_thresh
    low_nonzero = nonzero < nonzero_thresh  # NaN (no observed value) compares False, as in R's NA
    keep = {"none": np.ones(len(a), bool), "byNA": ~low_data, "byzeros": ~low_nonzero,
            "byNAandzeros": ~(low_data | low_nonzero)}[rule]
    why_na = low_data if rule in ("byNA", "byNAandzeros") else np.zeros(len(a), bool)
    why_zero = low_nonzero if rule in ("byzeros", "byNAandzeros") else np.zeros(len(a), bool)
    reasons = np.full(len(a), "kept", dtype=object)
    forced_in = np.isin(labels, include) if labels is not None else np.zeros(len(a), bool)
    forced_out = np.isin(labels, exclude) if labels is not None else np.zeros(len(a), bool)
    for i in np.flatnonzero(why_na | why_zero | forced_in | forced_out):  # only the units with a reason
        why = []
        if why_na[i]:
            why.append(f"data availability {avail[i]:.3g} < {dat_thresh:.3g}")
        if why_zero[i]:
            why.append(f"non-zero share {nonzero[i]:.3g} < {nonzero_thresh:.3g}")
        if forced_in[i]:
            keep[i] = True
            why = ["forced in" + (f" (would be dropped: {'; '.join(why)})" if why else "")]
        elif forced_out[i]:
            keep[i] = False
            why = ["forced out"]
        reasons[i] = "; ".join(why) if why else "kept"
    log = pd.DataFrame({"n_missing": n_missing, "n_zero": n_zero, "availability": avail,
                        "non_zero": nonzero, "included": keep, "reason": reasons}, index=X.index)
    if not keep.any():
        raise DataError(f"screening ({rule}, dat_thresh={dat_thresh}, nonzero_thresh={nonzero_thresh}) "
                        "leaves no unit")
    return ScreenResult(X if keep.all() else X[keep], log, list(X.index[~keep]))


#: the unit-screening step's registry (``screening.method``)
SCREENING = Registry("unit screening", "screening.method", "none")
_SCREEN = "screening judges each unit on its values over all indicators together (a share of them)"
_SCREEN_PARAMS = (
    Param("dat_thresh", "number", 2 / 3, "least share of indicators observed", low=0, high=1, shared=_SCREEN),
    Param("nonzero_thresh", "number", 0.05, "least share of non-zero observed values", low=0, high=1,
          shared=_SCREEN),
    Param("force_include", "list", [], "unit ids kept whatever the rule"),
    Param("force_exclude", "list", [], "unit ids dropped whatever the rule"))
for _name, _zh, _doc in (("none", "不筛选", "keep every unit"),
                         ("byNA", "按缺失筛选", "drop units with too few observed indicators (COINr byNA)"),
                         ("byzeros", "按零值筛选", "drop units with too many zeros (COINr byzeros)"),
                         ("byNAandzeros", "按缺失和零值筛选", "both rules (COINr byNAandzeros)")):
    SCREENING.register(Method(_name, "unit screening", partial(screen_units, rule=_name), label_zh=_zh, doc=_doc,
                              params=() if _name == "none" else _SCREEN_PARAMS))
