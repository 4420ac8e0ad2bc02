"""The steps of :func:`toolkit.build_index`, one public function each, shared with the Monte Carlo
engine (:mod:`toolkit.robustness.engine`). They run a compiled plan
(:func:`toolkit.index.plan.compile_plan`), never the spec: what the spec asks of each step is
resolved once, in the plan (:class:`~toolkit.index.plan.DataPlan` for the data steps).

They own the pipeline's rules, so that the two callers cannot drift apart:

* the **defaults** of a node with no choice (weights ``framework``, aggregation ``arithmetic``:
  :func:`node_choice`);
* the **na rule**: power means skip missing children when imputation is ``none``, else a missing
  value is an error (:func:`na_rule`, :func:`aggregation_params`);
* the **on rule**: data-driven weights use the normalised children, or the treated (raw) values
  with ``on: raw`` (the default of ``cv``) when every child is a leaf — and then the kernels get
  the indicators' directions, so a cost indicator is min-maxed as a cost (:func:`weights_input`);
* the **blocks**: pooled, or one per year (:func:`blocks`);
* the **data path**: denominate → impute → screen → treat, in COINr's order
  (``build_example_coin``), as one function (:func:`data_path`);
* **per-indicator parameters**: on a columnwise method (outlier treatment, normalisation) a
  mapping indicator → value is resolved against the block's columns, the columns with equal
  resolved parameters are grouped and the method runs once per group
  (:func:`toolkit.index.params.column_groups`), so one indicator's value never reaches another;
  per-node parameters of weights and aggregation are resolved for each node
  (:func:`node_choice`).

Every method is looked up in :mod:`toolkit.methods.registry`; each runs its one kernel, on a
batch of one here (:func:`weight_node`) and on stacks in the engine (:func:`weight_stack`,
:func:`combine_stack`, :func:`aggregate_stack`); the weighting and aggregation of a node live in
:mod:`toolkit.index.node_steps` and are re-exported here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from ..methods.preparation.denominate import denominate
from ..methods.registry import (
    IMPUTATION,
    NORMALISATION,
    PANEL,
    SCREENING,
    TREATMENT,
)
from .node_steps import (  # noqa: F401 (re-exported: the steps' one public surface)
    aggregate_stack,
    aggregation_checks,
    combine_labels,
    combine_stack,
    fixed_weights,
    weight_node,
    weight_stack,
    weights_input,
)
from .params import block_choice, column_groups, normalisation_blocks
from .plan import DEFAULT_CHOICE, Plan, aggregation_params, na_rule, node_choice, plain  # noqa: F401 (re-exported)

__all__ = ["DEFAULT_CHOICE", "DataPath", "aggregate_stack", "aggregation_checks", "aggregation_params", "blocks",
           "combine_labels", "combine_stack", "data_path", "denominate_step", "fixed_weights", "impute_step", "na_rule", "node_choice",
           "normalise_block", "screen_step", "treat_step", "weight_node", "weight_stack", "weights_input"]


_IMPUTE_LOG = ["unit", "indicator", "old", "new", "method", "reason"]
_TREAT_LOG = ["unit", "indicator", "old", "new", "action", "reason"]


# -- data path ----------------------------------------------------------------------------------
def rows(frame: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """``frame.loc[index]``, or ``frame`` itself when it already has exactly those rows in that
    order (looking up every row of a 100,000-row MultiIndex costs more than the step it feeds).

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1, 2]}, index=["u1", "u2"])
    >>> rows(X, X.index) is X, rows(X, pd.Index(["u2"]))["a"].tolist()
    (True, [2])
    """
    return frame if frame.index.equals(index) else frame.loc[index]


def blocks(X: pd.DataFrame, scope: str) -> dict:
    """Row labels of each block: ``{"pooled": all rows}``, or ``{year: rows}`` with ``scope``
    ``"per_year"`` (the plan's ``panel.scope``, :attr:`~toolkit.index.plan.Plan.scope`).

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1, 2, 3]}, index=pd.MultiIndex.from_tuples(
    ...     [("u1", 2024), ("u1", 2025), ("u2", 2025)], names=["unit_id", "year"]))
    >>> {k: len(v) for k, v in blocks(X, "per_year").items()}
    {2024: 1, 2025: 2}
    """
    if scope == "pooled":
        return {"pooled": X.index}
    years = X.index.get_level_values("year")
    return {int(y): X.index[years == y] for y in sorted(years.unique())}


def impute_step(raw: pd.DataFrame, units: pd.DataFrame, plan: Plan):
    """Panel filling across years (``imputation.panel``), then the cross-sectional method
    (``imputation.method`` with its ``params``; group methods by ``imputation.by``) in each block.
    Returns the imputed leaves and the log of every filled cell.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> raw = pd.DataFrame({"a": [1.0, np.nan, 3.0]}, index=pd.MultiIndex.from_tuples(
    ...     [("u1", 2025), ("u2", 2025), ("u3", 2025)], names=["unit_id", "year"]))
    >>> from toolkit.index.plan import compile_plan
    >>> from toolkit.index.spec import load_spec
    >>> plan = compile_plan(load_spec({"framework": "undp_hdi", "imputation": {"method": "mean"}}))
    >>> impute_step(raw, pd.DataFrame(index=raw.index), plan)[0]["a"].tolist()
    [1.0, 2.0, 3.0]
    """
    choice = plan.data.imputation
    logs = []
    X = raw
    if choice["panel"] != "none":
        res = PANEL.get(choice["panel"]).function(X)
        X, logs = res.data, [res.log]
    entry = IMPUTATION.get(choice["method"])
    if entry.grouped and choice["by"] not in units:
        raise DataError(f"imputation by {choice['by']!r}: the data have no such column; unit columns: {list(units)}")
    groups = units[choice["by"]] if entry.grouped else None
    if entry.name != "none":
        parts = []
        for idx in blocks(X, plan.scope).values():
            args = () if groups is None else (rows(groups, idx),)
            res = entry.function(rows(X, idx), *args, **dict(choice["params"]))
            parts.append(res.data)
            logs.append(res.log)
        X = rows(parts[0] if len(parts) == 1 else pd.concat(parts), raw.index)
    kept = [lg for lg in logs if len(lg)]
    log = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=_IMPUTE_LOG)
    return X, log


_DENOM_LOG = ["indicator", "denominator", "scale", "n_missing_denominator"]


def denominate_step(raw: pd.DataFrame, units: pd.DataFrame, plan: Plan):
    """Denomination (``denomination``, registry :data:`~toolkit.methods.registry.DENOMINATION`):
    each indicator the framework (or the spec's ``by``) gives a denominator
    (:attr:`DataPlan.denominators <toolkit.index.plan.DataPlan>`) is divided by denominator / scale
    (:func:`toolkit.methods.preparation.denominate.denominate`). Returns (data, log).

    Examples
    --------
    >>> from toolkit.index.plan import compile_plan
    >>> from toolkit.index.spec import load_spec
    >>> plan = compile_plan(load_spec({"framework": "coinr_asem", "denomination": {"method": "spec",
    ...                                                                              "by": {"Pat": "GDP"}}}))
    >>> idx = pd.MultiIndex.from_tuples([("A", 2018)], names=["unit_id", "year"])
    >>> X, log = denominate_step(pd.DataFrame({"Pat": [30.0]}, index=idx), pd.DataFrame({"GDP": [3.0]}, index=idx),
    ...                          plan)
    >>> float(X.iloc[0, 0]), log["denominator"].tolist()
    (10.0, ['GDP'])
    """
    by = {c: d for c, d in plan.data.denominators.items() if c in raw.columns}
    if not by:
        return raw, pd.DataFrame(columns=_DENOM_LOG)
    res = denominate(raw, units, by)
    return res.data, res.log


def screen_step(X: pd.DataFrame, plan: Plan):
    """Unit screening (``screening``, registry :data:`~toolkit.methods.registry.SCREENING`):
    COINr's byNA / byzeros / byNAandzeros with the force lists. Returns (kept rows, log of every
    unit: availability, non-zero share, kept or not and why)."""
    params = dict(plan.data.screening)
    entry = SCREENING.get(params.pop("method"))
    res = entry.function(X, **params)
    return res.data, res.log


@dataclass(frozen=True)
class DataPath:
    """What :func:`data_path` returns: the leaves after each step, and each step's log."""

    denominated: pd.DataFrame
    imputed: pd.DataFrame
    treated: pd.DataFrame
    denomination_log: pd.DataFrame
    imputation_log: pd.DataFrame
    screening_log: pd.DataFrame
    treatment_log: pd.DataFrame
    treatment_details: pd.DataFrame


def share_row_labels(frame: pd.DataFrame) -> None:
    """Materialise the row labels of ``frame`` once, before the steps take views of it: a
    MultiIndex builds its (unit_id, year) tuples when asked (100,000 of them for 100,000 rows),
    and pandas hands that cache on to every view of the index, so the imputation and the
    treatment logs share one array.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1.0]}, index=pd.MultiIndex.from_tuples([("u1", 2025)], names=["unit_id", "year"]))
    >>> share_row_labels(X)
    >>> X.astype(float).index.to_numpy().tolist()
    [('u1', 2025)]
    """
    if isinstance(frame.index, pd.MultiIndex):
        frame.index.to_numpy()


def data_path(raw: pd.DataFrame, units: pd.DataFrame, plan: Plan) -> DataPath:
    """Denominate → impute → screen → treat: the data steps of :func:`toolkit.build_index`, in
    COINr's order (``build_example_coin``), which the uncertainty engine runs too.

    Parameters
    ----------
    raw : DataFrame, index (unit_id, year), the index leaves as read
    units : DataFrame, same index, the unit columns (groups, denominators…)
    plan : Plan
        The compiled spec (:func:`toolkit.index.plan.compile_plan`).

    Returns
    -------
    DataPath
        ``imputed`` and ``treated`` hold only the units screening kept.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("a", 1), ("b", 1), ("c", 1)], names=["unit_id", "year"])
    >>> raw = pd.DataFrame({"LE": [70.0, 60.0, None], "EYS": [12.0, 10.0, None],
    ...                     "MYS": [9.0, 7.0, 5.0], "GNI": [900.0, 800.0, 700.0]}, index=idx)
    >>> from toolkit.index.plan import compile_plan
    >>> from toolkit.index.spec import load_spec
    >>> plan = compile_plan(load_spec({"framework": "undp_hdi", "imputation": {"method": "none"},
    ...                     "outliers": {"method": "none"}, "screening": {"method": "byNA", "dat_thresh": 0.9}}))
    >>> path = data_path(raw, pd.DataFrame(index=idx), plan)
    >>> list(path.treated.index.get_level_values("unit_id")), path.screening_log["reason"].iloc[2]
    (['a', 'b'], 'data availability 0.5 < 0.9')
    """
    share_row_labels(raw)
    denominated, den_log = denominate_step(raw, units, plan)
    imputed, imp_log = impute_step(denominated, units, plan)
    screened, scr_log = screen_step(imputed, plan)
    treated, tr_log, tr_details = treat_step(screened, plan)
    return DataPath(denominated, screened, treated, den_log, imp_log, scr_log, tr_log, tr_details)


def treat_step(X: pd.DataFrame, plan: Plan):
    """Outlier treatment (``outliers``): COINr's winsorise-then-log rule, binary/ordinal
    indicators (``skip_types``) and ``skip`` left alone. Returns (data, log, details).

    ``winmax``, ``skew_thresh``, ``kurt_thresh`` and ``log_transform`` may each be one value or
    a mapping indicator → value: the columns with equal settings are treated together, one call
    of :func:`toolkit.methods.treatment.outliers.treat_outliers` per group.

    Examples
    --------
    >>> from toolkit.index.plan import compile_plan
    >>> from toolkit.index.spec import load_spec
    >>> plan = compile_plan(load_spec({"framework": "undp_hdi", "outliers": {"method": "coinr", "winmax": {"LE": 0}}}))
    >>> idx = pd.MultiIndex.from_tuples([(f"u{i}", 1) for i in range(6)], names=["unit_id", "year"])
    >>> X = pd.DataFrame({c: [1.0, 1, 1, 1, 2, 50] for c in ["LE", "EYS", "MYS", "GNI"]}, index=idx)
    >>> T, log, details = treat_step(X, plan)
    >>> details["n_winsorised"].to_dict()  # LE: winmax 0, so it is logged instead; the others winsorised once
    {'LE': 0, 'EYS': 1, 'MYS': 1, 'GNI': 1}
    """
    choice = plan.data.outliers
    if choice["method"] == "none":
        return X, pd.DataFrame(columns=_TREAT_LOG), pd.DataFrame()
    entry = TREATMENT.get(choice["method"])
    skip = [c for c in X.columns if c in choice["skip"]]
    groups = column_groups(entry, choice["params"], list(X.columns), "outliers")
    results = [entry.function(X[cols], **scalars, skip=[c for c in skip if c in cols]) for scalars, cols in groups]
    if len(results) == 1:
        res = results[0]
        return res.data, res.log, res.details
    order = {c: j for j, c in enumerate(X.columns)}
    logs = [r.log for r in results if len(r.log)]
    log = pd.concat(logs, ignore_index=True) if logs else results[0].log
    if len(log):  # the order of one call: column by column
        log = log.iloc[np.argsort(log["indicator"].map(order).to_numpy(), kind="stable")].reset_index(drop=True)
    details = pd.concat([r.details for r in results]).reindex(X.columns)
    details.index.name = "indicator"
    data = pd.concat([r.data for r in results], axis=1)[list(X.columns)]
    return data, log, details


def normalise_block(X: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Normalise one block, direction-aware: ``normalisation`` with its per-indicator
    ``overrides`` (an override with a different method starts from that method's defaults)
    and per-indicator parameters (a mapping indicator → value: the columns with equal
    parameters are normalised together, :func:`toolkit.index.params.column_groups`).
    Constant columns take the documented midpoint silently.

    Examples
    --------
    >>> from toolkit.index.plan import compile_plan
    >>> from toolkit.index.spec import load_spec
    >>> plan = compile_plan(load_spec({"framework": "undp_hdi", "normalisation": {"method": "minmax",
    ...                     "params": {"lower": 0, "upper": {"LE": 1, "EYS": 10, "MYS": 100, "GNI": 1}}}}))
    >>> X = pd.DataFrame({c: [0.0, 5.0, 10.0] for c in ["LE", "EYS", "MYS", "GNI"]})
    >>> normalise_block(X, plan).iloc[1].tolist()
    [0.5, 5.0, 50.0, 0.5]
    """
    ns = plan.data.normalisation
    fw = plan.framework
    groups: list[tuple[str, dict, list[str]]] = []
    blocks_ = normalisation_blocks(ns, list(X.columns))
    for where, cols in blocks_.items():
        if not cols:
            continue
        method, params = block_choice(ns, where)
        others = [c for c in X.columns if c not in cols]
        for scalars, gcols in column_groups(NORMALISATION.get(method), params, cols, f"{where}.params",
                                            elsewhere=others):
            groups.append((method, scalars, gcols))
    parts = []
    for method, params, cols in groups:
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
            out = NORMALISATION.get(method).function(Xm, directions=fw.directions.reindex(cols), **params)
        parts.append(out.set_axis(X.index, axis=0))
    return pd.concat(parts, axis=1)[list(X.columns)]
