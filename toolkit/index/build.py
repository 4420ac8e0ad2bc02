"""``build_index(data, spec)``: treat, normalise, weight and aggregate, as one pure function.

The steps, each taken from the specification (:mod:`toolkit.index.spec`):

1. **select** the index leaves: every indicator, except that an indicator whose sub-measures
   roll up inside the index (L2P1, L3P3) is replaced by its sub-measures; a raw-stage roll-up
   (L3P1's checklist score) is a leaf itself;
2. **denominate** (COINr ``Denominate``: indicator / (denominator / scale), as the framework or
   the spec declares; :mod:`toolkit.methods.preparation.denominate`);
3. **impute** (panel filling across years first, then a cross-sectional method, by any group
   column the framework declares);
4. **screen** units (COINr ``Screen``: byNA, byzeros, byNAandzeros with force lists;
   :mod:`toolkit.methods.preparation.screen`);
5. **treat outliers** (COINr's winsorise-then-log rule; binary and ordinal columns skipped);
6. **normalise**, direction-aware, per indicator if overridden, with per-indicator parameters
   (:mod:`toolkit.index.params`);
7. **weight and aggregate** bottom-up through the framework's levels: sub-measures →
   indicator, indicators → dimension, dimensions → index; method and weights per level, and
   per node where overridden;
8. **rank** every aggregate within each year (1 = best; ties share the best rank), on scores
   rounded to ``ranking.round`` decimals when given (the HDR ranks its 3-decimal HDI).

Steps 2–5 are :func:`data_path`, the one implementation the uncertainty engine runs too.

With ``panel.scope: pooled`` (the default, like COINr's global normalisation of a purse) all
years are normalised and weighted together, so scores are comparable across years; with
``per_year`` each year is an independent block. Same data and spec → identical numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import __version__
from ..data.read import IndicatorData
from ..errors import DataError, FrameworkError, SpecError
from ..framework.model import Framework
from ..framework.tree import index_leaves, index_tree  # noqa: F401 (re-exported: the old place)
from ..methods.registry import AGGREGATION
from . import steps
from .plan import Plan, compile_plan, data_driven_weights, rank_rows  # noqa: F401 (data_driven_weights: re-exported)
from .spec import IndexSpec, load_spec

INDEX_KEYS = ["unit_id", "year"]


@dataclass(frozen=True)
class IndexResult:
    """Everything ``build_index`` computed, labelled by (unit_id, year) and node code.

    Attributes
    ----------
    spec, framework : the inputs' specification and framework
    raw, imputed, treated, normalised : DataFrame
        The index leaves at each step, index (unit_id, year).
    imputation_log, treatment_log, treatment_details : DataFrame
        What was imputed / treated (unit, indicator, old, new, reason).
    scores : DataFrame
        Every aggregate node (rolled-up indicators, dimensions, the index), index (unit_id, year).
    weights : DataFrame
        Tidy: block, level, parent, child, weight, method — the weights at every level.
    effective_weights : DataFrame
        Block × leaf: the product of weights from the index down to each leaf.
    composite, rank : Series
        The composite score and its rank within each year (1 = best; ties share the best rank).
    units : DataFrame
        Unit descriptors (brain name, city, county, industry), index (unit_id, year).
    provenance : dict
    ranks : DataFrame
        The rank of every aggregate node within each year (``rank`` is its root column).
    denomination_log, screening_log : DataFrame
        Which indicators were divided by what; every unit's data availability and whether (and
        why) screening kept it.
    input_raw, input_units : DataFrame
        The leaves and unit columns of every unit before denomination and screening (what the
        uncertainty engine re-runs :func:`data_path` on).
    plan : Plan
        The compiled spec the result was built from (:func:`toolkit.index.plan.compile_plan`).

    Examples
    --------
    :func:`build_index` returns one (the synthetic demo: 50 brains × 5 years):

    >>> from toolkit import build_index, read_indicators
    >>> result = build_index(read_indicators("data/raw/demo_synthetic_returns.csv"))
    >>> result.years, result.composite.shape, result.dimension_scores.shape
    ([2021, 2022, 2023, 2024, 2025], (250,), (250, 5))
    >>> sorted(result.rank.xs(2025, level="year").tolist()) == list(range(1, 51))
    True
    >>> round(float(result.effective_weights.sum(axis=1).iloc[0]), 6)  # the leaves' weights sum to 1
    1.0
    """

    spec: IndexSpec
    framework: Framework
    raw: pd.DataFrame
    imputed: pd.DataFrame
    treated: pd.DataFrame
    normalised: pd.DataFrame
    scores: pd.DataFrame
    weights: pd.DataFrame
    effective_weights: pd.DataFrame
    composite: pd.Series
    rank: pd.Series
    units: pd.DataFrame
    imputation_log: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    treatment_log: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    treatment_details: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    provenance: dict = field(default_factory=dict)
    ranks: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    denomination_log: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    screening_log: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    input_raw: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    input_units: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    plan: Plan | None = field(repr=False, default=None)

    @property
    def dimension_scores(self) -> pd.DataFrame:
        return self.scores[list(self.framework.dimensions.index)]

    def level_scores(self, level: str) -> pd.DataFrame:
        """Scores of every node of ``level`` (a level name of the framework)."""
        codes = [n.code for n in self.framework.nodes(level) if n.code in self.scores]
        return self.scores[codes]

    def group_ranks(self, by: str) -> pd.DataFrame:
        """Ranks of every aggregate within each year and each value of the unit column ``by``
        (a group the framework declares), rounded as ``ranking.round`` says."""
        if by not in self.units:
            raise KeyError(f"{by!r} is not a unit column of the data; unit columns: {list(self.units)}")
        return rank_scores(self.scores, self.spec["ranking"]["round"], self.units[by])

    @property
    def headline_level(self) -> str:
        """The level shown beside the composite: the dimensions, else the level below the index."""
        return self.framework.dimension_level or self.framework.levels[1]

    @property
    def years(self) -> list[int]:
        return sorted(self.composite.index.get_level_values("year").unique())

    def summary(self, year: int | None = None, lang: str = "zh") -> pd.DataFrame:
        """One row per unit (and year): the unit columns the framework shows in a summary (its
        name and group columns, less those marked ``summary: false``; see
        :attr:`~toolkit.framework.model.Framework.summary_columns`), the dimension scores (or
        the level below the index when the framework has no dimensions), composite, rank —
        sorted by year then rank."""
        fw = self.framework
        root = fw.root.code
        names = [c for c in fw.summary_columns if c in self.units]
        out = pd.concat([self.units[names], self.level_scores(self.headline_level),
                         self.composite.rename(root), self.rank.rename("rank")], axis=1)
        if year is not None:
            return out.xs(year, level="year").sort_values("rank")
        return out.sort_values(["year", "rank"])

    def unit_interval(self, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """Normalised leaves (or ``frame``) rescaled to [0, 1] for the diagnostics.

        With min–max normalisation to [lower, upper] this is (x − lower)/(upper − lower); for
        any other normalisation each column is min–max rescaled over all rows.
        """
        X = self.normalised if frame is None else frame
        ns = self.spec["normalisation"]
        if ns["method"] == "minmax" and not ns["overrides"]:
            lo, hi = float(ns["params"].get("lower", 0)), float(ns["params"].get("upper", 1))
            return ((X - lo) / (hi - lo)).clip(0, 1)
        lo, hi = X.min(), X.max()
        return ((X - lo) / (hi - lo).where(hi > lo, 1.0)).fillna(0.0)

    def obstacles(self, year: int, by: str = "indicator") -> pd.DataFrame:
        """Obstacle degree (障碍度, %) of each index leaf — or summed by ``by="dimension"`` — for
        every unit in ``year``: O_ij = F_j I_ij / Σ_j F_j I_ij with F the effective weight and
        I = 1 − the normalised value on [0, 1] (:func:`toolkit.methods.diagnose.obstacle_degree`)."""
        from ..methods.diagnose import obstacle_degree

        block = "pooled" if "pooled" in self.effective_weights.index else year
        X = self.unit_interval().xs(year, level="year")
        groups = None
        if by != "indicator":
            level = self.framework.dimension_level if by == "dimension" else by
            if level is None:
                raise FrameworkError(f"obstacles(by='dimension'): framework {self.framework.id} has no level named "
                                     f"'dimension' and declares no dimension_level; pass by=<one of "
                                     f"{list(self.framework.levels[1:-1])}>")
            groups = {c: self.framework.ancestor(c, level) for c in X.columns}
        return obstacle_degree(X, self.effective_weights.loc[block], groups=groups)

    def coupling(self, year: int) -> pd.DataFrame:
        """Coupling coordination (耦合协调度) of the dimension scores in ``year``: C, T, D and
        the ten-level grade (:func:`toolkit.methods.diagnose.coupling_coordination`)."""
        from ..methods.diagnose import coupling_coordination

        U = self.unit_interval(self.level_scores(self.headline_level)).xs(year, level="year")
        return coupling_coordination(U)


# -- the pipeline ----------------------------------------------------------------------------------
def check_units_for_weights(index: pd.MultiIndex, plan: Plan, source: str) -> None:
    """Refuse, before any step runs, data holding fewer than two units when the plan weighs with
    the data (entropy, CRITIC, PCA …; :attr:`Plan.data_driven <toolkit.index.plan.Plan>`): such
    weights compare units, and one unit has nothing to compare with. With ``panel.scope:
    per_year`` each year needs two.

    Raises
    ------
    DataError
        Naming the data, the unit, and the weights that need more.

    Examples
    --------
    >>> import pandas as pd, toolkit
    >>> from toolkit.index.plan import compile_plan
    >>> one = pd.MultiIndex.from_tuples([("SD-B001", 2024), ("SD-B001", 2025)], names=["unit_id", "year"])
    >>> check_units_for_weights(one, compile_plan(toolkit.load_spec("configs/default.yaml")), "one.csv")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: one.csv: the data hold one unit (SD-B001); data-driven weights need at least two units to compare: weights.dimension is 'entropy'. Add the other units' returns, or weigh with a method that does not look at the data (equal, framework, manual, ahp)
    """
    driven = plan.data_driven
    if not driven:
        return
    ids = pd.Series(index.get_level_values("unit_id"))
    if plan.scope == "per_year":
        groups = ids.groupby(index.get_level_values("year").to_numpy())
        counts = {f"year {year}": g.unique() for year, g in groups}
        suffix = " (panel.scope is per_year: each year is weighed on its own)"
    else:
        counts, suffix = {"the data": ids.unique()}, ""
    for what, units in counts.items():
        if len(units) < 2:
            units = sorted(units)
            held = f"one unit ({units[0]})" if units else "no unit"
            uses = ", ".join(f"{key} is {method!r}" for key, method in driven)
            err = DataError(f"{source}: {what} hold{'s' if what != 'the data' else ''} {held}{suffix}; data-driven "
                            f"weights need at least two units to compare: {uses}. Add the other units' returns, or "
                            "weigh with a method that does not look at the data (equal, framework, manual, ahp)")
            err.zh = (f"{source}：{what.replace('the data', '数据').replace('year', '年份')}只有 {len(units)} 个单位"
                      f"（{', '.join(units)}）；基于数据的赋权（{uses}）至少需要两个单位相互比较。"
                      "请补充其他单位的填报，或改用不依赖数据的赋权方法（equal、framework、manual、ahp）")
            raise err


def build_index(data: IndicatorData | pd.DataFrame, spec=None, framework: Framework | None = None) -> IndexResult:
    """Build the composite index of ``data`` under ``spec``: the spec compiled once into a plan
    (:func:`toolkit.index.plan.compile_plan`), and the plan run (:func:`run_plan`).

    Parameters
    ----------
    data : IndicatorData or DataFrame
        A checked return (:func:`toolkit.read_indicators`), or a DataFrame with the unit columns
        ``unit_id`` and ``year`` plus the framework's data columns.
    spec : IndexSpec, path, mapping or None
        The specification (None: built-in defaults; see ``configs/default.yaml``).
    framework : Framework, optional
        Needed only when ``data`` is a bare DataFrame (default: the spec's framework).

    Returns
    -------
    IndexResult
        Every step's data (``raw``, ``imputed``, ``treated``, ``normalised``), the ``scores`` of
        every aggregate node, the ``weights``, the logs and the provenance; ``summary(year)`` ranks
        the units (1 = best).

    Examples
    --------
    >>> import toolkit
    >>> data = toolkit.read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> result = toolkit.build_index(data, toolkit.load_spec("configs/default.yaml"))
    >>> result.summary(2025)["rank"].head(2).to_dict()
    {'SD-B011': 1, 'SD-B037': 2}
    >>> result.effective_weights.sum(axis=1).round(12).to_dict()   # one row per block ("pooled": all years)
    {'pooled': 1.0}
    """
    return run_plan(data, compile_plan(load_spec(spec, data_framework(data, spec, framework))))


def data_framework(data, spec=None, framework: Framework | None = None) -> Framework:
    """The framework ``data`` are read with: a checked return's own, else ``framework``, else the
    spec's (for a bare DataFrame).

    Examples
    --------
    >>> import pandas as pd
    >>> data_framework(pd.DataFrame(), {"framework": "undp_hdi"}).id
    'undp_hdi'
    """
    if isinstance(data, IndicatorData):
        return data.framework
    return framework or (spec.framework if isinstance(spec, IndexSpec) else load_spec(spec).framework)


def run_plan(data: IndicatorData | pd.DataFrame, plan: Plan) -> IndexResult:
    """Run a compiled plan (:func:`toolkit.index.plan.compile_plan`) on ``data``: the data steps
    (:func:`~toolkit.index.steps.data_path`), normalisation per block, the one walk of the tree
    and the one ranking routine. What :func:`build_index` does once the spec is compiled, and what
    the uncertainty analysis runs for its nominal index.

    Parameters
    ----------
    data : IndicatorData or DataFrame
        As for :func:`build_index`; read with the framework of the plan's spec.
    plan : Plan

    Returns
    -------
    IndexResult

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.index.plan import compile_plan
    >>> plan = compile_plan(toolkit.load_spec("configs/default.yaml"))
    >>> data = toolkit.read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> int(run_plan(data, plan).rank.xs("SD-B011").loc[2025])
    1
    """
    spec, full, fw = plan.spec, plan.spec.framework, plan.framework
    if isinstance(data, IndicatorData):
        table, source, sha = data.table, data.source, data.sha256
        if data.framework.id != full.id:
            raise SpecError(f"spec {spec.name!r} is for framework {spec['framework']!r}, the data use "
                            f"{data.framework.id!r}")
    else:
        data = data.copy(deep=False)
        data.attrs = {}  # pandas deep-copies attrs on every operation: costly on large frames
        table, source, sha = full.rollup_raw(data), "<DataFrame>", ""
    table = table.copy(deep=False)
    table.attrs = {}  # pandas deep-copies attrs on every operation: costly on large frames
    missing = [c for c in INDEX_KEYS if c not in table]
    if missing:
        raise DataError(f"build_index: data lack the unit column(s) {missing}")
    if spec["years"] is not None:
        table = table[table["year"].isin(spec["years"])]
        if table.empty:
            raise DataError(f"build_index: no rows for years {list(spec['years'])}")
    table = table.sort_values(INDEX_KEYS, kind="stable")
    keyed = table.set_index(INDEX_KEYS)
    if not keyed.index.is_unique:
        raise DataError("build_index: (unit_id, year) is not unique; validate the data first")
    leaves = list(plan.leaves)
    absent = [c for c in leaves if c not in keyed]
    if absent:
        raise DataError(f"build_index: data lack the framework column(s) {absent}")
    check_units_for_weights(keyed.index, plan, source)  # where the spec meets the data: before any step
    input_raw = keyed[leaves].astype(float)
    # one block of floats: every step's to_numpy is then a view, not a copy gathered column by column
    input_raw = pd.DataFrame(input_raw.to_numpy(), index=input_raw.index, columns=input_raw.columns)
    unit_cols = [c.name for c in fw.unit_columns if c.name not in INDEX_KEYS and c.name in keyed]
    input_units = keyed[unit_cols]
    path = steps.data_path(input_raw, input_units, plan)
    raw = steps.rows(input_raw, path.treated.index)
    units = steps.rows(input_units, path.treated.index)
    imputed, treated, imp_log, tr_log, tr_details = (path.imputed, path.treated, path.imputation_log,
                                                      path.treatment_log, path.treatment_details)
    blocks = steps.blocks(treated, plan.scope)
    normalised = steps.rows(pd.concat([steps.normalise_block(steps.rows(treated, idx), plan)
                                       for idx in blocks.values()]), raw.index)
    scores_parts, weight_rows, eff_rows = [], [], []
    for name, idx in blocks.items():
        s, w, e = _aggregate_block(steps.rows(normalised, idx), steps.rows(treated, idx), fw, plan, name)
        scores_parts.append(s)
        weight_rows.append(w)
        eff_rows.append(e)
    scores = steps.rows(pd.concat(scores_parts), raw.index)
    root = plan.root
    composite = scores[root].rename("composite")
    ranks = rank_scores(scores, plan.rank_decimals)
    rank = ranks[root].rename("rank")
    return IndexResult(
        spec=spec, framework=fw, raw=raw, imputed=imputed, treated=treated, normalised=normalised,
        scores=scores, weights=pd.concat(weight_rows, ignore_index=True),
        effective_weights=pd.DataFrame(eff_rows).rename_axis("block"),
        composite=composite, rank=rank, units=units, imputation_log=imp_log, treatment_log=tr_log,
        treatment_details=tr_details, ranks=ranks, denomination_log=path.denomination_log,
        screening_log=path.screening_log, input_raw=input_raw, input_units=input_units, plan=plan,
        provenance={"data_source": source, "data_sha256": sha, "spec_name": spec.name, "spec_source": spec.source,
                    "spec_sha256": spec.sha256, "framework": fw.id, "framework_version": fw.version,
                    "framework_sha256": fw.sha256, "toolkit_version": __version__,
                    "excluded": list(spec.excluded)},
    )


def rank_scores(scores: pd.DataFrame, decimals: int | None = None, groups: pd.Series | None = None) -> pd.DataFrame:
    """Rank every column of ``scores`` within each year: 1 = highest, ties share the best rank
    (``min``), missing scores stay missing. With ``decimals`` the scores are rounded first, so
    units equal at the published precision tie (the HDR ranks its 3-decimal HDI this way).

    Parameters
    ----------
    scores : DataFrame indexed by (unit_id, year)
    decimals : int or None
    groups : Series, optional
        A group label per row (a unit column such as ``GDPpc_group``): ranks within each year
        and group (COINr's ``groupranks``).

    Returns
    -------
    DataFrame of nullable integers, the labels of ``scores``.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("a", 1), ("b", 1), ("c", 1)], names=["unit_id", "year"])
    >>> s = pd.DataFrame({"HDI": [0.8124, 0.8116, 0.5]}, index=idx)
    >>> rank_scores(s)["HDI"].tolist(), rank_scores(s, 2)["HDI"].tolist()
    ([1, 2, 3], [1, 1, 3])
    """
    keys = pd.DataFrame({"year": scores.index.get_level_values("year")})
    if groups is not None:
        keys["group"] = groups.reindex(scores.index).to_numpy()
    positions = [np.asarray(rows) for _, rows in keys.groupby(list(keys.columns), dropna=True).indices.items()]
    ranks = rank_rows(scores.to_numpy(dtype=float).T, positions, decimals).T  # the one ranking routine
    return pd.DataFrame(ranks, index=scores.index, columns=scores.columns).astype("Int64")


def _aggregate_block(N: pd.DataFrame, T: pd.DataFrame, fw: Framework, plan: Plan, block):
    """Bottom-up aggregation of one block, walking the plan. Returns scores, tidy weights,
    effective weights."""
    values = {c: N[c] for c in N.columns}
    weights: dict[str, pd.Series] = {}
    rows = []
    for node in plan.walk():
        parent, kids = node.code, list(node.children)
        C = pd.DataFrame({k: values[k] for k in kids})
        w = steps.weight_node(C, T, kids, parent, node.weights, fw)
        values[parent] = AGGREGATION.get(node.aggregation["method"]).function(C, w, **node.params).rename(parent)
        weights[parent] = w
        rows += [{"block": block, "level": node.level, "parent": parent, "child": k, "weight": float(w[k]),
                  "method": node.weights["method"], "aggregation": node.aggregation["method"]} for k in kids]
    scores = pd.DataFrame({p: values[p] for p in plan.tree})[list(plan.tree)[::-1]]
    eff = {}
    for leaf in N.columns:
        e, node = 1.0, leaf
        while fw.node(node).parent is not None:
            parent = fw.node(node).parent
            e *= float(weights[parent][node])
            node = parent
        eff[leaf] = e
    return scores, pd.DataFrame(rows), pd.Series(eff, name=block)
