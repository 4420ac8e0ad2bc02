"""Addresses into an index specification: reading, setting and checking the choice an
uncertain factor varies (used by :mod:`toolkit.robustness.spec` and the engine).

An address is a dotted path into the specification dict (``normalisation.method``,
``weights.index``, ``aggregation.dimension.overrides.L5.params.p``). :func:`apply_values` sets
the values of a replication's factors, with the rules of the uncertainty YAML: switching a
choice's ``method`` drops the old method's own settings; a whole-choice option replaces the
choice but keeps its per-node overrides; a ``params`` entry a method does not take is dropped
in the replications that use that method.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

from ..methods.registry import IMPUTATION, declared_params

__all__ = ["DATA_PATH_ROOTS", "METHOD_ROOTS", "apply_values", "get_at", "set_at"]

DATA_PATH_ROOTS = ("panel", "denomination", "imputation", "screening", "outliers", "normalisation")
METHOD_ROOTS = ("weights", "aggregation")
#: keys of a choice that survive a change of its method
_KEEP_ON_SWITCH = {"imputation": {"panel", "by"}, "outliers": None, "normalisation": {"overrides"},
                   "denomination": None, "screening": None,
                   "panel": None, "weights": {"overrides"}, "aggregation": {"overrides"}}


def _grouped(method) -> bool:
    """Does the imputation ``method`` impute by groups (``imputation.by``)?"""
    return method in IMPUTATION and IMPUTATION[method].grouped


def apply_values(doc: dict, pairs) -> dict:
    """Apply (factor, option index or value) pairs to a spec dict, in order. A ``params`` entry
    set by a factor is then dropped where the method in effect does not take it (a power ``p``
    when the replication aggregates arithmetically): the loader has checked that some method in
    play does, so the entry matters in the other replications."""
    for f, v in pairs:
        doc = set_at(doc, f.address, f.options[int(v)] if f.discrete else float(v))
    for f, _ in pairs:
        parts = f.address.split(".")
        if len(parts) >= 3 and parts[-2] == "params" and parts[0] != "imputation":
            choices = [parts[:-2]]
            if parts[0] in METHOD_ROOTS and len(parts) == 4:  # a level's param reaches its overrides
                choices += [parts[:2] + ["overrides", n] for n in (get_at(doc, parts[:2]).get("overrides") or {})]
            for cp in choices:
                choice = get_at(doc, cp)
                base = get_at(doc, parts[:2]) if len(cp) == 4 else choice
                method = choice.get("method", base.get("method"))
                takes = declared_params(parts[0], method)
                params = choice.get("params")
                if isinstance(params, dict) and parts[-1] in params and (takes is None or parts[-1] not in takes):
                    del params[parts[-1]]
    return doc


# -- addresses ------------------------------------------------------------------------------------
def get_at(doc, parts):
    """The value at the path ``parts`` (a list of keys) of a spec dict; KeyError naming the first
    missing key.

    Examples
    --------
    >>> get_at({"weights": {"index": {"method": "equal"}}}, ["weights", "index", "method"])
    'equal'
    """
    node = doc
    for p in parts:
        if not isinstance(node, Mapping) or p not in node:
            raise KeyError(p)
        node = node[p]
    return node


def _choice_path(parts: Sequence[str]) -> bool:
    """Is ``parts`` the path of a choice mapping (something with a ``method``)?"""
    n = len(parts)
    if n == 1:
        return parts[0] in DATA_PATH_ROOTS and parts[0] != "panel"
    if parts[0] in METHOD_ROOTS:
        return n == 2 or (n == 4 and parts[2] == "overrides")
    return parts[0] == "normalisation" and n == 3 and parts[1] == "overrides"


def set_at(doc: dict, address: str, value) -> dict:
    """A copy of the spec dict ``doc`` with ``value`` set at ``address`` (module docstring).

    Examples
    --------
    >>> doc = {"aggregation": {"index": {"method": "generalised_mean", "params": {"p": 2}}}}
    >>> set_at(doc, "aggregation.index.method", "arithmetic")
    {'aggregation': {'index': {'method': 'arithmetic', 'params': {}}}}
    """
    doc = copy.deepcopy(doc)
    parts = address.split(".")
    if _choice_path(parts) and isinstance(value, str):
        parts, value = parts + ["method"], value
    *head, last = parts
    if len(head) >= 2 and head[-1] == "params":
        choice = get_at(doc, head[:-1])
        if not isinstance(choice.get("params"), dict):
            choice["params"] = {}
    parent = get_at(doc, head) if head else doc
    if last == "method" and _choice_path(head):
        if value != parent.get("method"):
            keep = _KEEP_ON_SWITCH[head[0]]
            if len(head) > 2 or (head[0] == "normalisation" and len(head) == 3):
                keep = set()  # a per-node override: only the method
            new = {k: v for k, v in parent.items() if keep is None or k in keep}
            new["method"] = value
            if "params" in parent or head[0] == "normalisation":
                new["params"] = {}  # (an absent key would fall back to the spec defaults)
            if head[0] == "imputation":
                new["by"] = parent.get("by") if _grouped(value) else None
                new["params"] = {}
            parent.clear()
            parent.update(new)
        return doc
    if _choice_path(parts) and isinstance(value, Mapping):
        old = parent[last]
        if parts[0] in ("imputation", "outliers"):
            new = {**old, **copy.deepcopy(dict(value))}
            if parts[0] == "imputation" and "by" not in value:
                new["by"] = old.get("by") if _grouped(new["method"]) else None
            if parts[0] == "imputation" and "params" not in value and new["method"] != old["method"]:
                new["params"] = {}
        else:
            new = copy.deepcopy(dict(value))
            if len(parts) <= 2 and "overrides" in old and "overrides" not in new:
                new["overrides"] = old["overrides"]
            if "params" not in new and ("params" in old or parts[0] == "normalisation"):
                new["params"] = {}
        parent[last] = new
        return doc
    parent[last] = copy.deepcopy(value)
    return doc
