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

from . import selection, smaa  # callable modules: selection(...) and smaa(...) call their functions
from .leave_one_out import LeaveOneOutResult, leave_one_out
from .selection import SelectionResult
from .sensitivity import SOBOL_COLUMNS, base_size, saltelli_design, sobol_indices
from .smaa import SMAAResult, smaa_index
from .spec import Factor, UncertaintySpec, load_uncertainty_spec
from .uncertainty import (
    EXECUTORS,
    Execution,
    SobolOptions,
    UncertaintyResult,
    replicate,
    uncertainty,
)

__all__ = [
    "EXECUTORS", "Execution", "Factor", "LeaveOneOutResult", "SMAAResult", "SOBOL_COLUMNS", "SelectionResult",
    "SobolOptions",
    "UncertaintyResult", "UncertaintySpec", "base_size", "leave_one_out", "load_uncertainty_spec", "replicate",
    "saltelli_design", "selection", "smaa", "smaa_index", "sobol_indices", "uncertainty",
]
