"""Data treatment: imputation of missing values and outlier treatment (OECD/JRC step 3).

Both halves follow COINr (``R/impute.R``, ``R/treat.R``, v1.1.x) and return a small frozen
result object whose ``.data`` is the treated DataFrame (same index and columns as the input)
and whose ``.log`` is a tidy DataFrame listing **every cell that was changed** — unit,
indicator, old value, new value and why — so that what was imputed or treated is always
recorded.

Imputation
----------
* :func:`impute` — dispatcher: ``"none"``, ``"mean"``, ``"median"``, ``"group_mean"``,
  ``"group_median"``, ``"knn"``, ``"iterative"`` and the panel methods of
  :func:`impute_panel`.
* :func:`impute_panel` — fills across years within each unit (COINr ``impute_panel``).

Every imputer refuses an indicator with no observed value at all (:class:`DataError`) and
checks, before returning, that no observed value was altered (COINr does the same); a
violation is a bug in this module and raises :class:`RuntimeError`.

Outliers
--------
* :func:`skew_kurt` — bias-corrected skewness G1 and excess kurtosis G2 per indicator.
* :func:`flag_outliers` — COINr's skew/kurtosis rule.
* :func:`treat_outliers` — COINr ``Treat()`` defaults: winsorise up to 5 points, else a
  log transform of the original values.

The two halves live in their own modules, one per step: :mod:`toolkit.methods.imputation.impute` (imputation)
and :mod:`toolkit.methods.treatment.outliers` (skewness/kurtosis, the outlier flag, winsorisation and the log
transforms), with the helpers both need in the private :mod:`toolkit.methods.changelog`. This module
is a thin façade that re-exports their public names, so ``toolkit.methods.treatment.treat.impute``,
``treat.treat_outliers`` and the rest keep working.
"""

from __future__ import annotations

# the façade exports exactly what its two halves export, without repeating their lists
from ..imputation import impute as _impute_module
from ..imputation.impute import *  # noqa: F403
from . import outliers as _outliers_module
from .outliers import *  # noqa: F403

__all__ = [*_impute_module.__all__, *_outliers_module.__all__]
