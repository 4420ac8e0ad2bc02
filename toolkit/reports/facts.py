"""What a report may say about a run: sample size and scope, which sections were computed.

The views ask these small functions before they show a number, so a report on a small
return says plainly what was not computed instead of showing an interval that never was, and
names its comparison mean for what it is ("样本平均" when the data do not cover the province).
The whole (the province) is what the framework declares as ``reporting.whole``; its regions are
the allowed values of the region column (Shandong: its 16 cities).
"""

from __future__ import annotations

from collections import OrderedDict

import pandas as pd

#: fewest units for percentiles and strengths/weaknesses to mean anything
MIN_PERCENTILE = 5


#: bundles whose derived values are kept (the most recently used): a kernel shows the reports of
#: one run's bundle at a time, the main process one run's overview
BUNDLES = 2

# id(bundle) → (the bundle, {key: value}), least recently used first
_CACHE: OrderedDict[int, tuple[object, dict]] = OrderedDict()
_MISSING = object()


def cached(bundle, key, make):
    """A value derived from ``bundle`` once (a report kernel shows many reports of one bundle).

    The values are kept per bundle, for the last :data:`BUNDLES` bundles used, and all of a
    bundle's values are kept while it is: the memory is bounded by what the bundle can yield
    (a few tables, and one short statement per unit, year and language), so it grows with the
    batch and nothing is computed twice, however many reports a kernel renders. (A cap of 64
    entries made a kernel, and the overview, recompute every table after every 64 units: the
    per-unit statements filled it.)

    Examples
    --------
    >>> from toolkit.reports.bundle import Bundle
    >>> b, calls = Bundle({}, {}), []
    >>> [cached(b, ("x",), lambda: calls.append(1) or len(calls)) for _ in range(3)], len(calls)
    ([1, 1, 1], 1)
    >>> others = [Bundle({}, {}) for _ in range(BUNDLES)]
    >>> for o in others:
    ...     _ = cached(o, ("x",), lambda: 0)
    >>> cached(b, ("x",), lambda: "again")  # the least recently used bundle's values were dropped
    'again'
    """
    slot = _CACHE.get(id(bundle))
    if slot is None or slot[0] is not bundle:  # a new bundle (or a dead one's id reused)
        slot = _CACHE[id(bundle)] = (bundle, {})
        while len(_CACHE) > BUNDLES:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(id(bundle))
    values = slot[1]
    hit = values.get(key, _MISSING)
    if hit is _MISSING:
        hit = values[key] = make()
    return hit


def scale(bundle):
    """The run's :class:`~toolkit.reports.scale.Scale`: the range every score axis spans and
    the decimals every score is shown with (from the built index; a bundle saved without it:
    from its scores)."""
    from .scale import Scale, score_scale

    def make():
        saved = (bundle.meta or {}).get("scale")
        if saved:
            return Scale(float(saved["lo"]), float(saved["hi"]), int(saved["digits"]))
        fw = bundle.framework
        cols = [c for c in [fw.root.code, *[n.code for n in fw.nodes(fw.dimension_level or fw.levels[1])]]
                if c in bundle.summary]
        return score_scale(bundle.summary[cols].to_numpy(float).ravel())

    return cached(bundle, ("scale",), make)


def year_rows(bundle, year: int) -> pd.DataFrame:
    """The summary rows (one per unit) of ``year``."""
    return cached(bundle, ("year", year), lambda: bundle.summary[bundle.summary["year"] == year])


def year_stats(bundle, year: int, cols) -> pd.DataFrame:
    """Mean and maximum of ``cols`` over the year's units (index: the columns)."""
    cols = list(cols)
    return cached(bundle, ("stats", year, tuple(cols)),
                   lambda: year_rows(bundle, year)[cols].agg(["mean", "max"]).T)


def group_sums(bundle, year: int, by: str, cols) -> tuple[pd.DataFrame, dict]:
    """Sums of ``cols`` per group of ``by`` (e.g. industry) in ``year``, and each group's size."""
    cols = list(cols)

    def make():
        g = year_rows(bundle, year).groupby(by)
        return g[cols].sum(), g.size().to_dict()

    return cached(bundle, ("sums", year, by, tuple(cols)), make)


def unit_row(bundle, unit_id: str, year: int) -> pd.Series:
    rows = cached(bundle, ("rows",), lambda: {(r["unit_id"], int(r["year"])): pd.Series(r)
                                               for r in bundle.summary.to_dict("records")})
    try:
        return rows[(unit_id, int(year))]
    except KeyError:
        raise KeyError(f"no result for unit {unit_id!r} in {year}") from None


def unit_table(bundle, name: str, unit_id: str, year: int) -> pd.DataFrame:
    """The rows of table ``name`` (leaves, obstacles, coupling, intervals) of one unit and year."""
    groups = cached(bundle, ("groups", name), lambda: {
        (u, int(y)): g for (u, y), g in bundle.tables[name].groupby(["unit_id", "year"], sort=False)})
    empty = bundle.tables[name].iloc[:0]
    return groups.get((unit_id, int(year)), empty)


def n_units(bundle, year: int) -> int:
    """How many units the year's data hold (asked once per unit by the overview: from the year's
    rows, selected once)."""
    return len(year_rows(bundle, year))


def n_regions(fw) -> int | None:
    """How many regions make the whole: the number of allowed values of the framework's region
    column (its ``values``, or the 16 Shandong cities of ``reference: shandong_cities``), or None
    when the framework declares no whole, no region or no fixed set of regions.

    Examples
    --------
    >>> from toolkit.framework.loader import load_framework
    >>> n_regions(load_framework()), n_regions(load_framework("undp_hdi"))
    (16, None)
    """
    col = fw.region_column
    if col is None or fw.wording.whole is None:
        return None
    c = fw.unit_column(col)
    if c.values is not None:
        return len(c.values)
    if c.reference is not None and c.reference.startswith("shandong_cities"):
        # the one reference list the toolkit has (toolkit.framework.geo): its 16 cities
        from ..framework.geo import cities

        return len(cities())
    return None


def whole_province(bundle, year: int) -> bool:
    """True when the year's data hold units of every region of the whole (Shandong: all 16
    cities; then the mean is provincial); False for a framework without a declared whole."""
    n = n_regions(bundle.framework)
    return n is not None and year_rows(bundle, year)[bundle.framework.region_column].nunique() >= n


def mean_key(bundle, year: int) -> str:
    """``"mean"`` (全省平均) or ``"sample_mean"`` (样本平均), for :func:`toolkit.reports.text.t`."""
    return "mean" if whole_province(bundle, year) else "sample_mean"


def intervals_computed(bundle) -> bool:
    """Rank intervals exist only when the Monte Carlo ran (``n_uncertainty > 0``) and succeeded."""
    return int(bundle.meta.get("n_uncertainty", 0) or 0) > 0 and len(bundle.intervals) > 0


def typology_computed(bundle) -> bool:
    return len(bundle.typology) > 0


def percentiles_computed(bundle, year: int) -> bool:
    return n_units(bundle, year) >= MIN_PERCENTILE


def interval(bundle, unit_id: str, year: int) -> tuple[int, int] | None:
    """The 90 % rank interval (p05, p95) of a unit, or None when it was not computed."""
    if not intervals_computed(bundle):
        return None
    iv = unit_table(bundle, "intervals", unit_id, year)
    if iv.empty:
        return None
    return int(iv["p05"].iloc[0]), int(iv["p95"].iloc[0])


def previous_year(bundle, year: int) -> int | None:
    earlier = [y for y in bundle.years if y < year]
    return earlier[-1] if earlier else None


def not_computed(bundle, year: int) -> dict[str, str]:
    """Sections that were not computed, each with the plain reason (English, for logs and tests).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.reports.bundle import Bundle
    >>> s = pd.DataFrame({"unit_id": ["a", "b", "c"], "year": 2025, "city": "济南市"})
    >>> b = Bundle({"summary": s, "intervals": pd.DataFrame(), "typology": pd.DataFrame()}, {"n_uncertainty": 0})
    >>> sorted(not_computed(b, 2025))
    ['intervals', 'percentiles', 'typology']
    """
    out = {}
    reasons = bundle.meta.get("not_computed", {}) or {}
    units = bundle.framework.words("en")["units"] if bundle.framework is not None else "units"
    if not intervals_computed(bundle):
        out["intervals"] = reasons.get("intervals", "Monte Carlo not run (uncertainty = 0)")
    if not typology_computed(bundle):
        out["typology"] = reasons.get("typology", f"too few {units} to cluster")
    if not percentiles_computed(bundle, year):
        out["percentiles"] = f"fewer than {MIN_PERCENTILE} {units}"
    return out


def notice_keys(bundle, year: int) -> list[str]:
    """Which plain notices a page of this run shows (keys of :data:`toolkit.reports.text.T`):
    ``small_sample`` when a method lacked units, ``mc_off`` when the Monte Carlo was not run,
    ``sample_scope`` when the data do not cover the whole the framework declares (the province)."""
    missing = not_computed(bundle, year)
    reasons = bundle.meta.get("not_computed", {}) or {}
    out = []
    if "typology" in missing or "percentiles" in missing or "intervals" in reasons:
        out.append("small_sample")
    elif "intervals" in missing:
        out.append("mc_off")
    if n_regions(bundle.framework) is not None and not whole_province(bundle, year):
        out.append("sample_scope")
    return out
