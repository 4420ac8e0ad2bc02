"""A specification compiled once into a plan, which :func:`toolkit.build_index` and the Monte Carlo
engine (:mod:`toolkit.robustness.engine`) both run.

The plan resolves, once, what both callers used to re-derive from the spec at every step: the
framework the index is built on (less the spec's ``exclude:``), the tree it aggregates
(:func:`toolkit.framework.tree.index_tree`), its leaves, the order of the walk (bottom-up), each
node's weighting and aggregation choice (the level's choice with the node's override and per-node
parameters, or the defaults), the missing-value rule (``na``) and the aggregation parameters it
implies, the blocks (``panel.scope``), the ranking precision, the data-driven weights (which need
two units to compare) and the settings of the data steps (:class:`DataPlan`: the denominators, the
imputation, the screening, the outlier treatment with the leaves it skips, the normalisation).
After :func:`compile_plan` nothing reads the spec: the steps (:mod:`toolkit.index.steps`),
``build_index`` (:func:`toolkit.index.build.run_plan`) and the engine take the plan.
A replication of the engine changes some choices: :meth:`Plan.choices` resolves a changed spec
for every node the same way :func:`compile_plan` does (:func:`node_choice`, :func:`na_rule`,
:func:`aggregation_params`, the rules that used to live in the steps).

Ranks come from one routine, :func:`rank_rows` (1 = highest, ties share the best rank, a missing
score has no rank), which ``build_index`` (:func:`toolkit.index.build.rank_scores`) and the engine
both call.

Examples
--------
>>> from toolkit.index.spec import load_spec
>>> plan = compile_plan(load_spec({"framework": "undp_hdi", "aggregation": {"index": {"method": "geometric"}}}))
>>> [node.code for node in plan.walk()]
['HEALTH', 'EDUCATION', 'INCOME', 'HDI']
>>> plan.nodes["HDI"].aggregation, plan.nodes["HDI"].params
({'method': 'geometric'}, {'na': 'error'})
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..framework.exclude import gone_codes, scrub, without
from ..framework.tree import index_leaves, index_tree
from ..methods.registry import AGGREGATION, SCREENING, TREATMENT, WEIGHTING
from .params import node_params

__all__ = ["DEFAULT_CHOICE", "DataPlan", "NodePlan", "Plan", "aggregation_params", "compile_plan", "data_driven_weights",
           "denominators_for", "na_rule", "node_choice", "plain", "rank_rows"]

#: the choice of a node whose level the spec leaves out
DEFAULT_CHOICE = {"weights": {"method": WEIGHTING.default}, "aggregation": {"method": AGGREGATION.default}}


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

    A per-node parameter given as a mapping node → value is resolved for the node:

    >>> spec = {"aggregation": {"dimension": {"method": "generalised_mean", "params": {"p": {"D1": 0.5}}}}}
    >>> node_choice(spec, "aggregation", "dimension", "D1"), node_choice(spec, "aggregation", "dimension", "D2")
    ({'method': 'generalised_mean', 'params': {'p': 0.5}}, {'method': 'generalised_mean', 'params': {'p': 1.0}})
    """
    sec = sections[section]
    choice = {k: v for k, v in (sec.get(level) or {}).items()}
    overrides = choice.pop("overrides", None) or {}
    if node is not None and node in overrides:
        choice = {**choice, **overrides[node]}
    if not choice:
        return dict(DEFAULT_CHOICE[section])
    choice = plain(choice)
    registry = WEIGHTING if section == "weights" else AGGREGATION
    if node is not None and choice.get("params") and choice.get("method") in registry:
        choice["params"] = node_params(registry[choice["method"]], choice["params"], node)
    return choice


def plain(obj):
    """``obj`` with every mapping a dict and every sequence a list (a spec's frozen parts thawed).

    Examples
    --------
    >>> from types import MappingProxyType
    >>> plain(MappingProxyType({"a": (1, 2)}))
    {'a': [1, 2]}
    """
    if isinstance(obj, Mapping):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
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


@dataclass(frozen=True)
class NodePlan:
    """One aggregate node of the plan: its children and the choices that combine them.

    Attributes
    ----------
    code, level : str
    children : tuple of str
    weights, aggregation : dict
        The node's weighting and aggregation choices, resolved (defaults, overrides, per-node
        parameters).
    params : dict
        The aggregation's parameters, with the missing-value rule applied (``na``).
    """

    code: str
    level: str
    children: tuple[str, ...]
    weights: dict
    aggregation: dict
    params: dict


def denominators_for(spec, fw) -> dict:
    """Indicator → (denominator column, scale) that the spec's ``denomination`` asks for:
    the framework's declarations (method ``framework``) with ``by`` overriding them (a null
    entry turns one off), or ``by`` alone (method ``spec``).

    Examples
    --------
    >>> from toolkit.index.spec import load_spec
    >>> spec = load_spec({"framework": "coinr_asem", "denomination": {"method": "framework",
    ...                   "by": {"Bord": None, "LPI": {"denominator": "GDP", "scale": 1000}}}})
    >>> d = denominators_for(spec, spec.framework)
    >>> len(d), d["Flights"], d["LPI"], "Bord" in d
    (17, ('Population', 1.0), ('GDP', 1000.0), False)
    """
    den = spec["denomination"]
    if den["method"] == "none":
        return {}
    out = dict(fw.denominators) if den["method"] == "framework" else {}
    for code, d in (den["by"] or {}).items():
        if d is None:
            out.pop(code, None)
        elif isinstance(d, Mapping):
            out[code] = (d["denominator"], float(d.get("scale", 1.0)))
        else:
            out[code] = (d, 1.0)
    return out


def data_driven_weights(weights: Mapping, where: str = "weights") -> list[tuple[str, str]]:
    """The data-driven weighting methods a spec's ``weights`` section uses, as (key, method),
    combinations searched too.

    Examples
    --------
    >>> data_driven_weights({"indicator": {"method": "framework"}, "dimension": {"method": "entropy"},
    ...                      "index": {"method": "combine", "of": [{"method": "equal"}, {"method": "critic"}]}})
    [('weights.dimension', 'entropy'), ('weights.index.of[1]', 'critic')]
    """
    found = []
    for key, choice in weights.items():
        if not isinstance(choice, Mapping):
            continue
        method = choice.get("method")
        if method in WEIGHTING and WEIGHTING.get(method).data_driven:
            found.append((f"{where}.{key}", method))
        for i, sub in enumerate(choice.get("of") or ()):
            if isinstance(sub, Mapping):
                found += data_driven_weights({f"{key}.of[{i}]": sub}, where)
    return found


@dataclass(frozen=True)
class DataPlan:
    """The settings of the data steps (:func:`toolkit.index.steps.data_path` and
    :func:`~toolkit.index.steps.normalise_block`), resolved from the spec once.

    Attributes
    ----------
    denominators : dict
        Leaf → (denominator column, scale) (:func:`denominators_for`).
    imputation : dict
        ``panel``, ``method``, ``by``, ``params``.
    screening : dict
        ``method`` and every parameter it declares (the spec's value, else the default).
    outliers : dict
        ``method``, ``params`` (every declared parameter; per-indicator mappings are resolved
        against the columns of the block the step runs on) and ``skip`` (the leaves left alone:
        the types in ``skip_types`` and the codes in ``skip``).
    normalisation : dict
        ``method``, ``params``, ``overrides``.
    """

    denominators: dict
    imputation: dict
    screening: dict
    outliers: dict
    normalisation: dict


def compile_data(spec, fw, leaves) -> DataPlan:
    """The :class:`DataPlan` of ``spec`` on framework ``fw`` (index leaves ``leaves``)."""
    screening = spec["screening"]
    entry = SCREENING.get(screening["method"])
    outliers = plain(spec["outliers"])
    params, skip = {}, []
    if outliers["method"] != "none":
        params = {p.name: outliers.get(p.name, p.default) for p in TREATMENT.get(outliers["method"]).params}
        skip = [c for c in leaves if fw.node(c).type in outliers["skip_types"] or c in outliers["skip"]]
    return DataPlan(
        denominators={c: d for c, d in denominators_for(spec, fw).items() if c in leaves},
        imputation=plain(spec["imputation"]),
        screening={"method": entry.name, **{p.name: plain(screening.get(p.name, p.default)) for p in entry.params}},
        outliers={"method": outliers["method"], "params": params, "skip": skip},
        normalisation=plain(spec["normalisation"]))


@dataclass(frozen=True)
class Plan:
    """A specification compiled for one framework (:func:`compile_plan`).

    Attributes
    ----------
    tree : dict
        Parent → children (:func:`~toolkit.framework.tree.index_tree`).
    leaves : tuple of str
    order : tuple of str
        The parents, bottom-up: the one order of the walk.
    root : str
    nodes : dict of str to NodePlan
    levels : dict of str to str
        Parent → its level.
    na : {"skip", "error"}
        Missing children of power means: skipped when the spec does not impute.
    scope : {"pooled", "per_year"}
        The blocks normalised and weighted together.
    rank_decimals : int or None
        Scores are rounded to this many decimals before ranking (``ranking.round``).
    spec : IndexSpec
        The specification compiled (what the result reports; no step reads it).
    framework : Framework
        The framework the index is built on (the spec's, less its ``exclude:``).
    data : DataPlan
        The settings of the data steps.
    data_driven : tuple of (str, str)
        The data-driven weights, (spec key, method): they need two units to compare.
    """

    tree: dict
    leaves: tuple[str, ...]
    order: tuple[str, ...]
    root: str
    nodes: dict
    levels: dict
    na: str
    scope: str
    rank_decimals: int | None
    spec: object = None
    framework: object = None
    data: DataPlan | None = None
    data_driven: tuple = ()

    def walk(self) -> Iterator[NodePlan]:
        """The aggregate nodes, bottom-up (children before their parent)."""
        return (self.nodes[p] for p in self.order)

    def choices(self, sections: Mapping) -> dict[str, tuple[dict, dict]]:
        """Each parent's (weighting, aggregation) choice under ``sections`` (a spec, or a spec
        dict a replication changed), resolved as :func:`compile_plan` resolves the spec's."""
        return {p: (node_choice(sections, "weights", self.levels[p], p),
                    node_choice(sections, "aggregation", self.levels[p], p)) for p in self.order}


def compile_plan(spec, framework=None) -> Plan:
    """Compile ``spec`` (an :class:`~toolkit.index.spec.IndexSpec`) into the :class:`Plan` that
    ``build_index`` and the engine run: the one place the spec is read.

    Parameters
    ----------
    spec : IndexSpec
    framework : Framework, optional
        The framework of the data (default: the spec's); the index is built on it less the
        spec's ``exclude:`` codes, whose settings are dropped from the spec first.

    Returns
    -------
    Plan

    Examples
    --------
    >>> from toolkit.index.spec import load_spec
    >>> plan = compile_plan(load_spec("configs/default.yaml"))
    >>> plan.root, len(plan.leaves), plan.order[-1], plan.nodes["L1"].weights, plan.rank_decimals
    ('INDEX', 30, 'INDEX', {'method': 'entropy'}, None)
    >>> plan.data_driven, plan.data.outliers["method"]
    ((('weights.dimension', 'entropy'),), 'coinr')
    """
    full = framework if framework is not None else spec.framework
    fw, work = full, spec
    if spec.excluded:  # the index is built on the framework without them, and their settings go
        fw = without(full, spec.excluded, spec.source or "spec")
        work = type(spec).from_dict(scrub(spec.to_dict(), gone_codes(full, fw)), spec.source, fw)
    tree = index_tree(fw)
    order = tuple(sorted(tree, key=lambda c: -fw.node(c).depth))  # stable: siblings in the framework's order
    levels = {p: fw.node(p).level for p in tree}
    na = na_rule(work)
    nodes = {}
    for p in order:
        w = node_choice(work, "weights", levels[p], p)
        a = node_choice(work, "aggregation", levels[p], p)
        nodes[p] = NodePlan(p, levels[p], tuple(tree[p]), w, a, aggregation_params(a, na))
    leaves = tuple(index_leaves(fw))
    return Plan(tree=tree, leaves=leaves, order=order, root=fw.root.code, nodes=nodes, levels=levels, na=na,
                scope=work["panel"]["scope"], rank_decimals=work["ranking"]["round"], spec=spec, framework=fw,
                data=compile_data(work, fw, leaves), data_driven=tuple(data_driven_weights(work["weights"])))


def rank_rows(values, groups: Sequence, decimals: int | None = None) -> np.ndarray:
    """Rank the values of each row within each group of columns: 1 = highest, ties share the best
    rank (``min``), a missing value has no rank (NaN). With ``decimals`` the values are rounded
    first, so values equal at the published precision tie (the HDR ranks its 3-decimal HDI so).

    The one ranking routine of the toolkit: ``build_index`` ranks every node's scores within each
    year with it, the engine every replication's composites.

    Parameters
    ----------
    values : array (n, m)
        One row per thing ranked separately (a replication, a node), one column per unit.
    groups : sequence of integer arrays
        Column positions ranked together (the units of one year, of one group).
    decimals : int, optional

    Returns
    -------
    ndarray of float (n, m)
        NaN for a missing value, and for a column in no group.

    Examples
    --------
    >>> rank_rows([[0.8124, 0.8116, 0.5, np.nan]], [np.arange(4)]).tolist()
    [[1.0, 2.0, 3.0, nan]]
    >>> rank_rows([[0.8124, 0.8116, 0.5]], [np.arange(3)], decimals=2).tolist()
    [[1.0, 1.0, 3.0]]
    """
    v = np.asarray(values, dtype=float)
    if decimals is not None:
        v = np.round(v, decimals)
    out = np.full(v.shape, np.nan)
    for cols in groups:
        cols = np.asarray(cols)
        if not cols.size:
            continue
        block = -v[:, cols]
        if np.isnan(block).any():
            from scipy.stats import rankdata  # ~1 s of CPU to import: only for a block with gaps

            out[:, cols] = rankdata(block, method="min", axis=1, nan_policy="omit")
        else:
            out[:, cols] = _min_ranks(block)
    return out


def _min_ranks(block: np.ndarray) -> np.ndarray:
    """``rankdata(block, method="min", axis=1)`` of a block without NaN, with one unstable argsort
    per row (rankdata sorts stably, which the ``min`` method does not need: about 2× faster)."""
    order = np.argsort(block, axis=1)
    s = np.take_along_axis(block, order, axis=1)
    pos = np.empty(s.shape, dtype=np.int64)
    pos[:, :1] = 1
    pos[:, 1:] = np.where(s[:, 1:] != s[:, :-1], np.arange(2, s.shape[1] + 1), 0)  # a new value starts
    np.maximum.accumulate(pos, axis=1, out=pos)  # a tie keeps the rank where its value started
    out = np.empty(s.shape)
    np.put_along_axis(out, order, pos, axis=1)
    return out
