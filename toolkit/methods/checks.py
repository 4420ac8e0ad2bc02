"""Input checks shared by the method modules (validated at the edge, scikit-learn style)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError

_DIRECTION_WORDS = {
    "benefit": 1, "+": 1, "max": 1, "positive": 1, "正向": 1,
    "cost": -1, "-": -1, "min": -1, "negative": -1, "负向": -1,
}


def as_matrix(X, *, name: str = "X", allow_nan: bool = False, min_rows: int = 1) -> pd.DataFrame:
    """Return ``X`` as a float DataFrame (units × indicators), checking it on the way in.

    A numpy array gets a default RangeIndex and columns ``c0, c1, …``.
    Raises :class:`DataError` naming the column and row of the first bad value.
    """
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if not isinstance(X, pd.DataFrame):
        arr = np.asarray(X, dtype=float)
        if arr.ndim != 2:
            raise DataError(f"{name}: expected a 2-D matrix (units × indicators), got shape {arr.shape}")
        X = pd.DataFrame(arr, columns=[f"c{j}" for j in range(arr.shape[1])])
    try:
        X = X.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: every column must be numeric ({exc})") from exc
    if X.shape[0] < min_rows:
        raise DataError(f"{name}: needs at least {min_rows} units (rows), got {X.shape[0]}")
    if X.shape[1] == 0:
        raise DataError(f"{name}: has no indicator columns")
    values = X.to_numpy()
    if np.isinf(values).any():
        i, j = np.argwhere(np.isinf(values))[0]
        raise DataError(f"{name}: infinite value at unit {X.index[i]!r}, indicator {X.columns[j]!r}")
    if not allow_nan and np.isnan(values).any():
        i, j = np.argwhere(np.isnan(values))[0]
        raise DataError(
            f"{name}: missing value at unit {X.index[i]!r}, indicator {X.columns[j]!r}; "
            "impute or drop it first (toolkit.methods.treatment.treat)"
        )
    return X


def as_directions(directions, columns) -> pd.Series:
    """Return directions as a Series of +1 (benefit) / -1 (cost) aligned to ``columns``.

    ``directions`` may be None (all benefit), a scalar, a mapping or Series keyed by indicator
    code, or a sequence in column order. Values may be ±1 or words such as "benefit"/"cost".
    """
    columns = pd.Index(columns)
    if directions is None:
        return pd.Series(1, index=columns, dtype=int)
    if isinstance(directions, (int, str)):
        directions = [directions] * len(columns)
    if isinstance(directions, Mapping):
        directions = pd.Series(directions)
    if isinstance(directions, pd.Series):
        missing = columns.difference(directions.index)
        if len(missing):
            raise DataError(f"directions: no direction given for indicator(s) {list(missing)}")
        directions = directions.reindex(columns)
    else:
        directions = list(directions)
        if len(directions) != len(columns):
            raise DataError(
                f"directions: {len(directions)} given for {len(columns)} indicators"
            )
        directions = pd.Series(directions, index=columns)
    out = {}
    for code, d in directions.items():
        if isinstance(d, str):
            key = d.strip().lower()
            if key not in _DIRECTION_WORDS:
                raise DataError(f"directions: {code!r} has unknown direction {d!r}; use benefit or cost")
            out[code] = _DIRECTION_WORDS[key]
        elif d in (1, -1):
            out[code] = int(d)
        else:
            raise DataError(f"directions: {code!r} has direction {d!r}; use +1/-1 or benefit/cost")
    return pd.Series(out, index=columns, dtype=int)


class BatchError(DataError):
    """A matrix of a batch (a stack of G matrices) that a method cannot handle; ``g`` is its
    position in the stack. Raised by the batch kernels (a single matrix is a batch of one)."""

    def __init__(self, g: int, message: str):
        super().__init__(message)
        self.g = int(g)


def first_failing(mask) -> int:
    """Position of the first matrix of a stack whose ``mask`` (G, …) has a True entry.

    Examples
    --------
    >>> import numpy as np
    >>> first_failing(np.array([[False, False], [False, True]]))
    1
    """
    mask = np.asarray(mask)
    return int(np.flatnonzero(mask.reshape(len(mask), -1).any(axis=1))[0])


def as_weights(weights, columns) -> pd.Series:
    """Weights aligned to ``columns``, checked (finite, ≥ 0, not all 0) and rescaled to sum 1.

    ``weights`` may be None (equal weights), a mapping or Series keyed by code (codes not in
    ``columns`` are ignored), or a sequence in column order.

    Examples
    --------
    >>> as_weights({"a": 1, "b": 3}, ["a", "b"]).tolist()
    [0.25, 0.75]
    """
    columns = pd.Index(columns)
    if weights is None:
        return pd.Series(1.0 / len(columns), index=columns)
    if isinstance(weights, dict):
        weights = pd.Series(weights)
    if not isinstance(weights, pd.Series):
        arr = np.asarray(weights, dtype=float).ravel()
        if arr.size != len(columns):
            raise DataError(f"weights: {arr.size} given for {len(columns)} indicators")
        weights = pd.Series(arr, index=columns)
    missing = columns.difference(weights.index)
    if len(missing):
        raise DataError(f"weights: no weight given for indicator(s) {list(missing)}")
    try:
        w = weights.reindex(columns).astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"weights: must be numeric ({exc})") from exc
    bad = w[~np.isfinite(w.to_numpy()) | (w.to_numpy() < 0)]
    if len(bad):
        raise DataError(f"weights: indicator {bad.index[0]!r} has weight {bad.iloc[0]!r}; "
                        "weights must be finite and non-negative")
    if not w.sum() > 0:
        raise DataError("weights: all weights are zero")
    return w / w.sum()


def weighted_stack(C, W, excluded=None, *, name: str = "aggregation"):
    """The children C (G, m, k) and weights W (G, k) of a batch, broadcast to one G, excluded
    children at weight 0. The common entry of the aggregation kernels that need every child (mpi,
    mean_min, wroclaw); that every child is there is their entries' declared check
    (:data:`COMPLETE`, run by both paths before the kernel).

    Examples
    --------
    >>> import numpy as np
    >>> C, W = weighted_stack(np.ones((1, 2, 3)), np.ones((4, 3)), np.array([[0, 0, 1]] * 4, dtype=bool))
    >>> C.shape, W[0].tolist()
    ((4, 2, 3), [1.0, 1.0, 0.0])
    """
    C = np.asarray(C, dtype=float)
    W = np.asarray(W, dtype=float)
    G = max(C.shape[0], W.shape[0])
    C, W = np.broadcast_to(C, (G, *C.shape[1:])), np.broadcast_to(W, (G, W.shape[-1]))
    if excluded is not None:
        W = np.where(np.asarray(excluded, dtype=bool), 0.0, W)
    return C, W


# -- the data checks a method declares ------------------------------------------------------------
@dataclass(frozen=True)
class DataCheck:
    """A rule the data of a method must keep, declared once in its registry entry
    (``Method(checks=...)``) and run by both paths through :meth:`Method.check_data
    <toolkit.methods.declared.Method.check_data>`: the pandas function on its one matrix, the Monte
    Carlo engine on every matrix of a stack (:mod:`toolkit.index.steps`), so that both stop on the
    same value with the same words.

    Parameters
    ----------
    name : str
    rule : str
        What the data must be, the end of the message; ``{value}`` is the offending value (or the
        column's statistic) and the method's parameters can be named too (``{p}``).
    bad : callable
        ``bad(values, params)`` → a boolean mask: of the values (G, m, k) that break the rule
        (``per="value"``), of the units' statistics (G, m) (``per="unit"``), of the columns'
        statistics (G, k) (``per="column"``), or of the matrices' statistics (G,) (``per="matrix"``).
    per : {"value", "unit", "column", "matrix"}
    stat : callable, optional
        ``stat(values)`` → (G, k) or (G,): the statistic a ``per="column"`` or ``per="matrix"``
        rule is about; ``stat(values, weights)`` → (G, m) for ``per="unit"``, with the children's
        weights (G, k) (0 for a child left out; all 1 when no weights are given).
    weighted : bool
        Only children with a positive weight count (an aggregation's domain).
    applies : callable, optional
        ``applies(params)``: whether the rule applies under these parameters.

    Examples
    --------
    >>> import numpy as np
    >>> positive = DataCheck("positive", "needs values > 0", lambda v, p: v <= 0)
    >>> check_data("m", (positive,), np.array([[[1.0, 2.0], [0.0, 3.0]]]), units=["a", "b"], columns=["x", "y"])
    Traceback (most recent call last):
    ...
    toolkit.methods.checks.BatchError: m: unit 'b', indicator 'x' has value 0; needs values > 0
    """

    name: str
    rule: str
    bad: Callable
    per: str = "value"
    stat: Callable | None = None
    weighted: bool = False
    applies: Callable | None = None


def _label(labels, g: int, j: int):
    """Label ``j`` of ``labels``: one sequence for the stack, or one per matrix (a list of
    Index, or an array (G, k))."""
    if labels is None:
        return f"#{j}"
    if isinstance(labels, np.ndarray) and labels.ndim == 2:
        return labels[min(g, len(labels) - 1), j]
    if isinstance(labels, list) and labels and isinstance(labels[0], pd.Index):
        return labels[min(g, len(labels) - 1)][j]
    return labels[j]


def _shown(label) -> str:
    """A row label as a message shows it: ``'SD-B001' (2024)`` for (unit_id, year)."""
    if isinstance(label, tuple):
        return f"{str(label[0])!r} ({', '.join(str(x) for x in label[1:])})"
    return repr(label)


def check_data(method: str, checks, values, params=None, *, min_rows: int = 1, weights=None, excluded=None,
               units=None, columns=None) -> None:
    """Run a method's declared data checks (and its ``min_rows``) on a stack; raise a
    :class:`BatchError` naming the first failing matrix, unit, indicator and value.

    Parameters
    ----------
    method : str
        Named first in the message.
    checks : tuple of DataCheck
    values : array (G, m, k)
        The stack (a single matrix is a stack of one; G may be 1 for children every matrix shares).
    params : dict, optional
        The method's parameters (for ``applies`` and the message).
    min_rows : int
        Units the method needs (the entry's ``min_rows``).
    weights : array (G, k), optional
        A ``weighted`` rule counts the children with a positive weight only.
    excluded : array (G, k) of bool, optional
        Children a replication leaves out (never checked).
    units, columns : labels, optional
        The rows' labels (an Index, or one per matrix), the columns' (a sequence, or (G, k)).
    """
    params = dict(params or {})
    V = np.asarray(values, dtype=float)
    if V.shape[-2] < min_rows:
        raise BatchError(0, f"{method}: needs at least {min_rows} units (rows), got {V.shape[-2]}")
    G = max([V.shape[0], *(np.shape(a)[0] for a in (weights, excluded) if a is not None)])
    live = np.ones((G, V.shape[-1]), dtype=bool)
    if excluded is not None:
        live &= ~np.asarray(excluded, dtype=bool)
    for check in checks:
        if check.applies is not None and not check.applies(params):
            continue
        ok = live & (np.asarray(weights) > 0) if check.weighted and weights is not None else live
        with np.errstate(invalid="ignore", divide="ignore"):
            if check.per == "value" and (len(V) == 1 or V.strides[0] == 0):
                # one matrix (shared by every weight vector): its values are checked once
                bad = check.bad(V[:1], params)[0]
                hit = bad.any(axis=0) & ok
                if not hit.any():
                    continue
                g = int(np.flatnonzero(hit.any(axis=1))[0])
                mask = np.zeros((G,) + bad.shape, dtype=bool)
                mask[g] = bad & ok[g]  # the first failing matrix: the message names its first value
            elif check.per == "value":
                mask = check.bad(V, params) & ok[:, None, :]
            elif check.per == "unit":
                w = np.where(ok, 1.0 if weights is None else np.asarray(weights, dtype=float), 0.0)
                stat = check.stat(V, w)
                mask = check.bad(stat, params)
            elif check.per == "column":
                stat = check.stat(V)
                mask = check.bad(stat, params) & ok
            else:
                stat = check.stat(V)
                mask = check.bad(stat, params)
        if not mask.any():
            continue
        if check.per == "matrix":
            g = int(np.flatnonzero(mask)[0])
            raise BatchError(g, f"{method}: {check.rule.format(value=stat[g], **params)}")
        if check.per == "value":
            g, i, j = (int(x) for x in np.argwhere(mask)[0])
            value = V[min(g, len(V) - 1), i, j]
            unit = _label(units, g, i)
            where = f"unit {_shown(unit)}, indicator {_label(columns, g, j)!r} has value {value:g}"
        elif check.per == "unit":
            g, i = (int(x) for x in np.argwhere(mask)[0])
            value = stat[g, i]
            where = f"unit {_shown(_label(units, g, i))}"
        else:
            g, j = (int(x) for x in np.argwhere(mask)[0])
            value = stat[min(g, len(stat) - 1), j]
            where = f"indicator {_label(columns, g, j)!r}"
        sep = "; " if check.per == "value" else " "
        raise BatchError(g, f"{method}: {where}{sep}{check.rule.format(value=value, **params)}")


# -- checks several methods declare (each declared once, here) -------------------------------------
#: every child present: the aggregations that need every child (BoD, robust BoD, MPI, mean–min,
#: Wrocław); the power means declare their own, which says how to skip a missing child instead
COMPLETE = DataCheck("complete", "a missing value: impute first", lambda v, params: np.isnan(v))
#: finite values: the data-driven weights (entropy, CRITIC, CV, std, PCA, optimal), on the
#: pandas path and on the engine's stacks alike. Per indicator, with the count: the engine's
#: weight stacks are labelled by indicator only
FINITE = DataCheck("finite", "has {value:g} missing or infinite value(s) among the units being weighted; impute "
                   "first (imputation.method: none cannot be combined with data-driven weights)",
                   lambda count, params: count > 0, per="column",
                   stat=lambda values: (~np.isfinite(values)).sum(axis=-2))
