"""What an imputation returns and the invariants every imputer keeps (:mod:`toolkit.methods.imputation.impute`,
:mod:`toolkit.methods.imputation.impute_panel`): the imputed data with a log of every changed cell, an
all-missing indicator refused, and observed values never altered."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import DataError

#: the columns of an imputation log (panel imputation adds ``time`` after ``unit``)
IMPUTE_LOG_COLUMNS = ["unit", "indicator", "old", "new", "method", "reason"]
PANEL_LOG_COLUMNS = ["unit", "time", "indicator", "old", "new", "method", "reason"]


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


def require_observed(X: pd.DataFrame, method: str) -> None:
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
