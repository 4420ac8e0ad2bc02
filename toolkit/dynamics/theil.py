"""Theil's T index with its within/between decomposition by group (PySAL ``inequality.theil.TheilD``).

T = (1/n) Σ_i (y_i/μ) ln(y_i/μ); with groups g: T = T_between + T_within, where
T_between = Σ_g s_g ln(μ_g/μ) and T_within = Σ_g s_g T_g, s_g the group's share of the total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from inequality.theil import TheilD

from ..errors import DataError
from .checks import aligned


def theil(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Theil's T of ``values`` and its between/within parts by ``groups`` (one cross-section).

    Parameters
    ----------
    values : Series
        Positive values.
    groups : Series
        Each unit's group, same index.

    Returns
    -------
    Series
        ``theil``, ``between``, ``within`` (between + within = theil) and ``share_between``.

    Examples
    --------
    >>> r = theil(pd.Series([1.0, 1.0, 3.0, 3.0]), pd.Series(list("aabb")))
    >>> r.round(4).to_dict()    # all the inequality lies between the groups
    {'theil': 0.1308, 'between': 0.1308, 'within': 0.0, 'share_between': 1.0}
    """
    y, g = aligned(values, groups, "theil")
    if (y <= 0).any():
        raise DataError(f"theil: values must be positive (the log of 0 is undefined); "
                        f"{int((y <= 0).sum())} value(s) ≤ 0, e.g. at {y[y <= 0].index[0]!r}")
    codes = pd.factorize(g)[0]
    t = TheilD(y.to_numpy(float)[:, None], codes)
    total, between, within = float(np.ravel(t.T)[0]), float(np.ravel(t.bg)[0]), float(np.ravel(t.wg)[0])
    return pd.Series({"theil": total, "between": between, "within": within,
                      "share_between": between / total if total > 0 else float("nan")})


def theil_panel(values: pd.Series, groups: pd.Series, year: str = "year") -> pd.DataFrame:
    """:func:`theil` in every year (index level ``year``); one row per year.

    Parameters
    ----------
    values, groups : Series
        Same index, with a level ``year``.
    year : str
        That level's name.

    Returns
    -------
    DataFrame
        Index year; the columns of :func:`theil`.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([[2024, 2025], range(4)], names=["year", "unit"])
    >>> theil_panel(pd.Series([1.0, 1, 3, 3, 2, 2, 2, 2], index=idx), pd.Series(list("aabb") * 2, index=idx))["theil"].round(4).tolist()
    [0.1308, 0.0]
    """
    years = values.index.get_level_values(year)
    out = {t: theil(values[years == t], groups[years == t]) for t in sorted(years.unique())}
    frame = pd.DataFrame(out).T
    frame.index.name = year
    return frame
