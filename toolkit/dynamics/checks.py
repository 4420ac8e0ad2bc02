"""Checks at the edge of the dynamics functions: values and groups aligned, nothing missing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError


def aligned(values: pd.Series, groups: pd.Series | None, where: str) -> tuple[pd.Series, pd.Series | None]:
    """``values`` as floats and ``groups`` reindexed to them; a clear error for a missing value.

    Examples
    --------
    >>> aligned(pd.Series([1, 2]), pd.Series(["a", "b"]), "f")[0].tolist()
    [1.0, 2.0]
    >>> aligned(pd.Series([1.0, None]), None, "f")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: f: values has 1 missing value(s), first at 1; drop or impute them first
    """
    if not isinstance(values, pd.Series):
        values = pd.Series(np.asarray(values, float))
    y = pd.to_numeric(values, errors="coerce").astype(float)
    bad = y.isna() & values.notna()
    if bad.any():
        raise DataError(f"{where}: {values.name or 'values'} has a non-numeric value "
                        f"{values[bad].iloc[0]!r} at {values[bad].index[0]!r}")
    if y.isna().any():
        raise DataError(f"{where}: {values.name or 'values'} has {int(y.isna().sum())} missing value(s), "
                        f"first at {y[y.isna()].index[0]!r}; drop or impute them first")
    if len(y) == 0:
        raise DataError(f"{where}: no values")
    if groups is None:
        return y, None
    if not isinstance(groups, pd.Series):
        groups = pd.Series(list(groups), index=y.index)
    if not groups.index.equals(y.index):
        missing = y.index.difference(groups.index)
        if len(missing):
            raise DataError(f"{where}: groups has no entry for {len(missing)} unit(s), e.g. {missing[0]!r}")
        groups = groups.reindex(y.index)
    if groups.isna().any():
        raise DataError(f"{where}: {groups.name or 'groups'} is missing for {int(groups.isna().sum())} unit(s), "
                        f"e.g. {groups[groups.isna()].index[0]!r}")
    return y, groups
