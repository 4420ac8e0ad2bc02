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
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError
from ..checks import as_directions, as_matrix
from . import weight_kernels as kernels
from .subjective import RI_TABLES, AHPResult, InconsistentJudgementError, ahp, combine

__all__ = [
    "AHPResult", "DegenerateIndicatorWarning", "InconsistentJudgementError", "RI_TABLES", "ahp",
    "combine", "critic", "cv", "entropy", "entropy_minmax", "equal", "from_file", "pca", "std",
    "varimax",
]


class DegenerateIndicatorWarning(UserWarning):
    """An indicator carries no information for a weighting method and was given weight 0."""


# ----------------------------------------------------------------------------- helpers
def _matrix(X, method: str, min_rows: int = 2) -> pd.DataFrame:
    X = as_matrix(X, name=method, allow_nan=True, min_rows=min_rows)
    if X.columns.has_duplicates:
        raise DataError(f"{method}: duplicate indicator code(s) {list(X.columns[X.columns.duplicated()])}")
    empty = X.columns[X.isna().all().to_numpy()]
    if len(empty):
        raise DataError(f"{method}: indicator(s) {list(empty)} have no data (every value is missing)")
    return as_matrix(X, name=method)  # any remaining NaN: names unit and indicator, says impute


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
    """Check parameters against the registry's declaration (SpecError naming the bad one)."""
    from ..registry import WEIGHTING

    WEIGHTING.check_params(name, params, where=name)


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


def from_file(path, columns=None) -> pd.Series:
    """Read manual (expert) weights from CSV or YAML and rescale them to sum to 1.

    CSV: columns ``code`` and ``weight``. YAML: a mapping ``code: weight``, a list of
    ``{code, weight}`` records, or either of these under a top-level ``weights:`` key.
    If ``columns`` (indicator codes, or a DataFrame) is given, codes not in it and indicators
    without a weight raise :class:`DataError`, and the result follows its order.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"from_file: no such file {str(path)!r}")
    from ...publish.guard import protect

    protect(path)  # an input of the running command: never written over
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = pd.read_csv(path, dtype={"code": str}, encoding="utf-8-sig")
        if not {"code", "weight"} <= set(table.columns):
            raise DataError(f"from_file: {path.name} needs columns 'code' and 'weight', found {list(table.columns)}")
        codes, values = table["code"].tolist(), table["weight"].tolist()
    elif suffix in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "weights" in data and isinstance(data["weights"], (dict, list)):
            data = data["weights"]
        if isinstance(data, dict):
            codes, values = list(data), list(data.values())
        elif isinstance(data, list) and all(isinstance(r, dict) and {"code", "weight"} <= set(r) for r in data):
            codes, values = [r["code"] for r in data], [r["weight"] for r in data]
        else:
            raise DataError(f"from_file: {path.name} must hold a mapping code → weight or a list of {{code, weight}}")
    else:
        raise DataError(f"from_file: unsupported file type {suffix!r}; use .csv, .yaml or .yml")
    codes = [str(c).strip() for c in codes]
    weights = pd.Series(pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float),
                        index=pd.Index(codes), name="weight")
    if weights.empty:
        raise DataError(f"from_file: {path.name} holds no weights")
    if weights.index.has_duplicates:
        raise DataError(f"from_file: indicator(s) {list(weights.index[weights.index.duplicated()])} listed twice")
    for code, w in weights.items():
        if not np.isfinite(w) or w < 0:
            raise DataError(f"from_file: indicator {code!r} has weight {w:g}; weights must be finite and ≥ 0")
    if columns is not None:
        columns = pd.Index(columns.columns if isinstance(columns, pd.DataFrame) else list(columns)).astype(str)
        unknown, missing = weights.index.difference(columns), columns.difference(weights.index)
        if len(unknown):
            raise DataError(f"from_file: unknown indicator code(s) {list(unknown)} (not among the data columns)")
        if len(missing):
            raise DataError(f"from_file: no weight given for indicator(s) {list(missing)}")
        weights = weights.reindex(columns)
    if weights.sum() <= 0:
        raise DataError(f"from_file: weights in {path.name} sum to 0")
    return weights / weights.sum()


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
    X = _matrix(X, "entropy_minmax")
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
    X = _matrix(X, "cv")
    V = X.to_numpy()
    mean = V.mean(axis=0)
    if (mean <= 0).any():
        j = int(np.argmax(mean <= 0))
        raise DataError(f"cv: indicator {X.columns[j]!r} has mean {mean[j]:g} ≤ 0; the coefficient of "
                        "variation needs positive, ratio-scale data")
    _constant(V, X.columns, "cv")
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
    X = _matrix(X, "pca", min_rows=3)
    const = _constant(X.to_numpy(), X.columns, "pca")
    if int((~const).sum()) < 2:
        raise DataError("pca: needs at least 2 non-constant indicators")
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
