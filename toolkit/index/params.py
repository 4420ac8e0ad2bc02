"""Per-indicator and per-node parameters: one value for all, or a mapping code → value.

A parameter the registry declares ``per_indicator`` (on a ``columnwise`` method: outlier
treatment, every normaliser; :mod:`toolkit.methods.declared`) may be given once
(``winmax: 5``, ``lower: 0``) or per indicator (``winmax: {A: 0, B: 1}``,
``lower: {LE: 20, EYS: 0, MYS: 0, GNI: 100}``, ``log: {GNI: true}``). One mechanism serves every
method, in :func:`toolkit.build_index` and in the Monte Carlo engine alike (both run the steps of
:mod:`toolkit.index.steps`):

* a mapping is resolved against the columns of the *block* the step runs on
  (:func:`column_groups`): the index leaves the method applies to (all leaves but the overridden
  ones, or the leaf of one ``normalisation.overrides`` entry). A code outside the block is a
  :class:`~toolkit.errors.SpecError` naming the spec key, the code and the closest valid code;
* a parameter the method needs (``required``) must have a value for every indicator of the
  block; a parameter with a default falls back to it for the indicators a mapping leaves out
  (``log: {GNI: true}`` logs GNI and nothing else);
* the columns whose resolved parameters are equal form a group and the method's one
  implementation is called once per group, so a value given for one indicator never reaches
  another column, and a mapping whose values are all equal gives exactly the scalar result
  (one group, one call).

A parameter declared ``per_node`` (aggregation, data-driven weights) may be a mapping node code
→ value, resolved for each node of the level by :func:`node_params`. Any other parameter takes
one value for every indicator; a mapping is an error saying why (``Param.shared``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..errors import SpecError

__all__ = ["block_choice", "check_indicator_params", "check_node_params", "column_groups", "column_params",
           "node_params", "normalisation_blocks"]


def _suggest(code, allowed) -> str:
    from ..framework.units import suggest

    return suggest(code, allowed)


def normalisation_blocks(ns: Mapping, columns) -> dict[str, list[str]]:
    """``"normalisation"`` or ``"normalisation.overrides.CODE"`` → the columns it applies to.

    >>> normalisation_blocks({"method": "minmax", "params": {}, "overrides": {"B": {"method": "rank"}}}, ["A", "B"])
    {'normalisation': ['A'], 'normalisation.overrides.B': ['B']}
    """
    overrides = ns.get("overrides") or {}
    out = {"normalisation": [c for c in columns if c not in overrides]}
    for code in overrides:
        if code in columns:
            out[f"normalisation.overrides.{code}"] = [code]
    return out


def block_choice(ns: Mapping, where: str) -> tuple[str, dict]:
    """(method, params) of one block of :func:`normalisation_blocks` (an override with a
    different method starts from that method's defaults).

    >>> block_choice({"method": "minmax", "params": {"lower": 0}, "overrides": {"B": {"method": "rank"}}},
    ...              "normalisation.overrides.B")
    ('rank', {})
    """
    code = where.rsplit(".", 1)[1] if where != "normalisation" else None
    o = (ns.get("overrides") or {}).get(code, {}) if code else {}
    method = o.get("method", ns["method"])
    params = dict(o.get("params", ns.get("params") or {} if method == ns["method"] else {}))
    return method, params


def column_params(ns: Mapping, column: str) -> tuple[str, dict]:
    """The method and the scalar parameters of one column under a normalisation section.

    Each mapping-valued parameter is replaced by the column's entry, or dropped (the method's
    default applies) when the mapping does not name the column.

    Parameters
    ----------
    ns : mapping
        The spec's ``normalisation`` section (method, params, overrides).
    column : str
        An index leaf.

    Returns
    -------
    tuple
        (method, params) with every parameter a scalar.

    Examples
    --------
    >>> ns = {"method": "goalposts", "params": {"lower": {"A": 1, "B": 2}, "upper": 9, "log": {"B": True}},
    ...       "overrides": {}}
    >>> column_params(ns, "A")
    ('goalposts', {'lower': 1, 'upper': 9})
    >>> column_params(ns, "B")
    ('goalposts', {'lower': 2, 'upper': 9, 'log': True})
    """
    in_override = column in (ns.get("overrides") or {})
    method, params = block_choice(ns, f"normalisation.overrides.{column}" if in_override else "normalisation")
    out = {}
    for key, value in params.items():
        if isinstance(value, Mapping):
            if column in value:
                out[key] = value[column]
        else:
            out[key] = value
    return method, out


def column_groups(entry, params: Mapping, columns, where: str, *, elsewhere=()) -> list[tuple[dict, list[str]]]:
    """Resolve the per-indicator parameters of a registry entry against a block's columns and
    group the columns with equal resolved parameters.

    Parameters
    ----------
    entry : Method
        The registry entry (its declared :class:`~toolkit.methods.declared.Param`).
    params : mapping
        The parameters as the spec gives them: scalars, or mappings indicator → value for the
        ``per_indicator`` ones.
    columns : list of str
        The block's columns, in order.
    where : str
        The spec key, for the messages (``"outliers"``, ``"normalisation.params"``).
    elsewhere : iterable of str
        Indicators that another block of the same step handles (named as such in the message).

    Returns
    -------
    list of (dict, list)
        (scalar parameters, columns) per group, in order of the first column of each group. A
        mapping entry that a group omits takes the parameter's declared default.

    Raises
    ------
    SpecError
        A mapping for a parameter that cannot vary by indicator, a code outside ``columns``, or
        a required parameter with no value for some column.

    Examples
    --------
    >>> from toolkit.methods.registry import TREATMENT
    >>> column_groups(TREATMENT["coinr"], {"winmax": {"A": 0, "B": 1, "C": 0}, "skew_thresh": 2.0},
    ...               ["A", "B", "C"], "outliers")
    [({'winmax': 0, 'skew_thresh': 2.0}, ['A', 'C']), ({'winmax': 1, 'skew_thresh': 2.0}, ['B'])]
    >>> column_groups(TREATMENT["coinr"], {"winmax": {"A": 0, "Bx": 1}}, ["A", "B"], "outliers")
    Traceback (most recent call last):
    ...
    toolkit.errors.SpecError: outliers.winmax names ['Bx'], which is not an indicator of this block (did you mean 'B'?); the block holds ['A', 'B']
    """
    columns = list(columns)
    declared = {p.name: p for p in entry.params}
    elsewhere = set(elsewhere)
    per_col: dict[str, dict] = {c: {} for c in columns}
    for key, value in params.items():
        p = declared.get(key)
        if p is not None and isinstance(value, Mapping) and p.type not in ("mapping", "coefficients", "any"):
            if not (p.per_indicator and entry.columnwise):
                p.check(value, where, entry.name)  # the error that says why it cannot vary
                raise SpecError(f"{where}.{key}: {entry.name} takes one value for every indicator")
            outside = [c for c in value if c not in per_col]
            if outside:
                c = outside[0]
                if c in elsewhere:
                    kind = "normalised by another method here" if "normalisation" in where \
                        else "handled by another block"
                    raise SpecError(f"{where}.{key} names {outside}, {kind}; this block holds {columns}")
                raise SpecError(f"{where}.{key} names {outside}, which is not an indicator of this block"
                                f"{_suggest(c, columns)}; the block holds {columns}")
            absent = [c for c in columns if c not in value]
            if absent and p.required:
                raise SpecError(f"{where}.{key}: method {entry.name!r} needs a value for every indicator; "
                                f"none given for {absent}")
            for c in columns:
                per_col[c][key] = value[c] if c in value else p.default
        else:
            for c in columns:
                per_col[c][key] = value
    groups: dict[str, tuple[dict, list[str]]] = {}
    for c in columns:
        sig = json.dumps(per_col[c], sort_keys=True, default=repr)
        groups.setdefault(sig, (per_col[c], []))[1].append(c)
    out = list(groups.values())
    if entry.validate is not None and any(isinstance(v, Mapping) for v in params.values()):
        for scalars, cols in out:
            entry.validate(entry.resolve(scalars), f"{where} (indicators {cols})")
    return out


def node_params(entry, params: Mapping, node: str) -> dict:
    """The parameters of one node under a level's choice: each ``per_node`` mapping replaced
    by the node's entry (a node the mapping leaves out takes the declared default).

    Examples
    --------
    >>> from toolkit.methods.registry import AGGREGATION
    >>> node_params(AGGREGATION["generalised_mean"], {"p": {"D1": 0.5, "D2": 2}}, "D2")
    {'p': 2}
    >>> node_params(AGGREGATION["generalised_mean"], {"p": {"D1": 0.5}}, "D3")
    {'p': 1.0}
    """
    out = {}
    for key, value in params.items():
        p = entry.param(key)
        if p is not None and p.per_node and isinstance(value, Mapping):
            out[key] = value[node] if node in value else p.default
        else:
            out[key] = value
    return out


def check_node_params(entry, params: Mapping, nodes, where: str) -> None:
    """Spec-time check of the ``per_node`` mappings of a weighting or aggregation choice: every
    code one of ``nodes`` (the parents the choice applies to), and the entry's cross-parameter
    rule kept for each node.

    Examples
    --------
    >>> from toolkit.methods.registry import AGGREGATION
    >>> check_node_params(AGGREGATION["generalised_mean"], {"p": {"D1": 1, "D22": 2}}, ["D1", "D2"],
    ...                   "aggregation.dimension.params")
    Traceback (most recent call last):
    ...
    toolkit.errors.SpecError: aggregation.dimension.params.p names ['D22'], which is not a node this choice applies to (did you mean 'D2'?); its nodes are ['D1', 'D2']
    """
    nodes = list(nodes)
    mapped = False
    for key, value in (params or {}).items():
        p = entry.param(key)
        if p is None or not p.per_node or not isinstance(value, Mapping):
            continue
        mapped = True
        outside = [c for c in value if c not in nodes]
        if outside:
            c = outside[0]
            raise SpecError(f"{where}.{key} names {outside}, which is not a node this choice applies to"
                            f"{_suggest(c, nodes)}; its nodes are {nodes}")
    if mapped and entry.validate is not None:
        for node in nodes:
            entry.validate(entry.resolve(node_params(entry, params, node)), f"{where} (node {node})")


def check_indicator_params(doc: Mapping, fw, where_file: str = "spec") -> None:
    """Check every per-indicator mapping of a spec (``outliers`` and ``normalisation``) against
    the blocks of the framework's index leaves, with :func:`column_groups` — the code the steps
    run, so a spec that loads is a spec that runs.

    Raises
    ------
    SpecError
        When a mapping names an indicator outside its block, a required parameter has no value
        for an indicator of the block, or a parameter that cannot vary by indicator is a mapping.

    Examples
    --------
    >>> from toolkit.index.spec import DEFAULTS
    >>> from toolkit.framework.loader import load_framework
    >>> check_indicator_params({**DEFAULTS, "outliers": {**DEFAULTS["outliers"], "winmax": {"L1P1": 0}}},
    ...                        load_framework("undp_hdi"))
    Traceback (most recent call last):
    ...
    toolkit.errors.SpecError: spec: outliers.winmax names ['L1P1'], which is not an indicator of this block; the block holds ['LE', 'EYS', 'MYS', 'GNI']
    """
    from ..framework.tree import index_leaves
    from ..methods.registry import NORMALISATION, TREATMENT

    leaves = index_leaves(fw)
    out = doc["outliers"]
    if out["method"] in TREATMENT:
        entry = TREATMENT[out["method"]]
        column_groups(entry, {p.name: out[p.name] for p in entry.params if p.name in out}, leaves,
                      f"{where_file}: outliers")
    ns = doc["normalisation"]
    blocks = normalisation_blocks(ns, leaves)
    for where, cols in blocks.items():
        if not cols:
            continue
        method, params = block_choice(ns, where)
        if method not in NORMALISATION:
            continue
        others = [c for c in leaves if c not in cols]
        column_groups(NORMALISATION[method], params, cols, f"{where_file}: {where}.params", elsewhere=others)
