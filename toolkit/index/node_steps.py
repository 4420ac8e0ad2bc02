"""The weights and the aggregation of one node of the tree, the steps of :mod:`toolkit.index.steps`
that run the registry's weighting, combination and aggregation methods: on a batch of one for
:func:`toolkit.build_index` (:func:`weight_node`, :func:`fixed_weights`) and on stacks of matrices
for the Monte Carlo engine (:func:`weight_stack`, :func:`combine_stack`, :func:`aggregate_stack`,
:func:`aggregation_checks`). They read a resolved choice (:func:`toolkit.index.plan.node_choice`),
never the spec.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import SpecError
from ..methods.checks import BatchError
from ..methods.registry import AGGREGATION, COMBINATION, WEIGHTING
from ..methods.weighting import weights as wts
from ..methods.weighting.subjective import combination_coefficients
from ..methods.weighting.weight_kernels import run_quietly
from .plan import aggregation_params


# -- choices (resolved by the plan: toolkit.index.plan) ---------------------------------------------
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
        return entry.function(vectors, method=choice.get("combine", COMBINATION.default),
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


def weight_stack(choice: Mapping, X: np.ndarray, directions=None, *, units=None, columns=None) -> np.ndarray:
    """Weights (G, k) of a data-driven choice for each matrix of ``X`` (G, m, k): the entry's
    declared data checks and ``min_rows`` (``Method.check_data``, as its pandas function runs
    them), then its kernel. ``directions`` (±1 per child) are passed when the input is raw
    (:func:`weights_input`), else the children are normalised already (all benefit); ``units``
    and ``columns`` label the messages. Raises :class:`~toolkit.methods.checks.BatchError`
    naming the failing matrix."""
    entry = WEIGHTING.get(choice["method"])
    params = dict(choice.get("params") or {})
    entry.check_data(X, params, units=units, columns=columns)
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
                    index=None, columns=None, checked: bool = False) -> np.ndarray:
    """Scores (G, m) of the children ``C`` (G, m, k; or (1, m, k) shared) with weights ``W`` (G, k)
    under an aggregation choice: the entry's declared data checks (``Method.check_data``, the
    checks its pandas function runs, with the same message), then its batch kernel, with the na
    rule applied. ``excluded`` (G, k) marks children left out; ``index`` holds the block's unit
    labels and ``columns`` the children's codes (named in the messages). ``checked``: these
    children passed :func:`aggregation_checks` with every child live and weighted already (the
    checks only ever look at fewer children), so they are not run again."""
    entry = AGGREGATION.get(choice["method"])
    params = aggregation_params(choice, na)
    if not checked:
        entry.check_data(C, params, weights=W, excluded=excluded, units=index, columns=columns)  # and min_rows
    return entry.kernel(C, W, excluded=excluded, index=index, **params)


def aggregation_checks(choice: Mapping, C: np.ndarray, *, na: str = "error") -> bool:
    """True when the children ``C`` (G, m, k) pass the data checks an aggregation choice declares
    with every child live and weighted: then they pass under any exclusion and any weights, since
    a check only ever looks at fewer children (the engine checks a node's static children once
    per data path, then aggregates them with ``checked=True``). False for an entry with a check
    on the units' weighted statistics (``per="unit"``): fewer children can fail it."""
    entry = AGGREGATION.get(choice["method"])
    if any(check.per == "unit" for check in entry.checks):
        return False
    try:
        entry.check_data(C, aggregation_params(choice, na))  # and min_rows
    except BatchError:
        return False
    return True
