"""A first look at a return: key facts, one row per indicator, and the strongest correlations.

Tables for exploring data before any weighting (notebook ``01_data``): :func:`data_summary`
(what was read and what imputation and outlier treatment changed), :func:`indicator_overview`
(descriptive statistics and the COINr outlier flag per index leaf) and :func:`top_correlations`
(the strongest pairs of a correlation matrix). Each is a thin reading of an
:class:`~toolkit.index.build.IndexResult`; the statistics themselves are computed in
:mod:`toolkit.methods.treatment.treat` and :mod:`toolkit.analysis.statistics`.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["data_summary", "indicator_overview", "label_of", "top_correlations"]

TREATED_ACTIONS = ("winsorise", "log_CT", "log_CT_orig")


def label_of(framework, code, lang: str = "zh") -> str:
    """The name of ``code`` in ``lang`` without its code, or the code itself when the framework
    does not know it.

    Examples
    --------
    >>> from toolkit import load_framework
    >>> label_of(load_framework(), "L1", "en"), label_of(load_framework(), "X9")
    ('Industrial development level', 'X9')
    """
    return framework.label(code, lang, with_code=False) if code in framework else str(code)


def data_summary(data, result) -> pd.Series:
    """Key facts of a return: source, units, years, rows, columns, missing cells (of the index
    leaves, before imputation) and what imputation and outlier treatment changed.

    Parameters
    ----------
    data : IndicatorData
        The return as read (:func:`toolkit.data.read.read_indicators`).
    result : IndexResult
        The index built from it.

    Returns
    -------
    Series of objects, named ``value``; the source path is relative to the repository root.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.notebooks import load
    >>> data, spec = load("data/raw/demo_synthetic_returns.csv", "configs/default.yaml")
    >>> s = data_summary(data, toolkit.build_index(data, spec))
    >>> s["units"], s["years"], s["synthetic"]
    (50, '2021, 2022, 2023, 2024, 2025', True)
    """
    from ..repo_paths import relpath

    raw = result.raw
    return pd.Series({
        "source": relpath(data.source),
        "sha256": data.sha256[:12],
        "synthetic": bool(data.is_synthetic),
        "units": int(data.table["unit_id"].nunique()),
        "years": ", ".join(str(int(y)) for y in data.years),
        "rows (unit × year)": int(len(data.table)),
        "data columns": int(len(data.framework.columns)),
        "index leaves": int(raw.shape[1]),
        "missing cells": int(raw.isna().sum().sum()),
        "missing share": round(float(raw.isna().to_numpy().mean()), 4),
        "cells imputed": int(len(result.imputation_log)),
        "indicators treated for outliers": int((result.treatment_details.get("action", pd.Series(dtype=str))
                                                .isin(list(TREATED_ACTIONS))).sum()),
    }, name="value", dtype=object)


def indicator_overview(result, year: int | None = None, lang: str = "zh") -> pd.DataFrame:
    """One row per index leaf: its descriptive statistics on the raw values.

    Parameters
    ----------
    result : IndexResult
    year : int, optional
        One year; by default all rows (unit × year).
    lang : "zh" or "en", the language of the ``name`` column.

    Returns
    -------
    DataFrame indexed by indicator: dimension, name, type, observed n, missing, mean, sd, min,
    median, max, skewness, excess kurtosis and the COINr outlier flag (|skew| ≥ 2 and
    kurtosis ≥ 3.5, :func:`toolkit.methods.treatment.treat.skew_kurt`).

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.notebooks import load
    >>> data, spec = load("data/raw/demo_synthetic_returns.csv", "configs/default.yaml")
    >>> ov = indicator_overview(toolkit.build_index(data, spec), 2025, "en")
    >>> ov.shape[0], list(ov.columns[:3]), int(ov["n"].max())
    (30, ['dimension', 'name', 'type'], 50)
    """
    from ..methods.treatment.treat import skew_kurt

    fw = result.framework
    X = result.raw if year is None else result.raw.xs(year, level="year")
    sk = skew_kurt(X)
    out = pd.DataFrame({
        "dimension": [fw.ancestor(c, "dimension") for c in X.columns],
        "name": [label_of(fw, c, lang) for c in X.columns],
        "type": [fw.node(c).type for c in X.columns],
        "n": X.notna().sum(), "missing": X.isna().sum(),
        "mean": X.mean(), "sd": X.std(), "min": X.min(), "median": X.median(), "max": X.max(),
        "skew": sk["skew"], "kurt": sk["kurt"], "outlier_flag": sk["flagged"],
    }, index=X.columns)
    out.index.name = "indicator"
    return out


def top_correlations(r: pd.DataFrame, k: int = 10, framework=None) -> pd.DataFrame:
    """The ``k`` strongest pairs (by |r|) of a square correlation matrix, each pair once.

    Parameters
    ----------
    r : DataFrame, a square correlation matrix (NaN pairs are skipped).
    k : int, how many pairs.
    framework : Framework, optional
        When given, ``same_dimension`` says whether both indicators belong to one dimension
        (else it is None).

    Returns
    -------
    DataFrame with columns x, y, r, same_dimension; the strongest pair first (ties: matrix order).

    Examples
    --------
    >>> r = pd.DataFrame([[1, .2, -.9], [.2, 1, .5], [-.9, .5, 1]], index=list("abc"), columns=list("abc"))
    >>> top_correlations(r, k=2)[["x", "y", "r"]].values.tolist()
    [['a', 'c', -0.9], ['b', 'c', 0.5]]
    """
    cols = list(r.columns)
    rows = []
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            v = r.at[a, b]
            if pd.notna(v):
                same = None
                if framework is not None and a in framework and b in framework:
                    same = framework.ancestor(a, "dimension") == framework.ancestor(b, "dimension")
                rows.append({"x": a, "y": b, "r": float(v), "same_dimension": same})
    out = pd.DataFrame(rows, columns=["x", "y", "r", "same_dimension"])
    if out.empty:
        return out
    order = out["r"].abs().sort_values(ascending=False, kind="stable").index
    return out.loc[order].head(k).reset_index(drop=True)
