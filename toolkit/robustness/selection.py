"""Selection with confidence: which brains are safely selected under a quota.

The programme selects brains: the top N overall, or the top n within each industry or city.
Under the uncertainty specification (:mod:`toolkit.robustness.spec`) every replication of
:func:`toolkit.robustness.uncertainty.uncertainty` gives a ranking, hence a selection. For each
unit this module reports

* the probability of being selected (share of replications that select it);
* a status: ``in`` (probability ≥ ``band[1]``), ``out`` (≤ ``band[0]``) or ``borderline``;
* for the borderline units, the factors that decide them: first-order and total Sobol indices of
  the selection indicator (1 if selected, 0 if not), from the same Saltelli runs.

The ranks come from the one Monte Carlo engine; only the quota is applied here. A unit that a
replication's screening drops (no rank, NaN) is not selected in that replication, and does not
count against the quota of the others: the selection probability is the share of *all*
replications that select it, and ``screened_out`` the share that drop it. The Sobol indices of
the selection indicator (0 when screened out) need no other rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..callable_module import make_callable
from ..errors import SpecError
from .sensitivity import sobol_indices

__all__ = ["SelectionResult", "select", "selection", "selection_from"]


@dataclass(frozen=True, eq=False)
class SelectionResult:
    """Outcome of :func:`selection`.

    Attributes
    ----------
    table : DataFrame
        One row per unit of the year: ``nominal_rank`` (missing when the nominal screening drops
        the unit), ``nominal_selected``, ``probability``, ``screened_out`` (share of replications
        whose screening drops it), ``status`` and the group column when the quota is per group;
        sorted by probability.
    sobol : DataFrame or None
        Columns ``factor, target, S1, S1_conf, ST, ST_conf`` for each borderline unit (target =
        unit id); None when there are none or the design is not a Sobol design.
    selected : ndarray (replications × units), bool
        The selection in every replication (columns in ``table.index`` order before sorting:
        see ``units``).
    units : Index of the unit ids, the columns of ``selected``.
    quota : int
    by : str or None
    year : int

    Examples
    --------
    :func:`selection` or :func:`selection_from` returns one; here from a tiny uncertainty run:

    >>> from toolkit import read_indicators
    >>> from toolkit.robustness import uncertainty
    >>> data = read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> small = {"name": "small", "factors": [{"name": "index_aggregation",
    ...     "address": "aggregation.index.method", "options": ["arithmetic", "geometric"]}]}
    >>> ua = uncertainty(data, "configs/default.yaml", small, n=8, seed=1)
    >>> sel = selection_from(ua, 10)
    >>> sel.quota, sel.year, len(sel.table)  # the latest year's 50 brains
    (10, 2025, 50)
    >>> counts = {status: len(ids) for status, ids in sel.shortlist().items()}
    >>> sum(counts.values()), counts["in"] <= 10
    (50, True)
    """

    table: pd.DataFrame
    sobol: pd.DataFrame | None = field(repr=False)
    selected: np.ndarray = field(repr=False)
    units: pd.Index = field(repr=False)
    quota: int = 0
    by: str | None = None
    year: int = 0

    def shortlist(self) -> dict[str, list]:
        """Unit ids by status: ``{"in": […], "borderline": […], "out": […]}``."""
        return {s: list(self.table.index[self.table["status"] == s]) for s in ("in", "borderline", "out")}

    def deciding_factors(self, unit: str, top: int = 3) -> pd.DataFrame:
        """The factors with the largest total Sobol index on ``unit``'s selection."""
        if self.sobol is None:
            raise KeyError("no Sobol indices (no borderline units, or not a Sobol design)")
        out = self.sobol[self.sobol["target"] == unit]
        if out.empty:
            raise KeyError(f"no Sobol indices for {unit!r}; borderline units are {self.shortlist()['borderline']}")
        return out.sort_values("ST", ascending=False).head(top).reset_index(drop=True)


def select(ranks: np.ndarray, quota: int, groups=None) -> np.ndarray:
    """Apply a quota to ranks (replications × units, 1 = best): True where a unit is selected.

    ``groups`` (one label per unit) applies the quota within each group: the ``quota`` best of
    each group by overall rank. Ties at the cut-off are all selected (as rank ``min`` shares
    the best rank). A missing rank (NaN: the unit is screened out) is never selected and never
    counts as better than another unit.

    Examples
    --------
    >>> import numpy as np
    >>> select(np.array([[1, 2, 3, 4]]), 2).tolist()
    [[True, True, False, False]]
    >>> select(np.array([[1, 2, 3, 4]]), 1, groups=["a", "a", "b", "b"]).tolist()
    [[True, False, True, False]]
    >>> select(np.array([[np.nan, 1, 2, 3]]), 1, groups=["a", "a", "b", "b"]).tolist()
    [[False, True, True, False]]
    """
    R = np.atleast_2d(np.asarray(ranks))
    if int(quota) < 1:
        raise SpecError(f"selection: quota must be at least 1, got {quota}")
    if groups is None:
        return R <= int(quota)
    g = np.asarray(groups)
    if g.shape != (R.shape[1],):
        raise SpecError(f"selection: {g.size} group labels for {R.shape[1]} units")
    out = np.zeros(R.shape, dtype=bool)
    for label in pd.unique(g):
        cols = np.flatnonzero(g == label)
        sub = R[:, cols]
        # within-group rank: 1 + members with a strictly better overall rank (NaN is never better)
        within = 1 + (sub[:, None, :] < sub[:, :, None]).sum(axis=-1)
        out[:, cols] = (within <= int(quota)) & ~np.isnan(sub.astype(float))
    return out


def selection_from(result, quota: int, *, by: str | None = None, year: int | None = None,
                   band: tuple[float, float] = (0.1, 0.9), units: pd.DataFrame | None = None,
                   sobol: bool = True, seed: int = 1) -> SelectionResult:
    """Selection probabilities from a finished :class:`~toolkit.robustness.uncertainty.UncertaintyResult`.

    Parameters
    ----------
    result : UncertaintyResult
    quota : int
        Top ``quota`` overall, or per group with ``by``.
    by : str, optional
        A group column the framework declares (Shandong: ``industry``, ``city`` …; ASEM:
        ``EurAsia_group`` …): the quota is then per group.
    year : int, optional (default the latest)
    band : (low, high)
        Probability at or below ``low`` = robustly out, at or above ``high`` = robustly in.
    units : DataFrame, optional
        Unit descriptors with the ``by`` column, index (unit_id, year) (``IndexResult.units``);
        needed with ``by``.
    sobol : bool
        Compute the Sobol indices of the borderline units' selection indicators.
    seed : seed of the Sobol bootstrap.

    Returns
    -------
    SelectionResult

    Examples
    --------
    >>> from toolkit.robustness import uncertainty  # doctest: +SKIP
    >>> ua = uncertainty(data, "configs/default.yaml", "configs/uncertainty.yaml", n=1000)  # doctest: +SKIP
    >>> selection_from(ua, 3, by="industry", units=toolkit.build_index(data).units).shortlist()  # doctest: +SKIP
    """
    lo, hi = map(float, band)
    if not 0 <= lo < hi <= 1:
        raise SpecError(f"selection: band must be 0 ≤ low < high ≤ 1, got {band}")
    fw = result.uspec.nominal.framework
    if by is not None and by not in fw.group_columns and (units is None or by not in units):
        raise SpecError(f"selection: by must be one of the group columns of framework {fw.id} "
                        f"{fw.group_columns} (or a column of the units table given), or None; got {by!r}")
    years = sorted(result.units.get_level_values("year").unique())
    year = years[-1] if year is None else int(year)
    if year not in years:
        raise SpecError(f"selection: no year {year}; years are {years}")
    cols = np.flatnonzero(result.units.get_level_values("year") == year)
    keys = result.units[cols]
    ids = pd.Index(keys.get_level_values("unit_id"), name="unit_id")
    groups = None
    if by is not None:
        if units is None or by not in units:
            raise SpecError(f"selection: a quota per {by} needs the unit table with a {by!r} column")
        groups = units.loc[keys, by].to_numpy()
    nominal = result.nominal_rank.loc[keys].to_numpy(dtype=float, na_value=np.nan)
    R = result.ranks[:, cols]
    # the nominal ranks among this year's units (the engine ranks within each year)
    S = select(R, quota, groups)
    nom = select(nominal[None, :], quota, groups)[0]
    p = S.mean(axis=0)
    status = np.where(p >= hi, "in", np.where(p <= lo, "out", "borderline"))
    table = pd.DataFrame({"nominal_rank": result.nominal_rank.loc[keys].to_numpy(), "nominal_selected": nom,
                          "probability": p, "screened_out": np.isnan(R.astype(float)).mean(axis=0), "status": status},
                         index=ids)
    if by is not None:
        table.insert(0, by, groups)
    sob = None
    border = np.flatnonzero(status == "borderline")
    if sobol and result.sobol is not None and len(border):
        Y = S[:, border].astype(float)
        sob = sobol_indices(Y, result.uspec.names, list(ids[border]), seed=seed)
    table = table.sort_values(["probability", "nominal_rank"], ascending=[False, True], kind="stable")
    return SelectionResult(table=table, sobol=sob, selected=S, units=ids, quota=int(quota), by=by, year=year)


def selection(data, spec, uspec, quota: int, *, by: str | None = None, year: int | None = None,
              n: int = 1000, seed: int = 0, band: tuple[float, float] = (0.1, 0.9),
              framework=None, **kwargs) -> SelectionResult:
    """Probability of selection of every unit under the uncertainty specification.

    Parameters
    ----------
    data, spec, uspec : as for :func:`toolkit.robustness.uncertainty.uncertainty`.
    quota : int
        Top ``quota`` overall, or the top ``quota`` of each group with ``by``.
    by : str, optional
        A group column the framework declares.
    year : int, optional (default the latest)
    n, seed : replications and seed of the (Saltelli) design.
    band : probabilities that bound the borderline (default 0.1 and 0.9).
    **kwargs : passed to ``uncertainty`` (e.g. ``executor``).

    Returns
    -------
    SelectionResult

    Examples
    --------
    >>> from toolkit import read_indicators  # doctest: +SKIP
    >>> d = read_indicators("data/raw/demo_synthetic_returns.csv")  # doctest: +SKIP
    >>> selection(d, "configs/default.yaml", "configs/uncertainty.yaml", quota=10).shortlist()  # doctest: +SKIP
    """
    from ..index.build import build_index
    from .uncertainty import uncertainty

    res = uncertainty(data, spec, uspec, n=n, seed=seed, sobol_targets="summary", framework=framework, **kwargs)
    units = None
    if by is not None:
        units = build_index(data, res.uspec.nominal, framework=framework).units
    return selection_from(res, quota, by=by, year=year, band=band, units=units)


make_callable(__name__)  # toolkit.robustness.selection is this module, and calling it calls selection()
