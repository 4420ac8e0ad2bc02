"""The panel of results: the index built for every year of a panel under one specification.

The years are normalised on **one common basis**, so that a score means the same in every year:

* ``basis="pooled"`` (default): the specification's normalisation and weights computed on all the
  unit-years together (``panel.scope: pooled``; COINr's global normalisation of a panel); with
  fixed goalposts (the HDI) this is the goalposts themselves;
* ``basis=<year>``, a reference year: each indicator's min–max bounds and every weight are taken
  from the reference year alone and applied unchanged to every year (fixed goalposts, not capped,
  so a later year may score above the reference's best). Data-driven weights (entropy, CRITIC…)
  are those of the reference year. Only the ``minmax`` and ``goalposts`` normalisations support a
  reference year.

Only the public build API is used (:func:`toolkit.load_spec`, :meth:`IndexSpec.replace`,
:func:`toolkit.build_index` and the :class:`~toolkit.index.build.IndexResult` it returns).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import SpecError
from ..framework.groupings import with_groupings
from ..index.build import IndexResult, build_index
from ..index.spec import load_spec


@dataclass(frozen=True)
class IndexPanel:
    """The long table of a panel build and how its years were made comparable.

    Attributes
    ----------
    table : DataFrame
        One row per unit and year: ``unit_id``, ``year``, the group columns (declared and derived,
        e.g. ``city``, ``industry``, ``circle``), ``composite``, ``rank`` and every aggregate level's
        score (one column per node code: dimensions, rolled-up indicators, the index).
    basis : str
        The common basis in words (stated in every output built from the panel).
    result : IndexResult
        The build behind the table.

    Examples
    --------
    Made by :func:`build_panel`:

    >>> sorted(IndexPanel.__dataclass_fields__)
    ['basis', 'result', 'table']
    """

    table: pd.DataFrame
    basis: str
    result: IndexResult

    def values(self, column: str = "composite") -> pd.Series:
        """``column`` as a Series indexed by (unit_id, year), what every dynamics function takes.

        Parameters
        ----------
        column : str
            ``composite`` or a level's code.

        Returns
        -------
        Series
        """
        return self.table.set_index(["unit_id", "year"])[column]

    def groups(self, column: str) -> pd.Series:
        """The group column ``column`` indexed by (unit_id, year)."""
        return self.table.set_index(["unit_id", "year"])[column]


def reference_spec(spec, data, year: int):
    """``spec`` with the normalisation bounds and the weights of ``year`` fixed for every year."""
    norm = spec["normalisation"]
    if norm["overrides"]:
        raise SpecError("build_panel: a reference year needs one normalisation for every indicator; "
                        f"this spec overrides it for {sorted(norm['overrides'])}")
    if norm["method"] not in ("minmax", "goalposts"):
        raise SpecError(f"build_panel: a reference year fixes min–max bounds; normalisation {norm['method']!r} "
                        "has none; use basis='pooled'")
    ref = build_index(data, spec.replace({"panel": {"scope": "per_year"}}))
    if year not in ref.years:
        raise SpecError(f"build_panel: reference year {year} is not in the data (years: {ref.years})")
    block = ref.weights[ref.weights["block"].astype(str) == str(year)]
    weights = {}
    for level, rows in block.groupby("level"):
        weights[level] = {"method": "manual", "values": {str(c): float(w) for c, w in zip(rows["child"], rows["weight"],
                                                                                       strict=True)}}
    if norm["method"] == "goalposts":            # the goalposts are already fixed: only the weights
        return spec.replace({"weights": weights, "panel": {"scope": "per_year"}})
    lo_t, hi_t = float(norm["params"].get("lower", 0)), float(norm["params"].get("upper", 1))
    shift = lo_t / (hi_t - lo_t)
    lower, upper = {}, {}
    fw = ref.framework
    X = ref.treated.xs(year, level="year")
    for code in X.columns:
        m, M = float(X[code].min()), float(X[code].max())
        span = (M - m) or 1.0
        if fw.node(code).direction < 0:          # cost: (U − x)/(U − L) must equal lo_t/(hi_t−lo_t) + (M − x)/(M − m)
            upper[code] = M + shift * span
            lower[code] = upper[code] - span
        else:                                    # benefit: (x − L)/(U − L) = lo_t/(hi_t−lo_t) + (x − m)/(M − m)
            lower[code] = m - shift * span
            upper[code] = lower[code] + span
    return spec.replace({"weights": weights, "panel": {"scope": "per_year"},
                         "normalisation": {"method": "goalposts",
                                           "params": {"lower": lower, "upper": upper, "cap": False,
                                                      "scale": hi_t - lo_t}}})


def build_panel(data, spec=None, basis: str | int = "pooled", groups: list[str] | None = None) -> IndexPanel:
    """Build the index for every year of ``data`` under ``spec``, on one common basis.

    Parameters
    ----------
    data : IndicatorData or DataFrame
        A panel (several years) as :func:`toolkit.build_index` takes it.
    spec : IndexSpec, path, mapping or None
        The specification.
    basis : "pooled" or int
        Pooled normalisation and weights, or a reference year (see the module's description).
    groups : list of str, optional
        Group columns to carry (default: every group column the framework declares and derives).

    Returns
    -------
    IndexPanel
        ``table`` (long: unit_id, year, groups, composite, rank, every level), ``basis`` in words,
        and the ``result`` behind it.

    Examples
    --------
    >>> import toolkit
    >>> data = toolkit.read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> p = build_panel(data, "configs/default.yaml")
    >>> p.basis
    'pooled: normalisation and weights computed on all 250 unit-years of 2021–2025 together'
    >>> list(p.table.columns[:6])
    ['unit_id', 'year', 'city', 'city_code', 'county', 'industry']
    >>> "circle" in p.table and "L1" in p.table and p.table["year"].nunique()
    5
    """
    spec = load_spec(spec)
    if basis == "pooled":
        result = build_index(data, spec.replace({"panel": {"scope": "pooled"}}))
    elif isinstance(basis, int) and not isinstance(basis, bool):
        result = build_index(data, reference_spec(spec, data, basis))
    else:
        raise SpecError(f"build_panel: basis must be 'pooled' or a reference year, got {basis!r}")
    years = result.years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}"
    if basis == "pooled":
        norm = result.spec["normalisation"]
        if norm["method"] == "goalposts" and not norm["overrides"]:
            text = f"fixed goalposts of the specification, the same in every year ({span})"
        else:
            text = f"pooled: normalisation and weights computed on all {len(result.composite)} unit-years of {span} together"
    else:
        text = f"reference year {basis}: its min–max bounds and weights applied unchanged to every year ({span})"
    fw = result.framework
    units = with_groupings(result.units, fw.groupings)
    wanted = groups if groups is not None else [c for c in [*fw.group_columns, *(g.name for g in fw.groupings)]
                                                 if c in units]
    root = fw.root.code
    levels = result.scores.drop(columns=[root], errors="ignore")
    table = pd.concat([units[wanted], result.composite.rename("composite"), result.rank.rename("rank"),
                       levels], axis=1).reset_index()
    table = table.sort_values(["year", "unit_id"], kind="stable").reset_index(drop=True)
    table.attrs["basis"] = text
    return IndexPanel(table=table, basis=text, result=result)
