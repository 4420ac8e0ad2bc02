"""Spatio-temporal dynamics of an index: are the gaps between regions closing?

The chain of Chinese regional studies, run on a built index over a panel of units and years:
the Dagum Gini decomposition by group (:mod:`~toolkit.dynamics.dagum`), Theil's T
(:mod:`~toolkit.dynamics.theil`), kernel densities over the years (:mod:`~toolkit.dynamics.kde`),
σ- and β-convergence (:mod:`~toolkit.dynamics.convergence`), Markov chains of rank classes
(:mod:`~toolkit.dynamics.markov`, on :mod:`~toolkit.dynamics.classes` and :mod:`~toolkit.dynamics.ergodic`), spatial weights (:mod:`~toolkit.dynamics.contiguity`) and Moran's I (:mod:`~toolkit.dynamics.spatial`),
and the panel of results that feeds them (:mod:`~toolkit.dynamics.panel`).

Names are imported lazily (:mod:`toolkit.lazy`).
"""

from ..lazy import lazy_attributes

_NAMES = {
    "DagumResult": "dagum", "DagumPanel": "dagum", "dagum_gini": "dagum", "dagum_panel": "dagum",
    "theil": "theil", "theil_panel": "theil",
    "kde_by_year": "kde", "kde_features": "kde",
    "SigmaConvergence": "convergence", "sigma_convergence": "convergence", "beta_convergence": "convergence",
    "beta_conditional": "convergence", "gini": "convergence",
    "MarkovResult": "markov", "markov_chain": "markov", "SpatialMarkovResult": "markov", "spatial_markov": "markov",
    "queen_weights": "contiguity", "adjacency_weights": "contiguity", "Weights": "contiguity", "moran": "spatial", "moran_panel": "spatial",
    "lisa": "spatial",
    "IndexPanel": "panel", "build_panel": "panel",
    "choropleth_svg": "maps", "read_polygons": "boundaries",
}
_MODULES = ["checks", "dagum", "theil", "kde", "ols", "convergence", "classes", "ergodic", "markov", "contiguity", "spatial", "panel", "maps",
            "boundaries"]

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted(_NAMES)
