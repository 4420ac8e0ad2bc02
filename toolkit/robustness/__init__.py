"""Robustness of the ranks: uncertainty and sensitivity analysis (issue #5), in one namespace.

The work is split over four modules; this one re-exports their public API:

=================================  ==========================================================
:mod:`toolkit.robustness.spec`    the uncertainty YAML (``configs/uncertainty.yaml``):
                                   :func:`load_uncertainty_spec`, :class:`UncertaintySpec`,
                                   :class:`Factor` (addresses into the index spec:
                                   :mod:`toolkit.robustness.address`)
:mod:`toolkit.robustness.uncertainty`         :func:`uncertainty` (Monte Carlo / Saltelli design, executors,
                                   rank statistics, Sobol indices), :func:`leave_one_out`,
                                   :func:`replicate`, the result classes
:mod:`toolkit.robustness.sensitivity`         the SALib wrapper: :func:`saltelli_design`,
                                   :func:`sobol_indices`
:mod:`toolkit.robustness.engine`  the vectorised replication engine (the registry's batch
                                   kernels, through :mod:`toolkit.index.steps`)
=================================  ==========================================================

>>> from toolkit.robustness import uncertainty                      # doctest: +SKIP
>>> ua = uncertainty(data, "configs/default.yaml", "configs/uncertainty.yaml", n=10_000, seed=1)  # doctest: +SKIP
>>> ua.caterpillar(2025)        # unit × nominal, median, p05, p95  (toolkit.viz.plots)  # doctest: +SKIP
>>> ua.sensitivity_bars()       # factor, S1, S1_conf, ST, ST_conf  (toolkit.viz.plots)  # doctest: +SKIP
"""

from __future__ import annotations

from ..lazy import lazy_attributes

# Names are imported lazily (:mod:`toolkit.lazy`): a worker process that unpickles the engine
# imports ``toolkit.robustness.engine`` and what it needs, not leave-one-out and selection (which
# import the whole index build, pandera included: about a second of CPU per worker).
_NAMES = {
    "LeaveOneOutResult": "leave_one_out",
    "SelectionResult": "selection",
    "SOBOL_COLUMNS": "sensitivity", "base_size": "sensitivity", "saltelli_design": "sensitivity",
    "sobol_indices": "sensitivity",
    "SMAAResult": "smaa", "smaa_index": "smaa",
    "Factor": "spec", "UncertaintySpec": "spec", "load_uncertainty_spec": "spec",
    "EXECUTORS": "uncertainty", "Execution": "uncertainty", "SobolOptions": "uncertainty",
    "UncertaintyResult": "uncertainty", "replicate": "uncertainty",
}
# callable modules (toolkit.callable_module): toolkit.robustness.uncertainty(...) calls the function
# uncertainty of the module of that name, and so on; the attribute is the module whichever is
# imported first (a lazy package re-exporting the function would give either, by import order)
_MODULES = ["leave_one_out", "selection", "smaa", "uncertainty"]

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, _MODULES)
__all__ = sorted([*_NAMES, *_MODULES])
