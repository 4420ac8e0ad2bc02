"""Indicator weights: equal, objective (entropy, CRITIC, CV, std, PCA), manual, AHP and combined.

Every function takes a units × indicators DataFrame (or what :func:`toolkit.methods.checks.as_matrix`
accepts) and returns a Series indexed by indicator code in column order, ``name="weight"``,
non-negative and summing to 1. Formulas follow ``methods.md`` §4.1, 4.3–4.7 and the OECD/JRC
Handbook (2008) §6.1. :func:`ahp` and :func:`combine` live in :mod:`toolkit.methods.weighting.subjective`
and are re-exported here.

An indicator that carries no information (constant across units) gets weight 0 and a
:class:`DegenerateIndicatorWarning` naming it.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd

from ...errors import DataError
from ..checks import FINITE, DataCheck, as_directions, as_matrix
from ..declared import Method, Param, Registry
from . import fixed, optimal_weights
from . import weight_kernels as kernels
from .fixed import from_file
from .subjective import (
    RI_TABLES,
    AHPResult,
    InconsistentJudgementError,
    ahp,
    combine,
    combine_kernel,
)

__all__ = [
    "AHPResult", "COMBINATION", "DegenerateIndicatorWarning", "WEIGHTING", "InconsistentJudgementError", "RI_TABLES", "ahp",
    "combine", "critic", "cv", "entropy", "entropy_minmax", "equal", "from_file", "pca", "std",
    "varimax",
]


class DegenerateIndicatorWarning(UserWarning):
    """An indicator carries no information for a weighting method and was given weight 0."""


# ----------------------------------------------------------------------------- helpers
def _matrix(X, method: str, entry: str | None = None) -> pd.DataFrame:
    """``X`` checked: numbers, distinct codes, no empty or missing column, then the registry
    entry's declared data checks and ``min_rows`` (``Method.check_data``, what the engine runs
    on its stacks too)."""
    X = as_matrix(X, name=method, allow_nan=True)
    if X.columns.has_duplicates:
        raise DataError(f"{method}: duplicate indicator code(s) {list(X.columns[X.columns.duplicated()])}")
    empty = X.columns[X.isna().all().to_numpy()]
    if len(empty):
        raise DataError(f"{method}: indicator(s) {list(empty)} have no data (every value is missing)")
    # a missing value: the entry's declared FINITE check names unit and indicator, as in the engine
    WEIGHTING[entry or method].check_data(X.to_numpy()[None], units=X.index, columns=X.columns)
    return X


def _constant(V: np.ndarray, columns, method: str) -> np.ndarray:
    const = np.ptp(V, axis=0) == 0
    if const.any():
        warnings.warn(
            f"{method}: indicator(s) {list(pd.Index(columns)[const])} are constant across units and "
            "carry no information; weight set to 0",
            DegenerateIndicatorWarning, stacklevel=3,
        )
    return const


def _params(name: str, params: dict) -> None:
    """Check parameters against the method's declaration below (SpecError naming the bad one)."""
    WEIGHTING[name].check_params(params, where=name)


def _run(kernel, X: pd.DataFrame, directions=None, **params):
    """Run a batch kernel on ``X`` as a batch of one; return row 0 (and details)."""
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        out = kernel(X.to_numpy()[None], directions, **params)
    return out


# ----------------------------------------------------------------------------- equal / manual
def equal(X_or_columns) -> pd.Series:
    """Equal weights ``w_j = 1/n`` for the columns of ``X`` (or a list of indicator codes)."""
    columns = pd.Index(X_or_columns.columns if isinstance(X_or_columns, pd.DataFrame) else list(X_or_columns))
    if len(columns) == 0:
        raise DataError("equal: no indicators given")
    if columns.has_duplicates:
        raise DataError(f"equal: duplicate indicator codes {list(columns[columns.duplicated()])}")
    return pd.Series(1.0 / len(columns), index=columns, name="weight")


# ----------------------------------------------------------------------------- entropy
def entropy(X, *, return_details: bool = False):
    r"""Entropy weights (熵权法) of a non-negative matrix, methods.md §4.1.

    .. math::
        p_{ij} = x_{ij} / \sum_i x_{ij},\quad e_j = -\frac{1}{\ln m}\sum_i p_{ij}\ln p_{ij}
        \;(0\ln 0 = 0),\quad d_j = 1 - e_j,\quad w_j = d_j / \sum_k d_k

    with m units. The data are used as given (no normalisation or direction); the textbook
    pipeline with min–max and benefit/cost handling is :func:`entropy_minmax`. A constant column
    (including all zeros) has ``d_j = 0``: weight 0 and a :class:`DegenerateIndicatorWarning`.
    ``return_details=True`` also returns a DataFrame with ``e`` and ``d`` per indicator.
    The formula is :func:`toolkit.methods.weighting.weight_kernels.entropy_kernel`.

    Raises :class:`DataError` for fewer than 2 units, negative or missing values, or when every
    indicator is constant.

    References: Shannon (1948); Zeleny (1982); Hwang & Yoon (1981) *Multiple Attribute Decision
    Making*, §4.1.

    Examples
    --------
    >>> import pandas as pd
    >>> entropy(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 4.0]})).round(3).tolist()
    [0.274, 0.726]
    """
    X = _matrix(X, "entropy")
    V = X.to_numpy()
    if (V < 0).any():
        i, j = np.argwhere(V < 0)[0]
        raise DataError(
            f"entropy: negative value {V[i, j]:g} at unit {X.index[i]!r}, indicator {X.columns[j]!r}; "
            "the entropy method needs non-negative data (use entropy_minmax or shift the indicator)"
        )
    _constant(V, X.columns, "entropy")
    w, det = _run(kernels.entropy_kernel, X, minmax=False, details=True)
    w = pd.Series(w[0], index=X.columns, name="weight")
    if return_details:
        return w, pd.DataFrame({"e": det["e"][0], "d": det["d"][0]}, index=X.columns)
    return w


def entropy_minmax(X, directions=None, shift: float = 0.0, *, return_details: bool = False):
    r"""Textbook 熵权法: direction-aware min–max, optional shift, then :func:`entropy`.

    ``x'_ij = (x_ij − min_i x_ij)/(max − min)`` for benefit and ``(max − x_ij)/(max − min)`` for
    cost indicators, then ``x'_ij + shift`` (papers use 1e-4 or 0.01 to avoid ln 0), then
    :func:`entropy`. Equals pyrepo-mcda ``entropy_weighting(minmax_normalization(X, types))``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 4.0]})
    >>> entropy_minmax(X, {"a": "benefit", "b": "cost"}).round(3).tolist()
    [0.533, 0.467]
    """
    _params("entropy", {"shift": shift})
    X = _matrix(X, "entropy_minmax", "entropy")
    dirs = as_directions(directions, X.columns).to_numpy()
    _constant(X.to_numpy(), X.columns, "entropy")
    w, det = _run(kernels.entropy_kernel, X, dirs, shift=shift, details=True)
    w = pd.Series(w[0], index=X.columns, name="weight")
    if return_details:
        return w, pd.DataFrame({"e": det["e"][0], "d": det["d"][0]}, index=X.columns)
    return w


# ----------------------------------------------------------------------------- CRITIC / CV / std
def critic(X, directions=None, normalise: bool = True, *, return_details: bool = False):
    r"""CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995), methods.md §4.5.

    .. math:: C_j = \sigma_j \sum_{k=1}^{n} (1 - r_{jk}),\qquad w_j = C_j / \sum_k C_k

    on the direction-aware min–max matrix (``normalise=True``, as in the paper and in
    scikit-criteria). σ_j is the population standard deviation (ddof cancels in w); r_jk is the
    Pearson correlation. With ``normalise=False`` the raw data are used, cost columns negated.

    A constant indicator has σ = 0 and undefined correlations: it gets weight 0 (with a
    :class:`DegenerateIndicatorWarning`) and its correlations are *treated as 0*, so it adds
    ``1 − 0 = 1`` to every other indicator's conflict sum. ``return_details=True`` also
    returns ``{"sigma", "C", "r"}``. The formula is
    :func:`toolkit.methods.weighting.weight_kernels.critic_kernel`.

    Note: pymcdm and pyrepo-mcda min–max every column as benefit; they agree with this function
    only when all indicators are benefit.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 1.0, 3.0], "c": [1.0, 3.0, 2.0]})
    >>> critic(X).round(4).tolist()
    [0.2, 0.4, 0.4]
    """
    _params("critic", {"normalise": normalise})
    X = _matrix(X, "critic")
    if X.shape[1] < 2:
        raise DataError("critic: needs at least 2 indicators (the conflict term needs correlations)")
    dirs = as_directions(directions, X.columns).to_numpy()
    _constant(X.to_numpy(), X.columns, "critic")
    w, det = _run(kernels.critic_kernel, X, dirs, normalise=normalise, details=True)
    w = pd.Series(w[0], index=X.columns, name="weight")
    if return_details:
        return w, {"sigma": pd.Series(det["sigma"][0], index=X.columns),
                   "C": pd.Series(det["C"][0], index=X.columns),
                   "r": pd.DataFrame(det["r"][0], index=X.columns, columns=X.columns)}
    return w


def cv(X, directions=None) -> pd.Series:
    r"""Coefficient-of-variation weights (变异系数法), methods.md §4.6.

    ``V_j = σ_j / x̄_j`` on raw, ratio-scale data and ``w_j = V_j / Σ_k V_k`` (ddof cancels).
    An indicator with mean ≤ 0 raises :class:`DataError`; a constant one gets weight 0.
    ``directions`` are accepted for a uniform signature and not used.

    Examples
    --------
    >>> import pandas as pd
    >>> cv(pd.DataFrame({"a": [1.0, 3.0], "b": [10.0, 30.0]})).tolist()
    [0.5, 0.5]
    """
    X = _matrix(X, "cv")  # a mean ≤ 0: the entry's declared check (POSITIVE_MEAN)
    _constant(X.to_numpy(), X.columns, "cv")
    return pd.Series(_run(kernels.cv_kernel, X)[0], index=X.columns, name="weight")


def std(X, directions=None, normalise: bool = True) -> pd.Series:
    r"""Standard-deviation weights (标准差法): ``w_j = σ_j / Σ_k σ_k``.

    σ_j is taken on the min–max normalised matrix (``normalise=True``; directions do not change
    σ after min–max but are validated) or on the raw data (``normalise=False``, the pymcdm /
    pyrepo-mcda / scikit-criteria default). A constant indicator gets weight 0.

    Examples
    --------
    >>> import pandas as pd
    >>> std(pd.DataFrame({"a": [0.0, 1.0], "b": [0.0, 2.0]}), normalise=False).round(3).tolist()
    [0.333, 0.667]
    """
    _params("std", {"normalise": normalise})
    X = _matrix(X, "std")
    dirs = as_directions(directions, X.columns).to_numpy()
    _constant(X.to_numpy(), X.columns, "std")
    return pd.Series(_run(kernels.std_kernel, X, dirs, normalise=normalise)[0], index=X.columns, name="weight")


# ----------------------------------------------------------------------------- PCA
def varimax(loadings, normalize: bool = True, tol: float = 1e-12, max_iter: int = 5000):
    """Kaiser (1958) varimax rotation of a loading matrix (p indicators × k factors).

    Same algorithm as R ``stats::varimax``: with ``normalize=True`` rows are scaled to unit
    communality before rotating (Kaiser normalisation, the SPSS default) and scaled back.
    Iterates until the rotation matrix changes by less than ``tol``, from several fixed
    starting rotations, keeping the best varimax criterion
    (:func:`toolkit.methods.weighting.weight_kernels.varimax_kernel`). Returns the rotated loadings
    (DataFrame in, DataFrame out).

    Examples
    --------
    >>> import numpy as np
    >>> rot = varimax(np.array([[0.8, 0.3], [0.7, 0.4], [0.3, 0.8], [0.2, 0.9]]))
    >>> rot.shape
    (4, 2)
    """
    frame = loadings if isinstance(loadings, pd.DataFrame) else None
    L = np.asarray(loadings, dtype=float)
    if L.shape[1] < 2:
        return loadings
    out = kernels.varimax_kernel(L[None], normalize=normalize, tol=tol, max_iter=max_iter)[0]
    return pd.DataFrame(out, index=frame.index, columns=frame.columns) if frame is not None else out


def pca(X, method: str = "nicoletti", *, min_eigenvalue: float = 1.0, min_share: float | None = None,
        min_cumulative: float | None = None, n_factors: int | None = None, return_details: bool = False):
    r"""PCA-based weights.

    ``method="nicoletti"`` — OECD/JRC Handbook (2008) §6.1, after Nicoletti, Scarpetta & Boylaud
    (2000): standardise, eigen-decompose the correlation matrix, retain factors with eigenvalue
    > ``min_eigenvalue`` (1) [and, if given, each explaining > ``min_share`` (Handbook: 0.10) of
    the variance; if ``min_cumulative`` (Handbook: 0.60) is given and not reached, further factors
    are added until it is; ``n_factors`` overrides all], varimax-rotate the loadings
    ``λ_k^{1/2} v_k``, and with ``EV_f = Σ_j l_jf²`` of the rotated factors

    .. math:: w_j \propto \frac{l_{jf(j)}^2}{EV_{f(j)}} \cdot \frac{EV_{f(j)}}{\sum_g EV_g},
              \qquad f(j) = \arg\max_f l_{jf}^2 ,

    i.e. the squared loading scaled to unity sum within its factor, times the factor's share of
    the rotated explained variance; the weights are then rescaled to sum to 1. (The Chinese
    "composite coefficient" variant of methods.md §4.7 is a different method.)

    ``method="first_component"`` — COINr variant: ``|v_1| / Σ|v_1|`` (PC1 loadings). The sign of
    an eigenvector is arbitrary and PC1 can load negatively on some indicators; taking absolute
    values hides that, so inspect ``loadings`` in the details.

    Constant indicators are left out of the PCA and get weight 0 (with a warning). Needs ≥ 3
    units and ≥ 2 non-constant indicators. ``return_details=True`` returns ``(weights, dict)``
    with ``eigenvalues``, ``explained_variance_ratio``, ``loadings``, ``rotated_loadings``,
    ``n_factors``, ``assignment``, ``factor_variance``. The formula is
    :func:`toolkit.methods.weighting.weight_kernels.pca_kernel`.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 1, 4, 3], "c": [0.5, 1.5, 1, 3]})
    >>> round(float(pca(X, "first_component").sum()), 12)
    1.0
    """
    _params("pca", {"method": method, "min_eigenvalue": min_eigenvalue, "min_share": min_share,
                    "min_cumulative": min_cumulative, "n_factors": n_factors})
    X = _matrix(X, "pca")  # fewer than two non-constant indicators: the entry's declared check
    _constant(X.to_numpy(), X.columns, "pca")
    w, det = _run(kernels.pca_kernel, X, method=method, min_eigenvalue=min_eigenvalue, min_share=min_share,
                  min_cumulative=min_cumulative, n_factors=n_factors, details=True)
    w = pd.Series(w[0], index=X.columns, name="weight")
    if not return_details:
        return w
    cols = X.columns[det["cols"]]
    vals = det["eigenvalues"][0]
    pcs = [f"PC{i + 1}" for i in range(len(vals))]
    details = {"eigenvalues": pd.Series(vals, index=pcs),
               "explained_variance_ratio": pd.Series(vals / vals.sum(), index=pcs),
               "loadings": pd.DataFrame(det["loadings"][0], index=cols, columns=pcs)}
    if method != "first_component":
        k = det["n_factors"]
        factors = [f"F{i + 1}" for i in range(k)]
        details.update(n_factors=k, rotated_loadings=pd.DataFrame(det["rotated"][0], index=cols, columns=factors),
                       assignment=pd.Series([factors[a] for a in det["assignment"][0]], index=cols, name="factor"),
                       factor_variance=pd.Series(det["factor_variance"][0], index=factors))
    return w, details


# ----------------------------------------------------------------------------- the registry entries
_ON = Param("on", "choice", "normalised", "weight the normalised or the treated (raw) values",
            choices=("normalised", "raw"))
#: the family of each weighting method (``Method.kind``): lists of one family (notebook 02's
#: objective methods) are read from the registry
_KINDS = {"equal": "fixed", "framework": "fixed", "manual": "fixed", "file": "fixed", "ahp": "subjective",
          "bwm": "subjective", "group_ahp": "subjective", "entropy": "objective", "critic": "objective",
          "cv": "objective", "std": "objective", "pca": "objective", "optimal": "optimised", "combine": "combination"}
#: cv's data check, declared in its entry (``Method.checks``): run by :func:`cv` and, on the
#: engine's stacks, by :func:`toolkit.index.steps.weight_stack`
POSITIVE_MEAN = DataCheck("positive_mean", "has mean {value:g} ≤ 0; the coefficient of variation needs positive, "
                          "ratio-scale data", lambda mean, params: mean <= 0, per="column",
                          stat=lambda values: values.mean(axis=-2))
#: PCA's: correlations need at least two indicators that vary across the units
VARYING = DataCheck("varying", "needs at least 2 non-constant indicators, got {value:g}",
                    lambda count, params: count < 2, per="matrix",
                    stat=lambda values: (~kernels.constant_columns(values)).sum(axis=-1))

#: the weighting step's registry (``weights.<level>.method``)
WEIGHTING = Registry("weighting", "weights.<level>.method", "framework")
#: how a ``combine`` choice combines its weight vectors (``weights.<level>.combine``)
COMBINATION = Registry("combination", "weights.<level>.combine", "linear")
for _name, _zh, _doc in (("linear", "线性组合", "Σ β_l w_l"), ("multiplicative", "乘法组合", "Π w_l, rescaled"),
                         ("min_info", "最小鉴别信息", "minimum discrimination information: ∝ Π w_l^(1/L)"),
                         ("game_theory", "博弈论组合", "the game-theory combination (Nash equilibrium of the vectors)")):
    COMBINATION.register(Method(_name, "combination", partial(combine, method=_name),
                                partial(combine_kernel, method=_name), label_zh=_zh, doc=_doc))
for _entry in (
    Method("equal", "weighting", fixed.equal_weights, label_zh="等权", doc="every child the same weight",
           doc_zh="各子项权重相同"),
    Method("framework", "weighting", fixed.framework_weights, label_en="the framework's", label_zh="框架权重",
           doc="the weights written in the framework file", doc_zh="框架文件中写明的权重"),
    Method("manual", "weighting", fixed.manual_weights, settings=(
        Param("values", "mapping", None, "code → weight (a number or a fraction such as 1/3)", required=True),),
        label_zh="手动赋权", doc="weights given in the specification", doc_zh="设定中给出的权重"),
    Method("file", "weighting", fixed.file_weights, settings=(
        Param("path", "text", None, "CSV or YAML file of code, weight", required=True),),
        label_en="from a file", label_zh="文件权重", doc="weights read from a CSV or YAML file", doc_zh="从 CSV 或 YAML 文件读取"),
    Method("ahp", "weighting", fixed.ahp_weights, settings=(
        Param("matrix", "mapping", None, "a pairwise matrix per parent: {parent code: [[…], …]}",
              required=True),
        Param("ri", "choice", "saaty1980", "random consistency index table", choices=tuple(RI_TABLES)),
        Param("allow_inconsistent", "boolean", False, "accept CR ≥ 0.1")),
        label_en="AHP", label_zh="层次分析法", doc="priorities of a pairwise comparison matrix (Saaty)",
        doc_zh="两两比较判断矩阵的特征向量（Saaty）"),
    Method("entropy", "weighting", entropy_minmax, kernels.entropy_kernel, True, params=(
        Param("shift", "number", 0.0, "added after min–max (avoids ln 0)", low=0, per_node=True),),
        settings=(_ON,), directional=True, min_rows=2, checks=(FINITE,), label_zh="熵权法",
        doc="more weight to indicators whose values differ more (Shannon entropy)", doc_zh="信息熵越小、差异越大，权重越高"),
    Method("critic", "weighting", critic, kernels.critic_kernel, True, params=(
        Param("normalise", "boolean", True, "min–max first (as in the paper)", per_node=True),),
        settings=(_ON,), directional=True, min_rows=2, checks=(FINITE,), label_en="CRITIC", label_zh="CRITIC 法",
        doc="contrast (sd) times conflict (1 − correlation) (Diakoulaki et al. 1995)", doc_zh="对比强度 × 冲突性"),
    Method("cv", "weighting", cv, kernels.cv_kernel, True, settings=(
        Param("on", "choice", "raw", _ON.doc, choices=_ON.choices),), on="raw", min_rows=2, checks=(FINITE, POSITIVE_MEAN),
        label_en="coefficient of variation", label_zh="变异系数法", doc="∝ sd / mean of the raw values",
        doc_zh="∝ 原始值的标准差 / 均值"),
    Method("std", "weighting", std, kernels.std_kernel, True, params=(
        Param("normalise", "boolean", True, "min–max first", per_node=True),), settings=(_ON,), directional=True,
        min_rows=2, checks=(FINITE,), label_en="standard deviation", label_zh="标准差法", doc="∝ the standard deviation",
        doc_zh="∝ 标准差"),
    Method("pca", "weighting", pca, kernels.pca_kernel, True, params=(
        Param("method", "choice", "nicoletti", "Nicoletti factor weights or |PC1|",
              choices=("nicoletti", "first_component"), per_node=True),
        Param("min_eigenvalue", "number", 1.0, "Kaiser threshold", low=0, per_node=True),
        Param("min_share", "number", None, "each factor's minimum share of variance", low=0, high=1,
              high_open=True, nullable=True, per_node=True),
        Param("min_cumulative", "number", None, "cumulative share to reach", low=0, high=1, low_open=True,
              nullable=True, per_node=True),
        Param("n_factors", "integer", None, "fixed number of factors", low=1, nullable=True, per_node=True)),
        settings=(_ON,), min_rows=3, checks=(FINITE, VARYING), label_en="PCA", label_zh="主成分分析法",
        doc="factor loadings of the principal components (Nicoletti et al. 2000)", doc_zh="主成分因子载荷（Nicoletti 等 2000）"),
    Method("combine", "weighting", combine, combine_kernel, settings=(
        Param("of", "list", None, "the weight choices to combine (at least two)", required=True),
        Param("combine", "choice", "linear", "combination rule", choices=COMBINATION.names),
        Param("coefficients", "coefficients", None, "β of a linear combination", nullable=True)),
        label_en="combination", label_zh="组合赋权", doc="several weight vectors combined (e.g. AHP + entropy)",
        doc_zh="多种权重的组合（如 AHP + 熵权）"),
    Method("bwm", "weighting", fixed.bwm_weights, settings=(
        Param("best_to_others", "mapping", None, "per parent: {child code: a_Bj} (1 for the best)", required=True),
        Param("others_to_worst", "mapping", None, "per parent: {child code: a_jW} (1 for the worst)", required=True),
        Param("model", "choice", "linear", "linear (Rezaei 2016, unique weights) or nonlinear (Rezaei 2015)",
              choices=("linear", "nonlinear")),
        Param("allow_inconsistent", "boolean", False, "accept CRᴵ above the Liang et al. (2020) threshold")),
        label_en="Best–Worst Method", label_zh="最优最劣法 (BWM)",
        doc="Best–Worst Method, linear model (Rezaei 2016) by default, `model: nonlinear` for Rezaei (2015)",
        doc_zh="最优最劣法线性模型（Rezaei 2016）"),
    Method("group_ahp", "weighting", fixed.group_ahp_weights, settings=(
        Param("matrices", "mapping", None, "per parent: {expert: pairwise matrix}", required=True),
        Param("aggregation", "choice", "aij", "AIJ or AIP", choices=("aij", "aip_geometric", "aip_arithmetic")),
        Param("expert_weights", "mapping", None, "expert → weight (default equal)", nullable=True),
        Param("ri", "choice", "saaty1980", "random consistency index table", choices=tuple(RI_TABLES)),
        Param("allow_inconsistent", "boolean", False, "accept experts with CR ≥ 0.1")),
        label_en="group AHP", label_zh="群组层次分析法",
        doc="several experts' AHP matrices combined (Forman & Peniwati 1998)", doc_zh="多位专家判断矩阵的集结"),
    optimal_weights.ENTRY,  # declared beside its function (optimal_weights.py), which runs its checks
):
    WEIGHTING.register(replace(_entry, kind=_KINDS[_entry.name]))
