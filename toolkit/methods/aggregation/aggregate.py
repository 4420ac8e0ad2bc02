"""Aggregation: combine normalised indicators into one score per unit.

Weighted power means (arithmetic, geometric, harmonic, generalised; COINr ``a_amean``,
``a_gmean``, ``a_hmean``, ``a_genmean``), TOPSIS and grey relational analysis.

Weights are a Series keyed by indicator code (``None`` = equal weights). They must be finite,
non-negative, not all zero and cover every column of ``X``; they are renormalised to sum to 1
over the columns of ``X`` (codes not in ``X`` are ignored). Missing values raise a
:class:`DataError` unless ``na="skip"``, which drops the missing indicators of a unit and
renormalises its remaining weights (COINr ``a_amean``).

Every method has one public numpy kernel (:func:`generalised_mean_kernel`,
:func:`topsis_kernel`, :func:`grey_relational_kernel`) whose input has (units, indicators) as its
last two axes and whose weights have the indicators on their last axis: the pandas functions
here call it on one matrix, the Monte Carlo engine on (replications × units × indicators) at once
with one weight vector per replication (through :mod:`toolkit.methods.aggregation.aggregate_batch`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..checks import DataCheck, as_directions, as_matrix, as_weights
from ..declared import Method, Param, Registry
from ..normalisation.normalise import minmax_kernel
from .aggregate_batch import grey_relational_batch, power_mean_batch, topsis_batch
from .bod import ENTRY as bod_entry
from .copeland import ENTRY as copeland_entry
from .kernels import generalised_mean_kernel, grey_relational_kernel, topsis_kernel
from .mazziotta_pareto import ENTRY as mpi_entry
from .mean_min import ENTRY as mean_min_entry
from .order_m import ENTRY as robust_bod_entry
from .wroclaw import ENTRY as wroclaw_entry

__all__ = [
    "arithmetic", "geometric", "harmonic", "generalised_mean", "topsis", "grey_relational",
    "TopsisResult", "GreyRelationalResult", "AGGREGATION", "aggregate", "generalised_mean_kernel",
    "topsis_kernel", "grey_relational_kernel",
]


# ---------------------------------------------------------------------------- validation
def _prepare(X, weights, na="error"):
    if na not in ("error", "skip"):
        raise SpecError(f"na must be 'error' or 'skip', got {na!r}")
    X = as_matrix(X, allow_nan=(na == "skip"))
    return X, X.to_numpy(), as_weights(weights, X.columns)


# -- the data checks of the power means, declared in their entries below (``Method.checks``) and
# run through ``Method.check_data`` by the functions here and by the engine's stacks alike
def _missing(v, params):
    return np.isnan(v)


def _not_positive(v, params):
    return v <= 0


def _negative(v, params):
    return v < 0


def _power(params) -> float:
    return float(params.get("p", 1.0))


#: na: error — a missing child is an error (with imputation none the na rule is skip)
COMPLETE = DataCheck("complete", "a missing value: impute first (or skip missing children: na: skip)", _missing,
                     applies=lambda params: params.get("na") in (None, "error"))
_POSITIVE_RULE = "needs values > 0: normalise to a positive range such as minmax [1, 100] first"
#: the geometric and harmonic means: every child with a positive weight > 0
POSITIVE = DataCheck("positive", _POSITIVE_RULE, _not_positive, weighted=True)
#: a power mean with p ≤ 0 needs values > 0, with a non-integer p > 0 values ≥ 0
POWER_DOMAIN = (
    DataCheck("positive", "p = {p:g} " + _POSITIVE_RULE, _not_positive, weighted=True,
              applies=lambda params: _power(params) <= 0),
    DataCheck("non_negative", "p = {p:g} needs values >= 0: normalise to a non-negative range first", _negative,
              weighted=True, applies=lambda params: _power(params) > 0 and _power(params) != round(_power(params))),
)


#: TOPSIS's vector normalisation divides each child by its norm: a child 0 for every unit has none
NONZERO_NORM = DataCheck("nonzero_norm", "is all zero: the vector normalisation divides by its norm "
                         "(use normalisation: minmax)", lambda norm, params: ~(norm > 0), per="column",
                         stat=lambda values: np.sqrt((values ** 2).sum(axis=-2)),
                         applies=lambda params: params.get("normalisation", "vector") == "vector")


def _power_mean(X, weights, p: float, na: str, method: str) -> pd.Series:
    """The pandas side of the power means: the data checked by the entry's declared checks, then
    the one kernel."""
    if na not in ("error", "skip"):
        raise SpecError(f"na must be 'error' or 'skip', got {na!r}")
    X = as_matrix(X, allow_nan=True)  # a missing value: the entry's declared check says what it means
    a, w = X.to_numpy(), as_weights(weights, X.columns)
    params = {"na": na, **({"p": p} if method == "generalised_mean" else {})}
    AGGREGATION[method].check_data(a[None], params, weights=w.to_numpy()[None], units=X.index, columns=X.columns)
    return _series(generalised_mean_kernel(a, w.to_numpy(), p, na == "skip"), X, "score")


def _series(values, X, name):
    if np.isnan(values).any():
        i = int(np.flatnonzero(np.isnan(values))[0])
        raise DataError(f"{name}: unit {X.index[i]!r} has no non-missing indicator with "
                        "positive weight")
    return pd.Series(values, index=X.index, name=name)


def _is_unit(label, index) -> bool:
    try:
        return label in index
    except TypeError:
        return False


# ---------------------------------------------------------------------------- means
def generalised_mean(X, weights=None, p: float = 1.0, na: str = "error") -> pd.Series:
    """Weighted generalised (power) mean M_p(x) = (Σ_j w_j x_j^p)^{1/p}, Σ w_j = 1.

    p = 1 arithmetic, p = 0 geometric (limit), p = −1 harmonic; M_p rises with p, so
    harmonic ≤ geometric ≤ arithmetic, and lower p means less compensability between
    indicators. p ≤ 0 needs x > 0; non-integer p needs x ≥ 0. Reference: COINr ``a_genmean``;
    OECD/JRC Handbook (2008) §6.
    """
    return _power_mean(X, weights, float(p), na, "generalised_mean")


def arithmetic(X, weights=None, na: str = "error") -> pd.Series:
    """Weighted arithmetic mean S_i = Σ_j w_j x_ij (linear, fully compensatory).

    With ``na="skip"`` a unit's missing indicators are dropped and its remaining weights rescaled
    to sum to 1 (COINr ``a_amean``). Reference: OECD/JRC Handbook (2008) §6.2.
    """
    return _power_mean(X, weights, 1.0, na, "arithmetic")


def geometric(X, weights=None, na: str = "error") -> pd.Series:
    """Weighted geometric mean S_i = Π_j x_ij^{w_j} (partially compensatory, HDI aggregation).

    Every value in a column with positive weight must be > 0, otherwise :class:`DataError`
    names the unit and indicator (COINr ``a_gmean``); normalise to e.g. [1, 100] first.
    """
    return _power_mean(X, weights, 0.0, na, "geometric")


def harmonic(X, weights=None, na: str = "error") -> pd.Series:
    """Weighted harmonic mean S_i = 1/Σ_j (w_j/x_ij); values must be > 0 (COINr ``a_hmean``)."""
    return _power_mean(X, weights, -1.0, na, "harmonic")


# ---------------------------------------------------------------------------- TOPSIS / GRA
@dataclass(frozen=True)
class TopsisResult:
    """TOPSIS output: closeness C, distances D+ / D−, ideal and anti-ideal points, weighted r."""

    closeness: pd.Series
    d_plus: pd.Series
    d_minus: pd.Series
    ideal: pd.Series
    anti_ideal: pd.Series
    weighted: pd.DataFrame


def topsis(X, weights=None, directions=None, normalisation: str = "vector",
           return_details: bool = False):
    """TOPSIS relative closeness C_i = D_i⁻/(D_i⁺ + D_i⁻) ∈ [0, 1] (higher = better).

    1. r_ij: ``"vector"`` x/√Σx² (classic, Hwang & Yoon 1981) or ``"minmax"`` (direction-aware
       min–max, the default of pymcdm/pyrepo and common in 熵权-TOPSIS papers).
    2. v_ij = w_j r_ij with Σ w = 1.
    3. Ideal Z⁺_j = max_i v_ij for benefit, min_i v_ij for cost (vector); after min–max every
       column is a benefit column. Anti-ideal Z⁻ is the opposite.
    4. D_i^± = √Σ_j (v_ij − Z^±_j)²; C_i as above (0.5 if every unit is identical).

    Parameters
    ----------
    X : DataFrame, units × indicators, raw or pre-treated, no missing values; ``"vector"``
        needs a non-zero norm in every column.
    weights : Series keyed by code (renormalised to sum 1) or None for equal weights.
    directions : ±1 / "benefit" / "cost" per code; None = all benefit.
    normalisation : "vector" or "minmax".
    return_details : also return D⁺, D⁻, ideal, anti-ideal and the weighted matrix.

    Returns
    -------
    Series ``closeness`` indexed by unit, or a :class:`TopsisResult`.
    Reference: Hwang & Yoon (1981) *Multiple Attribute Decision Making*; ``methods.md`` §4.2.
    """
    if normalisation not in ("vector", "minmax"):
        raise SpecError(f"topsis: normalisation must be 'vector' or 'minmax', got {normalisation!r}")
    X, a, w = _prepare(X, weights)
    d = as_directions(directions, X.columns).to_numpy(dtype=float)
    AGGREGATION["topsis"].check_data(a[None], {"normalisation": normalisation}, units=X.index, columns=X.columns)
    c, dp, dm, ideal, anti, v = topsis_kernel(a, w.to_numpy(), d, normalisation)
    closeness = pd.Series(c, index=X.index, name="closeness")
    if not return_details:
        return closeness
    return TopsisResult(
        closeness=closeness,
        d_plus=pd.Series(dp, index=X.index, name="d_plus"),
        d_minus=pd.Series(dm, index=X.index, name="d_minus"),
        ideal=pd.Series(ideal, index=X.columns, name="ideal"),
        anti_ideal=pd.Series(anti, index=X.columns, name="anti_ideal"),
        weighted=pd.DataFrame(v, index=X.index, columns=X.columns),
    )


@dataclass(frozen=True)
class GreyRelationalResult:
    """Grey relational output: grades, coefficient matrix ξ and the reference sequence x₀."""

    grade: pd.Series
    coefficients: pd.DataFrame
    reference: pd.Series


def grey_relational(X, weights=None, directions=None, rho: float = 0.5, reference="best",
                    normalisation: str = "minmax", return_details: bool = False):
    """Grey relational analysis (灰色关联分析, Deng 1982) grade r_i = Σ_k w_k ξ_i(k).

    1. Normalise: ``"minmax"`` (区间化, direction-aware, [0, 1]) or ``"none"`` (X is already
       normalised with higher = better).
    2. Reference x₀(k): ``"best"`` = column maximum of the normalised data, or a unit label (that
       unit's normalised row).
    3. Δ_i(k) = |x₀(k) − x_i(k)|; Δmin, Δmax = min/max over all i and k.
    4. ξ_i(k) = (Δmin + ρΔmax)/(Δ_i(k) + ρΔmax), ρ ∈ (0, 1), usually 0.5; all ξ = 1 if Δmax = 0.
    5. r_i with weights renormalised to 1 (None = equal weights, the plain mean).

    Parameters
    ----------
    X : DataFrame, units × indicators, no missing values.
    weights : Series keyed by code or None (equal weights).
    directions : per-code ±1, used by the min–max step.
    rho : resolution coefficient ρ ∈ (0, 1).
    reference : "best" or a unit label.
    normalisation : "minmax" or "none".
    return_details : also return the coefficient matrix ξ and x₀.

    Returns
    -------
    Series ``grade`` indexed by unit, or a :class:`GreyRelationalResult`.
    Reference: Deng J. (1982) Control problems of grey systems; ``methods.md`` §4.8.
    """
    if not 0 < rho < 1:
        raise SpecError(f"grey_relational: rho must be in (0, 1), got {rho}")
    if normalisation not in ("minmax", "none"):
        raise SpecError(f"grey_relational: normalisation must be 'minmax' or 'none', got "
                        f"{normalisation!r}")
    X, a, w = _prepare(X, weights)
    if normalisation == "minmax":
        r = minmax_kernel(a, as_directions(directions, X.columns).to_numpy(dtype=float))
    else:
        r = a
    if isinstance(reference, str) and reference == "best":
        x0 = r.max(axis=0)
    elif _is_unit(reference, X.index):
        x0 = r[X.index.get_loc(reference)]
        if np.ndim(x0) != 1:
            raise DataError(f"grey_relational: reference unit {reference!r} is not unique")
    else:
        raise DataError(f"grey_relational: reference must be 'best' or a unit of X, got "
                        f"{reference!r}")
    grade, xi = grey_relational_kernel(r, w.to_numpy(), rho, x0)
    grade = pd.Series(grade, index=X.index, name="grade")
    if not return_details:
        return grade
    return GreyRelationalResult(grade=grade,
                                coefficients=pd.DataFrame(xi, index=X.index, columns=X.columns),
                                reference=pd.Series(x0, index=X.columns, name="reference"))


# ---------------------------------------------------------------------------- the registry entries
#: the aggregation step's registry (``aggregation.<level>.method``)
AGGREGATION = Registry("aggregation", "aggregation.<level>.method", "arithmetic")
_NA = Param("na", "choice", None, "missing children: error, or skip (default: skip when imputation is none)",
            choices=("error", "skip"), nullable=True, per_node=True)
for _entry in (
    Method("arithmetic", "aggregation", arithmetic, partial(power_mean_batch, p=1.0, name="arithmetic"),
           params=(_NA,), checks=(COMPLETE,), label_en="arithmetic mean", label_zh="加权算术平均",
           doc="Σ w x: fully compensatory", doc_zh="Σ w x：完全可补偿"),
    Method("geometric", "aggregation", geometric, partial(power_mean_batch, p=0.0, name="geometric"),
           params=(_NA,), checks=(COMPLETE, POSITIVE), label_en="geometric mean", label_zh="加权几何平均",
           doc="Π x^w: a weak indicator is compensated less (needs x > 0)", doc_zh="Π x^w：弱项较难被补偿（需 x > 0）"),
    Method("harmonic", "aggregation", harmonic, partial(power_mean_batch, p=-1.0, name="harmonic"),
           params=(_NA,), checks=(COMPLETE, POSITIVE), label_en="harmonic mean", label_zh="加权调和平均",
           doc="1 / Σ (w / x): the least compensatory power mean", doc_zh="1 / Σ (w / x)：补偿性最弱的幂平均"),
    Method("generalised_mean", "aggregation", generalised_mean, power_mean_batch, params=(
        Param("p", "number", 1.0, "power (1 arithmetic, 0 geometric, −1 harmonic)", per_node=True), _NA),
        checks=(COMPLETE, *POWER_DOMAIN), label_en="generalised mean", label_zh="广义幂平均", doc="(Σ w x^p)^(1/p)", doc_zh="(Σ w x^p)^(1/p)"),
    Method("topsis", "aggregation", topsis, topsis_batch, params=(
        Param("normalisation", "choice", "vector", "TOPSIS's own normalisation", choices=("vector", "minmax"),
              per_node=True),), checks=(NONZERO_NORM,), label_en="TOPSIS", label_zh="TOPSIS 逼近理想解法",
        doc="relative closeness to the ideal and away from the anti-ideal unit", doc_zh="与正理想解的相对贴近度"),
    Method("grey_relational", "aggregation", grey_relational, grey_relational_batch, params=(
        Param("rho", "number", 0.5, "resolution coefficient", low=0, high=1, low_open=True, high_open=True,
              per_node=True),
        Param("reference", "label", "best", "'best' or a reference unit", per_node=True),
        Param("normalisation", "choice", "minmax", "min–max first, or none", choices=("minmax", "none"),
              per_node=True)),
        label_en="grey relational analysis", label_zh="灰色关联分析",
        doc="the weighted grey relational grade to the best (or a reference) unit", doc_zh="与最优（或参照）单位的加权灰色关联度"),
    bod_entry,
    copeland_entry,
    mpi_entry,
    mean_min_entry,
    wroclaw_entry,
    robust_bod_entry,
):
    AGGREGATION.register(_entry)


def aggregate(X, method: str = "arithmetic", weights=None, **params) -> pd.Series:
    """Aggregate ``X`` with the registered method ``method`` (:data:`AGGREGATION`, which also holds
    the methods registered from outside the toolkit).

    Parameters
    ----------
    X : DataFrame
        Units × children, higher = better.
    method : str
        A name in :data:`AGGREGATION`.
    weights : Series, optional
        A weight per column (default equal).
    **params
        The method's declared parameters.

    Returns
    -------
    Series
        One score per unit.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1.0, 4.0], "b": [4.0, 1.0]})
    >>> aggregate(X, "geometric", pd.Series({"a": 0.5, "b": 0.5})).tolist()
    [2.0, 2.0]
    """
    return AGGREGATION.get(method, "aggregate", "method").function(X, weights, **params)
