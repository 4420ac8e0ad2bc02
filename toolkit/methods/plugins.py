"""Methods of one's own: a researcher's pandas function turned into a registry entry that
``build_index``, the Monte Carlo engine, ``compare`` and the studio call like a built-in one
(:func:`toolkit.methods.registry.register`, docs/methods-registry.md).

The function follows its step's pandas convention; :func:`plugin_entry` wraps it so that it
answers the toolkit's calls, and checks what it returns (shape, labels, finiteness), naming the
method in every error:

* **imputation** ``function(X, **params)`` → a DataFrame of the same shape; only missing cells
  may change (the toolkit logs each filled cell, as it does for its own imputers);
* **normalisation** ``function(X, **params)`` → a DataFrame of the same shape, higher = better.
  Cost indicators are multiplied by −1 before the call, COINr's convention (Becker et al.,
  COINr ``Normalise``), unless the method is declared ``directional=True`` and then takes the
  directions itself (``function(X, directions, **params)``);
* **weighting** ``function(X, **params)`` → a Series of non-negative weights over the columns,
  rescaled to sum 1 (computed from the data: recomputed in every replication of the engine);
* **aggregation** ``function(X, weights, **params)`` → a Series over the units.

Without a batch kernel the engine calls the function once per matrix of a stack, through a loop
kernel that names the failing matrix (:class:`~toolkit.methods.checks.BatchError`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from .changelog import change_log
from .checks import BatchError, as_directions
from .declared import Method
from .imputation.impute_result import IMPUTE_LOG_COLUMNS, ImputeResult

__all__ = ["STEPS", "plugin_entry"]

#: the steps a researcher may add a method to
STEPS = ("imputation", "normalisation", "weighting", "aggregation")


def _same_frame(out, X: pd.DataFrame, what: str) -> pd.DataFrame:
    if not isinstance(out, pd.DataFrame):
        raise DataError(f"{what} must return a DataFrame, got {type(out).__name__}")
    if out.shape != X.shape or not out.index.equals(X.index) or not out.columns.equals(X.columns):
        raise DataError(f"{what} must return a DataFrame with the labels of its input ({X.shape[0]} units × "
                        f"{X.shape[1]} indicators), got {out.shape[0]} × {out.shape[1]}")
    try:
        return out.astype(float)
    except (TypeError, ValueError):
        raise DataError(f"{what} returned values that are not numbers") from None


def _series(out, index: pd.Index, what: str, over: str) -> pd.Series:
    if isinstance(out, np.ndarray) and out.shape == (len(index),):
        out = pd.Series(out, index=index)
    if not isinstance(out, pd.Series):
        raise DataError(f"{what} must return a Series over the {over}, got {type(out).__name__}")
    if not out.index.equals(index):
        if len(out) == len(index) and set(out.index) == set(index):
            out = out.reindex(index)
        else:
            raise DataError(f"{what} must return a Series over the {over} {list(index)[:5]}…, got "
                            f"{list(out.index)[:5]}…")
    try:
        return out.astype(float)
    except (TypeError, ValueError):
        raise DataError(f"{what} returned values that are not numbers") from None


def _imputer(name, function, grouped):
    what = f"imputation method {name!r}"

    def impute(X, *args, **params) -> ImputeResult:
        out = _same_frame(function(X.copy(), *args, **params), X, what)
        before, after = X.to_numpy(dtype=float), out.to_numpy()
        changed = ~np.isnan(before) & ~np.isclose(after, before, equal_nan=True)
        if changed.any():
            i, j = np.argwhere(changed)[0]
            raise DataError(f"{what} changed the observed value of unit {X.index[i]!r}, indicator "
                            f"{X.columns[j]!r} ({before[i, j]!r} → {after[i, j]!r}); an imputation fills "
                            "missing cells only")
        filled = np.argwhere(np.isnan(before) & ~np.isnan(after))
        rows = [{"unit": X.index[i], "indicator": X.columns[j], "old": np.nan, "new": after[i, j], "method": name,
                 "reason": f"{name} (a method registered by the user)"} for i, j in filled]
        return ImputeResult(out, change_log(rows, IMPUTE_LOG_COLUMNS), name, dict(params))

    return impute


def _normaliser(name, function, directional):
    what = f"normalisation method {name!r}"

    def normalise(X, directions=None, **params) -> pd.DataFrame:
        if directional:
            return _same_frame(function(X, as_directions(directions, X.columns), **params), X, what)
        sign = as_directions(directions, X.columns).to_numpy(dtype=float)
        return _same_frame(function(X * sign, **params), X, what)

    return normalise


def _weigher(name, function):
    what = f"weighting method {name!r}"

    def weigh(X, **params) -> pd.Series:
        w = _series(function(X, **params), X.columns, what, "columns")
        if not (np.isfinite(w.to_numpy()).all() and (w >= 0).all() and w.sum() > 0):
            raise DataError(f"{what} must return finite non-negative weights with a positive sum, got "
                            f"{w.round(6).to_dict()}")
        return (w / w.sum()).rename("weight")

    def kernel(X, **params) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        cols = [f"c{j}" for j in range(X.shape[-1])]
        out = np.empty((X.shape[0], X.shape[-1]))
        for g in range(X.shape[0]):
            try:
                out[g] = weigh(pd.DataFrame(X[g], columns=cols), **params).to_numpy()
            except DataError as exc:
                raise BatchError(g, str(exc)) from None
        return out

    return weigh, kernel


def _aggregator(name, function):
    what = f"aggregation method {name!r}"

    def aggregate(X, weights=None, **params) -> pd.Series:
        w = pd.Series(1.0 / X.shape[1], index=X.columns) if weights is None else (
            pd.Series(weights, dtype=float).reindex(X.columns))
        out = _series(function(X, w, **params), X.index, what, "units")
        if not np.isfinite(out.to_numpy()).all():
            bad = out.index[~np.isfinite(out.to_numpy())][0]
            raise DataError(f"{what} returned a score that is not finite for unit {bad!r}")
        return out.rename("score")

    def kernel(C, W, *, excluded=None, index=None, **params) -> np.ndarray:
        C, W = np.asarray(C, dtype=float), np.asarray(W, dtype=float)
        G, m = len(W), C.shape[-2]
        rows = pd.RangeIndex(m) if index is None else index
        out = np.empty((G, m))
        for g in range(G):
            keep = np.ones(W.shape[1], dtype=bool) if excluded is None else ~np.asarray(excluded[g], dtype=bool)
            cols = [f"c{j}" for j in np.flatnonzero(keep)]
            X = pd.DataFrame(C[g if len(C) > 1 else 0][:, keep], index=rows, columns=cols)
            try:
                out[g] = aggregate(X, pd.Series(W[g, keep], index=cols), **params).to_numpy()
            except DataError as exc:
                raise BatchError(g, str(exc)) from None
        return out

    return aggregate, kernel


def plugin_entry(step: str, name: str, function, *, kernel=None, params=(), label_en: str = "", label_zh: str = "",
                 doc: str = "", doc_zh: str = "", **declarations) -> Method:
    """The registry entry of a researcher's method (see :func:`toolkit.methods.registry.register`).

    Parameters
    ----------
    step : {"imputation", "normalisation", "weighting", "aggregation"}
    name : str
    function : callable, following the step's pandas convention (module docstring).
    kernel : callable, optional
        A batch kernel; without one the engine calls ``function`` once per matrix.
    params : tuple of Param
    label_en, label_zh, doc, doc_zh : str
    **declarations
        ``min_rows``, ``columnwise``, ``directional``, ``grouped`` (imputation by groups), ``kind``
        (a weighting's family; default ``objective``).

    Returns
    -------
    Method

    Examples
    --------
    >>> import pandas as pd
    >>> entry = plugin_entry("weighting", "flat", lambda X: pd.Series(2.0, index=X.columns))
    >>> entry.function(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 1.0]})).tolist(), entry.data_driven
    ([0.5, 0.5], True)
    >>> entry.kernel(np.ones((2, 3, 4))).sum(axis=1).tolist()
    [1.0, 1.0]
    """
    if step not in STEPS:
        raise ValueError(f"register: step must be one of {list(STEPS)}, got {step!r}")
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"register: a method's name is a plain identifier (letters, digits, _), got {name!r}")
    if not callable(function):
        raise TypeError(f"register: the function of {step} method {name!r} is not callable")
    unknown = set(declarations) - {"min_rows", "columnwise", "directional", "grouped", "kind"}
    if unknown:
        raise TypeError(f"register: unknown declaration(s) {sorted(unknown)}; a method may declare min_rows, "
                        "columnwise, directional, grouped, kind")
    fields = {"params": tuple(params), "label_en": label_en, "label_zh": label_zh, "doc": doc, "doc_zh": doc_zh,
              "plugin": True}
    if step == "imputation":
        grouped = bool(declarations.get("grouped", False))
        return Method(name, "imputation", _imputer(name, function, grouped), grouped=grouped,
                      columnwise=bool(declarations.get("columnwise", False)), **fields)
    if step == "normalisation":
        return Method(name, "normalisation",
                      _normaliser(name, function, bool(declarations.get("directional", False))), kernel,
                      columnwise=bool(declarations.get("columnwise", False)), **fields)
    if step == "weighting":
        weigh, loop = _weigher(name, function)
        return Method(name, "weighting", weigh, kernel or loop, True, min_rows=int(declarations.get("min_rows", 2)),
                      kind=str(declarations.get("kind", "objective")), **fields)
    aggregate, loop = _aggregator(name, function)
    return Method(name, "aggregation", aggregate, kernel or loop, **fields)
