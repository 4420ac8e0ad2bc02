"""Normalisation: bring indicators onto a common, direction-aware scale.

Every public function takes ``X`` (units × indicators DataFrame) and returns a DataFrame with
the same labels. Cost indicators (direction −1) are reversed so that **higher = better after
normalising** (COINr convention: the indicator is multiplied by its direction first, then
normalised; Becker et al., COINr ``R/normalise.R``). Missing values pass through unchanged;
column statistics ignore them.

Each method has a numpy kernel ``<name>_kernel(a, d, ...)`` (:mod:`toolkit.methods.normalisation.normalise_kernels`,
re-exported here) that works on any array whose last two axes are (units, indicators), e.g. a Monte
Carlo batch of shape (replications × units × indicators). ``d`` is the ±1 direction vector (last
axis). Kernels do not validate or warn; the pandas wrappers here do.

References: OECD/JRC (2008) *Handbook on Constructing Composite Indicators*, §5;
COINr 1.1.14 ``n_*`` functions; project notes ``methods.md`` §4.0.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..checks import as_directions, as_matrix
from ..declared import Method, Param, Registry
from .ampi import ENTRIES as _ampi_entries
from .normalise_kernels import (
    distance_to_reference_kernel,
    distance_to_target_kernel,
    fraction_of_max_kernel,
    goalposts_kernel,
    minmax_kernel,
    percentile_rank_kernel,
    quiet,
    rank_kernel,
    sum_kernel,
    vector_kernel,
    zscore_kernel,
)

__all__ = [
    "minmax", "zscore", "rank", "percentile_rank", "vector", "sum_", "sum_share", "goalposts",
    "distance_to_target", "distance_to_reference", "distance_to_best", "fraction_of_max",
    "NORMALISATION", "normalise",
]


# ---------------------------------------------------------------------------- helpers
def _prepare(X, directions):
    X = as_matrix(X, allow_nan=True)
    return X, X.to_numpy(), as_directions(directions, X.columns).to_numpy(dtype=float)


def _frame(values, X):
    return pd.DataFrame(values, index=X.index, columns=X.columns)


def _per_indicator(value, columns, name) -> np.ndarray:
    """A scalar, mapping/Series keyed by code, or sequence in column order → float array."""
    if isinstance(value, Mapping):
        value = pd.Series(dict(value))
    if isinstance(value, pd.Series):
        missing = pd.Index(columns).difference(value.index)
        if len(missing):
            raise DataError(f"{name}: no value given for indicator(s) {list(missing)}")
        value = value.reindex(columns)
    arr = np.broadcast_to(np.asarray(value, dtype=float), (len(columns),)).copy()
    if np.isnan(arr).any():
        raise DataError(f"{name}: missing value for indicator {columns[np.isnan(arr)][0]!r}")
    return arr


@quiet
def _column_stat(func, a, **kw):
    return func(a, axis=0, **kw)


def _check_positive(X, a, cols_mask, rule, strict):
    bad = (a <= 0) if strict else (a < 0)
    bad &= cols_mask[None, :]
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError(f"{rule}: indicator {X.columns[j]!r} has value {a[i, j]!r} at unit "
                        f"{X.index[i]!r}")


# ---------------------------------------------------------------------------- public API
def minmax(X, directions=None, lower=0.0, upper=1.0) -> pd.DataFrame:
    """Min–max (极差标准化) onto [lower, upper], direction-aware.

    Benefit: y = L + (U − L)(x − min)/(max − min); cost: y = L + (U − L)(max − x)/(max − min).
    Use ``lower=1, upper=100`` before a geometric mean so that no score is zero
    (COINr issue #65). A **constant column** (max = min) has no spread to rescale: every unit gets
    the midpoint (L + U)/2 and a ``UserWarning`` names the column (COINr returns NaN here).

    Parameters
    ----------
    X : DataFrame, units × indicators; NaN passes through and is ignored by min/max.
    directions : None (all benefit), ±1 / "benefit" / "cost" per code (mapping, Series, list).
    lower, upper : float, the target range, ``lower < upper``.

    Returns
    -------
    DataFrame with the labels of ``X``. Reference: OECD/JRC Handbook (2008) §5.2; COINr
    ``n_minmax``; ``methods.md`` §4.0.
    """
    NORMALISATION["minmax"].check_params({"lower": lower, "upper": upper}, "minmax")
    X, a, d = _prepare(X, directions)
    rng = _column_stat(np.nanmax, a) - _column_stat(np.nanmin, a)
    flat = [c for c, r in zip(X.columns, rng, strict=True) if r == 0]
    if flat:
        warnings.warn(f"minmax: constant indicator(s) {flat} set to the midpoint "
                      f"{(lower + upper) / 2}", UserWarning, stacklevel=2)
    return _frame(minmax_kernel(a, d, lower, upper), X)


def distance_to_best(X, directions=None) -> pd.DataFrame:
    """COINr ``n_dist2max``: 1 − (max x′ − x′)/(max x′ − min x′), identical to min–max on [0, 1]."""
    return minmax(X, directions, 0.0, 1.0)


def zscore(X, directions=None, mean=0.0, sd=1.0, ddof=1) -> pd.DataFrame:
    """Standardise: y = mean + sd·(x′ − x̄′)/s′ with x′ = direction·x and s′ using ``ddof``.

    A constant column maps to ``mean`` with a warning. Reference: COINr ``n_zscore`` (ddof = 1).
    """
    NORMALISATION["zscore"].check_params({"mean": mean, "sd": sd, "ddof": ddof}, "zscore")
    X, a, d = _prepare(X, directions)
    few = [c for j, c in enumerate(X.columns) if np.sum(~np.isnan(a[:, j])) <= ddof]
    if few:
        raise DataError(f"zscore: indicator(s) {few} need more than ddof={ddof} values")
    s = _column_stat(np.nanstd, a, ddof=ddof)
    flat = [c for c, v in zip(X.columns, s, strict=True) if v == 0]
    if flat:
        warnings.warn(f"zscore: constant indicator(s) {flat} set to {mean}", UserWarning,
                      stacklevel=2)
    return _frame(zscore_kernel(a, d, mean, sd, ddof), X)


def rank(X, directions=None) -> pd.DataFrame:
    """Rank units per indicator, 1 = worst … m = best; ties get the average rank; NaN kept.

    Reference: COINr ``n_rank`` (which uses ties = "min"; average ties keep the column mean fixed).
    """
    X, a, d = _prepare(X, directions)
    return _frame(rank_kernel(a, d, "average"), X)


def percentile_rank(X, directions=None) -> pd.DataFrame:
    """Percentile rank on [0, 1]: y = (r_min − 1)/(n − 1).

    r_min is the "sport" rank (ties share the lowest rank, 1 = worst after orientation) and n the
    number of non-missing values in the column, exactly COINr ``n_prank``: the worst unit scores
    0, the best 1, tied units share the lower score. Needs ≥ 2 non-missing values per indicator.
    """
    X, a, d = _prepare(X, directions)
    few = [c for j, c in enumerate(X.columns) if np.sum(~np.isnan(a[:, j])) < 2]
    if few:
        raise DataError(f"percentile_rank: indicator(s) {few} have fewer than 2 non-missing values")
    return _frame(percentile_rank_kernel(a, d), X)


def vector(X, directions=None, reverse_cost=False) -> pd.DataFrame:
    """Vector normalisation r = x/√(Σ_i x²) (TOPSIS, Hwang & Yoon 1981).

    By default **cost columns are not reversed**: classic TOPSIS keeps r for every column and
    handles cost criteria through the ideal points (min instead of max), see
    :func:`toolkit.methods.aggregation.aggregate.topsis`. With ``reverse_cost=True`` a cost column becomes 1 − r
    (pymcdm/pyrepo convention), which reverses the order and leaves TOPSIS distances unchanged.
    A column whose values are all zero raises :class:`DataError`.
    """
    X, a, d = _prepare(X, directions)
    zero = [c for j, c in enumerate(X.columns) if not np.nansum(a[:, j] ** 2) > 0]
    if zero:
        raise DataError(f"vector: indicator(s) {zero} are all zero; the norm is zero")
    return _frame(vector_kernel(a, d, reverse_cost), X)


def sum_(X, directions=None) -> pd.DataFrame:
    """Sum share p = x/Σx (benefit) or (1/x)/Σ(1/x) (cost), as in pyrepo ``sum_normalization``.

    Benefit columns must be ≥ 0 with a positive sum, cost columns > 0 (the reciprocal is taken).
    Reference: ``methods.md`` §4.0 (the share used inside the entropy method).
    """
    X, a, d = _prepare(X, directions)
    _check_positive(X, a, d > 0, "sum_: benefit values must be non-negative", strict=False)
    _check_positive(X, a, d < 0, "sum_: cost values must be positive", strict=True)
    zero = [c for j, c in enumerate(X.columns) if d[j] > 0 and not np.nansum(a[:, j]) > 0]
    if zero:
        raise DataError(f"sum_: indicator(s) {zero} sum to zero")
    return _frame(sum_kernel(a, d), X)


sum_share = sum_


def goalposts(X, lower, upper, directions=None, cap=True, log=False, scale=1.0) -> pd.DataFrame:
    """Fixed-goalpost normalisation (UNDP HDI style), per-indicator bounds L < U.

    Benefit: y = (x − L)/(U − L); cost: y = (U − x)/(U − L). With ``log=True`` x, L and U are
    replaced by their natural logs (the HDI income index: (ln x − ln 100)/(ln 75 000 − ln 100));
    ``log`` may also be a mapping code → bool (codes not listed are not logged).
    ``cap`` truncates y to [0, 1] (HDI caps expected schooling at 18 years and GNI at 75 000);
    the result is multiplied by ``scale`` (e.g. 100).

    Parameters
    ----------
    X : DataFrame, units × indicators (NaN passes through).
    lower, upper : scalar or Series/mapping keyed by code, the fixed posts in the indicator's
        units (HDI: life expectancy 20–85, schooling 0–18 and 0–15, GNI 100–75 000).
    directions, cap, log, scale : see above.

    Returns
    -------
    DataFrame with the labels of ``X``. Reference: UNDP HDR 2020 Technical notes, technical
    note 1; COINr ``n_goalposts``.
    """
    X, a, d = _prepare(X, directions)
    lo = _per_indicator(lower, X.columns, "goalposts lower")
    hi = _per_indicator(upper, X.columns, "goalposts upper")
    bad = np.flatnonzero(~(hi > lo))
    if bad.size:
        raise DataError(f"goalposts: indicator {X.columns[bad[0]]!r} needs lower < upper, got "
                        f"{lo[bad[0]]} and {hi[bad[0]]}")
    if isinstance(log, (Mapping, pd.Series)):
        logm = pd.Series(dict(log) if isinstance(log, Mapping) else log, dtype=bool).reindex(X.columns, fill_value=False).to_numpy()
    else:
        logm = np.full(len(X.columns), bool(log))
    if logm.any():
        if (lo[logm] <= 0).any():
            raise DataError("goalposts: log needs positive goalposts")
        _check_positive(X, a, logm, "goalposts: log needs x > 0", strict=True)
    return _frame(goalposts_kernel(a, lo, hi, d, cap, logm, scale), X)


def distance_to_target(X, target, directions=None, cap=True) -> pd.DataFrame:
    """Distance to target (COINr ``n_dist2targ``), ``target`` in the indicator's own units.

    Benefit: y = (x − min x)/(t − min x); cost: y = (max x − x)/(max x − t). Units past the
    target score > 1 unless ``cap`` (then 1). A target equal to the worst observed value raises.
    """
    X, a, d = _prepare(X, directions)
    t = _per_indicator(target, X.columns, "distance_to_target target")
    worst = np.where(d > 0, _column_stat(np.nanmin, a), _column_stat(np.nanmax, a))
    bad = np.flatnonzero(~((t - worst) * d > 0))
    if bad.size:
        c = X.columns[bad[0]]
        raise DataError(f"distance_to_target: target {t[bad[0]]} for indicator {c!r} is not "
                        f"better than the worst observed value {worst[bad[0]]}")
    return _frame(distance_to_target_kernel(a, t, d, cap), X)


def distance_to_reference(X, reference_unit, directions=None, cap=False) -> pd.DataFrame:
    """Distance to a reference unit (COINr ``n_dist2ref``): y = (x′ − min x′)/(x′_ref − min x′).

    The reference unit scores 1 and the worst unit 0; units better than the reference score > 1
    unless ``cap``. Raises if the reference is missing or the worst on an indicator.
    """
    X, a, d = _prepare(X, directions)
    if reference_unit not in X.index:
        raise DataError(f"distance_to_reference: unit {reference_unit!r} is not in X")
    i = X.index.get_loc(reference_unit)
    if not isinstance(i, int):
        raise DataError(f"distance_to_reference: unit {reference_unit!r} is not unique in X")
    x = a * d
    bad = np.flatnonzero(~(x[i] > _column_stat(np.nanmin, x)))
    if bad.size:
        raise DataError(f"distance_to_reference: unit {reference_unit!r} is missing or the "
                        f"worst on indicator {X.columns[bad[0]]!r}")
    return _frame(distance_to_reference_kernel(a, i, d, cap), X)


def fraction_of_max(X, directions=None) -> pd.DataFrame:
    """Fraction of the best value: benefit x/max x (COINr ``n_fracmax``), cost min x/x.

    The best unit scores 1. Needs x ≥ 0 with a positive maximum (benefit) and x > 0 (cost);
    COINr would return x/min x ≥ 1 for cost columns, which is why the cost form differs.
    """
    X, a, d = _prepare(X, directions)
    _check_positive(X, a, d > 0, "fraction_of_max: benefit values must be non-negative", False)
    _check_positive(X, a, d < 0, "fraction_of_max: cost values must be positive", True)
    mx = _column_stat(np.nanmax, a)
    zero = [c for j, c in enumerate(X.columns) if d[j] > 0 and not mx[j] > 0]
    if zero:
        raise DataError(f"fraction_of_max: indicator(s) {zero} have maximum 0")
    return _frame(fraction_of_max_kernel(a, d), X)


# ---------------------------------------------------------------------------- the registry entries
def _lower_upper(params, where):
    lo, hi = params.get("lower"), params.get("upper")
    if isinstance(lo, int | float) and isinstance(hi, int | float) and not hi > lo:
        raise SpecError(f"{where}: upper ({hi}) must be greater than lower ({lo})")


#: the normalisation step's registry (``normalisation.method``): every normaliser treats each column
#: on its own, so all their parameters may vary by indicator
NORMALISATION = Registry("normalisation", "normalisation.method", "minmax")
_CAP = Param("cap", "boolean", True, "truncate to the target range", per_indicator=True)
for _name, _function, _kernel, _params, _validate, _en, _zh, _doc, _doc_zh in (
    ("minmax", minmax, minmax_kernel, (
        Param("lower", "number", 0.0, "bottom of the target range", per_indicator=True),
        Param("upper", "number", 1.0, "top of the target range", per_indicator=True)), _lower_upper,
     "min–max", "极差标准化", "(x − min)/(max − min), rescaled to [lower, upper]",
     "(x − 最小值)/(最大值 − 最小值)，缩放到 [lower, upper]"),
    ("zscore", zscore, zscore_kernel, (
        Param("mean", "number", 0.0, "target mean", per_indicator=True),
        Param("sd", "number", 1.0, "target standard deviation", low=0, low_open=True, per_indicator=True),
        Param("ddof", "integer", 1, "delta degrees of freedom", low=0, per_indicator=True)), None,
     "z-score", "Z 分数标准化", "(x − mean)/sd, rescaled to the target mean and sd", "(x − 均值)/标准差"),
    ("rank", rank, rank_kernel, (), None, "rank", "排序", "the rank among units (ties share the mean rank)",
     "各单位的名次（并列取平均名次）"),
    ("percentile_rank", percentile_rank, percentile_rank_kernel, (), None, "percentile rank", "百分位排名",
     "the share of units ranked below (COINr n_prank)", "排在其后的单位比例（COINr n_prank）"),
    ("vector", vector, vector_kernel, (
        Param("reverse_cost", "boolean", False, "cost columns become 1 − r", per_indicator=True),), None,
     "vector", "向量归一化", "x / √Σx² (TOPSIS's normalisation)", "x / √Σx²（TOPSIS 的归一化）"),
    ("sum", sum_, sum_kernel, (), None, "share of the sum", "比重法", "x / Σx", "x / Σx"),
    ("goalposts", goalposts, goalposts_kernel, (
        Param("lower", "number", None, "lower goalpost", required=True, per_indicator=True),
        Param("upper", "number", None, "upper goalpost", required=True, per_indicator=True),
        _CAP,
        Param("log", "boolean", False, "take logs first", per_indicator=True),
        Param("scale", "number", 1.0, "multiply the result", low=0, low_open=True, per_indicator=True)),
     _lower_upper, "goalposts", "目标值区间法", "(x − lower)/(upper − lower) between fixed goalposts (UNDP HDI)",
     "固定上下限之间的 (x − 下限)/(上限 − 下限)（UNDP 人类发展指数）"),
    ("distance_to_target", distance_to_target, distance_to_target_kernel, (
        Param("target", "number", None, "target value", required=True, per_indicator=True), _CAP), None,
     "distance to target", "距目标值", "progress from the worst value to a target (COINr n_dist2targ)",
     "从最差值到目标值的进度（COINr n_dist2targ）"),
    ("distance_to_reference", distance_to_reference, distance_to_reference_kernel, (
        Param("reference_unit", "label", None, "the reference unit", required=True, per_indicator=True),
        Param("cap", "boolean", False, "truncate at 1", per_indicator=True)), None,
     "distance to a reference unit", "距参照单位", "the value relative to a reference unit (COINr n_dist2ref)",
     "相对参照单位的水平（COINr n_dist2ref）"),
    ("distance_to_best", distance_to_best, minmax_kernel, (), None, "distance to the best", "距最优值",
     "1 − (best − x)/(best − worst) (COINr n_dist2max)", "1 − (最优 − x)/(最优 − 最差)（COINr n_dist2max）"),
    ("fraction_of_max", fraction_of_max, fraction_of_max_kernel, (), None, "fraction of the best",
     "最优值比例", "x / max x (cost: min x / x; COINr n_fracmax)", "x / 最大值（成本型：最小值 / x；COINr n_fracmax）"),
):
    NORMALISATION.register(Method(_name, "normalisation", _function, _kernel, params=_params, validate=_validate,
                                  columnwise=True, label_en=_en, label_zh=_zh, doc=_doc, doc_zh=_doc_zh))
for _entry in _ampi_entries:  # Compind's family (toolkit.methods.normalisation.ampi)
    NORMALISATION.register(_entry)


def normalise(X, method: str = "minmax", directions=None, **params) -> pd.DataFrame:
    """Normalise ``X`` with the registered method ``method`` (:data:`NORMALISATION`, which also
    holds the methods registered from outside the toolkit).

    Parameters
    ----------
    X : DataFrame
        Units × indicators.
    method : str
        A name in :data:`NORMALISATION`.
    directions : Series, optional
        +1 (benefit) or −1 (cost) per indicator.
    **params
        The method's declared parameters.

    Returns
    -------
    DataFrame
        Same labels as ``X``, higher = better.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    >>> normalise(X, "minmax", upper=10)["a"].tolist()
    [0.0, 5.0, 10.0]
    >>> normalise(X, "softmax")
    Traceback (most recent call last):
    ...
    toolkit.errors.SpecError: normalise: method must be one of [...], got 'softmax'
    """
    return NORMALISATION.get(method, "normalise", "method").function(X, directions=directions, **params)
