"""Denomination: divide indicators by a size column (COINr ``Denominate``).

Size-dependent indicators (flights, trade, patents) are made comparable across units of
different size by dividing by a denominator — population, GDP, area, energy use — carried as a
unit column. COINr's rule (``R/denominate.R``): ``x_new = x / (denominator / scale)``, with the
scale factor 1 unless given (so ``scale: 1000`` turns "per person" into "per thousand people").

The framework declares, per indicator, ``denominator:`` (a unit column with role
``denominator``) and optionally ``scale:``; a spec may override them in its ``denomination``
section. This is the one implementation, used by :func:`toolkit.build_index` and the
uncertainty engine alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..declared import Method, Param, Registry

__all__ = ["DENOMINATION", "DenominateResult", "denominate"]


@dataclass(frozen=True)
class DenominateResult:
    """``data``: the indicators with the denominated columns divided; ``log``: one row per
    denominated indicator (indicator, denominator, scale, n_missing_denominator)."""

    data: pd.DataFrame
    log: pd.DataFrame


def denominate(X: pd.DataFrame, denominators: pd.DataFrame, by: Mapping) -> DenominateResult:
    """Divide each indicator named in ``by`` by its denominator column.

    Parameters
    ----------
    X : DataFrame
        Units × indicators.
    denominators : DataFrame
        The denominator columns, with the same index as ``X``.
    by : mapping
        Indicator code → denominator column name, or → ``(column, scale)`` /
        ``{"denominator": column, "scale": s}``; ``x / (d / scale)``.

    Returns
    -------
    DenominateResult
        A missing denominator gives a missing value (listed in the log).

    Raises
    ------
    SpecError
        When ``by`` names an indicator not in ``X`` or a column not in ``denominators``, or a
        scale that is not a positive number.
    DataError
        When a denominator is zero or negative where the indicator is observed.

    Examples
    --------
    >>> X = pd.DataFrame({"flights": [10.0, 30.0], "lpi": [3.0, 4.0]}, index=["A", "B"])
    >>> pop = pd.DataFrame({"pop": [2.0, 10.0]}, index=["A", "B"])
    >>> denominate(X, pop, {"flights": "pop"}).data
       flights  lpi
    A      5.0  3.0
    B      3.0  4.0
    >>> denominate(X, pop, {"flights": ("pop", 1000)}).data["flights"].tolist()
    [5000.0, 3000.0]
    """
    rows, codes, dens = [], [], []
    aligned = denominators.reindex(X.index)
    for code, spec in by.items():
        if isinstance(spec, Mapping):
            column, scale = spec.get("denominator"), spec.get("scale", 1.0)
        elif isinstance(spec, (tuple, list)):
            column, scale = spec
        else:
            column, scale = spec, 1.0
        if code not in X.columns:
            raise SpecError(f"denomination: {code!r} is not an indicator of the data; "
                            f"indicators: {list(X.columns)}")
        if column not in denominators.columns:
            raise SpecError(f"denomination of {code}: no denominator column {column!r}; "
                            f"available: {list(denominators.columns)}")
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not scale > 0:
            raise SpecError(f"denomination of {code}: scale must be a positive number, got {scale!r}")
        d = aligned[column].to_numpy(dtype=float) / float(scale)
        x = X[code].to_numpy(dtype=float)
        bad = ~np.isnan(x) & ~np.isnan(d) & (d <= 0)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise DataError(f"denomination of {code}: denominator {column} is {d[k] * float(scale)!r} for unit "
                            f"{X.index[k]!r}; it must be positive")
        codes.append(code)
        dens.append(d)
        rows.append({"indicator": code, "denominator": column, "scale": float(scale),
                     "n_missing_denominator": int((~np.isnan(x) & np.isnan(d)).sum())})
    out = X.astype(float)  # a copy
    if codes:
        out[codes] = out[codes].to_numpy() / np.column_stack(dens)
    log = pd.DataFrame(rows, columns=["indicator", "denominator", "scale", "n_missing_denominator"])
    return DenominateResult(out, log)


def _undenominated(X, *_args, **_kwargs):
    return X


#: the denomination step's registry (``denomination.method``)
DENOMINATION = Registry("denomination", "denomination.method", "none")
_BY = Param("by", "mapping", None, "indicator → denominator column, {denominator, scale}, or null (none)",
            nullable=True)
DENOMINATION.register(Method("none", "denomination", _undenominated, doc="no denomination", label_zh="不分母化",
                             doc_zh="不做分母化"))
DENOMINATION.register(Method("framework", "denomination", denominate, settings=(_BY,), label_zh="按框架分母化",
                             doc="the denominators the framework declares, `by` overriding them",
                             doc_zh="框架声明的分母，`by` 可覆盖"))
DENOMINATION.register(Method("spec", "denomination", denominate, settings=(_BY,), label_zh="按设定分母化",
                             doc="only the denominators given in `by`", doc_zh="仅用 `by` 给出的分母"))
