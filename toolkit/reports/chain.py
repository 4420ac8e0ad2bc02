"""The dynamics chain of a run (issue 23), computed once per bundle: what the overview's section
差距与收敛 (:mod:`toolkit.reports.gaps`) shows and ``results.xlsx``
(:mod:`toolkit.reports.workbook_dynamics`) writes, from the same calls of :mod:`toolkit.dynamics`.

Every function takes the run's bundle and returns None when the run cannot support the chain: a
framework without a grouping (the decompositions' group column), or a single year; and each returns
None when its statistic is undefined for the run's scores (the Dagum Gini of negative z-scores, a
missing composite) instead of failing the page or the workbook that shows the others. The scores are
the composite of every unit and year (``bundle.summary``); the regional values of the spatial
statistics are the means of the units of each region of the framework's first geography with
polygons (Shandong: the city, by its GB/T 2260 code).
"""

from __future__ import annotations

import pandas as pd

from ..errors import DataError
from . import facts

#: quantile classes of the Markov chain the pages and the workbook show
MARKOV_K = 4
#: seed of every permutation test shown (the same numbers on every page and sheet of a run)
SEED = 0
#: random permutations of every Moran test shown
PERMUTATIONS = 999


def panel(bundle):
    """``(frame, grouping, years)``: the summary with the first grouping's column, indexed by
    (unit_id, year), the grouping, and the years; None when there is no grouping or one year."""
    def make():
        from ..framework.groupings import with_groupings

        fw = bundle.framework
        s = bundle.summary
        if fw is None or not fw.groupings or fw.groupings[0].source not in s or s["year"].nunique() < 2:
            return None
        grouping = fw.groupings[0]
        frame = with_groupings(s, [grouping]).set_index(["unit_id", "year"])
        return frame, grouping, sorted(int(y) for y in frame.index.get_level_values("year").unique())

    return facts.cached(bundle, ("chain", "panel"), make)


def scores(bundle) -> pd.Series | None:
    """The composite of every unit and year, indexed by (unit_id, year)."""
    p = panel(bundle)
    return None if p is None else p[0][bundle.framework.root.code].astype(float)


def defined(make):
    """``make()``, or None when the statistic is undefined for these scores (a DataError)."""
    def run():
        try:
            return make()
        except DataError:
            return None

    return run


def dagum(bundle):
    """:func:`toolkit.dynamics.dagum.dagum_panel` of the composite by the first grouping (a DagumPanel)."""
    from ..dynamics.dagum import dagum_panel

    p = panel(bundle)
    if p is None:
        return None
    return facts.cached(bundle, ("chain", "dagum"), defined(lambda: dagum_panel(scores(bundle), p[0][p[1].name])))


def density(bundle) -> pd.DataFrame | None:
    """:func:`toolkit.dynamics.kde.kde_by_year` of the composite (Gaussian kernel, Scott's bandwidth)."""
    from ..dynamics.kde import kde_by_year

    y = scores(bundle)
    return None if y is None else facts.cached(bundle, ("chain", "kde"), defined(lambda: kde_by_year(y)))


def sigma(bundle):
    """:func:`toolkit.dynamics.convergence.sigma_convergence` of the composite."""
    from ..dynamics.convergence import sigma_convergence

    y = scores(bundle)
    return None if y is None else facts.cached(bundle, ("chain", "sigma"), defined(lambda: sigma_convergence(y)))


def beta(bundle) -> pd.Series | None:
    """:func:`toolkit.dynamics.convergence.beta_convergence` (absolute) of the composite, first to
    last year; None also when too few units have positive scores in both."""
    from ..dynamics.convergence import beta_convergence

    y = scores(bundle)
    if y is None:
        return None

    return facts.cached(bundle, ("chain", "beta"), defined(lambda: beta_convergence(y)))


def markov(bundle):
    """:func:`toolkit.dynamics.markov.markov_chain` of :data:`MARKOV_K` quantile classes (pooled)."""
    from ..dynamics.markov import markov_chain

    y = scores(bundle)
    return None if y is None else facts.cached(bundle, ("chain", "markov"), defined(lambda: markov_chain(y, k=MARKOV_K)))


def regions(bundle):
    """``(regional, weights, polygons, geography)``: the mean composite of each region per year
    (indexed by (region id, year)), the queen weights among the regions with data, the polygons
    and the framework's geography entry; None without polygons (or when the file is missing)."""
    def make():
        from ..dynamics import spatial
        from ..dynamics.boundaries import read_polygons

        p = panel(bundle)
        if p is None:
            return None
        frame = p[0]
        fw = bundle.framework
        geo = next((g for g in fw.geography if g.polygons is not None and g.column in frame), None)
        if geo is None:
            return None
        try:
            polys = read_polygons(geo.polygons, geo.id_property)
        except DataError:                  # the polygons file is not where the framework says: no map
            return None
        regional = frame.groupby([geo.column, "year"])[fw.root.code].mean()
        regional.index = regional.index.set_levels(regional.index.levels[0].astype(str), level=0)
        regional.index.names = ["region", "year"]
        wts = spatial.queen_weights(polys, geo.id_property)
        wts = spatial.weights_among(wts, sorted(set(regional.index.get_level_values("region"))))
        if len(wts.id_order) < 4:
            return None
        return regional, wts, polys, geo

    return facts.cached(bundle, ("chain", "regions"), make)


def moran(bundle) -> pd.DataFrame | None:
    """Global Moran's I of the regional means in every year
    (:func:`toolkit.dynamics.spatial.moran_panel`, seeded)."""
    from ..dynamics.spatial import moran_panel

    r = regions(bundle)
    if r is None:
        return None

    return facts.cached(bundle, ("chain", "moran"), defined(lambda: moran_panel(r[0], r[1], permutations=PERMUTATIONS,
                                                                               seed=SEED)))


def lisa(bundle, year: int) -> pd.DataFrame | None:
    """Local Moran's I of the regional means in ``year`` (:func:`toolkit.dynamics.spatial.lisa`, seeded)."""
    from ..dynamics import spatial

    r = regions(bundle)
    if r is None:
        return None

    def make():
        v = r[0].xs(year, level="year")
        wts = spatial.weights_among(r[1], list(v.index))
        return spatial.lisa(v, wts, permutations=PERMUTATIONS, seed=SEED) if len(wts.id_order) >= 4 else None

    return facts.cached(bundle, ("chain", "lisa", int(year)), defined(make))
