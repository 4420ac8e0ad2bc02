"""Flags of the statistical audit: thresholds, the flag record, and the indicator-level checks.

The statistics themselves are in :mod:`toolkit.analysis.statistics`; this module turns them into
flags — rows of a table with the columns :data:`FLAG_COLUMNS` — and :func:`toolkit.analysis.audit.audit`
adds the dimension-level flags with the same :func:`flag` record. :func:`correlation_flags` runs
the indicator-level checks on any units × indicators matrix.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import DataError, SpecError
from ..methods.checks import as_matrix
from .statistics import DEFAULT_THRESHOLDS, correlations

__all__ = ["FLAG_COLUMNS", "check_thresholds", "correlation_flags", "correlation_structure", "flag",
           "indicator_flags"]

#: The columns of a flags table (:attr:`toolkit.analysis.audit.AuditReport.flags`), in order.
FLAG_COLUMNS = ["check", "item", "other", "dimension", "value", "threshold", "message"]


def check_thresholds(thresholds: Mapping | None) -> dict:
    """:data:`~toolkit.analysis.statistics.DEFAULT_THRESHOLDS` with ``thresholds`` applied, checked.

    Parameters
    ----------
    thresholds : mapping or None
        Overrides, name → number; every name must be one of the defaults.

    Returns
    -------
    dict
        Every threshold, as floats.

    Raises
    ------
    SpecError
        An unknown name, or a value that is not a finite number.

    Examples
    --------
    >>> check_thresholds({"weak": 0.2})["weak"], check_thresholds(None)["collinear"]
    (0.2, 0.9)
    """
    th = dict(DEFAULT_THRESHOLDS)
    unknown = set(thresholds or {}) - set(th)
    if unknown:
        raise SpecError(f"audit: unknown threshold(s) {sorted(unknown)}; known: {sorted(th)}")
    for k, v in (thresholds or {}).items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not np.isfinite(v):
            raise SpecError(f"audit: threshold {k!r} must be a number, got {v!r}")
        th[k] = float(v)
    return th


def flag(check: str, item, value, threshold, message: str, other=None, dimension=None) -> dict:
    """One flag: a row of a flags table (keys :data:`FLAG_COLUMNS`).

    Parameters
    ----------
    check : str
        The check that failed (``weak``, ``collinear``, ``low_alpha`` …).
    item : str
        The indicator or block flagged; ``other`` the second item of a pair (or the parent).
    value, threshold : float
        The statistic and the threshold it crossed.
    message : str
        One sentence for a reader.
    dimension : str, optional
        The dimension the item belongs to.

    Returns
    -------
    dict

    Examples
    --------
    >>> flag("weak", "L1P1", 0.12, 0.3, "L1P1 correlates weakly", "L1", "L1")["value"]
    0.12
    """
    return {"check": check, "item": item, "other": other, "dimension": dimension,
            "value": float(value), "threshold": threshold, "message": message}


def correlation_structure(X: pd.DataFrame, dim_of: pd.Series, parent_of: pd.Series, S: pd.DataFrame,
                          root, method: str = "pearson"):
    """Indicator correlations and each indicator's r/p with its dimension, parent and the index.

    Parameters
    ----------
    X : DataFrame, units × indicators.
    dim_of, parent_of : Series, indicator → dimension code, indicator → parent code.
    S : DataFrame, units × aggregates holding every dimension and parent (and ``root``) score.
    root : str or None, the index's code in ``S`` (None: no index column; ``r_index`` is NaN).
    method : "pearson", "spearman" or "kendall"

    Returns
    -------
    (R, P, structure)
        The indicators' correlation and p-value matrices, and a table indexed by indicator with
        ``dimension``, ``parent``, ``r_dimension``, ``p_dimension``, ``r_parent``, ``p_parent``,
        ``r_index``, ``p_index``.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1., 2, 3, 4], "b": [2., 1, 4, 3]})
    >>> dim = pd.Series({"a": "D", "b": "D"})
    >>> S = pd.DataFrame({"D": X.mean(axis=1)})
    >>> R, P, st = correlation_structure(X, dim, dim.rename("parent"), S, None)
    >>> round(float(R.at["a", "b"]), 2), round(float(st.at["a", "r_dimension"]), 3)
    (0.6, 0.894)
    """
    R, P = correlations(X, method=method)
    RS, PS = correlations(X, S, method=method)
    structure = pd.DataFrame({"dimension": dim_of, "parent": parent_of})
    for name, target in (("dimension", dim_of), ("parent", parent_of),
                         ("index", pd.Series(root, index=X.columns))):
        structure[f"r_{name}"] = [RS.at[c, target[c]] if target[c] in RS else np.nan for c in X]
        structure[f"p_{name}"] = [PS.at[c, target[c]] if target[c] in PS else np.nan for c in X]
    return R, P, structure


def indicator_flags(X: pd.DataFrame, R: pd.DataFrame, structure: pd.DataFrame, thresholds: Mapping) -> list[dict]:
    """The indicator-level flags: constant, negative, weak and collinear.

    Parameters
    ----------
    X : DataFrame, units × indicators.
    R, structure : from :func:`correlation_structure`.
    thresholds : mapping, as :func:`check_thresholds` returns (``negative``, ``weak``,
        ``collinear`` are used).

    Returns
    -------
    list of dict
        One :func:`flag` per finding.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1., 2, 3, 4], "b": [1., 2, 3, 4.1]})
    >>> dim = pd.Series({"a": "D", "b": "D"})
    >>> R, _, st = correlation_structure(X, dim, dim, pd.DataFrame({"D": X.mean(axis=1)}), None)
    >>> [f["check"] for f in indicator_flags(X, R, st, check_thresholds(None))]
    ['collinear']
    """
    th = thresholds
    flags = []
    for c in X.columns:
        s = structure.loc[c]
        d, p = s["dimension"], s["parent"]
        if not X[c].std() > 0:
            flags.append(flag("constant", c, 0.0, 0.0, f"{c} is constant: it cannot discriminate "
                              "between units", dimension=d))
        negative = s["r_dimension"] < th["negative"]
        if negative:
            flags.append(flag("negative", c, s["r_dimension"], th["negative"],
                              f"{c} correlates negatively with its dimension {d} "
                              f"(r = {s['r_dimension']:.2f} < {th['negative']:g})", d, d))
        if s["r_parent"] < th["weak"] and not (negative and p == d):
            flags.append(flag("weak", c, s["r_parent"], th["weak"],
                              f"{c} correlates weakly with its parent {p} "
                              f"(r = {s['r_parent']:.2f} < {th['weak']:g})", p, d))
    cols = list(X.columns)
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            d = structure.at[a, "dimension"]
            if d == structure.at[b, "dimension"] and R.at[a, b] > th["collinear"]:
                flags.append(flag("collinear", a, R.at[a, b], th["collinear"],
                                  f"{a} and {b} ({d}) are near-collinear (r = {R.at[a, b]:.2f} "
                                  f"> {th['collinear']:g}): possible double counting", b, d))
    return flags


def correlation_flags(X, groups, *, scores=None, parents=None, thresholds=None,
                      method: str = "pearson") -> pd.DataFrame:
    """Indicator-level correlation flags of any units × indicators matrix.

    Parameters
    ----------
    X : DataFrame, units × indicators (normalised, higher = better).
    groups : mapping or Series, indicator → dimension.
    scores : DataFrame, optional
        Units × aggregates holding every dimension (and parent) score; by default each
        dimension's score is the plain mean of its indicators.
    parents : mapping, optional
        Indicator → parent (default: its dimension).
    thresholds : mapping, optional — overrides of ``negative``, ``weak``, ``collinear``.
    method : "pearson", "spearman" or "kendall"

    Returns
    -------
    DataFrame of flags (check ∈ constant, negative, weak, collinear; item, other, dimension,
    value, threshold, message), as in :attr:`toolkit.analysis.audit.AuditReport.flags`.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1., 2, 3, 4], "b": [4., 3, 2, 1], "c": [1., 2, 3, 5]})
    >>> correlation_flags(X, {"a": "D", "b": "D", "c": "D"})[["check", "item"]].values.tolist()
    [['negative', 'b'], ['collinear', 'a']]
    """
    th = check_thresholds(thresholds)
    X = as_matrix(X, name="correlation_flags", allow_nan=True)
    dim_of = pd.Series({c: pd.Series(groups).get(c) for c in X.columns}, name="dimension")
    if dim_of.isna().any():
        raise DataError(f"correlation_flags: no group for {list(dim_of.index[dim_of.isna()])}")
    parent_of = dim_of.copy() if parents is None else pd.Series({c: pd.Series(parents).get(c, dim_of[c])
                                                                for c in X.columns})
    if scores is None:
        scores = pd.DataFrame({d: X[list(dim_of.index[dim_of == d])].mean(axis=1)
                               for d in dict.fromkeys(dim_of)})
    R, _, structure = correlation_structure(X, dim_of, parent_of.rename("parent"), scores, None, method)
    return pd.DataFrame(indicator_flags(X, R, structure, th), columns=FLAG_COLUMNS)
