"""The steps of :func:`toolkit.build_index`, one public function each, shared with the Monte Carlo
engine (:mod:`toolkit.robustness.engine`).

They own the pipeline's rules, so that the two callers cannot drift apart:

* the **defaults** of a node with no choice (weights ``framework``, aggregation ``arithmetic``:
  :func:`node_choice`);
* the **na rule**: power means skip missing children when imputation is ``none``, else a missing
  value is an error (:func:`na_rule`, :func:`aggregation_params`);
* the **on rule**: data-driven weights use the normalised children, or the treated (raw) values
  with ``on: raw`` (the default of ``cv``) when every child is a leaf — and then the kernels get
  the indicators' directions, so a cost indicator is min-maxed as a cost (:func:`weights_input`);
* the **blocks**: pooled, or one per year (:func:`blocks`).

Every method is looked up in :mod:`toolkit.methods.registry`; each runs its one kernel, on a
batch of one here (:func:`weight_node`) and on stacks in the engine (:func:`weight_stack`,
:func:`combine_stack`, :func:`aggregate_stack`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import DataError, SpecError
from ..methods import impute as imp
from ..methods import normalise as norm
from ..methods import outliers
from ..methods import weights as wts
from ..methods.checks import BatchError
from ..methods.registry import AGGREGATION, COMBINATION, WEIGHTING
from ..methods.subjective import combination_coefficients
from ..methods.weight_kernels import run_quietly

__all__ = ["DEFAULT_CHOICE", "aggregate_stack", "aggregation_params", "blocks", "combine_labels", "combine_stack",
           "fixed_weights", "impute_step", "na_rule", "node_choice", "normalise_block", "treat_step",
           "weight_node", "weight_stack", "weights_input"]

#: the choice of a node whose level the spec leaves out
DEFAULT_CHOICE = {"weights": {"method": WEIGHTING.default}, "aggregation": {"method": AGGREGATION.default}}

_IMPUTE_LOG = ["unit", "indicator", "old", "new", "method", "reason"]
_TREAT_LOG = ["unit", "indicator", "old", "new", "action", "reason"]


# -- data path ----------------------------------------------------------------------------------
def blocks(X: pd.DataFrame, spec) -> dict:
    """Row labels of each block: ``{"pooled": all rows}`` or ``{year: rows}`` with ``panel.scope:
    per_year``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1, 2, 3]}, index=pd.MultiIndex.from_tuples(
    ...     [("u1", 2024), ("u1", 2025), ("u2", 2025)], names=["unit_id", "year"]))
    >>> {k: len(v) for k, v in blocks(X, {"panel": {"scope": "per_year"}}).items()}
    {2024: 1, 2025: 2}
    """
    if spec["panel"]["scope"] == "pooled":
        return {"pooled": X.index}
    years = X.index.get_level_values("year")
    return {int(y): X.index[years == y] for y in sorted(years.unique())}


def impute_step(raw: pd.DataFrame, units: pd.DataFrame, spec):
    """Panel filling across years (``imputation.panel``), then the cross-sectional method
    (``imputation.method`` with its ``params``; group methods by ``imputation.by``) in each block.
    Returns the imputed leaves and the log of every filled cell.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> raw = pd.DataFrame({"a": [1.0, np.nan, 3.0]}, index=pd.MultiIndex.from_tuples(
    ...     [("u1", 2025), ("u2", 2025), ("u3", 2025)], names=["unit_id", "year"]))
    >>> spec = {"panel": {"scope": "pooled"}, "imputation": {"panel": "none", "method": "mean", "by": None,
    ...                                                      "params": {}}}
    >>> impute_step(raw, pd.DataFrame(index=raw.index), spec)[0]["a"].tolist()
    [1.0, 2.0, 3.0]
    """
    choice = spec["imputation"]
    logs = []
    X = raw
    if choice["panel"] != "none":
        res = imp.impute_panel(X, method=choice["panel"])
        X, logs = res.data, [res.log]
    method = choice["method"]
    groups = units[choice["by"]] if method.startswith("group_") else None
    if method != "none":
        parts = []
        for idx in blocks(X, spec).values():
            res = imp.impute(X.loc[idx], method, groups=None if groups is None else groups.loc[idx],
                             **dict(choice["params"]))
            parts.append(res.data)
            logs.append(res.log)
        X = pd.concat(parts).loc[raw.index]
    kept = [lg for lg in logs if len(lg)]
    log = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=_IMPUTE_LOG)
    return X, log


def treat_step(X: pd.DataFrame, fw, spec):
    """Outlier treatment (``outliers``): COINr's winsorise-then-log rule, binary/ordinal
    indicators (``skip_types``) and ``skip`` left alone. Returns (data, log, details)."""
    choice = spec["outliers"]
    if choice["method"] == "none":
        return X, pd.DataFrame(columns=_TREAT_LOG), pd.DataFrame()
    skip = [c for c in X.columns if fw.node(c).type in choice["skip_types"] or c in choice["skip"]]
    res = outliers.treat_outliers(X, winmax=choice["winmax"], skew_thresh=choice["skew_thresh"],
                                  kurt_thresh=choice["kurt_thresh"], log_transform=choice["log_transform"],
                                  skip=skip)
    return res.data, res.log, res.details


def normalise_block(X: pd.DataFrame, fw, spec) -> pd.DataFrame:
    """Normalise one block, direction-aware: ``normalisation`` with its per-indicator
    ``overrides`` (an override with a different method starts from that method's defaults).
    Constant columns take the documented midpoint silently."""
    ns = spec["normalisation"]
    overrides = ns["overrides"] or {}
    groups: dict[tuple, tuple[str, dict, list[str]]] = {}
    for c in X.columns:
        o = overrides.get(c, {})
        method = o.get("method", ns["method"])
        params = _plain(o.get("params", ns["params"] if method == ns["method"] else {}))
        groups.setdefault((method, repr(sorted(params.items()))), (method, params, []))[2].append(c)
    parts = []
    for method, params, cols in groups.values():
        Xm = X[cols]
        if "reference_unit" in params and isinstance(X.index, pd.MultiIndex):
            # the reference is a unit id: within a block each unit has one row (or the id is ambiguous)
            units = X.index.get_level_values("unit_id")
            if not units.is_unique:
                raise DataError(f"normalisation {method}: unit {params['reference_unit']!r} has several rows in "
                                "this block (several years pooled); use panel.scope: per_year")
            Xm = Xm.set_axis(units, axis=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # constant columns: documented midpoint
            out = norm.normalise(Xm, method, directions=fw.directions.reindex(cols), **params)
        parts.append(out.set_axis(X.index, axis=0))
    return pd.concat(parts, axis=1)[list(X.columns)]


# -- choices ------------------------------------------------------------------------------------
def node_choice(sections, section: str, level: str, node: str | None = None) -> dict:
    """The ``weights`` or ``aggregation`` choice of ``node`` at ``level``: the level's choice with
    the node's override merged in, or the default (:data:`DEFAULT_CHOICE`). ``sections`` is an
    :class:`~toolkit.index.spec.IndexSpec` or a plain spec dict.

    Examples
    --------
    >>> spec = {"weights": {"index": {"method": "equal", "overrides": {"IDX": {"method": "entropy"}}}},
    ...         "aggregation": {}}
    >>> node_choice(spec, "weights", "index", "IDX"), node_choice(spec, "aggregation", "index", "IDX")
    ({'method': 'entropy'}, {'method': 'arithmetic'})
    """
    sec = sections[section]
    choice = {k: v for k, v in (sec.get(level) or {}).items()}
    overrides = choice.pop("overrides", None) or {}
    if node is not None and node in overrides:
        choice = {**choice, **overrides[node]}
    return _plain(choice) if choice else dict(DEFAULT_CHOICE[section])


def _plain(obj):
    if isinstance(obj, Mapping):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    return obj


def na_rule(spec) -> str:
    """``"skip"`` when the spec does not impute (``imputation.method: none``), else ``"error"``:
    the ``na`` of power means that do not set it."""
    return "skip" if spec["imputation"]["method"] == "none" else "error"


def aggregation_params(choice: Mapping, na: str) -> dict:
    """The parameters an aggregation choice runs with: its ``params``, and ``na`` from the na
    rule when the method takes one and the choice leaves it unset.

    Examples
    --------
    >>> aggregation_params({"method": "geometric"}, "skip"), aggregation_params({"method": "topsis"}, "skip")
    ({'na': 'skip'}, {})
    """
    params = dict(choice.get("params") or {})
    if AGGREGATION[choice["method"]].param("na") is not None and params.get("na") is None:
        params["na"] = na
    return params


def weights_input(choice: Mapping, kids, leaves) -> str:
    """``"raw"`` (the treated values) or ``"normalised"``: what a data-driven weighting choice is
    computed from. ``on`` defaults to the method's own default (``raw`` for cv); raw values exist
    only for leaves, so a node with an aggregated child always uses the normalised values.

    Examples
    --------
    >>> weights_input({"method": "cv"}, ["a", "b"], {"a", "b"}), weights_input({"method": "cv"}, ["a", "X"], {"a"})
    ('raw', 'normalised')
    """
    on = choice.get("on", WEIGHTING[choice["method"]].on)
    return "raw" if on == "raw" and all(k in leaves for k in kids) else "normalised"


def combine_labels(choice: Mapping) -> list[str]:
    """Names of the weight vectors of a ``combine`` choice (``"0:equal"``, ``"1:critic"`` …), the
    keys of a ``coefficients`` mapping."""
    return [f"{i}:{sub['method']}" for i, sub in enumerate(choice["of"])]


# -- weights ------------------------------------------------------------------------------------
def _normalised(values: dict, parent) -> pd.Series:
    s = pd.Series(values, dtype=float, name="weight")
    if s.isna().any() or (s < 0).any() or not s.sum() > 0:
        raise SpecError(f"weights for {parent} must be non-negative numbers with a positive sum, got {values}")
    return s / s.sum()


def fixed_weights(kids, parent: str, choice: Mapping, fw) -> pd.Series:
    """Weights of a method that does not look at the data (equal, framework, manual, file, AHP)."""
    entry = WEIGHTING.get(choice["method"])
    if entry.data_driven or entry.name == "combine":
        raise SpecError(f"fixed_weights: {entry.name!r} is computed from the data")
    return _normalised(entry.function(list(kids), parent, choice, fw), parent).reindex(list(kids))


def weight_node(C: pd.DataFrame, T: pd.DataFrame, kids, parent: str, choice: Mapping, fw) -> pd.Series:
    """Weights of ``parent``'s children under ``choice``: ``C`` holds the children's values in this
    block, ``T`` the treated leaves (for ``on: raw``). A single child has weight 1.

    Data-driven methods run the registry entry's function (the kernel on a batch of one) with the
    directions of the indicators when the input is raw; combinations combine the weights of their
    sub-choices with the combination kernel.
    """
    kids = list(kids)
    if len(kids) == 1:
        return pd.Series(1.0, index=pd.Index(kids), name="weight")
    entry = WEIGHTING.get(choice["method"])
    if entry.name == "combine":
        labels = combine_labels(choice)
        vectors = {lab: weight_node(C, T, kids, parent, sub, fw) for lab, sub in zip(labels, choice["of"], strict=True)}
        return wts.combine(vectors, method=choice.get("combine", COMBINATION.default),
                           coefficients=choice.get("coefficients"))
    if not entry.data_driven:
        return fixed_weights(kids, parent, choice, fw)
    raw = weights_input(choice, kids, set(T.columns)) == "raw"
    X = T[kids] if raw else C
    params = dict(choice.get("params") or {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", wts.DegenerateIndicatorWarning)
        if entry.directional:
            return entry.function(X, fw.directions.reindex(kids) if raw else None, **params)
        return entry.function(X, **params)


def weight_stack(choice: Mapping, X: np.ndarray, directions=None) -> np.ndarray:
    """Weights (G, k) of a data-driven choice for each matrix of ``X`` (G, m, k) — the kernel of
    the registry entry. ``directions`` (±1 per child) are passed when the input is raw
    (:func:`weights_input`), else the children are normalised already (all benefit).
    Raises :class:`~toolkit.methods.checks.BatchError` naming the failing matrix."""
    entry = WEIGHTING.get(choice["method"])
    params = dict(choice.get("params") or {})
    if entry.directional:
        return run_quietly(entry.kernel, X, directions, **params)
    return run_quietly(entry.kernel, X, **params)


def combine_stack(choice: Mapping, subs: list[np.ndarray]) -> np.ndarray:
    """The combination (G, k) of L weight stacks (each (G, k) or (1, k)) under a ``combine``
    choice: each vector rescaled to sum 1, then the combination kernel."""
    method = choice.get("combine", COMBINATION.default)
    G = max(len(s) for s in subs)
    U = np.stack([np.broadcast_to(s, (G, s.shape[1])) for s in subs], axis=1)  # G × L × k
    bad = ~(U.sum(axis=-1) > 0)
    if bad.any():
        raise BatchError(int(np.flatnonzero(bad.any(axis=1))[0]), "combine: a weight vector sums to 0")
    U = U / U.sum(axis=-1, keepdims=True)
    beta = combination_coefficients(combine_labels(choice), choice.get("coefficients")) if method == "linear" else None
    return COMBINATION.get(method).kernel(U, beta=beta)


def aggregate_stack(choice: Mapping, C: np.ndarray, W: np.ndarray, *, na: str = "error", excluded=None,
                    index=None) -> np.ndarray:
    """Scores (G, m) of the children ``C`` (G, m, k; or (1, m, k) shared) with weights ``W`` (G, k)
    under an aggregation choice — the registry entry's batch kernel, with the na rule applied.
    ``excluded`` (G, k) marks children left out; ``index`` holds the block's unit labels."""
    entry = AGGREGATION.get(choice["method"])
    return entry.kernel(C, W, excluded=excluded, index=index, **aggregation_params(choice, na))
