"""Uncertainty and sensitivity analysis of the ranks (OECD/JRC step 7; COINr ``get_sensitivity``).

:func:`uncertainty` draws the uncertain factors of an uncertainty specification
(:mod:`toolkit.robustness.spec`, ``configs/uncertainty.yaml``) once, up front, from ``seed`` —
by default as a Saltelli design (:mod:`toolkit.robustness.sensitivity`) so that the same runs give both the
rank intervals and the Sobol indices — evaluates every replication with the vectorised engine
(:mod:`toolkit.robustness.engine`) in batches sized by memory, serially, with joblib, or on Dask
(:mod:`toolkit.robustness.executors`; by default whichever of serial and joblib pays),
and returns an :class:`UncertaintyResult`:

* per unit (and year): nominal rank, median, mean, 5th and 95th percentile rank, mean absolute
  rank shift from the nominal rank;
* the rank of every unit in every replication (replications × units, ``int32``) and the sampled
  factor values of each replication, so that any statistic can be recomputed;
* first-order and total Sobol indices (with bootstrap intervals) of each factor on the mean
  absolute rank shift and on each unit's rank.

:func:`toolkit.robustness.leave_one_out.leave_one_out` reports how far each rank moves when one
indicator (or dimension) is left out. The same seed gives the same numbers whichever executor
runs the batches.

**Screening as an uncertain factor** (``screening.method``, ``screening.dat_thresh`` …): a
replication whose screening drops a unit gives it no composite and no rank (NaN); the other
units are ranked among the units kept, exactly as :func:`toolkit.build_index` with that
screening ranks them. The units of the analysis are the union of the units the nominal index
keeps and those some replication keeps (a unit the nominal screening drops has a missing
nominal rank, ``rank_stats.nominal_kept`` is False). Every statistic handles the missing ranks
explicitly:

* ``median``, ``mean``, ``p05``, ``p95`` are over the replications that rank the unit;
  ``screened_out`` is the share of replications that drop it;
* ``mean_abs_shift`` (per unit) and the per-replication ``rank_shift`` compare only units ranked
  both in the replication and in the nominal index;
* the Sobol indices of a unit's rank take a screened-out unit's rank as **one past the last
  rank of that replication and year** (m + 1 with m units ranked): being dropped is an outcome
  of the factors, the worst one, not a missing run. The Saltelli/Jansen estimators need an
  output at every point of the design, in its A, B, AB_j pairs (Saltelli et al. 2010), so
  dropping the replications would break the pairs, and keeping only the base points where the
  unit is ranked in all d + 2 rows would condition on the very factor that drops it and
  understate its index (Sheikholeslami et al. 2019, *Geosci. Model Dev.* 12, 4275–4296, on
  model runs without an output: substitute a value rather than delete runs). The rule is
  :func:`toolkit.robustness.rank_stats.sobol_ranks`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..callable_module import make_callable
from ..errors import SpecError
from ..index.build import data_framework, run_plan
from ..index.plan import compile_plan
from ..index.spec import load_spec
from .engine import BATCH_BYTES, Engine
from .executors import EXECUTORS, Execution, run_replications
from .rank_stats import rank_statistics, sobol_ranks
from .sensitivity import base_size, saltelli_design, sobol_indices
from .spec import UncertaintySpec, load_uncertainty_spec

__all__ = ["EXECUTORS", "Execution", "SobolOptions", "UncertaintyResult", "replicate", "uncertainty"]

SUMMARY_TARGET = "mean_abs_rank_shift"


@dataclass(frozen=True, eq=False)
class UncertaintyResult:
    """Outcome of :func:`uncertainty`.

    Attributes
    ----------
    rank_stats : DataFrame
        Index (unit_id, year); columns ``nominal, median, mean, p05, p95, mean_abs_shift,
        screened_out, nominal_kept`` (``screened_out``: share of replications whose screening
        drops the unit; ``nominal_kept``: the nominal screening keeps it, else ``nominal`` is
        missing).
    ranks : ndarray (replications × units)
        Rank of each unit (column order = ``units``) in each replication (1 = best): int32, or
        float64 with NaN where a replication's screening drops the unit.
    samples : DataFrame (replications × factors)
        The factor values of each replication (option labels, noise set, excluded code, or the
        number drawn for a continuous factor).
    design : ndarray (replications × factors)
        The design on [0, 1) the samples were decoded from.
    rank_shift : ndarray (replications,)
        Mean absolute rank shift of each replication from the nominal ranks.
    sobol : DataFrame or None
        Columns ``factor, target, S1, S1_conf, ST, ST_conf``; ``target`` is
        ``"mean_abs_rank_shift"`` or a unit label (see ``targets``). None for a plain Monte
        Carlo design.
    units : MultiIndex (unit_id, year) of the columns of ``ranks``.
    nominal_rank, nominal_composite : Series, from :func:`toolkit.build_index`.
    scores : ndarray or None
        Composite of each unit in each replication (``keep_scores=True``).

    Examples
    --------
    :func:`uncertainty` returns one; here a tiny run (two factors, 16 replications) on the
    synthetic demo:

    >>> from toolkit import read_indicators
    >>> data = read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> small = {"name": "small", "factors": [
    ...     {"name": "index_aggregation", "address": "aggregation.index.method",
    ...      "options": ["arithmetic", "geometric"]},
    ...     {"name": "indicator_weights", "address": "weights.dimension.method",
    ...      "options": ["equal", "entropy"]}]}
    >>> ua = uncertainty(data, "configs/default.yaml", small, n=8, seed=1)
    >>> ua.n, ua.ranks.shape  # 4 · (2 + 2) replications × 250 (unit, year)
    (16, (16, 250))
    >>> ua.rank_stats.columns.tolist()
    ['nominal', 'median', 'mean', 'p05', 'p95', 'mean_abs_shift', 'screened_out', 'nominal_kept']
    >>> ua.caterpillar(2025)["nominal"].tolist()[:3]
    [1, 2, 3]
    >>> ua.sensitivity_bars()["factor"].tolist()
    ['index_aggregation', 'indicator_weights']
    """

    rank_stats: pd.DataFrame
    ranks: np.ndarray = field(repr=False)
    samples: pd.DataFrame = field(repr=False)
    design: np.ndarray = field(repr=False)
    rank_shift: np.ndarray = field(repr=False)
    sobol: pd.DataFrame | None = field(repr=False)
    units: pd.MultiIndex = field(repr=False)
    nominal_rank: pd.Series = field(repr=False)
    nominal_composite: pd.Series = field(repr=False)
    uspec: UncertaintySpec = field(repr=False)
    seed: int = 0
    n_base: int = 0
    scores: np.ndarray | None = field(default=None, repr=False)
    info: dict = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return int(self.ranks.shape[0])

    @property
    def targets(self) -> dict[str, tuple]:
        """Sobol target label → (unit_id, year)."""
        return dict(zip(_target_labels(self.units), self.units, strict=True))

    def rank_frame(self) -> pd.DataFrame:
        """``ranks`` as a DataFrame (replications × (unit_id, year))."""
        return pd.DataFrame(self.ranks, columns=self.units)

    def caterpillar(self, year: int | None = None) -> pd.DataFrame:
        """Input of the caterpillar chart: index ``unit``; columns ``nominal, median, p05, p95``
        for one year (default: the latest), sorted by nominal rank."""
        years = sorted(self.rank_stats.index.get_level_values("year").unique())
        year = years[-1] if year is None else year
        if year not in years:
            raise KeyError(f"no year {year}; years are {years}")
        out = self.rank_stats.xs(year, level="year")[["nominal", "median", "p05", "p95"]]
        return out.rename_axis("unit").sort_values(["nominal", "median"], kind="stable")

    def sensitivity_bars(self, target: str = SUMMARY_TARGET) -> pd.DataFrame:
        """Input of the sensitivity bar chart: columns ``factor, S1, S1_conf, ST, ST_conf`` for one
        target (default the mean absolute rank shift), factors in specification order."""
        if self.sobol is None:
            raise ValueError("no Sobol indices: run uncertainty(..., design='sobol')")
        out = self.sobol[self.sobol["target"] == target]
        if out.empty:
            raise KeyError(f"no Sobol indices for target {target!r}")
        return out.drop(columns="target").reset_index(drop=True)


# -- running -----------------------------------------------------------------------------------------
def _target_labels(units: pd.MultiIndex) -> list[str]:
    years = units.get_level_values("year")
    if len(set(years)) == 1:
        return [str(u) for u in units.get_level_values("unit_id")]
    return [f"{u}@{y}" for u, y in units]


def seed_streams(seed: int) -> tuple[int, int, int]:
    """Three independent seeds drawn from ``seed`` (design, engine, bootstrap)."""
    ss = np.random.SeedSequence(int(seed))
    a, b, c = (int(s.generate_state(1)[0]) for s in ss.spawn(3))
    return a, b, c | 1


def _prepare(data, spec, uspec, framework):
    """The nominal build and the uncertainty spec bound to it. With ``spec=None`` the nominal
    specification is the uncertainty file's ``spec:`` entry (else the built-in defaults).

    The nominal spec is loaded once, the uncertainty spec checked against it, the spec compiled
    once into a plan and the plan run (:func:`toolkit.index.build.run_plan`): after this, the
    engine runs plans (the nominal one and one per data path), never the spec."""
    if spec is None:
        us = load_uncertainty_spec(uspec, framework=framework)
        nominal = load_spec(us.nominal, data_framework(data, us.nominal, framework))
    else:
        nominal = load_spec(spec, data_framework(data, spec, framework))
        us = load_uncertainty_spec(uspec, spec=nominal, framework=nominal.index_framework)
    return run_plan(data, compile_plan(nominal)), us


@dataclass(frozen=True)
class SobolOptions:
    """Which outputs get Sobol indices and how their intervals are bootstrapped
    (:func:`uncertainty`'s ``sobol=``).

    Examples
    --------
    >>> SobolOptions(targets="summary")
    SobolOptions(targets='summary', num_resamples=100, conf_level=0.95)
    """

    targets: object = "all"
    num_resamples: int = 100
    conf_level: float = 0.95


_UNSET = object()


def _options(given: dict, group, cls, names: dict):
    """Merge the flat keywords into one options object (the flat keywords stay for the common calls)."""
    flat = {field_: v for key, field_ in names.items() if (v := given[key]) is not _UNSET}
    if group is not None and flat:
        raise SpecError(f"give {sorted(k for k in names if given[k] is not _UNSET)} or {cls.__name__}(...), not both")
    if group is None:
        group = cls(**flat)
    if not isinstance(group, cls):
        raise SpecError(f"expected a {cls.__name__}, got {type(group).__name__}")
    return group


def uncertainty(data, spec, uspec, n: int = 1000, seed: int = 0, *, design: str = "sobol",
                execution: Execution | None = None, sobol: SobolOptions | None = None,
                keep_scores: bool = False, framework=None, executor=_UNSET, n_jobs=_UNSET, scheduler=_UNSET,
                batch_size=_UNSET, batch_bytes=_UNSET, sobol_targets=_UNSET, num_resamples=_UNSET, conf_level=_UNSET
                ) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of the ranks, with Sobol sensitivity indices.

    Parameters
    ----------
    data : IndicatorData or DataFrame (as for :func:`toolkit.build_index`).
    spec : the nominal index specification (IndexSpec, path or mapping); None: the uncertainty
        file's ``spec:`` entry, else the built-in defaults.
    uspec : the uncertainty specification (path such as ``configs/uncertainty.yaml``, mapping,
        or :class:`~toolkit.robustness.spec.UncertaintySpec`).
    n : replications wanted. With ``design="sobol"`` the run is a Saltelli design of
        ``N·(d + 2)`` replications, N the smallest power of two that reaches ``n`` (d factors);
        with ``design="montecarlo"`` exactly ``n`` independent uniform draws (no Sobol indices).
    seed : the design, the weight-noise sets and the bootstrap all derive from it.
    executor : ``"auto"`` (the default: the first batch runs serially and is timed, and the rest
        go to joblib workers only when that pays on the CPUs that are free; ``info["executor"]``
        and ``info["executor_reason"]`` say which ran and why), ``"serial"``, ``"joblib"``
        (processes on this machine) or ``"dask"`` (a LocalCluster of ``n_jobs`` workers, or the
        cluster at ``scheduler``: an address such as ``"tcp://host:8786"`` or a
        ``dask.distributed.Client``). :mod:`toolkit.robustness.executors`.
    n_jobs : workers for joblib/Dask (default: the number of CPUs).
    batch_bytes : memory budget of one batch in bytes (default 64 MiB,
        :data:`toolkit.robustness.engine.BATCH_BYTES`), turned into replications per batch from the
        number of units and the widest node; each worker holds one batch at a time.
    batch_size : replications per batch (overrides ``batch_bytes``). The numbers depend neither
        on the batch size nor on the executor.
    sobol_targets : ``"all"`` (the mean absolute rank shift and every unit's rank),
        ``"summary"`` (the shift only), or a list of unit ids.
    num_resamples, conf_level : bootstrap of the Sobol intervals.
    execution : :class:`Execution`, optional
        ``executor``, ``n_jobs``, ``scheduler``, ``batch_size`` and ``batch_bytes`` as one object
        (instead of the five keywords).
    sobol : :class:`SobolOptions`, optional
        ``targets`` (= ``sobol_targets``), ``num_resamples`` and ``conf_level`` as one object.
    keep_scores : also keep every replication's composite scores (``scores``).

    Returns
    -------
    UncertaintyResult

    Examples
    --------
    >>> ua = uncertainty(data, "configs/default.yaml", "configs/uncertainty.yaml", n=1000, seed=1,
    ...                  execution=Execution("joblib", n_jobs=2))                 # doctest: +SKIP
    """
    given = dict(executor=executor, n_jobs=n_jobs, scheduler=scheduler, batch_size=batch_size, batch_bytes=batch_bytes,
                 sobol_targets=sobol_targets, num_resamples=num_resamples, conf_level=conf_level)
    execution = _options(given, execution, Execution, {"executor": "executor", "n_jobs": "n_jobs",
                                                       "scheduler": "scheduler", "batch_size": "batch_size",
                                                       "batch_bytes": "batch_bytes"})
    sobol = _options(given, sobol, SobolOptions, {"sobol_targets": "targets", "num_resamples": "num_resamples",
                                                  "conf_level": "conf_level"})
    sobol_targets, num_resamples, conf_level = sobol.targets, sobol.num_resamples, sobol.conf_level
    t0 = time.perf_counter()
    res, us = _prepare(data, spec, uspec, framework)
    d = len(us.factors)
    s_design, s_noise, s_boot = seed_streams(seed)
    if design == "sobol":
        n_base = base_size(n, d)
        u = saltelli_design(d, n_base, s_design)
    elif design == "montecarlo":
        n_base = 0
        if int(n) < 1:
            raise SpecError(f"n must be at least 1, got {n}")
        u = np.random.default_rng(s_design).random((int(n), d))
    else:
        raise SpecError(f"design must be 'sobol' or 'montecarlo', got {design!r}")
    engine = Engine(res, us, s_noise)
    engine.prepare(u, BATCH_BYTES if execution.batch_bytes is None else max(1, int(execution.batch_bytes)))
    t_prep = time.perf_counter()
    run = run_replications(engine, u, execution, keep_scores)
    comps, ranks = run.scores, run.ranks
    t_run = time.perf_counter()
    units = engine.rows  # the nominal units, and any unit a replication's screening keeps besides
    nominal_rank = res.rank.reindex(units)
    stats, rank_shift = rank_statistics(ranks, nominal_rank)
    t_stats = time.perf_counter()
    sobol = None
    if design == "sobol":
        labels = _target_labels(units)
        if isinstance(sobol_targets, str) and sobol_targets == "all":
            cols = list(range(len(units)))
        elif isinstance(sobol_targets, str) and sobol_targets == "summary":
            cols = []
        else:
            wanted = set(sobol_targets)
            ids = units.get_level_values("unit_id")
            cols = [i for i, (uid, lab) in enumerate(zip(ids, labels, strict=True)) if uid in wanted or lab in wanted]
            missing = wanted - set(ids) - set(labels)
            if missing:
                raise SpecError(f"sobol_targets: unknown unit(s) {sorted(missing)}")
        R = ranks if engine.complete else sobol_ranks(ranks, units)  # screened out: last rank + 1
        Y = np.column_stack([rank_shift] + [R[:, i] for i in cols]).astype(float)
        sobol = sobol_indices(Y, us.names, [SUMMARY_TARGET] + [labels[i] for i in cols],
                              num_resamples=num_resamples, conf_level=conf_level, seed=s_boot)
    t_end = time.perf_counter()
    return UncertaintyResult(
        rank_stats=stats, ranks=ranks, samples=us.decode(u), design=u, rank_shift=rank_shift, sobol=sobol,
        units=units, nominal_rank=nominal_rank, nominal_composite=res.composite.reindex(units), uspec=us,
        seed=int(seed),
        n_base=n_base, scores=comps,
        info={"executor": run.executor, "executor_reason": run.reason, "workers": run.workers,
              "batch_size": run.batch_size, "n_batches": run.n_batches, "n_paths": len(engine.paths),
              **run.info,
              "seconds_prepare": t_prep - t0, "seconds_replications": t_run - t_prep,
              "seconds_statistics": t_stats - t_run, "seconds_sobol": t_end - t_stats,
              "screening_varies": not engine.complete,
              "spec_sha256": res.spec.sha256})


def replicate(data, spec, uspec, values, framework=None, *, ranks: bool = False):
    """Composite scores of chosen replications: ``values`` is a list of ``{factor: value}``
    (option, label, noise set or excluded code; factors not named take their nominal value).
    Returns replications × (unit_id, year). Used to check the engine against build_index. A unit
    that a replication's screening drops has a NaN composite in it.

    Parameters
    ----------
    data : IndicatorData or DataFrame
    spec : the nominal index specification (IndexSpec, path or mapping).
    uspec : the uncertainty specification (path, mapping or UncertaintySpec).
    values : dict or list of dict
        One ``{factor name: value}`` per replication wanted.
    framework : Framework, optional
    ranks : bool
        Also return the engine's ranks (the contract test compares them with build_index's).

    Returns
    -------
    pandas.DataFrame
        One row per replication, one column per (unit_id, year): the composite scores; with
        ``ranks=True`` a pair (composites, ranks).

    Examples
    --------
    The nominal choices reproduce :func:`toolkit.build_index`:

    >>> from toolkit import build_index, read_indicators
    >>> data = read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> small = {"name": "small", "factors": [{"name": "index_aggregation",
    ...     "address": "aggregation.index.method", "options": ["arithmetic", "geometric"]}]}
    >>> runs = replicate(data, "configs/default.yaml", small,
    ...                  [{"index_aggregation": "arithmetic"}, {"index_aggregation": "geometric"}])
    >>> runs.shape
    (2, 250)
    >>> nominal = build_index(data, "configs/default.yaml").composite
    >>> bool(np.allclose(runs.iloc[0].to_numpy(), nominal.to_numpy()))
    True
    """
    res, us = _prepare(data, spec, uspec, framework)
    values = [values] if isinstance(values, dict) else list(values)
    u = np.array([us.encode(v) for v in values]).reshape(len(values), len(us.factors))
    engine = Engine(res, us, seed_streams(0)[1])
    engine.prepare(u)
    comp, rk = engine.run(u)
    comp = pd.DataFrame(comp, columns=engine.rows)
    return (comp, pd.DataFrame(rk, columns=engine.rows)) if ranks else comp


make_callable(__name__)  # toolkit.robustness.uncertainty is this module, and calling it calls uncertainty()
